from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from satudata.reports import rollups


def parse_day(value: str | None, option: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"{option}: {value!r} bukan tanggal; tulis TTTT-BB-HH, misalnya 2026-01-31."
        ) from None


class Command(BaseCommand):
    help = (
        "Roll up the raw usage events into the daily tables. Without dates: every day not yet "
        "rolled up as complete (what the scheduler does). With --from/--to: rebuild those days."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="first", help="first day to rebuild (YYYY-MM-DD)")
        parser.add_argument("--to", dest="last", help="last day to rebuild (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        first = parse_day(options["first"], "--from")
        last = parse_day(options["last"], "--to")
        if first is None and last is None:
            days = rollups.roll_pending()
        else:
            last = last or timezone.localdate()
            if first is None:
                first = rollups.first_raw_day() or last
            if last < first:
                raise CommandError("--to tidak boleh sebelum --from.")
            if (last - first).days > 366 * 20:
                raise CommandError("Rentang lebih dari 20 tahun; pecah menjadi beberapa bagian.")
            days = rollups.roll_range(first, last)
        if days:
            self.stdout.write(
                f"Rekap harian dibuat untuk {len(days)} hari ({days[0]} s.d. {days[-1]})."
            )
        else:
            self.stdout.write("Tidak ada hari yang perlu direkap.")
