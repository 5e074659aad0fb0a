"""Statistical tables: a selection over published dataset versions, made into a ``Cube``.

A table is described by a *spec*, a JSON object (the ``spec`` of a table product, the state
of the public table builder, the body of the tables API). Every key is optional but
``measures``::

    {
      "sources": [{"dataset": "penduduk-2025", "version": 2}],   # slug or identifier, number
      "measures": ["jumlah"],            # numeric columns; or objects, to name them:
                                         # [{"column": "jumlah", "label": "Penduduk",
                                         #   "unit": "jiwa", "decimals": 0}]
      "select": {                        # the dimensions, each with its values:
        "kecamatan": "*",                #   every value
        "tahun": "TOP(3)",               #   the latest 3 periods of a time dimension (the
                                         #   first 3 of any other), kept in order;
                                         #   "BOTTOM(n)" the earliest (last) n
        "bulan": "RANGE(1,6)",           #   from one value to another, both included, in
                                         #   the dimension's order
        "jenis_kelamin": ["1", "2"]      #   these codes, in this order
      },
      "filters": {"kelompok_umur": ["15-19", "20-24"]},  # rows counted: any of the values
      "aggregate": "sum",                # sum (default), mean, count, min or max
      "stub": ["kecamatan"],             # dimensions down the side, outermost first
      "heading": ["tahun"],              # dimensions across the top; "measure" places the
                                         # measures when there are several (default: last
                                         # in the heading)
      "title": "Penduduk menurut Kecamatan dan Tahun",
      "unit": "jiwa", "decimals": 0,
      "notes": {
        "table": ["Angka 2025 sementara."],                 # under the table
        "dimensions": {"tahun": "Keadaan akhir tahun."},    # on a dimension
        "categories": {"tahun": {"2025": "Angka sementara."}},  # on a column or row
        "cells": [{"at": {"kecamatan": "18.10.01", "tahun": "2025"}, "text": "Estimasi."}]
      },
      "source": "Dinas Kependudukan dan Pencatatan Sipil",  # default: the datasets' agencies
      "contact": "walidata@pringsewukab.go.id",
      "next_update": "2026-12-01"
    }

``sources`` names the dataset versions for callers that resolve them (the builder, the API,
``cube_for`` keeps their order); ``build_cube`` takes the versions themselves. The dimensions
in the cube are the stub's then the heading's; a dimension selected but placed nowhere goes
to the stub, and placement left out puts the time dimensions across the top and the others
down the side (in the order of ``select``, which a PostgreSQL JSON field does not keep: give
``stub`` and ``heading`` for a fixed order). Categories are labelled from the reference:
region codes by the regions' names, a code list's answers (stored by their label) by their
MS-Var code; they are ordered by code (numbers as numbers, so time runs forward). Rows whose
dimension value is empty are not counted. A cell with no rows is empty (status ``...``),
except for ``count``, where it is 0.

A table holds at most ``TABLE_MAX_CELLS`` cells; a selection above it is refused
(``TooManyCells``) before any data is read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from math import prod
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from satudata.catalog.models import Access, CodeValue, DatasetVersion, DataType
from satudata.core.models import SiteProfile
from satudata.datastore import pivot
from satudata.datastore.query import QueryError, QueryTimeout, plain
from satudata.products.cube import Category, Cube, Dimension
from satudata.products.errors import ProductError
from satudata.products.generated import GeneratedFile
from satudata.regions.models import Region
from satudata.releases.dates import wording
from satudata.releases.models import ReleaseEntry

if TYPE_CHECKING:
    from satudata.products.models import ProductVersion

MEASURE = "measure"
AGGREGATES = {
    "sum": "Jumlah",
    "mean": "Rata-rata",
    "count": "Banyaknya",
    "min": "Minimum",
    "max": "Maksimum",
}
NUMERIC = {DataType.INTEGER, DataType.DECIMAL}
# Columns whose values are periods though typed as numbers or text.
TIME_NAMES = re.compile(r"^(tahun|bulan|triwulan|semester|periode|tanggal|year|month|period)")
EXPRESSION = re.compile(
    r"^\s*(?P<fn>TOP|BOTTOM|RANGE)\s*\(\s*(?P<args>[^()]*)\)\s*$", re.IGNORECASE
)
MAX_SELECTED_DIMENSIONS = 8


class TooManyCells(ProductError):
    """A selection whose table would be larger than the cap; says both numbers."""

    def __init__(self, cells: int, cap: int) -> None:
        super().__init__(
            _(
                "This selection makes a table of %(cells)s cells; at most %(cap)s are allowed. "
                "Choose fewer values."
            )
            % {"cells": f"{cells:,}".replace(",", "."), "cap": f"{cap:,}".replace(",", ".")},
            "select",
        )
        self.cells, self.cap = cells, cap


@dataclass(frozen=True)
class Measure:
    column: str
    label: str
    unit: str
    decimals: int | None = None


# --- what a table can be made of -------------------------------------------------------------


def role_of(name: str, column: dict[str, Any]) -> str:
    """A column's role as a dimension: region, time, or a code (a variable's code list)."""
    data_type = column["data_type"]
    if data_type == DataType.REGION:
        return "region"
    if data_type in (DataType.YEAR, DataType.DATE) or TIME_NAMES.match(name.lower()):
        return "time"
    return "code"


def _label(name: str, column: dict[str, Any]) -> str:
    return str(column.get("info", {}).get("label") or name)


def _code(value: Any) -> str:
    return str(plain(value))


def _sort_key(value: Any) -> tuple[int, float, str]:
    """Numbers (and codes written as whole numbers: "2" before "10") first by value, then
    text by its characters."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (0, value, "")
    code = _code(value)
    if re.fullmatch(r"-?\d{1,15}", code):
        return (0, int(code), "")
    return (1, 0, code)


