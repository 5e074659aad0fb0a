"""E-mail goes out one way: recorded, queued after commit, delivered by a task against a real
SMTP server, retried with back-off, failed visibly; a hanging server delays no page."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import time
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.core import mail as outbox
from django.db import transaction
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from satudata.catalog.testing import COUNTS, table_dataset
from satudata.core import mail
from satudata.core.models import MailKind, MailStatus, OutgoingMail
from satudata.core.testing import Personas
from satudata.core.tests.conftest import MailServer
from satudata.releases.models import Release

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
TIMEOUT = 4  # seconds: EMAIL_TIMEOUT in these tests
Capture = Callable[..., Any]
SettingsWrapper = Any  # pytest-django's settings fixture


def use_smtp(settings: SettingsWrapper, host: str, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = host, port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = TIMEOUT
    settings.DEFAULT_FROM_EMAIL = "Satu Data Pringsewu <satudata@pringsewu.test>"


def received(server: MailServer) -> list[EmailMessage]:
    assert server.inbox is not None
    return [
        email.message_from_bytes(e.original_content or b"", policy=email.policy.default)  # type: ignore[misc]
        for e in server.inbox.envelopes
    ]


def queue(to: list[str] | None = None, **kwargs: Any) -> OutgoingMail:
    message = mail.send(
        to or ["budi@dinkes.test"], "Nota Dinas 001", "Terlampir.", kind=MailKind.LETTER, **kwargs
    )
    assert message is not None
    return message


@pytest.mark.django_db
class TestMail:
    def test_it_delivers_to_a_real_smtp_server_with_headers_and_attachment(
        self,
        settings: SettingsWrapper,
        smtp_server: MailServer,
        django_capture_on_commit_callbacks: Capture,
    ) -> None:
        use_smtp(settings, smtp_server.host, smtp_server.port)
        pdf = b"%PDF-1.7\n" + bytes(range(256)) * 40
        with django_capture_on_commit_callbacks(execute=True):
            message = queue(
                ["budi@dinkes.test", "ani@dinkes.test"],
                reply_to=["walidata@pringsewu.test"],
                attachments=[
                    mail.Attachment(
                        filename="nota-dinas-0001.pdf", content=pdf, mimetype="application/pdf"
                    )
                ],
            )
        message.refresh_from_db()
        assert (message.status, message.attempts, message.last_error) == (MailStatus.SENT, 1, "")
        assert message.sent_at is not None
        [got] = received(smtp_server)
        assert smtp_server.inbox is not None
        assert sorted(smtp_server.inbox.envelopes[0].rcpt_tos) == [
            "ani@dinkes.test",
            "budi@dinkes.test",
        ]
        assert got["Subject"] == "Nota Dinas 001"
        assert got["From"] == "Satu Data Pringsewu <satudata@pringsewu.test>"
        assert got["To"] == "ani@dinkes.test, budi@dinkes.test"
        assert got["Reply-To"] == "walidata@pringsewu.test"
        body = got.get_body(preferencelist=("plain",))
        assert body is not None and body.get_content().strip() == "Terlampir."
        [part] = list(got.iter_attachments())
        assert part.get_filename() == "nota-dinas-0001.pdf"
        assert part.get_content_type() == "application/pdf"
        assert part.get_content() == pdf

    def test_a_page_that_notifies_does_not_wait_for_a_hanging_mail_server(
        self,
        settings: SettingsWrapper,
        personas: Personas,
        hanging_smtp_server: MailServer,
        django_capture_on_commit_callbacks: Capture,
    ) -> None:
        p = personas
        dataset = table_dataset(
            actor=p.walidata, agency=p.agency, name="Jumlah Bidan", columns=COUNTS, rows=[["A", 1]]
        )
        release = Release.objects.for_content(dataset.versions.get()).get()
        use_smtp(settings, hanging_smtp_server.host, hanging_smtp_server.port)
        settings.TASKS, settings.TASKS_BACKEND = DB_TASKS, "database"  # a real queue and worker
        client = Client()
        client.force_login(p.walidata)
        started = time.monotonic()  # the commit's callbacks run in the request, so time them too
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = client.post(f"/rilis/{release.uuid}/submit/", {"text": "Siap"})
        elapsed = time.monotonic() - started
        assert callbacks
        assert response.status_code == 302
        assert elapsed < TIMEOUT / 2, f"the page took {elapsed:.2f} s"
        message = OutgoingMail.objects.get(to=[p.kepala_bidang.email])
        assert message.status == MailStatus.QUEUED
        assert DBTaskResult.objects.filter(task_path="satudata.core.mail.deliver").exists()

        # the worker's attempt waits for the server, gives up at EMAIL_TIMEOUT and says why
        started = time.monotonic()
        assert mail.deliver.call(message.pk) == MailStatus.QUEUED
        assert time.monotonic() - started >= TIMEOUT - 0.5
        message.refresh_from_db()
        assert message.attempts == 1
        assert "timed out" in message.last_error
        assert message.next_attempt_at > timezone.now() + dt.timedelta(seconds=50)
        assert message.enqueued_at is None and message.claimed_at is None

    def test_a_failing_server_is_retried_with_back_off_then_the_message_fails(
        self,
        settings: SettingsWrapper,
        closed_port: int,
        django_capture_on_commit_callbacks: Capture,
    ) -> None:
        use_smtp(settings, "127.0.0.1", closed_port)
        settings.MAIL_MAX_ATTEMPTS = 3
        start = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)
        with time_machine.travel(start, tick=False):
            with django_capture_on_commit_callbacks(execute=True):
                message = queue()
            message.refresh_from_db()
            assert (message.status, message.attempts) == (MailStatus.QUEUED, 1)
            assert "Connection refused" in message.last_error
            assert message.next_attempt_at == start + dt.timedelta(minutes=1)
            assert mail.retry_due.call() == 0  # not due yet
        with time_machine.travel(start + dt.timedelta(minutes=1), tick=False):
            assert mail.retry_due.call() == 1
            message.refresh_from_db()
            assert (message.status, message.attempts) == (MailStatus.QUEUED, 2)
            assert message.next_attempt_at == start + dt.timedelta(minutes=5)
        with time_machine.travel(start + dt.timedelta(minutes=5), tick=False):
            assert mail.retry_due.call() == 1
        message.refresh_from_db()
        assert (message.status, message.attempts) == (MailStatus.FAILED, 3)
        assert "Connection refused" in message.last_error
        assert mail.retry_due.call() == 0  # a failed message waits for a person

    def test_a_permanent_refusal_fails_at_once(
        self,
        settings: SettingsWrapper,
        smtp_server: MailServer,
        django_capture_on_commit_callbacks: Capture,
    ) -> None:
        use_smtp(settings, smtp_server.host, smtp_server.port)
        assert smtp_server.inbox is not None
        smtp_server.inbox.refuse.add("hilang@dinkes.test")
        with django_capture_on_commit_callbacks(execute=True):
            message = queue(["hilang@dinkes.test"])
        message.refresh_from_db()
        assert (message.status, message.attempts) == (MailStatus.FAILED, 1)
        assert "550" in message.last_error

    def test_the_admin_sends_failed_messages_again(
        self, personas: Personas, django_capture_on_commit_callbacks: Capture
    ) -> None:
        message = queue()
        OutgoingMail.objects.filter(pk=message.pk).update(
            status=MailStatus.FAILED, attempts=5, last_error="SMTPServerDisconnected"
        )
        client = Client()
        client.force_login(personas.admin)
        page = client.get("/admin/core/outgoingmail/?status__exact=failed")
        assert page.status_code == 200
        assert b"Nota Dinas 001" in page.content
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/admin/core/outgoingmail/",
                {"action": "send_again", "_selected_action": [message.pk]},
            )
        assert response.status_code == 302
        message.refresh_from_db()
        assert (message.status, message.attempts) == (MailStatus.SENT, 1)
        assert [m.subject for m in outbox.outbox] == ["Nota Dinas 001"]

    def test_a_rolled_back_change_sends_and_keeps_nothing(
        self, django_capture_on_commit_callbacks: Capture
    ) -> None:
        with (
            django_capture_on_commit_callbacks(execute=True),
            pytest.raises(RuntimeError),
            transaction.atomic(),
        ):
            queue()
            raise RuntimeError("the change failed")
        assert not OutgoingMail.objects.exists()
        assert outbox.outbox == []

    def test_a_queue_that_is_down_loses_nothing(
        self, django_capture_on_commit_callbacks: Capture
    ) -> None:
        with (
            mock.patch("satudata.core.mail.deliver") as task,
            django_capture_on_commit_callbacks(execute=True),
        ):
            task.enqueue.side_effect = ConnectionError("Redis is down")
            message = queue()
        message.refresh_from_db()
        assert (message.status, message.enqueued_at) == (MailStatus.QUEUED, None)
        assert outbox.outbox == []
        assert mail.retry_due.call() == 1  # the queue is back: the periodic job enqueues it
        message.refresh_from_db()
        assert message.status == MailStatus.SENT
        assert len(outbox.outbox) == 1

    def test_a_message_enqueued_twice_is_sent_once(self) -> None:
        message = queue()  # no commit yet: nothing enqueued
        assert mail.deliver.call(message.pk) == MailStatus.SENT
        assert mail.deliver.call(message.pk) == "skipped"
        assert len(outbox.outbox) == 1

    def test_a_message_left_sending_by_a_killed_worker_is_sent_again(self) -> None:
        message = queue()
        an_hour_ago = timezone.now() - dt.timedelta(hours=1)
        OutgoingMail.objects.filter(pk=message.pk).update(
            status=MailStatus.SENDING, claimed_at=an_hour_ago, enqueued_at=an_hour_ago
        )
        assert mail.retry_due.call() == 1
        message.refresh_from_db()
        assert message.status == MailStatus.SENT
