"""The dissemination report: generated and read back (PDF, DOCX, XLSX), its workflow by role,
frozen figures, versions, sanitised narrative and publication through the release workflow."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import docx
import python_calamine
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from satudata.accounts.models import Notification
from satudata.core.testing import PersonaTestCase
from satudata.releases.models import Release, ReleaseEntry, ReleaseState
from satudata.reports import report_services as services
from satudata.reports.models import Report, ReportState
from satudata.reports.report_periods import month, parse
from satudata.reports.tests.reportdata import known_figures
from satudata.sop.models import SopTask

NIP = "197001011995031001"


def _read(report: Report, fmt: str) -> bytes:
    with default_storage.open(report.file_for(fmt).name, "rb") as handle:
        return handle.read()


def pdf_text(report: Report) -> str:
    pages = PdfReader(io.BytesIO(_read(report, "pdf"))).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def docx_text(report: Report) -> str:
    document = docx.Document(io.BytesIO(_read(report, "docx")))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def xlsx_rows(report: Report, sheet: str) -> list[list[Any]]:
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(_read(report, "xlsx")))
    return book.get_sheet_by_name(sheet).to_python()


class ReportTests(PersonaTestCase):
    period = month(2026, 1)

    def generate(self, actor: Any = None) -> Report:
        with known_figures(), self.captureOnCommitCallbacks(execute=True):
            report = services.generate_report(actor=actor or self.p.walidata, period=self.period)
        report.refresh_from_db()
        self.assertEqual(report.generation, "selesai", report.generation_error)
        return report

    def signed(self) -> Report:
        report = self.generate()
        with known_figures(), self.captureOnCommitCallbacks(execute=True):
            services.submit_report(actor=self.p.walidata, report=report)
            services.review_report(actor=self.p.kepala_bidang, report=report, approve=True)
            services.sign_report(
                actor=self.p.kepala_dinas,
                report=report,
                name="Drs. Sri Wahyuni",
                nip=NIP,
                title="Kepala Dinas Kominfo",
                signed_on=dt.date(2026, 2, 10),
            )
        report.refresh_from_db()
        return report

    def test_it_generates_the_three_files_and_they_read_back_with_the_kpi_table(self) -> None:
        report = self.generate()
        text = pdf_text(report)
        self.assertIn("Ketepatan waktu rilis", text)
        self.assertIn("12.345", text)  # Indonesian thousands
        self.assertIn("87,5", text)  # and decimals
        self.assertIn("DATA CONTOH", text)
        self.assertIn("Januari 2026", text)
        words = docx_text(report)
        self.assertIn("Unduhan berkas", words)
        self.assertIn("12.345", words)
        rows = xlsx_rows(report, "1-kpi")
        unduhan = next(r for r in rows if r[1] == "unduhan")
        self.assertEqual(unduhan[4], 12345)
        ikm = next(r for r in rows if r[1] == "ikm")
        self.assertNotEqual(ikm[4], 0)  # not available is never zero
        self.assertIsInstance(ikm[4], str)
        self.assertTrue(report.is_sample)
        self.assertEqual(len(report.pdf_sha256), 64)

    def test_the_sop_task_opens_with_the_first_version_and_finishes_when_signed(self) -> None:
        report = self.generate()
        task = SopTask.objects.for_subject(report).get(step__code="laporan")
        self.assertIsNone(task.completed_at)
        self.signed()
        task.refresh_from_db()
        self.assertIsNotNone(task.completed_at)

    def test_review_and_signing_belong_to_their_roles(self) -> None:
        report = self.generate()
        with self.captureOnCommitCallbacks(execute=True):
            services.submit_report(actor=self.p.walidata, report=report)
        self.client.force_login(self.p.walidata)
        answer = self.client.post(
            reverse("laporan:review", args=[report.uuid]), {"decision": "setuju"}
        )
        self.assertEqual(answer.status_code, 403)
        self.client.force_login(self.p.kepala_dinas)
        answer = self.client.post(
            reverse("laporan:review", args=[report.uuid]), {"decision": "setuju"}
        )
        self.assertEqual(answer.status_code, 403)
        self.client.force_login(self.p.kepala_bidang)
        self.client.post(reverse("laporan:review", args=[report.uuid]), {"decision": "setuju"})
        report.refresh_from_db()
        self.assertEqual(report.state, ReportState.REVIEWED)
        sign = {"name": "Sri", "nip": NIP, "title": "Kepala Dinas", "signed_on": "2026-02-10"}
        answer = self.client.post(reverse("laporan:sign", args=[report.uuid]), sign)
        self.assertEqual(answer.status_code, 403)
        self.client.force_login(self.p.kepala_dinas)
        answer = self.client.post(
            reverse("laporan:sign", args=[report.uuid]), {**sign, "nip": "123"}, follow=True
        )
        report.refresh_from_db()
        self.assertEqual(report.state, ReportState.REVIEWED)
        self.assertContains(answer, "NIP")
        with known_figures(), self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("laporan:sign", args=[report.uuid]), sign)
        report.refresh_from_db()
        self.assertEqual(report.state, ReportState.SIGNED)
        self.assertIn(NIP, pdf_text(report))  # the signature block, re-rendered
        self.assertIn(NIP, docx_text(report))

    def test_a_return_needs_a_note_and_reaches_the_walidata(self) -> None:
        report = self.generate()
        with self.captureOnCommitCallbacks(execute=True):
            services.submit_report(actor=self.p.walidata, report=report)
        with self.assertRaises(services.ReportRefused):
            services.review_report(actor=self.p.kepala_bidang, report=report, approve=False)
        services.review_report(
            actor=self.p.kepala_bidang, report=report, approve=False, note="Lengkapi bab 5"
        )
        report.refresh_from_db()
        self.assertEqual(report.state, ReportState.RETURNED)
        self.assertTrue(
            Notification.objects.filter(user=self.p.walidata, title__contains="2026-01").exists()
        )

    def test_publishing_an_unsigned_report_is_refused_with_the_reason(self) -> None:
        report = self.generate()
        # The reason, in the tests' language (Indonesian since the translations were merged).
        with self.assertRaisesRegex(services.ReportRefused, "signed|ditandatangani"):
            services.publish_report(actor=self.p.walidata, report=report)
        self.client.force_login(self.p.walidata)
        answer = self.client.post(reverse("laporan:publish", args=[report.uuid]), follow=True)
        self.assertContains(answer, "Kepala Dinas")
        self.assertFalse(Release.objects.exists())
        report.refresh_from_db()
        self.assertEqual(report.state, ReportState.DRAFT)

    def test_a_signed_report_goes_out_through_the_release_workflow(self) -> None:
        from satudata.releases.services import publish_now

        report = self.signed()
        release = services.publish_report(actor=self.p.walidata, report=report)
        report.refresh_from_db()
        self.assertEqual(report.state, ReportState.PUBLISHED)
        self.assertEqual(release.state, ReleaseState.SUBMITTED)
        assert report.product_version is not None
        product = report.product_version.product
        self.assertEqual(
            self.client.get(reverse("products:detail", args=[product.slug])).status_code, 404
        )
        publish_now(actor=self.p.kepala_bidang, release=release, reason="Laporan berkala")
        self.client.logout()
        page = self.client.get(reverse("products:detail", args=[product.slug]))
        self.assertEqual(page.status_code, 200)
        name = f"laporan-diseminasi-{report.period_label}-v1.pdf"
        answer = self.client.get(reverse("products:file", args=[product.slug, 1, name]))
        self.assertEqual(answer.status_code, 200)
        self.assertEqual(b"".join(answer.streaming_content)[:4], b"%PDF")  # type: ignore[attr-defined]

    def test_a_frozen_report_does_not_change_when_new_data_arrive(self) -> None:
        report = self.generate()
        before = report.snapshot
        ReleaseEntry.objects.create(
            title="Data Baru Sesudahnya",
            agency=self.p.agency,
            planned_at=timezone.make_aware(dt.datetime(2026, 1, 20, 9, 30)),
        )
        with known_figures(), self.captureOnCommitCallbacks(execute=True):
            services.edit_narrative(
                actor=self.p.walidata, report=report, key="ringkasan", text="Teks"
            )
        report.refresh_from_db()
        self.assertEqual(report.snapshot, before)
        self.assertNotIn("Data Baru Sesudahnya", pdf_text(report))
        self.assertIn("Teks", pdf_text(report))
        newer = self.generate()
        self.assertIn("Data Baru Sesudahnya", str(newer.snapshot))
        self.assertEqual(newer.version, 2)

    def test_regenerating_while_in_review_makes_a_new_draft_and_tells_the_reviewer(self) -> None:
        report = self.generate()
        with known_figures(), self.captureOnCommitCallbacks(execute=True):
            services.edit_narrative(
                actor=self.p.walidata, report=report, key="tindak_lanjut", text="Rencana A"
            )
        services.submit_report(actor=self.p.walidata, report=report)
        Notification.objects.all().delete()
        newer = self.generate()
        report.refresh_from_db()
        self.assertEqual(report.state, ReportState.SUBMITTED)
        self.assertEqual(report.version, 1)
        self.assertEqual(newer.state, ReportState.DRAFT)
        self.assertEqual(newer.narrative.get(key="tindak_lanjut").text, "Rencana A")
        told = Notification.objects.filter(user=self.p.kepala_bidang)
        self.assertEqual(told.count(), 1)
        self.assertIn("(2)", told.get().title)

    def test_signing_a_newer_version_supersedes_the_older_ones(self) -> None:
        first = self.generate()
        second = self.signed()
        first.refresh_from_db()
        self.assertEqual(second.version, 2)
        self.assertEqual(first.state, ReportState.SUPERSEDED)

    def test_narrative_markup_is_sanitised(self) -> None:
        report = self.generate()
        with known_figures(), self.captureOnCommitCallbacks(execute=True):
            services.edit_narrative(
                actor=self.p.walidata,
                report=report,
                key="ringkasan",
                text="<script>alert('x')</script>\n\n**Naik** <b>tebal</b>",
            )
        self.client.force_login(self.p.walidata)
        page = self.client.get(reverse("laporan:detail", args=[report.uuid])).content.decode()
        self.assertNotIn("<script>alert", page)
        self.assertIn("<strong>Naik</strong>", page)
        report.refresh_from_db()
        self.assertNotIn("alert", pdf_text(report))
        self.assertNotIn("<b>", docx_text(report))

    def test_narrative_of_a_submitted_version_cannot_change(self) -> None:
        report = self.generate()
        with self.captureOnCommitCallbacks(execute=True):
            services.submit_report(actor=self.p.walidata, report=report)
        with self.assertRaises(services.ReportRefused):
            services.edit_narrative(actor=self.p.walidata, report=report, key="ringkasan", text="x")

    def test_a_period_with_no_activity_says_not_available_never_zero(self) -> None:
        with known_figures(kpis=[]):
            report = self.generate()
        assert report.snapshot is not None
        sections = {s["key"]: s for s in report.snapshot["sections"]}
        self.assertFalse(sections["kalender"]["available"])
        self.assertFalse(sections["produk"]["available"])
        self.assertFalse(sections["layanan"]["available"])
        facts = dict(sections["layanan"]["facts"])
        self.assertTrue(all(v is None for k, v in facts.items() if "IKM" in k))
        self.assertIsNone(sections["produk"]["facts"][0][1])

    def test_the_pages_answer_by_role(self) -> None:
        report = self.generate()
        urls = [
            reverse("laporan:list"),
            reverse("laporan:detail", args=[report.uuid]),
            reverse("laporan:status", args=[report.uuid]),
            reverse("laporan:file", args=[report.uuid, "pdf"]),
        ]
        for url in urls:
            self.assertEqual(self.client.get(url).status_code, 302, url)
        self.client.force_login(self.p.producer)
        for url in urls:
            self.assertEqual(self.client.get(url).status_code, 403, url)
        for user in (self.p.walidata, self.p.kepala_bidang, self.p.kepala_dinas, self.p.admin):
            self.client.force_login(user)
            for url in urls:
                self.assertEqual(self.client.get(url).status_code, 200, (user, url))
        self.assertEqual(
            self.client.get(reverse("laporan:file", args=[report.uuid, "exe"])).status_code, 404
        )
        self.client.force_login(self.p.kepala_dinas)
        answer = self.client.post(reverse("laporan:list"), {"kind": "tahun", "year": 2025})
        self.assertEqual(answer.status_code, 403)

    def test_a_bad_period_is_explained(self) -> None:
        self.client.force_login(self.p.walidata)
        answer = self.client.post(reverse("laporan:list"), {"kind": "bulan", "year": 2025})
        self.assertEqual(answer.status_code, 400)
        self.assertContains(answer, 'role="alert"', status_code=400)
        answer = self.client.post(reverse("laporan:list"), {"kind": "tahun", "year": 2999})
        self.assertEqual(answer.status_code, 400)
        self.assertFalse(Report.objects.exists())

    def test_the_status_json_gives_the_progress(self) -> None:
        report = self.generate()
        self.client.force_login(self.p.walidata)
        data = self.client.get(reverse("laporan:status", args=[report.uuid])).json()
        self.assertEqual(data["progress"], 100)
        self.assertEqual(data["status"], "selesai")


class PeriodTests(PersonaTestCase):
    def test_it_reads_months_quarters_and_years(self) -> None:
        self.assertEqual(parse("2026-02").end, dt.date(2026, 2, 28))
        self.assertEqual(parse("2026-Q4").start, dt.date(2026, 10, 1))
        self.assertEqual(parse("2026").title, "Tahun 2026")
        self.assertEqual(parse("2026-Q1").title, "Triwulan I 2026")
        for bad in ("2026-13", "26", "2026-Q5", "x"):
            with self.assertRaises(ValueError):
                parse(bad)
