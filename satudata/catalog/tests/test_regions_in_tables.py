"""Region columns read at the table's level: names, misshapen codes, code/name agreement and
regions outside the site's kabupaten (issue 15, point 9)."""

from __future__ import annotations

import io
from typing import Any

from django.urls import reverse

from satudata.catalog.models import DataType, Variable
from satudata.catalog.sinkronisasi.engine import (
    ERROR,
    WARNING,
    CheckResult,
    Finding,
    Workspace,
    check,
    load_sheet,
)
from satudata.catalog.sinkronisasi.reading.upload import read_upload
from satudata.core.testing import PersonaTestCase
from satudata.regions.importer import import_regions
from satudata.regions.models import RegionLevel
from satudata.regions.resolving import (
    RegionReference,
    RegionResolver,
    bps_candidates,
    dotted_candidates,
)

# A few rows of the national reference (shared/reference/wilayah_kemendagri.csv): a
# neighbouring kabupaten of Pringsewu and a Sukoharjo in Central Java.
ELSEWHERE = """kode,nama
18.09,Kabupaten Pesawaran
18.09.01,Gedong Tataan
18.09.02,Negeri Katon
33,Jawa Tengah
33.07,Kabupaten Wonosobo
33.07.14,Sukoharjo
"""
# A desa in Bogor named like Pringsewu's kecamatan Pardasuka without its r.
JAVA = """kode,nama
32,Jawa Barat
32.01,Kabupaten Bogor
32.01.29,Ciomas
32.01.29.1003,Padasuka
"""


