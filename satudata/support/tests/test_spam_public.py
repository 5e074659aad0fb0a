"""The public ask form against robots and bad input: the hidden field, the proof of work
(missing, wrong, forged, expired, replayed), the tickets per address and hour, and the fields a
person can get wrong, each answered with a clear Indonesian message and never a 500."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import time_machine
from django.core import mail
from django.core.cache import caches
from django.test import SimpleTestCase, override_settings
from django.urls import reverse

from satudata.core.testing import PersonaTestCase
from satudata.support import pow, services
from satudata.support.models import FaqEntry, HelpSearch, Ticket
from satudata.support.tests.public_forms import (
    ASK_URL,
    ask_data,
    solve,
    solved_pow,
    unsolved_nonce,
)

SCRIPT = '<script>alert("x")</script>'


def text_of(response: object) -> str:
    """The page's text with tags stripped and entities decoded: what the visitor reads."""
    content = response.content.decode()  # type: ignore[attr-defined]
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", content).split()))


class ProofOfWorkTests(PersonaTestCase):
    """At the production difficulty (``SUPPORT_POW_BITS``, 18 bits), solved here in Python."""

    def test_a_valid_submission_registers_the_ticket_and_shows_its_number(self) -> None:
        response = self.client.post(ASK_URL, ask_data(self.client))
        self.assertEqual(response.status_code, 302)
        ticket = Ticket.objects.get()
        self.assertEqual(
            (ticket.requester_name, ticket.requester_email, ticket.institution_name),
            ("Sulastri Wibowo", "sulastri@example.org", "Universitas Muhammadiyah Pringsewu"),
        )
        self.assertEqual(
            (ticket.channel, ticket.category, ticket.language), ("web", "konsultasi", "id")
        )
        done = self.client.get(response["Location"])
        self.assertContains(done, ticket.number)
        self.assertContains(done, "Permintaan Anda sudah terdaftar")
        self.assertEqual(done["Cache-Control"], "private, no-store")
        self.assertEqual(
            list(HelpSearch.objects.values_list("query", "outcome")), [("posyandu", "ticket")]
        )

    def test_a_form_without_the_proof_of_work_is_refused(self) -> None:
        for missing in (
            {"pow_challenge": ""},
            {"pow_nonce": ""},
            {"pow_challenge": "", "pow_nonce": ""},
        ):
            with self.subTest(missing=missing):
                response = self.client.post(ASK_URL, ask_data(self.client, **missing))
                self.assertContains(response, "JavaScript harus aktif", status_code=400)
        self.assertFalse(Ticket.objects.exists())

    def test_a_wrong_nonce_is_refused(self) -> None:
        issued = self.client.get(reverse("support:challenge")).json()
        self.assertEqual(issued["bits"], 18)
        wrong = unsolved_nonce(issued["challenge"], 18)
        response = self.client.post(
            ASK_URL,
            ask_data(self.client, pow_challenge=issued["challenge"], pow_nonce=wrong),
        )
        self.assertContains(response, "Pemeriksaan spam belum terselesaikan.", status_code=400)
        self.assertContains(response, "Kirim formulir lagi", status_code=400)
        self.assertFalse(Ticket.objects.exists())

    def test_a_forged_or_altered_challenge_is_refused(self) -> None:
        issued = self.client.get(reverse("support:challenge")).json()["challenge"]
        value, signature = issued.rsplit(":", 1)
        other = {"0": "1"}  # one character changed, whatever it was
        forged = {
            "altered random part": other.get(issued[0], "0") + issued[1:],
            "altered signature": f"{value}:{signature[:-1]}{other.get(signature[-1], '0')}",
            "not signed at all": "abc:18",
        }
        for case, challenge in forged.items():
            with self.subTest(case=case):
                response = self.client.post(
                    ASK_URL,
                    ask_data(self.client, pow_challenge=challenge, pow_nonce=solve(challenge, 18)),
                )
                self.assertContains(response, "Pemeriksaan spam tidak sah.", status_code=400)
        self.assertFalse(Ticket.objects.exists())

    def test_a_challenge_issued_easier_than_required_is_refused(self) -> None:
        # Issued when the difficulty was 4 bits: refused now even with a full 18-bit solution,
        # or a challenge saved from an easier day would stay good for its hour.
        with override_settings(SUPPORT_POW_BITS=4):
            easy = pow.issue()["challenge"]
        assert isinstance(easy, str)
        response = self.client.post(
            ASK_URL, ask_data(self.client, pow_challenge=easy, pow_nonce=solve(easy, 18))
        )
        self.assertContains(response, "Pemeriksaan spam belum terselesaikan.", status_code=400)
        self.assertFalse(Ticket.objects.exists())

    def test_an_expired_challenge_is_refused(self) -> None:
        start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
        with time_machine.travel(start, tick=False):
            solved = solved_pow(self.client)
        later = start + dt.timedelta(seconds=pow.TTL_SECONDS + 5)
        with time_machine.travel(later, tick=False):
            response = self.client.post(ASK_URL, ask_data(self.client, **solved))
        self.assertContains(response, "Pemeriksaan spam sudah kedaluwarsa.", status_code=400)
        self.assertFalse(Ticket.objects.exists())

    def test_a_solved_challenge_is_accepted_once(self) -> None:
        solved = solved_pow(self.client)
        first = self.client.post(ASK_URL, ask_data(self.client, **solved))
        self.assertEqual(first.status_code, 302)
        replay = self.client.post(
            ASK_URL, ask_data(self.client, subject="Pertanyaan kedua", **solved)
        )
        self.assertContains(replay, "Pemeriksaan spam ini sudah dipakai.", status_code=400)
        self.assertEqual(Ticket.objects.count(), 1)

    def test_a_refused_form_does_not_send_the_spent_challenge_back(self) -> None:
        # The page's script fetches a new challenge on load; an old nonce left in the form
        # would be sent with it before the new one is solved.
        solved = solved_pow(self.client)
        response = self.client.post(ASK_URL, ask_data(self.client, message="", **solved))
        self.assertEqual(response.status_code, 400)
        content = response.content.decode()
        self.assertNotIn(solved["pow_challenge"], content)
        self.assertInHTML('<input type="hidden" name="pow_nonce" id="id_pow_nonce">', content)
        self.assertInHTML(
            '<input type="hidden" name="pow_challenge" id="id_pow_challenge">', content
        )

    def test_the_honeypot_filled_in_refuses_the_form(self) -> None:
        response = self.client.post(
            ASK_URL, ask_data(self.client, website="http://murah.example/obat")
        )
        self.assertContains(
            response,
            "Formulir tidak dapat dikirim. Kosongkan isian yang ditandai untuk robot.",
            status_code=400,
        )
        self.assertFalse(Ticket.objects.exists())

    def test_forged_hidden_fields_get_a_visible_message_not_a_silent_refusal(self) -> None:
        # A robot (or a broken script) may send anything in the hidden fields; the visitor
        # cannot see them, so a refusal must say why in words shown on the page.
        refused = {
            "nonce too long": ({"pow_nonce": "9" * 200}, "Pemeriksaan spam belum terselesaikan."),
            "challenge too long": ({"pow_challenge": "x" * 5000}, "Pemeriksaan spam tidak sah."),
        }
        for case, (fields, message) in refused.items():
            with self.subTest(case=case):
                response = self.client.post(ASK_URL, ask_data(self.client, **fields))
                self.assertEqual(response.status_code, 400)
                self.assertIn(message, text_of(response))
        self.assertFalse(Ticket.objects.exists())
        # What only counts the search (never the visitor's concern) does not stop the form.
        for fields in (
            {"search_results": "banyak"},
            {"search_results": "-4"},
            {"search_query": "q" * 1000, "dataset": "d" * 500, "product": "p" * 500},
        ):
            with self.subTest(fields=sorted(fields)):
                response = self.client.post(ASK_URL, ask_data(self.client, **fields))
                self.assertEqual(response.status_code, 302)
        self.assertEqual(Ticket.objects.count(), 3)
        self.assertEqual(
            sorted(len(q) for q in HelpSearch.objects.values_list("query", flat=True)),
            [8, 8, 300],
        )
        self.assertEqual(set(HelpSearch.objects.values_list("results", flat=True)), {0})


