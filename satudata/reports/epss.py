"""EPSS evidence (Evaluasi Penyelenggaraan Statistik Sektoral, BPS): for each indicator that
dissemination touches, the criterion, what the platform shows for a year, and the maturity level
that evidence supports — what the Walidata attaches to its self-assessment.

Every EPSS indicator climbs the same ladder (LKE "kematangan"): 1 not done → 2 done by each
producer on its own → 3 a standard procedure for every producer → 4 reviewed and evaluated
periodically → 5 updated to raise quality. A level is supported only when every condition of it
and of the levels below holds; the first unmet condition is what is missing for the next level.
A year without any release claims no level, and a figure with no underlying activity is None
("tidak tersedia"), never 0.

Only figures the platform itself records are used: releases and their calendar
(``releases.punctuality``), the SOP and its tasks (``sop``), the products' files, the API
channels, and the daily usage rollups (humans only; robots are not users).
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldError
from django.db.models import Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from satudata.datastore.exports import MEDIA_TYPES
from satudata.products.formats import FORMATS as PRODUCT_FORMATS
from satudata.products.models import ProductFile
from satudata.releases import punctuality
from satudata.releases.models import EntryState, Release, ReleaseEntry
from satudata.releases.punctuality import Punctuality
from satudata.reports.models import DailySite, DailyUsage, EventKind
from satudata.sop.models import SopDocument, SopTask

INDICATORS = ("20301", "20302", "20402", "20403", "30401", "50302")
HARVEST_CHANNELS = ("ckan", "dcat", "data.json")  # what Portal SDI and other catalogues read


@dataclass
class Figure:
    """One figure of the evidence; ``value`` None means not available (no activity)."""

    label: str
    value: int | float | str | None
    unit: str = ""

    @property
    def available(self) -> bool:
        return self.value is not None


@dataclass
class Link:
    label: str
    url: str


@dataclass
class Condition:
    """One condition of a level, met or not, in words the Walidata can quote."""

    level: int
    text: str
    met: bool


@dataclass
class Indicator:
    code: str
    name: str
    criterion: str
    figures: list[Figure] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)

    @property
    def level(self) -> int | None:
        """The highest level whose conditions, and those of every level below, all hold; None
        (not claimed) when not even level 2 holds."""
        reached = None
        for level in range(2, 6):
            own = [c for c in self.conditions if c.level == level]
            if not own or not all(c.met for c in own):
                break
            reached = level
        return reached

    @property
    def reasons(self) -> list[str]:
        top = self.level or 0
        return [c.text for c in self.conditions if c.level <= top]

    @property
    def missing(self) -> list[str]:
        """What the next level needs that the evidence does not show."""
        following = (self.level or 1) + 1
        return [c.text for c in self.conditions if c.level == following and not c.met]


@dataclass
class Facts:
    """Everything the indicators read for one year, gathered once."""

    year: int
    punctuality: Punctuality
    last_punctuality: Punctuality
    releases: int
    agencies: int
    calendar_entries: int
    timeliness: list[int]
    last_timeliness: list[int]
    unknown_reference: int
    reviewed: int
    sop: SopDocument | None
    sop_revised: bool
    sop_tasks: dict[str, dict[str, int]]
    product_formats: list[str]
    usage: dict[str, Any] | None
    last_usage: dict[str, Any] | None


# --- reading the year -----------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("januari", "january", "jan"),
            ("februari", "february", "feb"),
            ("maret", "march", "mar"),
            ("april", "apr"),
            ("mei", "may"),
            ("juni", "june", "jun"),
            ("juli", "july", "jul"),
            ("agustus", "august", "aug", "agu"),
            ("september", "sep"),
            ("oktober", "october", "oct", "okt"),
            ("november", "nov"),
            ("desember", "december", "dec", "des"),
        ],
        start=1,
    )
    for name in names
}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def _month_end(year: int, month: int) -> dt.date:
    first_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def reference_end(text: str) -> dt.date | None:
    """The last day of a calendar entry's reference period as people write it ("2025",
    "2025-03", "Maret 2025", "2025-Q1", "Triwulan I 2025", "Semester 2 2025"); None when it
    cannot be read, so that timeliness is never guessed."""
    words = text.strip().lower()
    if match := re.fullmatch(r"(?:tahun\s+)?(\d{4})", words):
        return dt.date(int(match[1]), 12, 31)
    if match := re.fullmatch(r"(\d{4})-(\d{1,2})", words):
        month = int(match[2])
        return _month_end(int(match[1]), month) if 1 <= month <= 12 else None
    if match := re.fullmatch(r"([a-z]+)\s+(\d{4})", words):
        named = _MONTHS.get(match[1])
        return _month_end(int(match[2]), named) if named else None
    if match := re.fullmatch(r"(\d{4})-?q([1-4])", words):
        return _month_end(int(match[1]), 3 * int(match[2]))
    if match := re.fullmatch(r"(?:triwulan|tw|kuartal)\s+(i{1,3}|iv|[1-4])\s+(\d{4})", words):
        quarter = _ROMAN[match[1]] if match[1] in _ROMAN else int(match[1])
        return _month_end(int(match[2]), 3 * quarter)
    if match := re.fullmatch(r"semester\s+(i{1,2}|[12])\s+(\d{4})", words):
        half = _ROMAN[match[1]] if match[1] in _ROMAN else int(match[1])
        return _month_end(int(match[2]), 6 * half)
    return None


def _released_entries(user: Any, year: int) -> Any:
    start, end = punctuality.year_bounds(year)
    return (
        ReleaseEntry.objects.visible_to(user)
        .filter(released_at__gte=start, released_at__lt=min(end, timezone.now()))
        .exclude(state=EntryState.CANCELLED)
    )


def _timeliness(user: Any, year: int) -> tuple[list[int], int]:
    """Days from the end of the reference period to the release, per release of the year
    (WIB days), and how many releases had a reference period that could not be read."""
    lags, unknown = [], 0
    for entry in _released_entries(user, year).only("reference_period", "released_at"):
        end = reference_end(entry.reference_period)
        if end is None:
            unknown += 1
            continue
        released_on = timezone.localtime(entry.released_at).date()
        lags.append(max(0, (released_on - end).days))
    return lags, unknown


def _reviewed(year: int) -> int:
    """Periodic reviews of the dissemination in the year: activity-6 SOP tasks finished, and
    dissemination reports reviewed (the report model, once it is there)."""
    start, end = punctuality.year_bounds(year)
    count = SopTask.objects.filter(
        step__code="laporan", completed_at__gte=start, completed_at__lt=end
    ).count()
    try:
        report = apps.get_model("reports", "Report")
        count += report.objects.filter(reviewed_at__gte=start, reviewed_at__lt=end).count()
    except (LookupError, FieldError):
        pass
    return count


def _sop_tasks(year: int) -> dict[str, dict[str, int]]:
    start, end = punctuality.year_bounds(year)
    tasks = SopTask.objects.filter(created_at__gte=start, created_at__lt=end)
    table: dict[str, dict[str, int]] = {}
    for code, done, completed, due in tasks.values_list(
        "step__code", "status", "completed_at", "due_at"
    ):
        row = table.setdefault(code, {"opened": 0, "finished": 0, "on_time": 0})
        row["opened"] += 1
        if done == "done" and completed is not None:
            row["finished"] += 1
            row["on_time"] += int(completed <= due)
    return table


def _usage(year: int) -> dict[str, Any] | None:
    """The year's human use from the daily rollups; None when no day of the year has any."""
    days = {"day__gte": dt.date(year, 1, 1), "day__lte": dt.date(year, 12, 31)}
    site = DailySite.objects.filter(bot=False, **days)
    totals = site.aggregate(
        page_views=Sum("page_views"),
        visitors=Sum("visitors"),
        downloads=Sum("downloads"),
        api_calls=Sum("api_calls"),
    )
    if totals["page_views"] is None:
        return None
    rows = DailyUsage.objects.filter(bot=False, **days)
    by_format = rows.filter(kind=EventKind.DOWNLOAD).values("format").annotate(n=Sum("events"))
    by_channel = rows.filter(kind=EventKind.API_CALL).values("channel").annotate(n=Sum("events"))
    return {
        **totals,
        "sample": site.filter(sample=True).exists(),
        "by_format": {r["format"] or "?": r["n"] for r in by_format.order_by("-n")},
        "by_channel": {r["channel"]: r["n"] for r in by_channel.order_by("-n")},
    }


