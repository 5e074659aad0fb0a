"""Statistical metadata: the BPS forms' skip rules and answers, MS-Var rules in words, the
review by the Pembina Data, and JSON/XLSX interchange.

Messages are compared in English (the source language); test_i18n checks their translations."""

from __future__ import annotations

import io
import json
from typing import Any

import python_calamine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import SimpleTestCase, override_settings
from django.urls import reverse

from satudata.catalog.demo import sample_activity
from satudata.catalog.metadata import interchange, services
from satudata.catalog.metadata import variables as msvar
from satudata.catalog.metadata.spec import check, flatten, unflatten
from satudata.catalog.metadata.standard import MS_IND, MS_KEG
from satudata.catalog.models import (
    Activity,
    DataItem,
    DataList,
    DataType,
    Indicator,
    MetadataReview,
    ReviewDecision,
    ReviewStatus,
    Variable,
)
from satudata.core.testing import PersonaTestCase
from satudata.sop.models import SopTask, TaskStatus


def complete_activity(**changes: Any) -> dict[str, Any]:
    """The demo's administrative compilation, every applicable question answered, with some
    answers written as people and INDAH write them: a code sum, labels, Ya/Tidak, a date in
    words, an option list in text."""
    answers = sample_activity("Kompilasi Data Fasilitas Kesehatan 2025", 2025, "Dinas Kesehatan")
    answers["blok_iii"].update(
        rencana_jadwal_kegiatan={
            "pengumpulan_data": [{"awal": "2025-01-02", "akhir": "2025-01-31"}],
            "diseminasi_hasil": [{"awal": "2025-03-01", "akhir": "2025-03-31"}],
        },
        variabel_yang_dikumpulkan=[
            {"nama": "Jenis Puskesmas", "definisi": "Rawat inap atau tidak"},
            {"nama": "Jumlah", "definisi": "Banyaknya puskesmas", "konsep": "Fasilitas"},
        ],
    )
    answers["blok_iv"]["metode_pengumpulan_data"] = 8  # the paper form's code: data sekunder
    answers["blok_vii"].update(
        metode_analisis="Deskriptif",
        tingkat_penyajian_hasil_analisis="Kabupaten/Kota; Kecamatan",
    )
    answers["blok_vii"]["tahapan_pengolahan_data"]["validasi"] = "Ya"
    answers["blok_viii"].update(
        ketersediaan_produk_tercetak="Tidak",
        ketersediaan_produk_digital="Ya",
        rencana_jadwal_rilis_produk_digital="31 Maret 2025",
    )
    answers.update(changes)
    return answers


