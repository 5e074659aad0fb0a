from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from satudata.reports import parquet
from satudata.reports.management.commands.rollup_usage import parse_day


class Command(BaseCommand):
    help = (
        "Export the raw usage events and every daily rollup table as Parquet files "
        "(one <table>.parquet each) into --out, optionally between two days (WIB, inclusive)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="folder to write the files into")
        parser.add_argument("--from", dest="first", help="first day (YYYY-MM-DD)")
        parser.add_argument("--to", dest="last", help="last day (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        first = parse_day(options["first"], "--from")
        last = parse_day(options["last"], "--to")
        if first and last and last < first:
            raise CommandError("--to tidak boleh sebelum --from.")
        folder = Path(options["out"])
        if folder.exists() and not folder.is_dir():
            raise CommandError(f"--out: {folder} bukan folder.")
        try:
            counts = parquet.export_all(folder, first, last)
        except OSError as error:
            raise CommandError(f"Tidak dapat menulis ke {folder}: {error}") from None
        for name, rows in counts.items():
            self.stdout.write(f"{folder / (name + '.parquet')}: {rows} baris")
