"""The figures of a dissemination report, gathered once and frozen (``build``).

The snapshot follows the outline of dissemination.md §4.4: (1) summary KPI table, (2) release
calendar planned vs actual, (3) products released, (4) use, (5) promotion, (6) user support,
(7) pre-release transparency, (8) SOP compliance, (9) follow-up plan (narrative only). Each
section carries its tables ready to print — title, columns, rows of plain JSON values — so the
page, the PDF, the DOCX and the XLSX show exactly the same figures, read from the same frozen
dict; ``raw`` keeps what each source answered. A value that does not exist (no activity in the
period) is ``None`` and prints "not available", never 0.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from satudata.catalog.models import DatasetVersion
from satudata.products.infographics import id_number
from satudata.products.models import ProductVersion
from satudata.promotion.cards import long_date
from satudata.promotion.reach import reach_for_period
from satudata.releases import punctuality
from satudata.releases.models import (
    DateChange,
    EntryState,
    Erratum,
    PreReleaseAccess,
    Release,
    ReleaseEntry,
)
from satudata.reports import analytics, compliance, kpis
from satudata.support import stats

FORMAT = 1  # bumped when the shape of the snapshot changes


def _plain(value: Any) -> Any:
    """A JSON-only copy (dates, decimals and lazy strings written as JSON)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


# The report is published: a visitor's search words are printed only when searched at least
# this often (one person's words may name a person), and the compliance of each named member
# of staff stays on the staff's own page (/laporan/kepatuhan-sop/), out of the report.
PUBLIC_QUERY_MINIMUM = 3


def table(key: str, title: str, columns: list[str], rows: list[list[Any]]) -> dict[str, Any]:
    return {"key": key, "title": title, "columns": columns, "rows": rows}


def section(
    key: str,
    title: str,
    *,
    available: bool,
    note: str = "",
    facts: list[list[Any]] | None = None,
    tables: list[dict[str, Any]] | None = None,
    charts: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "key": key,
        "title": title,
        "available": available,
        "note": note if available else note or str(_("No activity in this period.")),
        "facts": facts or [],
        "tables": tables or [],
        "charts": charts or [],
    }


def unit_label(unit: str | None) -> str:
    """A KPI unit as readers know it (%, hari, jumlah, indeks, skor), never its code."""
    labels = {
        "%": "%",
        "days": _("days"),
        "count": _("count"),
        "index": _("index"),
        "score": pgettext("KPI unit", "score"),
    }
    return str(labels.get(unit or "", unit or ""))


def kpi_number(value: Any, decimals: int = 1) -> str:
    """A KPI figure in Indonesian numbers with at most ``decimals`` decimals and no trailing
    zero: 75, 36,4, 88,31, 90.462."""
    if value is None or isinstance(value, bool) or not isinstance(value, int | float | str):
        return cell_text(value)
    try:
        number = float(value)
    except ValueError:
        return str(value)
    text = id_number(number, decimals)
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return text


def with_unit(value: Any, unit: str | None, decimals: int = 1) -> str:
    """A KPI figure as printed: 75 %, 5 hari, 79,1; "not available" when there is none.
    Counts, indices and scores are bare numbers (their name says what they count)."""
    if value is None or isinstance(value, bool):
        return cell_text(value)
    text = kpi_number(value, decimals)
    if unit == "%":
        return f"{text} %"
    if unit == "days":
        return f"{text} {unit_label(unit)}"
    return text


def cell_text(value: Any) -> str:
    """A cell as the report prints it, in Indonesian numbers: 12.345 and 87,5."""
    if value is None:
        return str(_("not available"))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, int):
        return id_number(value)
    if isinstance(value, float):
        return id_number(value, 0 if value.is_integer() and abs(value) >= 1000 else 1)
    return str(value)


def _day(moment: dt.datetime | None) -> str | None:
    return long_date(moment) if moment is not None else None


# --- (1) Summary: the KPI table ---------------------------------------------------------------


def _met(row: dict[str, Any]) -> str | None:
    if row.get("meets_target") is None:
        return None
    return str(_("met") if row["meets_target"] else _("not met"))


def kpi_section(start: dt.date, end: dt.date) -> dict[str, Any]:
    rows = kpis.kpi_table(start, end)
    columns = [_("No."), _("Code"), _("Indicator"), _("Unit"), _("Value"), _("Target")]
    columns += [_("Last period"), _("Last year"), _("Target met")]
    body = [
        [
            r["number"],
            r["code"],
            r["name"],
            r["unit"],
            r["value"] if r.get("available") else None,
            r.get("target"),
            r.get("last_period"),
            r.get("last_year"),
            _met(r),
        ]
        for r in rows
    ]
    return section(
        "ringkasan",
        str(_("Summary: key performance indicators")),
        available=bool(rows),
        tables=[table("kpi", str(_("KPIs against target and last year")), columns, body)],
    ) | {"raw": rows}