class RegionColumnTests(PersonaTestCase):
    kecamatan: Variable
    desa: Variable
    count: Variable

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        agency = cls.p.agency
        cls.kecamatan = Variable.objects.create(
            agency=agency,
            name="Kecamatan",
            data_type=DataType.REGION,
            region_level=RegionLevel.KECAMATAN,
        )
        cls.desa = Variable.objects.create(
            agency=agency, name="Desa", data_type=DataType.REGION, region_level=RegionLevel.DESA
        )
        cls.count = Variable.objects.create(
            agency=agency, name="Jumlah", data_type=DataType.INTEGER
        )

    def _check(
        self, csv: str, variables: list[Variable]
    ) -> tuple[CheckResult, list[tuple[Any, ...]]]:
        (table,) = read_upload(csv.encode(), "wilayah.csv")
        mapping = dict(enumerate(variables))
        with Workspace() as ws:
            load_sheet(ws, table)
            result = check(ws, mapping, region_within="18.10")
            selected = ", ".join(f"v{i}" for i in mapping)
            values = ws.con.execute(f"SELECT {selected} FROM typed ORDER BY _row").fetchall()  # noqa: S608
        return result, values

    def _region_findings(self, result: CheckResult, column: str) -> dict[int, Finding]:
        return {f.row: f for f in result.findings if f.column == column and f.row is not None}

    def test_a_kecamatan_table_reads_ambarawa_as_the_kecamatan_whatever_the_prefix(self) -> None:
        result, values = self._check(
            "kecamatan;jumlah\nAmbarawa;1\nKec. AMBARAWA;2\nKecamatan Pagelaran;3\n"
            "Desa Banyumas;4\npekon gading rejo;5\n",
            [self.kecamatan, self.count],
        )
        self.assertEqual(result.findings, [])
        self.assertEqual(
            [v[0] for v in values], ["18.10.03", "18.10.03", "18.10.05", "18.10.06", "18.10.02"]
        )

    def test_a_desa_table_reads_the_same_name_as_the_desa(self) -> None:
        result, values = self._check(
            "desa;jumlah\nAmbarawa;1\nPekon Pagelaran;2\nKelurahan Fajaresuk;3\n",
            [self.desa, self.count],
        )
        self.assertEqual(result.findings, [])
        self.assertEqual(
            [v[0] for v in values], ["18.10.03.2001", "18.10.05.2006", "18.10.01.1001"]
        )

    def test_a_misspelt_name_is_a_warning_naming_the_region_and_its_code_is_stored(self) -> None:
        result, values = self._check("kecamatan;jumlah\nAmbarwa;1\n", [self.kecamatan, self.count])
        (finding,) = result.findings
        self.assertEqual((finding.severity, finding.row, finding.value), (WARNING, 2, "Ambarwa"))
        self.assertIn("Ambarawa, kode 18.10.03", finding.message)
        self.assertEqual(values[0][0], "18.10.03")
        self.assertTrue(result.passed)

    def test_a_name_of_another_level_or_of_no_region_is_an_error_with_suggestions(self) -> None:
        result, values = self._check(
            "kecamatan;jumlah\nWaluyojati;1\nJakarta Pusat;2\n", [self.kecamatan, self.count]
        )
        found = self._region_findings(result, "kecamatan")
        self.assertEqual({f.severity for f in found.values()}, {ERROR})
        self.assertEqual(
            found[2].message, "Ini nama 18.10.01.2007 Waluyojati (Desa/kelurahan), bukan kecamatan."
        )
        self.assertIn("atau perbaiki tingkat wilayah kolom ini", found[2].suggestion)
        self.assertIn("Tidak ada kecamatan dengan nama ini", found[3].message)
        self.assertEqual(found[3].suggestion, "Gunakan kode Kemendagri wilayah tersebut.")
        self.assertEqual([v[0] for v in values], [None, None])

    def test_a_desa_s_name_close_to_a_kecamatan_is_an_error_not_a_misspelt_kecamatan(self) -> None:
        """A desa's name is no misspelt kecamatan ("Gading Rejo Utara" is not Gading Rejo),
        like "Kelurahan Pringsewu Utara", which no kecamatan's name comes close to."""
        result, values = self._check(
            "kecamatan;jumlah\nGading Rejo Utara;1\nKelurahan Pringsewu Utara;2\nGading Rejoo;3\n",
            [self.kecamatan, self.count],
        )
        found = self._region_findings(result, "kecamatan")
        self.assertEqual((found[2].severity, found[3].severity), (ERROR, ERROR))
        self.assertEqual(
            found[2].message,
            "Ini nama 18.10.02.2020 Gading Rejo Utara (Desa/kelurahan), bukan kecamatan.",
        )
        self.assertEqual(
            found[2].suggestion,
            "Mungkin kecamatan 18.10.02 Gading Rejo (Kecamatan). Gunakan kode Kemendagri agar "
            "pasti.",
        )
        self.assertIn("18.10.01.1002 Pringsewu Utara (Desa/kelurahan), bukan", found[3].message)
        # A misspelling that names no region at all is still read, with a warning.
        self.assertEqual(found[4].severity, WARNING)
        self.assertIn("Gading Rejo, kode 18.10.02", found[4].message)
        self.assertEqual([v[0] for v in values], [None, None, "18.10.02"])
        self.assertEqual(result.errors, 2)

    def test_a_name_close_to_several_regions_is_an_error_listing_them(self) -> None:
        result, _values = self._check(
            "desa;jumlah\nSukoharjo I;1\nSukoharjo;2\n", [self.desa, self.count]
        )
        found = self._region_findings(result, "desa")
        self.assertNotIn(2, found)  # one desa is named Sukoharjo I
        self.assertIn(3, found)  # "Sukoharjo" is close to Sukoharjo I, II, III and IV alike
        self.assertEqual(found[3].severity, ERROR)
        self.assertIn("18.10.08.2002 Sukoharjo I ", found[3].suggestion)

    def test_misshapen_undotted_and_bps_codes_get_the_likely_kemendagri_code(self) -> None:
        result, values = self._check(
            "kecamatan;jumlah\n181003;1\n18-10-03;2\n18 10 3;3\n1810020;4\n18.10.99;5\n2025;6\n",
            [self.kecamatan, self.count],
        )
        found = self._region_findings(result, "kecamatan")
        for row in (2, 3, 4, 5):
            self.assertEqual(found[row].severity, ERROR, row)
            self.assertIn("18.10.03 Ambarawa", found[row].suggestion, row)
        self.assertIn("kode BPS", found[5].message)
        self.assertIn("Tidak ada wilayah dengan kode Kemendagri ini", found[6].message)
        self.assertEqual(found[7].suggestion, "Gunakan kode Kemendagri wilayah tersebut.")
        self.assertEqual({v[0] for v in values}, {None})

    def test_village_codes_undotted_or_in_bps_form_point_to_the_village(self) -> None:
        result, _values = self._check(
            "desa;jumlah\n1810012006;1\n1810040009;2\n", [self.desa, self.count]
        )
        found = self._region_findings(result, "desa")
        self.assertIn("18.10.01.2006 Margakaya", found[2].suggestion)
        self.assertIn("18.10.01.1001 Fajaresuk", found[3].suggestion)

    def test_a_code_of_another_level_is_refused_in_a_column_of_one_level(self) -> None:
        result, _values = self._check(
            "kecamatan;jumlah\n18.10.01.2006;1\n18.10.01;2\n", [self.kecamatan, self.count]
        )
        found = self._region_findings(result, "kecamatan")
        self.assertEqual(list(found), [2])
        self.assertIn("18.10.01.2006 Margakaya", found[2].message)
        self.assertIn("kode kecamatan", found[2].message)

    def test_a_code_whose_name_column_disagrees_is_a_finding_on_its_row(self) -> None:
        name = Variable.objects.create(
            agency=self.p.agency,
            name="Nama Kecamatan",
            data_type=DataType.TEXT,
            region_level=RegionLevel.KECAMATAN,
        )
        result, values = self._check(
            "kode;nama;jumlah\n18.10.03;Ambarawa;1\n18.10.03;Ambarawaa;2\n18.10.05;Ambarawa;3\n"
            "18.10.01;Kec. Pringsewu;4\n18.10.05;Ambarawa;5\n",
            [self.kecamatan, name, self.count],
        )
        found = [f for f in result.findings if f.column == "kode / nama"]
        self.assertEqual([f.row for f in found], [4, 6])
        self.assertEqual(found[0].severity, ERROR)
        self.assertEqual(found[0].value, "18.10.05 / Ambarawa")
        self.assertIn("18.10.05 adalah Pagelaran", found[0].message)
        self.assertEqual(result.errors, 2)
        self.assertEqual(values[1][1], "Ambarawaa")  # the name column keeps what was written

    def test_a_desa_s_name_beside_its_kecamatan_s_code_is_a_finding_not_a_spelling(self) -> None:
        name = Variable.objects.create(
            agency=self.p.agency,
            name="Nama Kecamatan",
            data_type=DataType.TEXT,
            region_level=RegionLevel.KECAMATAN,
        )
        result, _values = self._check(
            "kode;nama;jumlah\n18.10.02;Gading Rejo Utara;1\n18.10.02;Gading Rejoo;2\n",
            [self.kecamatan, name, self.count],
        )
        (finding,) = [f for f in result.findings if f.column == "kode / nama"]
        self.assertEqual((finding.row, finding.severity), (2, ERROR))
        self.assertIn("18.10.02 adalah Gading Rejo", finding.message)

    def test_two_region_columns_of_one_level_must_name_the_same_region(self) -> None:
        name = Variable.objects.create(
            agency=self.p.agency,
            name="Nama",
            data_type=DataType.REGION,
            region_level=RegionLevel.KECAMATAN,
        )
        result, _values = self._check(
            "kode;nama;jumlah\n18.10.03;Ambarawa;1\n18.10.05;Ambarawa;2\n18.10.01;Pringsewu;3\n",
            [self.kecamatan, name, self.count],
        )
        found = [f for f in result.findings if f.column == "kode / nama"]
        self.assertEqual([(f.row, f.value) for f in found], [(3, "18.10.05 / Ambarawa")])

    def test_a_village_code_beside_another_kecamatan_s_name_is_a_finding(self) -> None:
        kecamatan_name = Variable.objects.create(
            agency=self.p.agency,
            name="Nama Kecamatan",
            data_type=DataType.TEXT,
            region_level=RegionLevel.KECAMATAN,
        )
        result, _values = self._check(
            "kecamatan;desa;jumlah\nPringsewu;18.10.01.2006;1\nKec. Pringsewu;18.10.03.2001;2\n",
            [kecamatan_name, self.desa, self.count],
        )
        (finding,) = result.findings
        self.assertEqual((finding.row, finding.column), (3, "desa / kecamatan"))
        self.assertIn("18.10.03.2001 terletak di Ambarawa", finding.message)

    def test_regions_outside_the_site_are_matched_against_the_national_reference(self) -> None:
        csv = "kecamatan;jumlah\nGedong Tataan;1\n18.09.02;2\n33.07.14;3\nSukoharjo;4\n"
        before, _values = self._check(csv, [self.kecamatan, self.count])
        self.assertEqual(
            {f.row for f in before.findings if f.severity == ERROR}, {2, 3, 4}
        )  # not loaded yet
        import_regions(io.StringIO(ELSEWHERE))
        after, values = self._check(csv, [self.kecamatan, self.count])
        self.assertEqual(after.findings, [])
        # The site's own Sukoharjo comes first; Wonosobo's is read only by its code.
        self.assertEqual([v[0] for v in values], ["18.09.01", "18.09.02", "33.07.14", "18.10.08"])

    def test_a_misspelt_kecamatan_that_is_a_desa_elsewhere_in_the_country_stays_a_warning(
        self,
    ) -> None:
        """Pardasuka misspelt "Padasuka" is the name of a dozen desa in Java: only the site's
        own names of another level stop a close kecamatan being read."""
        import_regions(io.StringIO(JAVA))
        result, values = self._check("kecamatan;jumlah\nPadasuka;1\n", [self.kecamatan, self.count])
        (finding,) = result.findings
        self.assertEqual(finding.severity, WARNING)
        self.assertIn("Pardasuka, kode 18.10.04", finding.message)
        self.assertEqual(values[0][0], "18.10.04")

    def test_a_column_without_a_declared_level_is_read_at_its_values_level(self) -> None:
        undeclared = Variable.objects.create(
            agency=self.p.agency, name="Wilayah", data_type=DataType.REGION
        )
        result, values = self._check(
            "wilayah;jumlah\n18.10.01.2006;1\n18.10.01.2007;2\nAmbarawa;3\n",
            [undeclared, self.count],
        )
        self.assertEqual(result.findings, [])
        self.assertEqual(values[2][0], "18.10.03.2001")

    def test_the_level_of_an_undeclared_column_does_not_depend_on_the_order_of_its_values(
        self,
    ) -> None:
        """As many kecamatan as desa written: the finer level, in any order (the check hands
        the distinct values over in no fixed order)."""
        values = ["18.10.01", "18.10.03", "18.10.01.2006", "18.10.01.2007"]
        found = set()
        for order in (values, values[::-1], values[1:] + values[:1], sorted(values)):
            resolver = RegionResolver(RegionReference(within="18.10"), level=None)
            resolver.prepare(list(order))
            found.add(resolver.level)
        self.assertEqual(found, {RegionLevel.DESA})


