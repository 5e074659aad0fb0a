"""The check's rules of issue 15: whole numbers with thousands, stored column names, duplicate
rows and keys declared in the metadata, wide tables turned long, and which column is which
variable (aliases and a confident match only)."""

from __future__ import annotations

from django.utils import translation

from satudata.accounts.models import Agency
from satudata.catalog.forms import read_limits
from satudata.catalog.metadata.spec import Invalid
from satudata.catalog.models import Dataset, DataType, UploadStatus, Variable
from satudata.catalog.services import create_dataset, describe_dataset
from satudata.catalog.sinkronisasi.checks import check_table, suggest_mapping
from satudata.catalog.sinkronisasi.engine import Finding, column_name
from satudata.catalog.sinkronisasi.reading.upload import read_upload
from satudata.catalog.sinkronisasi.services import (
    receive_upload,
    recheck_upload,
    synchronise_upload,
    with_table_limits,
)
from satudata.catalog.tests.test_synchronisation import GOOD, SynchronisationSetup
from satudata.core.testing import PersonaTestCase


def _variable(agency: Agency, name: str, kind: str = DataType.INTEGER, **kw: object) -> Variable:
    return Variable.objects.create(agency=agency, name=name, data_type=kind, **kw)


class WholeNumberTests(PersonaTestCase):
    count: Variable
    share: Variable

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
    place: Variable
    year: Variable
    count: Variable
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


def _describe(dataset: Dataset, actor: object, **metadata: object) -> None:
    describe_dataset(
        actor=actor,  # type: ignore[arg-type]
        dataset=dataset,
        title=dataset.title,
        description=dataset.description,
        sector=dataset.sector,
        license_id=dataset.license_id,
        tags=[],
        topics=[],
        **metadata,  # type: ignore[arg-type]
    )


class DeclaredKeyTests(SynchronisationSetup):
    def setUp(self) -> None:
        self._metadata()
        self.vars = {v.name: v for v in Variable.objects.all()}
        self.dataset = create_dataset(actor=self.p.producer, item=self.item)

    def test_the_first_upload_is_checked_with_the_key_declared_before_it(self) -> None:
        keys = [self.vars["Kode Wilayah"], self.vars["Tahun"], self.vars["Jenis"]]
        _describe(self.dataset, self.p.producer, key_variables=keys)
        twice = GOOD.replace("Sumber", "18.10.01;2025;Rawat Inap;4\nSumber")
        with translation.override("id"):
            upload = self._received(twice)
            synchronise_upload(actor=self.p.producer, upload=upload)
        self.assertEqual(upload.status, UploadStatus.REJECTED)
        self.assertEqual(upload.key_columns, ["kode wilayah", "tahun", "jenis"])
        (finding,) = [f for f in upload.findings if f["row"] == 6]
        self.assertIn("kunci yang sama dengan baris 3", finding["message"])
        self.assertIn("jumlah 4 ≠ 2", finding["message"])

    def test_a_key_variable_missing_from_the_file_blocks_the_upload(self) -> None:
        extra = Variable.objects.create(
            agency=self.p.agency, name="Nomor Puskesmas", data_type=DataType.TEXT
        )
        _describe(self.dataset, self.p.producer, key_variables=[extra])
        with translation.override("id"):
            upload = self._received(GOOD)
            synchronise_upload(actor=self.p.producer, upload=upload)
        self.assertEqual(upload.status, UploadStatus.REJECTED)
        self.assertIn("Nomor Puskesmas", upload.findings[0]["message"])

    def test_a_key_with_a_missing_column_is_not_checked_and_the_report_says_so_once(self) -> None:
        """Each row is another kecamatan, the kecamatan column is missing: rows sharing the
        year and kind are no duplicates. A row pasted twice still is."""
        keys = [self.vars["Kode Wilayah"], self.vars["Tahun"], self.vars["Jenis"]]
        _describe(self.dataset, self.p.producer, key_variables=keys)
        csv = (
            "tahun;jenis;jumlah\n2025;Rawat Inap;2\n2025;Non Rawat Inap;3\n2025;Rawat Inap;4\n"
            "2025;Rawat Inap;4\n"
        )
        with translation.override("id"):
            upload = self._received(csv)
            synchronise_upload(actor=self.p.producer, upload=upload)
        self.assertEqual(upload.status, UploadStatus.REJECTED)
        messages = [f["message"] for f in upload.findings]
        self.assertFalse([m for m in messages if "kunci yang sama" in m], messages)
        self.assertIn("Baris 5 sama persis dengan baris 4.", messages)
        self.assertIn("Kode Wilayah", messages[0])  # the missing key column, as before
        self.assertEqual(upload.error_count, 2)
        self.assertEqual(
            [n["message"] for n in upload.notices if n["code"] == "key_not_checked"],
            ["Kunci tidak diperiksa: variabel kunci Kode Wilayah tidak ada kolomnya."],
        )

    def test_another_agencys_variable_cannot_be_part_of_the_key(self) -> None:
        theirs = Variable.objects.create(
            agency=self.p.other_agency, name="Kode", data_type=DataType.TEXT
        )
        _describe(self.dataset, self.p.producer, key_variables=[theirs, self.vars["Tahun"]])
        self.assertEqual(list(self.dataset.key_variables.all()), [self.vars["Tahun"]])