def dimension_columns(versions: Sequence[DatasetVersion]) -> dict[str, dict[str, Any]]:
    """The columns that can be dimensions: regions, periods, codes and text; a number only when
    it is a period (a month written 1 to 12)."""
    return {
        name: column
        for name, column in pivot.columns_of_all(versions).items()
        if column["data_type"] not in NUMERIC or role_of(name, column) == "time"
    }


def measure_columns(versions: Sequence[DatasetVersion]) -> dict[str, dict[str, Any]]:
    """The columns that can be measures: numbers that are not codes, years or regions."""
    return {
        name: column
        for name, column in pivot.columns_of_all(versions).items()
        if column["data_type"] in NUMERIC and role_of(name, column) != "time"
    }


def dimensions_of(version: DatasetVersion | Sequence[DatasetVersion]) -> list[Dimension]:
    """What the builder offers for a version: each column that can be a dimension with all its
    values, labelled and ordered, then one dimension ``measure`` (role "measure") whose
    categories are the numeric columns that can be measured (code: the column, label: the
    variable, note: its unit)."""
    versions = [version] if isinstance(version, DatasetVersion) else list(version)
    dimensions = []
    for name, column in dimension_columns(versions).items():
        values = values_of(versions, name, column)
        dimensions.append(_dimension(name, column, values))
    measures = [
        Category(name, _label(name, column), str(column.get("info", {}).get("unit", "")))
        for name, column in measure_columns(versions).items()
    ]
    return [*dimensions, Dimension(MEASURE, _("Measure"), "measure", measures)]


@dataclass(frozen=True)
class Value:
    """A dimension's value: its code (a region's code, a code list's code, a period), the value
    as stored in the Parquet file, and its label."""

    code: str
    stored: Any
    label: str


def _dimension(name: str, column: dict[str, Any], values: list[Value]) -> Dimension:
    return Dimension(
        id=name,
        label=_label(name, column),
        role=role_of(name, column),
        categories=[Category(v.code, v.label) for v in values],
    )


def _chunks(items: list[str], size: int = 2000) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def values_of(versions: Sequence[DatasetVersion], name: str, column: dict[str, Any]) -> list[Value]:
    """Every value of column ``name`` in the versions, coded, labelled and ordered: regions
    named from the reference, a code list's answers (stored by their label, as the
    synchronisation writes them) given their MS-Var code, periods in time order."""
    stored = sorted(pivot.distinct(versions, name), key=_sort_key)
    role = role_of(name, column)
    if role == "region":
        codes = [_code(v) for v in stored]
        named: dict[str, str] = {}
        for part in _chunks(codes):  # a query's parameters are bounded (SQLite: 32,766)
            named.update(Region.objects.filter(code__in=part).values_list("code", "name"))
        missing = [code for code in codes if code not in named]
        for part in _chunks(missing):
            by_bps = Region.objects.filter(bps_code__in=part).values_list("bps_code", "name")
            named.update({code: label for code, label in by_bps if code not in named})
        return [Value(_code(v), v, named.get(_code(v), _code(v))) for v in stored]
    variable = column.get("info", {}).get("label")
    if role == "time" or not variable:
        return [Value(_code(v), v, _code(v)) for v in stored]
    agencies = {v.dataset.agency_id for v in versions}
    code_list = list(
        CodeValue.objects.filter(
            variable__name=variable, variable__agency_id__in=agencies
        ).values_list("code", "label")
    )
    if column["data_type"] == DataType.CATEGORY:
        code_of = {label: code for code, label in code_list}
        values = [Value(code_of.get(_code(v), _code(v)), v, _code(v)) for v in stored]
        return sorted(values, key=lambda v: _sort_key(v.code))
    label_of = dict(code_list)
    return [Value(_code(v), v, label_of.get(_code(v), _code(v))) for v in stored]


