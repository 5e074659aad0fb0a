"""Punctuality of releases against the calendar (EPSS 20302; Eurostat's definition: the lag
between the actual release and the date announced in the release calendar).

The target is the release time as first confirmed (``ReleaseEntry.target_at``), so a postponed
release counts as late by its postponement: moving a date does not make a release punctual.
A release is on time when it came out on or before its target day (WIB). Notice follows EPSS:
a release date should be final at least three months before the release.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Prefetch
from django.utils import timezone

from satudata.releases.models import DateChange, EntryState, ReleaseEntry

NOTICE = dt.timedelta(days=91)  # "three months" ahead, counted generously


@dataclass
class Late:
    entry: ReleaseEntry
    days: int


@dataclass
class Punctuality:
    released: int = 0  # released in the period with a confirmed target
    on_time: int = 0
    unannounced: int = 0  # released without a confirmed calendar date
    late: list[Late] = field(default_factory=list)
    postponements: list[DateChange] = field(default_factory=list)
    cancelled: list[ReleaseEntry] = field(default_factory=list)
    confirmed_ahead: int = 0  # confirmed at least three months before the target
    announced_ahead: int = 0  # announced at least three months before the target

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.released if self.released else None

    @property
    def mean_delay_days(self) -> float:
        """Mean delay over every release measured, on-time ones counting zero."""
        return sum(late.days for late in self.late) / self.released if self.released else 0.0

    @property
    def max_delay_days(self) -> int:
        return max((late.days for late in self.late), default=0)

    @property
    def confirmed_ahead_share(self) -> float | None:
        return self.confirmed_ahead / self.released if self.released else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "dirilis": self.released,
            "tepat_waktu": self.on_time,
            "persen_tepat_waktu": _percent(self.on_time_share),
            "rata_rata_keterlambatan_hari": round(self.mean_delay_days, 2),
            "keterlambatan_terlama_hari": self.max_delay_days,
            "rilis_di_luar_jadwal": self.unannounced,
            "dipastikan_3_bulan_sebelumnya": self.confirmed_ahead,
            "diumumkan_3_bulan_sebelumnya": self.announced_ahead,
            "terlambat": [
                {"judul": late.entry.title, "hari": late.days} for late in self.late if late.days
            ],
            "penundaan": [
                {
                    "judul": change.entry.title,
                    "dari": change.previous_at.isoformat(),
                    "ke": change.new_at.isoformat(),
                    "alasan": change.reason,
                }
                for change in self.postponements
            ],
            "pembatalan": [
                {"judul": entry.title, "alasan": entry.cancellation_reason}
                for entry in self.cancelled
            ],
        }


def _percent(share: float | None) -> float | None:
    return None if share is None else round(100 * share, 1)


def measure(entries: Any, start: dt.datetime, end: dt.datetime) -> Punctuality:
    """Punctuality of the ``entries`` (a queryset, already through the gate) released, postponed
    or cancelled in [start, end)."""
    now = timezone.now()
    result = Punctuality()
    released = (
        entries.filter(released_at__gte=start, released_at__lt=min(end, now))
        .exclude(state=EntryState.CANCELLED)
        .prefetch_related(Prefetch("date_changes", queryset=DateChange.objects.all()))
    )
    for entry in released:
        if entry.target_at is None:
            result.unannounced += 1
            continue
        result.released += 1
        target = timezone.localtime(entry.target_at).date()
        days = max(0, (timezone.localtime(entry.released_at).date() - target).days)
        if days == 0:
            result.on_time += 1
        result.late.append(Late(entry, days))
        if entry.first_confirmed_at and entry.first_confirmed_at <= entry.target_at - NOTICE:
            result.confirmed_ahead += 1
        if entry.first_announced_at and entry.first_announced_at <= entry.target_at - NOTICE:
            result.announced_ahead += 1
    result.postponements = list(
        DateChange.objects.filter(
            entry__in=entries,
            changed_at__gte=start,
            changed_at__lt=end,
            new_at__gt=F("previous_at"),
        ).select_related("entry")
    )
    result.cancelled = list(
        entries.filter(
            state=EntryState.CANCELLED, cancelled_at__gte=start, cancelled_at__lt=end
        ).order_by("cancelled_at")
    )
    return result


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_default_timezone()
    return (
        timezone.make_aware(dt.datetime(year, 1, 1), zone),
        timezone.make_aware(dt.datetime(year + 1, 1, 1), zone),
    )


def for_year(user: Any, year: int) -> Punctuality:
    start, end = year_bounds(year)
    return measure(ReleaseEntry.objects.visible_to(user), start, end)