def gather(year: int, user: Any) -> Facts:
    start, end = punctuality.year_bounds(year)
    released = Release.objects.published(min(end, timezone.now())).filter(release_at__gte=start)
    sop = SopDocument.current()
    lags, unknown = _timeliness(user, year)
    last_lags, _unknown = _timeliness(user, year - 1)
    return Facts(
        year=year,
        punctuality=punctuality.for_year(user, year),
        last_punctuality=punctuality.for_year(user, year - 1),
        releases=released.count(),
        agencies=released.values("agency").distinct().count(),
        calendar_entries=ReleaseEntry.objects.visible_to(user)
        .filter(planned_at__gte=start, planned_at__lt=end)
        .count(),
        timeliness=lags,
        last_timeliness=last_lags,
        unknown_reference=unknown,
        reviewed=_reviewed(year),
        sop=sop,
        sop_revised=bool(sop and sop.revision > 1 and sop.revised_on.year == year),
        sop_tasks=_sop_tasks(year),
        product_formats=sorted(
            set(
                ProductFile.objects.filter(created_at__lt=end)
                .values_list("format", flat=True)
                .distinct()
            )
        ),
        usage=_usage(year),
        last_usage=_usage(year - 1),
    )


# --- links ----------------------------------------------------------------------------------


def _url(name: str, *args: Any, query: str = "") -> str | None:
    """The address of a named page, or None when the page is not part of this installation
    (the reports list comes with another part of activity 6)."""
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return None
    return f"{url}?{query}" if query else url


