"""The share kit page in a real Chromium: the three cards load at their sizes, a suggested post
is copied to the clipboard by its button (the page's own script, under the site's content
policy: no refusal), and axe-core finds no serious or critical violation."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from satudata.core.testing import Personas, load_reference_data, make_personas

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="install Debian's chromium to run browser tests"),
]

BLOCKING_IMPACT = {"serious", "critical"}


@pytest.fixture
def live_personas(transactional_db: None) -> Personas:
    load_reference_data()
    return make_personas()


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch, live_server: Any) -> Iterator[Any]:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"],
        )
        context = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
        yield context.new_page()
        context.close()
        browser.close()


def _released(p: Personas) -> Any:
    from satudata.catalog.testing import table_dataset
    from satudata.core.models import SiteProfile
    from satudata.releases.models import Release

    SiteProfile.objects.create(
        site_name="Satu Data Pringsewu",
        regency_name="Kabupaten Pringsewu",
        walidata_name="Dinas Komunikasi dan Informatika",
    )
    dataset = table_dataset(
        actor=p.walidata,
        agency=p.agency,
        name="Jumlah Penduduk",
        columns=[("Tahun", "year"), ("Kecamatan", "text"), ("Jumlah", "int")],
        rows=[[2023, "Pringsewu", 400000], [2024, "Pringsewu", 412345]],
        title="Jumlah Penduduk (data contoh)",
        publisher=p.kepala_bidang,
    )
    return Release.objects.for_content(dataset.versions.get()).get()


def test_the_share_kit_page_shows_the_cards_and_copies_a_post(
    live_server: Any, live_personas: Personas, page: Any
) -> None:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect

    release = _released(live_personas)
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(f"{live_server.url}/bagikan/{release.uuid}/")
    images = page.locator(".share-card img")
    expect(images).to_have_count(3)
    for n, size in enumerate([(1200, 630), (1080, 1080), (1080, 1920)]):
        images.nth(n).scroll_into_view_if_needed()
        page.wait_for_function(
            "image => image.complete && image.naturalWidth > 0", arg=images.nth(n).element_handle()
        )
        natural = images.nth(n).evaluate("image => [image.naturalWidth, image.naturalHeight]")
        assert tuple(natural) == size

    field = page.locator("#post-id-x")
    expected = field.input_value()
    assert "412.345" in expected and "?k=bagikan-" in expected
    page.locator("[data-copy='post-id-x']").click()
    status = page.locator(".share-status")
    expect(status).to_have_text(str(status.get_attribute("data-copied")))
    assert page.evaluate("navigator.clipboard.readText()") == expected
    assert refused == []

    results = Axe().run(page)
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACT]
    assert blocking == [], results.generate_snapshot()
    assert results.response["testEngine"]["name"] == "axe-core"
