from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from satudata.regions.importer import BUILTIN_PRINGSEWU, RegionImportError, import_regions


class Command(BaseCommand):
    help = (
        "Load Kemendagri region codes from a CSV with columns kode,nama (and optionally "
        "kode_bps,nama_bps). Without a file, loads the built-in Kabupaten Pringsewu list. "
        "Safe to run again: only new or changed rows are written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="CSV file (UTF-8).")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"]) if options["file"] else BUILTIN_PRINGSEWU
        if not path.is_file():
            raise CommandError(f"File tidak ditemukan: {path}")
        started = time.perf_counter()
        try:
            result = import_regions(path)
        except RegionImportError as error:
            raise CommandError(
                "Tidak ada yang disimpan; perbaiki berkas lalu ulangi:\n  "
                + "\n  ".join(error.problems)
            ) from error
        except UnicodeDecodeError as error:
            raise CommandError(f"Berkas harus berformat UTF-8 ({error}).") from error
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"{path.name}: {result.created} baru, {result.updated} diubah, "
                f"{result.unchanged} tetap ({elapsed:.1f} detik)."
            )
        )
