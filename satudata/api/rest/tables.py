"""Statistical tables for machines, in the manner of PxWebApi 2: every published dataset is a
table (its id is the dataset's name) and so is every table product (``produk.<name>``).

``GET /tables`` lists them; ``GET /tables/{id}`` describes one; ``GET /tables/{id}/metadata``
gives its dimensions with every value's code and label, its measures with their units, and
when it was updated; ``GET|POST /tables/{id}/data`` computes a table from a selection:

- ``valuecodes[DIM]=a,b,c`` per dimension: a list of codes, ``*`` (all), ``TOP(n)`` (the
  latest n periods of a time dimension, the first n of any other), ``BOTTOM(n)``,
  ``RANGE(a,b)``; ``valuecodes[measure]=…`` picks the measures (default: the first). A
  dimension not selected is summed over. With no selection at all: every region and every
  period (PxWebApi's default selection).
- ``stub=DIM,DIM`` and ``heading=DIM`` place the dimensions (default: periods across);
- ``aggregate``: sum (default), mean, count, min or max;
- ``outputFormat``: json-stat2 (default), csv, xlsx, html, sdmx-csv, px;
  ``outputFormatParams``: UseCodes, UseTexts or UseCodesAndTexts (CSV, SDMX-CSV) and
  SeparatorSemicolon (CSV).

POST takes the selection as JSON: ``{"selection": [{"variableCode": "tahun", "valueCodes":
["TOP(3)"]}], "placement": {"stub": […], "heading": […]}}``. A table above
``TABLE_MAX_CELLS`` cells is a 400 whose error names the count and the cap. Everything goes
through the one gate: a version not out is 404 to whoever may not see it, and a pre-release
read is logged.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from satudata.api.rest.base import ErrorOut, api, viewer
from satudata.api.rest.shapes import Paging, page_links
from satudata.catalog.models import Dataset, DatasetVersion
from satudata.core.input_limits import INTEGER_MAX
from satudata.products import formats, tables
from satudata.products.cube import Category, Cube, Dimension
from satudata.products.errors import ProductError
from satudata.products.formats import jsonstat
from satudata.products.models import Product, ProductKind, ProductVersion
from satudata.releases import access

router = Router()

PRODUCT_PREFIX = "produk."
OUTPUT_FORMATS = {
    "json-stat2": "json-stat",
    "csv": "csv",
    "xlsx": "xlsx",
    "html": "html",
    "sdmx-csv": "sdmx-csv",
    "px": "px",
}
VALUECODES = re.compile(r"^valuecodes\[(?P<dimension>[^\[\]]{1,100})\]$")
MAX_VALUE_CODES = 5000


@api.exception_handler(ProductError)
def _product_error(request: HttpRequest, exc: ProductError) -> HttpResponse:
    """A selection that cannot make a table: 400 naming the parameter (and, above the cap, the
    number of cells asked for and the most allowed)."""
    body: dict[str, Any] = {
        "code": "invalid",
        "message": exc.message,
        "fields": [{"field": exc.field or "selection", "message": exc.message}],
    }
    if isinstance(exc, tables.TooManyCells):
        body.update(code="too_many_cells", cells=exc.cells, maxDataCells=exc.cap)
    response: HttpResponse = api.create_response(request, {"error": body}, status=400)
    return response


# --- shapes ------------------------------------------------------------------------------------


class TableLink(Schema):
    rel: str
    href: str


class TableOut(Schema):
    id: str
    label: str
    description: str
    type: Literal["dataset", "product"]
    updated: str | None
    version: int
    variableNames: list[str]  # PxWebApi 2 names the fields in camel case
    links: list[TableLink]


class TablePage(Schema):
    count: int
    limit: int
    offset: int
    next: str | None
    previous: str | None
    maxDataCells: int
    tables: list[TableOut]


class ValueOut(Schema):
    code: str
    label: str
    note: str = ""


class DimensionOut(Schema):
    id: str
    label: str
    role: str
    values: list[ValueOut]
    note: str = ""


class MeasureOut(Schema):
    id: str
    label: str
    unit: str


class MetadataOut(Schema):
    id: str
    label: str
    source: str
    updated: str | None
    version: int
    maxDataCells: int
    aggregates: list[str]
    dimensions: list[DimensionOut]
    measures: list[MeasureOut]


class TableFilters(Paging):
    q: str = Field("", max_length=200, description="Words in the table's title.")


class MetadataParams(Schema):
    version: int | None = Field(
        None, ge=1, le=INTEGER_MAX, description="A version number; the latest if absent."
    )


class DataParams(MetadataParams):
    stub: str = Field("", max_length=1000, description="Dimensions down the side, by id.")
    heading: str = Field("", max_length=1000, description="Dimensions across the top, by id.")
    aggregate: Literal["sum", "mean", "count", "min", "max"] | None = Field(
        None, description="How cells are aggregated; the table product's own, else sum."
    )
    outputFormat: Literal["json-stat2", "csv", "xlsx", "html", "sdmx-csv", "px"] = Field(
        "json-stat2", description="The answer's format."
    )
    outputFormatParams: str = Field(
        "",
        max_length=200,
        description="UseCodes, UseTexts or UseCodesAndTexts; SeparatorSemicolon (CSV).",
    )


class SelectionIn(Schema):
    variableCode: str = Field(..., max_length=100)
    valueCodes: list[str] = Field(..., max_length=MAX_VALUE_CODES)


class PlacementIn(Schema):
    stub: list[str] = Field([], max_length=20)
    heading: list[str] = Field([], max_length=20)


class VariablesSelection(Schema):
    selection: list[SelectionIn] = Field([], max_length=20)
    placement: PlacementIn | None = None


# --- finding a table through the gate --------------------------------------------------------


class Table:
    """A table the caller may see: a dataset's version, or a table product's version."""

    def __init__(
        self,
        id: str,
        sources: list[DatasetVersion],
        *,
        dataset: Dataset | None = None,
        product_version: ProductVersion | None = None,
    ) -> None:
        self.id, self.sources = id, sources
        self.dataset, self.product_version = dataset, product_version

    @property
    def version(self) -> int:
        if self.product_version is not None:
            return self.product_version.number
        return self.sources[0].number

    @property
    def label(self) -> str:
        if self.product_version is not None:
            return self.product_version.product.title
        return self.dataset.title if self.dataset else ""


def _table(request: HttpRequest, table_id: str, number: int | None = None) -> Table:
    """The table at ``table_id`` through the one gate (the access module), which logs a read
    before the release; 404 when the caller may not see it."""
    user = viewer(request)
    if table_id.startswith(PRODUCT_PREFIX):
        product = access.product_for(request, table_id[len(PRODUCT_PREFIX) :], user)
        if product.kind != ProductKind.TABLE:
            raise Http404(_("No table with this id is published."))
        product_version = access.product_version_for(request, product, number, user)
        sources = tables.ordered_sources(product_version)
        # The caller may pivot any column of the sources: each must pass the gate itself (a
        # dataset version withdrawn or closed after the product came out is not served).
        seen = set(
            DatasetVersion.objects.visible_to(user)
            .filter(pk__in=[s.pk for s in sources])
            .values_list("pk", flat=True)
        )
        if not sources or any(s.pk not in seen for s in sources):
            raise Http404(_("No table with this id is published."))
        access.note_reads(request, user, sources)
        return Table(table_id, sources, product_version=product_version)
    dataset = access.dataset_for(request, table_id, user)
    version = access.version_for(request, dataset, number, user)
    return Table(table_id, [version], dataset=dataset)


def _links(request: HttpRequest, table_id: str) -> list[dict[str, str]]:
    return [
        {
            "rel": rel,
            "href": request.build_absolute_uri(reverse(f"api-v1:{name}", args=[table_id])),
        }
        for rel, name in (
            ("self", "table"),
            ("metadata", "table-metadata"),
            ("data", "table-data"),
        )
    ]


def _table_out(request: HttpRequest, table: Table) -> dict[str, Any]:
    if table.product_version is not None:
        description = table.product_version.product.description
        moment = table.product_version.published_at or table.product_version.created_at
        names = sorted(table.product_version.spec.get("select") or {})
    else:
        assert table.dataset is not None
        description = table.dataset.description
        moment = table.sources[0].published_at or table.sources[0].created_at
        names = [c["name"] for c in table.sources[0].columns]
    return {
        "id": table.id,
        "label": table.label,
        "description": description,
        "type": "product" if table.product_version else "dataset",
        "updated": moment.isoformat() if moment else None,
        "version": table.version,
        "variableNames": names,
        "links": _links(request, table.id),
    }


# --- the operations ----------------------------------------------------------------------------


@router.get("/tables", response={200: TablePage, 400: ErrorOut}, tags=["tables"])
def list_tables(request: HttpRequest, filters: Query[TableFilters]) -> dict:
    """Every table the caller may see: the published datasets (newest version), then the table
    products, each by title; paged with ``limit`` and ``offset``."""
    user = viewer(request)
    datasets = Dataset.objects.visible_to(user).order_by("title", "pk")
    products = Product.objects.visible_to(user).filter(kind=ProductKind.TABLE).order_by("title")
    if filters.q.strip():
        datasets = datasets.filter(title__icontains=filters.q.strip())
        products = products.filter(title__icontains=filters.q.strip())
    dataset_count, product_count = datasets.count(), products.count()
    start, end = filters.offset, filters.offset + filters.limit
    page: list[Table] = []
    shown = list(datasets.select_related("agency")[start:end]) if start < dataset_count else []
    for dataset, version in access.newest_versions(request, shown, user):
        if version is not None:
            page.append(Table(dataset.slug, [version], dataset=dataset))
    if end > dataset_count:
        first = max(start - dataset_count, 0)
        shown_products = products[first : end - dataset_count]
        for product, newest in access.newest_product_versions(request, shown_products, user):
            page.append(Table(PRODUCT_PREFIX + product.slug, [], product_version=newest))
    return {
        **page_links(request, dataset_count + product_count, filters.limit, filters.offset),
        "maxDataCells": settings.TABLE_MAX_CELLS,
        "tables": [_table_out(request, table) for table in page],
    }


@router.get(
    "/tables/{table_id}",
    response={200: TableOut, 404: ErrorOut},
    tags=["tables"],
    url_name="table",
)
def get_table(request: HttpRequest, table_id: str) -> dict:
    """One table: its title, description, version, dimension names and links."""
    return _table_out(request, _table(request, table_id))


def _metadata_dimensions(table: Table) -> tuple[list[Dimension], str, str]:
    """A table's dimensions with every value, its measure dimension last, its source line and
    its update time."""
    if table.product_version is not None:
        cube = tables.cube_for(table.product_version)
        dimensions = list(cube.dimensions)
        if not any(d.role == "measure" for d in dimensions):
            measures = cube.extra.get("measures", [])
            dimensions.append(
                Dimension(
                    tables.MEASURE,
                    _("Measure"),
                    "measure",
                    [Category(m["id"], m["label"], m["unit"]) for m in measures],
                )
            )
        return dimensions, cube.source, cube.updated
    version = table.sources[0]
    moment = version.published_at or version.created_at
    source = f"{version.dataset.agency.name}, {version.dataset.title} (versi {version.number})"
    return tables.dimensions_of(version), source, moment.isoformat() if moment else ""


@router.get(
    "/tables/{table_id}/metadata",
    response={200: MetadataOut, 400: ErrorOut, 404: ErrorOut},
    tags=["tables"],
    url_name="table-metadata",
)
def get_table_metadata(request: HttpRequest, table_id: str, params: Query[MetadataParams]) -> dict:
    """A table's dimensions with each value's code and label (regions named, code lists from
    MS-Var, periods in order), its measures with their units, when it was updated, and the
    most cells one data request may ask for."""
    table = _table(request, table_id, params.version)
    dimensions, source, updated = _metadata_dimensions(table)
    measure = next(d for d in dimensions if d.role == "measure")
    return {
        "id": table.id,
        "label": table.label,
        "source": source,
        "updated": updated or None,
        "version": table.version,
        "maxDataCells": settings.TABLE_MAX_CELLS,
        "aggregates": list(tables.AGGREGATES),
        "dimensions": [
            {
                "id": d.id,
                "label": d.label,
                "role": d.role,
                "note": d.note,
                "values": [
                    {"code": c.code, "label": c.label, "note": c.note} for c in d.categories
                ],
            }
            for d in dimensions
            if d.role != "measure"
        ],
        "measures": [{"id": c.code, "label": c.label, "unit": c.note} for c in measure.categories],
    }


# --- data ---------------------------------------------------------------------------------------


def _names(text: str) -> list[str] | None:
    """Comma-separated dimension ids; None when the parameter is not given."""
    if not text:
        return None
    return [name.strip() for name in text.split(",") if name.strip()]


def _expression(text: str) -> Any:
    """``*``, ``TOP(n)`` and the other expressions as they are; a list of codes otherwise."""
    text = text.strip()
    if text == "*" or tables.EXPRESSION.match(text):
        return text
    return [code.strip() for code in text.split(",")][:MAX_VALUE_CODES]


def _selection_from_query(request: HttpRequest) -> dict[str, Any]:
    selection: dict[str, Any] = {}
    for key in list(request.GET)[:50]:
        match = VALUECODES.match(key)
        if match:
            selection[match["dimension"]] = _expression(request.GET.get(key, "")[:100_000])
    return selection


def _selection_from_body(body: VariablesSelection) -> dict[str, Any]:
    selection: dict[str, Any] = {}
    for entry in body.selection:
        codes = [code[:200] for code in entry.valueCodes]
        single = codes[0].strip() if len(codes) == 1 else ""
        is_expression = single == "*" or tables.EXPRESSION.match(single)
        selection[entry.variableCode] = single if is_expression else codes
    return selection


def _spec(table: Table, selection: dict[str, Any], params: DataParams) -> dict[str, Any]:
    """The spec of the table asked for: the product's own, changed by the selection and the
    placement given; for a dataset, the selection over its columns."""
    measures = selection.pop(tables.MEASURE, None)
    base: dict[str, Any] = {}
    if table.product_version is not None:
        base = dict(table.product_version.spec)
    version = table.sources[0]
    if measures is not None:
        offered = list(tables.measure_columns(table.sources))
        base["measures"] = tables.select(tables.MEASURE, "measure", offered, measures)
    elif not base.get("measures"):
        offered = list(tables.measure_columns(table.sources))
        if not offered:
            raise ProductError(_("This table has no numeric column to measure."), "measure")
        base["measures"] = offered[:1]
    if selection:
        base["select"] = {**(base.get("select") or {}), **selection}
    elif table.product_version is None:
        base["select"] = _default_selection(version)
    stub, heading = _names(params.stub), _names(params.heading)
    if stub is not None or heading is not None:
        base["stub"], base["heading"] = stub or [], heading or []
    if params.aggregate is not None:
        base["aggregate"] = params.aggregate
    base.setdefault("aggregate", "sum")
    return base


def _default_selection(version: DatasetVersion) -> dict[str, Any]:
    """Every region and every period, or else the first dimension."""
    columns = tables.dimension_columns([version])
    roles = {name: tables.role_of(name, column) for name, column in columns.items()}
    chosen = {name: "*" for name, role in roles.items() if role in ("region", "time")}
    if not chosen and roles:
        chosen = {next(iter(roles)): "*"}
    return chosen


def _answer(request: HttpRequest, table: Table, cube: Cube, params: DataParams) -> Any:
    fmt = OUTPUT_FORMATS[params.outputFormat]
    if fmt == "json-stat":
        return api.create_response(request, jsonstat.dataset(cube), status=200)
    options: dict[str, Any] = {"name": f"{table.id}-v{table.version}"}
    format_params = {p.strip() for p in params.outputFormatParams.split(",")}
    labels = {"UseCodes": "codes", "UseTexts": "labels", "UseCodesAndTexts": "both"}
    for given, choice in labels.items():
        if given in format_params:
            options["labels"] = choice
    if fmt == "sdmx-csv" and "labels" in options:
        options["labels"] = {"codes": "id", "labels": "name", "both": "both"}[options["labels"]]
    if "SeparatorSemicolon" in format_params:
        options["separator"] = ";"
    generated = formats.render(cube, fmt, **options)
    response = HttpResponse(generated.content, content_type=generated.media_type)
    if fmt != "html":
        response["Content-Disposition"] = f'attachment; filename="{generated.name}"'
    return response


DATA_ANSWERS = {200: None, 400: ErrorOut, 404: ErrorOut, 503: ErrorOut}


@router.get(
    "/tables/{table_id}/data", response=DATA_ANSWERS, tags=["tables"], url_name="table-data"
)
def get_table_data(request: HttpRequest, table_id: str, params: Query[DataParams]) -> Any:
    """A table computed from a selection given as ``valuecodes[DIM]=…`` parameters (see the
    description of the tables part of this API), in JSON-stat 2.0 unless ``outputFormat``
    asks for CSV, XLSX, HTML, SDMX-CSV or PX. Above the cell cap: 400 ``too_many_cells`` with
    ``cells`` and ``maxDataCells``."""
    table = _table(request, table_id, params.version)
    spec = _spec(table, _selection_from_query(request), params)
    return _answer(request, table, tables.build_cube(table.sources, spec), params)


@router.post("/tables/{table_id}/data", response=DATA_ANSWERS, tags=["tables"])
def post_table_data(
    request: HttpRequest, table_id: str, body: VariablesSelection, params: Query[DataParams]
) -> Any:
    """The same as GET, with the selection and placement in a JSON body
    (``VariablesSelection``); placement in the body wins over ``stub``/``heading``."""
    table = _table(request, table_id, params.version)
    spec = _spec(table, _selection_from_body(body), params)
    if body.placement is not None and (body.placement.stub or body.placement.heading):
        spec["stub"], spec["heading"] = body.placement.stub, body.placement.heading
    return _answer(request, table, tables.build_cube(table.sources, spec), params)