# --- selections --------------------------------------------------------------------------------


def select(dimension_id: str, role: str, codes: list[str], expression: Any) -> list[str]:
    """The codes ``expression`` picks from ``codes`` (in the dimension's order): ``"*"``,
    ``"TOP(n)"``, ``"BOTTOM(n)"``, ``"RANGE(a,b)"``, or a list of codes (kept in its order).
    An unknown code or a malformed expression is a ProductError naming the dimension."""
    field = f"select.{dimension_id}"
    if isinstance(expression, str) and expression.strip() == "*":
        return list(codes)
    if isinstance(expression, str) and (match := EXPRESSION.match(expression)):
        return _expression(match["fn"].upper(), match["args"], role, codes, field)
    wanted = [expression] if isinstance(expression, str | int) else expression
    if not isinstance(wanted, list) or not wanted:
        raise ProductError(
            _("Choose at least one value of %(dimension)s.") % {"dimension": dimension_id}, field
        )
    known = set(codes)
    chosen: dict[str, None] = {}  # in the order given, each once
    for value in wanted:
        code = str(value)
        if code not in known:
            raise ProductError(
                _("%(dimension)s has no value %(value)s.")
                % {"dimension": dimension_id, "value": repr(code)[:60]},
                field,
            )
        chosen[code] = None
    return list(chosen)


def _expression(function: str, args: str, role: str, codes: list[str], field: str) -> list[str]:
    parts = [part.strip() for part in args.split(",")]
    if function == "RANGE":
        if len(parts) != 2 or any(p not in codes for p in parts):
            raise ProductError(
                _("RANGE(a,b) needs two values of the dimension; %(args)s are not both among them.")
                % {"args": repr(args)[:80]},
                field,
            )
        first, last = sorted((codes.index(parts[0]), codes.index(parts[1])))
        return codes[first : last + 1]
    if len(parts) != 1 or not re.fullmatch(r"\d{1,6}", parts[0]) or int(parts[0]) < 1:
        raise ProductError(
            _("%(fn)s(n) needs a whole number n of at least 1.") % {"fn": function}, field
        )
    n = int(parts[0])
    # For time, TOP means the latest periods (PxWebApi 2's rule), still shown in order.
    latest = (function == "TOP") == (role == "time")
    return codes[-n:] if latest else codes[:n]


# --- the cube ----------------------------------------------------------------------------------


def _measures(spec: dict[str, Any], columns: dict[str, dict[str, Any]]) -> list[Measure]:
    raw = spec.get("measures")
    if isinstance(raw, str | dict):
        raw = [raw]
    if not isinstance(raw, list) or not raw:
        raise ProductError(_("Choose at least one measure."), "measures")
    measures = []
    for item in raw[:50]:
        entry = item if isinstance(item, dict) else {"column": item}
        name = entry.get("column")
        if not isinstance(name, str) or name not in columns:
            raise ProductError(
                _("Unknown measure %(name)s.") % {"name": repr(name)[:60]}, "measures"
            )
        column = columns[name]
        if column["data_type"] not in NUMERIC:
            raise ProductError(
                _("%(name)s is not a number and cannot be a measure.") % {"name": name},
                "measures",
            )
        decimals = entry.get("decimals")
        measures.append(
            Measure(
                column=name,
                label=str(entry.get("label") or _label(name, column)),
                unit=str(entry.get("unit") or column.get("info", {}).get("unit", "")),
                decimals=decimals if isinstance(decimals, int) else None,
            )
        )
    if len({m.column for m in measures}) != len(measures):
        raise ProductError(_("Each measure can be chosen once."), "measures")
    return measures