@override_settings(LANGUAGE_CODE="en")
class FormRulesTest(SimpleTestCase):
    def test_a_complete_compilation_has_nothing_blocking(self) -> None:
        checked = check(MS_KEG, complete_activity())
        self.assertEqual(checked.problems, [])
        self.assertEqual([str(p) for p in checked.blocking], [])
        # Completeness counts every question that applies, optional ones too (fax, the
        # planning stages of 3.3 left empty here): nothing blocks, yet it is not all answered.
        self.assertEqual((checked.filled, checked.applicable), (43, 49))
        schedule = complete_activity()
        schedule["blok_iii"]["rencana_jadwal_kegiatan"]["desain"] = [
            {"awal": "2024-12-01", "akhir": "2024-12-20"}
        ]
        self.assertEqual(check(MS_KEG, schedule).filled, 44)

    def test_answers_are_read_from_codes_labels_and_bit_sums(self) -> None:
        answers = check(MS_KEG, complete_activity()).answers
        self.assertEqual(
            answers["blok_iv"]["metode_pengumpulan_data"]["pengumpulan_data_sekunder"], True
        )
        self.assertEqual(answers["blok_iv"]["metode_pengumpulan_data"]["wawancara"], False)
        self.assertEqual(answers["blok_vii"]["metode_analisis"], "DESKRIPTIF")
        levels = answers["blok_vii"]["tingkat_penyajian_hasil_analisis"]
        self.assertTrue(levels["kabupaten_atau_kota"] and levels["kecamatan"])
        self.assertEqual(
            answers["blok_viii"]["rencana_jadwal_rilis_produk_digital"], ["2025-03-31"]
        )
        self.assertIs(answers["blok_vii"]["tahapan_pengolahan_data"]["validasi"], True)
        # 1 + 8: wawancara and data sekunder, as the paper form adds the boxes' codes.
        nine = check(MS_KEG, {"blok_iv": {"metode_pengumpulan_data": "9"}}).answers
        ticked = {k for k, v in nine["blok_iv"]["metode_pengumpulan_data"].items() if v is True}
        self.assertEqual(ticked, {"wawancara", "pengumpulan_data_sekunder"})

    def test_block_v_applies_only_to_surveys(self) -> None:
        sample = {"jenis_rancangan_sampel": "1", "unit_sampel": "Rumah tangga"}
        compilation = check(MS_KEG, complete_activity(blok_v=sample))
        self.assertIsNone(compilation.answers["blok_v"]["unit_sampel"])  # dropped, as skipped
        survey = check(MS_KEG, complete_activity(cara_pengumpulan_data="Survei", blok_v=sample))
        self.assertEqual(survey.answers["blok_v"]["unit_sampel"], "Rumah tangga")
        missing = {p.key for p in survey.blocking}
        self.assertIn("blok_v.unit_observasi", missing)
        self.assertIn("rekomendasi_bps", missing)  # asked of surveys only
        self.assertNotIn("identitas_rekomendasi", missing)  # only when a recommendation exists
        self.assertLess(survey.completeness, 100)

    def test_frequency_only_for_repeated_activities(self) -> None:
        once = complete_activity()
        once["blok_iv"] = {**once["blok_iv"], "kegiatan_ini_dilakukan": "1"}
        checked = check(MS_KEG, once)
        self.assertIsNone(checked.answers["blok_iv"]["frekuensi_penyelanggara"])
        self.assertEqual(checked.blocking, [])
        repeated = complete_activity()
        repeated["blok_iv"] = {**repeated["blok_iv"], "frekuensi_penyelanggara": ""}
        self.assertEqual(
            [p.key for p in check(MS_KEG, repeated).blocking], ["blok_iv.frekuensi_penyelanggara"]
        )

    def test_field_staff_questions_follow_the_collection_method(self) -> None:
        interview = complete_activity()
        interview["blok_iv"] = {**interview["blok_iv"], "metode_pengumpulan_data": "Wawancara"}
        missing = {p.key for p in check(MS_KEG, interview).blocking}
        self.assertIn("blok_vi.jumlah_petugas_enumerator", missing)
        self.assertIn("blok_vi.apakah_melakukan_uji_coba", missing)

    def test_unreadable_answers_say_where_and_what(self) -> None:
        checked = check(
            MS_KEG,
            complete_activity(
                sektor_kegiatan="Pariwisata",
                blok_iii={"rencana_jadwal_kegiatan": {"desain": [{"awal": "30 Februari 2025"}]}},
            ),
        )
        messages = [str(p) for p in checked.problems]
        self.assertTrue(
            any(m.startswith("Sektor kegiatan: 'Pariwisata' is not one of") for m in messages),
            messages,
        )
        self.assertTrue(any("3.3 (1)" in m and "not a date" in m for m in messages), messages)

    def test_consistency_rules(self) -> None:
        answers = complete_activity(cara_pengumpulan_data="SURVEI")
        answers["blok_iii"]["rencana_jadwal_kegiatan"]["analisis"] = [
            {"awal": "2025-05-01", "akhir": "2025-04-01"}
        ]
        answers["blok_v"] = {
            "metode_pemilihan_sampel_tahap_terakhir": "1",
            "metode_yang_digunakan": "Purposive sampling",
        }
        messages = [p.message for p in check(MS_KEG, answers).blocking]
        self.assertIn("The end date is before the start date.", messages)
        self.assertIn("This method does not belong to the kind of sample chosen in 5.2.", messages)

    def test_other_answer_needs_its_name(self) -> None:
        answers = complete_activity()
        answers["blok_iv"]["sarana_pengumpulan_data"] = {"lainnya": True}
        blocking = check(MS_KEG, answers).blocking
        self.assertEqual([p.key for p in blocking], ["blok_iv.sarana_pengumpulan_data"])

    def test_composite_indicators_name_indicators_others_variables(self) -> None:
        base = {
            "nama": "IPM",
            "apakah_indikator_komposit": "Ya",
            "indikator_pembangun": [{"nama": "Umur harapan hidup", "publikasi": "BRS"}],
            "variabel_pembangun": [{"nama": "Jumlah penduduk"}],
        }
        composite = check(MS_IND, base).answers
        self.assertEqual(composite["variabel_pembangun"], [])
        self.assertEqual(len(composite["indikator_pembangun"]), 1)
        plain = check(MS_IND, {**base, "apakah_indikator_komposit": "Tidak"})
        self.assertEqual(plain.answers["indikator_pembangun"], [])
        self.assertIn("variabel_pembangun.1.kegiatan_penghasil", {p.key for p in plain.blocking})

    def test_form_sheet_rows_read_back_to_the_same_answers(self) -> None:
        answers = check(MS_KEG, complete_activity()).answers
        rows = list(flatten(MS_KEG, answers))
        back = check(MS_KEG, unflatten(MS_KEG, [(key, shown) for _n, _q, key, shown in rows]))
        self.assertEqual(back.problems, [])
        self.assertEqual(back.answers, answers)


