/* The widget snippet builder: the preview and both snippets follow the form as it changes, and
 * the copy buttons copy a snippet. Without this script the form still works (it reloads). */
(function () {
  "use strict";
  var form = document.getElementById("widget-form");
  if (!form) return;
  var site = form.getAttribute("data-site");
  var preview = document.getElementById("wb-preview");
  var iframeBox = document.getElementById("wb-iframe");
  var scriptBox = document.getElementById("wb-script");
  var status = document.getElementById("wb-copied");
  var HEIGHTS = { "rilis-mendatang": 360, angka: 220, grafik: 420 };
  function value(name) { return form.elements[name] ? form.elements[name].value : ""; }
  function escapeAttr(text) {
    return String(text).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  }
  function update() {
    var kind = value("widget");
    var fields = form.querySelectorAll("[data-for]");
    for (var i = 0; i < fields.length; i++) fields[i].hidden = fields[i].getAttribute("data-for") !== kind;
    var path = "/widget/" + kind + "/";
    var query = [];
    var attributes = ['data-satudata-widget="' + kind + '"'];
    if (kind === "angka" || kind === "grafik") {
      var name = kind === "angka" ? "dataset" : "grafik";
      path += encodeURIComponent(value(name) || "-") + "/";
      attributes.push("data-" + name + '="' + escapeAttr(value(name)) + '"');
    } else {
      ["instansi", "sektor", "n"].forEach(function (key) {
        var v = value(key);
        if (!v || (key === "n" && v === form.getAttribute("data-default-n"))) return;
        query.push(key + "=" + encodeURIComponent(v));
        attributes.push("data-" + key + '="' + escapeAttr(v) + '"');
      });
    }
    if (value("bahasa") !== form.getAttribute("data-default-language")) {
      query.push("bahasa=" + encodeURIComponent(value("bahasa")));
      attributes.push('data-bahasa="' + escapeAttr(value("bahasa")) + '"');
    }
    var src = site + path + (query.length ? "?" + query.join("&") : "");
    var title = form.elements.widget.options[form.elements.widget.selectedIndex].text;
    if (preview.getAttribute("src") !== src) preview.src = src;
    iframeBox.value = '<iframe src="' + escapeAttr(src) + '" title="' + escapeAttr(title) +
      '" width="100%" height="' + HEIGHTS[kind] + '" style="border:0;max-width:100%" loading="lazy"></iframe>';
    var script = scriptBox.value.match(/<script[^>]*><\/script>/);
    scriptBox.value = "<div " + attributes.join(" ") + "></div>\n" + (script ? script[0] : "");
  }
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.origin !== location.origin || event.source !== preview.contentWindow) return;
    if (data && data.type === "satudata-widget-height" && data.height > 0 && data.height < 5000) {
      preview.height = String(Math.ceil(data.height) + 2);
    }
  });
  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
  function copied(ok) {
    status.textContent = status.getAttribute(ok ? "data-done" : "data-failed");
  }
  var buttons = document.querySelectorAll(".wb-copy");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].addEventListener("click", function (event) {
      var box = document.getElementById(event.currentTarget.getAttribute("data-copy"));
      box.focus();
      box.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(box.value).then(function () { copied(true); }, function () { copied(false); });
      } else {
        var ok = false;
        try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
        copied(ok);
      }
    });
  }
})();
