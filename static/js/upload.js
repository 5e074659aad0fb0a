// Sending a file with a progress bar, by drag and drop or the file picker.
// Without this script the form still posts normally; with it, the page shows how much of the
// file has been sent and goes to the synchronisation report when the server has it.
(function () {
  "use strict";
  var form = document.querySelector("form[data-upload]");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  var input = form.querySelector("input[type=file]");
  var zone = form.querySelector("[data-dropzone]");
  var bar = form.querySelector("progress");
  var status = form.querySelector("[data-upload-status]");
  var button = form.querySelector("button[type=submit]");

  function say(text) { status.textContent = text; }

  function chosen() {
    if (input.files.length) say(form.dataset.chosen.replace("%s", input.files[0].name));
  }

  input.addEventListener("change", chosen);
  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (event) {
      event.preventDefault();
      zone.classList.add("dropzone-active");
    });
  });
  ["dragleave", "drop"].forEach(function (name) {
    zone.addEventListener(name, function () { zone.classList.remove("dropzone-active"); });
  });
  zone.addEventListener("drop", function (event) {
    event.preventDefault();
    if (event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      chosen();
    }
  });

  form.addEventListener("submit", function (event) {
    if (!input.files.length) return; // let the browser say the field is required
    event.preventDefault();
    var request = new XMLHttpRequest();
    request.open("POST", form.action || window.location.href);
    request.setRequestHeader("Accept", "application/json");
    bar.hidden = false;
    bar.value = 0;
    button.disabled = true;
    request.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) {
        bar.max = e.total;
        bar.value = e.loaded;
        say(form.dataset.sending.replace("%s", Math.round((100 * e.loaded) / e.total)));
      }
    });
    request.addEventListener("load", function () {
      var answer = {};
      try { answer = JSON.parse(request.responseText); } catch (ignored) { answer = {}; }
      if (request.status === 201 && answer.report) {
        say(form.dataset.received);
        window.location.assign(answer.report);
        return;
      }
      button.disabled = false;
      bar.hidden = true;
      say((answer.errors || [form.dataset.failed]).join(" "));
    });
    request.addEventListener("error", function () {
      button.disabled = false;
      bar.hidden = true;
      say(form.dataset.failed);
    });
    request.send(new FormData(form));
  });
})();
