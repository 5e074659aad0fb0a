"""The requester's e-mail, through a real SMTP server: the ticket's registration with its number
and private link, each public reply threaded on that first message, nothing for an internal
note, and the link in the received message opening the ticket."""

from __future__ import annotations

import re
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client

from satudata.core.models import MailStatus, OutgoingMail
from satudata.core.testing import Personas
from satudata.core.tests.conftest import MailServer
from satudata.core.tests.test_mail import received, use_smtp
from satudata.support import services
from satudata.support.models import SurveyResponse, Ticket
from satudata.support.tests.public_forms import ASK_URL, ask_data

Capture = Callable[..., Any]
SettingsWrapper = Any
REQUESTER = "sulastri@example.org"
SITE = "https://satudata.pringsewu.test"


def to_requester(server: MailServer) -> list[EmailMessage]:
    return [m for m in received(server) if m["To"] == REQUESTER]


def plain(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


@pytest.fixture
def mailing(settings: SettingsWrapper, smtp_server: MailServer, personas: Personas) -> MailServer:
    """The real server, and the SOP loaded (a ticket opens an activity-5 task)."""
    use_smtp(settings, smtp_server.host, smtp_server.port)
    settings.SUPPORT_POW_BITS = 10
    settings.SITE_URL = SITE
    settings.SUPPORT_MAIL_DOMAIN = "satudata.pringsewu.test"
    return smtp_server


def ask(client: Client, capture: Capture, **fields: Any) -> Ticket:
    with capture(execute=True):
        response = client.post(ASK_URL, ask_data(client, **fields))
    assert response.status_code == 302, response.content.decode()[-2000:]
    return Ticket.objects.latest("pk")


@pytest.mark.django_db
class TestRequesterMail:
    def test_a_new_ticket_sends_its_number_and_the_private_link(
        self, mailing: MailServer, django_capture_on_commit_callbacks: Capture
    ) -> None:
        client = Client()
        ticket = ask(client, django_capture_on_commit_callbacks)
        [first] = to_requester(mailing)
        assert first["Subject"] == f"[{ticket.number}] Permintaan Anda sudah terdaftar"
        assert first["Message-ID"] == ticket.thread_id
        assert first["Message-ID"].endswith("@satudata.pringsewu.test>")
        assert first["In-Reply-To"] is None
        text = plain(first)
        assert "Sulastri Wibowo" in text
        assert f"dengan nomor {ticket.number}" in text
        [link] = re.findall(rf"{re.escape(SITE)}/bantuan/tiket/\S+/", text)
        # The link is the only way in: the ticket keeps its hash, never the token.
        token = urlsplit(link).path.split("/")[3]
        assert ticket.secret_hash == services.token_hash(token)
        assert token not in str(Ticket.objects.filter(pk=ticket.pk).values().get())
        assert OutgoingMail.objects.get().status == MailStatus.SENT

        # Following the link from the received message opens the ticket, privately.
        page = client.get(urlsplit(link).path)
        assert page.status_code == 200
        assert ticket.number in page.content.decode()
        assert "Mohon data jumlah posyandu per desa tahun 2024." in page.content.decode()
        assert page["Referrer-Policy"] == "same-origin"

    def test_a_public_reply_is_threaded_on_the_first_message_and_a_note_sends_nothing(
        self,
        mailing: MailServer,
        personas: Personas,
        django_capture_on_commit_callbacks: Capture,
    ) -> None:
        client = Client()
        ticket = ask(client, django_capture_on_commit_callbacks)
        [first] = to_requester(mailing)
        link = re.findall(r"https?://\S+/bantuan/tiket/\S+/", plain(first))[0]

        with django_capture_on_commit_callbacks(execute=True):
            services.add_note(
                actor=personas.walidata, ticket=ticket, body="Pemohon dosen, cek data BKKBN."
            )
        assert len(to_requester(mailing)) == 1
        assert not OutgoingMail.objects.filter(body__contains="BKKBN").exists()

        with django_capture_on_commit_callbacks(execute=True):
            services.reply(
                actor=personas.walidata, ticket=ticket, body="Data per desa sedang kami himpun."
            )
        first_again, second = to_requester(mailing)
        assert first_again["Message-ID"] == first["Message-ID"]
        assert second["Subject"] == f"[{ticket.number}] Balasan atas permintaan Anda"
        assert second["In-Reply-To"] == first["Message-ID"]
        assert first["Message-ID"] in second["References"].split()
        assert second["Message-ID"] != first["Message-ID"]
        text = plain(second)
        assert "Data per desa sedang kami himpun." in text
        assert "BKKBN" not in text
        assert "/bantuan/tiket/" not in text  # the link goes out once, in the first message

        # The link from the first message shows the reply and never the note.
        page = client.get(urlsplit(link).path).content.decode()
        assert "Data per desa sedang kami himpun." in page
        assert "BKKBN" not in page

        # Answering threads on the same first message too.
        with django_capture_on_commit_callbacks(execute=True):
            services.answer(actor=personas.walidata, ticket=ticket, body="Terlampir datanya.")
        third = to_requester(mailing)[2]
        assert third["In-Reply-To"] == first["Message-ID"]
        assert third["Subject"] == f"[{ticket.number}] Permintaan Anda sudah dijawab"

    def test_the_requester_reply_through_the_link_is_not_mailed_back_to_them(
        self,
        mailing: MailServer,
        personas: Personas,
        django_capture_on_commit_callbacks: Capture,
    ) -> None:
        client = Client()
        ticket = ask(client, django_capture_on_commit_callbacks)
        link = re.findall(r"https?://\S+/bantuan/tiket/\S+/", plain(to_requester(mailing)[0]))[0]
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(urlsplit(link).path, {"body": "Untuk tahun 2023 juga ya."})
        assert response.status_code == 302
        assert len(to_requester(mailing)) == 1
        assert ticket.messages.filter(body="Untuk tahun 2023 juga ya.").exists()
        # The staff who handle it are told instead (no agency: the Walidata staff).
        told = [m for m in received(mailing) if m["To"] == personas.walidata.email]
        assert [ticket.number in m["Subject"] for m in told] == [True]

    def test_a_visitor_reading_in_english_is_written_to_in_english(
        self,
        mailing: MailServer,
        settings: SettingsWrapper,
        django_capture_on_commit_callbacks: Capture,
    ) -> None:
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        ticket = ask(client, django_capture_on_commit_callbacks)
        assert ticket.language == "en"
        [first] = to_requester(mailing)
        assert first["Subject"] == f"[{ticket.number}] Your request has been registered"
        text = plain(first)
        assert f"Your request has been registered with number {ticket.number}." in text
        assert "Follow your request, reply or add a file through this private link" in text

    def test_starting_work_on_a_new_ticket_tells_the_requester_once(
        self,
        mailing: MailServer,
        personas: Personas,
        django_capture_on_commit_callbacks: Capture,
    ) -> None:
        client = Client()
        ticket = ask(client, django_capture_on_commit_callbacks)
        with django_capture_on_commit_callbacks(execute=True):
            services.start_work(actor=personas.walidata, ticket=ticket)
        first, started = to_requester(mailing)
        assert started["Subject"] == f"[{ticket.number}] Permintaan Anda sedang ditangani"
        assert started["In-Reply-To"] == first["Message-ID"]
        assert "Permintaan Anda sedang ditangani." in plain(started)
        events = list(ticket.messages.filter(kind="event").values_list("body", flat=True))
        assert events == ["Permintaan Anda sedang ditangani."]
        # Acknowledged first, then started: the requester hears it once, at the acknowledgement.
        other = ask(client, django_capture_on_commit_callbacks)
        with django_capture_on_commit_callbacks(execute=True):
            services.acknowledge(actor=personas.walidata, ticket=other)
            services.start_work(actor=personas.walidata, ticket=other)
        about_other = [m for m in to_requester(mailing) if other.number in m["Subject"]]
        assert len(about_other) == 2  # registered, being handled
        assert other.messages.filter(kind="event").count() == 1

    def test_the_closing_e_mail_carries_the_link_to_rate_the_service(
        self,
        mailing: MailServer,
        personas: Personas,
        django_capture_on_commit_callbacks: Capture,
    ) -> None:
        client = Client()
        ticket = ask(client, django_capture_on_commit_callbacks)
        with django_capture_on_commit_callbacks(execute=True):
            services.answer(actor=personas.walidata, ticket=ticket, body="Terlampir.")
            services.close(actor=personas.walidata, ticket=ticket)
        closed = to_requester(mailing)[-1]
        assert closed["Subject"] == f"[{ticket.number}] Permintaan Anda ditutup: nilai layanan kami"
        text = plain(closed)
        [link] = re.findall(rf"{re.escape(SITE)}/bantuan/tiket/\S+/survei/", text)
        path = urlsplit(link).path
        token = path.split("/")[3]
        # Its own link: it opens the survey, not the conversation.
        assert services.ticket_by_token(token) is None
        assert client.get(f"/bantuan/tiket/{token}/").status_code == 404
        page = client.get(path)
        assert page.status_code == 200
        assert ticket.number in page.content.decode()
        assert page["Referrer-Policy"] == "same-origin"
        answers = {f"u{i}": "4" for i in range(1, 10)}
        assert client.post(path, answers).status_code == 200
        assert SurveyResponse.objects.get().ticket == ticket
        again = client.get(path)
        assert "sudah dinilai" in again.content.decode()
        # An altered link opens nothing.
        forged = path.replace(token, f"{ticket.pk + 1}.{token.split('.')[1]}")
        assert client.get(forged).status_code == 404
