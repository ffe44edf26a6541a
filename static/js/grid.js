// The data-entry grids (ratings, member statistics), as a spreadsheet is used: Enter moves to the
// same column of the next row (and never submits the form by accident), a grassroots
// organization's cells fold away, ticked rows get a decision number and date filled in at once,
// leaving the page with unsaved changes asks first, and the error summary's links lead to the
// control to correct. Loaded by the grid templates only; no inline script (the CSP forbids them).
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var form = document.querySelector("form[data-grid]");
  if (!form) {
    return;
  }
  var table = form.querySelector("table.grid");
  var status = document.getElementById("grid-dirty");
  var changed = new Set();
  var submitting = false;

  function rowOf(element) {
    return element.closest("tbody > tr:not(.gh)");
  }

  function dataRows() {
    return Array.prototype.slice.call(table.querySelectorAll("tbody > tr:not(.gh)"));
  }

  // Unsaved changes -------------------------------------------------------------------------
  function showDirty() {
    if (!status) {
      return;
    }
    var n = changed.size;
    status.textContent = n === 0 ? "" : (n === 1 ? form.dataset.dirtyOne : form.dataset.dirtyMany).replace("%s", n);
  }

  function markChanged(control) {
    var row = rowOf(control);
    if (row && !control.classList.contains("pick")) {
      changed.add(row);
      showDirty();
    }
  }

  form.addEventListener("input", function (event) {
    markChanged(event.target);
  });
  form.addEventListener("change", function (event) {
    markChanged(event.target);
  });
  form.addEventListener("submit", function () {
    submitting = true;
  });
  window.addEventListener("beforeunload", function (event) {
    if (changed.size > 0 && !submitting) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // Enter moves down (Shift+Enter up) in the same column -----------------------------------------
  function visibleRows() {
    return dataRows().filter(function (row) {
      return row.offsetParent !== null;
    });
  }

  function controlAt(row, column) {
    var cell = row.cells[column];
    return cell ? cell.querySelector("input:not([type=hidden]):not([type=checkbox]), select") : null;
  }

  table.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    var control = event.target;
    if (!control.matches("input, select") || control.type === "checkbox") {
      return;
    }
    event.preventDefault();
    var row = rowOf(control);
    var column = control.closest("td, th").cellIndex;
    var rows = visibleRows();
    var step = event.shiftKey ? -1 : 1;
    for (var i = rows.indexOf(row) + step; i >= 0 && i < rows.length; i += step) {
      var next = controlAt(rows[i], column);
      if (next && !next.disabled) {
        next.focus();
        if (next.select) {
          next.select();
        }
        return;
      }
    }
  });

  // Groups: a grassroots organization's cells fold away -----------------------------------------
  // Each <tbody> is an organization: its own row (or a heading naming it) first, then its cells.
  Array.prototype.forEach.call(table.tBodies, function (group) {
    if (group.rows.length < 2 || !group.id) {
      return;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "gt";
    button.setAttribute("aria-expanded", "true");
    button.setAttribute("aria-controls", group.id);
    button.setAttribute("aria-label", form.dataset.toggleLabel || "");
    var head = group.rows[0].cells[0];
    head.insertBefore(button, head.firstChild);
  });

  function setGroup(button, open) {
    var group = document.getElementById(button.getAttribute("aria-controls"));
    button.setAttribute("aria-expanded", open ? "true" : "false");
    if (group) {
      group.classList.toggle("collapsed", !open);
    }
  }

  table.addEventListener("click", function (event) {
    var button = event.target.closest("button.gt");
    if (button) {
      setGroup(button, button.getAttribute("aria-expanded") !== "true");
    }
  });
  document.querySelectorAll("[data-groups]").forEach(function (button) {
    button.addEventListener("click", function () {
      var open = button.dataset.groups === "expand";
      table.querySelectorAll("button.gt").forEach(function (toggle) {
        setGroup(toggle, open);
      });
    });
  });

  function reveal(row) {
    var group = row.closest("tbody.collapsed");
    if (group) {
      var toggle = group.querySelector("button.gt");
      if (toggle) {
        setGroup(toggle, true);
      }
    }
  }

  // Filling in ticked rows -----------------------------------------------------------------------
  var fill = document.getElementById("fill-down");
  if (fill) {
    var apply = document.getElementById("fill-apply");
    var count = document.getElementById("fill-count");
    var last = null;
    var boxes = [];
    dataRows().forEach(function (row) {
      var name = row.querySelector("th > a");
      var box = document.createElement("input");
      box.type = "checkbox";
      box.className = "pick";
      box.setAttribute("aria-label", (form.dataset.tickLabel || "") + " " + (name ? name.textContent : ""));
      row.cells[0].insertBefore(box, name);
      boxes.push(box);
    });
    var countPicked = function () {
      var n = boxes.filter(function (box) {
        return box.checked;
      }).length;
      count.textContent = n;
      apply.disabled = n === 0;
    };
    boxes.forEach(function (box, index) {
      box.addEventListener("click", function (event) {
        if (event.shiftKey && last !== null) {  // a range, as in a spreadsheet
          var from = Math.min(last, index);
          var to = Math.max(last, index);
          for (var i = from; i <= to; i += 1) {
            boxes[i].checked = box.checked;
            rowOf(boxes[i]).classList.toggle("picked", box.checked);
          }
          countPicked();
        }
        last = index;
      });
      box.addEventListener("change", function () {
        rowOf(box).classList.toggle("picked", box.checked);
        countPicked();
      });
    });
    apply.addEventListener("click", function () {
      var number = document.getElementById("fill-number").value.trim();
      var date = document.getElementById("fill-date").value.trim();
      boxes.forEach(function (box) {
        if (!box.checked) {
          return;
        }
        var row = rowOf(box);
        [["decision_number", number], ["decision_date", date]].forEach(function (pair) {
          var input = row.querySelector("input[name$='-" + pair[0] + "']");
          if (input && pair[1] && !input.disabled && input.value !== pair[1]) {
            input.value = pair[1];
            markChanged(input);
          }
        });
      });
    });
  }

  // The error summary's links lead to the control to correct ------------------------------------
  var summary = document.getElementById("grid-errors");
  if (summary) {
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#n']");
      var anchor = link && document.getElementById(link.getAttribute("href").slice(1));
      var row = anchor && anchor.closest("tr");
      if (!row) {
        return;
      }
      event.preventDefault();
      reveal(row);
      var target = row.querySelector("[aria-invalid=true]") || row.querySelector("select, input:not([type=hidden])");
      row.scrollIntoView({ block: "center" });
      if (target) {
        target.focus({ preventScroll: true });
      }
    });
    summary.focus();
  }
})();
