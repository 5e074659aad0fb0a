"""Release e-mails to subscribers, through a real SMTP server and read back: none a second
before the release time, all at it; exactly once across two workers and a worker killed
midway; postponement and cancellation notices; topics; the weekly digest once; failures that
suspend an address; a release withdrawn before its e-mails went out is not told."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import threading
from collections import Counter
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from satudata.catalog.models import Access, DataItem, Dataset
from satudata.catalog.testing import table_dataset
from satudata.core.models import AuditEvent
from satudata.core.testing import Personas
from satudata.core.tests.conftest import MailServer
from satudata.core.tests.test_mail import use_smtp
from satudata.promotion import dispatch, messages
from satudata.promotion.models import (
    Delivery,
    DeliveryState,
    Digest,
    Dispatch,
    DispatchKind,
    Frequency,
    Subscriber,
    SubscriberState,
    Topic,
)
from satudata.releases import services
from satudata.releases.models import Release
from satudata.releases.testing import release

WIB = dt.timezone(dt.timedelta(hours=7))
SECTOR = "PENDIDIKAN_DAN_PELATIHAN"
OTHER_SECTOR = "KEUANGAN"
COLUMNS = [("Tahun", "year"), ("Kecamatan", "text"), ("Jumlah", "int")]


class Killed(BaseException):
    """A worker killed mid-batch (what SIGTERM's SystemExit does to the loop)."""


@pytest.fixture
def mail_server(settings: Any, smtp_server: MailServer) -> Iterator[MailServer]:
    use_smtp(settings, smtp_server.host, smtp_server.port)
    settings.SITE_URL = "https://data.pringsewu.test"
    settings.PROMOTION_SEND_RATE = 0
    settings.PROMOTION_BATCH = 200
    yield smtp_server


def inbox(server: MailServer) -> list[EmailMessage]:
    assert server.inbox is not None
    return [
        email.message_from_bytes(e.original_content or b"", policy=email.policy.default)  # type: ignore[misc]
        for e in server.inbox.envelopes
    ]


def recipients(server: MailServer) -> Counter[str]:
    """The subscribers' messages by address (the staff's workflow e-mails left out)."""
    return Counter(str(m["To"]) for m in inbox(server) if str(m["To"]).endswith("@contoh.test"))


def parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    return str(text.get_content()), str(html.get_content())


def release_time(days: int = 3, hour: int = 10) -> dt.datetime:
    day = (timezone.now() + dt.timedelta(days=days)).astimezone(WIB).date()
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=WIB)


def scheduled(
    p: Personas, name: str, at: dt.datetime, sector: str = SECTOR, title: str = ""
) -> Dataset:
    """A dataset of two years' counts, in ``sector``, scheduled to come out at ``at``."""
    dataset = table_dataset(
        actor=p.walidata,
        agency=p.agency,
        name=name,
        columns=COLUMNS,
        rows=[
            [2023, "Pringsewu", 1200],
            [2023, "Gadingrejo", 800],
            [2024, "Pringsewu", 1234],
            [2024, "Gadingrejo", 900],
        ],
        sector=sector,
        title=title or name,
        description="Jumlah murid sekolah dasar per kecamatan.",
    )
    release(dataset.versions.get(), kepala_bidang=p.kepala_bidang, at=at)
    return dataset


def subscriber(
    address: str,
    *topics: tuple[str, str],
    everything: bool = False,
    frequency: str = Frequency.IMMEDIATE,
    language: str = "id",
    state: str = SubscriberState.ACTIVE,
    calendar_changes: bool = True,
) -> Subscriber:
    person = Subscriber.objects.create(
        email=address,
        everything=everything,
        frequency=frequency,
        language=language,
        state=state,
        calendar_changes=calendar_changes,
    )
    for kind, value in topics:
        Topic.objects.create(subscriber=person, kind=kind, value=value)
    return person


