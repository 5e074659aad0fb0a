"""In a real Chromium: a visitor asks the Walidata a question, sees the FAQ answer it while
typing, sends it anyway (the spam check solved by the page's own script), follows it through
the private link e-mailed to a real SMTP server, and rates the service once a producer of the
ticket's agency has answered and closed it. Every page on the way is checked by axe-core and
must not scroll sideways on a phone; each is photographed at a laptop's and a phone's width
(``SATUDATA_SHOTS``: where to keep the screenshots, a temporary folder by default)."""

from __future__ import annotations

import email
import email.policy
import os
import re
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from satudata.core.testing import Personas
from satudata.core.tests.conftest import MailServer
from tests.test_browser import BLOCKING_IMPACT, _log_in, live_personas, page, pytestmark

__all__ = ["live_personas", "page", "pytestmark"]

WIDTHS = (1366, 375)
SettingsWrapper = Any  # pytest-django's settings fixture
VISITOR = "siti.aminah@contoh.test"


def _check(page: Any, folder: Path, name: str) -> None:
    """At each width: nothing scrolls sideways, axe-core finds nothing serious or critical, and
    a screenshot is kept."""
    from axe_playwright_python.sync_playwright import Axe

    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow} px at {width} px"
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
        results = Axe().run(page)
        blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACT]
        assert blocking == [], f"{name} at {width} px: {results.generate_snapshot()}"
        assert results.response["testEngine"]["name"] == "axe-core"
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})


def _use_smtp(settings: SettingsWrapper, server: MailServer) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = server.host, server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5


def _received(server: MailServer, to: str, count: int) -> list[EmailMessage]:
    """The messages the server holds for ``to``, once it holds ``count`` of them (delivery
    runs in another thread; the staff's own notices go to the same server)."""
    assert server.inbox is not None

    def held() -> list[EmailMessage]:
        assert server.inbox is not None
        return [
            email.message_from_bytes(e.original_content or b"", policy=email.policy.default)  # type: ignore[misc]
            for e in list(server.inbox.envelopes)
            if to in e.rcpt_tos
        ]

    deadline = time.monotonic() + 10
    while len(held()) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return held()