@override_settings(RATE_LIMIT_ENABLED=True, SUPPORT_TICKETS_PER_HOUR=3, SUPPORT_POW_BITS=10)
class RateLimitTests(PersonaTestCase):
    def setUp(self) -> None:
        caches["ratelimit"].clear()
        self.addCleanup(caches["ratelimit"].clear)

    def test_the_fourth_ticket_in_an_hour_from_one_address_is_refused_with_429(self) -> None:
        start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
        with time_machine.travel(start, tick=False):
            for n in range(3):
                response = self.client.post(ASK_URL, ask_data(self.client, subject=f"Soal {n}"))
                self.assertEqual(response.status_code, 302, n)
            refused = self.client.post(ASK_URL, ask_data(self.client, subject="Soal 3"))
        self.assertEqual(refused.status_code, 429)
        self.assertTrue(0 < int(refused["Retry-After"]) <= 3600)
        self.assertIn(
            "Terlalu banyak permintaan dikirim dari alamat Anda dalam satu jam terakhir.",
            text_of(refused),
        )
        # What was typed is kept, so nothing is lost while waiting.
        self.assertContains(refused, 'value="Soal 3"', status_code=429)
        self.assertEqual(Ticket.objects.count(), 3)
        # Another address is not held back by this one.
        other = self.client.post(
            ASK_URL, ask_data(self.client, subject="Soal lain"), REMOTE_ADDR="10.1.2.3"
        )
        self.assertEqual(other.status_code, 302)
        # An hour later the address may ask again.
        with time_machine.travel(start + dt.timedelta(hours=1, minutes=1), tick=False):
            again = self.client.post(ASK_URL, ask_data(self.client, subject="Soal 4"))
        self.assertEqual(again.status_code, 302)
        self.assertEqual(Ticket.objects.count(), 5)

    def test_refused_forms_do_not_use_up_the_allowance(self) -> None:
        for _n in range(5):
            self.client.post(ASK_URL, ask_data(self.client, website="spam"))
        response = self.client.post(ASK_URL, ask_data(self.client))
        self.assertEqual(response.status_code, 302)