def run_at(moment: dt.datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return dispatch.run()


@pytest.mark.django_db
def test_it_tells_no_one_a_second_early_and_everyone_concerned_at_the_release_time(
    mail_server: MailServer, personas: Personas
) -> None:
    at = release_time()
    dataset = scheduled(personas, "Jumlah Murid SD", at)
    scheduled(personas, "Realisasi Anggaran", at, sector=OTHER_SECTOR)
    subscriber("semua@contoh.test", everything=True)
    subscriber("pendidikan@contoh.test", ("sektor", SECTOR))
    subscriber("keuangan@contoh.test", ("sektor", OTHER_SECTOR))
    subscriber("instansi@contoh.test", ("instansi", personas.agency.slug), language="en")
    subscriber("belum@contoh.test", ("sektor", SECTOR), state=SubscriberState.PENDING)
    subscriber("mingguan@contoh.test", ("sektor", SECTOR), frequency=Frequency.WEEKLY)

    assert run_at(at - dt.timedelta(seconds=1)) == 0
    assert inbox(mail_server) == []
    assert not Dispatch.objects.exists()

    assert run_at(at) == 6
    assert recipients(mail_server) == {
        "semua@contoh.test": 2,
        "instansi@contoh.test": 2,
        "pendidikan@contoh.test": 1,
        "keuangan@contoh.test": 1,
    }
    school = next(m for m in inbox(mail_server) if m["To"] == "pendidikan@contoh.test")
    assert "Jumlah Murid SD" in str(school["Subject"])
    held = Delivery.objects.get(subscriber__email="mingguan@contoh.test")
    assert held.state == DeliveryState.HELD
    # Run again, and again later: nothing more.
    assert run_at(at + dt.timedelta(minutes=1)) == 0
    assert run_at(at + dt.timedelta(hours=1)) == 0
    assert len(inbox(mail_server)) == 6
    told = Dispatch.objects.get(release__object_id=dataset.versions.get().pk)
    assert told.recipients == 3 and told.finished_at is not None


@pytest.mark.django_db
def test_the_release_e_mail_has_text_and_html_the_figures_the_links_and_unsubscribe_headers(
    mail_server: MailServer, personas: Personas
) -> None:
    at = release_time()
    scheduled(personas, "Jumlah Murid SD", at, title="Jumlah Murid SD (data contoh)")
    person = subscriber("guru@contoh.test", ("sektor", SECTOR))
    subscriber("teacher@contoh.test", ("sektor", SECTOR), language="en")
    run_at(at)
    [message] = [m for m in inbox(mail_server) if m["To"] == "guru@contoh.test"]
    item = Release.objects.get()
    text, html = parts(message)
    assert "Jumlah Murid SD" in text
    assert "pukul 10.00 WIB" in text
    assert "2.134" in text and "2024" in text  # the total at the newest year, Indonesian digits
    assert f"?k=surel-{item.pk}" in text
    assert "/jadwal-rilis/" in text
    assert "data contoh" in text.lower() and "data contoh" in html.lower()
    assert '<html lang="id">' in html and "<h1>" in html and "<img" not in html
    unsubscribe = str(message["List-Unsubscribe"]).strip()  # a long header is folded
    assert unsubscribe.startswith("<https://data.pringsewu.test/langganan/berhenti/")
    assert unsubscribe.strip("<>") in text and unsubscribe.strip("<>") in html
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Precedence"] == "bulk"
    assert "rilis.data.pringsewu.test" in str(message["List-Id"])
    assert "/langganan/atur/" in text
    dispatch_pk = Dispatch.objects.get().pk
    assert message["Message-ID"] == f"<promosi.rilis.{dispatch_pk}.{person.pk}@data.pringsewu.test>"
    [english] = [m for m in inbox(mail_server) if m["To"] == "teacher@contoh.test"]
    text, html = parts(english)
    assert str(english["Subject"]).startswith("[sample data] New release:")
    assert "at 10.00 WIB" in text and "2,134" in text and '<html lang="en">' in html


@pytest.mark.django_db
def test_two_workers_claiming_side_by_side_send_each_message_once(
    mail_server: MailServer, personas: Personas, settings: Any
) -> None:
    at = release_time()
    scheduled(personas, "Jumlah Murid SD", at)
    for i in range(30):
        subscriber(f"pembaca{i:02d}@contoh.test", ("sektor", SECTOR))
    with time_machine.travel(at, tick=False):
        dispatch.open_dispatches(at)
        assert not dispatch.open_dispatches(at)  # a second scheduler opens nothing
        [told] = Dispatch.objects.all()
        dispatch.plan(told, at)
        dispatch.plan(told, at)  # a second planner adds nothing
        assert Delivery.objects.count() == 30
        first, second = dispatch.Sender(started=at), dispatch.Sender(started=at)
        assert dispatch.claim("a", at, at, 10) == 10
        assert dispatch.claim("b", at, at, 10) == 10
        mine = set(Delivery.objects.filter(claim="a").values_list("pk", flat=True))
        theirs = set(Delivery.objects.filter(claim="b").values_list("pk", flat=True))
        assert len(mine | theirs) == 20
        second.send_claimed("b")
        first.send_claimed("a")
        first.close()
        second.close()
        # Both workers go on to the end, one after the other.
        assert dispatch.Sender(started=at).run(7) == 10
        assert dispatch.Sender(started=at).run(7) == 0
    assert set(recipients(mail_server).values()) == {1}
    assert len(recipients(mail_server)) == 30


@pytest.mark.django_db(transaction=True)
def test_two_workers_running_at_the_same_moment_send_each_message_once(
    mail_server: MailServer, personas: Personas, settings: Any
) -> None:
    settings.PROMOTION_BATCH = 4
    at = release_time()
    scheduled(personas, "Jumlah Murid SD", at)
    for i in range(40):
        subscriber(f"pembaca{i:02d}@contoh.test", ("sektor", SECTOR))
    start = threading.Barrier(2)
    sent: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait()
            sent.append(dispatch.run())
        except BaseException as error:  # shown by the assertion below
            errors.append(error)
        finally:
            connection.close()

    with time_machine.travel(at, tick=False):
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert errors == []
    assert sum(sent) == 40
    counts = recipients(mail_server)
    assert len(counts) == 40 and set(counts.values()) == {1}
    assert Dispatch.objects.count() == 1 and Delivery.objects.count() == 40


@pytest.mark.django_db
def test_a_worker_killed_mid_batch_leaves_nothing_unsent_and_nothing_sent_twice(
    mail_server: MailServer, personas: Personas, settings: Any, monkeypatch: Any
) -> None:
    settings.PROMOTION_BATCH = 10
    at = release_time()
    scheduled(personas, "Jumlah Murid SD", at)
    for i in range(25):
        subscriber(f"pembaca{i:02d}@contoh.test", ("sektor", SECTOR))
    built = messages.release_message
    calls = {"n": 0}

    def dies_after_four(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 5:
            raise Killed
        return built(*args, **kwargs)

    monkeypatch.setattr(messages, "release_message", dies_after_four)
    with pytest.raises(Killed):
        run_at(at)
    assert len(inbox(mail_server)) == 4
    assert Delivery.objects.filter(state=DeliveryState.SENDING).count() == 6
    monkeypatch.setattr(messages, "release_message", built)
    # Another worker a minute later sends what nobody holds, not what the dead one held.
    assert run_at(at + dt.timedelta(minutes=1)) == 15
    assert Delivery.objects.filter(state=DeliveryState.SENDING).count() == 6
    # Once the dead worker's claim is stale, its rows are sent.
    assert run_at(at + dt.timedelta(minutes=12)) == 6
    counts = recipients(mail_server)
    assert len(counts) == 25 and set(counts.values()) == {1}
    ids = [m["Message-ID"] for m in inbox(mail_server)]
    assert len(set(ids)) == 25
    for message in inbox(mail_server):
        text, html = parts(message)
        assert message["List-Unsubscribe"] and message["List-Unsubscribe-Post"]
        assert "Jumlah Murid SD" in text and "Jumlah Murid SD" in html
    assert Dispatch.objects.get().finished_at is not None


@pytest.mark.django_db
def test_a_postponement_is_told_to_those_who_follow_calendar_changes(
    mail_server: MailServer, personas: Personas
) -> None:
    at = release_time()
    scheduled(personas, "Jumlah Murid SD", at)
    subscriber("jadwal@contoh.test", ("sektor", SECTOR))
    subscriber("tanpa-jadwal@contoh.test", ("sektor", SECTOR), calendar_changes=False)
    subscriber("lain@contoh.test", ("sektor", OTHER_SECTOR))
    entry = Release.objects.get().entry
    assert entry is not None
    later = at + dt.timedelta(days=7)
    services.reschedule_entry(
        actor=personas.kepala_bidang, entry=entry, planned_at=later, reason="Data terlambat."
    )
    assert dispatch.run() == 1
    [notice] = inbox(mail_server)
    assert notice["To"] == "jadwal@contoh.test"
    assert "Jumlah Murid SD" in str(notice["Subject"])
    text, html = parts(notice)
    assert "Data terlambat." in text and "Data terlambat." in html
    assert timezone.localtime(later).strftime("%H.%M") in text
    assert notice["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert dispatch.run() == 0
    # At the old time nothing is told; at the new one the release is.
    assert run_at(at) == 0
    assert run_at(later) == 2


@pytest.mark.django_db
def test_a_cancellation_is_told_with_its_reason(
    mail_server: MailServer, personas: Personas
) -> None:
    at = release_time()
    scheduled(personas, "Jumlah Murid SD", at)
    subscriber("dinas@contoh.test", ("instansi", personas.agency.slug), language="en")
    entry = Release.objects.get().entry
    assert entry is not None
    services.cancel_entry(
        actor=personas.kepala_bidang, entry=entry, reason="Survei tidak dilaksanakan."
    )
    assert dispatch.run() == 1
    [notice] = inbox(mail_server)
    assert str(notice["Subject"]).startswith("Release cancelled:")
    text, _html = parts(notice)
    assert "Survei tidak dilaksanakan." in text
    assert Dispatch.objects.get().kind == DispatchKind.CANCELLED
    assert run_at(at) == 0 and dispatch.run() == 0


@pytest.mark.django_db
def test_a_release_withdrawn_before_its_e_mails_went_out_is_not_told(
    mail_server: MailServer, personas: Personas
) -> None:
    at = release_time()
    scheduled(personas, "Jumlah Murid SD", at)
    subscriber("pembaca@contoh.test", ("sektor", SECTOR))
    with time_machine.travel(at, tick=False):
        dispatch.open_dispatches(at)
        dispatch.plan(Dispatch.objects.get(), at)
    with time_machine.travel(at + dt.timedelta(seconds=30), tick=False):
        services.withdraw_release(
            actor=personas.kepala_bidang, release=Release.objects.get(), reason="Salah angka."
        )
    assert run_at(at + dt.timedelta(minutes=1)) == 0
    assert inbox(mail_server) == []
    assert Delivery.objects.get().state == DeliveryState.SKIPPED


@pytest.mark.django_db
def test_old_releases_are_not_mailed_on_the_first_deployment(
    mail_server: MailServer, personas: Personas
) -> None:
    at = release_time()
    scheduled(personas, "Jumlah Murid SD", at)
    subscriber("pembaca@contoh.test", everything=True)
    assert run_at(at + dt.timedelta(days=3)) == 0
    assert inbox(mail_server) == []


@pytest.mark.django_db
def test_the_weekly_digest_goes_once_on_its_day_from_its_time(
    mail_server: MailServer, personas: Personas, settings: Any
) -> None:
    settings.PROMOTION_DIGEST_WEEKDAY, settings.PROMOTION_DIGEST_TIME = 0, "08:00"
    at = release_time()
    scheduled(personas, "Jumlah Murid SD", at)
    scheduled(personas, "Jumlah Guru SD", at + dt.timedelta(hours=1))
    weekly = subscriber("mingguan@contoh.test", ("sektor", SECTOR), frequency=Frequency.WEEKLY)
    run_at(at)
    run_at(at + dt.timedelta(hours=1))
    assert inbox(mail_server) == []
    day = at.astimezone(WIB).date()
    monday = day + dt.timedelta(days=7 - day.weekday())
    early = dt.datetime.combine(monday, dt.time(7, 59), tzinfo=WIB)
    due = dt.datetime.combine(monday, dt.time(8, 0), tzinfo=WIB)
    for moment, expected in [(early, 0), (due, 1), (due + dt.timedelta(hours=1), 0)]:
        with time_machine.travel(moment, tick=False):
            assert dispatch.send_due_digests() == expected
    [digest] = inbox(mail_server)
    text, html = parts(digest)
    assert "Jumlah Murid SD" in text and "Jumlah Guru SD" in text
    assert "?k=surel-mingguan" in text and "<h2>Jumlah Guru SD</h2>" in html
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    sent = Digest.objects.get(subscriber=weekly)
    assert sent.week == monday and sent.state == DeliveryState.SENT
    assert set(weekly.deliveries.values_list("state", "digest")) == {(DeliveryState.SENT, sent.pk)}


@pytest.mark.django_db
def test_an_address_refused_again_and_again_is_suspended_and_a_success_resets_the_count(
    mail_server: MailServer, personas: Personas, settings: Any
) -> None:
    settings.PROMOTION_MAX_FAILURES = 2
    assert mail_server.inbox is not None
    mail_server.inbox.refuse.add("hilang@contoh.test")
    at = release_time()
    for hour, name in enumerate(["Jumlah Murid SD", "Jumlah Guru SD", "Jumlah Sekolah SD"]):
        scheduled(personas, name, at + dt.timedelta(hours=hour))
    bad = subscriber("hilang@contoh.test", ("sektor", SECTOR))
    good = subscriber("ada@contoh.test", ("sektor", SECTOR))
    Subscriber.objects.filter(pk=good.pk).update(failures=1, last_error="451 coba lagi")
    run_at(at)
    bad.refresh_from_db()
    good.refresh_from_db()
    assert (bad.failures, bad.state) == (1, SubscriberState.ACTIVE)
    assert "550" in bad.last_error
    assert (good.failures, good.last_error) == (0, "")
    run_at(at + dt.timedelta(hours=1))
    bad.refresh_from_db()
    assert (bad.failures, bad.state) == (2, SubscriberState.SUSPENDED)
    assert AuditEvent.objects.filter(action="promotion.suspended", object_id=str(bad.pk)).exists()
    run_at(at + dt.timedelta(hours=2))
    assert not Delivery.objects.filter(subscriber=bad, dispatch__release__title="Jumlah Sekolah SD")
    assert recipients(mail_server) == {"ada@contoh.test": 3}
    assert Delivery.objects.filter(subscriber=bad, state=DeliveryState.FAILED).count() == 2


@pytest.mark.django_db
def test_a_mail_server_that_is_down_fails_no_one(
    settings: Any, personas: Personas, mail_server: MailServer
) -> None:
    at = release_time()
    scheduled(personas, "Jumlah Murid SD", at)
    person = subscriber("pembaca@contoh.test", ("sektor", SECTOR))
    from satudata.core.tests.conftest import free_port

    settings.EMAIL_PORT = free_port()  # nobody listens there
    assert run_at(at) == 0
    person.refresh_from_db()
    assert person.failures == 0
    assert Delivery.objects.get().state == DeliveryState.PENDING
    settings.EMAIL_PORT = mail_server.port
    assert run_at(at + dt.timedelta(minutes=1)) == 1


@pytest.mark.django_db
def test_a_release_of_data_that_is_not_open_is_told_to_no_one(
    mail_server: MailServer, personas: Personas
) -> None:
    at = release_time()
    dataset = scheduled(personas, "Jumlah Murid SD", at)
    DataItem.objects.filter(pk=dataset.item_id).update(access=Access.RESTRICTED)
    subscriber("pembaca@contoh.test", everything=True)
    assert run_at(at) == 0
    assert inbox(mail_server) == []
    assert Delivery.objects.get().state == DeliveryState.SKIPPED


@pytest.mark.django_db
def test_a_refused_digest_counts_on_the_subscriber_and_keeps_its_releases_held(
    mail_server: MailServer, personas: Personas, settings: Any
) -> None:
    settings.PROMOTION_DIGEST_WEEKDAY, settings.PROMOTION_DIGEST_TIME = 0, "08:00"
    assert mail_server.inbox is not None
    mail_server.inbox.refuse.add("mingguan@contoh.test")
    at = release_time()
    scheduled(personas, "Jumlah Murid SD", at)
    weekly = subscriber("mingguan@contoh.test", everything=True, frequency=Frequency.WEEKLY)
    run_at(at)
    day = at.astimezone(WIB).date()
    monday = day + dt.timedelta(days=7 - day.weekday())
    with time_machine.travel(dt.datetime.combine(monday, dt.time(9), tzinfo=WIB), tick=False):
        assert dispatch.send_due_digests() == 0
    weekly.refresh_from_db()
    assert weekly.failures == 1 and "550" in weekly.last_error
    assert Digest.objects.get().state == DeliveryState.FAILED
    assert Delivery.objects.get().state == DeliveryState.HELD
