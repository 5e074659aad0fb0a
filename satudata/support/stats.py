"""User-support figures for a period, for the desk's report page and activity 6's report.

``period_figures(start, end)`` returns a JSON-able dict; ``kip_yearly_table(year)`` the yearly
table UU 14/2008 Pasal 12 asks of every public body. Both count in the database (one grouped
query per table) and carry no requester's personal data: only categories, channels, states,
outcomes and times.

Keys of ``period_figures``::

    period            {"start": "YYYY-MM-DD", "end": "YYYY-MM-DD"}  (both days included, WIB)
    received          tickets received in the period (merged duplicates excluded)
    by_category       [{"code", "label", "count"}]
    by_channel        [{"code", "label", "count"}]
    by_institution    [{"code", "label", "count"}]
    acknowledged      {"count", "within_sla", "share"}  first response ≤ its deadline
    answered          {"count", "within_sla", "share", "median_working_days",
                       "mean_working_days"}            of the tickets received in the period
    open_at_end       tickets received by the end and still open then
    overdue_at_end    of those, past a running deadline at the end
    kip               {"received", "outcomes": [{"code", "label", "count"}],
                       "refusal_reasons": [...], "extended"}
    objections        {"filed", "decided", "upheld", "partly", "dismissed"}
    guest_visits      guest-book visits in the period
    help_searches     {"total", "answered", "ticket", "pending"}  (search first)
    ikm               ``satudata.support.ikm.recap(start, end)`` or None when unavailable

Shares are fractions (0–1) rounded to 4 places, None when nothing was counted.
"""

from __future__ import annotations

import datetime as dt
import statistics
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from satudata.sop.workdays import WIB, holiday_dates, working_days_between
from satudata.support.models import (
    OPEN_STATES,
    Category,
    Channel,
    GuestVisit,
    HelpSearch,
    InstitutionType,
    KipOutcome,
    Objection,
    ObjectionDecision,
    RefusalReason,
    State,
    Ticket,
)


def bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00 WIB, the day after end 00:00 WIB)."""
    return (
        dt.datetime.combine(start, dt.time(), WIB),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), WIB),
    )


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _counted(queryset: QuerySet[Ticket], field: str, choices: Any) -> list[dict[str, Any]]:
    counts = dict(queryset.values_list(field).annotate(n=Count("id")).values_list(field, "n"))
    return [
        {"code": code, "label": str(label), "count": counts.get(code, 0)}
        for code, label in choices.choices
    ]


def received_in(start: dt.date, end: dt.date) -> QuerySet[Ticket]:
    low, high = bounds(start, end)
    return Ticket.objects.filter(
        received_at__gte=low, received_at__lt=high, merged_into__isnull=True
    )


def answer_times(queryset: QuerySet[Ticket]) -> list[int]:
    """Working days from receipt to answer of each answered ticket (the clock's own count:
    a ticket answered on the day it came took 0)."""
    pairs: list[tuple[dt.datetime, dt.datetime]] = [
        (received, answered)
        for received, answered in queryset.filter(answered_at__isnull=False).values_list(
            "received_at", "answered_at"
        )
        if answered is not None
    ]
    if not pairs:
        return []
    first = min(r for r, _ in pairs).astimezone(WIB).date()
    last = max(a for _, a in pairs).astimezone(WIB).date()
    holidays = holiday_dates(first, last)
    return [
        max(
            0,
            working_days_between(
                received.astimezone(WIB).date(), answered.astimezone(WIB).date(), holidays
            ),
        )
        for received, answered in pairs
    ]


def _ikm(start: dt.date, end: dt.date) -> dict[str, Any] | None:
    from importlib import import_module

    try:
        ikm = import_module("satudata.support.ikm")
    except ImportError:  # the IKM part not merged yet
        return None
    recap = getattr(ikm, "recap", None)
    return dict(recap(start, end)) if recap is not None else None


def period_figures(start: dt.date, end: dt.date) -> dict[str, Any]:
    low, high = bounds(start, end)
    tickets = received_in(start, end)
    received = tickets.count()
    acknowledged = tickets.filter(acknowledged_at__isnull=False)
    ack_count = acknowledged.count()
    ack_ok = acknowledged.filter(acknowledged_at__lte=F("first_response_due")).count()
    answered = tickets.filter(answered_at__isnull=False)
    answered_count = answered.count()
    answered_ok = answered.filter(answered_at__lte=F("answer_due")).count()
    times = answer_times(tickets)
    running_at_end = (
        Ticket.objects.filter(received_at__lt=high, merged_into__isnull=True)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=high))
        .filter(Q(answered_at__isnull=True) | Q(answered_at__gte=high))
    )
    overdue_at_end = running_at_end.filter(
        Q(acknowledged_at__isnull=True, first_response_due__lt=high) | Q(answer_due__lt=high)
    ).exclude(state=State.WAITING)
    kip = tickets.filter(category=Category.KIP)
    objections = Objection.objects.filter(filed_at__gte=low, filed_at__lt=high)
    decided = Objection.objects.filter(decided_at__gte=low, decided_at__lt=high)
    searches = dict(
        HelpSearch.objects.filter(created_at__gte=low, created_at__lt=high)
        .values_list("outcome")
        .annotate(n=Count("id"))
        .values_list("outcome", "n")
    )
    return {
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "received": received,
        "by_category": _counted(tickets, "category", Category),
        "by_channel": _counted(tickets, "channel", Channel),
        "by_institution": _counted(tickets, "institution_type", InstitutionType),
        "acknowledged": {
            "count": ack_count,
            "within_sla": ack_ok,
            "share": _share(ack_ok, ack_count),
        },
        "answered": {
            "count": answered_count,
            "within_sla": answered_ok,
            "share": _share(answered_ok, answered_count),
            "median_working_days": statistics.median(times) if times else None,
            "mean_working_days": round(statistics.fmean(times), 2) if times else None,
        },
        "open_at_end": running_at_end.count(),
        "overdue_at_end": overdue_at_end.count(),
        "kip": {
            "received": kip.count(),
            "outcomes": _counted(kip.exclude(outcome=""), "outcome", KipOutcome),
            "refusal_reasons": [
                row
                for row in _counted(kip.exclude(refusal_reason=""), "refusal_reason", RefusalReason)
                if row["count"]
            ],
            "extended": kip.filter(extended_at__isnull=False).count(),
        },
        "objections": {
            "filed": objections.count(),
            "decided": decided.count(),
            "upheld": decided.filter(decision=ObjectionDecision.UPHELD).count(),
            "partly": decided.filter(decision=ObjectionDecision.PARTLY).count(),
            "dismissed": decided.filter(decision=ObjectionDecision.DISMISSED).count(),
        },
        "guest_visits": GuestVisit.objects.filter(visited_at__gte=low, visited_at__lt=high).count(),
        "help_searches": {
            "total": sum(searches.values()),
            "answered": searches.get(HelpSearch.Outcome.ANSWERED, 0),
            "ticket": searches.get(HelpSearch.Outcome.TICKET, 0),
            "pending": searches.get(HelpSearch.Outcome.PENDING, 0),
        },
        "ikm": _ikm(start, end),
    }


# Working-day bands for "time needed to fulfil each request" (Pasal 12 huruf b).
TIME_BANDS = [(0, 3), (4, 10), (11, 17), (18, None)]


def kip_yearly_table(year: int) -> dict[str, Any]:
    """UU 14/2008 Pasal 12: requests received, the time needed to fulfil each, how many were
    granted (wholly or partly) and refused, and the reasons for refusal — for one year."""
    kip = received_in(dt.date(year, 1, 1), dt.date(year, 12, 31)).filter(category=Category.KIP)
    times = answer_times(kip)
    outcomes = {row["code"]: row["count"] for row in _counted(kip, "outcome", KipOutcome)}
    bands = []
    for low, high in TIME_BANDS:
        count = sum(1 for t in times if t >= low and (high is None or t <= high))
        label = f"{low}–{high}" if high is not None else f"≥ {low}"
        bands.append({"working_days": label, "count": count})
    return {
        "year": year,
        "received": kip.count(),
        "answered": len(times),
        "still_open": kip.filter(state__in=OPEN_STATES).count(),
        "time_to_fulfil": {
            "median_working_days": statistics.median(times) if times else None,
            "max_working_days": max(times) if times else None,
            "bands": bands,
        },
        "granted": outcomes.get(KipOutcome.GRANTED, 0),
        "partly_granted": outcomes.get(KipOutcome.PARTLY, 0),
        "refused": outcomes.get(KipOutcome.REFUSED, 0),
        "not_held": outcomes.get(KipOutcome.NOT_HELD, 0),
        "refusal_reasons": [
            row
            for row in _counted(kip.exclude(refusal_reason=""), "refusal_reason", RefusalReason)
            if row["count"]
        ],
        "objections": Objection.objects.filter(ticket__in=kip).count(),
    }