def _links(*pairs: tuple[str, str | None]) -> list[Link]:
    return [Link(label, url) for label, url in pairs if url]


def calendar_links(year: int) -> list[Link]:
    return _links(
        (_("Release calendar"), _url("releases:calendar")),
        (_("Release calendar (iCalendar)"), _url("releases:calendar-ics")),
        (_("Punctuality of releases"), _url("releases:punctuality", query=f"tahun={year}")),
    )


def api_links() -> list[Link]:
    """The machine channels, each with the address a client starts from."""
    return _links(
        (_("Developer guide"), _url("api:developers")),
        (_("REST API v1 (OpenAPI)"), _url("api-v1:openapi-view")),
        (_("CKAN API (action)"), _url("api:ckan-action", "package_list")),
        (_("DCAT catalogue (Turtle)"), _url("api:dcat-catalog", "ttl")),
        (_("DCAT catalogue (JSON-LD)"), _url("api:dcat-catalog", "jsonld")),
        (_("data.json (Project Open Data)"), _url("api:data-json")),
    )


def _report_links() -> list[Link]:
    return _links(
        (_("Dissemination reports"), _url("laporan:list")),
        (_("SOP of data dissemination"), _url("sop:sop")),
    )


# --- the indicators -------------------------------------------------------------------------


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _median(values: list[int]) -> float | None:
    return statistics.median(values) if values else None


def _review(facts: Facts) -> Condition:
    return Condition(
        4,
        _(
            "The dissemination was reviewed in the year (a dissemination report reviewed or "
            "an activity-6 SOP task finished)."
        ),
        facts.reviewed > 0,
    )


def _has_releases(facts: Facts) -> Condition:
    return Condition(2, _("Data were released through the portal in the year."), facts.releases > 0)


def _grew(now: Any, before: Any) -> bool:
    return now is not None and before is not None and now > before


def _ind_20301(facts: Facts) -> Indicator:
    median, last = _median(facts.timeliness), _median(facts.last_timeliness)
    measured = len(facts.timeliness)
    return Indicator(
        code="20301",
        name="Penjaminan Aktualitas Data",
        criterion=_(
            "Data are up to date: the time from the end of the reference period to the release "
            "is measured for every release and kept short."
        ),
        figures=[
            Figure(_("Releases with a known reference period"), measured or None),
            Figure(_("Median days from reference period to release"), median, _("days")),
            Figure(
                _("Longest days from reference period to release"),
                max(facts.timeliness, default=None),
                _("days"),
            ),
            Figure(
                _("Releases whose reference period could not be read"),
                facts.unknown_reference if measured + facts.unknown_reference else None,
            ),
            Figure(_("Median days the year before"), last, _("days")),
        ],
        links=calendar_links(facts.year),
        conditions=[
            Condition(2, _("Timeliness is measured for at least one release."), measured > 0),
            Condition(
                3,
                _(
                    "Every release of the year states a reference period, so timeliness is "
                    "measured for all producers."
                ),
                measured > 0 and facts.unknown_reference == 0,
            ),
            _review(facts),
            Condition(
                5,
                _("The median time to release is shorter than the year before."),
                _grew(last, median),
            ),
        ],
    )


