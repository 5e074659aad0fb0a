"""The staff's usage dashboard (SOP activity 6), ``/laporan/pemanfaatan/``: filters in the
address (shareable), tiles with the totals and their trends, charts drawn in the browser from
Vega-Lite specifications served here, and every figure as a table, CSV and JSON.

One definition per figure (``FIGURES``: title, columns, how its rows are read) serves the
page's table, its CSV, its JSON and its chart, so the four never disagree."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from satudata.accounts.permissions import capability_required
from satudata.accounts.roles import Capability
from satudata.core import spreadsheets
from satudata.products.charts import COLOURS, FONT, NUMBERS_ID, SCHEMA, TIME_ID
from satudata.reports import analytics
from satudata.reports.analytics import FilterError, Filters
from satudata.reports.forms_usage import UsageFilterForm


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # a lazy translation
    number: bool = False
    code: bool = False  # a code printed beside the name before it
    percent: bool = False  # a change in %, one decimal


@dataclass(frozen=True)
class Figure:
    slug: str
    title: Any
    columns: tuple[Column, ...]
    rows: Callable[[Filters], list[dict[str, Any]]]
    chart: str = ""  # "bar" or "line"; "" when the figure is only a table
    label_key: str = ""  # the column a bar chart names its bars by
    value_keys: tuple[str, ...] = ()  # the columns it draws

    def header(self) -> list[str]:
        return [str(column.label) for column in self.columns]

    def matrix(self, rows: list[dict[str, Any]]) -> list[list[Any]]:
        return [[row.get(column.key) for column in self.columns] for row in rows]


def _summary(filters: Filters) -> list[dict[str, Any]]:
    return analytics.totals_with_trends(filters)


def _series(filters: Filters) -> list[dict[str, Any]]:
    return analytics.series(filters)["points"]


def _bucket_days(start: dt.date, grain: str) -> int:
    """How many days a series point of this grain spans when it is complete."""
    if grain == "week":
        return 7
    if grain == "month":
        following = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return (following - start).days
    return 1


def partial_periods(filters: Filters, grain: str, points: list[dict[str, Any]]) -> set[dt.date]:
    """The series points that do not count all their days: a week or month cut by the
    period's bounds or not yet over, days not rolled up yet, and today (still growing).
    Drawn as they are they look like a collapse of use; the chart leaves them out."""
    rolled = getattr(filters, "rolled", None)
    today = timezone.localdate()
    partial = set()
    for point in points:
        start = point["period"]
        days = [start + dt.timedelta(days=i) for i in range(_bucket_days(start, grain))]
        if any(
            day < filters.start
            or day > filters.end
            or day >= today
            or (rolled is not None and day not in rolled)
            for day in days
        ):
            partial.add(start)
    return partial


def _from_breakdown(read: Callable[[Any], list[dict[str, Any]]]) -> Callable[[Filters], Any]:
    return lambda filters: read(analytics.breakdown(filters))


def _robots(filters: Filters) -> list[dict[str, Any]]:
    events = analytics.robots(filters)
    return [] if events is None else [{"label": _("Robot requests"), "events": events}]


VIEWS = Column("views", gettext_lazy("Page views"), number=True)
DOWNLOADS = Column("downloads", gettext_lazy("Downloads"), number=True)
API = Column("api_calls", gettext_lazy("API calls"), number=True)
N = Column("n", gettext_lazy("Count"), number=True)
VISITORS = Column("visitors", gettext_lazy("Visitor-days"), number=True)

FIGURES: dict[str, Figure] = {
    figure.slug: figure
    for figure in (
        Figure(
            "ringkasan",
            gettext_lazy("Totals and trends"),
            (
                Column("label", gettext_lazy("Figure")),
                Column("value", gettext_lazy("This period"), number=True),
                Column("previous", gettext_lazy("Previous period"), number=True),
                Column(
                    "change_previous",
                    gettext_lazy("Change vs previous period (%)"),
                    number=True,
                    percent=True,
                ),
                Column("last_year", gettext_lazy("Same period last year"), number=True),
                Column(
                    "change_last_year",
                    gettext_lazy("Change vs last year (%)"),
                    number=True,
                    percent=True,
                ),
            ),
            _summary,
        ),
        Figure(
            "tren",
            gettext_lazy("Use over time"),
            (
                Column("period", gettext_lazy("Period from")),
                Column("page_views", gettext_lazy("Page views"), number=True),
                VISITORS,
                DOWNLOADS,
                API,
            ),
            _series,
            chart="line",
            value_keys=("page_views", "downloads", "api_calls"),
        ),
        Figure(
            "format",
            gettext_lazy("Downloads by format"),
            (
                Column("format", gettext_lazy("Format")),
                Column("n", gettext_lazy("Downloads"), number=True),
            ),
            _from_breakdown(analytics.downloads_by_format),
            chart="bar",
            label_key="format",
            value_keys=("n",),
        ),
        Figure(
            "kanal",
            gettext_lazy("API calls by channel"),
            (
                Column("label", gettext_lazy("Channel")),
                Column("channel", gettext_lazy("Code"), code=True),
                N,
            ),
            _from_breakdown(analytics.api_by_channel),
            chart="bar",
            label_key="label",
            value_keys=("n",),
        ),
        Figure(
            "dataset",
            gettext_lazy("Most used datasets"),
            (
                Column("title", gettext_lazy("Dataset")),
                Column("dataset", gettext_lazy("Address"), code=True),
                Column("agency", gettext_lazy("Agency")),
                VIEWS,
                DOWNLOADS,
                API,
            ),
            _from_breakdown(analytics.top_datasets),
            chart="bar",
            label_key="title",
            value_keys=("views", "downloads"),
        ),
        Figure(
            "produk",
            gettext_lazy("Most used products"),
            (
                Column("title", gettext_lazy("Product")),
                Column("product", gettext_lazy("Address"), code=True),
                VIEWS,
                DOWNLOADS,
            ),
            _from_breakdown(analytics.top_products),
        ),
        Figure(
            "instansi",
            gettext_lazy("Use by agency"),
            (Column("agency", gettext_lazy("Agency")), VIEWS, DOWNLOADS, API),
            _from_breakdown(analytics.by_agency),
            chart="bar",
            label_key="agency",
            value_keys=("views", "downloads"),
        ),
        Figure(
            "sektor",
            gettext_lazy("Use by sector"),
            (
                Column("label", gettext_lazy("Sector")),
                Column("sector", gettext_lazy("Code"), code=True),
                VIEWS,
                DOWNLOADS,
                API,
            ),
            _from_breakdown(analytics.by_sector),
            chart="bar",
            label_key="label",
            value_keys=("views", "downloads"),
        ),
        Figure(
            "perujuk",
            gettext_lazy("Arrivals by kind of referrer"),
            (
                Column("label", gettext_lazy("Came from")),
                Column("n", gettext_lazy("Requests"), number=True),
                VISITORS,
            ),
            analytics.referrers,
            chart="bar",
            label_key="label",
            value_keys=("n",),
        ),
        Figure(
            "situs-perujuk",
            gettext_lazy("Top referring sites"),
            (
                Column("host", gettext_lazy("Site")),
                Column("label", gettext_lazy("Kind")),
                Column("n", gettext_lazy("Requests"), number=True),
                VISITORS,
            ),
            analytics.referrer_hosts,
        ),
        Figure(
            "kampanye",
            gettext_lazy("Campaign links"),
            (
                Column("campaign", gettext_lazy("Campaign tag")),
                Column("landings", gettext_lazy("Landings"), number=True),
                VISITORS,
            ),
            analytics.campaigns,
        ),
        Figure(
            "pencarian",
            gettext_lazy("Top searches"),
            (
                Column("query", gettext_lazy("Search words")),
                Column("n", gettext_lazy("Searches"), number=True),
                Column("zero_results", gettext_lazy("Without results"), number=True),
            ),
            analytics.top_queries,
        ),
        Figure(
            "pencarian-nihil",
            gettext_lazy("Searches without results (unmet demand)"),
            (
                Column("query", gettext_lazy("Search words")),
                Column("n", gettext_lazy("Searches"), number=True),
            ),
            analytics.zero_result_queries,
        ),
        Figure(
            "robot",
            gettext_lazy("Robots"),
            (
                Column("label", gettext_lazy("Figure")),
                Column("events", gettext_lazy("Requests"), number=True),
            ),
            _robots,
        ),
    )
}

SITE_WIDE = ("perujuk", "situs-perujuk", "kampanye", "pencarian", "pencarian-nihil")


def json_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# --- Charts -------------------------------------------------------------------------------

CHART_TOP = 10


def _measure_names(figure: Figure) -> dict[str, str]:
    return {c.key: str(c.label) for c in figure.columns if c.key in figure.value_keys}


def _long(figure: Figure, rows: list[dict[str, Any]], x: str) -> list[dict[str, Any]]:
    """One row per (x, measure): what Vega-Lite draws; unknown values are left out."""
    names = _measure_names(figure)
    return [
        {"x": json_value(row[x]), "measure": names[key], "value": row[key]}
        for row in rows
        for key in figure.value_keys
        if row.get(key) is not None
    ]


def chart_spec(figure: Figure, filters: Filters, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The figure's Vega-Lite specification, data inlined, Indonesian number format."""
    period = _("%(start)s to %(end)s") % {
        "start": date_format(filters.start, "j M Y"),
        "end": date_format(filters.end, "j M Y"),
    }
    colour = {
        "field": "measure",
        "type": "nominal",
        "title": None,
        "scale": {"range": COLOURS},
        "legend": {"orient": "top"},
    }
    if figure.chart == "line":
        partial = partial_periods(filters, analytics.grain(filters.days), rows)
        complete = [row for row in rows if row["period"] not in partial]
        if len(complete) >= 2:
            rows = complete
            period = _("%(period)s; the incomplete first or last stretch is left out") % {
                "period": period
            }
        view: dict[str, Any] = {
            "mark": {"type": "line", "point": True},
            "encoding": {
                "x": {"field": "x", "type": "temporal", "title": None},
                "y": {"field": "value", "type": "quantitative", "title": None},
                "color": colour,
            },
            "data": {"values": _long(figure, rows, "period")},
        }
    else:
        rows = rows[:CHART_TOP]
        view = {
            "mark": "bar",
            "encoding": {
                "y": {"field": "x", "type": "nominal", "title": None, "sort": None},
                "x": {"field": "value", "type": "quantitative", "title": None},
                "color": colour,
                "yOffset": {"field": "measure"},
            },
            "data": {"values": _long(figure, rows, figure.label_key)},
        }
    return {
        "$schema": SCHEMA,
        "description": _("%(title)s, %(period)s. The same figures are in the table below.")
        % {"title": figure.title, "period": period},
        "title": {"text": str(figure.title), "subtitle": period, "anchor": "start"},
        "background": "white",
        "padding": 8,
        "width": "container",
        "height": 260 if figure.chart == "line" else {"step": 14},
        **view,
        "config": {
            "locale": {"number": NUMBERS_ID, "time": TIME_ID},
            "font": FONT,
            "view": {"stroke": None},
            "axis": {"labelFontSize": 11, "labelLimit": 180},
        },
    }


