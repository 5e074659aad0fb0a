"""Charts (SOP activity 2): a Vega-Lite specification drawn from a table product's cube.

A chart product's definition (``Product.spec`` for kind "grafik") is a small dict::

    {
        "mark": "bar" | "line" | "stacked-bar" | "pyramid" | "tile-map",
        "x": "<dimension id>",        # the categories: bars, the line's points, the pyramid's
                                      # age groups, the tile map's kecamatan
        "color": "<dimension id>",    # optional: the series (grouped bars, lines), the stack,
                                      # the pyramid's two sides (exactly two categories)
        "filter": {"<dimension id>": "<category code>"},  # one value of every other dimension
        "horizontal": true,           # bars only; default: across for categories, up for time
        "title": "...", "unit": "...", "source": "...",   # default: the cube's
        "alt_text": "...",            # required: the text alternative (WCAG 1.1.1)
        "show_source": true,          # false: no source line (an infographic prints its own)
    }

A dimension neither on ``x`` nor ``color`` is held at one category: the one ``filter`` names,
else the newest period of a time dimension, else the dimension's first category; the values
held appear in the subtitle beside the unit.

``vegalite_spec`` makes ONE specification with the data inlined; the browser draws it
(``frontend/product-chart.js``) and the server renders the same specification to SVG and PNG
with ``vl_convert`` (no browser). Indonesian number formatting (decimal ",", thousands ".")
travels inside the specification as ``config.locale``, so both renderers format alike;
``render_*`` also pass it as vl_convert's format locale.

Choropleth: no open boundary data for the kecamatan of Kabupaten Pringsewu can be shipped with
the platform (BIG's administrative boundaries are not published under an open licence that
allows redistribution, and drawing our own would be inaccurate), so the map is a *tile map*:
each of the 9 kecamatan has a fixed square on a 3 × 3 grid, placed roughly as the kecamatan
lie (north at the top), coloured by its value. Region codes may be Kemendagri ("18.10.01"),
without dots ("181001") or BPS ("1810040").
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from typing import Any

import vl_convert as vlc
from django.utils import translation
from django.utils.translation import gettext as _

from satudata.core.spreadsheets import CSV_MEDIA_TYPE, csv_bytes
from satudata.products.cube import Category, Cube, Dimension
from satudata.products.errors import ProductError
from satudata.products.generated import GeneratedFile
from satudata.products.models import Product, ProductKind, ProductVersion

VEGALITE_VERSION = "6.4"  # vl_convert's newest; the browser bundle has vega-lite 6.x too
SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
MARKS = ("bar", "line", "stacked-bar", "pyramid", "tile-map")
WIDTH = 560
FONT = "Noto Sans, DejaVu Sans, Arial, sans-serif"
COLOURS = ["#1f6f8b", "#e07a1f", "#5b8c3a", "#8e5ba8", "#c9453a", "#6b7a8f", "#d1a21c"]

# d3-format and d3-time-format locales for Indonesian (d3 ships none).
NUMBERS_ID = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["Rp", ""]}
TIME_ID = {
    "dateTime": "%A, %e %B %Y %H.%M.%S",
    "date": "%d/%m/%Y",
    "time": "%H.%M.%S",
    "periods": ["", ""],
    "days": ["Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"],
    "shortDays": ["Min", "Sen", "Sel", "Rab", "Kam", "Jum", "Sab"],
    "months": [
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ],
    "shortMonths": [
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "Mei",
        "Jun",
        "Jul",
        "Agu",
        "Sep",
        "Okt",
        "Nov",
        "Des",
    ],
}

# The tile map: Kemendagri code, BPS code, (column, row) on a 3 × 3 grid, north at the top.
TILES: dict[str, tuple[str, tuple[int, int]]] = {
    "18.10.09": ("1810031", (0, 0)),  # Pagelaran Utara
    "18.10.06": ("1810070", (1, 0)),  # Banyumas
    "18.10.07": ("1810080", (2, 0)),  # Adiluwih
    "18.10.05": ("1810030", (0, 1)),  # Pagelaran
    "18.10.01": ("1810040", (1, 1)),  # Pringsewu
    "18.10.08": ("1810060", (2, 1)),  # Sukoharjo
    "18.10.04": ("1810010", (0, 2)),  # Pardasuka
    "18.10.03": ("1810020", (1, 2)),  # Ambarawa
    "18.10.02": ("1810050", (2, 2)),  # Gading Rejo
}
TILE_SIZE = 150


def _tile_of(code: str) -> tuple[int, int] | None:
    plain = code.replace(".", "")
    for kemendagri, (bps, place) in TILES.items():
        if plain in (kemendagri.replace(".", ""), bps):
            return place
    return None


def _text(chart: Mapping[str, Any], key: str, default: str = "") -> str:
    value = chart.get(key)
    return str(value).strip() if value not in (None, "") else default


def dimension_named(cube: Cube, name: Any, field: str) -> Dimension:
    """The cube's dimension ``name``; a ``ProductError`` on ``field`` when there is none."""
    found = next((d for d in cube.dimensions if d.id == name), None)
    if found is None:
        raise ProductError(_("The table has no dimension “%(name)s”.") % {"name": name}, field)
    return found


