/* Runs before django-ninja's swagger-ui-init.js; makes the bundled Swagger UI usable with a
   keyboard and a screen reader (checked by axe-core in tests/test_browser_people.py).
   - With deep links on, Swagger UI puts a link inside each operation's toggle button: a
     control within a control, which screen readers cannot announce. The page works the same
     without them.
   - Code samples that scroll sideways get into the tab order, so a keyboard can scroll them.
   - A parameter's value list (true/false) is named after its parameter. */
(function () {
  "use strict";
  const element = document.getElementById("swagger-settings");
  const settings = JSON.parse(element.textContent);
  settings.deepLinking = false;
  element.textContent = JSON.stringify(settings);

  function mend(root) {
    root.querySelectorAll(".highlight-code pre:not([tabindex])").forEach(function (pre) {
      pre.setAttribute("tabindex", "0");
    });
    root.querySelectorAll("tr[data-param-name] select:not([aria-label])").forEach(function (select) {
      const row = select.closest("tr[data-param-name]");
      select.setAttribute("aria-label", row.getAttribute("data-param-name"));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    const target = document.getElementById("swagger-ui");
    new MutationObserver(function () { mend(target); }).observe(target, {
      childList: true,
      subtree: true,
    });
  });
})();
