// A product's page of work while a version's files are being made: asks the server every two
// seconds how far each version is, moves its progress bar, and reloads when none is running.
(function () {
  "use strict";
  var box = document.querySelector("[data-generation-status]");
  if (!box || !window.fetch) return;

  function show(version) {
    var row = box.querySelector('[data-version="' + version.versi + '"]');
    if (!row) return;
    var bar = row.querySelector("progress");
    var text = row.querySelector("[data-generation-text]");
    if (bar) {
      bar.value = version.kemajuan;
      bar.textContent = version.kemajuan + "%";
    }
    if (text) text.textContent = version.status_teks;
  }

  function poll() {
    fetch(box.dataset.generationStatus, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        var running = answer.versi.filter(function (v) {
          return v.status === "menunggu" || v.status === "berjalan";
        });
        if (!running.length) {
          window.location.reload();
          return;
        }
        answer.versi.forEach(show);
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
