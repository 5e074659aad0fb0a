"""The report's charts, drawn on the server: a Vega-Lite specification built from the frozen
snapshot and rendered to SVG by ``vl_convert`` with the Indonesian number locale, as the
products' charts are (``satudata.products.charts``). Nothing is fetched: the data is inlined."""

from __future__ import annotations

from typing import Any

import vl_convert as vlc
from django.utils.translation import gettext as _

from satudata.products.charts import COLOURS, FONT, NUMBERS_ID, SCHEMA, TIME_ID, VEGALITE_VERSION

WIDTH = 460


def _line(chart: dict[str, Any]) -> dict[str, Any]:
    measures = {
        "page_views": str(_("Page views")),
        "downloads": str(_("Downloads")),
        "api_calls": str(_("API calls")),
    }
    values = [
        {"month": row["month"], "measure": label, "n": row.get(key) or 0}
        for row in chart["data"]
        for key, label in measures.items()
    ]
    return {
        "data": {"values": values},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {"field": "month", "type": "ordinal", "title": str(_("Month"))},
            "y": {"field": "n", "type": "quantitative", "title": None, "axis": {"format": ",d"}},
            "color": {
                "field": "measure",
                "type": "nominal",
                "title": None,
                "scale": {"range": COLOURS},
            },
        },
    }


def _bar(chart: dict[str, Any]) -> dict[str, Any]:
    return {
        "data": {"values": [{"label": r["format"], "n": r["n"]} for r in chart["data"]]},
        "mark": {"type": "bar", "color": COLOURS[0]},
        "encoding": {
            "y": {"field": "label", "type": "nominal", "title": None, "sort": "-x"},
            "x": {"field": "n", "type": "quantitative", "title": None, "axis": {"format": ",d"}},
        },
    }


def spec(chart: dict[str, Any]) -> dict[str, Any]:
    """The Vega-Lite specification of one chart of the snapshot."""
    body = _line(chart) if chart["kind"] == "line" else _bar(chart)
    return {
        "$schema": SCHEMA,
        "title": chart["title"],
        "width": WIDTH,
        "height": 200,
        "config": {"font": FONT, "view": {"stroke": None}},
        **body,
    }


def drawable(chart: dict[str, Any]) -> bool:
    return len(chart.get("data") or []) > 0


def svg(chart: dict[str, Any]) -> str:
    return str(
        vlc.vegalite_to_svg(
            spec(chart),
            vl_version=VEGALITE_VERSION,
            format_locale=NUMBERS_ID,
            time_format_locale=TIME_ID,
            allowed_base_urls=[],
        )
    )


def png(svg_text: str) -> bytes:
    return bytes(vlc.svg_to_png(svg_text, scale=2))
