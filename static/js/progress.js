// Following a check that is still running: asks the server every second how far it is and
// reloads the report when the result is there.
(function () {
  "use strict";
  var box = document.querySelector("[data-check-status]");
  if (!box || !window.fetch) return;
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-check-text]");
  var stages = JSON.parse(document.getElementById("check-stages").textContent);

  function show(progress) {
    var stage = stages[progress.stage] || stages.queued;
    var line = stage.replace("%(done)s", (progress.done || 0).toLocaleString("id-ID"))
      .replace("%(total)s", (progress.total || 0).toLocaleString("id-ID"));
    text.textContent = line;
    if (progress.total) {
      bar.max = progress.total;
      bar.value = Math.min(progress.done, progress.total);
    } else {
      bar.removeAttribute("value");
    }
  }

  function poll() {
    fetch(box.dataset.checkStatus, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        if (answer.status !== "checking") {
          window.location.reload();
          return;
        }
        show(answer.progress || {});
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
})();
