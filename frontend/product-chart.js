// A chart product drawn in the browser from its stored Vega-Lite specification: the same
// specification the server rendered to the SVG and PNG files (satudata/products/charts.py),
// Indonesian number format included (config.locale). Until it is drawn, and when scripts or
// the file cannot be read, the server's SVG stays in place with its text alternative. Vega
// evaluates expressions with its interpreter, not generated code: the site's content policy
// (scripts from this server only, no eval) holds.
import embed from "vega-embed";
import { expressionInterpreter } from "vega-interpreter";

function draw(holder) {
  const view = holder.querySelector("[data-chart-view]");
  fetch(holder.dataset.specUrl, { headers: { Accept: "application/json" } })
    .then((response) => {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    })
    .then((spec) => embed(view, spec, {
      renderer: "svg",
      actions: false,
      tooltip: false, // Vega's own title tooltips: no injected styles
      defaultStyle: false,
      ast: true,
      expr: expressionInterpreter,
    }))
    .then(() => {
      const fallback = holder.querySelector("[data-chart-fallback]");
      if (fallback) { fallback.hidden = true; }
      view.hidden = false;
      holder.dataset.drawn = "yes";
    })
    .catch(() => {
      view.hidden = true;
      holder.dataset.drawn = "no"; // the server's SVG stays
    });
}

document.querySelectorAll("[data-product-chart]").forEach(draw);
