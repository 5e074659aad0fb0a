"""A requester's name, e-mail, telephone and institution reach only the staff handling the
ticket: no public page, feed, API, export or figure carries them, for a visitor or a signed-in
user who does not handle the ticket. The secret link is the requester's alone: a guessed one is
a 404, an erased ticket's no longer opens, and its pages leave no trace in referrers, caches or
search engines. The follow page takes bad input with clear messages."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import zipfile
from typing import Any

import time_machine
from django.http import HttpResponseBase
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from satudata.api.packages import resource_id
from satudata.catalog.models import Dataset
from satudata.catalog.testing import published_table
from satudata.core.models import OutgoingMail
from satudata.core.testing import PersonaTestCase
from satudata.releases.models import Release
from satudata.support import publishing, retention, services
from satudata.support.models import (
    Category,
    FaqEntry,
    GuestVisit,
    Objection,
    State,
    SurveyResponse,
    Ticket,
)
from satudata.support.tests.test_spam_public import SCRIPT, text_of
from tests.test_access_matrix import MATRIX

NAME = "Kartika Wulandari Saragih"
EMAIL = "kartika.saragih7731@contohsurel.id"
PHONE = "0813-7731-4402"
INSTITUTION = "Lembaga Riset Nusantara Saragih"
ADDRESS = "Jalan Melati Saragih 17"
# Each string, and the telltale parts of it a page could show on its own.
PERSONAL = (
    NAME,
    "Saragih",
    EMAIL,
    "kartika.saragih7731",
    "contohsurel",
    PHONE,
    "7731-4402",
    "081377314402",
    INSTITUTION,
    ADDRESS,
)
# Placeholders of the access matrix for objects no ticket's data can reach (SOP tasks, letters,
# metadata, releases planned and products being composed): their pages are walked by the
# matrix itself; here they are left out rather than built.
UNRELATED = {
    "TASK",
    "ITEM",
    "UPLOAD",
    "LETTER",
    "ACTIVITY",
    "RELEASE",
    "ENTRY",
    "PRODUCT",
    "PUBLICATION",
    "CHAPTER",
    "BINDING",
    "REPORT",  # the dissemination report's staff pages hold counts, no requester
}
# Who must never see the requester: a visitor, a producer of another agency, the BPS adviser,
# and the Kepala Dinas (who sees a ticket only when it carries an objection; this one does not).
NON_HANDLERS = ("anonymous", "other_producer", "pembina", "kepala_dinas")


def readable(response: HttpResponseBase) -> str:
    """Everything a response says, whatever its format: PDF text, every member of an XLSX
    (zip), or the body as text; HTML entities and JSON escapes decoded."""
    body: bytes = (
        b"".join(response.streaming_content)  # type: ignore[attr-defined]
        if response.streaming
        else response.content  # type: ignore[attr-defined]
    )
    if body.startswith(b"%PDF-"):
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    if body.startswith(b"PK\x03\x04"):
        archive = zipfile.ZipFile(io.BytesIO(body))
        return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    text = body.decode("utf-8", "replace")
    text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    return html.unescape(text)


class PrivacyTests(PersonaTestCase):
    dataset: Dataset
    kip: Ticket
    kip_token: str
    question: Ticket
    correction: Ticket
    objected: Ticket
    objection: Objection
    faq: FaqEntry

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        p = cls.p
        cls.dataset = published_table(p, "Jumlah Posyandu", [["Pringsewu", 4], ["Gadingrejo", 3]])
        person: dict[str, Any] = {
            "actor": None,
            "requester_name": NAME,
            "requester_email": EMAIL,
            "requester_phone": PHONE,
            "institution_name": INSTITUTION,
            "requester_address": ADDRESS,
            "institution_type": "akademisi",
        }
        # A KIP request answered, closed and rated: every public trace a ticket leaves.
        cls.kip, cls.kip_token = services.create_ticket(
            category=Category.KIP,
            subject="Anggaran posyandu 2024",
            message="Mohon salinan anggaran posyandu 2024.",
            purpose="Penelitian skripsi",
            agency=p.agency,
            dataset=cls.dataset,
            **person,
        )
        services.reply(actor=p.walidata, ticket=cls.kip, body="Sedang kami siapkan.")
        services.add_note(actor=p.walidata, ticket=cls.kip, body="Pemohon dari lembaga riset.")
        services.answer(actor=p.walidata, ticket=cls.kip, body="Terlampir.", outcome="granted")
        services.close(actor=p.walidata, ticket=cls.kip)
        SurveyResponse.objects.create(
            ticket=cls.kip, service=Category.KIP, **{f"u{i}": 4 for i in range(1, 10)}
        )
        # An open question about the published dataset, of the same person.
        cls.question, _token = services.create_ticket(
            category=Category.CONSULTATION,
            subject="Definisi posyandu aktif",
            message="Apa definisi posyandu aktif?",
            dataset=cls.dataset,
            **person,
        )
        # A reported error that became an erratum published with the release.
        cls.correction, _token = services.create_ticket(
            category=Category.CORRECTION,
            subject="Angka Gadingrejo keliru",
            message="Angka Gadingrejo seharusnya 5.",
            dataset=cls.dataset,
            **person,
        )
        release = Release.objects.for_content(cls.dataset.versions.get()).get()
        publishing.erratum_from_ticket(
            actor=p.walidata,
            ticket=cls.correction,
            release=release,
            note="Angka Gadingrejo diperbaiki menjadi 5.",
            significant=False,
        )
        # Someone else's refused KIP request carrying an objection, for the matrix's pages.
        cls.objected, _token = services.create_ticket(
            actor=None,
            category=Category.KIP,
            subject="Permohonan lain",
            message="Mohon data lain.",
            requester_name="Pemohon Lain",
            requester_email="lain@example.org",
            agency=p.agency,
        )
        services.answer(
            actor=p.walidata,
            ticket=cls.objected,
            body="Ditolak.",
            outcome="refused",
            refusal_reason="17h",
        )
        cls.objection = services.file_objection(
            ticket=cls.objected, reason="a", statement="Saya keberatan."
        )
        GuestVisit.objects.create(
            name=NAME,
            institution_name=INSTITUTION,
            contact=f"{PHONE} {EMAIL}",
            purpose="Konsultasi data posyandu",
            served_by=p.walidata,
        )
        cls.faq = FaqEntry.objects.create(question="Apa itu posyandu?", answer="Pos pelayanan.")

    def matrix_urls(self) -> list[str]:
        objects: dict[str, Any] = {
            "DATASET": self.dataset.slug,
            "TICKET": self.kip.pk,
            "OBJECTION": self.objection.pk,
            "FAQ": self.faq.pk,
        }
        urls = []
        for name, (kwargs, _expected) in MATRIX.items():
            if UNRELATED & {v for v in kwargs.values() if isinstance(v, str)}:
                continue
            args = {k: objects.get(v, v) if isinstance(v, str) else v for k, v in kwargs.items()}
            urls.append(reverse(name, kwargs=args))
        return urls

    def further_urls(self) -> list[str]:
        """Machine channels and searches, asked for the requester by parts of the name and the
        institution (a search repeats what was asked: never a whole string of ``PERSONAL``)."""
        slug, ckan = self.dataset.slug, reverse("api:ckan-action", args=["package_search"])
        urls = [
            f"{reverse('portal:search')}?q=Kartika+Wulandari",
            f"{reverse('portal:search')}?q=Lembaga+Riset+Nusantara",
            f"{reverse('portal:search-file', args=['json'])}?q=Kartika+Wulandari",
            f"{reverse('portal:search-file', args=['csv'])}?q=posyandu",
            f"{reverse('support:suggest')}?q=Kartika+Wulandari",
            f"{reverse('support:suggest')}?q=anggaran+posyandu",
            f"{reverse('support:suggest')}?q=posyandu",
            f"{ckan}?q=Kartika+Wulandari",
            f"{ckan}?q=posyandu",
            "/api/v1/datasets?q=posyandu",
            f"/api/v1/datasets/{slug}",
            f"/api/v1/datasets/{slug}/data",
            reverse("portal:dataset-file", args=[slug, "csv"]),
            reverse("portal:download", args=[slug, "xlsx"]),
            reverse("support:guestbook_export", args=["xlsx"]),
            reverse("support:ikm_export", args=["pdf"]),
            reverse("releases:calendar-ics"),
            reverse("releases:calendar-json"),
            reverse("products:list"),
        ]
        for action in (
            "package_list",
            "current_package_list_with_resources",
            "organization_list",
            "organization_show?id=dinkes&include_datasets=true",
            "tag_list",
            "status_show",
        ):
            urls.append(
                reverse("api:ckan-action", args=[action.split("?")[0]])
                + ("?" + action.split("?")[1] if "?" in action else "")
            )
        urls.append(reverse("api:ckan-action", args=["package_show"]) + f"?id={slug}")
        urls.append(
            reverse("api:ckan-action", args=["datastore_search"])
            + f"?resource_id={resource_id(self.dataset, 'CSV')}"
        )
        for fmt in ("ttl", "jsonld", "rdf"):
            urls.append(reverse("api:dcat-catalog", args=[fmt]))
            urls.append(reverse("api:dcat-dataset", args=[slug, fmt]))
        return urls

    def test_no_public_page_feed_api_or_export_carries_the_requester(self) -> None:
        people = self.p.by_role()
        urls = self.matrix_urls() + self.further_urls()
        self.assertGreater(len(urls), 100)
        leaks, seen = [], 0
        for persona in NON_HANDLERS:
            self.client.logout()
            user = people[persona]
            if user is not None:
                self.client.force_login(user)
            for url in urls:
                response = self.client.get(url)
                # /healthz is 503 in tests (no scheduler ticks); anything else 5xx is a bug.
                self.assertNotIn(response.status_code, {500, 502, 504}, f"{url} as {persona}")
                text = readable(response).casefold()
                seen += response.status_code == 200
                leaks += [
                    f"{url} as {persona}: {found!r}"
                    for found in PERSONAL
                    if found.casefold() in text
                ]
        self.assertEqual(leaks, [])
        self.assertGreater(seen, 250)  # the walk read real pages, not only refusals

    def test_the_walk_reaches_the_channels_where_the_tickets_left_traces(self) -> None:
        # Without this the walk above could pass on pages that show no ticket at all: the
        # erratum the correction ticket started is public, the figures count all four tickets.
        page = readable(self.client.get(reverse("portal:dataset", args=[self.dataset.slug])))
        self.assertIn("Angka Gadingrejo diperbaiki menjadi 5.", page)
        self.assertIn("Jumlah Posyandu", readable(self.client.get(reverse("releases:feed-atom"))))
        self.client.force_login(self.p.kepala_dinas)
        report = self.client.get(reverse("support:report_json"))
        self.assertEqual(report.status_code, 200)
        figures = report.json()
        self.assertEqual(figures["received"], 4)
        self.assertEqual(
            {row["code"]: row["count"] for row in figures["by_category"] if row["count"]},
            {"konsultasi": 1, "kip": 2, "koreksi_data": 1},
        )
        ikm = self.client.get(reverse("support:ikm_export", args=["xlsx"]))
        self.assertEqual(ikm.status_code, 200)
        self.assertTrue(ikm.content.startswith(b"PK"))

    def test_the_guest_book_exports_are_refused_to_everyone_but_the_desk_staff(self) -> None:
        people = self.p.by_role()
        for persona in ("anonymous", "other_producer", "producer", "pembina", "kepala_dinas"):
            self.client.logout()
            user = people[persona]
            if user is not None:
                self.client.force_login(user)
            for fmt in ("csv", "xlsx"):
                with self.subTest(persona=persona, fmt=fmt):
                    got = self.client.get(reverse("support:guestbook_export", args=[fmt]))
                    self.assertEqual(got.status_code, 302 if persona == "anonymous" else 403)
                    self.assertNotIn(NAME, readable(got))

    def test_the_handlers_do_see_the_requester(self) -> None:
        # The same strings the walk looks for are on the desk, so the walk can find them.
        self.client.force_login(self.p.walidata)
        page = readable(self.client.get(reverse("support:ticket", args=[self.kip.pk])))
        for found in (NAME, EMAIL, PHONE, INSTITUTION):
            self.assertIn(found, page)
        book = readable(self.client.get(reverse("support:guestbook_export", args=["xlsx"])))
        self.assertIn(NAME, book)


class SecretLinkTests(PersonaTestCase):
    def setUp(self) -> None:
        self.ticket, self.token = services.create_ticket(
            actor=None,
            category=Category.CONSULTATION,
            subject="Data posyandu",
            message="Mohon data posyandu per desa.",
            requester_name=NAME,
            requester_email=EMAIL,
            requester_phone=PHONE,
            institution_name=INSTITUTION,
        )
        self.url = reverse("support:follow", args=[self.token])

    def assert_private(self, response: HttpResponseBase) -> None:
        self.assertEqual(response["Referrer-Policy"], "same-origin")
        self.assertIn("no-store", response["Cache-Control"])
        self.assertIn("private", response["Cache-Control"])
        self.assertIn("noindex", response["X-Robots-Tag"])

    def test_the_link_opens_the_ticket_privately(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, self.ticket.number)
        self.assertContains(response, "Mohon data posyandu per desa.")
        self.assert_private(response)

    def test_a_guessed_or_altered_link_is_a_404_in_indonesian(self) -> None:
        guesses = {
            "altered": self.token[:-1] + ("A" if self.token[-1] != "A" else "B"),
            "shortened": self.token[:-4],
            "another secret": "bukan-token-yang-benar-0123456789",
            "very long": "x" * 300,
            "the ticket number": self.ticket.number,
        }
        for case, token in guesses.items():
            with self.subTest(case=case):
                for name in ("support:follow", "support:survey_ticket"):
                    response = self.client.get(reverse(name, args=[token]))
                    self.assertEqual(response.status_code, 404)
                    if token != self.ticket.number:  # the page repeats its own address
                        self.assertNotIn(self.ticket.number, response.content.decode())
                    if name == "support:follow":
                        self.assertIn("Tautan ini tidak sah", text_of(response))
                        self.assert_private(response)
                posted = self.client.post(
                    reverse("support:follow", args=[token]), {"body": "Halo."}
                )
                self.assertEqual(posted.status_code, 404)
        self.assertEqual(self.ticket.messages.count(), 1)

    @override_settings(SUPPORT_RETENTION_DAYS=30)
    def test_after_erasure_the_link_shows_no_personal_data(self) -> None:
        services.answer(actor=self.p.walidata, ticket=self.ticket, body="Terlampir datanya.")
        services.close(actor=self.p.walidata, ticket=self.ticket)
        self.assertEqual(self.client.get(self.url).status_code, 200)
        with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
            self.assertEqual(retention.erase_expired(), 1)
        for name in ("support:follow", "support:survey_ticket"):
            response = self.client.get(reverse(name, args=[self.token]))
            self.assertEqual(response.status_code, 404)
            text = readable(response)
            for found in PERSONAL:
                self.assertNotIn(found, text)
            self.assertNotIn(self.ticket.number, text)
        self.ticket.refresh_from_db()
        self.assertEqual(self.ticket.requester_name, retention.ERASED)

    @override_settings(SUPPORT_RETENTION_DAYS=30)
    def test_erasure_reaches_the_copies_of_the_e_mails_sent_to_the_requester(self) -> None:
        services.answer(actor=self.p.walidata, ticket=self.ticket, body="Terlampir datanya.")
        services.close(actor=self.p.walidata, ticket=self.ticket)
        sent = OutgoingMail.objects.filter(subject__startswith=f"[{self.ticket.number}]")
        self.assertEqual(sent.count(), 3)  # registered, answered, closed
        self.assertEqual({tuple(m.to) for m in sent}, {(EMAIL,)})
        self.assertTrue(all(NAME in m.body for m in sent))
        unrelated = OutgoingMail.objects.exclude(pk__in=sent.values("pk")).count()
        with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
            retention.erase_expired()
            self.assertEqual(retention.erase_expired(), 0)
        for message in OutgoingMail.objects.all():
            for found in PERSONAL:
                self.assertNotIn(found, f"{message.to} {message.subject} {message.body}")
            self.assertNotIn(self.token, message.body)
        self.assertEqual(
            [(m.to, m.body) for m in sent.all()], [([], retention.ERASED)] * 3
        )  # kept, with their subject and dates, for the register
        self.assertEqual(OutgoingMail.objects.exclude(pk__in=sent.values("pk")).count(), unrelated)


class FollowPageInputTests(PersonaTestCase):
    def setUp(self) -> None:
        self.ticket, self.token = services.create_ticket(
            actor=None,
            category=Category.CONSULTATION,
            subject="Data posyandu",
            message="Mohon data posyandu per desa.",
            requester_name=NAME,
            requester_email=EMAIL,
        )
        self.url = reverse("support:follow", args=[self.token])

    def test_an_empty_or_huge_reply_is_refused_with_a_clear_message(self) -> None:
        empty = self.client.post(self.url, {"body": "   "})
        self.assertEqual(empty.status_code, 400)
        self.assertEqual(empty.context["form"].errors["body"], ["Bidang ini tidak boleh kosong."])
        huge = self.client.post(self.url, {"body": "x" * (services.MAX_MESSAGE + 1)})
        self.assertEqual(huge.status_code, 400)
        [error] = huge.context["form"].errors["body"]
        self.assertIn("paling banyak", error)
        self.assertEqual(self.ticket.messages.count(), 1)

    def test_a_reply_with_script_is_kept_as_written_and_shown_escaped(self) -> None:
        response = self.client.post(self.url, {"body": SCRIPT})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.ticket.messages.latest("created_at").body, SCRIPT)
        page = self.client.get(self.url)
        self.assertNotIn("<script>alert", page.content.decode())
        self.assertContains(page, html.escape(SCRIPT))
        self.assertContains(page, "Balasan Anda sudah dikirim.")

    def test_a_reply_to_a_closed_ticket_is_refused_and_points_to_a_new_request(self) -> None:
        services.answer(actor=self.p.walidata, ticket=self.ticket, body="Terlampir.")
        services.close(actor=self.p.walidata, ticket=self.ticket)
        page = self.client.get(self.url)
        self.assertNotContains(page, 'name="body"')
        response = self.client.post(self.url, {"body": "Masih ada pertanyaan."})
        self.assertEqual(response.status_code, 409)
        self.assertIn(
            "Permintaan ini sudah ditutup dan tidak menerima balasan lagi.", text_of(response)
        )
        self.assertContains(response, reverse("support:ask"), status_code=409)
        self.ticket.refresh_from_db()
        self.assertEqual(self.ticket.state, State.CLOSED)
        self.assertFalse(self.ticket.messages.filter(body="Masih ada pertanyaan.").exists())

    def test_an_objection_to_a_question_that_is_not_kip_is_refused(self) -> None:
        response = self.client.post(
            reverse("support:objection", args=[self.token]),
            {"reason": "a", "statement": "Saya keberatan."},
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn(
            "Keberatan hanya dapat diajukan atas permohonan informasi publik", text_of(response)
        )
        self.assertFalse(self.ticket.objections.exists())

    def test_an_objection_without_its_statement_says_so_on_the_page(self) -> None:
        kip, token = services.create_ticket(
            actor=None,
            category=Category.KIP,
            subject="Permohonan informasi",
            message="Mohon salinan dokumen.",
            requester_name=NAME,
            requester_email=EMAIL,
            purpose="Penelitian",
        )
        services.answer(
            actor=self.p.walidata,
            ticket=kip,
            body="Ditolak.",
            outcome="refused",
            refusal_reason="17h",
        )
        response = self.client.post(
            reverse("support:objection", args=[token]), {"reason": "a", "statement": "  "}
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn(
            "Tidak ada yang disimpan: perbaiki jawaban yang ditandai di bawah.",
            text_of(response),
        )
        self.assertEqual(
            response.context["objection_form"].errors["statement"],
            ["Bidang ini tidak boleh kosong."],
        )
        self.assertFalse(kip.objections.exists())


class FollowPageStepsTests(PersonaTestCase):
    """What the link offers in each state: a reply while open, the survey once closed, an
    objection on an answered KIP request, one at a time."""

    def kip(self) -> tuple[Ticket, str]:
        ticket, token = services.create_ticket(
            actor=None,
            category=Category.KIP,
            subject="Salinan anggaran posyandu",
            message="Mohon salinan anggaran posyandu 2024.",
            requester_name=NAME,
            requester_email=EMAIL,
            purpose="Penelitian",
        )
        return ticket, token

    def test_the_survey_link_appears_once_the_ticket_is_closed(self) -> None:
        ticket, token = self.kip()
        survey = reverse("support:survey_ticket", args=[token])
        page = self.client.get(reverse("support:follow", args=[token]))
        self.assertNotContains(page, survey)
        self.assertContains(page, 'name="body"')
        services.answer(actor=self.p.walidata, ticket=ticket, body="Diberikan.", outcome="granted")
        services.close(actor=self.p.walidata, ticket=ticket)
        page = self.client.get(reverse("support:follow", args=[token]))
        self.assertContains(page, survey)
        self.assertContains(page, "Nilai layanan kami (1 menit)")
        self.assertNotContains(page, 'name="body"')
        self.assertEqual(self.client.get(survey).status_code, 200)

    def test_an_objection_is_filed_once_on_an_answered_kip_request(self) -> None:
        ticket, token = self.kip()
        url = reverse("support:objection", args=[token])
        self.assertEqual(self.client.post(url, {"reason": "a", "statement": "x"}).status_code, 400)
        services.answer(
            actor=self.p.walidata,
            ticket=ticket,
            body="Ditolak.",
            outcome="refused",
            refusal_reason="17h",
        )
        self.assertContains(
            self.client.get(reverse("support:follow", args=[token])), "Ajukan keberatan"
        )
        filed = self.client.post(
            url, {"reason": "a", "statement": f"Saya keberatan. {SCRIPT}"}, follow=True
        )
        self.assertContains(
            filed, "Keberatan Anda sudah terdaftar; keputusannya dikirim ke surel Anda."
        )
        self.assertEqual(ticket.objections.get().statement, f"Saya keberatan. {SCRIPT}")
        again = self.client.post(url, {"reason": "g", "statement": "Sekali lagi."})
        self.assertEqual(again.status_code, 400)
        self.assertIn("Keberatan atas permintaan ini sedang diputus", text_of(again))
        self.assertEqual(ticket.objections.count(), 1)
