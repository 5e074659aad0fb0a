"""In a real Chromium: a visitor subscribes to a sector, reads the confirmation e-mail back from a
real SMTP server, opens its link and confirms, changes the preferences and unsubscribes; a mail
client's one-click POST (RFC 8058) unsubscribes over real HTTP without a cookie or CSRF token.
Every page on the way is checked by axe-core and must not scroll sideways at 375 px
(``SATUDATA_SHOTS``: where to keep the screenshots, a temporary folder by default).

The pages' words are not looked for (the test runs before and after their Indonesian
translation): fields are found by their names, buttons by their place."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from satudata.core.testing import Personas
from satudata.core.tests.conftest import MailServer, smtp_server
from satudata.core.tests.test_mail import received, use_smtp
from satudata.releases.tests.test_release_date_browser import _check
from tests.test_browser import live_personas, page, pytestmark

__all__ = ["live_personas", "page", "pytestmark", "smtp_server"]

VISITOR = "dewi.lestari@contoh.test"
SECTOR = "KESEHATAN"
SettingsWrapper = Any


def _plain(message: Any) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


def _mail_to(server: MailServer, address: str, count: int) -> list[Any]:
    import time

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = [m for m in received(server) if m["To"] == address]
        if len(found) >= count:
            return found
        time.sleep(0.05)
    raise AssertionError(f"{count} message(s) to {address} expected")


def test_a_visitor_subscribes_confirms_from_the_e_mail_changes_choices_and_unsubscribes(
    live_server: Any,
    live_personas: Personas,
    page: Any,
    settings: SettingsWrapper,
    smtp_server: MailServer,
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    from satudata.promotion import tokens
    from satudata.promotion.models import Subscriber, SubscriberState

    base = live_server.url
    folder = Path(os.environ.get("SATUDATA_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    use_smtp(settings, smtp_server.host, smtp_server.port)
    settings.SITE_URL = base
    settings.PROMOTION_ALLOW_RESERVED_DOMAINS = True  # the visitor's address is on contoh.test

    # The form; a mistyped address is refused and the error is tied to its field.
    page.goto(f"{base}/langganan/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    _check(page, folder, "langganan")
    page.locator("input[name=email]").fill("dewi.lestari@")
    page.locator("main form.subscribe-form button[type=submit]").click()
    expect(page.locator("#form-errors")).to_be_visible()
    email_field = page.locator("input[name=email]")
    expect(email_field).to_have_attribute("aria-invalid", "true")
    expect(email_field).to_have_attribute("aria-describedby", re.compile(r"id_email_error"))
    expect(page.locator("#id_email_error")).to_be_visible()
    _check(page, folder, "langganan-galat")

    email_field.fill(VISITOR)
    page.locator("details.subscribe-topics summary").first.click()
    page.locator(f"input[name=sectors][value={SECTOR}]").check()
    page.locator("main form.subscribe-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/langganan/\?terkirim=1$"))
    _check(page, folder, "langganan-terkirim")
    subscriber = Subscriber.objects.get(email=VISITOR)
    assert subscriber.state == SubscriberState.PENDING

    # The confirmation link, from the message the SMTP server received.
    [message] = _mail_to(smtp_server, VISITOR, 1)
    found = re.search(rf"{re.escape(base)}/langganan/konfirmasi/[^\s/]+/", _plain(message))
    assert found is not None, _plain(message)
    page.goto(found.group(0))
    expect(page.locator("main")).to_contain_text(VISITOR)
    _check(page, folder, "langganan-konfirmasi")
    subscriber.refresh_from_db()
    assert subscriber.state == SubscriberState.PENDING  # opening the link changed nothing
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main a.button")).to_be_visible()
    subscriber.refresh_from_db()
    assert subscriber.state == SubscriberState.ACTIVE
    _check(page, folder, "langganan-terkonfirmasi")

    # The preference page: weekly, in English, one more sector.
    page.locator("main a.button").click()
    page.wait_for_url(re.compile(r"/langganan/atur/"))
    expect(page.locator(f"input[name=sectors][value={SECTOR}]")).to_be_checked()
    _check(page, folder, "langganan-atur")
    page.locator("input[name=frequency][value=mingguan]").check()
    page.locator("input[name=language][value=en]").check()
    page.locator("input[name=sectors][value=PENDIDIKAN_DAN_PELATIHAN]").check()
    page.locator("main form.subscribe-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"\?tersimpan=1$"))
    expect(page.locator("main [role=status]")).to_be_visible()
    subscriber.refresh_from_db()
    assert (subscriber.frequency, subscriber.language) == ("mingguan", "en")
    assert sorted(subscriber.topics.values_list("value", flat=True)) == [
        SECTOR,
        "PENDIDIKAN_DAN_PELATIHAN",
    ]

    # Unsubscribing from the preference page.
    page.locator("section.subscribe-stop button[type=submit]").click()
    page.wait_for_url(re.compile(r"/langganan/berhenti/"))
    _check(page, folder, "langganan-berhenti")
    subscriber.refresh_from_db()
    assert subscriber.state == SubscriberState.UNSUBSCRIBED

    # A link that is not valid opens a clear page.
    response = page.goto(f"{base}/langganan/berhenti/tautan-yang-salah/")
    assert response is not None and response.status == 404
    _check(page, folder, "langganan-tautan-salah")

    # A mail client's one-click unsubscribe: a bare POST over HTTP, no cookie, no CSRF token.
    other = Subscriber.objects.create(email="budi@contoh.test", state=SubscriberState.ACTIVE)
    url = f"{base}/langganan/berhenti/{tokens.make(other, 'unsubscribe')}/"
    page.goto(url)
    _check(page, folder, "langganan-berhenti-tanya")
    page.context.clear_cookies()
    answer = page.context.request.post(
        url,
        data="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status == 200
    other.refresh_from_db()
    assert other.state == SubscriberState.UNSUBSCRIBED