def _text(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


def test_a_visitor_asks_follows_the_e_mailed_link_and_rates_the_answer(
    live_server: Any,
    live_personas: Personas,
    page: Any,
    settings: SettingsWrapper,
    smtp_server: MailServer,
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    from satudata.catalog.testing import COUNTS, table_dataset
    from satudata.support import services
    from satudata.support.models import FaqEntry, State, SurveyResponse, Ticket

    p, base = live_personas, live_server.url
    folder = Path(os.environ.get("SATUDATA_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    _use_smtp(settings, smtp_server)
    settings.SITE_URL = base
    # The real difficulty (18 bits) takes seconds in a browser; the solving is the same code.
    settings.SUPPORT_POW_BITS = 8
    faq = FaqEntry.objects.create(
        question="Bagaimana cara meminta data jumlah penduduk per desa?",
        answer="Data penduduk per desa diterbitkan tiap tahun; unduh tabelnya dari katalog.",
        category="konsultasi",
    )
    table_dataset(
        actor=p.walidata,
        agency=p.agency,
        name="Jumlah Penduduk menurut Kecamatan",
        columns=COUNTS,
        rows=[["Pringsewu", 41200], ["Pagelaran", 38110]],
        publisher=p.kepala_bidang,
        description="Penduduk di setiap kecamatan (data contoh).",
    )

    for path, name in [
        ("/bantuan/", "bantuan"),
        ("/bantuan/panduan/publik/", "bantuan-panduan"),
        ("/bantuan/faq/", "bantuan-faq"),
        (f"/bantuan/faq/{faq.pk}/", "bantuan-faq-jawaban"),
        ("/bantuan/survei/", "bantuan-survei-umum"),
        ("/bantuan/tiket/tautan-yang-salah/", "bantuan-tiket-salah"),
    ]:
        page.goto(f"{base}{path}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        _check(page, folder, name)

    # Asking: the FAQ answers while the visitor types.
    page.goto(f"{base}/bantuan/tanya/")
    page.get_by_label("Pertanyaan Anda, dalam beberapa kata").press_sequentially(
        "data penduduk per desa", delay=20
    )
    suggestions = page.get_by_role("region", name="Mungkin ini menjawab pertanyaan Anda")
    expect(suggestions).to_be_visible()
    expect(suggestions.get_by_role("link", name=faq.question)).to_be_visible()
    expect(page.locator("[data-suggest-status]")).not_to_be_empty()
    page.get_by_label("Pertanyaan atau permintaan Anda selengkapnya").fill(
        "Saya memerlukan jumlah penduduk per desa di Kecamatan Pringsewu tahun 2024 untuk "
        "penelitian skripsi."
    )
    page.get_by_label("Jenis permintaan apa?").select_option("konsultasi")
    page.get_by_label("Nama Anda").fill("Siti Aminah")
    # A mistyped address is refused by the server; what was typed and the suggestions stay.
    page.get_by_label("Alamat surel Anda").fill("siti.aminah@")
    page.get_by_role("button", name="Kirim permintaan").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    expect(page.locator(".field.has-error")).to_have_count(1)
    expect(page.locator(".field.has-error")).to_contain_text("Alamat surel Anda")
    expect(page.get_by_label("Nama Anda")).to_have_value("Siti Aminah")
    expect(suggestions.get_by_role("link", name=faq.question)).to_be_visible()
    _check(page, folder, "bantuan-tanya-galat")
    page.get_by_label("Alamat surel Anda").fill(VISITOR)
    expect(page.locator("[data-pow-status]")).to_have_text(
        "Pemeriksaan spam siap: Anda dapat mengirim.", timeout=30_000
    )
    _check(page, folder, "bantuan-tanya")
    page.get_by_role("button", name="Kirim permintaan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Permintaan Anda sudah terdaftar")
    _check(page, folder, "bantuan-terdaftar")
    ticket = Ticket.objects.get()
    assert ticket.requester_email == VISITOR

    # The private link arrives by e-mail; it opens the ticket.
    [registered] = _received(smtp_server, VISITOR, 1)
    assert registered["To"] == VISITOR
    assert ticket.number in registered["Subject"]
    found = re.search(rf"{re.escape(base)}/bantuan/tiket/[A-Za-z0-9_-]+/", _text(registered))
    assert found is not None, _text(registered)
    link = found.group(0)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_contain_text(ticket.subject)
    expect(page.locator("main")).to_contain_text("Saya memerlukan jumlah penduduk per desa")
    _check(page, folder, "bantuan-tiket")

    # The Walidata gives the ticket to the agency; its producer answers and closes it.
    services.assign(actor=p.walidata, ticket=ticket, agency=p.agency)
    page.context.clear_cookies()
    _log_in(page, base, p.producer.username)
    page.goto(f"{base}/layanan/")
    _check(page, folder, "layanan")
    page.get_by_role("link", name=ticket.number).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(ticket.subject)
    _check(page, folder, "layanan-tiket")
    answer = page.locator("details.action").filter(
        has=page.locator("form[action$='/aksi/answer/']")
    )
    answer.locator("summary").click()
    answer.locator("textarea[name=body]").fill(
        "Tabel jumlah penduduk per desa 2024 ada di katalog: Jumlah Penduduk menurut Desa."
    )
    answer.get_by_role("button", name="Simpan").click()
    expect(page.locator("main")).to_contain_text("Dijawab")
    ticket.refresh_from_db()
    assert ticket.state == State.ANSWERED
    # The answered ticket offers "Tutup" (close); the producer closes it on the page.
    close = page.locator("details.action").filter(has=page.locator("form[action$='/aksi/close/']"))
    close.locator("summary").click()
    close.get_by_role("button", name="Simpan").click()
    expect(page.locator("main")).to_contain_text("Ditutup")
    ticket.refresh_from_db()
    assert ticket.state == State.CLOSED
    answered, closed = _received(smtp_server, VISITOR, 3)[1:]
    assert "Tabel jumlah penduduk per desa 2024" in _text(answered)
    assert ticket.number in closed["Subject"]

    # The visitor reads the answer through the same link and rates the service.
    page.context.clear_cookies()
    page.goto(link)
    expect(page.locator("main")).to_contain_text("Tabel jumlah penduduk per desa 2024")
    _check(page, folder, "bantuan-tiket-ditutup")
    page.get_by_role("link", name="Nilai layanan kami (1 menit)").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    questions = page.locator("fieldset.survey-question")
    expect(questions).to_have_count(9)
    _check(page, folder, "bantuan-survei")
    page.get_by_role("button", name="Kirim jawaban saya").click()  # nothing answered yet
    expect(page.locator("fieldset.survey-question[aria-invalid=true]")).to_have_count(9)
    _check(page, folder, "bantuan-survei-galat")
    for number in range(9):
        questions.nth(number).get_by_role("radio").nth(3 if number % 2 else 2).check()
    page.get_by_label("Umur (tahun)").fill("24")
    page.locator("textarea[name=suggestion]").fill("Jawabannya cepat dan jelas.")
    page.get_by_role("button", name="Kirim jawaban saya").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Terima kasih")
    _check(page, folder, "bantuan-survei-terima-kasih")

    answer_row = SurveyResponse.objects.get(ticket=ticket)
    assert answer_row.scores == [3, 4, 3, 4, 3, 4, 3, 4, 3]
    assert (answer_row.service, answer_row.age) == ("konsultasi", 24)
    assert answer_row.suggestion == "Jawabannya cepat dan jelas."

    # The open survey runs the same spam check in the browser before it is sent.
    page.goto(f"{base}/bantuan/survei/")
    expect(page.locator("[data-pow-status]")).to_have_text(
        "Pemeriksaan spam siap: Anda dapat mengirim.", timeout=30_000
    )
    _check(page, folder, "bantuan-survei-umum-siap")
    questions = page.locator("fieldset.survey-question")
    for number in range(9):
        questions.nth(number).get_by_role("radio").nth(2).check()
    page.get_by_role("button", name="Kirim jawaban saya").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Terima kasih")
    general = SurveyResponse.objects.get(ticket=None)
    assert general.scores == [3] * 9