def _ind_20302(facts: Facts) -> Indicator:
    p, last = facts.punctuality, facts.last_punctuality
    return Indicator(
        code="20302",
        name="Pemantauan Ketepatan Waktu Diseminasi",
        criterion=_(
            "Releases follow a release calendar announced to users; the calendar is final at "
            "least three months before each release; punctuality against it is measured and "
            "published."
        ),
        figures=[
            Figure(
                _("Entries in the release calendar for the year"), facts.calendar_entries or None
            ),
            Figure(_("Releases measured against a confirmed date"), p.released or None),
            Figure(_("Released on time"), _share(p.on_time, p.released), "%"),
            Figure(
                _("Mean delay over every release measured"),
                round(p.mean_delay_days, 2) if p.released else None,
                _("days"),
            ),
            Figure(_("Longest delay"), p.max_delay_days if p.released else None, _("days")),
            Figure(
                _("Date final at least three months ahead"),
                _share(p.confirmed_ahead, p.released),
                "%",
            ),
            Figure(
                _("Released without a calendar date"),
                p.unannounced if p.released + p.unannounced else None,
            ),
            Figure(
                _("Postponements"), len(p.postponements) if p.released + p.unannounced else None
            ),
            Figure(_("Cancellations"), len(p.cancelled) if facts.calendar_entries else None),
            Figure(_("Released on time the year before"), _share(last.on_time, last.released), "%"),
        ],
        links=calendar_links(facts.year)
        + _links((_("Daftar Produk"), _url("releases:daftar-produk"))),
        conditions=[
            Condition(
                2, _("Punctuality is measured against the release calendar."), p.released > 0
            ),
            Condition(
                3,
                _("No release came out without a date in the calendar."),
                p.released > 0 and p.unannounced == 0,
            ),
            Condition(
                3,
                _("Every release's date was final at least three months before it."),
                p.released > 0 and p.confirmed_ahead == p.released,
            ),
            _review(facts),
            Condition(
                5,
                _("The share released on time is at least that of the year before."),
                p.on_time_share is not None
                and last.on_time_share is not None
                and p.on_time_share >= last.on_time_share,
            ),
        ],
    )


def _usage_figure(facts: Facts, key: str) -> Any:
    return facts.usage[key] if facts.usage else None


def _ind_20402(facts: Facts) -> Indicator:
    downloads = _usage_figure(facts, "downloads")
    last = facts.last_usage["downloads"] if facts.last_usage else None
    return Indicator(
        code="20402",
        name="Akses Media Penyebarluasan Data",
        criterion=_(
            "Users reach the dissemination media easily and securely, without signing in, and "
            "may pass the data on: open pages, downloads, feeds, widgets and APIs."
        ),
        figures=[
            Figure(_("Releases in the year"), facts.releases or None),
            Figure(_("Agencies whose data were released"), facts.agencies or None),
            Figure(_("Page views (people)"), _usage_figure(facts, "page_views")),
            Figure(_("Visitor-days"), _usage_figure(facts, "visitors")),
            Figure(_("Downloads"), downloads),
            Figure(_("Downloads the year before"), last),
        ],
        links=_links(
            (_("Datasets"), _url("portal:search")),
            (_("Daftar Produk"), _url("releases:daftar-produk")),
            (_("Releases feed (RSS)"), _url("releases:feed-rss")),
        )
        + api_links(),
        conditions=[
            _has_releases(facts),
            Condition(
                3,
                _("The use of the media is recorded for the year (downloads counted)."),
                bool(downloads),
            ),
            _review(facts),
            Condition(5, _("Downloads grew against the year before."), _grew(downloads, last)),
        ],
    )


def formats_offered(facts: Facts) -> list[str]:
    """Dataset downloads offer every format of ``MEDIA_TYPES`` for every dataset; products add
    the formats their files were actually made in."""
    return sorted(set(MEDIA_TYPES) | set(facts.product_formats))


def _ind_20403(facts: Facts) -> Indicator:
    api = sum(facts.usage["by_channel"].values()) if facts.usage else None
    last = sum(facts.last_usage["by_channel"].values()) if facts.last_usage else None
    return Indicator(
        code="20403",
        name="Penyediaan Format Data",
        criterion=_(
            "Data can be taken through a public interface in open formats (xlsx, csv, html, "
            "JSON …) and through an API, with closed data kept closed."
        ),
        figures=[
            Figure(_("Dataset download formats"), ", ".join(sorted(MEDIA_TYPES))),
            Figure(_("Product formats made"), ", ".join(facts.product_formats) or None),
            Figure(_("Product formats supported"), ", ".join(PRODUCT_FORMATS)),
            Figure(_("API calls (people)"), api),
            *[
                Figure(_("Downloads as %(format)s") % {"format": fmt}, n)
                for fmt, n in (facts.usage or {}).get("by_format", {}).items()
            ],
            *[
                Figure(_("API calls through %(channel)s") % {"channel": channel}, n)
                for channel, n in (facts.usage or {}).get("by_channel", {}).items()
            ],
        ],
        links=api_links(),
        conditions=[
            _has_releases(facts),
            Condition(
                3,
                _(
                    "Every dataset is offered in at least three machine-readable formats and "
                    "through an API."
                ),
                facts.releases > 0 and len(MEDIA_TYPES) >= 3 and bool(api_links()),
            ),
            _review(facts),
            Condition(5, _("API use grew against the year before."), _grew(api, last)),
        ],
    )


