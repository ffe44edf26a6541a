// The admin's export page (django-import-export): "Select all" ticks or clears every field of
// the resource it belongs to. Wired here because the site's Content-Security-Policy refuses
// inline event handlers (the package's own template uses onchange="...").
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input.select-toggle").forEach((toggle) => {
    toggle.addEventListener("change", () => {
      const row = toggle.closest("[resource-index]");
      const index = row ? row.getAttribute("resource-index") : null;
      const selector = index === null
        ? '.selectable-field-export-row input[type="checkbox"]'
        : `.selectable-field-export-row[resource-index="${index}"] input[type="checkbox"]`;
      document.querySelectorAll(selector).forEach((checkbox) => {
        if (checkbox !== toggle) {
          checkbox.checked = toggle.checked;
        }
      });
    });
  });
});