SURVEY_URL = "/bantuan/survei/"


def survey_answers(**extra: str) -> dict[str, str]:
    return {**{f"u{i}": "3" for i in range(1, 10)}, "service": "konsultasi", **extra}


@override_settings(RATE_LIMIT_ENABLED=True, SUPPORT_SURVEYS_PER_HOUR=10, SUPPORT_POW_BITS=10)
class SurveySpamTests(PersonaTestCase):
    """The open IKM survey takes the ask form's proof of work (signed, single use) and keeps its
    answers per address and hour; a ticket's survey, reached by its private link, does not ask
    for the proof."""

    def setUp(self) -> None:
        caches["ratelimit"].clear()
        self.addCleanup(caches["ratelimit"].clear)

    def test_the_open_survey_needs_a_solved_challenge_used_once(self) -> None:
        from satudata.support.models import SurveyResponse

        page = self.client.get(SURVEY_URL)
        self.assertContains(page, 'data-challenge-url="/bantuan/tantangan.json"')
        self.assertContains(page, "support/pow.js")
        missing = self.client.post(SURVEY_URL, survey_answers())
        self.assertEqual(missing.status_code, 400)
        self.assertIn("JavaScript harus aktif", text_of(missing))
        issued = self.client.get(reverse("support:challenge")).json()
        wrong = self.client.post(
            SURVEY_URL,
            survey_answers(
                pow_challenge=issued["challenge"],
                pow_nonce=unsolved_nonce(issued["challenge"], 10),
            ),
        )
        self.assertEqual(wrong.status_code, 400)
        self.assertFalse(SurveyResponse.objects.exists())
        solved = solved_pow(self.client)
        self.assertEqual(self.client.post(SURVEY_URL, survey_answers(**solved)).status_code, 302)
        replayed = self.client.post(SURVEY_URL, survey_answers(**solved))
        self.assertEqual(replayed.status_code, 400)
        self.assertIn("sudah dipakai", text_of(replayed))
        self.assertEqual(SurveyResponse.objects.count(), 1)

    @override_settings(SUPPORT_SURVEYS_PER_HOUR=3)
    def test_the_open_survey_keeps_its_hourly_limit_per_address(self) -> None:
        start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
        with time_machine.travel(start, tick=False):
            for n in range(3):
                sent = self.client.post(SURVEY_URL, survey_answers(**solved_pow(self.client)))
                self.assertEqual(sent.status_code, 302, n)
            refused = self.client.post(SURVEY_URL, survey_answers(**solved_pow(self.client)))
        self.assertEqual(refused.status_code, 429)

    def test_a_closed_tickets_survey_needs_no_challenge(self) -> None:
        from satudata.support.models import SurveyResponse

        ticket, token = services.create_ticket(
            actor=None,
            category="konsultasi",
            subject="Data",
            message="Mohon data.",
            requester_name="Lina",
            requester_email="lina@example.org",
        )
        services.answer(actor=self.p.walidata, ticket=ticket, body="Terlampir.")
        services.close(actor=self.p.walidata, ticket=ticket)
        url = reverse("support:survey_ticket", args=[token])
        self.assertNotContains(self.client.get(url), "data-challenge-url")
        self.assertEqual(self.client.post(url, survey_answers()).status_code, 200)
        self.assertEqual(SurveyResponse.objects.get().ticket, ticket)


