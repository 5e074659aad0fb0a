"""The 18 KPIs of the dissemination report (domain/dissemination.md §4.3), per period and
optionally per producing agency (OPD) and product type, each against its target, the previous
period and the same period last year.

``kpi_table(start, end, agency_id=None, product_type=None)`` returns one JSON-ready dict per
KPI with exactly the keys ``code, number, name, unit, value, available, note, details, target,
direction, last_period, last_year, meets_target``.

**Not available is not zero.** When the activity a KPI measures did not happen in the period
(no release due, no rolled-up usage day, no ticket, no IKM answer, no promotion at all…) its
value is None, ``available`` False, and ``note`` says why ("Tidak tersedia: …"). A zero is only
ever a measured zero (releases came out and none had an erratum).

Where a source has no agency or product type (the site's visitors, searches, tickets, IKM,
promotion), a KPI asked for one agency or product type is not available, saying so, rather
than showing the whole site's figure as if it were the agency's.

Usage KPIs (10–13) read only the daily rollups (``DailyUsage``, ``DailySite``,
``DailySearch``), so a year takes a handful of aggregate queries however many raw events
there are. Bots are counted apart: web use and downloads count humans only.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satudata.catalog.models import Access, DataItem, DatasetVersion
from satudata.core import audit
from satudata.products.models import Product, ProductFile, ProductKind, ProductVersion
from satudata.releases import punctuality as punctuality_module
from satudata.releases.models import (
    EntryState,
    Erratum,
    PreReleaseAccess,
    ProductType,
    Release,
    ReleaseEntry,
    ReleaseKind,
    ReleaseQuerySet,
)
from satudata.reports import periods
from satudata.reports.models import (
    KPI_DEFINITIONS,
    DailySearch,
    DailySite,
    DailyUsage,
    EventKind,
    KpiDefinition,
    KpiTarget,
    RolledDay,
    definition_of,
)
from satudata.reports.models.kpi import check_target

CONFIRMED_NOTICE = dt.timedelta(weeks=4)  # UK Code T3.1: an exact date ≥ 4 weeks ahead
# Formats that make a table machine-readable (EPSS 20403): a CSV and a structured JSON/SDMX.
TABLE_CSV = {"csv"}
TABLE_STRUCTURED = {"json-stat", "sdmx-csv"}
USAGE_KINDS_FOR_CHANNELS = (EventKind.PAGE_VIEW, EventKind.DOWNLOAD, EventKind.API_CALL)


def erratum_window_days() -> int:
    """N of KPI 7: a significant erratum within N days after a release makes it not
    error-free (setting ``REPORTS_ERRATUM_WINDOW_DAYS``, 30 by default)."""
    return int(getattr(settings, "REPORTS_ERRATUM_WINDOW_DAYS", 30))


@dataclass
class Figure:
    """A KPI's measurement: the value (None: not available), a note for the reader and the
    sub-figures behind it."""

    value: float | None
    note: str
    details: dict[str, Any] = field(default_factory=dict)


def _na(reason: str, **details: Any) -> Figure:
    return Figure(None, _("Not available: %(reason)s") % {"reason": reason}, details)


def _pct(part: int, whole: int) -> float:
    return round(100 * part / whole, 1)


class Scope:
    """One period, optionally narrowed to an agency and a product type, with the queries the
    KPIs share (computed once)."""

    def __init__(
        self,
        start: dt.date,
        end: dt.date,
        agency_id: int | None = None,
        product_type: str | None = None,
        *,
        full: bool = True,
        shared: dict[Any, Any] | None = None,
    ) -> None:
        # ``full``: with every detail (the period shown); the previous period and last year
        # need only values. ``shared``: a cache common to the scopes of one table.
        self.full = full
        self.shared = shared if shared is not None else {}
        self.start, self.end = start, end
        self.agency_id, self.product_type = agency_id, product_type or None
        self.low, self.high = periods.moments(start, end)
        self.now = timezone.now()

    @property
    def narrowed(self) -> bool:
        return self.agency_id is not None or self.product_type is not None

    # --- Releases -------------------------------------------------------------------------

    def entries(self) -> QuerySet[ReleaseEntry]:
        entries = ReleaseEntry.objects.all()
        if self.agency_id is not None:
            entries = entries.filter(agency_id=self.agency_id)
        if self.product_type:
            entries = entries.filter(product_type=self.product_type)
        return entries

    @cached_property
    def punctuality(self) -> punctuality_module.Punctuality:
        return punctuality_module.measure(self.entries(), self.low, self.high)

    @cached_property
    def overdue_entries(self) -> int:
        """Entries whose confirmed time fell in the period (and has passed) but which were not
        out by the end of the period: due, and not released."""
        until = min(self.high, self.now)
        return (
            self.entries()
            .exclude(state=EntryState.CANCELLED)
            .filter(target_at__gte=self.low, target_at__lt=until)
            .filter(Q(released_at__isnull=True) | Q(released_at__gte=until))
            .count()
        )

    def releases(self) -> ReleaseQuerySet:
        releases = Release.objects.all()
        if self.agency_id is not None:
            releases = releases.filter(agency_id=self.agency_id)
        if self.product_type == ProductType.DATASET:
            releases = releases.filter(content_type=_content_type(DatasetVersion))
        elif self.product_type:
            versions = ProductVersion.objects.filter(product__kind=self.product_type)
            releases = releases.filter(
                content_type=_content_type(ProductVersion), object_id__in=versions.values("pk")
            )
        return releases

    @cached_property
    def released(self) -> list[Release]:
        """Releases out for everyone in the period (withdrawn later or not)."""
        until = min(self.high, self.now)
        return list(
            self.releases()
            .published(until)
            .filter(release_at__gte=self.low)
            .order_by("release_at", "pk")
        )

    # --- Usage rollups --------------------------------------------------------------------

    @cached_property
    def rolled_days(self) -> int:
        return RolledDay.objects.filter(day__gte=self.start, day__lte=self.end).count()

    def usage(self, *, humans_only: bool = True) -> QuerySet[DailyUsage]:
        rows = DailyUsage.objects.filter(day__gte=self.start, day__lte=self.end)
        if humans_only:
            rows = rows.filter(bot=False)
        if self.agency_id is not None:
            rows = rows.filter(agency_id=self.agency_id)
        if self.product_type == ProductType.DATASET:
            rows = rows.filter(product="").exclude(dataset="")
        elif self.product_type:
            slugs = Product.objects.filter(kind=self.product_type).values("slug")
            rows = rows.filter(product__in=slugs)
        return rows

    @cached_property
    def usage_groups(self) -> list[dict[str, Any]]:
        """The period's rollup rows summed by kind, channel, format and robot flag: one scan
        of the rollups that downloads, API use and the channel index all read (shared by
        the scopes of one table: the base year may be the previous period)."""
        key = ("usage_groups", self.start, self.end, self.agency_id, self.product_type)
        if key not in self.shared:
            self.shared[key] = self._usage_groups()
        return self.shared[key]  # type: ignore[no-any-return]

    def _usage_groups(self) -> list[dict[str, Any]]:
        rows = (
            self.usage(humans_only=False)
            .filter(kind__in=USAGE_KINDS_FOR_CHANNELS)
            .values("kind", "channel", "format", "bot")
            .annotate(n=Sum("events"), visitors=Sum("visitors"), failed=Sum("failed"))
            .order_by()
        )
        return [
            {
                **row,
                "n": int(row["n"] or 0),
                "visitors": int(row["visitors"] or 0),
                "failed": int(row["failed"] or 0),
            }
            for row in rows
        ]


def _content_type(model: type[Any]) -> ContentType:
    return ContentType.objects.get_for_model(model)


def _type_of_releases(releases: list[Release]) -> dict[int, str]:
    """Each release's product type (dataset, or its product's kind)."""
    dataset_type = _content_type(DatasetVersion)
    product_type = _content_type(ProductVersion)
    ids = [r.object_id for r in releases if r.content_type_id == product_type.pk]
    kinds = dict(ProductVersion.objects.filter(pk__in=ids).values_list("pk", "product__kind"))
    out: dict[int, str] = {}
    for release in releases:
        if release.content_type_id == dataset_type.pk:
            out[release.pk] = ProductType.DATASET
        else:
            out[release.pk] = kinds.get(release.object_id, "")
    return out


# --- 1–5: the release calendar ---------------------------------------------------------------


def kpi_punctuality(scope: Scope) -> Figure:
    """KPI 1. Punctuality = releases out on or before their first confirmed day (WIB) /
    releases due × 100, where the releases due are those released in the period with a
    confirmed date plus those whose confirmed date fell in the period and are still not out
    (``releases.punctuality``: a postponed release counts as late by its postponement)."""
    measured = scope.punctuality
    due = measured.released + scope.overdue_entries
    if not due:
        return _na(_("no release was due in the period"))
    return Figure(
        _pct(measured.on_time, due),
        _("%(on_time)s of %(due)s releases due came out on time.")
        % {"on_time": measured.on_time, "due": due},
        {
            "due": due,
            "on_time": measured.on_time,
            "released_with_date": measured.released,
            "due_not_released": scope.overdue_entries,
            "released_without_date": measured.unannounced,
        },
    )


def kpi_delay(scope: Scope) -> Figure:
    """KPI 2. Mean delay = mean over the late releases of (release day − first confirmed day)
    in calendar days; the maximum beside it. 0 when releases came out and none was late."""
    measured = scope.punctuality
    if not measured.released:
        return _na(_("no release with a confirmed date came out in the period"))
    late = [item for item in measured.late if item.days > 0]
    mean = round(statistics.fmean(item.days for item in late), 1) if late else 0.0
    return Figure(
        mean,
        _("%(late)s of %(released)s releases were late; the longest delay was %(max)s days.")
        % {"late": len(late), "released": measured.released, "max": measured.max_delay_days},
        {
            "late": len(late),
            "released": measured.released,
            "max_days": measured.max_delay_days,
            "late_releases": [{"title": item.entry.title, "days": item.days} for item in late[:50]],
        },
    )


def kpi_advance_notice(scope: Scope) -> Figure:
    """KPI 3. Advance notice = releases first announced ≥ 3 months (91 days) before their
    target / releases with a confirmed date out in the period × 100 (EPSS 20302); the share
    confirmed with an exact date ≥ 4 weeks before (UK Code T3.1) is in the details."""
    measured = scope.punctuality
    if not measured.released:
        return _na(_("no release with a confirmed date came out in the period"))
    confirmed = sum(
        1
        for item in measured.late
        if item.entry.first_confirmed_at is not None
        and item.entry.target_at is not None
        and item.entry.first_confirmed_at <= item.entry.target_at - CONFIRMED_NOTICE
    )
    return Figure(
        _pct(measured.announced_ahead, measured.released),
        _("%(ahead)s of %(released)s releases were announced at least three months ahead.")
        % {"ahead": measured.announced_ahead, "released": measured.released},
        {
            "released": measured.released,
            "announced_3_months": measured.announced_ahead,
            "confirmed_4_weeks": confirmed,
            "confirmed_4_weeks_pct": _pct(confirmed, measured.released),
        },
    )


def kpi_calendar_changes(scope: Scope) -> Figure:
    """KPI 4. Calendar changes = postponements decided in the period + entries cancelled in
    the period, each listed with its reason. Not available when the calendar had nothing
    planned, released, postponed or cancelled in the period."""
    measured = scope.punctuality
    changes = len(measured.postponements) + len(measured.cancelled)
    planned = (
        scope.entries().filter(Q(planned_at__gte=scope.low, planned_at__lt=scope.high)).exists()
    )
    if not changes and not planned and not measured.released:
        return _na(_("the release calendar had no entry in the period"))
    return Figure(
        changes,
        _("%(postponed)s postponed, %(cancelled)s cancelled.")
        % {"postponed": len(measured.postponements), "cancelled": len(measured.cancelled)},
        {
            "postponed": len(measured.postponements),
            "cancelled": len(measured.cancelled),
            "postponements": [
                {
                    "title": change.entry.title,
                    "from": timezone.localtime(change.previous_at).date().isoformat(),
                    "to": timezone.localtime(change.new_at).date().isoformat(),
                    "reason": change.reason,
                }
                for change in measured.postponements
            ],
            "cancellations": [
                {"title": entry.title, "reason": entry.cancellation_reason}
                for entry in measured.cancelled
            ],
        },
    )


def kpi_timeliness(scope: Scope) -> Figure:
    """KPI 5. Timeliness = median over first releases out in the period of (release day −
    last day of the reference period), in calendar days (EPSS 20301). The reference period's
    end is read from the calendar entry's text by ``periods.reference_end`` ("2025" → 31
    December 2025, "Triwulan I 2025" → 31 March, "2024/2025" → 30 June 2025); a release
    whose reference period cannot be read is left out and counted in the details."""
    until = min(scope.high, scope.now)
    rows = (
        scope.entries()
        .exclude(state=EntryState.CANCELLED)
        .filter(kind=ReleaseKind.FIRST, released_at__gte=scope.low, released_at__lt=until)
        .values_list("reference_period", "released_at", "product_type")
    )
    lags: dict[str, list[int]] = {}
    unknown = 0
    for reference, released_at, product_type in rows:
        ends = periods.reference_end(reference)
        if ends is None:
            unknown += 1
            continue
        lag = (timezone.localtime(released_at).date() - ends).days
        lags.setdefault(product_type, []).append(lag)
    every = [lag for values in lags.values() for lag in values]
    if not every:
        reason = (
            _("the reference period of the releases could not be read")
            if unknown
            else _("no first release came out in the period")
        )
        return _na(reason, unknown_reference_period=unknown)
    return Figure(
        float(statistics.median(every)),
        _("Median over %(n)s releases.") % {"n": len(every)},
        {
            "releases": len(every),
            "unknown_reference_period": unknown,
            "by_product_type": [
                {
                    "product_type": key,
                    "releases": len(values),
                    "median_days": statistics.median(values),
                }
                for key, values in sorted(lags.items())
            ],
        },
    )


# --- 6–9: products ----------------------------------------------------------------------------


def _scheduled_on(item: DataItem, list_year: int) -> dt.date:
    """The first day of the month an item's release is scheduled, as the calendar plans it
    (``releases.services.calendar.plan_from_data_list``): its release month in the data year
    plus the offset, or January of the next year when the list gives no month."""
    if item.release_month:
        return dt.date(list_year + item.release_year_offset, item.release_month, 1)
    return dt.date(list_year + 1, 1, 1)


def kpi_daftar_data_coverage(scope: Scope) -> Figure:
    """KPI 6. Daftar Data coverage = open items of an approved Daftar Data scheduled in the
    period (their release month falls in it) that have a release out by the end of the period
    / those items × 100 (Perpres 39/2019 art. 27(3))."""
    items = DataItem.objects.filter(
        data_list__status="approved", access=Access.OPEN
    ).select_related("data_list")
    if scope.agency_id is not None:
        items = items.filter(agency_id=scope.agency_id)
    first_month = scope.start.replace(day=1)
    scheduled = [
        item
        for item in items
        if first_month <= _scheduled_on(item, item.data_list.year) <= scope.end
    ]
    if not scheduled:
        return _na(_("no Daftar Data item was scheduled for the period"))
    until = min(scope.high, scope.now)
    released_items = set(
        scope.entries()
        .exclude(state=EntryState.CANCELLED)
        .filter(item__in=[i.pk for i in scheduled], released_at__lt=until)
        .values_list("item_id", flat=True)
    )
    missing = [i for i in scheduled if i.pk not in released_items]
    return Figure(
        _pct(len(scheduled) - len(missing), len(scheduled)),
        _("%(done)s of %(scheduled)s scheduled items were released.")
        % {"done": len(scheduled) - len(missing), "scheduled": len(scheduled)},
        {
            "scheduled": len(scheduled),
            "released": len(scheduled) - len(missing),
            "not_released": [{"item": i.name, "year": i.data_list.year} for i in missing[:50]],
        },
    )


def kpi_error_free(scope: Scope) -> Figure:
    """KPI 7. Error-free releases = releases out in the period without a *significant*
    erratum within N days of their release (N: ``REPORTS_ERRATUM_WINDOW_DAYS``, 30) /
    releases out in the period × 100 (ABS: "free of significant errors")."""
    releases = scope.released
    if not releases:
        return _na(_("no release came out in the period"))
    window = dt.timedelta(days=erratum_window_days())
    flawed = {
        release_id
        for release_id, created, released_at in Erratum.objects.filter(
            significant=True, release__in=[r.pk for r in releases]
        ).values_list("release_id", "created_at", "release__release_at")
        if released_at is not None and created <= released_at + window
    }
    return Figure(
        _pct(len(releases) - len(flawed), len(releases)),
        _("%(clean)s of %(n)s releases had no significant erratum within %(days)s days.")
        % {"clean": len(releases) - len(flawed), "n": len(releases), "days": window.days},
        {
            "releases": len(releases),
            "with_significant_erratum": len(flawed),
            "window_days": window.days,
        },
    )


def kpi_corrections(scope: Scope) -> Figure:
    """KPI 8. Corrections and revisions = errata published in the period (significant +
    minor); planned revisions and correction releases out in the period, and new versions
    (number > 1) of datasets and products released in the period, in the details."""
    errata = Erratum.objects.filter(
        created_at__gte=scope.low, created_at__lt=scope.high, release__in=scope.releases()
    )
    counts = dict(errata.values_list("significant").annotate(n=Count("pk")).order_by())
    kinds: dict[str, int] = {}
    for release in scope.released:
        kinds[release.kind] = kinds.get(release.kind, 0) + 1
    new_versions = _new_versions(scope)
    total = counts.get(True, 0) + counts.get(False, 0)
    if not total and not scope.released:
        return _na(_("no release and no erratum in the period"))
    return Figure(
        total,
        _("%(significant)s significant and %(minor)s minor errata.")
        % {"significant": counts.get(True, 0), "minor": counts.get(False, 0)},
        {
            "significant": counts.get(True, 0),
            "minor": counts.get(False, 0),
            "revisions": kinds.get(ReleaseKind.REVISION, 0),
            "corrections": kinds.get(ReleaseKind.CORRECTION, 0),
            "new_versions": new_versions,
        },
    )


def _new_versions(scope: Scope) -> int:
    until = min(scope.high, scope.now)
    count = 0
    if scope.product_type in (None, ProductType.DATASET):
        datasets = DatasetVersion.objects.filter(
            number__gt=1, published_at__gte=scope.low, published_at__lt=until
        )
        if scope.agency_id is not None:
            datasets = datasets.filter(dataset__agency_id=scope.agency_id)
        count += datasets.count()
    if scope.product_type != ProductType.DATASET:
        products = ProductVersion.objects.filter(
            number__gt=1, published_at__gte=scope.low, published_at__lt=until
        )
        if scope.agency_id is not None:
            products = products.filter(product__agency_id=scope.agency_id)
        if scope.product_type:
            products = products.filter(product__kind=scope.product_type)
        count += products.count()
    return count


def kpi_output(scope: Scope) -> Figure:
    """KPI 9. Output volume = releases out in the period, by product type (datasets, tables,
    charts, infographics, publications); the distinct datasets with a new version out in the
    period in the details."""
    releases = scope.released
    if not releases:
        return _na(_("no release came out in the period"))
    types = _type_of_releases(releases)
    by_type = dict.fromkeys(ProductType.values, 0)
    for kind in types.values():
        by_type[kind] = by_type.get(kind, 0) + 1
    until = min(scope.high, scope.now)
    updated = DatasetVersion.objects.filter(published_at__gte=scope.low, published_at__lt=until)
    if scope.agency_id is not None:
        updated = updated.filter(dataset__agency_id=scope.agency_id)
    labels = dict(ProductType.choices)
    return Figure(
        len(releases),
        _("%(n)s releases.") % {"n": len(releases)},
        {
            "by_product_type": [
                {"product_type": code, "label": str(labels.get(code, code)), "releases": n}
                for code, n in by_type.items()
            ],
            "datasets_updated": updated.values("dataset_id").distinct().count(),
        },
    )


# --- 10–13: use -----------------------------------------------------------------------------


def _no_usage(scope: Scope) -> Figure | None:
    if not scope.rolled_days:
        return _na(_("no usage day has been rolled up for the period"))
    return None


def kpi_web_use(scope: Scope) -> Figure:
    """KPI 10. Web use = page views by people (robots apart) from the daily rollups; visitors
    as visitor-days (a visitor is a daily hash, so a period's visitors are the sum of its
    days'); searches and searches without results (unmet demand). Per agency or product type
    the page views of its objects; site-wide visitors and searches have no agency."""
    missing = _no_usage(scope)
    if missing:
        return missing
    if scope.narrowed:
        row = (
            scope.usage()
            .filter(kind=EventKind.PAGE_VIEW)
            .aggregate(views=Sum("events"), visitors=Sum("visitors"))
        )
        views = int(row["views"] or 0)
        return Figure(
            views,
            _("Page views of the pages of this agency or product type (visitor-days per page)."),
            {"page_views": views, "visitor_days": int(row["visitors"] or 0)},
        )
    site = DailySite.objects.filter(day__gte=scope.start, day__lte=scope.end, bot=False).aggregate(
        views=Sum("page_views"),
        visitors=Sum("visitors"),
        searches=Sum("searches"),
        zero=Sum("zero_result_searches"),
    )
    top_zero = list(
        DailySearch.objects.filter(day__gte=scope.start, day__lte=scope.end, zero_results__gt=0)
        .values("query")
        .annotate(n=Sum("zero_results"))
        .order_by("-n", "query")[:10]
    )
    views = int(site["views"] or 0)
    return Figure(
        views,
        _("Page views by people; robots are counted apart."),
        {
            "page_views": views,
            "visitor_days": int(site["visitors"] or 0),
            "searches": int(site["searches"] or 0),
            "zero_result_searches": int(site["zero"] or 0),
            "top_zero_result_queries": top_zero,
            "rolled_days": scope.rolled_days,
        },
    )


def kpi_downloads(scope: Scope) -> Figure:
    """KPI 11. Downloads = file downloads by people in the period, by format (CSV, XLSX,
    JSON-stat, SDMX, PX, PDF…), from the daily rollups (kind "download")."""
    missing = _no_usage(scope)
    if missing:
        return missing
    counts: dict[str, int] = {}
    for row in scope.usage_groups:
        if row["kind"] == EventKind.DOWNLOAD and not row["bot"]:
            key = row["format"] or "?"
            counts[key] = counts.get(key, 0) + row["n"]
    ordered = sorted(counts.items(), key=lambda i: (-i[1], i[0]))
    by_format = [{"format": key, "n": n} for key, n in ordered]
    total = sum(counts.values())
    return Figure(
        total, _("Downloads by people; robots are counted apart."), {"by_format": by_format}
    )


def kpi_api_use(scope: Scope) -> Figure:
    """KPI 12. API use = calls to the machine channels (REST, CKAN, DCAT, data.json, Data
    Package, table builder), robots included (an API's clients are mostly scripts), by channel;
    clients as client-object-days (a client's daily hash counts once per table, channel and
    format it called that day, so it is not a count of distinct clients); failed calls (status
    ≥ 400, which include the 429s of the rate limit: the rollups do not keep the status)."""
    missing = _no_usage(scope)
    if missing:
        return missing
    channels: dict[str, dict[str, Any]] = {}
    for row in scope.usage_groups:
        if row["kind"] != EventKind.API_CALL:
            continue
        total = channels.setdefault(
            row["channel"],
            {"channel": row["channel"], "calls": 0, "client_object_days": 0, "failed": 0},
        )
        total["calls"] += row["n"]
        total["client_object_days"] += row["visitors"]
        total["failed"] += row["failed"]
    by_channel = sorted(channels.values(), key=lambda r: (-r["calls"], r["channel"]))
    return Figure(
        sum(row["calls"] for row in by_channel),
        _("API calls, scripts included; failed calls include those refused by the rate limit."),
        {
            "by_channel": by_channel,
            "client_object_days": sum(row["client_object_days"] for row in by_channel),
            "failed": sum(row["failed"] for row in by_channel),
        },
    )


def channel_counts(scope: Scope) -> dict[str, int]:
    """Requests by people per channel (page views, downloads and API calls; searches left
    out), the counts the channel index compares."""
    counts: dict[str, int] = {}
    for row in scope.usage_groups:
        if not row["bot"]:
            counts[row["channel"]] = counts.get(row["channel"], 0) + row["n"]
    return counts


def base_year() -> int | None:
    """The channel index's base year: ``REPORTS_CHANNEL_BASE_YEAR`` or, by default, the first
    year whose every day is rolled up."""
    configured = getattr(settings, "REPORTS_CHANNEL_BASE_YEAR", None)
    if configured:
        return int(configured)
    first = RolledDay.objects.order_by("day").values_list("day", flat=True).first()
    if first is None:
        return None
    year = first.year if first == dt.date(first.year, 1, 1) else first.year + 1
    days = (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days
    rolled = RolledDay.objects.filter(day__year=year).count()
    return year if rolled == days else None


def kpi_channel_index(scope: Scope) -> Figure:
    """KPI 13. Channel index = mean over the channels used in the base year of (count in the
    period / base-year count scaled to the period) × 100 (the ABS composite). The base count
    is scaled by the rolled-up days of the period over those of the base year, so a month is
    compared with an average month of the base year."""
    missing = _no_usage(scope)
    if missing:
        return missing
    year = base_year()
    if year is None:
        return _na(_("there is no base year (a whole year of rolled-up usage)"))
    key = ("channel_base", year, scope.agency_id, scope.product_type)
    if key not in scope.shared:
        base_scope = Scope(
            dt.date(year, 1, 1),
            dt.date(year, 12, 31),
            scope.agency_id,
            scope.product_type,
            shared=scope.shared,
        )
        scope.shared[key] = (channel_counts(base_scope), base_scope.rolled_days)
    base, base_days = scope.shared[key]
    if not base_days or not any(base.values()):
        return _na(_("the base year %(year)s has no use to compare with") % {"year": year})
    now = channel_counts(scope)
    scale = scope.rolled_days / base_days
    per_channel = [
        {
            "channel": channel,
            "count": now.get(channel, 0),
            "base_count": count,
            "index": round(100 * now.get(channel, 0) / (count * scale), 1),
        }
        for channel, count in sorted(base.items())
        if count
    ]
    value = round(statistics.fmean(row["index"] for row in per_channel), 1)
    return Figure(
        value,
        _("Against the base year %(year)s = 100.") % {"year": year},
        {"base_year": year, "channels": per_channel},
    )


# --- 14–16: promotion and users ---------------------------------------------------------------


def _site_only(scope: Scope) -> Figure | None:
    if scope.narrowed:
        return _na(_("this figure is not recorded per agency or product type"))
    return None


def kpi_promotion_reach(scope: Scope) -> Figure:
    """KPI 14. Promotion reach = visits that arrived through promotion (campaign-tagged
    landings: release e-mails, digests, actions, share kit, widgets), counted as
    ``promotion.reach.reach_for_period`` counts them; e-mails sent, subscribers confirmed,
    actions done and the reach the staff entered per channel in the details. Not available
    when promotion did nothing in the period (no tagged visit, e-mail, action or new
    subscriber)."""
    from satudata.promotion import reach
    from satudata.promotion.models import PromotionAction, Subscriber

    narrowed = _site_only(scope)
    if narrowed:
        return narrowed
    clicks = sum(count.clicks for count in reach.campaign_visits(scope.low, scope.high).values())
    emails = reach.emails(scope.low, scope.high)
    sent = emails["release_emails"]["sent"] + emails["digests"]["sent"]
    actions = PromotionAction.objects.filter(planned_on__gte=scope.start, planned_on__lte=scope.end)
    confirmed = Subscriber.objects.filter(
        confirmed_at__gte=scope.low, confirmed_at__lt=scope.high
    ).count()
    planned = actions.count()
    if not any((clicks, sent, planned, confirmed)):
        return _na(_("there was no promotion in the period"))
    details: dict[str, Any] = {
        "campaign_clicks": clicks,
        "emails_sent": sent,
        "subscribers_confirmed": confirmed,
        "actions": planned,
    }
    if scope.full:
        period = reach.reach_for_period(scope.start, scope.end)
        details.update(
            {
                "subscribers_active_now": period["subscribers"]["active_now"],
                "actions_done": period["actions"].get("selesai", 0),
                "reach_entered_by_staff": sum(r["reach"] for r in period["reach_by_channel"]),
            }
        )
    return Figure(
        clicks,
        _("Visits that arrived through promotion links; e-mail opens are not tracked."),
        details,
    )


def kpi_requests_sla(scope: Scope) -> Figure:
    """KPI 15. User requests = requests answered by their answer deadline (the service
    standard: PST 3 working days, KIP 10 + 7) / requests answered, of those received in the
    period (merged duplicates excluded), × 100 — the rule of ``support.stats.period_figures``,
    whose other figures (acknowledged within the SLA, median working days, KIP, objections)
    are the details of the period shown."""
    from satudata.support.stats import period_figures, received_in

    narrowed = _site_only(scope)
    if narrowed:
        return narrowed
    tickets = received_in(scope.start, scope.end)
    received = tickets.count()
    if not received:
        return _na(_("no request was received in the period"))
    answered = tickets.filter(answered_at__isnull=False)
    count = answered.count()
    if not count:
        return _na(_("none of the requests received in the period has been answered yet"))
    within = answered.filter(answered_at__lte=F("answer_due")).count()
    details: dict[str, Any] = {
        "received": received,
        "answered": count,
        "answered_within_sla": within,
    }
    if scope.full:
        figures = period_figures(scope.start, scope.end)
        share = figures["acknowledged"]["share"]
        details.update(
            {
                "acknowledged_within_sla_pct": None if share is None else round(100 * share, 1),
                "median_working_days": figures["answered"]["median_working_days"],
                "kip_received": figures["kip"]["received"],
                "objections": figures["objections"]["filed"],
            }
        )
    return Figure(
        _pct(within, count),
        _("%(ok)s of %(n)s answered requests were answered within the standard.")
        % {"ok": within, "n": count},
        details,
    )


def kpi_satisfaction(scope: Scope) -> Figure:
    """KPI 16. Satisfaction = the IKM konversi (25–100) of the answers given in the period,
    PermenPAN-RB 14/2017 with the exact weight 1/9 (``support.ikm.recap``); band, respondents
    and the lowest unsur in the details."""
    narrowed = _site_only(scope)
    if narrowed:
        return narrowed
    from satudata.support import ikm as ikm_module

    ikm = ikm_module.summary(ikm_module.period_queryset(scope.start, scope.end))
    if not ikm or not ikm.get("respondents") or ikm.get("ikm_converted") is None:
        return _na(_("no IKM survey answer was given in the period"))
    return Figure(
        float(ikm["ikm_converted"]),
        _("IKM %(value)s, band %(mutu)s, %(n)s respondents.")
        % {
            "value": number_format(float(ikm["ikm_converted"]), 2),
            "mutu": ikm["mutu"],
            "n": ikm["respondents"],
        },
        {
            "respondents": ikm["respondents"],
            "mutu": ikm["mutu"],
            "kinerja": ikm.get("kinerja"),
            "lowest": ikm.get("lowest", []),
        },
    )


# --- 17–18: transparency and formats ----------------------------------------------------------


def kpi_prerelease(scope: Scope) -> Figure:
    """KPI 17. Pre-release transparency = releases out in the period that some person could
    read before their time (a pre-release access grant not revoked); the persons and the mean
    and longest hours of access before the release in the details (Eurostat Protocol report,
    UK Pre-Release Access Order)."""
    releases = scope.released
    if not releases:
        return _na(_("no release came out in the period"))
    grants = list(
        PreReleaseAccess.objects.filter(
            release__in=[r.pk for r in releases], revoked_at__isnull=True
        ).values_list("release_id", "user_id", "access_from", "release__release_at")
    )
    hours = [
        (release_at - access_from).total_seconds() / 3600
        for _r, _u, access_from, release_at in grants
        if release_at is not None
    ]
    with_access = len({grant[0] for grant in grants})
    return Figure(
        with_access,
        _("%(n)s of %(total)s releases had pre-release access.")
        % {"n": with_access, "total": len(releases)},
        {
            "releases": len(releases),
            "releases_with_access": with_access,
            "persons": len({grant[1] for grant in grants}),
            "grants": len(grants),
            "mean_hours": round(statistics.fmean(hours), 1) if hours else None,
            "max_hours": round(max(hours), 1) if hours else None,
        },
    )


def kpi_machine_readable(scope: Scope) -> Figure:
    """KPI 18. Machine-readable availability = published tables and datasets (out for
    everyone at the end of the period) available as CSV and as JSON-stat/SDMX or through the
    API / all published tables and datasets × 100 (EPSS 20403). A dataset version is served as
    CSV and JSON by the data API (``DatasetVersion.release_formats``); a table product counts
    when its newest published version has a CSV file and a JSON-stat or SDMX-CSV file."""
    at = min(scope.high, scope.now)
    datasets = 0
    if scope.product_type in (None, ProductType.DATASET):
        versions = DatasetVersion.objects.published(at)
        if scope.agency_id is not None:
            versions = versions.filter(dataset__agency_id=scope.agency_id)
        datasets = versions.values("dataset_id").distinct().count()
    tables, readable = 0, 0
    if scope.product_type in (None, ProductKind.TABLE):
        tables, readable = _readable_tables(scope, at)
    whole = datasets + tables
    if not whole:
        return _na(_("no table or dataset was published by the end of the period"))
    return Figure(
        _pct(datasets + readable, whole),
        _("%(ok)s of %(n)s published tables and datasets are machine-readable.")
        % {"ok": datasets + readable, "n": whole},
        {
            "datasets": datasets,
            "datasets_machine_readable": datasets,
            "tables": tables,
            "tables_machine_readable": readable,
        },
    )


def _readable_tables(scope: Scope, at: dt.datetime) -> tuple[int, int]:
    versions = ProductVersion.objects.published(at).filter(product__kind=ProductKind.TABLE)
    if scope.agency_id is not None:
        versions = versions.filter(product__agency_id=scope.agency_id)
    newest: dict[int, tuple[int, int]] = {}
    for product_id, version_id, number in versions.values_list("product_id", "pk", "number"):
        if product_id not in newest or number > newest[product_id][1]:
            newest[product_id] = (version_id, number)
    ids = [pair[0] for pair in newest.values()]
    formats: dict[int, set[str]] = {}
    for version_id, fmt in ProductFile.objects.filter(version_id__in=ids).values_list(
        "version_id", "format"
    ):
        formats.setdefault(version_id, set()).add(fmt.lower())
    readable = sum(
        1
        for version_id in ids
        if formats.get(version_id, set()) & TABLE_CSV
        and formats.get(version_id, set()) & TABLE_STRUCTURED
    )
    return len(ids), readable


# --- The table --------------------------------------------------------------------------------

MEASURES: dict[str, Callable[[Scope], Figure]] = {
    "punctuality": kpi_punctuality,
    "delay": kpi_delay,
    "advance_notice": kpi_advance_notice,
    "calendar_changes": kpi_calendar_changes,
    "timeliness": kpi_timeliness,
    "daftar_data_coverage": kpi_daftar_data_coverage,
    "error_free": kpi_error_free,
    "corrections": kpi_corrections,
    "output": kpi_output,
    "web_use": kpi_web_use,
    "downloads": kpi_downloads,
    "api_use": kpi_api_use,
    "channel_index": kpi_channel_index,
    "promotion_reach": kpi_promotion_reach,
    "requests_sla": kpi_requests_sla,
    "satisfaction": kpi_satisfaction,
    "prerelease": kpi_prerelease,
    "machine_readable": kpi_machine_readable,
}


def targets() -> dict[str, Decimal | None]:
    """Every KPI's target: the administrator's, else the default of ``KPI_DEFINITIONS``."""
    stored = dict(KpiTarget.objects.values_list("code", "target"))
    return {d.code: stored.get(d.code, d.default_target) for d in KPI_DEFINITIONS}


def meets(value: float | None, target: float | None, direction: str) -> bool | None:
    if value is None or target is None:
        return None
    return value >= target if direction == "higher" else value <= target


def _values(scope: Scope) -> dict[str, float | None]:
    return {code: measure(scope).value for code, measure in MEASURES.items()}


def _compared(
    bounds: tuple[dt.date, dt.date],
    agency_id: int | None,
    product_type: str | None,
    shared: dict[Any, Any],
) -> dict[str, float | None]:
    """The values of another period (computed once per table: a year's previous period is
    also its last year)."""
    key = ("values", bounds, agency_id, product_type)
    if key not in shared:
        scope = Scope(*bounds, agency_id, product_type, full=False, shared=shared)
        shared[key] = _values(scope)
    return shared[key]  # type: ignore[no-any-return]


def kpi_table(
    start: dt.date,
    end: dt.date,
    *,
    agency_id: int | None = None,
    product_type: str | None = None,
) -> list[dict[str, Any]]:
    """The 18 KPIs of the days ``start``–``end`` (both included, WIB), with target, the
    previous period's and last year's values (see ``periods.shifted``) and whether the target
    is met. JSON-ready; ``value`` None means not available and ``note`` says why."""
    shared: dict[Any, Any] = {}
    scope = Scope(start, end, agency_id, product_type, shared=shared)
    before, last = periods.shifted(start, end)
    previous = _compared(before, agency_id, product_type, shared)
    last_year = _compared(last, agency_id, product_type, shared)
    goals = targets()
    rows = []
    for definition in KPI_DEFINITIONS:
        figure = MEASURES[definition.code](scope)
        goal = goals[definition.code]
        target = float(goal) if goal is not None else None
        rows.append(
            {
                "code": definition.code,
                "number": definition.number,
                "name": str(definition.name),
                "unit": definition.unit,
                "value": figure.value,
                "available": figure.value is not None,
                "note": figure.note,
                "details": figure.details,
                "target": target,
                "direction": definition.direction,
                "last_period": previous[definition.code],
                "last_year": last_year[definition.code],
                "meets_target": meets(figure.value, target, definition.direction),
            }
        )
    return rows


# --- Targets ----------------------------------------------------------------------------------

audit.register_labels(
    {
        "reports.kpi_target_set": gettext_lazy("KPI target set"),
        "reports.kpi_target_cleared": gettext_lazy("KPI target back to its default"),
    }
)


@transaction.atomic
def set_target(*, actor: Any, code: str, target: Decimal | None) -> KpiTarget | None:
    """The administrator sets (or, with None, clears back to the default) a KPI's target; the
    range of its unit is checked (``check_target``) and the change audited."""
    definition: KpiDefinition = definition_of(code)
    existing = KpiTarget.objects.select_for_update().filter(code=code).first()
    before = existing.target if existing is not None else definition.default_target
    if target is None:
        if existing is not None:
            existing.delete()
        audit.record(
            "reports.kpi_target_cleared",
            actor=actor,
            summary=f"Target KPI {definition.number} kembali ke bawaan",
            changes={"code": code, "target": [before, definition.default_target]},
        )
        return None
    check_target(definition.unit, target)
    row = existing or KpiTarget(code=code)
    row.target, row.updated_by = target, actor
    row.save()
    audit.record(
        "reports.kpi_target_set",
        actor=actor,
        obj=row,
        summary=f"Target KPI {definition.number} ({code}): {target}",
        changes={"target": [before, target]},
    )
    return row