def _placement(
    spec: dict[str, Any], selected: list[str], roles: dict[str, str], measured: bool
) -> tuple[list[str], list[str]]:
    """The stub and the heading: every selected dimension in one of them, once."""
    stub, heading = spec.get("stub"), spec.get("heading")
    for field, value in (("stub", stub), ("heading", heading)):
        if value is not None and (
            not isinstance(value, list) or not all(isinstance(v, str) for v in value)
        ):
            raise ProductError(_("List the dimensions by name."), field)
    known = [*selected, MEASURE] if measured else selected
    if stub is None and heading is None:
        heading = [d for d in selected if roles[d] == "time"]
        stub = [d for d in selected if d not in heading]
    stub, heading = list(stub or []), list(heading or [])
    for field, names in (("stub", stub), ("heading", heading)):
        for name in names:
            if name not in known:
                raise ProductError(
                    _("%(name)s is not a chosen dimension.") % {"name": repr(name)[:60]}, field
                )
    if len(set(stub + heading)) != len(stub + heading):
        raise ProductError(_("A dimension goes either down the side or across the top."), "stub")
    stub += [d for d in selected if d not in stub and d not in heading]
    if measured and MEASURE not in stub + heading:
        heading.append(MEASURE)
    return stub, heading


def build_cube(sources: list[DatasetVersion], spec: dict[str, Any]) -> Cube:
    """The table ``spec`` describes (see the module's docstring), computed from ``sources`` with
    one grouped query. Deterministic: the same versions and spec give the same cube."""
    if not sources:
        raise ProductError(_("Choose the dataset the table is made from."), "sources")
    if not isinstance(spec, dict):
        raise ProductError(_("The table's definition is not an object."), "")
    columns = pivot.columns_of_all(sources)
    measures = _measures(spec, columns)
    selection = spec.get("select") or {}
    if not isinstance(selection, dict):
        raise ProductError(_("Give each dimension's values by its name."), "select")
    if not selection:
        raise ProductError(_("Choose at least one dimension."), "select")
    if len(selection) > MAX_SELECTED_DIMENSIONS:
        raise ProductError(
            _("A table has at most %(n)s dimensions.") % {"n": MAX_SELECTED_DIMENSIONS}, "select"
        )
    candidates = dimension_columns(sources)
    for name in selection:
        if name not in candidates or name in {m.column for m in measures}:
            raise ProductError(
                _("Unknown dimension %(name)s. The dimensions are: %(known)s.")
                % {"name": repr(name)[:60], "known": ", ".join(candidates)},
                f"select.{name}"[:100],
            )
    roles = {name: role_of(name, columns[name]) for name in selection}
    function = spec.get("aggregate") or "sum"
    if function not in AGGREGATES:
        raise ProductError(
            _("Unknown aggregate %(fn)s; use one of %(known)s.")
            % {"fn": repr(function)[:40], "known": ", ".join(AGGREGATES)},
            "aggregate",
        )
    measured = len(measures) > 1 or MEASURE in (spec.get("stub") or []) + (
        spec.get("heading") or []
    )
    stub, heading = _placement(spec, list(selection), roles, measured)
    chosen: dict[str, list[str]] = {}
    by_code: dict[str, dict[str, Value]] = {}
    for name in selection:
        by_code[name] = {v.code: v for v in values_of(sources, name, columns[name])}
        chosen[name] = select(name, roles[name], list(by_code[name]), selection[name])
    cells = prod(len(codes) for codes in chosen.values()) * (len(measures) if measured else 1)
    cap = settings.TABLE_MAX_CELLS
    if cells > cap:
        raise TooManyCells(cells, cap)
    filters = _filters(spec.get("filters"), columns, set(selection))
    dimensions = {
        name: _dimension(name, columns[name], [by_code[name][c] for c in chosen[name]])
        for name in selection
    }
    if measured:
        dimensions[MEASURE] = Dimension(
            MEASURE,
            _("Measure"),
            "measure",
            [Category(m.column, m.label, m.unit) for m in measures],
        )
    ordered = [dimensions[d] for d in stub + heading]
    sizes = [len(d.categories) for d in ordered]
    strides = {d.id: prod(sizes[i + 1 :]) for i, d in enumerate(ordered)}
    try:
        positions, measured_values = pivot.cells(
            sources,
            dimensions={n: [by_code[n][c].stored for c in chosen[n]] for n in selection},
            strides=strides,
            measures=[m.column for m in measures],
            function=function,
            filters=filters,
            complete=[n for n in selection if len(chosen[n]) == len(by_code[n])],
        )
    except QueryTimeout:
        raise  # the server's limit, not the selection's fault: 503 on the API
    except QueryError as error:
        raise ProductError(error.message, error.field or "filters") from None
    empty: float | None = 0 if function == "count" else None
    values: list[float | None] = [empty] * prod(sizes)
    for offset, found in enumerate(measured_values):
        shift = offset * strides[MEASURE] if measured else 0
        for position, value in zip(positions, found, strict=True):
            values[position + shift] = value
    status = {i: "..." for i, value in enumerate(values) if value is None}
    cube = Cube(
        title=str(spec.get("title") or _title(function, measures, ordered)),
        dimensions=ordered,
        stub=stub,
        heading=heading,
        values=values,
        unit=str(spec.get("unit") or (measures[0].unit if len(measures) == 1 else "")),
        decimals=_decimals(spec, measures, columns, function),
        source=str(spec.get("source") or _source_line(sources)),
        status=status,
        updated=_updated(sources),
        extra=_extra(spec, sources, measures, function),
    )
    _attach_notes(cube, spec.get("notes"))
    return cube


