from __future__ import annotations

from django.test import SimpleTestCase, TestCase

from satudata.regions.importer import BUILTIN_PRINGSEWU, import_regions
from satudata.regions.matching import match_region
from satudata.regions.models import RegionLevel
from satudata.regions.names import name_key


class NameKeyTests(SimpleTestCase):
    def test_it_ignores_spacing_case_prefixes_and_punctuation(self) -> None:
        for written in ("Gadingrejo", "GADING REJO", "Kec. Gading Rejo", "Gading-Rejo"):
            self.assertEqual(name_key(written), "gadingrejo", written)

    def test_it_reads_numbers_as_roman_and_old_spelling_as_today_s(self) -> None:
        self.assertEqual(name_key("Sukoharjo 1"), name_key("Sukoharjo I"))
        self.assertEqual(name_key("Soekarno"), "sukarno")
        self.assertEqual(name_key("Tjandi Retno"), name_key("Candi Retno"))


class MatchRegionTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        import_regions(BUILTIN_PRINGSEWU)

    def _best(self, name: str, **kw: object) -> str:
        found = match_region(name, within="18.10", **kw)  # type: ignore[arg-type]
        return found[0].region.code if found else ""

    def test_gadingrejo_is_the_kecamatan_gading_rejo(self) -> None:
        self.assertEqual(self._best("Gadingrejo", level=RegionLevel.KECAMATAN), "18.10.02")
        found = match_region("Gadingrejo", within="18.10")
        self.assertEqual(found[0].region.code, "18.10.02")
        self.assertTrue(found[0].is_exact)
        self.assertIn("18.10.02.2008", [m.region.code for m in found])

    def test_it_matches_village_names_written_differently(self) -> None:
        self.assertEqual(self._best("Sukoharjo 3", level=RegionLevel.DESA), "18.10.08.2004")
        self.assertEqual(self._best("Pekon Waringin Sari Timur"), "18.10.07.2006")

    def test_it_suggests_close_names_for_typos(self) -> None:
        found = match_region("Jogyakarta", within="18.10")
        self.assertEqual(found[0].region.code, "18.10.02.2012")
        self.assertFalse(found[0].is_exact)
        self.assertEqual(self._best("Pagelaran Utaraa", level=RegionLevel.KECAMATAN), "18.10.09")

    def test_it_offers_nothing_for_an_unrelated_name(self) -> None:
        self.assertEqual(match_region("Jakarta Pusat", within="18.10"), [])
        self.assertEqual(match_region("", within="18.10"), [])