# --- (2) The release calendar ------------------------------------------------------------------


def _entry_row(entry: ReleaseEntry, now: dt.datetime) -> list[Any]:
    target = entry.target_at or entry.planned_at
    released = entry.released_at if entry.released_at and entry.released_at <= now else None
    if entry.state == EntryState.CANCELLED:
        status, late = str(_("cancelled")), None
    elif released is None:
        status, late = str(_("not yet released")), None
    else:
        late = max(
            0, (timezone.localtime(released).date() - timezone.localtime(target).date()).days
        )
        status = str(_("on time") if late == 0 else _("late"))
    agency = entry.agency.short_name or entry.agency.name
    return [entry.title, agency, _day(target), _day(released), status, late]


def calendar_section(start: dt.date, end: dt.date) -> dict[str, Any]:
    low, high = stats.bounds(start, end)
    now = timezone.now()
    entries = list(
        ReleaseEntry.objects.filter(
            _planned_or_out(low, high) | _cancelled_in(low, high)
        ).select_related("agency")
    )
    measured = punctuality.measure(ReleaseEntry.objects.all(), low, high)
    changes = DateChange.objects.filter(changed_at__gte=low, changed_at__lt=high).select_related(
        "entry"
    )
    change_rows = [[c.entry.title, _day(c.previous_at), _day(c.new_at), c.reason] for c in changes]
    cancel_rows = [
        [e.title, e.cancellation_reason] for e in entries if e.state == EntryState.CANCELLED
    ]
    share = measured.on_time_share
    # The KPI's definition (KPI 2): the mean over the late releases only, 0 when none was late.
    late = [item.days for item in measured.late if item.days > 0]
    mean_late = (round(sum(late) / len(late), 1) if late else 0.0) if measured.released else None
    facts: list[list[Any]] = [
        [str(_("Releases measured against the calendar")), measured.released or None],
        [str(_("On time (%)")), None if share is None else round(100 * share, 1)],
        [str(_("Late releases")), len(late) if measured.released else None],
        [str(_("Mean delay of the late releases (days)")), mean_late],
        [str(_("Longest delay (days)")), measured.max_delay_days if measured.released else None],
        [str(_("Released outside the calendar")), measured.unannounced],
    ]
    planned = [_("Title"), _("Agency"), _("Planned"), _("Released"), _("Status"), _("Days late")]
    return section(
        "kalender",
        str(_("Release calendar: planned and actual")),
        available=bool(entries or change_rows),
        facts=facts,
        tables=[
            table(
                "kalender",
                str(_("Planned and actual releases")),
                planned,
                [_entry_row(e, now) for e in entries],
            ),
            table(
                "perubahan",
                str(_("Date changes and their reasons")),
                [_("Title"), _("From"), _("To"), _("Reason")],
                change_rows,
            ),
            table("pembatalan", str(_("Cancellations")), [_("Title"), _("Reason")], cancel_rows),
        ],
    ) | {"raw": measured.as_dict()}


def _planned_or_out(low: dt.datetime, high: dt.datetime) -> Any:
    from django.db.models import Q

    return Q(planned_at__gte=low, planned_at__lt=high) | Q(
        released_at__gte=low, released_at__lt=high
    )


def _cancelled_in(low: dt.datetime, high: dt.datetime) -> Any:
    from django.db.models import Q

    return Q(state=EntryState.CANCELLED, cancelled_at__gte=low, cancelled_at__lt=high)


# --- (3) Products released ---------------------------------------------------------------------


def _release_types(releases: list[Release]) -> dict[int, str]:
    """Each release's product type: "dataset" for a dataset version, the product's kind else."""
    kinds = dict(
        ProductVersion.objects.filter(
            pk__in=[r.object_id for r in releases if r.content_type.model == "productversion"]
        ).values_list("pk", "product__kind")
    )
    out = {}
    for release in releases:
        if release.content_type.model_class() is DatasetVersion:
            out[release.pk] = "dataset"
        else:
            out[release.pk] = kinds.get(release.object_id, "")
    return out