WIDE = "kode wilayah;2024;2025\n18.10.01;2;3\n18.10.02;tiga;4\n"


class WideTableMappingTests(SynchronisationSetup):
    def test_a_failed_recheck_with_years_as_rows_is_remembered_with_its_reshape(self) -> None:
        self._metadata()
        names = {v.name: v.pk for v in Variable.objects.all()}
        first = self._received(WIDE)
        synchronise_upload(actor=self.p.producer, upload=first)
        mapping: dict[str, int | None] = {
            "kode wilayah": names["Kode Wilayah"],
            "tahun": names["Tahun"],
            "nilai": names["Jumlah"],
        }
        with self.captureOnCommitCallbacks(execute=True):
            again = recheck_upload(
                actor=self.p.producer, upload=first, mapping=mapping, unpivot=True
            )
        again.refresh_from_db()
        self.assertEqual(again.status, UploadStatus.REJECTED)  # "tiga" is no number
        self.assertEqual(again.columns, ["kode wilayah", "tahun", "nilai"])
        dataset = Dataset.objects.get(pk=first.dataset_id)
        self.assertEqual((dataset.mapping, dataset.unpivot), (mapping, True))
        # The corrected file, still wide, is reshaped before the remembered mapping is applied.
        with self.captureOnCommitCallbacks(execute=True):
            fixed = receive_upload(
                actor=self.p.producer,
                dataset=dataset,
                filename="p2.csv",
                chunks=[WIDE.replace("tiga", "3").encode()],
            )
        fixed.refresh_from_db()
        self.assertTrue(fixed.unpivot)
        self.assertEqual(fixed.status, UploadStatus.SYNCHRONISED, fixed.findings)
        self.assertEqual(fixed.version.row_count, 4)


