"""Files a visitor attaches, checked by their content and not their name: programs, web pages
and zip bombs dressed as documents, too large and empty files are refused with a message naming
the file; real PDF, CSV and XLSX files are kept; and a kept file is served only to the requester's
link and the staff handling the ticket, always as a download the browser does not sniff."""

from __future__ import annotations

import io
import shutil
import struct
import zipfile
from pathlib import Path
from typing import Any

import xlsxwriter  # type: ignore[import-untyped]
from django.test import override_settings
from django.urls import reverse

from satudata.core.testing import PersonaTestCase
from satudata.support import attachments, services
from satudata.support.models import Category, MessageKind, Ticket, TicketAttachment
from satudata.support.services import NewFile
from satudata.support.tests.public_forms import (
    ASK_URL,
    ask_data,
    real_pdf,
    real_xlsx,
    upload,
)
from satudata.support.tests.test_spam_public import text_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = b"Desa;Posyandu\nPringsewu Barat;4\nFajar Agung;3\n"


def windows_program() -> bytes:
    """A PE image's opening: the DOS stub with its message and the PE header it points to."""
    stub = bytearray(b"MZ" + b"\x90\x00\x03\x00" + b"\x00" * 58)
    struct.pack_into("<I", stub, 0x3C, 0x80)  # e_lfanew: where the PE header is
    stub += b"\x0e\x1f\xba\x0e\x00\xb4\x09\xcd\x21This program cannot be run in DOS mode.\r\r\n$"
    stub += b"\x00" * (0x80 - len(stub))
    return bytes(stub) + b"PE\x00\x00\x64\x86" + b"\x00" * 400


def linux_program() -> bytes:
    """A real ELF executable of this machine."""
    found = shutil.which("true") or "/bin/true"
    return Path(found).read_bytes()


def web_page() -> bytes:
    return b"<!DOCTYPE html>\n<html><body><script>fetch('/layanan/')</script></body></html>\n"


