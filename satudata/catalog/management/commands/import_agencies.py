from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from satudata.catalog.agencies import import_agencies
from satudata.catalog.sinkronisasi.reading.upload import UnreadableUpload


class Command(BaseCommand):
    help = (
        "Impor daftar OPD dari CSV/XLSX (kolom NAMA wajib; SINGKATAN, KODE, JENIS, ALAMAT, "
        "TELEPON, EMAIL, SITUS, NAMA KEPALA, JABATAN KEPALA, NIP KEPALA boleh). OPD yang sudah "
        "ada (nama atau kode sama) dilewati; bila ada baris bermasalah tidak ada yang disimpan."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Berkas tidak ditemukan: {path}")
        try:
            result = import_agencies(path.read_bytes(), path.name)
        except UnreadableUpload as error:
            raise CommandError(str(error)) from None
        if result.problems:
            lines = [
                f"baris {p.row or '-'}, kolom {p.column}: {p.message}"
                + (f" (nilai: {p.value!r})" if p.value else "")
                for p in result.problems
            ]
            raise CommandError(
                "Tidak ada yang disimpan; perbaiki berkas lalu ulangi:\n  " + "\n  ".join(lines)
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(result.new)} OPD baru, {len(result.existing)} sudah ada (dilewati)."
            )
        )