def products_section(start: dt.date, end: dt.date) -> dict[str, Any]:
    from satudata.releases.models import ProductType

    low, high = stats.bounds(start, end)
    releases = list(
        Release.objects.published(min(high, timezone.now()))
        .filter(release_at__gte=low, release_at__lt=high)
        .select_related("agency", "content_type")
        .order_by("release_at", "pk")
    )
    types = _release_types(releases)
    labels = dict(ProductType.choices)
    counted = Counter(
        (str(labels.get(types[r.pk], types[r.pk])), r.agency.short_name or r.agency.name)
        for r in releases
    )
    errata = Erratum.objects.filter(created_at__gte=low, created_at__lt=high).select_related(
        "release"
    )
    return section(
        "produk",
        str(_("Products released")),
        available=bool(releases),
        facts=[[str(_("Releases")), len(releases) or None]],
        tables=[
            table(
                "produk_jenis",
                str(_("Releases by type and agency")),
                [_("Type"), _("Agency"), _("Releases")],
                [[t, a, n] for (t, a), n in sorted(counted.items())],
            ),
            table(
                "produk_daftar",
                str(_("Releases in the period")),
                [_("Title"), _("Type"), _("Agency"), _("Kind"), _("Released")],
                [
                    [
                        r.title,
                        str(labels.get(types[r.pk], types[r.pk])),
                        r.agency.short_name or r.agency.name,
                        str(r.get_kind_display()),  # type: ignore[attr-defined]
                        _day(r.release_at),
                    ]
                    for r in releases
                ],
            ),
            table(
                "ralat",
                str(_("Errata and corrections")),
                [_("Release"), _("What was wrong and what changed"), _("Significant")],
                [[e.release.title, e.note, e.significant] for e in errata],
            ),
        ],
    )


# --- (4) Use ----------------------------------------------------------------------------------


def _change(now: Any, before: Any) -> float | None:
    if now is None or not before:
        return None
    return round(100 * (now - before) / before, 1)


def use_section(start: dt.date, end: dt.date) -> dict[str, Any]:
    data = analytics.report_section(start, end)
    if not data.get("available"):
        return section("pemanfaatan", str(_("Use of the data")), available=False) | {
            "raw": _plain(data),
            "sample": False,
        }
    totals, previous = data["totals"], data.get("previous") or {}
    last_year = data.get("last_year") or {}
    names = {
        "page_views": _("Page views"),
        "visitors": _("Visitors"),
        "downloads": _("Downloads"),
        "api_calls": _("API calls"),
        "searches": _("Searches"),
        "zero_result_searches": _("Searches with no result"),
    }
    rows = [
        [
            str(label),
            totals.get(k),
            previous.get(k),
            _change(totals.get(k), previous.get(k)),
            last_year.get(k),
            _change(totals.get(k), last_year.get(k)),
        ]
        for k, label in names.items()
    ]
    columns = [
        _("Measure"),
        _("This period"),
        _("Previous period"),
        _("Change (%)"),
        _("Same period last year"),
        _("Change (%)"),
    ]
    return section(
        "pemanfaatan",
        str(_("Use of the data")),
        available=True,
        facts=[[str(_("Robot events kept apart")), (data.get("bots") or {}).get("events")]],
        tables=[
            table(
                "pemanfaatan",
                str(_("Use against the previous period and last year")),
                columns,
                rows,
            ),
            table(
                "unduhan_format",
                str(_("Downloads by format")),
                [_("Format"), _("Downloads")],
                [[r["format"], r["n"]] for r in data.get("downloads_by_format", [])],
            ),
            table(
                "api_kanal",
                str(_("API calls by channel")),
                [_("Channel"), _("Calls")],
                [[r["label"], r["n"]] for r in data.get("api_by_channel", [])],
            ),
            table(
                "dataset_teratas",
                str(_("Most used datasets")),
                [_("Dataset"), _("Agency"), _("Views"), _("Downloads")],
                [
                    [r["title"], r["agency"], r["views"], r["downloads"]]
                    for r in data.get("top_datasets", [])
                ],
            ),
            table(
                "produk_teratas",
                str(_("Most used products")),
                [_("Product"), _("Views"), _("Downloads")],
                [[r["title"], r["views"], r["downloads"]] for r in data.get("top_products", [])],
            ),
            table(
                "pencarian_nihil",
                str(_("Searches with no result (unmet demand), made at least 3 times")),
                [_("Search words"), _("Searches")],
                [
                    [r["query"], r["n"]]
                    for r in data.get("zero_result_queries", [])
                    if r["n"] >= PUBLIC_QUERY_MINIMUM
                ],
            ),
            table(
                "rujukan",
                str(_("Visits by referrer")),
                [_("Referrer"), _("Visits")],
                [[r["label"], r["n"]] for r in data.get("referrers", [])],
            ),
        ],
        charts=[
            {
                "key": "bulanan",
                "title": str(_("Use per month")),
                "kind": "line",
                "data": data.get("monthly", []),
            },
            {
                "key": "format",
                "title": str(_("Downloads by format")),
                "kind": "bar",
                "data": data.get("downloads_by_format", []),
            },
        ],
    ) | {"raw": _plain(data), "sample": bool(data.get("sample"))}


