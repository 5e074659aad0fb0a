// A dissemination report's page while its files are being made: asks the server every two
// seconds how far it is, moves the progress bar, and reloads when the worker is done.
(function () {
  "use strict";
  var box = document.querySelector("[data-report-status]");
  if (!box || !window.fetch) return;
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-report-step]");

  function poll() {
    fetch(box.dataset.reportStatus, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        if (answer.status !== "menunggu" && answer.status !== "berjalan") {
          window.location.reload();
          return;
        }
        if (bar) {
          bar.value = answer.progress;
          bar.textContent = answer.progress + "%";
        }
        if (text) text.textContent = answer.step || answer.status_text;
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
