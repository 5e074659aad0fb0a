"""The check's rules of issue 15: whole numbers with thousands, stored column names, duplicate
rows and keys declared in the metadata, wide tables turned long, and which column is which
variable (aliases and a confident match only)."""

from __future__ import annotations

from django.utils import translation

from satudata.catalog.checks import check_table, suggest_mapping
from satudata.catalog.engine import Finding, column_name
from satudata.catalog.models import DataType, Variable
from satudata.catalog.reading.upload import read_upload
from satudata.core.testing import PersonaTestCase


def _variable(agency: object, name: str, kind: str = DataType.INTEGER, **kw: object) -> Variable:
    return Variable.objects.create(agency=agency, name=name, data_type=kind, **kw)


class WholeNumberTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.count = _variable(cls.p.agency, "Jumlah", rules=[{"kind": "range", "max": 10000}])
        cls.share = _variable(cls.p.agency, "Persen", DataType.DECIMAL)

    def _check(self, csv: str) -> list[Finding]:
        (table,) = read_upload(csv.encode(), "t.csv")
        with translation.override("id"):
            return check_table(table, {0: self.count, 1: self.share})

    def test_it_reads_thousands_in_groups_of_three_whatever_the_other_columns_mark(self) -> None:
        # The decimal column writes English decimals; the whole numbers group by three with
        # either mark, or with spaces.
        csv = 'jumlah;persen\n"4,512";1.5\n3.876;2.25\n" 2 954 ";3.5\n'
        findings = self._check(csv)
        self.assertEqual(findings, [])

    def test_it_refuses_a_decimal_in_a_whole_number_column_and_says_how_it_was_read(self) -> None:
        findings = self._check("jumlah;persen\n4,5;1,5\n12.345,5;2\n")
        by_row = {f.row: f for f in findings}
        self.assertEqual(set(by_row), {2, 3})
        self.assertIn("4,5", by_row[2].message)
        self.assertIn("bulat", by_row[2].message)
        self.assertIn("12.345,5", by_row[3].message)

    def test_a_value_over_the_limit_says_the_number_it_was_read_as(self) -> None:
        (finding,) = self._check("jumlah;persen\n12.500;1\n")
        self.assertIn("12.500", finding.message)
        self.assertIn("10000", finding.message)

    def test_a_value_that_is_no_number_says_which_marks_were_expected(self) -> None:
        (finding,) = self._check("jumlah;persen\ndua ribu;1\n")
        self.assertIn("“,”", finding.message)
        self.assertIn("“.”", finding.message)


class ColumnNameTests(PersonaTestCase):
    def test_it_keeps_every_word_of_the_metadata_name(self) -> None:
        for name, alias, expected in [
            ("Kabupaten/Kota", "", "kabupaten_kota"),
            ("Jumlah Penduduk Laki-laki", "laki_laki", "laki_laki"),
            ("Nama Kecamatan", "", "nama_kecamatan"),
            ("Luas (km²)", "", "luas_km"),
            ("Kota", "", "kota"),
        ]:
            with self.subTest(name=name):
                variable = Variable(agency=self.p.agency, name=name, alias=alias, pk=7)
                self.assertEqual(column_name(variable), expected)


class DuplicateRowTests(PersonaTestCase):
    CSV = "kecamatan;tahun;jumlah\nA;2025;5\nB;2025;7\nA;2025;5\nA;2025;6\nB;2024;7\n"

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.place = _variable(cls.p.agency, "Kecamatan", DataType.TEXT)
        cls.year = _variable(cls.p.agency, "Tahun", DataType.YEAR)
        cls.count = _variable(cls.p.agency, "Jumlah")

    def _check(self, keys: list[int]) -> list[Finding]:
        (table,) = read_upload(self.CSV.encode(), "t.csv")
        with translation.override("id"):
            return check_table(
                table, {0: self.place, 1: self.year, 2: self.count}, key_columns=keys
            )

    def test_it_tells_an_exact_copy_from_a_row_with_the_same_key_naming_both_rows(self) -> None:
        findings = {f.row: f for f in self._check([0, 1])}
        self.assertEqual(set(findings), {4, 5})
        self.assertEqual(findings[4].message, "Baris 4 sama persis dengan baris 2.")
        self.assertEqual(
            findings[5].message,
            "Baris 5 punya kunci yang sama dengan baris 2 tetapi nilainya berbeda: "
            "kolom jumlah 6 ≠ 5.",
        )
        self.assertTrue(all(f.is_error for f in findings.values()))
        self.assertEqual(findings[5].value, "A / 2025")

    def test_without_a_key_an_exact_copy_is_a_warning_and_nothing_else_is_found(self) -> None:
        (finding,) = self._check([])
        self.assertEqual((finding.row, finding.is_error), (4, False))
        self.assertIn("baris 2", finding.message)