def _filters(
    raw: Any, columns: dict[str, dict[str, Any]], selected: set[str]
) -> dict[str, list[Any]]:
    if raw in (None, {}):
        return {}
    if not isinstance(raw, dict):
        raise ProductError(_("Give filters as column: list of values."), "filters")
    filters = {}
    for name, values in raw.items():
        if name not in columns:
            raise ProductError(
                _("Unknown column %(name)s in the filters.") % {"name": repr(name)[:60]},
                "filters",
            )
        wanted = values if isinstance(values, list) else [values]
        if not wanted or len(wanted) > 1000:
            raise ProductError(_("A filter takes between 1 and 1000 values."), "filters")
        filters[name] = wanted
    return filters


def _title(function: str, measures: list[Measure], ordered: list[Dimension]) -> str:
    what = ", ".join(m.label for m in measures)
    if function not in ("sum",):
        what = f"{AGGREGATES[function]} {what}"
    by = [d.label for d in ordered if d.role != "measure"]
    if not by:
        return what
    joined = by[0] if len(by) == 1 else ", ".join(by[:-1]) + " dan " + by[-1]
    return f"{what} menurut {joined}"


def _decimals(
    spec: dict[str, Any],
    measures: list[Measure],
    columns: dict[str, dict[str, Any]],
    function: str,
) -> int:
    given = spec.get("decimals")
    if isinstance(given, int) and not isinstance(given, bool) and 0 <= given <= 6:
        return given
    if function == "count":
        return 0
    if function == "mean" or any(
        columns[m.column]["data_type"] == DataType.DECIMAL for m in measures
    ):
        return 1
    return 0


def _source_line(sources: Sequence[DatasetVersion]) -> str:
    seen: list[str] = []
    for version in sources:
        line = f"{version.dataset.agency.name}, {version.dataset.title} (versi {version.number})"
        if line not in seen:
            seen.append(line)
    return "; ".join(seen)


def _updated(sources: Sequence[DatasetVersion]) -> str:
    moments = [v.published_at or v.created_at for v in sources if v.published_at or v.created_at]
    # In WIB, as every time the platform shows: the cover's date is the regency's day.
    return timezone.localtime(max(moments)).isoformat() if moments else ""


def _extra(
    spec: dict[str, Any],
    sources: Sequence[DatasetVersion],
    measures: list[Measure],
    function: str,
) -> dict[str, Any]:
    return {
        "aggregate": function,
        "measures": [
            {"id": m.column, "label": m.label, "unit": m.unit, "decimals": m.decimals}
            for m in measures
        ],
        "sources": [
            {
                "dataset": v.dataset.slug,
                "identifier": str(v.dataset.uuid),
                "title": v.dataset.title,
                "version": v.number,
                "agency": v.dataset.agency.name,
            }
            for v in sources
        ],
        "contact": str(spec.get("contact") or _contact()),
        "next_update": str(spec.get("next_update") or _next_update(sources)),
    }


def _contact() -> str:
    """The Walidata, as the cover of a spreadsheet names whom to ask (ONS: contact details on
    the first sheet)."""
    site = SiteProfile.current()
    return ", ".join(part for part in (site.walidata_name, site.email, site.phone) if part)


