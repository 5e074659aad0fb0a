from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import TestCase

from satudata.regions.importer import BUILTIN_PRINGSEWU, RegionImportError, import_regions
from satudata.regions.models import Region, RegionKind

NATIONAL = Path(settings.BASE_DIR).parent / "shared" / "reference" / "wilayah_kemendagri.csv"


def _csv(text: str) -> io.StringIO:
    return io.StringIO(text)


class BuiltInPringsewuTests(TestCase):
    def test_it_loads_140_pringsewu_rows_idempotently(self) -> None:
        first = import_regions(BUILTIN_PRINGSEWU)
        self.assertEqual(first.created, 142)
        second = import_regions(BUILTIN_PRINGSEWU)
        self.assertEqual((second.created, second.updated, second.unchanged), (0, 0, 142))
        under = Region.objects.under("18.10")
        self.assertEqual(under.count(), 140)
        self.assertEqual(under.filter(level=3).count(), 9)
        self.assertEqual(under.filter(kind=RegionKind.DESA).count(), 126)
        self.assertEqual(under.filter(kind=RegionKind.KELURAHAN).count(), 5)

    def test_it_carries_the_bps_bridge_codes(self) -> None:
        import_regions(BUILTIN_PRINGSEWU)
        kecamatan = Region.objects.get(code="18.10.01")
        self.assertEqual((kecamatan.name, kecamatan.bps_code), ("Pringsewu", "1810040"))
        self.assertEqual(Region.objects.get(code="18.10.01.1001").bps_name, "PAJAR ESUK")
        self.assertEqual(Region.objects.get(code="18.10.05.2011").bps_code, "")
        self.assertEqual(Region.objects.get(code="18.10").kind, RegionKind.KABUPATEN)


class ImportValidationTests(TestCase):
    def test_a_bad_row_writes_nothing_and_names_the_row(self) -> None:
        text = "kode,nama\n18,Lampung\n18.10,Kabupaten Pringsewu\n18.1O.01,Pringsewu\n"
        with self.assertRaises(RegionImportError) as caught:
            import_regions(_csv(text))
        self.assertIn("Baris 4", caught.exception.problems[0])
        self.assertIn("18.1O.01", caught.exception.problems[0])
        self.assertFalse(Region.objects.exists())

    def test_it_requires_the_kode_and_nama_columns(self) -> None:
        with self.assertRaises(RegionImportError) as caught:
            import_regions(_csv("code;name\n18;Lampung\n"))
        self.assertIn("kode", caught.exception.problems[0])

    def test_a_region_without_its_parent_is_refused(self) -> None:
        with self.assertRaises(RegionImportError) as caught:
            import_regions(_csv("kode,nama\n18.10.01,Pringsewu\n"))
        self.assertIn("18.10", caught.exception.problems[0])

    def test_a_renamed_region_is_updated_and_the_bps_code_kept(self) -> None:
        import_regions(BUILTIN_PRINGSEWU)
        result = import_regions(_csv("kode,nama\n18.10.01,Kecamatan Pringsewu Baru\n"))
        self.assertEqual((result.created, result.updated), (0, 1))
        region = Region.objects.get(code="18.10.01")
        self.assertEqual(region.name, "Kecamatan Pringsewu Baru")
        self.assertEqual(region.bps_code, "1810040")

    def test_the_command_reports_problems_in_indonesian(self) -> None:
        bad = Path(self._testMethodName + ".csv")
        bad.write_text("kode,nama\n99.99.99.99999,Salah\n", encoding="utf-8")
        try:
            with self.assertRaises(CommandError) as caught:
                call_command("import_regions", str(bad))
            self.assertIn("Tidak ada yang disimpan", str(caught.exception))
        finally:
            bad.unlink()


@pytest.mark.skipif(
    not NATIONAL.is_file() and not os.environ.get("CI"),
    reason="the national list lives in ../shared/reference",
)
class NationalListTests(TestCase):
    def test_it_loads_the_whole_kemendagri_list_idempotently(self) -> None:
        out = io.StringIO()
        started = time.perf_counter()
        call_command("import_regions", str(NATIONAL), stdout=out)
        self.assertLess(time.perf_counter() - started, 120)  # the 30 s floor is in bench/
        self.assertEqual(Region.objects.count(), 91_599)
        self.assertEqual(Region.objects.under("18.10").count(), 140)
        call_command("import_regions", str(NATIONAL), stdout=out)
        self.assertIn("0 baru, 0 diubah, 91599 tetap", out.getvalue())
        self.assertEqual(Region.objects.filter(kind=RegionKind.KOTA).count(), 98)
