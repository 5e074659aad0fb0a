"""The one production set-up step: the SOP document, the holiday calendar and the site profile.

Idempotent and respectful of later edits: the SOP is loaded only when no revision is current
(revise it in the application afterwards), holidays only for years with no day in the table
(a corrected year stays as corrected), and the profile only when none exists (edit it in the
administration site). A command rather than data migrations: the profile and the SOP file are
the site's own (options or prompts), the holiday years follow today's date, and migrations run
in every test and demo database, where they would plant one regency's data unasked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from satudata.core.models import SiteProfile
from satudata.regions.models import Region
from satudata.sop import services as sop
from satudata.sop.models import SopDocument

PROFILE_OPTIONS = {
    "regency_name": "Nama kabupaten/kota (mis. Kabupaten Pringsewu)",
    "region_code": "Kode wilayah Kemendagri (mis. 18.10)",
    "walidata_name": "Perangkat daerah Walidata",
    "site_name": "Nama situs",
    "address": "Alamat",
    "email": "E-mail",
    "phone": "Telepon",
    "website": "Situs web",
}


class Command(BaseCommand):
    help = (
        "Siapkan situs produksi: dokumen SOP, kalender hari libur dan profil situs. Aman "
        "dijalankan ulang: yang sudah ada (dan yang diubah operator) tidak ditimpa."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        for name, label in PROFILE_OPTIONS.items():
            parser.add_argument(f"--{name.replace('_', '-')}", dest=name, help=label)
        parser.add_argument(
            "--sop", type=Path, default=sop.SOP_2024, help="Dokumen SOP (JSON) bila bukan bawaan."
        )
        parser.add_argument(
            "--years-ahead", type=int, default=2, help="Tahun ke depan kalender hari libur."
        )
        parser.add_argument("--no-input", action="store_false", dest="interactive")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["sop"].is_file():
            raise CommandError(f"Dokumen SOP tidak ditemukan: {options['sop']}")
        profile_values = self._profile_values(options)
        changes: list[str] = []
        with transaction.atomic():
            changes += self._profile(profile_values)
            changes += self._sop(options["sop"])
            changes += self._holidays(options["years_ahead"])
        for line in changes:
            self.stdout.write(self.style.SUCCESS(line))
        if not changes:
            self.stdout.write("Tidak ada yang berubah: situs sudah disiapkan sebelumnya.")
        if not Region.objects.exists():
            self.stdout.write(
                "Belum ada kode wilayah: jalankan `manage.py import_regions <berkas.csv>`."
            )

    def _profile_values(self, options: dict[str, Any]) -> dict[str, str] | None:
        if SiteProfile.objects.exists():
            given = [k for k in PROFILE_OPTIONS if options.get(k)]
            if given:
                self.stderr.write(
                    "Profil situs sudah ada; --"
                    + ", --".join(given).replace("_", "-")
                    + " diabaikan. Ubah profil di halaman admin (Profil situs)."
                )
            return None
        values = {k: (options.get(k) or "").strip() for k in PROFILE_OPTIONS}
        for key in ("regency_name", "walidata_name", "region_code"):
            if not values[key] and options["interactive"]:
                values[key] = input(f"{PROFILE_OPTIONS[key]}: ").strip()
        if not values["regency_name"]:
            raise CommandError("Nama kabupaten/kota wajib: beri --regency-name.")
        values["site_name"] = values["site_name"] or f"Satu Data {values['regency_name']}"
        if not values["walidata_name"]:
            values["walidata_name"] = f"Dinas Komunikasi dan Informatika {values['regency_name']}"
        return values

    def _profile(self, values: dict[str, str] | None) -> list[str]:
        if values is None:
            return []
        profile = SiteProfile(**values)
        try:
            profile.full_clean()
        except ValidationError as error:
            raise CommandError(f"Profil situs tidak sah: {error}") from None
        profile.save()
        return [f"Profil situs dibuat: {profile.site_name}."]

    def _sop(self, path: Path) -> list[str]:
        if SopDocument.objects.filter(is_current=True).exists():
            return []
        document = sop.load_sop(path)
        return [f"SOP dimuat: {document.title} ({document.steps.count()} kegiatan)."]

    def _holidays(self, years_ahead: int) -> list[str]:
        this_year = timezone.localdate().year
        added = sop.load_holiday_calendar(range(this_year, this_year + years_ahead + 1))
        return [f"Hari libur {year} dimuat: {count} hari." for year, count in added.items()]
