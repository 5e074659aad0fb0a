// The dataset page's quick chart. The server groups and sums (portal:chart, through the
// datastore and the gate); this file only turns its numbers into a Vega-Lite chart. Vega
// evaluates expressions with its interpreter, not generated code, so the chart runs under the
// site's content policy (scripts from this server only, no eval).
import embed from "vega-embed";
import { expressionInterpreter } from "vega-interpreter";

const INDONESIAN_NUMBERS = { decimal: ",", thousands: ".", grouping: [3], currency: ["Rp", ""] };

function start() {
  const section = document.getElementById("chart");
  if (!section) { return; }
  const form = document.getElementById("chart-form");
  const view = document.getElementById("chart-view");
  const status = document.getElementById("chart-status");
  const preview = document.getElementById("preview-form");
  const text = section.dataset;
  let current = null;
  let asked = 0;

  function query() {
    const params = new URLSearchParams(new FormData(form));
    if (preview) {
      new FormData(preview).forEach((value, key) => {
        if (String(value).trim()) { params.append(key, String(value).trim()); }
      });
    }
    return params;
  }

  function specification(answer) {
    const by = answer.by_title;
    const valueTitle = answer.value_title;
    const value = {
      field: "value",
      type: "quantitative",
      title: valueTitle,
      axis: { format: ",~r", tickMinStep: answer.whole ? 1 : undefined },
    };
    const line = answer.mark === "line";
    const spec = {
      description: text.title + " — " + valueTitle + " (" + by + ")",
      title: { text: text.title, anchor: "start", fontSize: 14 },
      width: "container",
      height: line ? 280 : Math.max(120, 26 * answer.values.length),
      autosize: { type: "fit-x", contains: "padding" },
      data: { values: answer.values },
      config: { view: { stroke: null }, axis: { labelFontSize: 12, titleFontSize: 12 } },
    };
    if (line) {
      spec.mark = { type: "line", point: true, tooltip: true };
      spec.encoding = { x: { field: "label", type: "ordinal", title: by, sort: null }, y: value };
    } else {
      spec.mark = { type: "bar", tooltip: true, color: "#1f6f8b" };
      spec.encoding = {
        // The server has ordered the bars, largest first.
        y: { field: "label", type: "nominal", title: by, sort: null, axis: { labelLimit: 240 } },
        x: value,
      };
    }
    return spec;
  }

  function draw() {
    const ticket = ++asked;
    status.textContent = "…";
    fetch(text.chartUrl + "?" + query().toString(), { headers: { Accept: "application/json" } })
      .then((response) => response.json().then((body) => ({ ok: response.ok, body })))
      .then((answer) => {
        if (ticket !== asked) { return null; }  // a newer choice is on its way
        if (!answer.ok) { throw new Error(answer.body.error.message); }
        const drawn = answer.body;
        status.textContent = drawn.truncated
          ? text.textMore.replace("{shown}", drawn.values.length).replace("{groups}", drawn.groups)
          : "";
        return embed(view, specification(drawn), {
          renderer: "svg",
          actions: false,
          tooltip: false, // Vega's own title tooltips: no injected styles
          defaultStyle: false,
          ast: true,
          expr: expressionInterpreter,
          formatLocale: document.documentElement.lang === "id" ? INDONESIAN_NUMBERS : undefined,
        });
      })
      .then((result) => {
        if (!result) { return; }
        if (current) { current.finalize(); }
        current = result;
        view.dataset.drawn = "yes";
      })
      .catch((error) => {
        view.dataset.drawn = "no";
        status.textContent = text.textError + " " + error.message;
      });
  }

  function save(kind) {
    if (!current) { return; }
    current.view.toImageURL(kind, kind === "png" ? 2 : 1).then((url) => {
      const link = document.createElement("a");
      link.href = url;
      link.download = (section.dataset.filename || "grafik") + "." + kind;
      link.click();
    });
  }

  const tools = document.createElement("p");
  tools.className = "chart-actions";
  [["png", text.textPng], ["svg", text.textSvg]].forEach(([kind, label]) => {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = label;
    button.dataset.save = kind;
    button.addEventListener("click", () => save(kind));
    tools.appendChild(button);
  });
  section.appendChild(tools);

  form.addEventListener("change", draw);
  form.addEventListener("submit", (event) => { event.preventDefault(); draw(); });
  if (preview) { preview.addEventListener("submit", draw); }
  draw();
}

start();
