// The usage dashboard on a phone: once filters have been chosen (the address carries them),
// the long filter form starts folded under its "Filters" summary, so the figures come first.
// Without JavaScript, or on a wide screen, the form stays open.
(function () {
  "use strict";
  var box = document.querySelector("[data-filter-box]");
  if (!box || !window.matchMedia) return;
  if (box.querySelector(".error")) return;  // filters that cannot be read stay in view
  if (window.location.search && window.matchMedia("(max-width: 40rem)").matches) {
    box.open = false;
  }
})();
