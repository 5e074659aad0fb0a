// The table builder ("tabel dinamis"). The server builds and renders the table (builder:fragment,
// through the gate and the datastore); this file only keeps the address in step with the form,
// moves dimensions between rows and columns (drag and drop, or the place list and the arrow
// buttons from a keyboard or a phone) and fetches the table again. Without it the form still
// works: it is sent as it is and the server answers with the whole page.

const EXPRESSION = /^(TOP|BOTTOM|RANGE)\([^()]*\)$/i;

function start() {
  const form = document.getElementById("builder-form");
  if (!form) { return; }
  const text = form.dataset;
  const status = document.getElementById("builder-status");
  const target = document.getElementById("builder-table");
  const zones = Array.from(form.querySelectorAll(".zone-list"));
  const fields = Array.from(form.querySelectorAll(".value-field"));
  const asked = new URLSearchParams(window.location.search);
  let timer = null;
  let running = null;

  function zoneOf(key) { return zones.find((zone) => zone.dataset.zone === key); }

  function query() {
    const params = new URLSearchParams();
    params.set("ukuran", form.elements.namedItem("ukuran").value);
    for (const key of ["baris", "kolom"]) {
      for (const item of zoneOf(key).querySelectorAll(".dim-item")) {
        params.append(key, item.dataset.dim);
      }
    }
    for (const field of fields) {
      const name = "v." + field.dataset.dim;
      const boxes = Array.from(field.querySelectorAll("input[type=checkbox]"));
      const chosen = boxes.filter((box) => box.checked).map((box) => box.value);
      if (field.dataset.expression) {
        params.set(name, field.dataset.expression);
      } else if (chosen.length === 0) {
        params.set(name, "");
      } else if (chosen.length !== boxes.length) {
        chosen.forEach((code) => params.append(name, code));
      }
    }
    return params.toString().replace(/%28/g, "(").replace(/%29/g, ")").replace(/%2C/g, ",");
  }

  function clearErrors() {
    form.querySelectorAll(".error[data-from-script]").forEach((node) => node.remove());
    form.querySelectorAll("[aria-invalid][data-from-script]").forEach((node) => {
      node.removeAttribute("aria-invalid");
    });
    form.querySelectorAll(".error:not([data-from-script]), .error-box").forEach((node) => {
      node.remove();
    });
  }

  function showError(field, message) {
    const place = field === "ukuran" ? "field-ukuran"
      : field === "letak" ? "field-letak"
        : field === "sel" || !field ? null : "field-v-" + field;
    const box = (place && document.getElementById(place)) || form;
    const note = document.createElement("p");
    note.className = box === form ? "error-box" : "error";
    note.dataset.fromScript = "1";
    note.setAttribute("role", "alert");
    note.textContent = message;
    const legend = box.querySelector("legend");
    if (legend) { legend.after(note); } else { box.prepend(note); }
    status.textContent = text.textError + " " + message;
  }

  function follow(q) {
    const page = text.pageUrl + "?" + q;
    window.history.replaceState(null, "", page);
    document.querySelectorAll(".download-link").forEach((link) => {
      link.href = link.href.split("?")[0] + "?" + q;
    });
    const save = document.getElementById("save-form");
    if (save) { save.action = save.action.split("?")[0] + "?" + q; }
  }

  async function refresh() {
    const q = query();
    follow(q);
    if (running) { running.abort(); }
    running = new AbortController();
    status.textContent = text.textLoading;
    target.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(text.fragmentUrl + "?" + q, {
        signal: running.signal,
        headers: { Accept: "text/html" },
      });
      clearErrors();
      if (response.ok) {
        // The fragment is this server's own template output: a table, no scripts.
        target.innerHTML = await response.text();
        const cells = response.headers.get("X-Cells") || "";
        status.textContent = text.textDone.replace("{cells}", Number(cells).toLocaleString("id-ID"));
      } else {
        const answer = await response.json().catch(() => ({ error: { message: response.statusText } }));
        showError(answer.error.code, answer.error.message);
      }
    } catch (error) {
      if (error.name !== "AbortError") { showError("sel", String(error.message || error)); }
    } finally {
      target.removeAttribute("aria-busy");
    }
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 250);
  }

  function counted(field) {
    const boxes = Array.from(field.querySelectorAll("input[type=checkbox]"));
    const n = boxes.filter((box) => box.checked).length;
    field.querySelector("[data-count]").textContent = text.textChosen
      .replace("{n}", n).replace("{total}", boxes.length);
  }

  function place(item, key, before) {
    const zone = zoneOf(key);
    zone.insertBefore(item, before || null);
    item.querySelector(".place-select").value = key;
    const name = item.querySelector(".dim-name").textContent;
    const label = form.querySelector("#zone-" + key).textContent;
    status.textContent = text.textMoved.replace("{name}", name).replace("{place}", label);
  }

  // Without a mouse: the place list, and arrows to change the order within a list.
  form.querySelectorAll(".move-button").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => {
      const item = button.closest(".dim-item");
      const step = Number(button.dataset.move);
      const sibling = step < 0 ? item.previousElementSibling : item.nextElementSibling;
      if (!sibling) { return; }
      item.parentNode.insertBefore(item, step < 0 ? sibling : sibling.nextElementSibling);
      button.focus();
      later();
    });
  });
  form.querySelectorAll(".place-select").forEach((select) => {
    select.addEventListener("change", (event) => {
      event.stopPropagation();
      place(select.closest(".dim-item"), select.value, null);
      select.focus();
      later();
    });
  });

  // With a mouse or a touch screen that drags: drop a dimension into a list, where it falls.
  let dragged = null;
  form.querySelectorAll(".dim-item").forEach((item) => {
    item.addEventListener("dragstart", (event) => {
      dragged = item;
      item.classList.add("is-dragged");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", item.dataset.dim);
    });
    item.addEventListener("dragend", () => {
      item.classList.remove("is-dragged");
      dragged = null;
      zones.forEach((zone) => zone.classList.remove("is-target"));
    });
  });
  zones.forEach((zone) => {
    zone.addEventListener("dragover", (event) => {
      if (!dragged) { return; }
      event.preventDefault();
      zone.classList.add("is-target");
    });
    zone.addEventListener("dragleave", () => zone.classList.remove("is-target"));
    zone.addEventListener("drop", (event) => {
      if (!dragged) { return; }
      event.preventDefault();
      zone.classList.remove("is-target");
      const before = Array.from(zone.querySelectorAll(".dim-item")).find((other) => {
        const box = other.getBoundingClientRect();
        return other !== dragged && event.clientY < box.top + box.height / 2;
      });
      place(dragged, zone.dataset.zone, before);
      later();
    });
  });

  const swap = document.getElementById("swap-button");
  swap.addEventListener("click", (event) => {
    event.preventDefault();
    const rows = Array.from(zoneOf("baris").querySelectorAll(".dim-item"));
    const columns = Array.from(zoneOf("kolom").querySelectorAll(".dim-item"));
    columns.forEach((item) => place(item, "baris", null));
    rows.forEach((item) => place(item, "kolom", null));
    status.textContent = "";
    refresh();
  });

  // The values: find within a long list, all, none, the first (or latest) n.
  fields.forEach((field) => {
    const expression = asked.get("v." + field.dataset.dim) || "";
    if (EXPRESSION.test(expression)) { field.dataset.expression = expression; }
    field.querySelector(".value-tools").hidden = false;
    const boxes = Array.from(field.querySelectorAll("input[type=checkbox]"));
    field.querySelector(".value-find").addEventListener("input", (event) => {
      const words = event.target.value.trim().toLowerCase();
      boxes.forEach((box) => {
        box.closest("li").hidden = Boolean(words) && !box.parentNode.textContent.toLowerCase().includes(words);
      });
    });
    field.querySelectorAll("[data-pick]").forEach((button) => {
      button.addEventListener("click", () => {
        const pick = button.dataset.pick;
        delete field.dataset.expression;
        if (pick === "top") {
          const n = Math.max(1, Math.min(boxes.length, Number(field.querySelector(".top-n-input").value) || 1));
          const latest = field.dataset.role === "time";
          boxes.forEach((box, i) => { box.checked = latest ? i >= boxes.length - n : i < n; });
          field.dataset.expression = "TOP(" + n + ")";
        } else {
          const visible = boxes.filter((box) => !box.closest("li").hidden);
          visible.forEach((box) => { box.checked = pick === "all"; });
        }
        counted(field);
        later();
      });
    });
    boxes.forEach((box) => box.addEventListener("change", () => {
      delete field.dataset.expression;
      counted(field);
      later();
    }));
  });

  form.elements.namedItem("ukuran").addEventListener("change", later);
  form.addEventListener("submit", (event) => {
    if (event.submitter && event.submitter.id === "swap-button") { return; }
    event.preventDefault();
    refresh();
  });
  const show = document.getElementById("show-button");
  if (show) { show.closest("p").hidden = true; }
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", start);
} else {
  start();
}