# --- (5) Promotion ----------------------------------------------------------------------------


def promotion_section(start: dt.date, end: dt.date) -> dict[str, Any]:
    data = _plain(reach_for_period(start, end))
    actions = data["actions"]
    subs = data["subscribers"]
    active = bool(
        sum(actions.values())
        or data["releases"]
        or data["campaigns"]
        or sum(subs["in_period"].values())
    )
    mails = data["emails"]["release_emails"]
    return section(
        "promosi",
        str(_("Promotion")),
        available=active,
        facts=[
            [str(_("Active subscribers now")), subs["active_now"]],
            [str(_("New subscribers confirmed")), subs["in_period"]["confirmed"]],
            [str(_("Release e-mails sent")), mails["sent"]],
            [str(_("Release e-mails failed")), mails["failed"]],
        ],
        tables=[
            table(
                "promosi_kanal",
                str(_("Reach by channel")),
                [_("Channel"), _("Reach kind"), _("Actions"), _("Reach")],
                [
                    [r["channel_label"], r["reach_kind_label"], r["actions"], r["reach"]]
                    for r in data["reach_by_channel"]
                ],
            ),
            table(
                "promosi_rilis",
                str(_("Promotion of each release")),
                [
                    _("Release"),
                    _("Agency"),
                    _("Actions planned"),
                    _("Actions done"),
                    _("E-mails sent"),
                    _("Clicks"),
                ],
                [
                    [
                        r["title"],
                        r["agency"],
                        r["actions_planned"],
                        r["actions_done"],
                        r["emails_sent"],
                        r["clicks"],
                    ]
                    for r in data["releases"]
                ],
            ),
        ],
    ) | {"raw": data}


# --- (6) User support ---------------------------------------------------------------------------


def _ikm_rows(ikm: dict[str, Any] | None) -> list[list[Any]]:
    if not ikm or not ikm.get("respondents"):
        return []
    return [[u["name"], u["nrr"], u["mutu"]] for u in ikm.get("unsur", [])]


def _kip_rows(kip: dict[str, Any]) -> list[list[Any]]:
    rows: list[list[Any]] = [
        [str(_("Requests received")), kip["received"]],
        [str(_("Answered")), kip["answered"]],
        [
            str(_("Time to fulfil (median working days)")),
            kip["time_to_fulfil"]["median_working_days"],
        ],
    ]
    rows += [
        [str(_("Fulfilled in %(days)s working days") % {"days": b["working_days"]}), b["count"]]
        for b in kip["time_to_fulfil"]["bands"]
    ]
    rows += [
        [str(_("Granted")), kip["granted"]],
        [str(_("Partly granted")), kip["partly_granted"]],
        [str(_("Refused")), kip["refused"]],
        [str(_("Information not held")), kip["not_held"]],
    ]
    rows += [
        [str(_("Reason for refusal: %(reason)s") % {"reason": r["label"]}), r["count"]]
        for r in kip["refusal_reasons"]
    ]
    return rows


def support_section(start: dt.date, end: dt.date, kind: str) -> dict[str, Any]:
    figures = _plain(stats.period_figures(start, end))
    ikm = figures.get("ikm")
    answered = figures["answered"]
    has_ikm = bool(ikm and ikm.get("respondents"))
    facts = [
        [str(_("Requests received")), figures["received"] or None],
        [
            str(_("Answered within the standard (%)")),
            None if answered["share"] is None else round(100 * answered["share"], 1),
        ],
        [str(_("Working days to answer (median)")), answered["median_working_days"]],
        [str(_("Overdue at the end of the period")), figures["overdue_at_end"]],
        [str(_("IKM (converted, 25–100)")), ikm["ikm_converted"] if has_ikm else None],
        [str(_("IKM quality grade")), ikm["mutu"] if has_ikm else None],
    ]
    tables = [
        table(
            "layanan_kategori",
            str(_("Requests by category")),
            [_("Category"), _("Requests")],
            [[r["label"], r["count"]] for r in figures["by_category"] if r["count"]],
        ),
        table(
            "ikm",
            str(_("Satisfaction (IKM) by element")),
            [_("Element"), _("NRR"), _("Grade")],
            _ikm_rows(ikm),
        ),
    ]
    raw: dict[str, Any] = {"figures": figures}
    if kind == "tahun":
        kip = _plain(stats.kip_yearly_table(start.year))
        raw["kip"] = kip
        tables.append(
            table(
                "kip_pasal_12",
                str(
                    _("UU 14/2008 Pasal 12: public information service %(year)s")
                    % {"year": start.year}
                ),
                [_("Measure"), _("Number")],
                _kip_rows(kip),
            )
        )
    return section(
        "layanan",
        str(_("User support")),
        available=bool(figures["received"] or has_ikm),
        facts=facts,
        tables=tables,
    ) | {"raw": raw}


