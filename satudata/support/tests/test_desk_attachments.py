"""Staff attach files through the desk's forms (reply, answer, internal note): each is checked by
its content like the requester's, stored once, and served only as a download; a note's file is
never shown to the requester."""

from __future__ import annotations

from typing import Any

from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from satudata.core.testing import PersonaTestCase
from satudata.support import services
from satudata.support.models import Category, MessageKind, Ticket, TicketAttachment
from satudata.support.tests.public_forms import real_pdf, real_xlsx, upload


def _ticket() -> tuple[Ticket, str]:
    return services.create_ticket(
        actor=None,
        category=Category.DATA_REQUEST,
        subject="Data posyandu",
        message="Mohon data posyandu per desa.",
        requester_name="Rina Pemohon",
        requester_email="rina@example.org",
    )


class DeskAttachmentTests(PersonaTestCase):
    def setUp(self) -> None:
        self.ticket, self.token = _ticket()
        self.client.force_login(self.p.walidata)

    def post(self, action: str, **data: Any) -> Any:
        self.ticket.refresh_from_db()
        data.setdefault("version", self.ticket.updated_at.isoformat())
        return self.client.post(
            reverse("support:ticket_action", args=[self.ticket.pk, action]), data
        )

    def test_a_reply_note_and_answer_carry_their_files(self) -> None:
        pdf, xlsx = real_pdf(), real_xlsx()
        sent = [
            ("note", {"body": "Catatan dengan berkas.", "lampiran": upload("catatan.pdf", pdf)}),
            ("reply", {"body": "Ini rancangan tabel.", "lampiran": upload("rancangan.xlsx", xlsx)}),
            ("answer", {"body": "Tabel terlampir.", "lampiran": upload("posyandu.pdf", pdf)}),
        ]
        for action, data in sent:
            with self.subTest(action=action):
                response = self.post(action, **data)
                self.assertEqual(response.status_code, 302, response.content.decode()[-1500:])
        files = {
            a.filename: a for a in TicketAttachment.objects.filter(message__ticket=self.ticket)
        }
        self.assertEqual(set(files), {"catatan.pdf", "rancangan.xlsx", "posyandu.pdf"})
        self.assertEqual(files["catatan.pdf"].message.kind, MessageKind.NOTE)
        self.assertEqual(files["rancangan.xlsx"].mimetype.split(".")[-1], "sheet")
        with default_storage.open(files["posyandu.pdf"].path, "rb") as stored:
            self.assertEqual(stored.read(), pdf)

        # Staff download each file, as an attachment that no browser renders.
        page = self.client.get(reverse("support:ticket", args=[self.ticket.pk])).content.decode()
        for name, item in files.items():
            url = reverse("support:ticket_attachment", args=[self.ticket.pk, item.pk])
            self.assertIn(url, page)
            download = self.client.get(url)
            self.assertEqual(download.status_code, 200)
            self.assertIn("attachment", download["Content-Disposition"])
            self.assertIn(name, download["Content-Disposition"])
            self.assertEqual(download["Content-Type"], "application/octet-stream")
            self.assertEqual(download["X-Content-Type-Options"], "nosniff")
            self.assertEqual(b"".join(download.streaming_content), item_bytes(item))  # type: ignore[attr-defined]

        # Nobody else does: a visitor is sent to log in, another agency's producer is refused.
        note_file = reverse(
            "support:ticket_attachment", args=[self.ticket.pk, files["catatan.pdf"].pk]
        )
        self.assertEqual(Client().get(note_file).status_code, 302)
        other = Client()
        other.force_login(self.p.other_producer)
        self.assertEqual(other.get(note_file).status_code, 403)

        # The requester sees the reply's and the answer's files, never the note's.
        follow = Client().get(reverse("support:follow", args=[self.token])).content.decode()
        self.assertIn("rancangan.xlsx", follow)
        self.assertIn("posyandu.pdf", follow)
        self.assertNotIn("catatan.pdf", follow)
        hidden = reverse("support:follow_attachment", args=[self.token, files["catatan.pdf"].pk])
        self.assertEqual(Client().get(hidden).status_code, 404)

    def test_a_bad_file_is_a_form_error_and_nothing_is_sent(self) -> None:
        program = upload("tabel.pdf", b"MZ\x90\x00" + b"\x00" * 200)
        response = self.post("reply", body="Terlampir.", lampiran=program)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "tabel.pdf", status_code=400)
        self.assertContains(response, "program atau skrip", status_code=400)
        self.assertContains(response, "Terlampir.", status_code=400)  # the typed text stays
        self.assertFalse(self.ticket.messages.filter(kind=MessageKind.REPLY).exists())
        too_many = [upload(f"f{i}.pdf", real_pdf()) for i in range(6)]
        response = self.post("note", body="Banyak berkas.", lampiran=too_many)
        self.assertContains(response, "paling banyak 5 berkas", status_code=400)
        self.assertFalse(TicketAttachment.objects.exists())


def item_bytes(item: TicketAttachment) -> bytes:
    with default_storage.open(item.path, "rb") as stored:
        return bytes(stored.read())