def zip_bomb(uncompressed_mb: int = 200) -> bytes:
    """A workbook-shaped zip whose one sheet unpacks to ``uncompressed_mb`` MB of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            block = b"\x00" * 2**20
            for _ in range(uncompressed_mb):
                sheet.write(block)
    return out.getvalue()


def many_members(count: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for n in range(count):
            archive.writestr(f"xl/media/{n}.bin", b"")
    return out.getvalue()


@override_settings(SUPPORT_POW_BITS=10)
class RefusedFilesTests(PersonaTestCase):
    def ask_with(self, *files: Any) -> Any:
        return self.client.post(ASK_URL, ask_data(self.client, attachments=list(files)))

    def assert_refused(self, response: Any, message: str) -> None:
        self.assertEqual(response.status_code, 400)
        self.assertIn(message, response.context["form"].errors.get("attachments", []))
        self.assertIn(message, text_of(response))  # shown on the page, not only kept
        self.assertFalse(Ticket.objects.exists())
        self.assertFalse(TicketAttachment.objects.exists())

    def test_a_windows_program_named_pdf_is_refused(self) -> None:
        bomb = windows_program()
        self.assertEqual(bomb[:2], b"MZ")
        self.assert_refused(
            self.ask_with(upload("surat-permohonan.pdf", bomb, "application/pdf")),
            "surat-permohonan.pdf adalah program atau skrip; berkas seperti itu tidak diterima.",
        )

    def test_a_linux_program_named_pdf_is_refused(self) -> None:
        program = linux_program()
        self.assertEqual(program[:4], b"\x7fELF")
        self.assert_refused(
            self.ask_with(upload("ktp.pdf", program, "application/pdf")),
            "ktp.pdf adalah program atau skrip; berkas seperti itu tidak diterima.",
        )

    def test_a_web_page_named_csv_is_refused(self) -> None:
        self.assert_refused(
            self.ask_with(upload("data-desa.csv", web_page(), "text/csv")),
            "data-desa.csv adalah halaman web, SVG atau XML; berkas seperti itu tidak diterima.",
        )

    def test_a_zip_bomb_named_xlsx_is_refused(self) -> None:
        bomb = zip_bomb(200)
        self.assertLess(len(bomb), 2**20)  # a ratio far past any real workbook
        self.assert_refused(
            self.ask_with(upload("rekap-2024.xlsx", bomb, XLSX)),
            "Berkas rekap-2024.xlsx mengembang jauh melebihi ukurannya; berkas ditolak.",
        )

    def test_a_small_zip_bomb_under_the_size_bound_is_refused_by_its_ratio(self) -> None:
        bomb = zip_bomb(20)  # 20 MB of zeros: under the 100 MB bound, packed ~1000 times
        self.assertLess(len(bomb), 100 * 1024)
        self.assert_refused(
            self.ask_with(upload("rekap-kecil.xlsx", bomb, XLSX)),
            "Berkas rekap-kecil.xlsx mengembang jauh melebihi ukurannya; berkas ditolak.",
        )

    def test_a_workbook_of_thousands_of_members_is_refused(self) -> None:
        self.assert_refused(
            self.ask_with(upload("rekap.xlsx", many_members(attachments.ZIP_MAX_MEMBERS), XLSX)),
            "Berkas rekap.xlsx mengembang jauh melebihi ukurannya; berkas ditolak.",
        )

    def test_a_file_over_the_size_limit_is_refused(self) -> None:
        big = (b"Desa;Jumlah\n" + b"Pringsewu;1\n" * (10 * 2**20 // 12 + 1))[: 10 * 2**20 + 1]
        self.assert_refused(
            self.ask_with(upload("besar.csv", big, "text/csv")),
            "besar.csv lebih besar dari 10 MB; kirim berkas yang lebih kecil.",
        )

    def test_an_empty_file_is_refused_by_name(self) -> None:
        self.assert_refused(
            self.ask_with(upload("kosong.csv", b"", "text/csv")), "kosong.csv kosong."
        )

    def test_a_pdf_named_csv_is_refused(self) -> None:
        self.assert_refused(
            self.ask_with(upload("tabel.csv", real_pdf(), "text/csv")),
            "Isi tabel.csv tidak sesuai dengan namanya; isinya tampak seperti berkas PDF.",
        )

    def test_more_files_than_allowed_are_refused(self) -> None:
        files = [upload(f"data-{n}.csv", CSV, "text/csv") for n in range(6)]
        self.assert_refused(
            self.ask_with(*files),
            "Lampirkan paling banyak 5 berkas dalam satu pesan (Anda memilih 6).",
        )

    def test_one_bad_file_among_good_ones_refuses_the_message_and_keeps_nothing(self) -> None:
        self.assert_refused(
            self.ask_with(
                upload("tabel.csv", CSV, "text/csv"),
                upload("program.pdf", windows_program(), "application/pdf"),
            ),
            "program.pdf adalah program atau skrip; berkas seperti itu tidak diterima.",
        )

    def test_a_requester_reply_with_a_program_is_refused_too(self) -> None:
        ticket, token = services.create_ticket(
            actor=None,
            category=Category.CONSULTATION,
            subject="Data posyandu",
            message="Mohon datanya.",
            requester_name="Sulastri",
            requester_email="sulastri@example.org",
        )
        response = self.client.post(
            reverse("support:follow", args=[token]),
            {"body": "Berikut lampirannya.", "attachments": [upload("a.pdf", windows_program())]},
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn(
            "a.pdf adalah program atau skrip; berkas seperti itu tidak diterima.",
            text_of(response),
        )
        self.assertEqual(ticket.messages.count(), 1)


@override_settings(SUPPORT_POW_BITS=10)
class AcceptedFilesTests(PersonaTestCase):
    def test_a_large_real_workbook_is_kept(self) -> None:
        # 60 000 rows written by XlsxWriter: some 9 MB of sheet XML packed about 11 times.
        out = io.BytesIO()
        book = xlsxwriter.Workbook(out, {"in_memory": True})
        sheet = book.add_worksheet("Data")
        for row in range(60_000):
            sheet.write_row(row, 0, ["Pringsewu", row, "Posyandu aktif", 0])
        book.close()
        item = attachments.check(upload("posyandu-per-desa.xlsx", out.getvalue()))
        self.assertEqual(item.mimetype, XLSX)

    def test_a_real_pdf_csv_and_xlsx_are_kept_with_their_media_type(self) -> None:
        pdf, xlsx = real_pdf(), real_xlsx()
        response = self.client.post(
            ASK_URL,
            ask_data(
                self.client,
                attachments=[
                    upload("surat.pdf", pdf, "application/pdf"),
                    upload("data.csv", CSV, "text/csv"),
                    # A browser may send any media type; the content decides.
                    upload("Rekap Posyandu.XLSX", xlsx, "application/octet-stream"),
                ],
            ),
        )
        self.assertEqual(response.status_code, 302)
        kept = {
            a.filename: (a.mimetype, a.size)
            for a in TicketAttachment.objects.filter(message__ticket=Ticket.objects.get())
        }
        self.assertEqual(
            kept,
            {
                "surat.pdf": ("application/pdf", len(pdf)),
                "data.csv": ("text/csv", len(CSV)),
                "Rekap Posyandu.xlsx": (XLSX, len(xlsx)),
            },
        )


class ServedFilesTests(PersonaTestCase):
    ticket: Ticket
    token: str
    other_token: str
    public: TicketAttachment
    note: TicketAttachment
    pdf: bytes

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.pdf = real_pdf()
        cls.ticket, cls.token = services.create_ticket(
            actor=None,
            category=Category.DATA_REQUEST,
            subject="Data posyandu",
            message="Terlampir surat permohonan.",
            requester_name="Sulastri Wibowo",
            requester_email="sulastri@example.org",
            agency=cls.p.agency,
            files=[NewFile(filename="surat.pdf", content=cls.pdf, mimetype="application/pdf")],
        )
        services.add_note(
            actor=cls.p.walidata,
            ticket=cls.ticket,
            body="Catatan internal dengan lampiran.",
            files=[NewFile(filename="internal.csv", content=CSV, mimetype="text/csv")],
        )
        _other, cls.other_token = services.create_ticket(
            actor=None,
            category=Category.CONSULTATION,
            subject="Lain",
            message="Pertanyaan lain.",
            requester_name="Orang Lain",
            requester_email="lain@example.org",
        )
        cls.public = TicketAttachment.objects.get(filename="surat.pdf")
        cls.note = TicketAttachment.objects.get(filename="internal.csv")
        assert cls.note.message.kind == MessageKind.NOTE

    def assert_download(self, response: Any, filename: str, content: bytes) -> None:
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Disposition"], f'attachment; filename="{filename}"')
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertIn("sandbox", response["Content-Security-Policy"])
        self.assertNotIn("text/html", response["Content-Type"])
        self.assertEqual(b"".join(response.streaming_content), content)

    def test_the_requester_link_downloads_its_own_public_file(self) -> None:
        url = reverse("support:follow_attachment", args=[self.token, self.public.pk])
        response = self.client.get(url)
        self.assert_download(response, "surat.pdf", self.pdf)
        self.assertEqual(response["Cache-Control"], "private, no-store")
        self.assertEqual(response["Referrer-Policy"], "same-origin")
        page = self.client.get(reverse("support:follow", args=[self.token]))
        self.assertContains(page, url)
        self.assertNotContains(page, "internal.csv")

    def test_no_other_link_reaches_the_file_and_no_link_reaches_a_note(self) -> None:
        cases = {
            "another ticket's link": (self.other_token, self.public.pk),
            "a guessed link": ("x" * 32, self.public.pk),
            "the note's file": (self.token, self.note.pk),
            "a file that does not exist": (self.token, 999_999),
        }
        for case, args in cases.items():
            with self.subTest(case=case):
                response = self.client.get(reverse("support:follow_attachment", args=args))
                self.assertEqual(response.status_code, 404)
                self.assertNotIn("Content-Disposition", response)

    def test_on_the_desk_only_those_handling_the_ticket_download(self) -> None:
        url = reverse("support:ticket_attachment", args=[self.ticket.pk, self.public.pk])
        note_url = reverse("support:ticket_attachment", args=[self.ticket.pk, self.note.pk])
        self.assertEqual(self.client.get(url).status_code, 302)  # to the log-in page
        for refused in (self.p.other_producer, self.p.pembina):
            self.client.force_login(refused)
            with self.subTest(user=refused.username):
                self.assertEqual(self.client.get(url).status_code, 403)
                self.assertEqual(self.client.get(note_url).status_code, 403)
        for handler in (self.p.walidata, self.p.producer):
            self.client.force_login(handler)
            with self.subTest(user=handler.username):
                self.assert_download(self.client.get(url), "surat.pdf", self.pdf)
                self.assert_download(self.client.get(note_url), "internal.csv", CSV)


@override_settings(SUPPORT_POW_BITS=10)
class FileNameTests(PersonaTestCase):
    def test_a_name_with_markup_is_shown_escaped_in_the_refusal(self) -> None:
        name = '<img src=x onerror="alert(1)">.pdf'
        response = self.client.post(
            ASK_URL, ask_data(self.client, attachments=[upload(name, windows_program())])
        )
        self.assertEqual(response.status_code, 400)
        self.assertNotIn("<img src=x", response.content.decode())
        self.assertIn(
            f"{name} adalah program atau skrip; berkas seperti itu tidak diterima.",
            text_of(response),
        )

    def test_a_name_is_kept_without_folders_or_hidden_direction_marks(self) -> None:
        files = [
            upload("../../etc/surat.pdf", real_pdf()),
            upload("C:\\\\Users\\\\rina\\\\data.csv", CSV),
            # U+202E (right-to-left override) shows the rest of a name reversed on screen.
            upload("rekap\u202eslx.xlsx", real_xlsx()),
        ]
        response = self.client.post(ASK_URL, ask_data(self.client, attachments=files))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            sorted(TicketAttachment.objects.values_list("filename", flat=True)),
            ["data.csv", "rekapslx.xlsx", "surat.pdf"],
        )