# --- (7) Pre-release transparency ---------------------------------------------------------------


def transparency_section(start: dt.date, end: dt.date) -> dict[str, Any]:
    low, high = stats.bounds(start, end)
    grants = (
        PreReleaseAccess.objects.filter(
            release__release_at__gte=low,
            release__release_at__lt=min(high, timezone.now()),
            release__state__in=["dijadwalkan", "ditarik"],
            revoked_at__isnull=True,
        )
        .select_related("release", "user")
        .order_by("release__release_at", "access_from")
    )
    rows = []
    for grant in grants:
        hours = (grant.release.release_at - grant.access_from).total_seconds() / 3600  # type: ignore[operator]
        rows.append(
            [
                grant.release.title,
                str(grant.user),
                grant.organisation,
                grant.position,
                round(hours, 1),
            ]
        )
    return section(
        "transparansi",
        str(_("Pre-release transparency")),
        available=True,
        note="" if rows else str(_("No one had access to any release before its time.")),
        facts=[[str(_("People with pre-release access")), len(rows)]],
        tables=[
            table(
                "akses_pra_rilis",
                str(_("Pre-release access")),
                [
                    _("Release"),
                    _("Person"),
                    _("Organisation"),
                    _("Position"),
                    _("Hours before release"),
                ],
                rows,
            )
        ],
    )


# --- (8) SOP compliance -------------------------------------------------------------------------


def compliance_section(start: dt.date, end: dt.date) -> dict[str, Any]:
    data = _plain(compliance.compliance_table(start, end))
    columns = [
        _("Opened"),
        _("Finished"),
        _("On time"),
        _("On time (%)"),
        _("Mean lateness (days)"),
        _("Overdue"),
    ]

    def counts(r: dict[str, Any]) -> list[Any]:
        return [
            r["opened"],
            r["finished"],
            r["on_time"],
            r["on_time_share"],
            r["mean_late_days"],
            r["overdue"],
        ]

    return section(
        "kepatuhan",
        str(_("SOP compliance")),
        available=bool(data.get("available")),
        note=data.get("warning") or "",
        tables=[
            table(
                "sop_kegiatan",
                str(_("SOP activities")),
                [_("No."), _("Activity"), _("Time standard"), *columns],
                [[r["number"], r["name"], r["standard"], *counts(r)] for r in data["activities"]],
            ),
            table(
                "sop_opd",
                str(_("By agency")),
                [_("Agency"), *columns],
                [[r["name"], *counts(r)] for r in data.get("agencies", [])],
            ),
        ],
    ) | {"raw": {key: value for key, value in data.items() if key != "people"}}


# --- The whole report ---------------------------------------------------------------------------


def build(
    start: dt.date, end: dt.date, kind: str = "bulan", language: str = "id"
) -> dict[str, Any]:
    """Every figure of the report of [start, end] (WIB days, both included), JSON-serialisable,
    in the report's language (Indonesian by default)."""
    with translation.override(language):
        sections = [
            kpi_section(start, end),
            calendar_section(start, end),
            products_section(start, end),
            use_section(start, end),
            promotion_section(start, end),
            support_section(start, end, kind),
            transparency_section(start, end),
            compliance_section(start, end),
            section("tindak_lanjut", str(_("Follow-up plan")), available=True),
        ]
        for number, item in enumerate(sections, start=1):
            item["number"] = number
    return _plain(
        {
            "format": FORMAT,
            "language": language,
            "period": {"kind": kind, "start": start.isoformat(), "end": end.isoformat()},
            "built_at": timezone.now().isoformat(),
            "sample": any(s.get("sample") for s in sections),
            "sections": sections,
        }
    )