def _sop_figures(facts: Facts) -> list[Figure]:
    """Per SOP step, its tasks of the year: opened / finished / finished within the standard."""
    names = {step.code: step.activity for step in facts.sop.steps.all()} if facts.sop else {}
    return [
        Figure(
            _("SOP tasks “%(step)s”: opened / finished / on time")
            % {"step": names.get(code, code)},
            f"{row['opened']} / {row['finished']} / {row['on_time']}",
        )
        for code, row in sorted(facts.sop_tasks.items())
    ]


def _ind_30401(facts: Facts) -> Indicator:
    sop = facts.sop
    opened = sum(row["opened"] for row in facts.sop_tasks.values())
    return Indicator(
        code="30401",
        name="Diseminasi Data",
        criterion=_(
            "The Walidata disseminates the data of every producer by a standard procedure "
            "(the SOP), reviews it periodically and improves it."
        ),
        figures=[
            Figure(_("SOP"), f"{sop.number} — {sop.title} (rev. {sop.revision})" if sop else None),
            Figure(_("SOP last revised"), sop.revised_on.isoformat() if sop else None),
            Figure(_("Releases in the year"), facts.releases or None),
            Figure(_("SOP tasks opened in the year"), opened or None),
            *_sop_figures(facts),
            Figure(_("Periodic reviews in the year"), facts.reviewed or None),
        ],
        links=_report_links() + calendar_links(facts.year),
        conditions=[
            _has_releases(facts),
            Condition(3, _("A current SOP of data dissemination is in force."), sop is not None),
            Condition(3, _("The SOP's tasks were followed in the year."), opened > 0),
            _review(facts),
            Condition(5, _("The SOP was revised in the year to improve it."), facts.sop_revised),
        ],
    )


def _ind_50302(facts: Facts) -> Indicator:
    channels = (facts.usage or {}).get("by_channel", {})
    harvest = sum(channels.get(c, 0) for c in HARVEST_CHANNELS) if facts.usage else None
    last_channels = (facts.last_usage or {}).get("by_channel", {})
    last = sum(last_channels.get(c, 0) for c in HARVEST_CHANNELS) if facts.last_usage else None
    return Indicator(
        code="50302",
        name="Penyebarluasan Data",
        criterion=_(
            "The Walidata spreads the data of every producer through one portal that national "
            "catalogues (Portal Satu Data Indonesia, JIGN) can harvest, and reviews it "
            "periodically."
        ),
        figures=[
            Figure(_("Releases in the year"), facts.releases or None),
            Figure(_("Agencies whose data were released"), facts.agencies or None),
            Figure(_("Catalogue harvests (CKAN, DCAT, data.json)"), harvest or None),
            Figure(_("Catalogue harvests the year before"), last or None),
        ],
        links=api_links() + _report_links(),
        conditions=[
            _has_releases(facts),
            Condition(
                3,
                _("The Walidata's portal releases the data of the producers by one workflow."),
                facts.releases > 0,
            ),
            Condition(
                4,
                _(
                    "National catalogues harvested the portal in the year (CKAN, DCAT or "
                    "data.json)."
                ),
                bool(harvest),
            ),
            _review(facts),
            Condition(5, _("Harvests grew against the year before."), _grew(harvest, last)),
        ],
    )


BUILDERS: dict[str, Callable[[Facts], Indicator]] = {
    "20301": _ind_20301,
    "20302": _ind_20302,
    "20402": _ind_20402,
    "20403": _ind_20403,
    "30401": _ind_30401,
    "50302": _ind_50302,
}


@dataclass
class Evidence:
    year: int
    indicators: list[Indicator]
    sample: bool
    generated_at: dt.datetime


def evidence(year: int, user: Any) -> Evidence:
    """The six indicators' evidence for ``year``, as ``user`` may see the calendar."""
    facts = gather(year, user)
    return Evidence(
        year=year,
        indicators=[BUILDERS[code](facts) for code in INDICATORS],
        sample=bool(facts.usage and facts.usage["sample"]),
        generated_at=timezone.now(),
    )


__all__ = ["Condition", "Evidence", "Figure", "Indicator", "Link", "evidence", "reference_end"]
