// Share kit: copy a suggested post or the link to the clipboard (the page works without it:
// the texts can be selected and copied by hand).
(function () {
  "use strict";
  var status = document.querySelector(".share-status");
  function say(key) {
    if (status) { status.textContent = status.getAttribute(key) || ""; }
  }
  function copy(text, field) {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { say("data-copied"); }, function () { say("data-failed"); });
      return;
    }
    if (field) {
      field.focus();
      field.select();
      try { say(document.execCommand("copy") ? "data-copied" : "data-failed"); } catch (e) { say("data-failed"); }
    } else {
      say("data-failed");
    }
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy], [data-copy-text]");
    if (!button) { return; }
    var id = button.getAttribute("data-copy");
    if (id) {
      var field = document.getElementById(id);
      if (field) { copy(field.value, field); }
    } else {
      copy(button.getAttribute("data-copy-text"), null);
    }
  });
}());