@override_settings(LANGUAGE_CODE="en")
class VariableWordsTest(SimpleTestCase):
    def test_rules_survive_being_written_in_words(self) -> None:
        rules: list[dict[str, Any]] = [
            {"kind": "required"},
            {"kind": "range", "min": 0, "max": 100},
            {"kind": "range", "min": 1.5},
            {"kind": "pattern", "regex": "^[0-9]{16}$"},
            {"kind": "max_length", "value": 50},
            {"kind": "note", "text": "Umur ibu lebih besar dari umur anak"},
        ]
        self.assertEqual(msvar.read_rules([msvar.rule_text(r) for r in rules]), rules)
        self.assertEqual(
            msvar.read_rules("Nilai antara 0 sampai 150"),
            [{"kind": "range", "min": 0, "max": 150}],
        )

    def test_code_lists_and_types(self) -> None:
        self.assertEqual(
            msvar.read_codes("1 = Laki-laki\n2 = Perempuan"),
            [("1", "Laki-laki"), ("2", "Perempuan")],
        )
        with self.assertRaisesMessage(ValueError, "appears twice"):
            msvar.read_codes("1 = A\n1 = B")
        with self.assertRaisesMessage(ValueError, "Line 2"):
            msvar.read_codes("1 = A\nB")
        self.assertEqual(msvar.read_type("Numerik"), DataType.DECIMAL)
        with self.assertRaisesMessage(ValueError, "Unknown data type 'gambar'"):
            msvar.read_type("gambar")


