// The header's menu and the search page's filters on a phone are <details> elements, so they
// open and close without this script. With it they behave like a menu button: the summary
// says aria-expanded, Escape closes and gives the focus back, and a tap outside closes.
(function () {
  "use strict";
  var drawers = Array.prototype.slice.call(document.querySelectorAll("details[data-drawer]"));

  function sync(details) {
    var summary = details.querySelector("summary");
    if (summary) { summary.setAttribute("aria-expanded", details.open ? "true" : "false"); }
  }

  drawers.forEach(function (details) {
    sync(details);
    details.addEventListener("toggle", function () { sync(details); });
    details.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && details.open) {
        details.open = false;
        details.querySelector("summary").focus();
      }
    });
  });

  document.addEventListener("click", function (event) {
    drawers.forEach(function (details) {
      var summary = details.querySelector("summary");
      // Only where the summary is showing (a phone): on a wide screen the panel is always out.
      if (details.open && summary && summary.offsetParent !== null && !details.contains(event.target)) {
        details.open = false;
      }
    });
  });
})();