class TableLimitTests(SynchronisationSetup):
    def test_a_tables_own_limit_replaces_the_variables_for_that_table_only(self) -> None:
        self._metadata()
        jumlah = Variable.objects.get(name="Jumlah")
        dataset = create_dataset(actor=self.p.producer, item=self.item)
        limits = read_limits("jumlah: Nilai antara 0 dan 2", [jumlah])
        _describe(dataset, self.p.producer, rule_overrides=limits)
        with translation.override("id"):
            upload = self._received(GOOD)
            synchronise_upload(actor=self.p.producer, upload=upload)
        self.assertEqual(upload.status, UploadStatus.REJECTED)
        (finding,) = [f for f in upload.findings if f["severity"] == "error"]
        self.assertEqual(finding["row"], 4, upload.findings)
        self.assertIn("nilai terbesar yang diizinkan, 2", finding["message"])
        jumlah.refresh_from_db()
        self.assertEqual(jumlah.rules, [{"kind": "range", "min": 0}])

    def test_not_required_lifts_the_variables_rule_and_words_no_machine_reads_are_refused(
        self,
    ) -> None:
        self._metadata()
        code = Variable.objects.get(name="Kode Wilayah")
        limits = read_limits("Kode Wilayah: Tidak wajib", [code])
        lifted = with_table_limits({code.pk: code}, limits)[code.pk]
        self.assertEqual(lifted.rules, [])
        self.assertEqual(code.rules, [{"kind": "required"}])
        with translation.override("id"), self.assertRaises(Invalid) as refused:
            read_limits("Kode Wilayah: harus masuk akal", [code])
        self.assertIn("harus masuk akal", str(refused.exception))
        with translation.override("id"), self.assertRaises(Invalid):
            read_limits("Jumlah Bayi: Wajib diisi", [code])

    def test_the_describe_form_saves_the_key_and_the_limits(self) -> None:
        from django.urls import reverse

        self._metadata()
        names = {v.name: v for v in Variable.objects.all()}
        self.client.force_login(self.p.producer)
        answer = self.client.post(reverse("catalog:item-describe", args=[self.item.pk]))
        dataset = Dataset.objects.get(item=self.item)
        url = reverse("catalog:dataset-describe", args=[dataset.slug])
        self.assertRedirects(answer, url, fetch_redirect_response=False)
        form = self.client.get(url).context["form"]
        sent = {name: form[name].value() for name in form.fields}
        sent.update(
            topics=[],
            key_variables=[names["Kode Wilayah"].pk, names["Tahun"].pk],
            limits="Jumlah: Nilai paling besar 50; Wajib diisi",
        )
        self.client.post(url, sent)
        dataset.refresh_from_db()
        self.assertEqual(
            sorted(v.name for v in dataset.key_variables.all()), ["Kode Wilayah", "Tahun"]
        )
        self.assertEqual(
            dataset.rule_overrides,
            {str(names["Jumlah"].pk): [{"kind": "range", "max": 50}, {"kind": "required"}]},
        )
        again = self.client.get(url).context["form"]
        self.assertEqual(again["limits"].value(), "Jumlah: Nilai paling besar 50; Wajib diisi")


class MappingSuggestionTests(PersonaTestCase):
    count: Variable
    people: Variable
    women: Variable
    district: Variable

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        agency = cls.p.agency
        cls.count = _variable(agency, "Jumlah")
        cls.people = _variable(agency, "Jumlah Penduduk")
        cls.women = _variable(agency, "Jumlah Penduduk Perempuan")
        cls.district = _variable(
            agency, "Kecamatan", DataType.TEXT, header_spellings=["Wilayah Kerja", "Nama Kec"]
        )

    def _mapped(self, *columns: str) -> dict[str, str]:
        found = suggest_mapping(list(columns), Variable.objects.filter(agency=self.p.agency))
        return {columns[i]: v.name for i, v in found.items()}

    def test_it_never_maps_a_longer_header_to_a_shorter_variable(self) -> None:
        self.assertEqual(self._mapped("Jumlah Bayi"), {})
        self.assertEqual(self._mapped("Jumlah Penduduk Laki-laki"), {})

    def test_it_reads_common_abbreviations_and_the_other_header_spellings(self) -> None:
        self.assertEqual(
            self._mapped("Jml Penduduk", "Wilayah kerja", "JML. PDDK PEREMPUAN (jiwa)"),
            {
                "Jml Penduduk": "Jumlah Penduduk",
                "Wilayah kerja": "Kecamatan",
                "JML. PDDK PEREMPUAN (jiwa)": "Jumlah Penduduk Perempuan",
            },
        )

    def test_a_typo_maps_only_when_no_other_variable_comes_close(self) -> None:
        self.assertEqual(self._mapped("Jumlah Pendudk"), {"Jumlah Pendudk": "Jumlah Penduduk"})
        # "Penduduk" alone fits "Jumlah Penduduk" and "Jumlah Penduduk Perempuan" no better
        # than each other: nobody is sure, the producer chooses.
        self.assertEqual(self._mapped("Penduduk"), {})


class HeaderSpellingTests(PersonaTestCase):
    def test_the_spellings_go_through_the_form_and_the_interchange(self) -> None:
        from satudata.catalog.metadata import variables as msvar

        self.assertEqual(
            msvar.read_spellings("Jml Penduduk\n penduduk (jiwa) ; JML PENDUDUK\n\n"),
            ["Jml Penduduk", "penduduk (jiwa)"],
        )
        variable = _variable(self.p.agency, "Jumlah Penduduk", header_spellings=["Jml Pddk"])
        data = msvar.to_indah(variable)
        self.assertEqual(data["judul_kolom_lain"], ["Jml Pddk"])
        values, _codes, problems = msvar.from_indah(data)
        self.assertEqual((values["header_spellings"], problems), (["Jml Pddk"], []))