@override_settings(SUPPORT_POW_BITS=10)
class AskFormInputTests(PersonaTestCase):
    def test_an_empty_form_names_each_missing_field_in_indonesian(self) -> None:
        response = self.client.post(ASK_URL, {**solved_pow(self.client)})
        self.assertEqual(response.status_code, 400)
        errors = response.context["form"].errors
        self.assertEqual(
            set(errors),
            {
                "subject",
                "category",
                "message",
                "requester_name",
                "requester_email",
                "institution_type",
                "delivery",
            },
        )
        self.assertIn("Bidang ini tidak boleh kosong.", text_of(response))
        self.assertFalse(Ticket.objects.exists())

    def test_a_blank_message_is_refused(self) -> None:
        response = self.client.post(ASK_URL, ask_data(self.client, message="   \n\t  "))
        self.assertEqual(response.status_code, 400)
        self.assertIn("message", response.context["form"].errors)
        self.assertFalse(Ticket.objects.exists())

    def test_a_huge_message_is_refused_with_its_length_and_the_limit(self) -> None:
        huge = "Data " * (services.MAX_MESSAGE // 5 + 1)
        response = self.client.post(ASK_URL, ask_data(self.client, message=huge))
        self.assertEqual(response.status_code, 400)
        [error] = response.context["form"].errors["message"]
        self.assertIn("20000", error.replace(".", ""))
        self.assertIn("paling banyak", error)
        self.assertFalse(Ticket.objects.exists())

    def test_a_request_larger_than_the_upload_limit_is_a_400_not_a_500(self) -> None:
        huge = "x" * (11 * 2**20)
        response = self.client.post(ASK_URL, ask_data(self.client, message=huge))
        self.assertEqual(response.status_code, 400)
        self.assertIn("Permintaan tidak dapat dipahami", text_of(response))
        self.assertFalse(Ticket.objects.exists())

    def test_a_wrong_e_mail_address_is_refused(self) -> None:
        for address in ("sulastri", "sulastri@", "sulastri@example", "a b@example.org"):
            with self.subTest(address=address):
                response = self.client.post(ASK_URL, ask_data(self.client, requester_email=address))
                self.assertEqual(response.status_code, 400)
                self.assertEqual(
                    response.context["form"].errors["requester_email"],
                    ["Masukkan alamat email yang valid."],
                )
        self.assertFalse(Ticket.objects.exists())

    def test_a_kip_request_without_its_purpose_is_refused(self) -> None:
        response = self.client.post(ASK_URL, ask_data(self.client, category="kip", purpose=""))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.context["form"].errors["purpose"],
            ["Permohonan informasi publik harus menyebut tujuan penggunaan informasinya."],
        )
        self.assertFalse(Ticket.objects.exists())

    def test_script_in_every_field_is_refused_where_invalid_and_never_runs(self) -> None:
        fields = dict.fromkeys(
            (
                "subject",
                "message",
                "requester_name",
                "requester_email",
                "requester_phone",
                "institution_name",
                "purpose",
                "requested_format",
                "search_query",
                "dataset",
                "product",
            ),
            SCRIPT,
        )
        response = self.client.post(ASK_URL, ask_data(self.client, **fields))
        self.assertEqual(response.status_code, 400)
        errors = response.context["form"].errors
        self.assertEqual(set(errors), {"requester_email", "requester_phone"})
        self.assertNotIn(SCRIPT, response.content.decode())
        self.assertContains(response, html.escape(SCRIPT), status_code=400)
        self.assertFalse(Ticket.objects.exists())

    def test_script_in_the_free_text_is_stored_as_written_and_shown_escaped(self) -> None:
        fields = {
            name: f"{SCRIPT} {name}"
            for name in ("subject", "message", "requester_name", "institution_name", "purpose")
        }
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(ASK_URL, ask_data(self.client, **fields))
        self.assertEqual(response.status_code, 302)
        ticket = Ticket.objects.get()
        self.assertEqual(ticket.subject, f"{SCRIPT} subject")
        self.assertEqual(ticket.message, f"{SCRIPT} message")
        self.assertEqual(ticket.requester_name, f"{SCRIPT} requester_name")
        [notice] = mail.outbox
        link = re.search(r"http\S+/bantuan/tiket/\S+/", str(notice.body))
        assert link is not None
        page = self.client.get(link.group(0))
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("<script>alert", page.content.decode())
        self.assertContains(page, html.escape(f"{SCRIPT} subject"))
        self.assertContains(page, html.escape(f"{SCRIPT} message"))
        self.client.force_login(self.p.walidata)
        desk = self.client.get(reverse("support:ticket", args=[ticket.pk]))
        self.assertEqual(desk.status_code, 200)
        self.assertNotIn("<script>alert", desk.content.decode())
        self.assertContains(desk, html.escape(f"{SCRIPT} requester_name"))