# --- Views --------------------------------------------------------------------------------


def _filters(request: HttpRequest) -> Filters:
    return Filters.from_query(request.GET)


def _figure(slug: str) -> Figure:
    figure = FIGURES.get(slug)
    if figure is None:
        raise Http404(_("No such figure."))
    return figure


def _error_json(error: FilterError) -> JsonResponse:
    return JsonResponse(
        {"error": _("The filters cannot be read."), "details": error.errors},
        status=400,
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
@capability_required(Capability.VIEW_REPORTS)
def dashboard(request: HttpRequest) -> HttpResponse:
    try:
        filters = _filters(request)
    except FilterError as error:
        form = UsageFilterForm(request.GET)
        for name, message in error.errors.items():
            form.add_error(name if name in form.fields else None, message)
        return render(request, "reports/usage/dashboard.html", {"form": form, "errors": error})
    form = UsageFilterForm(initial=form_initial(filters))
    found = analytics.figures(filters)
    query = urlencode(filters.query())
    return render(
        request,
        "reports/usage/dashboard.html",
        {
            "form": form,
            "filters": filters,
            "figures": found,
            "query": query,
            "tables": _tables(found, query, filters),
            "site_wide": SITE_WIDE,
        },
    )


def form_initial(filters: Filters) -> dict[str, Any]:
    return {
        "periode": filters.preset,
        "dari": filters.start,
        "sampai": filters.end,
        "instansi": filters.agency_slug,
        "sektor": filters.sector,
        "dataset": filters.dataset,
        "produk": filters.product,
        "kanal": filters.channel,
        "robot": filters.include_bots,
    }


FROM_FIGURES = {
    "tren": lambda found: found["series"]["points"],
    "format": lambda found: found["downloads_by_format"],
    "kanal": lambda found: found["api_by_channel"],
    "dataset": lambda found: found["top_datasets"],
    "produk": lambda found: found["top_products"],
    "instansi": lambda found: found["by_agency"],
    "sektor": lambda found: found["by_sector"],
    "perujuk": lambda found: found["referrers"],
    "situs-perujuk": lambda found: found["referrer_hosts"],
    "kampanye": lambda found: found["campaigns"],
    "pencarian": lambda found: found["top_queries"],
    "pencarian-nihil": lambda found: found["zero_result_queries"],
}


TABLE_TOP = 10  # rows of a ranking shown on the page; the CSV has them all


def _tables(
    found: dict[str, Any], query: str, filters: Filters | None = None
) -> list[dict[str, Any]]:
    """The page's tables, in order, each with its rows already read by ``figures``.

    A figure drawn as a chart keeps its table for screen readers and readers without
    JavaScript, folded under the chart (``folded``); a ranking that is only a table shows its
    first ``TABLE_TOP`` rows (``more``: how many the CSV adds). Series points that do not count
    all their days are marked ``partial``."""
    grain = found["series"]["grain"]
    tables = []
    for slug, read in FROM_FIGURES.items():
        figure = FIGURES[slug]
        rows = read(found)
        partial: set[dt.date] = set()
        if slug == "tren" and filters is not None:
            partial = partial_periods(filters, grain, rows)
        folded = bool(figure.chart)
        shown = rows if folded else rows[:TABLE_TOP]
        tables.append(
            {
                "figure": figure,
                "rows": [
                    {
                        "cells": [{"value": row.get(c.key), "column": c} for c in figure.columns],
                        "partial": row.get("period") in partial,
                    }
                    for row in shown
                ],
                "more": len(rows) - len(shown),
                "folded": folded,
                "partial": bool(partial),
                "query": query,
                "site_wide": slug in SITE_WIDE,
                "grain": grain,
            }
        )
    return tables


@require_GET
@capability_required(Capability.VIEW_REPORTS)
def figure_json(request: HttpRequest, figure: str) -> HttpResponse:
    chosen = _figure(figure)
    try:
        filters = _filters(request)
    except FilterError as error:
        return _error_json(error)
    rows = chosen.rows(filters)
    body = {
        "figure": chosen.slug,
        "title": str(chosen.title),
        "start": filters.start.isoformat(),
        "end": filters.end.isoformat(),
        "filters": filters.query(),
        "available": filters.available,
        "columns": [{"key": c.key, "label": str(c.label)} for c in chosen.columns],
        "rows": [{c.key: json_value(row.get(c.key)) for c in chosen.columns} for row in rows],
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@capability_required(Capability.VIEW_REPORTS)
def figure_csv(request: HttpRequest, figure: str) -> HttpResponse:
    chosen = _figure(figure)
    try:
        filters = _filters(request)
    except FilterError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    rows = chosen.matrix(chosen.rows(filters))
    response = HttpResponse(
        spreadsheets.csv_bytes(chosen.header(), rows), content_type=spreadsheets.CSV_MEDIA_TYPE
    )
    name = f"pemanfaatan-{chosen.slug}-{filters.start}-{filters.end}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@capability_required(Capability.VIEW_REPORTS)
def chart(request: HttpRequest, figure: str) -> HttpResponse:
    chosen = _figure(figure)
    if not chosen.chart:
        raise Http404(_("This figure has no chart."))
    try:
        filters = _filters(request)
    except FilterError as error:
        return _error_json(error)
    spec = chart_spec(chosen, filters, chosen.rows(filters))
    response = JsonResponse(spec, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "private, no-store"
    return response