def _next_update(sources: Sequence[DatasetVersion]) -> str:
    """The next announced release of the data the table is made from, as the release calendar
    words it ("Maret 2027"); empty when none is announced."""
    entry = (
        ReleaseEntry.objects.upcoming()
        .filter(item_id__in={v.dataset.item_id for v in sources}, item__access=Access.OPEN)
        .order_by("planned_at")
        .first()
    )
    if entry is None:
        return ""
    with translation.override("id"):
        return wording(entry.planned_at, entry.precision)


def _attach_notes(cube: Cube, notes: Any) -> None:
    """Table, dimension, category and cell notes of the spec, onto the cube."""
    if not notes:
        return
    if not isinstance(notes, dict):
        raise ProductError(_("Give the notes as an object (table, dimensions, cells)."), "notes")
    table = notes.get("table") or []
    cube.notes = [str(n) for n in ([table] if isinstance(table, str) else table)]
    for dimension_id, text in (notes.get("dimensions") or {}).items():
        dimension = _noted_dimension(cube, dimension_id)
        dimension.note = str(text)
    for dimension_id, by_code in (notes.get("categories") or {}).items():
        dimension = _noted_dimension(cube, dimension_id)
        dimension.categories = [
            Category(c.code, c.label, str(by_code.get(c.code, c.note)))
            for c in dimension.categories
        ]
    for entry in notes.get("cells") or []:
        position = _position(cube, entry.get("at") if isinstance(entry, dict) else None)
        if position is not None:
            cube.cell_notes[position] = str(entry.get("text", ""))


def _noted_dimension(cube: Cube, dimension_id: str) -> Dimension:
    try:
        return cube.dimension(dimension_id)
    except StopIteration:
        raise ProductError(
            _("A note names %(name)s, which is not a dimension of the table.")
            % {"name": repr(dimension_id)[:60]},
            "notes",
        ) from None


def _position(cube: Cube, at: Any) -> int | None:
    """The position of the cell at ``at`` (dimension -> code), None when a code is not in the
    table (the note is for a value the selection leaves out)."""
    if not isinstance(at, dict) or set(at) != {d.id for d in cube.dimensions}:
        raise ProductError(_("A cell note names a value of every dimension of the table."), "notes")
    position = 0
    for dimension, size in zip(cube.dimensions, cube.size, strict=True):
        index = dimension.index().get(str(at[dimension.id]))
        if index is None:
            return None
        position = position * size + index
    return position


# --- table products ----------------------------------------------------------------------------


def ordered_sources(version: ProductVersion) -> list[DatasetVersion]:
    """The dataset versions a table product version is bound to, in its spec's order."""
    bound = list(version.sources.select_related("dataset__agency"))
    wanted = [
        (str(entry.get("dataset")), entry.get("version"))
        for entry in version.spec.get("sources") or []
        if isinstance(entry, dict)
    ]

    def rank(source: DatasetVersion) -> tuple[int, int, int]:
        for i, (key, number) in enumerate(wanted):
            if key in (source.dataset.slug, str(source.dataset.uuid)) and number in (
                None,
                source.number,
            ):
                return (i, source.dataset_id, source.number)
        return (len(wanted), source.dataset_id, source.number)

    return sorted(bound, key=rank)


def cube_for(version: ProductVersion) -> Cube:
    """The cube of a table product version: its frozen spec over its bound dataset versions."""
    return build_cube(ordered_sources(version), version.spec)


# Formats a table product is generated in, with the label the progress bar shows.
PRODUCT_FORMATS = ("html", "csv", "xlsx", "json-stat", "sdmx-csv", "pdf", "png")


def files_for(version: ProductVersion, progress: Callable[[int, str], None]) -> list[GeneratedFile]:
    """Every file of a table product version (the "tabel" kind's generator)."""
    from satudata.products import formats

    progress(5, _("Computing the table"))
    cube = cube_for(version)
    files = []
    base = version.product.slug
    printable = cube.cell_count <= settings.TABLE_MAX_PRINT_CELLS
    for step, fmt in enumerate(PRODUCT_FORMATS):
        if fmt in ("pdf", "png") and not printable:
            continue  # too large to typeset; the data formats carry it
        progress(10 + 85 * step // len(PRODUCT_FORMATS), fmt.upper())
        files.append(formats.render(cube, fmt, name=f"{base}-v{version.number}"))
    progress(100, _("Done"))
    return files
