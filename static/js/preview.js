// The dataset page's table: pages, filters and sorting are done by the server
// (portal:rows), so a table of a million rows pages as fast as one of ten.
(function () {
  "use strict";
  var section = document.getElementById("preview");
  if (!section) { return; }
  var form = document.getElementById("preview-form");
  var table = document.getElementById("preview-table");
  var status = document.getElementById("preview-status");
  var prev = document.getElementById("preview-prev");
  var next = document.getElementById("preview-next");
  var state = { page: 1, sort: "", total: 0, limit: 25 };

  function params(withPage) {
    var query = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (String(value).trim()) { query.append(key, String(value).trim()); }
    });
    if (state.sort) { query.set("urut", state.sort); }
    if (withPage) { query.set("hal", String(state.page)); }
    return query;
  }

  // ``shown`` is the server's rendering in the page's language (1.234,5 in Indonesian);
  // a region code gets its name beside it, from the page's one lookup of names.
  function cell(value, shown, regions) {
    var td = document.createElement("td");
    td.textContent = shown !== null && shown !== undefined ? shown : (value === null ? "" : String(value));
    if (typeof value === "number") { td.className = "num"; }
    var name = value !== null && regions ? regions[String(value)] : undefined;
    if (name) {
      var span = document.createElement("span");
      span.className = "muted region-name";
      span.textContent = " " + name;
      td.appendChild(span);
    }
    return td;
  }

  function updateDownloads() {
    var query = params(false).toString();
    document.querySelectorAll("a[data-format]").forEach(function (link) {
      var base = link.getAttribute("href").split("?")[0];
      link.setAttribute("href", query ? base + "?" + query : base);
    });
  }

  function load() {
    var url = section.dataset.rowsUrl + "?" + params(true).toString();
    status.textContent = "…";
    fetch(url, { headers: { "Accept": "application/json" } })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (answer) {
        var body = table.tBodies[0];
        body.textContent = "";
        if (!answer.ok) {
          status.textContent = section.dataset.textError + " " + answer.body.error.message;
          return;
        }
        var data = answer.body;
        var skip = data.fields.length && data.fields[0].id === "_id" ? 1 : 0;
        var regionFields = {};
        data.fields.forEach(function (field, i) { if (field.type === "text") { regionFields[i] = true; } });
        data.rows.forEach(function (row, r) {
          var tr = document.createElement("tr");
          var shown = data.shown ? data.shown[r] : [];
          for (var i = skip; i < row.length; i += 1) {
            tr.appendChild(cell(row[i], shown[i], regionFields[i] ? data.regions : null));
          }
          body.appendChild(tr);
        });
        state.total = data.total;
        state.limit = data.limit;
        if (!data.total) {
          status.textContent = section.dataset.textNone;
        } else {
          status.textContent = section.dataset.textRows
            .replace("{from}", String(data.offset + 1))
            .replace("{to}", String(data.offset + data.rows.length))
            .replace("{total}", String(data.total));
        }
        prev.disabled = state.page <= 1;
        next.disabled = data.offset + data.rows.length >= data.total;
        updateDownloads();
      })
      .catch(function (error) { status.textContent = section.dataset.textError + " " + error; });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    state.page = 1;
    load();
  });
  prev.addEventListener("click", function () { if (state.page > 1) { state.page -= 1; load(); } });
  next.addEventListener("click", function () { state.page += 1; load(); });
  table.querySelectorAll("button[data-sort]").forEach(function (button) {
    button.addEventListener("click", function () {
      var column = button.dataset.sort;
      state.sort = state.sort === column ? "-" + column : column;
      state.page = 1;
      table.querySelectorAll("th").forEach(function (th) { th.removeAttribute("aria-sort"); });
      button.parentElement.setAttribute("aria-sort", state.sort.charAt(0) === "-" ? "descending" : "ascending");
      load();
    });
  });
  load();
}());