def _dimension(cube: Cube, chart: Mapping[str, Any], key: str) -> Dimension | None:
    name = chart.get(key)
    return None if name in (None, "") else dimension_named(cube, name, key)


def held_categories(
    cube: Cube, chart: Mapping[str, Any], drawn: list[Dimension]
) -> dict[str, Category]:
    """The one category each dimension not drawn is held at."""
    filters = chart.get("filter") or {}
    if not isinstance(filters, Mapping):
        raise ProductError(_("The filter must name one value per dimension."), "filter")
    for name in filters:
        dimension_named(cube, name, "filter")
    held: dict[str, Category] = {}
    for dimension in cube.dimensions:
        if dimension in drawn:
            continue
        if not dimension.categories:
            raise ProductError(
                _("The dimension “%(name)s” has no values.") % {"name": dimension.label}
            )
        code = filters.get(dimension.id)
        if code is None:
            newest = dimension.role == "time"
            held[dimension.id] = dimension.categories[-1 if newest else 0]
            continue
        category = next((c for c in dimension.categories if c.code == str(code)), None)
        if category is None:
            raise ProductError(
                _("“%(code)s” is not a value of “%(name)s”.")
                % {"code": code, "name": dimension.label},
                "filter",
            )
        held[dimension.id] = category
    return held