@override_settings(LANGUAGE_CODE="en")
class ReviewTest(PersonaTestCase):
    def _activity(self, **changes: Any) -> Activity:
        return services.save_activity(
            actor=self.p.producer, agency=self.p.agency, answers=complete_activity(**changes)
        )

    def test_producers_write_only_their_own_agency(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.save_activity(
                actor=self.p.other_producer, agency=self.p.agency, answers=complete_activity()
            )
        with self.assertRaises(PermissionDenied):
            services.save_activity(
                actor=self.p.pembina, agency=self.p.agency, answers=complete_activity()
            )

    def test_a_draft_may_be_incomplete_but_cannot_be_submitted(self) -> None:
        activity = self._activity(blok_i={})
        self.assertLess(activity.completeness, 100)
        with self.assertRaises(services.MetadataIncomplete) as caught:
            services.submit_for_review(actor=self.p.producer, obj=activity)
        self.assertIn("blok_i.instansi_penyelanggara", {p.key for p in caught.exception.problems})
        activity.refresh_from_db()
        self.assertEqual(activity.review_status, ReviewStatus.DRAFT)

    def test_unreadable_answers_save_nothing(self) -> None:
        with self.assertRaises(services.MetadataInvalid):
            self._activity(tahun="dua ribu dua puluh lima")
        self.assertFalse(Activity.objects.exists())

    def test_submit_return_resubmit_approve(self) -> None:
        activity = self._activity()
        with self.captureOnCommitCallbacks(execute=True):
            services.submit_for_review(actor=self.p.producer, obj=activity)
        task = SopTask.objects.open_for(activity, "sinkronisasi").get()
        self.assertIn(self.p.pembina.email, mail.outbox[-1].to)
        with self.assertRaises(PermissionDenied):
            services.review(actor=self.p.walidata, obj=activity, approve=True)
        with self.assertRaises(services.MetadataInvalid):
            services.review(actor=self.p.pembina, obj=activity, approve=False, comment=" ")
        with self.captureOnCommitCallbacks(execute=True):
            services.review(
                actor=self.p.pembina,
                obj=activity,
                approve=False,
                comment="Lengkapi tujuan kegiatan.",
            )
        activity.refresh_from_db()
        task.refresh_from_db()
        self.assertEqual(activity.review_status, ReviewStatus.RETURNED)
        self.assertEqual(task.status, TaskStatus.DONE)
        self.assertIn(self.p.producer.email, mail.outbox[-1].to)
        services.submit_for_review(actor=self.p.producer, obj=activity)
        services.review(actor=self.p.pembina, obj=activity, approve=True)
        activity.refresh_from_db()
        self.assertEqual(activity.review_status, ReviewStatus.APPROVED)
        self.assertEqual(activity.reviewed_by, self.p.pembina)
        decisions = [h.decision for h in services.history(activity)]
        self.assertEqual(decisions, ["submitted", "returned", "submitted", "approved"])
        # A second decision on the same record (two reviewers at once) is refused clearly.
        with self.assertRaisesMessage(services.ReviewConflict, "no longer waiting"):
            services.review(actor=self.p.pembina, obj=activity, approve=False, comment="x")

    def test_a_change_after_approval_reopens_and_keeps_the_approved_text(self) -> None:
        activity = self._activity()
        services.submit_for_review(actor=self.p.producer, obj=activity)
        services.review(actor=self.p.pembina, obj=activity, approve=True)
        approved = dict(Activity.objects.get(pk=activity.pk).answers)
        changed = complete_activity()
        changed["blok_iii"]["tujuan_kegiatan"] = "Tujuan baru."
        services.save_activity(
            actor=self.p.producer, agency=self.p.agency, answers=changed, activity=activity
        )
        activity.refresh_from_db()
        self.assertEqual(activity.review_status, ReviewStatus.DRAFT)
        reopened = MetadataReview.objects.get(decision=ReviewDecision.REOPENED)
        self.assertEqual(reopened.answers, approved)

    def test_variables_from_the_activity_list(self) -> None:
        activity = self._activity()
        made = services.create_variables_from_activity(actor=self.p.producer, activity=activity)
        self.assertEqual(made, 2)
        jumlah = Variable.objects.get(agency=self.p.agency, name="Jumlah")
        self.assertEqual((jumlah.definition, jumlah.activity), ("Banyaknya puskesmas", activity))
        self.assertEqual(
            services.create_variables_from_activity(actor=self.p.producer, activity=activity), 0
        )

    def test_indicator_links_and_requires_its_building_variables(self) -> None:
        Variable.objects.create(
            agency=self.p.agency,
            name="Jumlah Penduduk",
            alias="penduduk",
            data_type=DataType.INTEGER,
        )
        indicator = services.save_indicator(
            actor=self.p.producer,
            agency=self.p.agency,
            answers={
                "nama": "Rasio Puskesmas",
                "apakah_indikator_komposit": False,
                "variabel_pembangun": [
                    {"nama": "penduduk", "kegiatan_penghasil": "Registrasi"},
                    {"nama": "Jumlah Puskesmas", "kegiatan_penghasil": "Kompilasi"},
                ],
            },
        )
        self.assertEqual([v.name for v in indicator.building_variables.all()], ["Jumlah Penduduk"])
        _completeness, blocking = services.review_state(indicator)
        self.assertIn("'Jumlah Puskesmas' has no MS-Var", " ".join(p.message for p in blocking))

    def test_variable_completeness_and_required_fields(self) -> None:
        variable = services.save_variable(
            actor=self.p.producer,
            agency=self.p.agency,
            values={"name": "Jenis Kelamin", "data_type": DataType.CATEGORY},
            codes=[],
        )
        completeness, blocking = services.review_state(variable)
        self.assertEqual({p.key for p in blocking}, {"konsep", "definisi", "value_domain"})
        variable = services.save_variable(
            actor=self.p.producer,
            agency=self.p.agency,
            variable=variable,
            values={
                "concept": "Jenis kelamin",
                "definition": "Laki-laki atau perempuan",
                "rules": [{"kind": "required"}],
            },
            codes=[("1", "Laki-laki"), ("2", "Perempuan")],
        )
        later, blocking = services.review_state(variable)
        self.assertEqual(blocking, [])
        self.assertGreater(later, completeness)
        self.assertEqual(variable.completeness, later)


@override_settings(LANGUAGE_CODE="en")
class InterchangeTest(PersonaTestCase):
    def _records(self) -> tuple[Activity, Variable, Indicator]:
        activity = services.save_activity(
            actor=self.p.producer,
            agency=self.p.agency,
            answers=complete_activity(),
            code="V-25.1810.001",
        )
        variable = services.save_variable(
            actor=self.p.producer,
            agency=self.p.agency,
            values={
                "name": "Jenis Puskesmas",
                "alias": "jenis",
                "concept": "Fasilitas",
                "definition": "Rawat inap atau tidak",
                "data_type": DataType.CATEGORY,
                "rules": [{"kind": "required"}, {"kind": "note", "text": "Sesuai izin"}],
                "activity": activity,
            },
            codes=[("1", "Rawat Inap"), ("2", "Non Rawat Inap")],
        )
        indicator = services.save_indicator(
            actor=self.p.producer,
            agency=self.p.agency,
            activity=activity,
            answers={
                "nama": "Persentase Puskesmas Rawat Inap",
                "konsep": "Akses",
                "apakah_indikator_komposit": "Tidak",
                "variabel_pembangun": [
                    {"nama": "Jenis Puskesmas", "kegiatan_penghasil": activity.title}
                ],
                "level_estimasi": "Kabupaten/Kota; Kecamatan",
            },
        )
        return activity, variable, indicator

    def _snapshot(self) -> list[Any]:
        return [
            [(a.title, a.year, a.code, a.answers) for a in Activity.objects.order_by("pk")],
            [
                (
                    v.name,
                    v.alias,
                    v.concept,
                    v.data_type,
                    v.rules,
                    v.activity.title,
                    [(c.code, c.label) for c in v.codes.all()],
                )
                for v in Variable.objects.order_by("pk")
            ],
            [
                (i.name, i.answers, i.activity.title, [v.name for v in i.building_variables.all()])
                for i in Indicator.objects.order_by("pk")
            ],
        ]

    def _round_trip(self, content: bytes, filename: str) -> None:
        before = self._snapshot()
        Indicator.objects.all().delete()
        Variable.objects.all().delete()
        Activity.objects.all().delete()
        outcome = interchange.plan(self.p.agency, interchange.read_file(content, filename))
        self.assertEqual(outcome.problems, [])
        saved = interchange.apply(
            actor=self.p.producer, agency=self.p.agency, outcome=outcome, filename=filename
        )
        self.assertEqual(saved, 3)
        self.assertEqual(self._snapshot(), before)

    def test_json_round_trip_with_indah_keys(self) -> None:
        activity, variable, indicator = self._records()
        content = interchange.export_json([activity, variable, indicator])
        payload = json.loads(content)
        self.assertEqual([p["jenis"] for p in payload], ["MS_KEG", "MS_VAR", "MS_IND"])
        self.assertEqual(payload[0]["data"]["blok_i"]["instansi_penyelanggara"], "Dinas Kesehatan")
        self.assertEqual(
            payload[1]["data"]["value_domain"][0], {"kode": "1", "nilai": "Rawat Inap"}
        )
        self.assertEqual(payload[1]["kegiatan"]["judul_kegiatan"], activity.title)
        self.assertEqual(
            payload[2]["data"]["variabel_pembangun"][0]["kegiatan_penghasil"][0]["judul_kegiatan"],
            activity.title,
        )
        self.assertEqual(payload[2]["data"]["level_estimasi"], "Kabupaten/Kota; Kecamatan")
        self._round_trip(content, "metadata.json")

    def test_xlsx_round_trip(self) -> None:
        activity, _variable, indicator = self._records()
        content = interchange.export_xlsx([activity, indicator])
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        self.assertEqual(book.sheet_names, ["MS-Keg", "MS-Ind", "MS-Var"])
        self._round_trip(content, "metadata.xlsx")

    def test_a_bad_record_imports_nothing(self) -> None:
        payload = [
            {"jenis": "MS_KEG", "data": complete_activity(judul_kegiatan="Lain 2025")},
            {"jenis": "MS_VAR", "data": {"nama": "Umur", "tipe_data": "gambar"}},
        ]
        records = interchange.read_file(json.dumps(payload).encode(), "m.json")
        outcome = interchange.plan(self.p.agency, records)
        self.assertEqual(
            [(r.where, str(p)) for r, p in outcome.problems],
            [
                (
                    "record 2",
                    "9 Tipe data: Unknown data type 'gambar'; write one of: "
                    "Bilangan bulat, Desimal, Teks, Tanggal, Tahun, Kode wilayah, Kategori.",
                )
            ],
        )
        with self.assertRaises(services.MetadataInvalid):
            interchange.apply(
                actor=self.p.producer, agency=self.p.agency, outcome=outcome, filename="m.json"
            )
        self.assertFalse(Activity.objects.exists())

    def test_files_that_are_not_metadata(self) -> None:
        for content, name, message in (
            (b"{not json", "m.json", "not valid JSON"),
            (b'[{"foo": 1}]', "m.json", "neither MS-Keg, MS-Var nor MS-Ind"),
            (b"\x89PNG\r\n", "m.xlsx", "could not be opened as a spreadsheet"),
            (b"a,b", "m.csv", "Send a .json or .xlsx file"),
        ):
            with (
                self.subTest(name=name),
                self.assertRaisesMessage(interchange.UnreadableMetadata, message),
            ):
                interchange.read_file(content, name)

    def test_an_indah_style_indicator(self) -> None:
        """Shapes as INDAH sends them: arrays of concepts, nested publications, text levels."""
        payload = {
            "version": "v2",
            "data": {
                "nama": "Indeks Pembangunan Manusia",
                "konsep": ["Capaian pembangunan manusia"],
                "apakah_indikator_komposit": True,
                "indikator_pembangun": [
                    {
                        "nama": "Umur Harapan Hidup",
                        "ketersediaan_publikasi": [
                            {
                                "nama": "Berita Resmi Statistik",
                                "link_eksternal_yang_bisa_diakses": "-",
                            }
                        ],
                    }
                ],
                "level_estimasi": "Kabupaten/Kota",
                "apakah_indikator_bisa_diakses_umum": True,
            },
        }
        [incoming] = interchange.read_file(json.dumps(payload).encode(), "ipm.json")
        self.assertEqual(incoming.problems, [])
        self.assertEqual(incoming.data["konsep"], "Capaian pembangunan manusia")
        self.assertEqual(
            incoming.data["indikator_pembangun"][0]["publikasi"], "Berita Resmi Statistik"
        )
        self.assertTrue(incoming.data["level_estimasi"]["kabupaten_kota"])


@override_settings(LANGUAGE_CODE="en")
class MetadataPagesTest(PersonaTestCase):
    def test_producer_fills_the_form_with_skip_rules_and_rows(self) -> None:
        item = DataItem.objects.create(
            data_list=DataList.objects.create(year=2026),
            number=1,
            agency=self.p.agency,
            name="Jumlah Puskesmas",
            frequency="tahunan",
        )
        self.client.force_login(self.p.producer)
        page = self.client.get(reverse("catalog:metadata-new", args=["kegiatan"]))
        self.assertContains(page, "Blok V. Desain sampel")
        self.assertContains(page, 'data-when="{&quot;key&quot;: &quot;cara_pengumpulan_data&quot;')
        response = self.client.post(
            reverse("catalog:metadata-new", args=["kegiatan"]),
            {
                "agency": self.p.agency.pk,
                "items": [item.pk],
                "judul_kegiatan": "Survei Kepuasan Masyarakat 2025",
                "tahun": "2025",
                "cara_pengumpulan_data": "SURVEI",
                "blok_iv.metode_pengumpulan_data": ["wawancara", "lainnya"],
                "blok_iv.metode_pengumpulan_data.metode_pengumpulan_lainnya": "Formulir daring",
                "blok_iii.variabel_yang_dikumpulkan.1.nama": "Umur",
                "blok_iii.variabel_yang_dikumpulkan.1.definisi": "Umur responden",
                "blok_iii.variabel_yang_dikumpulkan.2.nama": "",
                "blok_v.unit_sampel": "Pengguna layanan",
            },
        )
        activity = Activity.objects.get()
        self.assertRedirects(
            response, reverse("catalog:metadata-detail", args=["kegiatan", activity.pk])
        )
        self.assertEqual(activity.answers["blok_v"]["unit_sampel"], "Pengguna layanan")
        self.assertEqual(
            activity.answers["blok_iii"]["variabel_yang_dikumpulkan"],
            [{"nama": "Umur", "konsep": "", "definisi": "Umur responden", "referensi_waktu": ""}],
        )
        self.assertEqual(DataItem.objects.get(pk=item.pk).activity, activity)
        detail = self.client.get(reverse("catalog:metadata-detail", args=["kegiatan", activity.pk]))
        self.assertContains(detail, "Formulir daring")
        self.assertContains(detail, "Before it can be submitted")
        # A bad answer saves nothing and is shown at its question.
        bad = self.client.post(
            reverse("catalog:metadata-edit", args=["kegiatan", activity.pk]),
            {
                "judul_kegiatan": "Survei Kepuasan Masyarakat 2025",
                "tahun": "2025",
                "blok_iii.rencana_jadwal_kegiatan.desain.1.awal": "kemarin",
            },
        )
        self.assertContains(bad, "Nothing was saved")
        self.assertContains(bad, "not a date")
        self.assertEqual(
            Activity.objects.get().answers["blok_v"]["unit_sampel"], "Pengguna layanan"
        )

    def test_drafts_are_private_approved_metadata_public(self) -> None:
        activity = services.save_activity(
            actor=self.p.producer, agency=self.p.agency, answers=complete_activity()
        )
        url = reverse("catalog:metadata-detail", args=["kegiatan", activity.pk])
        self.assertEqual(self.client.get(url).status_code, 404)
        self.client.force_login(self.p.other_producer)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.client.force_login(self.p.pembina)
        self.assertEqual(self.client.get(url).status_code, 200)
        services.submit_for_review(actor=self.p.producer, obj=activity)
        response = self.client.post(
            reverse("catalog:metadata-review", args=["kegiatan", activity.pk]),
            {"decision": "approve"},
        )
        self.assertEqual(response.status_code, 302)
        self.client.logout()
        self.assertContains(self.client.get(url), "Approved by the Pembina Data")
        self.assertContains(self.client.get(reverse("catalog:metadata-index")), activity.title)

    def test_variable_form_and_import_page(self) -> None:
        self.client.force_login(self.p.producer)
        response = self.client.post(
            reverse("catalog:metadata-new", args=["variabel"]),
            {
                "agency": self.p.agency.pk,
                "name": "Jenis Kelamin",
                "data_type": "category",
                "codes": "1 = Laki-laki\n2 = Perempuan",
                "rule_required": "on",
                "is_public": "on",
                "rule_min": "",
                "rule_notes": "Sesuai KTP",
            },
        )
        variable = Variable.objects.get()
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            variable.rules, [{"kind": "required"}, {"kind": "note", "text": "Sesuai KTP"}]
        )
        self.assertEqual(variable.codes.count(), 2)
        bad = self.client.post(
            reverse("catalog:metadata-new", args=["variabel"]),
            {
                "agency": self.p.agency.pk,
                "name": "Umur",
                "data_type": "integer",
                "rule_min": "10",
                "rule_max": "5",
                "codes": "1 Laki",
            },
        )
        self.assertContains(bad, "is not &#x27;code = label&#x27;")
        self.assertContains(bad, "The largest value is below the smallest.")
        exported = self.client.get(
            reverse("catalog:metadata-file", args=["variabel", variable.pk, "json"])
        )
        variable.codes.all().delete()
        Variable.objects.all().delete()
        upload = io.BytesIO(exported.content)
        upload.name = "ms-var.json"
        imported = self.client.post(
            reverse("catalog:metadata-import"), {"agency": self.p.agency.pk, "file": upload}
        )
        self.assertEqual(imported.status_code, 302)
        self.assertEqual(Variable.objects.get().codes.count(), 2)

    def test_the_daftar_data_links_metadata_the_visitor_may_open(self) -> None:
        data_list = DataList.objects.create(year=2026)
        item = DataItem.objects.create(
            data_list=data_list,
            number=1,
            agency=self.p.agency,
            name="Jumlah Puskesmas",
            frequency="tahunan",
        )
        activity = services.save_activity(
            actor=self.p.producer,
            agency=self.p.agency,
            answers=complete_activity(),
            items=[item],
        )
        link = reverse("catalog:metadata-detail", args=["kegiatan", activity.pk])
        page = reverse("catalog:datalist-detail", args=[2026])
        self.client.force_login(self.p.walidata)  # the draft list is the Walidata's
        self.assertContains(self.client.get(page), link)
        from satudata.catalog.exports import data_list_xlsx

        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data_list_xlsx(data_list)))
        rows = book.get_sheet_by_index(0).to_python()
        self.assertEqual(rows[3][-1], "STATISTICAL METADATA")
        self.assertEqual(rows[4][-1], f"MS-Keg: {activity.title} (Draft)")
        data_list.status = "approved"
        data_list.save()
        self.client.logout()
        self.assertNotContains(self.client.get(page), link)  # a draft stays with its agency
        services.submit_for_review(actor=self.p.producer, obj=activity)
        services.review(actor=self.p.pembina, obj=activity, approve=True)
        self.assertContains(self.client.get(page), link)
