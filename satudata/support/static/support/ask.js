// The help desk's ask page: suggestions from the FAQ and the catalogue while the visitor types
// (search first) and counting "this answered me". The spam check is pow.js.
(function () {
  "use strict";
  var form = document.querySelector("[data-ask-form]");
  if (!form) { return; }
  var box = document.querySelector("[data-suggestions]");
  var list = box && box.querySelector("ul");
  var status = document.querySelector("[data-suggest-status]");
  var input = form.querySelector("[name=subject]");
  var message = form.querySelector("[name=message]");
  var searchQuery = form.querySelector("[name=search_query]");
  var searchResults = form.querySelector("[name=search_results]");
  var timer = null;
  var lastQuery = "";

  function text(tag, value, cls) {
    var el = document.createElement(tag);
    el.textContent = value;
    if (cls) { el.className = cls; }
    return el;
  }

  function answered(item, count, button) {
    var body = new FormData();
    body.append("kind", item.kind);
    body.append("id", item.id);
    body.append("q", lastQuery);
    body.append("results", String(count));
    fetch(box.dataset.answeredUrl, { method: "POST", body: body, headers: { "Accept": "application/json", "X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) { button.replaceWith(text("span", data.message, "muted")); })
      .catch(function () { button.disabled = false; });
    button.disabled = true;
  }

  function show(data) {
    lastQuery = data.q;
    list.textContent = "";
    var items = data.faq.concat(data.datasets);
    searchQuery.value = data.q;
    searchResults.value = String(items.length);
    box.hidden = items.length === 0;
    status.textContent = items.length ? box.dataset.foundLabel.replace("%s", String(items.length)) : "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      var a = text("a", item.title);
      a.href = item.url;
      a.target = "_blank";
      a.rel = "noopener";
      li.appendChild(text("span", item.kind === "faq" ? box.dataset.faqLabel : box.dataset.dataLabel, "badge"));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(a);
      if (item.text) { li.appendChild(text("p", item.text, "muted")); }
      var button = text("button", box.dataset.answeredLabel, "button-small");
      button.type = "button";
      button.addEventListener("click", function () { answered(item, items.length, button); });
      li.appendChild(button);
      list.appendChild(li);
    });
  }

  function lookUp() {
    var q = ((input.value || "") + " " + (message.value || "").slice(0, 200)).trim();
    if (q.length < 3 || q === lastQuery) { return; }
    fetch(box.dataset.url + "?q=" + encodeURIComponent(q.slice(0, 300)), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) { show(data); } })
      .catch(function () {});
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(lookUp, 250);
  }
  input.addEventListener("input", later);
  message.addEventListener("input", later);
  // A form sent back with an error keeps what was typed: its suggestions come back too.
  if (input.value || message.value) { lookUp(); }
})();