def number(value: Any) -> float | None:
    """A cell's value to draw; a value that is not a number means the measure cannot be drawn."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProductError(
            _("A chart draws numbers; this measure is not numeric. Choose a numeric measure."),
            "measure",
        )
    return None if math.isnan(value) else float(value)


def _rows(
    cube: Cube, x: Dimension, series: Dimension | None, held: dict[str, Category]
) -> list[dict[str, Any]]:
    """The cells drawn, as Vega-Lite data: one row per x category (and series category)."""
    rows = []
    for position, record in enumerate(cube.records()):
        if any(record[name] != category.code for name, category in held.items()):
            continue
        row = {
            "code": record[x.id],
            "category": record[f"{x.id}_label"],
            "value": number(record["value"]),
            "order": position,
        }
        if series is not None:
            row["series"] = record[f"{series.id}_label"]
        rows.append(row)
    if all(row["value"] is None for row in rows):
        raise ProductError(_("The selection has no numbers to draw."), "filter")
    return rows


def _value_format(cube: Cube) -> str:
    return f",.{max(0, min(cube.decimals, 6))}f"


def _ordered(labels: list[str]) -> list[str]:
    return list(dict.fromkeys(labels))


def _bar(
    chart: Mapping[str, Any], cube: Cube, x: Dimension, series: Dimension | None, stacked: bool
) -> dict[str, Any]:
    horizontal = chart.get("horizontal")
    if horizontal is None:
        horizontal = x.role != "time"
    fmt = _value_format(cube)
    categories = {
        "field": "category",
        "type": "ordinal" if x.role == "time" else "nominal",
        "title": x.label,
        "sort": None,
        "axis": {"labelLimit": 200},
    }
    value: dict[str, Any] = {
        "field": "value",
        "type": "quantitative",
        "title": _text(chart, "unit", cube.unit) or None,
        "axis": {"format": ",~r"},
    }
    if not stacked:
        value["stack"] = None
    encoding: dict[str, Any] = {
        "y" if horizontal else "x": categories,
        "x" if horizontal else "y": value,
        "tooltip": [
            {"field": "category", "title": x.label},
            {"field": "value", "type": "quantitative", "title": _("Value"), "format": fmt},
        ],
    }
    if series is not None:
        _colour_by_series(encoding, series)
        if not stacked:
            encoding["yOffset" if horizontal else "xOffset"] = {"field": "series", "sort": None}
    mark: dict[str, Any] = {"type": "bar", "tooltip": True}
    if series is None:
        mark["color"] = COLOURS[0]
    size: dict[str, Any] = {"width": WIDTH}
    if horizontal:
        size["height"] = {"step": 10 if series is not None and not stacked else 22}
    else:
        size["height"] = 300
    return {"mark": mark, "encoding": encoding, **size}


def _colour_by_series(encoding: dict[str, Any], series: Dimension) -> None:
    """Colour the marks by the series dimension, with its legend on top and its value in the
    tooltip (bars and lines alike)."""
    encoding["color"] = {
        "field": "series",
        "type": "nominal",
        "title": series.label,
        "sort": None,
        "scale": {"range": COLOURS},
        "legend": {"orient": "top", "labelLimit": 240},
    }
    encoding["tooltip"].insert(1, {"field": "series", "title": series.label})


def _line(chart: Mapping[str, Any], cube: Cube, x: Dimension, series: Dimension | None) -> dict:
    fmt = _value_format(cube)
    encoding: dict[str, Any] = {
        "x": {
            "field": "category",
            "type": "ordinal",
            "title": x.label,
            "sort": None,
            "axis": {"labelAngle": 0},
        },
        "y": {
            "field": "value",
            "type": "quantitative",
            "title": _text(chart, "unit", cube.unit) or None,
            "axis": {"format": ",~r"},
        },
        "tooltip": [
            {"field": "category", "title": x.label},
            {"field": "value", "type": "quantitative", "title": _("Value"), "format": fmt},
        ],
    }
    mark: dict[str, Any] = {"type": "line", "point": True, "tooltip": True}
    if series is not None:
        _colour_by_series(encoding, series)
    else:
        mark["color"] = COLOURS[0]
    return {"mark": mark, "encoding": encoding, "width": WIDTH, "height": 300}


def _pyramid(
    chart: Mapping[str, Any], cube: Cube, x: Dimension, series: Dimension | None, rows: list
) -> dict[str, Any]:
    """One view: the first side's values drawn leftwards (negative), the axis labels without
    the sign, the youngest group at the bottom."""
    if series is None or len(series.categories) != 2:
        raise ProductError(
            _("A population pyramid needs a colour dimension with exactly two values (sexes)."),
            "color",
        )
    left = series.categories[0].label
    for row in rows:
        row["size"] = row["value"]
        if row["value"] is not None and row["series"] == left:
            row["value"] = -row["value"]
    fmt = _value_format(cube)
    widest = max((abs(r["value"]) for r in rows if r["value"] is not None), default=0)
    return {
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "y": {
                "field": "category",
                "type": "ordinal",
                "title": x.label,
                "sort": list(reversed(_ordered([r["category"] for r in rows]))),
            },
            "x": {
                "field": "value",
                "type": "quantitative",
                "title": _text(chart, "unit", cube.unit) or None,
                "stack": None,
                "scale": {"domain": [-widest, widest], "nice": True},
                # The left side is negative only to be drawn leftwards.
                "axis": {"format": ",~r", "labelExpr": "replace(datum.label, /[-−]/, '')"},
            },
            "color": {
                "field": "series",
                "type": "nominal",
                "title": series.label,
                "sort": [c.label for c in series.categories],
                "scale": {"range": COLOURS[:2]},
                "legend": {"orient": "top"},
            },
            "tooltip": [
                {"field": "category", "title": x.label},
                {"field": "series", "title": series.label},
                {"field": "size", "type": "quantitative", "title": _("Value"), "format": fmt},
            ],
        },
        "width": WIDTH,
        "height": {"step": 18},
    }


def _tile_map(chart: Mapping[str, Any], cube: Cube, x: Dimension, rows: list) -> dict[str, Any]:
    for row in rows:
        place = _tile_of(str(row["code"]))
        if place is None:
            raise ProductError(
                _(
                    "A tile map draws the kecamatan of the regency; “%(code)s” is not one of "
                    "them. Choose a bar chart instead."
                )
                % {"code": row["code"]},
                "x",
            )
        row["column"], row["row"] = place
    numbers = [r["value"] for r in rows if r["value"] is not None]
    low, high = min(numbers), max(numbers)
    for row in rows:
        # Dark tiles take white text (contrast), the light ones black.
        share = 0.0 if row["value"] is None or high == low else (row["value"] - low) / (high - low)
        row["ink"] = "white" if share > 0.55 else "#111"
    fmt = _value_format(cube)
    unit = _text(chart, "unit", cube.unit)
    ink = {"field": "ink", "type": "nominal", "scale": None}
    position = {
        "x": {"field": "column", "type": "ordinal", "axis": None, "scale": {"domain": [0, 1, 2]}},
        "y": {"field": "row", "type": "ordinal", "axis": None, "scale": {"domain": [0, 1, 2]}},
    }
    return {
        "width": TILE_SIZE * 3,
        "height": TILE_SIZE * 3,
        "encoding": position,
        # The text's colour is its own (not the value scale's).
        "resolve": {"scale": {"color": "independent"}},
        "layer": [
            {
                "mark": {"type": "rect", "stroke": "white", "strokeWidth": 3, "tooltip": True},
                "encoding": {
                    "color": {
                        "field": "value",
                        "type": "quantitative",
                        "title": unit or _("Value"),
                        "scale": {"scheme": "blues"},
                        "legend": {"format": ",~r", "orient": "right"},
                    },
                    "tooltip": [
                        {"field": "category", "title": x.label},
                        {"field": "value", "type": "quantitative", "title": unit, "format": fmt},
                    ],
                },
            },
            {
                "mark": {"type": "text", "dy": -12, "fontSize": 12, "fontWeight": "bold"},
                "encoding": {"text": {"field": "category"}, "color": ink},
            },
            {
                "mark": {"type": "text", "dy": 10, "fontSize": 13},
                "encoding": {
                    "text": {"field": "value", "type": "quantitative", "format": fmt},
                    "color": ink,
                },
            },
        ],
    }


def _subtitle(chart: Mapping[str, Any], cube: Cube, held: dict[str, Category]) -> list[str]:
    lines = []
    unit = _text(chart, "unit", cube.unit)
    if unit:
        lines.append(_("Unit: %(unit)s") % {"unit": unit})
    fixed = [
        f"{cube.dimension(name).label}: {category.label}"
        for name, category in held.items()
        if len(cube.dimension(name).categories) > 1
    ]
    if fixed:
        lines.append("; ".join(fixed))
    return lines


def vegalite_spec(cube: Cube, chart: Mapping[str, Any]) -> dict[str, Any]:
    """The chart's Vega-Lite v6 specification, with the cube's data inlined, the title, a
    subtitle with the unit, the source line below, and the alt text as its ``description``.

    Raises ``ProductError`` (with the field at fault) for an unknown mark or dimension, a value
    not in a dimension, a non-numeric measure, or missing alt text."""
    mark = chart.get("mark", "bar")
    if mark not in MARKS:
        raise ProductError(_("Choose a bar, line, stacked bar, pyramid or tile map."), "mark")
    alt_text = _text(chart, "alt_text")
    if not alt_text:
        raise ProductError(_("Write the chart's text alternative (alt text)."), "alt_text")
    x = _dimension(cube, chart, "x")
    if x is None:
        raise ProductError(_("Choose the dimension drawn along the axis."), "x")
    # A tile map is coloured by its value: a colour dimension is not drawn.
    series = None if mark == "tile-map" else _dimension(cube, chart, "color")
    if series is not None and series.id == x.id:
        raise ProductError(_("Colour by a different dimension than the axis."), "color")
    drawn = [x] if series is None else [x, series]
    held = held_categories(cube, chart, drawn)
    rows = _rows(cube, x, series, held)
    if mark in ("bar", "stacked-bar"):
        view = _bar(chart, cube, x, series, stacked=mark == "stacked-bar")
    elif mark == "line":
        view = _line(chart, cube, x, series)
    elif mark == "pyramid":
        view = _pyramid(chart, cube, x, series, rows)
    else:
        view = _tile_map(chart, cube, x, rows)
    view["data"] = {"values": rows}
    # An infographic prints the source once for the page, not under each chart.
    source = _text(chart, "source", cube.source) if chart.get("show_source", True) else ""
    footer = {
        "data": {"values": [{"text": _("Source: %(source)s") % {"source": source}}]},
        "mark": {
            "type": "text",
            "align": "left",
            "baseline": "top",
            "fontSize": 11,
            "color": "#444",
            "limit": WIDTH,
        },
        "encoding": {"text": {"field": "text"}, "x": {"value": 0}, "y": {"value": 0}},
        "width": view.get("width", WIDTH),
        "height": 14,
    }
    return {
        "$schema": SCHEMA,
        "description": alt_text,
        "title": {
            "text": _text(chart, "title", cube.title),
            "subtitle": _subtitle(chart, cube, held),
            "anchor": "start",
            "fontSize": 16,
            "subtitleFontSize": 12,
            "subtitleColor": "#444",
            "offset": 12,
        },
        "background": "white",
        "padding": 12,
        "vconcat": [view, footer] if source else [view],
        "spacing": 16,
        "config": {
            "locale": {"number": NUMBERS_ID, "time": TIME_ID},
            "font": FONT,
            "view": {"stroke": None},
            "axis": {"labelFontSize": 11, "titleFontSize": 12, "titleFontWeight": "normal"},
            "legend": {"labelFontSize": 11, "titleFontSize": 12},
        },
    }


def _options() -> dict[str, Any]:
    # Nothing is fetched: the data is inlined, and no base URL is allowed.
    return {
        "vl_version": VEGALITE_VERSION,
        "format_locale": NUMBERS_ID,
        "time_format_locale": TIME_ID,
        "allowed_base_urls": [],
    }


def _failed(error: Exception) -> ProductError:
    return ProductError(_("The chart could not be drawn: %(error)s") % {"error": error})


def render_svg(cube: Cube, chart: Mapping[str, Any]) -> str:
    """The chart as SVG, from the same specification the browser draws."""
    spec = vegalite_spec(cube, chart)
    try:
        return str(vlc.vegalite_to_svg(spec, **_options()))
    except ValueError as error:
        raise _failed(error) from error


def render_png(cube: Cube, chart: Mapping[str, Any], scale: float = 2) -> bytes:
    """The chart as PNG (``scale`` 2: sharp on phones and in print)."""
    spec = vegalite_spec(cube, chart)
    try:
        return bytes(vlc.vegalite_to_png(spec, scale=scale, **_options()))
    except ValueError as error:
        raise _failed(error) from error


# --- The chart product: its files -------------------------------------------------------------


def released_table(product: Product | None, field: str = "source") -> ProductVersion:
    """The newest released version of the table product a chart or infographic draws from:
    what it draws is what the public may already read, never data under embargo."""
    if product is None or product.kind != ProductKind.TABLE:
        raise ProductError(_("Choose the table product this is drawn from."), field)
    version = product.versions.released().order_by("-number").first()
    if version is None:
        raise ProductError(
            _("The table “%(title)s” has no released version to draw from yet.")
            % {"title": product.title},
            field,
        )
    return version


def table_cube(version: ProductVersion) -> Cube:
    """The cube of a table product version, built by the table builder."""
    # The table builder's module (part B of issue 18) sits beside this one.
    from satudata.products import tables  # type: ignore[attr-defined, unused-ignore]

    cube: Cube = tables.cube_for(version)
    return cube


def definition(version: ProductVersion) -> dict[str, Any]:
    """The chart definition of a chart version: its frozen spec, with the product's title and
    text alternative where the spec leaves them out."""
    chart = dict(version.spec or version.product.spec or {})
    chart.setdefault("title", version.product.title)
    if not str(chart.get("alt_text") or "").strip():
        chart["alt_text"] = version.product.alt_text
    return chart


def data_csv(spec: Mapping[str, Any]) -> bytes:
    """The numbers a chart draws, as CSV (codes, labels, the series, the value)."""
    rows = spec["vconcat"][0]["data"]["values"]
    with_series = any("series" in row for row in rows)
    header = ["kode", "kategori", *(["seri"] if with_series else []), "nilai"]
    series: Callable[[dict[str, Any]], list[Any]] = (
        (lambda row: [row["series"]]) if with_series else (lambda row: [])
    )
    return csv_bytes(
        header,
        (
            [row["code"], row["category"], *series(row), row.get("size", row["value"])]
            for row in rows
        ),
    )


def files_for(version: ProductVersion, progress: Callable[[int, str], None]) -> list[GeneratedFile]:
    """A chart version's files: SVG and PNG rendered on the server, the Vega-Lite
    specification the browser draws, and the data drawn as CSV."""
    with translation.override("id"):
        progress(5, _("Reading the table"))
        cube = table_cube(released_table(version.product.source))
        chart = definition(version)
        spec = vegalite_spec(cube, chart)
        progress(40, _("Drawing the chart"))
        svg = render_svg(cube, chart)
        png = render_png(cube, chart)
    stem = f"{version.product.slug}-v{version.number}"
    progress(90, _("Writing the files"))
    return [
        GeneratedFile("svg", f"{stem}.svg", svg.encode(), "image/svg+xml"),
        GeneratedFile("png", f"{stem}.png", png, "image/png"),
        GeneratedFile(
            "vega-lite",
            f"{stem}.vl.json",
            json.dumps(spec, ensure_ascii=False, indent=1).encode(),
            "application/json",
        ),
        GeneratedFile("csv", f"{stem}.csv", data_csv(spec), CSV_MEDIA_TYPE),
    ]
