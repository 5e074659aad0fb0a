"""The public table builder ("tabel dinamis"): a visitor makes a table from one published
dataset, as PxWeb lets them — the measure, the dimensions and their values, what goes down the
side (the stub) and across the top (the heading) — sees it at once, swaps rows and columns and
downloads it in any of the table formats; staff who compose products save it as a table product.

The whole selection lives in the address (shareable, bookmarkable)::

    /tabel-dinamis/<dataset>/?ukuran=jumlah&baris=kecamatan&kolom=tahun&v.tahun=TOP(3)

``ukuran`` the measure; ``baris`` and ``kolom`` the stub's and the heading's dimensions in order
(repeated); ``v.<dimension>`` the chosen values, repeated, or one expression: ``*`` (all, also
what an absent ``v.`` means), ``TOP(n)`` (the first n; for time the latest n, kept ascending),
``BOTTOM(n)``. A dimension neither in the rows nor in the columns is summed over its chosen
values. The page's form without JavaScript sends ``letak.<dimension>`` (rows, columns, summed)
and ``tukar`` (swap) instead; those are turned into the address above by a redirect.

Every read goes through the one gate (``releases.access``: a pre-release read is logged); the
table is built by ``products.tables.build_cube`` through the datastore.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import prod
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from satudata.accounts.permissions import can
from satudata.accounts.roles import Capability
from satudata.catalog.models import Dataset, DatasetVersion
from satudata.core.http import json_error
from satudata.datastore import query as datastore
from satudata.products import formats, services, tables
from satudata.products.cube import Category, Cube, Dimension
from satudata.products.errors import ProductError
from satudata.products.formats.html_table import table_html
from satudata.releases import access

MEASURE = "ukuran"
STUB = "baris"
HEADING = "kolom"
VALUES = "v."
PLACE = "letak."
SWAP = "tukar"
# Where a dimension goes, as the form without JavaScript says it.
PLACES = ("baris", "kolom", "ringkas")
DOWNLOADS = (
    ("xlsx", "XLSX"),
    ("csv", "CSV"),
    ("json-stat", "JSON-stat 2.0"),
    ("sdmx-csv", "SDMX-CSV"),
    ("html", "HTML"),
    ("pdf", "PDF"),
    ("png", "PNG"),
)


@dataclass
class Offer:
    """What the dataset offers to build from: its measures and its dimensions with their
    values."""

    measures: list[Category]
    dimensions: list[Dimension]

    def dimension(self, dimension_id: str) -> Dimension | None:
        return next((d for d in self.dimensions if d.id == dimension_id), None)


@dataclass
class Selection:
    """A visitor's table: the measure, the placement and the chosen values per dimension.
    ``asked`` keeps an expression (``TOP(3)``) as asked, so that the address keeps meaning
    "the latest three years" when a newer year comes."""

    measure: str
    stub: list[str]
    heading: list[str]
    values: dict[str, list[str]]
    asked: dict[str, str] = field(default_factory=dict)

    def placed(self) -> list[str]:
        return self.stub + self.heading

    def cell_count(self) -> int:
        return prod(len(self.values.get(d, [])) for d in self.placed())

    def query(self, offer: Offer) -> str:
        """The selection as its address's query string, in one canonical order; a dimension
        with all its values chosen is left out (absent means all)."""
        params = QueryDict(mutable=True)
        params[MEASURE] = self.measure
        params.setlist(STUB, self.stub)
        params.setlist(HEADING, self.heading)
        for dimension in offer.dimensions:
            chosen = self.values.get(dimension.id, [])
            if dimension.id in self.asked:
                params[VALUES + dimension.id] = self.asked[dimension.id]
            elif len(chosen) != len(dimension.categories):
                params.setlist(VALUES + dimension.id, chosen or [""])
        return params.urlencode(safe="(),*")

    def spec(self, dataset: Dataset, offer: Offer) -> dict[str, Any]:
        """The selection as a table's definition (``products.tables``' spec): the placed
        dimensions selected (an expression kept as asked), the others narrowed by a filter
        where not every value is chosen (summed over the values chosen)."""
        select: dict[str, Any] = {}
        filters: dict[str, list[str]] = {}
        for dimension in offer.dimensions:
            chosen = self.values.get(dimension.id, [])
            every = len(chosen) == len(dimension.categories)
            if dimension.id in self.placed():
                select[dimension.id] = self.asked.get(dimension.id) or ("*" if every else chosen)
            elif not every:
                filters[dimension.id] = list(chosen)
        spec: dict[str, Any] = {
            "sources": [{"dataset": dataset.slug}],
            "measures": [self.measure],
            "select": {d: select[d] for d in self.placed()},
            "stub": list(self.stub),
            "heading": list(self.heading),
        }
        if filters:
            spec["filters"] = filters
        return spec


# --- reading the selection -------------------------------------------------------------------


def _chosen(dimension: Dimension, asked: list[str]) -> tuple[list[str], str]:
    """The codes of ``dimension`` that ``asked`` (the ``v.`` values) chooses, in the
    dimension's order, and the expression to keep in the address if one was used. Raises
    ProductError (``tables.select``'s) for an unknown value or a malformed expression."""
    codes = [c.code for c in dimension.categories]
    asked = [a.strip() for a in asked]
    if not asked or asked == ["*"]:
        return codes, ""
    if len(asked) == 1 and (match := tables.EXPRESSION.match(asked[0])):
        expression = f"{match['fn'].upper()}({match['args'].strip()})"
        return tables.select(dimension.id, dimension.role, codes, expression), expression
    picked = set(tables.select(dimension.id, dimension.role, codes, [a for a in asked if a]))
    return [c for c in codes if c in picked], ""


def _placement(params: QueryDict, offer: Offer) -> tuple[list[str], list[str]]:
    """The stub and the heading, from ``baris``/``kolom`` or else the form's ``letak.``."""
    if STUB in params or HEADING in params:
        stub, heading = params.getlist(STUB), params.getlist(HEADING)
    elif any(key.startswith(PLACE) for key in params):
        places = {k[len(PLACE) :]: params[k] for k in params if k.startswith(PLACE)}
        stub = [d for d, where in places.items() if where == "baris"]
        heading = [d for d, where in places.items() if where == "kolom"]
    else:
        return _default_placement(offer)
    for name in stub + heading:
        if offer.dimension(name) is None:
            raise ProductError(
                _("This table has no dimension %(name)s.") % {"name": name[:60]}, "letak"
            )
    if len(set(stub + heading)) != len(stub + heading):
        raise ProductError(_("A dimension goes in the rows or in the columns, not both."), "letak")
    if not stub and not heading:
        raise ProductError(_("Put at least one dimension in the rows or the columns."), "letak")
    return stub, heading


def _default_placement(offer: Offer) -> tuple[list[str], list[str]]:
    """Regions (or the first dimension) down the side, time across the top, as BPS tables do."""
    time = next((d.id for d in offer.dimensions if d.role == "time"), None)
    others = [d for d in offer.dimensions if d.id != time]
    side = next((d.id for d in others if d.role == "region"), others[0].id if others else None)
    stub = [side] if side else []
    heading = [time] if time else []
    return (stub, heading) if stub else (heading, [])


def parse_selection(params: QueryDict, offer: Offer) -> tuple[Selection, dict[str, str]]:
    """The selection the address asks for, and the errors by field (``ukuran``, ``letak``, a
    dimension's id, ``sel`` for the cell cap). With errors the selection is the nearest usable
    one, so that the form still shows what was asked."""
    errors: dict[str, str] = {}
    if not offer.measures or not offer.dimensions:
        errors["sel"] = _(
            "A table needs a numeric column to count and a column to group by; this dataset "
            "has not both."
        )
        return Selection("", [], [], {}), errors
    measures = [m.code for m in offer.measures]
    measure = params.get(MEASURE) or (measures[0] if measures else "")
    if measure not in measures:
        errors[MEASURE] = _("Choose a measure from the list.")
        measure = measures[0] if measures else ""
    try:
        stub, heading = _placement(params, offer)
    except ProductError as error:
        errors[error.field] = error.message
        stub, heading = _default_placement(offer)
    if params.get(SWAP):
        stub, heading = heading, stub
    values: dict[str, list[str]] = {}
    asked: dict[str, str] = {}
    for dimension in offer.dimensions:
        try:
            values[dimension.id], expression = _chosen(
                dimension, params.getlist(VALUES + dimension.id)
            )
        except ProductError as error:
            errors[_field_of(error)] = error.message
            values[dimension.id], expression = [], ""
        if expression:
            asked[dimension.id] = expression
    selection = Selection(measure, stub, heading, values, asked)
    cap = max_cells()
    if not errors and selection.cell_count() > cap:
        errors["sel"] = _(
            "This table would have %(cells)s cells, more than the %(cap)s a table may have: "
            "choose fewer values, or leave a dimension out of the rows and columns."
        ) % {
            "cells": number_format(selection.cell_count(), force_grouping=True),
            "cap": number_format(cap, force_grouping=True),
        }
    return selection, errors


def max_cells() -> int:
    """The most cells a table may have (``TABLE_MAX_CELLS``, shared with the tables API)."""
    return int(settings.TABLE_MAX_CELLS)


def is_form_submission(params: QueryDict) -> bool:
    """Whether the address came from the form without JavaScript (to be made canonical)."""
    return bool(params.get(SWAP)) or any(key.startswith(PLACE) for key in params)


# --- views -----------------------------------------------------------------------------------


def _source(request: HttpRequest, slug: str) -> tuple[Dataset, DatasetVersion, Offer]:
    """The dataset and the newest version the viewer may see (through the gate, a pre-release
    read logged), with what it offers to build from."""
    dataset = access.dataset_for(request, slug)
    version = access.version_for(request, dataset, None)
    dimensions = tables.dimensions_of(version)
    measure = next((d for d in dimensions if d.role == "measure"), None)
    offer = Offer(
        measures=list(measure.categories) if measure else [],
        dimensions=[d for d in dimensions if d.role != "measure"],
    )
    return dataset, version, offer


def _field_of(error: ProductError) -> str:
    """The page's field for an error of ``build_cube`` (``select.<dimension>`` → the
    dimension's values; the whole selection otherwise)."""
    if error.field.startswith("select."):
        return error.field[len("select.") :]
    return "sel"


def _table_or_errors(
    dataset: Dataset,
    version: DatasetVersion,
    offer: Offer,
    selection: Selection,
    errors: dict[str, str],
) -> tuple[Cube | None, dict[str, str]]:
    """The cube of a selection without errors; any error building it comes back at its field
    (the page shows it there), never as a server error."""
    if errors:
        return None, errors
    try:
        return tables.build_cube([version], selection.spec(dataset, offer)), errors
    except ProductError as error:
        return None, {_field_of(error): error.message}
    except datastore.QueryTimeout as error:
        return None, {"sel": error.message}
    except datastore.QueryError as error:
        return None, {"sel": error.message}


def builder(request: HttpRequest, slug: str) -> HttpResponse:
    """The builder page: the form, the table of the selection in the address, its downloads."""
    dataset, version, offer = _source(request, slug)
    selection, errors = parse_selection(request.GET, offer)
    if is_form_submission(request.GET) and not errors:
        return redirect(f"{reverse('builder:table', args=[dataset.slug])}?{selection.query(offer)}")
    cube, errors = _table_or_errors(dataset, version, offer, selection, errors)
    context = _page_context(request, dataset, version, offer, selection, errors)
    context.update(cube=cube, table_html=table_html(cube) if cube else "")
    return render(request, "products/builder.html", context, status=400 if errors else 200)


def _page_context(
    request: HttpRequest,
    dataset: Dataset,
    version: DatasetVersion,
    offer: Offer,
    selection: Selection,
    errors: dict[str, str],
) -> dict[str, Any]:
    """What the page shows around the table: the form as the selection fills it, the errors at
    their fields, the download links and the save form."""
    places = dict(zip(PLACES, _place_labels(), strict=True))
    return {
        "dataset": dataset,
        "version": version,
        "is_published": DatasetVersion.objects.published().filter(pk=version.pk).exists(),
        "offer": offer,
        "selection": selection,
        "zones": [
            {"key": key, "label": places[key], "dimensions": dimensions}
            for key, dimensions in _places(offer, selection).items()
        ],
        "place_choices": list(places.items()),
        "value_fields": [
            {
                "dimension": d,
                "chosen": set(selection.values.get(d.id, [])),
                "error": errors.get(d.id, ""),
            }
            for d in offer.dimensions
        ],
        "errors": errors,
        "cube": None,
        "table_html": "",
        "query": selection.query(offer),
        "downloads": DOWNLOADS,
        "can_save": can(request.user, Capability.COMPOSE_PRODUCTS),
        "max_cells": max_cells(),
    }


def _place_labels() -> list[str]:
    return [_("Rows"), _("Columns"), _("Summed over")]


def _places(offer: Offer, selection: Selection) -> dict[str, list[Dimension]]:
    """The dimensions by where they go, each group in its order."""
    rest = [d for d in offer.dimensions if d.id not in selection.placed()]
    return {
        "baris": [d for s in selection.stub if (d := offer.dimension(s))],
        "kolom": [d for s in selection.heading if (d := offer.dimension(s))],
        "ringkas": rest,
    }


def fragment(request: HttpRequest, slug: str) -> HttpResponse:
    """The table alone, for the page's script: HTML, or 400 JSON naming the field at fault."""
    dataset, version, offer = _source(request, slug)
    selection, errors = parse_selection(request.GET, offer)
    cube, errors = _table_or_errors(dataset, version, offer, selection, errors)
    if cube is None:
        field_name, message = next(iter(errors.items()))
        return json_error(400, field_name, message)
    response = render(
        request,
        "products/_builder_table.html",
        {"cube": cube, "table_html": table_html(cube)},
    )
    response["X-Cells"] = str(cube.cell_count)
    return response


def download(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """The table of the selection in the address, as a file in ``fmt``."""
    dataset, version, offer = _source(request, slug)
    selection, errors = parse_selection(request.GET, offer)
    cube, errors = _table_or_errors(dataset, version, offer, selection, errors)
    if cube is None:
        field_name, message = next(iter(errors.items()))
        return json_error(400, field_name, message)
    try:
        generated = formats.render(cube, fmt)
    except ProductError as error:
        return json_error(400, error.field or "format", error.message)
    content = generated.content
    body = content if isinstance(content, bytes) else content.read_bytes()
    response = HttpResponse(body, content_type=generated.media_type)
    response["Content-Disposition"] = f'attachment; filename="{dataset.slug}-{generated.name}"'
    return response


@require_POST
def save(request: HttpRequest, slug: str) -> HttpResponse:
    """Staff who compose products save the selection in the address as a table product, with a
    title and notes; then go to the product's page."""
    if not can(request.user, Capability.COMPOSE_PRODUCTS):
        raise PermissionDenied(_("Only the Walidata's staff save tables as products."))
    dataset, version, offer = _source(request, slug)
    selection, errors = parse_selection(request.GET, offer)
    title = request.POST.get("judul", "").strip()
    if not title:
        errors["judul"] = _("Give the table product a title.")
    cube, errors = _table_or_errors(dataset, version, offer, selection, errors)
    if cube is None:
        return _page_with_errors(request, dataset, version, offer, selection, errors)
    spec = selection.spec(dataset, offer)
    notes = request.POST.get("catatan", "").strip()[:2000]
    if notes:
        spec["notes"] = {"table": [notes]}
    spec["title"] = title[:300]
    product = services.create_product(
        actor=request.user,  # type: ignore[arg-type]
        kind="tabel",
        title=title,
        agency=dataset.agency,
        spec=spec,
        description=notes,
    )
    messages.success(request, _("Saved as a table product: %(title)s.") % {"title": product.title})
    # The product's staff page, where its first version is generated and submitted.
    return redirect("products:manage", product.slug)


def _page_with_errors(
    request: HttpRequest,
    dataset: Dataset,
    version: DatasetVersion,
    offer: Offer,
    selection: Selection,
    errors: dict[str, str],
) -> HttpResponse:
    context = _page_context(request, dataset, version, offer, selection, errors)
    context.update(title=request.POST.get("judul", ""), notes=request.POST.get("catatan", ""))
    return render(request, "products/builder.html", context, status=400)
