"""Usage analytics of SOP activity 6 ("menyusun laporan diseminasi"), read from the daily
rollups only (``DailyUsage``, ``DailySite``, ``DailyReferrer``, ``DailySearch``,
``DailyCampaign``, ``RolledDay``), never from the raw events, so that years stay fast.

What a figure means:

* **Visitors** are visitor-days: a visitor is a hash of address and browser with a salt that
  changes every day (no cookie), so the same person on two days counts twice. A period's
  visitors are the sum of its days'.
* **Robots** (a user agent that says so, or a visitor hash that asks too much in a day or a
  minute) are kept apart: the figures are humans' unless ``include_bots`` is set, and the
  robots' request count is always given on its own.
* Signed-in staff are left out of every figure: the dashboard measures the public's use.
* A period with no rolled-up day has figures "not available" (``None``), never 0.
* Whole months are read from ``MonthlyUsage`` (``DailyUsage`` summed per month, kept in step
  by the rollup) and only the period's ragged edges from ``DailyUsage``, so a year reads a few
  thousand rows instead of a million; a month without monthly rows (never rolled as such) is
  read from its days.
* Without a narrowing filter the totals come from ``DailySite`` (the site's own distinct
  visitors per day); narrowed to an agency, sector, dataset, product or channel they come from
  ``DailyUsage``, where a visitor who read two datasets the same day counts once per dataset,
  and searches without results are not known (a search is not about one object).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from satudata.accounts.models import Agency
from satudata.catalog.metadata.standard import SECTORS
from satudata.catalog.models import Dataset
from satudata.core.input_limits import year_problem
from satudata.products.models import Product
from satudata.reports import periods
from satudata.reports.models import (
    Channel,
    DailyCampaign,
    DailyReferrer,
    DailySearch,
    DailySite,
    DailyUsage,
    EventKind,
    MonthlyUsage,
    ReferrerKind,
    RolledDay,
)
from satudata.reports.periods import year_back

MAX_DAYS = 5 * 365 + 1  # "at most five years", leap days included
DAILY_UP_TO = 62  # days: a daily series up to two months
WEEKLY_UP_TO = 366  # days: weekly up to a year, then monthly
TOP = 20
MEASURES = ("page_views", "visitors", "downloads", "api_calls", "searches", "zero_result_searches")
SERIES_MEASURES = ("page_views", "visitors", "downloads", "api_calls")
API_CHANNELS = (
    Channel.REST,
    Channel.CKAN,
    Channel.DCAT,
    Channel.DATA_JSON,
    Channel.DATAPACKAGE,
    Channel.BUILDER,
)
PRESETS = (
    "bulan-ini",
    "bulan-lalu",
    "triwulan-ini",
    "tahun-ini",
    "tahun-lalu",
    "12-bulan",
    "rentang",
)
DEFAULT_PRESET = "12-bulan"
_SLUG = re.compile(r"^[-a-zA-Z0-9_.]{1,120}$")


def measure_label(key: str) -> str:
    return {
        "page_views": _("Page views"),
        "visitors": _("Visitor-days"),
        "downloads": _("Downloads"),
        "api_calls": _("API calls"),
        "searches": _("Searches"),
        "zero_result_searches": _("Searches without results"),
    }[key]


def preset_label(key: str) -> str:
    return {
        "bulan-ini": _("This month"),
        "bulan-lalu": _("Last month"),
        "triwulan-ini": _("This quarter"),
        "tahun-ini": _("This year"),
        "tahun-lalu": _("Last year"),
        "12-bulan": _("Last 12 months"),
        "rentang": _("Chosen dates"),
    }[key]


def sector_labels() -> dict[str, str]:
    return {choice.key: str(choice.label) for choice in SECTORS}


# --- Filters ------------------------------------------------------------------------------


class FilterError(ValueError):
    """The filters asked for cannot be read; ``errors`` maps a GET parameter to its reason."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = dict(errors)