class AnsweredCountTests(PersonaTestCase):
    """ "This answers my question" is counted once per address, entry and hour, and only for a
    suggestion the box can show."""

    def setUp(self) -> None:
        caches["ratelimit"].clear()
        self.addCleanup(caches["ratelimit"].clear)

    def answered(self, **fields: str) -> Any:
        return self.client.post(
            reverse("support:suggest_answered"),
            {"q": "jumlah posyandu", "results": "2", **fields},
            HTTP_ACCEPT="application/json",
        )

    def test_an_faq_entry_is_counted_once_per_address_and_hour(self) -> None:
        entry = FaqEntry.objects.create(question="Apa itu posyandu?", answer="Pos pelayanan.")
        for _n in range(3):
            response = self.answered(kind="faq", id=str(entry.pk))
            self.assertEqual(response.json()["message"], "Terima kasih. Kami senang itu membantu.")
        entry.refresh_from_db()
        self.assertEqual(entry.helped_count, 1)
        self.assertEqual(
            list(HelpSearch.objects.values_list("query", "results", "outcome")),
            [("jumlah posyandu", 2, "answered")],
        )
        self.answered(kind="dataset", id="3f2b8c1e-5d4a-4e6f-9a7b-0c1d2e3f4a5b")
        self.assertEqual(HelpSearch.objects.count(), 2)

    def test_made_up_kinds_and_ids_are_thanked_but_not_counted(self) -> None:
        for fields in (
            {"kind": "x" * 5000, "id": "1"},
            {"kind": "dataset", "id": "bukan-uuid"},
            {"kind": "faq", "id": "1" * 40},
            {"kind": "faq", "id": "-1"},
            {"kind": "", "id": ""},
        ):
            with self.subTest(fields={k: v[:20] for k, v in fields.items()}):
                response = self.answered(**fields)
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response.json()["ok"])
        self.assertFalse(HelpSearch.objects.exists())

    def test_without_javascript_the_visitor_is_thanked_on_the_help_page(self) -> None:
        entry = FaqEntry.objects.create(question="Apa itu posyandu?", answer="Pos pelayanan.")
        response = self.client.post(
            reverse("support:suggest_answered"), {"kind": "faq", "id": str(entry.pk)}, follow=True
        )
        self.assertRedirects(response, reverse("support:help"))
        self.assertContains(response, "Terima kasih. Kami senang itu membantu.")


class ProofOfWorkRuleTests(SimpleTestCase):
    def test_leading_zero_bits_counts_across_byte_boundaries(self) -> None:
        cases = {
            b"\x80" + b"\xff" * 31: 0,
            b"\x01" + b"\xff" * 31: 7,
            b"\x00\x40" + b"\xff" * 30: 9,
            b"\x00\x00\x00\x0f" + b"\xff" * 28: 28,
            b"\x00" * 32: 256,
        }
        for digest, expected in cases.items():
            with self.subTest(digest=digest[:4].hex()):
                self.assertEqual(pow.leading_zero_bits(digest), expected)

    def test_the_server_accepts_exactly_what_the_browser_rule_finds(self) -> None:
        challenge = "a1b2c3:12:1abcde:signature"
        nonce = solve(challenge, 12)
        self.assertTrue(pow.solves(challenge, nonce, 12))
        self.assertFalse(pow.solves(challenge, unsolved_nonce(challenge, 12), 12))
