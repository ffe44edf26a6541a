// The reports' print view: the running page headers and the print button. No inline script
// anywhere (a Content-Security-Policy forbids them).
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");

  // A CSS string literal of `text`, for `content: var(--print-title)` in the page margins.
  function cssString(text) {
    return '"' + String(text).replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/[\r\n]+/g, " ") + '"';
  }

  // static/css/print.css reads these in the @page margin boxes; CSSOM is allowed by the policy.
  ["title", "printed", "page"].forEach(function (name) {
    var value = document.body.getAttribute("data-print-" + name);
    if (value) {
      root.style.setProperty("--print-" + name, cssString(value));
    }
  });

  document.querySelectorAll("[data-print-now]").forEach(function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
