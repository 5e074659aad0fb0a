// Metadata forms: hide questions that do not apply (the form's skip rules, in data-when) and
// add rows to repeating groups. Without this script every question shows and the server drops
// answers to skipped ones.
(function () {
  "use strict";
  const form = document.querySelector(".metadata-form");
  if (!form) return;

  function answers(key) {
    const inputs = form.querySelectorAll('[name="' + CSS.escape(key) + '"]');
    const found = [];
    inputs.forEach(function (input) {
      if (input.type === "checkbox" || input.type === "radio") {
        if (input.checked) found.push(input.value);
      } else if (input.value) {
        found.push(input.value);
      }
    });
    return found;
  }

  function refresh() {
    form.querySelectorAll("[data-when]").forEach(function (element) {
      const rule = JSON.parse(element.dataset.when);
      const given = answers(rule.key);
      element.hidden = !given.some(function (value) { return rule.values.indexOf(value) >= 0; });
    });
  }

  form.addEventListener("change", refresh);
  refresh();

  form.querySelectorAll("[data-add-row]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      const body = form.querySelector('[data-rows="' + CSS.escape(button.dataset.addRow) + '"] tbody');
      const last = body.lastElementChild;
      const copy = last.cloneNode(true);
      const next = body.children.length + 1;
      copy.querySelectorAll("input, textarea").forEach(function (input) {
        input.name = input.name.replace(/\.(\d+)\.([a-z_0-9]+)$/, "." + next + ".$2");
        input.value = "";
      });
      body.appendChild(copy);
      copy.querySelector("input, textarea").focus();
    });
  });
})();
