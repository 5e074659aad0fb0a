/* Satu Data widgets. On another website: turns every
 *   <div data-satudata-widget="rilis-mendatang" data-instansi="…"></div>
 * into the widget's <iframe> and keeps its height fitting its content. Inside a widget page:
 * tells the framing page its height (postMessage; the host checks where it comes from).
 * Plain JS, no dependencies, no cookies. */
(function () {
  "use strict";
  var TYPE = "satudata-widget-height";
  if (document.body && document.body.hasAttribute("data-satudata-frame")) {
    if (window.parent === window) return;
    var last = 0;
    var tell = function () {
      var height = Math.ceil(document.body.getBoundingClientRect().height);
      if (height !== last) {
        last = height;
        window.parent.postMessage({ type: TYPE, height: height }, "*");
      }
    };
    window.addEventListener("load", tell);
    window.addEventListener("resize", tell);
    if (window.ResizeObserver) new ResizeObserver(tell).observe(document.body);
    tell();
    return;
  }
  var script = document.currentScript;
  var origin = new URL(script ? script.src : location.href).origin;
  var PATHS = { "rilis-mendatang": "", angka: "dataset", grafik: "grafik" };
  var TITLES = { "rilis-mendatang": "Rilis mendatang", angka: "Angka terbaru", grafik: "Grafik" };
  var HEIGHTS = { "rilis-mendatang": 360, angka: 220, grafik: 420 };
  var frames = [];
  function build(div) {
    var kind = div.getAttribute("data-satudata-widget");
    if (!(kind in PATHS) || div.querySelector("iframe")) return;
    var path = "/widget/" + kind + "/";
    var query = [];
    if (PATHS[kind]) {
      var slug = div.getAttribute("data-" + PATHS[kind]) || "";
      if (!slug) return;
      path += encodeURIComponent(slug) + "/";
    } else {
      ["instansi", "sektor", "n"].forEach(function (name) {
        var value = div.getAttribute("data-" + name);
        if (value) query.push(name + "=" + encodeURIComponent(value));
      });
    }
    var language = div.getAttribute("data-bahasa");
    if (language) query.push("bahasa=" + encodeURIComponent(language));
    var frame = document.createElement("iframe");
    frame.src = origin + path + (query.length ? "?" + query.join("&") : "");
    frame.title = div.getAttribute("data-judul") || TITLES[kind];
    frame.loading = "lazy";
    frame.style.cssText = "border:0;width:100%;max-width:100%;display:block";
    frame.height = String(HEIGHTS[kind]);
    div.appendChild(frame);
    frames.push(frame);
  }
  window.addEventListener("message", function (event) {
    if (event.origin !== origin || !event.data || event.data.type !== TYPE) return;
    var height = Number(event.data.height);
    if (!(height > 0 && height < 5000)) return;
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source) frames[i].height = String(height);
    }
  });
  function start() {
    var found = document.querySelectorAll("[data-satudata-widget]");
    for (var i = 0; i < found.length; i++) build(found[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
