from __future__ import annotations

from django.core.exceptions import ValidationError

from satudata.catalog.models import CodeValue, DataType, Variable
from satudata.catalog.sinkronisasi.checks import ERROR, WARNING, check_table, suggest_mapping
from satudata.catalog.sinkronisasi.reading.upload import read_upload
from satudata.catalog.sinkronisasi.rules import RuleError, compile_rules
from satudata.core.testing import PersonaTestCase

CSV = """Jumlah Penduduk menurut Kecamatan dan Jenis Kelamin (data contoh)
kode wilayah;tahun;jenis kelamin;jumlah;persen;catatan petugas
18.10.01;2025;Laki-laki;31.250;50,2;
18.10.02;2025;Perempuan;39.875;49,8;
Gadingrejo;2025;Perempuan;1.000;12,0;
18.10.99;2025;L;dua ribu;130;
Ambarawaa;2025.5;Laki-laki;-;-;
18.10.01;2025;Laki-laki;5;1,0;
Waluyojati;2025;Perempuan;10;1,0;
Sumber: Disdukcapil
"""


class SynchronisationCheckTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        agency = cls.p.agency

        def variable(name: str, kind: str, **kw: object) -> Variable:
            return Variable.objects.create(agency=agency, name=name, data_type=kind, **kw)

        variable("Kode Wilayah", DataType.REGION, rules=[{"kind": "required"}])
        variable("Tahun", DataType.YEAR)
        sex = variable("Jenis Kelamin", DataType.CATEGORY, alias="jk")
        CodeValue.objects.create(variable=sex, code="1", label="Laki-laki")
        CodeValue.objects.create(variable=sex, code="2", label="Perempuan")
        variable("Jumlah", DataType.INTEGER, rules=[{"kind": "range", "min": 0}])
        variable("Persen", DataType.DECIMAL, rules=[{"kind": "range", "min": 0, "max": 100}])

    def _findings(self):  # type: ignore[no-untyped-def]
        (table,) = read_upload(CSV.encode(), "penduduk.csv")
        mapping = suggest_mapping(table.columns, Variable.objects.all())
        return (
            table,
            mapping,
            check_table(table, mapping, region_within="18.10", key_columns=[0, 1, 2]),
        )

    def test_columns_are_mapped_by_name_and_alias(self) -> None:
        table, mapping, _ = self._findings()
        self.assertEqual(
            {table.columns[i]: v.name for i, v in mapping.items()},
            {
                "kode wilayah": "Kode Wilayah",
                "tahun": "Tahun",
                "jenis kelamin": "Jenis Kelamin",
                "jumlah": "Jumlah",
                "persen": "Persen",
            },
        )

    def test_each_bad_cell_is_found_at_its_row_with_a_suggestion(self) -> None:
        _table, _mapping, findings = self._findings()
        found = {(f.row, f.column, f.severity) for f in findings}
        expected = {
            # The column is read at the level most of its values are at, kecamatan: row 5's
            # Gadingrejo is the kecamatan (a desa has the name too), row 9's desa is refused.
            (9, "kode wilayah", ERROR),
            (6, "kode wilayah", ERROR),  # unknown code
            (6, "jenis kelamin", ERROR),  # "L" is not in the code list
            (6, "jumlah", ERROR),  # not a number
            (6, "persen", ERROR),  # above 100
            (7, "kode wilayah", WARNING),  # a typo, read as the close kecamatan
            (7, "tahun", ERROR),  # not a whole year
            (8, "kode wilayah, tahun, jenis kelamin", ERROR),  # duplicate of row 3
            (None, "catatan petugas", ERROR),  # a column nobody accounted for
        }
        self.assertEqual(found, expected)
        by_row = {(f.row, f.column): f for f in findings}
        self.assertIn("18.10.01.2007", by_row[(9, "kode wilayah")].message)
        self.assertIn("Ambarawa, kode 18.10.03", by_row[(7, "kode wilayah")].message)
        self.assertIn("baris 3", by_row[(8, "kode wilayah, tahun, jenis kelamin")].message)
        self.assertEqual(by_row[(6, "jumlah")].value, "dua ribu")

    def test_missing_markers_pass_unless_the_variable_is_required(self) -> None:
        _table, _mapping, findings = self._findings()
        self.assertFalse([f for f in findings if f.row == 7 and f.column == "jumlah"])


class RuleTests(PersonaTestCase):
    def test_rules_are_checked_when_saved_and_compiled(self) -> None:
        rules = compile_rules(
            [{"kind": "range", "min": 0, "max": "100"}, {"kind": "pattern", "regex": "[0-9]{4}"}]
        )
        self.assertIsNotNone(rules.check_number(__import__("decimal").Decimal(101)))
        self.assertIsNone(rules.check_text("2025"))
        self.assertIsNotNone(rules.check_text("25"))
        for bad in (
            [{"kind": "sometimes"}],
            [{"kind": "pattern", "regex": "("}],
            [{"kind": "range", "min": "nol"}],
            "required",
        ):
            with self.assertRaises(RuleError):
                compile_rules(bad)  # type: ignore[arg-type]
        variable = Variable(
            agency=self.p.agency, name="x", data_type=DataType.TEXT, rules=[{"kind": "unknown"}]
        )
        with self.assertRaises(ValidationError):
            variable.full_clean()