class CodeShapeTests(PersonaTestCase):
    def test_undotted_and_separated_codes_are_dotted(self) -> None:
        self.assertEqual(dotted_candidates("181001"), ["18.10.01"])
        self.assertEqual(dotted_candidates("1810012006"), ["18.10.01.2006"])
        self.assertEqual(dotted_candidates("18-10-01"), ["18.10.01"])
        self.assertEqual(dotted_candidates("18 / 10 / 1 / 6"), ["18.10.01.0006"])
        self.assertEqual(dotted_candidates("1810010"), [])
        self.assertEqual(dotted_candidates("123-45678"), [])

    def test_bps_codes_are_seven_or_ten_digits(self) -> None:
        self.assertEqual(bps_candidates("1810010"), ["1810010"])
        self.assertEqual(bps_candidates("1810040009"), ["1810040009"])
        self.assertEqual(bps_candidates("181001"), [])


class RegionLevelEntryTests(PersonaTestCase):
    def test_the_msvar_form_sets_the_level_and_the_record_shows_it(self) -> None:
        self.client.force_login(self.p.producer)
        response = self.client.post(
            reverse("catalog:metadata-new", args=["variabel"]),
            {
                "agency": self.p.agency.pk,
                "name": "Kecamatan",
                "data_type": "region",
                "region_level": RegionLevel.KECAMATAN,
                "is_public": "on",
            },
        )
        self.assertEqual(response.status_code, 302)
        variable = Variable.objects.get(name="Kecamatan")
        self.assertEqual(variable.region_level, RegionLevel.KECAMATAN)
        page = self.client.get(response["Location"])
        self.assertContains(page, "Tingkat wilayah")