def _month_start(day: dt.date, back: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def preset_dates(preset: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day (inclusive, WIB) of a named period, ``today`` being in it."""
    if preset == "bulan-ini":
        return _month_start(today), today
    if preset == "bulan-lalu":
        return _month_start(today, 1), _month_start(today) - dt.timedelta(days=1)
    if preset == "triwulan-ini":
        return dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today
    if preset == "tahun-ini":
        return dt.date(today.year, 1, 1), today
    if preset == "tahun-lalu":
        return dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31)
    return year_back(today) + dt.timedelta(days=1), today  # 12-bulan


def _date(query: Mapping[str, Any], name: str, errors: dict[str, str]) -> dt.date | None:
    raw = (query.get(name) or "").strip()
    if not raw:
        errors[name] = _("Give the date as YYYY-MM-DD.")
        return None
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        errors[name] = _("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": raw[:20]}
        return None
    # A period, its previous period and last year stay far from the calendar's ends.
    problem = year_problem(day)
    if problem:
        errors[name] = problem
        return None
    return day


@dataclass(frozen=True, kw_only=True)
class Filters:
    """What the dashboard, its charts and its downloads count: a period (inclusive WIB dates)
    and optional narrowing by agency, BPS sector, dataset, product and channel."""

    start: dt.date
    end: dt.date
    agency_id: int | None = None
    agency_slug: str = ""
    sector: str = ""
    dataset: str = ""
    product: str = ""
    channel: str = ""
    include_bots: bool = False
    preset: str = "rentang"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @cached_property
    def rolled(self) -> frozenset[dt.date]:
        """The period's rolled-up days (read once per Filters)."""
        return frozenset(rolled_days(self.start, self.end))

    @property
    def available(self) -> bool:
        return bool(self.rolled)

    @cached_property
    def spans(self) -> Spans:
        """Which parts of the period are read from ``MonthlyUsage`` and which from
        ``DailyUsage`` (read once per Filters)."""
        return spans(self.start, self.end)

    @property
    def narrowed(self) -> bool:
        """Whether the figures are for part of the site (then read from ``DailyUsage``)."""
        return bool(self.agency_id or self.sector or self.dataset or self.product or self.channel)

    def previous(self) -> Filters:
        """The period of the same length just before."""
        end = self.start - dt.timedelta(days=1)
        return replace(self, start=end - dt.timedelta(days=self.days - 1), end=end)

    def last_year(self) -> Filters:
        return replace(self, start=year_back(self.start), end=year_back(self.end))

    def query(self) -> dict[str, str]:
        """The GET parameters that ask for these filters (a shareable address)."""
        params = {"periode": self.preset}
        if self.preset == "rentang":
            params |= {"dari": self.start.isoformat(), "sampai": self.end.isoformat()}
        optional = {
            "instansi": self.agency_slug,
            "sektor": self.sector,
            "dataset": self.dataset,
            "produk": self.product,
            "kanal": self.channel,
            "robot": "1" if self.include_bots else "",
        }
        return params | {key: value for key, value in optional.items() if value}

    @classmethod
    def from_query(cls, query: Mapping[str, Any], today: dt.date | None = None) -> Filters:
        """Filters from GET parameters (``periode``, ``dari``, ``sampai``, ``instansi``,
        ``sektor``, ``dataset``, ``produk``, ``kanal``, ``robot``). Raises ``FilterError`` with
        a reason per parameter in the user's language."""
        today = today or timezone.localdate()
        errors: dict[str, str] = {}
        preset = (query.get("periode") or "").strip()
        if not preset:
            preset = "rentang" if query.get("dari") or query.get("sampai") else DEFAULT_PRESET
        start = end = None
        if preset == "rentang":
            start, end = _date(query, "dari", errors), _date(query, "sampai", errors)
        elif preset in PRESETS:
            start, end = preset_dates(preset, today)
        else:
            errors["periode"] = _("Choose one of the periods offered.")
        if start and end:
            if end < start:
                errors["sampai"] = _("The last day comes before the first day.")
            elif (end - start).days + 1 > MAX_DAYS:
                errors["sampai"] = _("A period may be at most five years long.")
        narrowing = _narrowing(query, errors)
        if errors or start is None or end is None:
            raise FilterError(errors)
        include_bots = (query.get("robot") or "") in ("1", "ya", "on", "true")
        return cls(start=start, end=end, preset=preset, include_bots=include_bots, **narrowing)


def _narrowing(query: Mapping[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    slug = (query.get("instansi") or "").strip()
    if slug:
        agency_id = Agency.objects.filter(slug=slug).values_list("pk", flat=True).first()
        if agency_id is None:
            errors["instansi"] = _("No agency has the address “%(slug)s”.") % {"slug": slug[:60]}
        found |= {"agency_id": agency_id, "agency_slug": slug}
    sector = (query.get("sektor") or "").strip()
    if sector and sector not in sector_labels():
        errors["sektor"] = _("Choose one of the BPS sectors offered.")
    channel = (query.get("kanal") or "").strip()
    if channel and channel not in Channel.values:
        errors["kanal"] = _("Choose one of the channels offered.")
    for name, key in (("dataset", "dataset"), ("produk", "product")):
        value = (query.get(name) or "").strip()
        if value and not _SLUG.match(value):
            errors[name] = _("“%(value)s” is not an address of the catalogue.") % {
                "value": value[:60]
            }
        found[key] = value
    return found | {"sector": sector, "channel": channel}


# --- Reading the rollups ------------------------------------------------------------------


def rolled_days(start: dt.date, end: dt.date) -> set[dt.date]:
    return set(RolledDay.objects.filter(day__range=(start, end)).values_list("day", flat=True))


def is_available(start: dt.date, end: dt.date) -> bool:
    return RolledDay.objects.filter(day__range=(start, end)).exists()


def _site(filters: Filters) -> QuerySet[DailySite]:
    rows = DailySite.objects.filter(day__range=(filters.start, filters.end))
    return rows if filters.include_bots else rows.filter(bot=False)


@dataclass(frozen=True)
class Spans:
    """A period as ``MonthlyUsage`` months (first days, inclusive ranges) plus ``DailyUsage``
    days, less other ``DailyUsage`` days: a month that is mostly in the period is read as the
    month less its days outside the period (sums subtract), fewer rows than its days in it."""

    months: tuple[tuple[dt.date, dt.date], ...] = ()
    days: tuple[tuple[dt.date, dt.date], ...] = ()
    minus: tuple[tuple[dt.date, dt.date], ...] = ()


def _next_month(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1)


def _merged(
    ranges: Iterable[tuple[dt.date, dt.date]], *, months: bool = False
) -> tuple[tuple[dt.date, dt.date], ...]:
    """Inclusive ranges of days (or of months' first days) in order, the adjacent joined."""
    found: list[list[dt.date]] = []
    for first, last in sorted(ranges):
        after = _next_month(found[-1][1]) if months and found else None
        if found and (after or found[-1][1] + dt.timedelta(days=1)) >= first:
            found[-1][1] = max(found[-1][1], last)
        else:
            found.append([first, last])
    return tuple((first, last) for first, last in found)


def spans(start: dt.date, end: dt.date) -> Spans:
    """How to read ``start``–``end``: each month with ``MonthlyUsage`` rows as its month, less
    the days outside the period when those are fewer than the days inside; the other days
    (a month never rolled up as such, or a small part of one) from ``DailyUsage``."""
    covered = set(
        MonthlyUsage.objects.filter(month__range=(start.replace(day=1), end))
        .order_by()
        .values_list("month", flat=True)
        .distinct()
    )
    months, days, minus = [], [], []
    month = start.replace(day=1)
    while month <= end:
        last_day = _next_month(month) - dt.timedelta(days=1)
        first, last = max(month, start), min(last_day, end)
        outside = [(month, first - dt.timedelta(days=1)), (last + dt.timedelta(days=1), last_day)]
        outside = [(a, b) for a, b in outside if a <= b]
        outside_days = sum((b - a).days + 1 for a, b in outside)
        if month in covered and outside_days < (last - first).days + 1:
            months.append((month, month))
            minus += outside
        else:
            days.append((first, last))
        month = _next_month(month)
    return Spans(months=_merged(months, months=True), days=_merged(days), minus=_merged(minus))


def _ranges(field_name: str, ranges: Iterable[tuple[dt.date, dt.date]]) -> Q:
    found = Q()
    for first, last in ranges:
        found |= Q(**{f"{field_name}__range": (first, last)})
    return found


def _narrow(rows: QuerySet[Any], filters: Filters, bots: bool | None) -> QuerySet[Any]:
    rows = rows.filter(signed_in=False)
    if bots is None:
        bots = None if filters.include_bots else False
    if bots is not None:
        rows = rows.filter(bot=bots)
    if filters.agency_id:
        rows = rows.filter(agency_id=filters.agency_id)
    if filters.dataset:
        rows = rows.filter(dataset=filters.dataset)
    if filters.product:
        rows = rows.filter(product=filters.product)
    if filters.sector:
        rows = rows.filter(sector=filters.sector)
    if filters.channel:
        rows = rows.filter(channel=filters.channel)
    return rows


def _usage(filters: Filters, *, bots: bool | None = None) -> list[tuple[int, QuerySet[Any]]]:
    """The public's usage rows of the period under the filters, each queryset with the sign
    its sums take (see ``Spans``): ``MonthlyUsage`` months and ``DailyUsage`` days to add,
    ``DailyUsage`` days to take away. ``bots`` True for robots only, False for humans only,
    None for what ``include_bots`` says."""
    found: list[tuple[int, QuerySet[Any]]] = []
    spans = filters.spans
    for sign, model, field_name, ranges in (
        (1, MonthlyUsage, "month", spans.months),
        (1, DailyUsage, "day", spans.days),
        (-1, DailyUsage, "day", spans.minus),
    ):
        if ranges:
            rows = model.objects.filter(_ranges(field_name, ranges))
            found.append((sign, _narrow(rows, filters, bots)))
    return found


def _aggregate(parts: Iterable[tuple[int, QuerySet[Any]]], **sums: Any) -> dict[str, int | None]:
    """The signed sums over every part (None where no row had a value)."""
    found: dict[str, int | None] = dict.fromkeys(sums)
    for sign, rows in parts:
        for key, value in rows.aggregate(**sums).items():
            if value is not None:
                found[key] = (found[key] or 0) + sign * value
    return found


def _usage_sums() -> dict[str, Any]:
    return {
        "page_views": Sum("events", filter=Q(kind=EventKind.PAGE_VIEW)),
        "visitors": Sum("visitors"),
        "downloads": Sum("events", filter=Q(kind=EventKind.DOWNLOAD)),
        "api_calls": Sum("events", filter=Q(kind=EventKind.API_CALL)),
        "searches": Sum("events", filter=Q(kind=EventKind.SEARCH)),
    }


def _site_sums() -> dict[str, Any]:
    return {key: Sum(key) for key in MEASURES}


def _filled(sums: Mapping[str, int | None], narrowed: bool) -> dict[str, int | None]:
    """An available period's sums: no row is a count of 0; what cannot be known is None."""
    values: dict[str, int | None] = {key: int(sums.get(key) or 0) for key in MEASURES}
    if narrowed:
        values["zero_result_searches"] = None
        # A visitor's daily hash counts once per object, kind and format it used that day: the
        # sum over a narrowed filter's rows would count one person several times, so the
        # distinct visitors of a part of the site are not known (the site's own are).
        values["visitors"] = None
    return values


def totals(filters: Filters) -> dict[str, int | None]:
    """The period's six totals, each None when no day of it is rolled up."""
    if not filters.available:
        return dict.fromkeys(MEASURES)
    if filters.narrowed:
        return _filled(_aggregate(_usage(filters), **_usage_sums()), True)
    return _filled(_site(filters).aggregate(**_site_sums()), False)


def change(value: int | None, before: int | None) -> float | None:
    """The change in % from ``before``; None when either is unknown or ``before`` is 0."""
    if value is None or not before:
        return None
    percent = Decimal(value - before) * 100 / Decimal(before)
    return float(percent.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def totals_with_trends(filters: Filters) -> list[dict[str, Any]]:
    """Each total with the previous period's, last year's and the changes in %."""
    now, before, year = totals(filters), totals(filters.previous()), totals(filters.last_year())
    return [
        {
            "key": key,
            "label": measure_label(key),
            "value": now[key],
            "previous": before[key],
            "last_year": year[key],
            "change_previous": change(now[key], before[key]),
            "change_last_year": change(now[key], year[key]),
        }
        for key in MEASURES
    ]


def robots(filters: Filters) -> int | None:
    """The robots' requests in the period (None when nothing is rolled up)."""
    if not filters.available:
        return None
    if filters.narrowed:
        found = _aggregate(_usage(filters, bots=True), n=Sum("events"))["n"]
    else:
        rows = DailySite.objects.filter(day__range=(filters.start, filters.end), bot=True)
        found = rows.aggregate(n=Sum("events"))["n"]
    return int(found or 0)


def has_sample(start: dt.date, end: dt.date) -> bool:
    """Whether the period holds synthesised demo days ("data contoh")."""
    return DailySite.objects.filter(day__range=(start, end), sample=True).exists()


# --- Time series --------------------------------------------------------------------------


def grain(days: int) -> str:
    """Daily up to two months, weekly up to a year, monthly beyond."""
    if days <= DAILY_UP_TO:
        return "day"
    return "week" if days <= WEEKLY_UP_TO else "month"


def _bucket(day: dt.date, unit: str) -> dt.date:
    if unit == "week":
        return day - dt.timedelta(days=day.weekday())  # Monday
    if unit == "month":
        return day.replace(day=1)
    return day


def _buckets(start: dt.date, end: dt.date, unit: str) -> list[dt.date]:
    found: list[dt.date] = []
    day = start
    while day <= end:
        key = _bucket(day, unit)
        if not found or found[-1] != key:
            found.append(key)
        day += dt.timedelta(days=1)
    return found


def _sums_by(filters: Filters, unit: str) -> dict[dt.date, dict[str, int]]:
    """The series' measures summed per bucket of ``unit``. Monthly buckets of a narrowed
    period read the rollups as ``_usage`` does; days and weeks read ``DailyUsage``, and the
    whole site reads ``DailySite``."""
    found: dict[dt.date, dict[str, int]] = defaultdict(lambda: dict.fromkeys(SERIES_MEASURES, 0))
    sources: list[tuple[int, str, Iterable[dict[str, Any]]]]
    if not filters.narrowed:
        site = {key: Sum(key) for key in SERIES_MEASURES}
        sources = [(1, "day", _site(filters).values("day").annotate(**site).order_by())]
    elif unit == "month":
        sources = []
        for sign, rows in _usage(filters):
            name = "month" if rows.model is MonthlyUsage else "day"
            sources.append((sign, name, rows.values(name).annotate(**_usage_sums()).order_by()))
    else:
        rows = _narrow(
            DailyUsage.objects.filter(day__range=(filters.start, filters.end)), filters, None
        )
        sources = [(1, "day", rows.values("day").annotate(**_usage_sums()).order_by())]
    for sign, name, grouped in sources:
        for row in grouped:
            point = found[_bucket(row[name], unit)]
            for key in SERIES_MEASURES:
                point[key] += sign * int(row.get(key) or 0)
    return found


def _points(filters: Filters, unit: str) -> list[dict[str, Any]]:
    """Every bucket of the period; a bucket none of whose days is rolled up is None."""
    rolled = filters.rolled
    sums = _sums_by(filters, unit) if rolled else {}
    points: dict[dt.date, dict[str, int | None]] = {
        key: dict.fromkeys(SERIES_MEASURES) for key in _buckets(filters.start, filters.end, unit)
    }
    for key in {_bucket(day, unit) for day in rolled}:
        points[key] = dict(sums.get(key) or dict.fromkeys(SERIES_MEASURES, 0))
    return [{"period": key, **values} for key, values in points.items()]


def series(filters: Filters) -> dict[str, Any]:
    """The period's page views, visitor-days, downloads and API calls per day, week (from
    Monday) or month; a point whose days are all un-rolled is None."""
    unit = grain(filters.days)
    return {"grain": unit, "points": _points(filters, unit)}


# --- Breakdowns (one grouped query over DailyUsage) ---------------------------------------


@dataclass
class _Tally:
    views: int = 0
    downloads: int = 0
    api_calls: int = 0

    def add(self, kind: str, n: int) -> None:
        if kind == EventKind.PAGE_VIEW:
            self.views += n
        elif kind == EventKind.DOWNLOAD:
            self.downloads += n
        elif kind == EventKind.API_CALL:
            self.api_calls += n

    @property
    def total(self) -> int:
        return self.views + self.downloads + self.api_calls


@dataclass
class Breakdown:
    """The period's counts by format, channel, dataset, product, agency and sector, from one
    query that groups the period's rows in the database."""

    formats: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    channels: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    portal: int = 0
    datasets: dict[str, _Tally] = field(default_factory=lambda: defaultdict(_Tally))
    products: dict[str, _Tally] = field(default_factory=lambda: defaultdict(_Tally))
    agencies: dict[int, _Tally] = field(default_factory=lambda: defaultdict(_Tally))
    sectors: dict[str, _Tally] = field(default_factory=lambda: defaultdict(_Tally))


def breakdown(filters: Filters) -> Breakdown | None:
    if not filters.available:
        return None
    found = Breakdown()
    for (kind, channel, fmt, dataset, product, agency_id, sector), n in _grouped(filters).items():
        _count(found, kind, channel, fmt, n)
        for key, table in ((dataset, found.datasets), (product, found.products)):
            if key:
                table[key].add(kind, n)
        if agency_id:
            found.agencies[agency_id].add(kind, n)
        if sector:
            found.sectors[sector].add(kind, n)
    return found


_BREAKDOWN = ("kind", "channel", "format", "dataset", "product", "agency_id", "sector")


def _grouped(filters: Filters) -> dict[tuple[Any, ...], int]:
    """The period's requests per combination of ``_BREAKDOWN``, the signed parts of ``_usage``
    netted; a combination is kept when some of its daily rows are in the period."""
    net: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0])  # requests, rows
    for sign, rows in _usage(filters):
        rows_of = Sum("days") if rows.model is MonthlyUsage else Count("pk")
        grouped = rows.values_list(*_BREAKDOWN).annotate(n=Sum("events"), rows=rows_of)
        for *key, n, count in grouped.order_by():
            total = net[tuple(key)]
            total[0] += sign * n
            total[1] += sign * count
    return {key: n for key, (n, count) in net.items() if count > 0}


def _count(found: Breakdown, kind: str, channel: str, fmt: str, n: int) -> None:
    if kind == EventKind.DOWNLOAD:
        found.formats[fmt or "?"] += n
    if channel == Channel.PORTAL:
        if kind in (EventKind.PAGE_VIEW, EventKind.DOWNLOAD):
            found.portal += n
    elif kind != EventKind.SEARCH:
        found.channels[channel] += n


def _ranked(table: Mapping[Any, _Tally], limit: int = TOP) -> list[tuple[Any, _Tally]]:
    return sorted(table.items(), key=lambda item: (-item[1].total, str(item[0])))[:limit]


def downloads_by_format(found: Breakdown | None) -> list[dict[str, Any]]:
    if found is None:
        return []
    ranked = sorted(found.formats.items(), key=lambda item: (-item[1], item[0]))
    return [{"format": fmt, "n": n} for fmt, n in ranked]


def api_by_channel(found: Breakdown | None) -> list[dict[str, Any]]:
    """Requests per machine channel (the table builder's downloads among them), every channel
    listed, 0 included, when the period is available."""
    if found is None:
        return []
    return [
        {"channel": str(channel), "label": str(channel.label), "n": found.channels.get(channel, 0)}
        for channel in API_CHANNELS
    ]


def top_datasets(found: Breakdown | None, limit: int = TOP) -> list[dict[str, Any]]:
    if found is None:
        return []
    ranked = _ranked(found.datasets, limit)
    names: dict[str, dict[str, Any]] = {
        row["slug"]: dict(row)
        for row in Dataset.objects.filter(slug__in=[slug for slug, _t in ranked]).values(
            "slug", "title", "agency__name"
        )
    }
    return [
        {
            "dataset": slug,
            "title": names.get(slug, {}).get("title") or slug,
            "agency": names.get(slug, {}).get("agency__name") or "",
            "views": tally.views,
            "downloads": tally.downloads,
            "api_calls": tally.api_calls,
        }
        for slug, tally in ranked
    ]


def top_products(found: Breakdown | None, limit: int = TOP) -> list[dict[str, Any]]:
    if found is None:
        return []
    ranked = _ranked(found.products, limit)
    titles = dict(
        Product.objects.filter(slug__in=[slug for slug, _t in ranked]).values_list("slug", "title")
    )
    return [
        {
            "product": slug,
            "title": titles.get(slug) or slug,
            "views": tally.views,
            "downloads": tally.downloads,
        }
        for slug, tally in ranked
    ]


def by_agency(found: Breakdown | None) -> list[dict[str, Any]]:
    if found is None:
        return []
    ranked = _ranked(found.agencies, limit=1000)
    names = dict(Agency.objects.filter(pk__in=found.agencies).values_list("pk", "name"))
    return [
        {
            "agency": names.get(pk, str(pk)),
            "views": t.views,
            "downloads": t.downloads,
            "api_calls": t.api_calls,
        }
        for pk, t in ranked
    ]


def by_sector(found: Breakdown | None) -> list[dict[str, Any]]:
    if found is None:
        return []
    labels = sector_labels()
    return [
        {
            "sector": key,
            "label": labels.get(key, key),
            "views": t.views,
            "downloads": t.downloads,
            "api_calls": t.api_calls,
        }
        for key, t in _ranked(found.sectors, limit=1000)
    ]


def channel_counts(start: dt.date, end: dt.date) -> dict[str, int]:
    """The public's use per channel for the KPI channel index: the portal's page views and
    downloads, and each machine channel's requests; empty when nothing is rolled up."""
    found = breakdown(Filters(start=start, end=end))
    if found is None:
        return {}
    return {str(Channel.PORTAL): found.portal} | {
        row["channel"]: row["n"] for row in api_by_channel(found)
    }


# --- Site-wide tables: referrers, campaigns, searches -------------------------------------


def _period(filters: Filters) -> Q:
    return Q(day__range=(filters.start, filters.end))


def referrers(filters: Filters) -> list[dict[str, Any]]:
    if not filters.available:
        return []
    rows = (
        DailyReferrer.objects.filter(_period(filters))
        .values_list("kind")
        .annotate(n=Sum("events"), visitors=Sum("visitors"))
        .order_by("-n")
    )
    return [
        {"kind": kind, "label": str(ReferrerKind(kind).label), "n": n, "visitors": visitors}
        for kind, n, visitors in rows
        if kind in ReferrerKind.values
    ]


def referrer_hosts(filters: Filters, limit: int = TOP) -> list[dict[str, Any]]:
    if not filters.available:
        return []
    rows = (
        DailyReferrer.objects.filter(_period(filters))
        .exclude(host="")
        .exclude(kind=ReferrerKind.INTERNAL)
        .values_list("host", "kind")
        .annotate(n=Sum("events"), visitors=Sum("visitors"))
        .order_by("-n", "host")[:limit]
    )
    return [
        {
            "host": host,
            "kind": kind,
            "label": str(ReferrerKind(kind).label) if kind in ReferrerKind.values else kind,
            "n": n,
            "visitors": visitors,
        }
        for host, kind, n, visitors in rows
    ]


def campaigns(filters: Filters, limit: int = 50) -> list[dict[str, Any]]:
    if not filters.available:
        return []
    rows = (
        DailyCampaign.objects.filter(_period(filters))
        .values_list("campaign")
        .annotate(landings=Sum("landings"), visitors=Sum("visitors"))
        .order_by("-landings", "campaign")[:limit]
    )
    return [
        {"campaign": tag, "landings": landings, "visitors": visitors}
        for tag, landings, visitors in rows
    ]


def top_queries(filters: Filters, limit: int = TOP) -> list[dict[str, Any]]:
    if not filters.available:
        return []
    rows = (
        DailySearch.objects.filter(_period(filters))
        .values_list("query")
        .annotate(n=Sum("searches"), zero=Sum("zero_results"))
        .order_by("-n", "query")[:limit]
    )
    return [{"query": query, "n": n, "zero_results": zero} for query, n, zero in rows]


def zero_result_queries(filters: Filters, limit: int = TOP) -> list[dict[str, Any]]:
    """The words searched for that found nothing, most asked first: unmet demand."""
    if not filters.available:
        return []
    rows = (
        DailySearch.objects.filter(_period(filters), zero_results__gt=0)
        .values_list("query")
        .annotate(n=Sum("zero_results"))
        .order_by("-n", "query")[:limit]
    )
    return [{"query": query, "n": n} for query, n in rows]


# --- Everything for the dashboard, and the report's section -------------------------------


def figures(filters: Filters) -> dict[str, Any]:
    """Every figure of the dashboard for the filters (see the module's notes)."""
    found = breakdown(filters)
    return {
        "available": filters.available,
        "rolled_days": len(filters.rolled),
        "days": filters.days,
        "narrowed": filters.narrowed,
        "sample": filters.available and has_sample(filters.start, filters.end),
        "previous": {"start": filters.previous().start, "end": filters.previous().end},
        "last_year": {"start": filters.last_year().start, "end": filters.last_year().end},
        "totals": totals_with_trends(filters),
        "series": series(filters),
        "downloads_by_format": downloads_by_format(found),
        "api_by_channel": api_by_channel(found),
        "top_datasets": top_datasets(found),
        "top_products": top_products(found),
        "by_agency": by_agency(found),
        "by_sector": by_sector(found),
        "referrers": referrers(filters),
        "referrer_hosts": referrer_hosts(filters),
        "campaigns": campaigns(filters),
        "top_queries": top_queries(filters),
        "zero_result_queries": zero_result_queries(filters),
        "bots": {"events": robots(filters)},
    }


def monthly(start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """The humans' figures per calendar month of the period (None for a month not rolled)."""
    return [
        {"month": point["period"].strftime("%Y-%m"), **{k: point[k] for k in SERIES_MEASURES}}
        for point in _points(Filters(start=start, end=end), "month")
    ]


def report_section(start: dt.date, end: dt.date) -> dict[str, Any]:
    """The report's use section (JSON-serialisable, kept in the report's frozen snapshot):
    the humans' figures of the whole site, with the previous period and last year."""
    filters = Filters(start=start, end=end)
    found = breakdown(filters)
    # A whole month, quarter or year steps by its own kind, as the KPI table of the same report.
    (before_start, before_end), (year_start, year_end) = periods.shifted(start, end)
    return {
        "available": filters.available,
        "totals": totals(filters),
        "previous": totals(replace(filters, start=before_start, end=before_end)),
        "last_year": totals(replace(filters, start=year_start, end=year_end)),
        "downloads_by_format": downloads_by_format(found),
        "api_by_channel": api_by_channel(found),
        "top_datasets": [
            {key: row[key] for key in ("dataset", "title", "agency", "views", "downloads")}
            for row in top_datasets(found)
        ],
        "top_products": top_products(found),
        "zero_result_queries": zero_result_queries(filters),
        "referrers": [
            {key: row[key] for key in ("kind", "label", "n")} for row in referrers(filters)
        ],
        "campaigns": campaigns(filters),
        "monthly": monthly(start, end),
        "bots": {"events": robots(filters)},
        "sample": has_sample(start, end),
    }


def rows_of(items: Iterable[Mapping[str, Any]], keys: Iterable[str]) -> list[list[Any]]:
    keys = list(keys)
    return [[item.get(key) for key in keys] for item in items]


__all__ = [
    "Breakdown",
    "FilterError",
    "Filters",
    "breakdown",
    "channel_counts",
    "figures",
    "report_section",
    "series",
    "totals",
]
