# ruff: noqa: F811 -- the browser fixtures (page, live_personas) come from tests/test_browser.py
"""The producer's own page, the page for developers and the bundled API docs in a real
Chromium, at a laptop's width (1366 px) and a phone's (375 px), each checked by axe-core.
Screenshots go to $SHOTS_DIR when it is set (to look at them), else to the test's tmp dir."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from satudata.core.testing import Personas
from tests.test_browser import BLOCKING_IMPACT, _log_in, live_personas, page  # noqa: F401

pytestmark = [pytest.mark.browser]

WIDTHS = [1366, 375]


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("SHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _check(page: Any, name: str, width: int, tmp_path: Path) -> None:
    """No sideways scrolling, no serious axe violation; a full-page screenshot kept."""
    from axe_playwright_python.sync_playwright import Axe

    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} scrolls sideways by {overflow} px at {width} px"
    results = Axe().run(page)
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACT]
    assert blocking == [], results.generate_snapshot()
    assert results.response["testEngine"]["name"] == "axe-core"
    page.screenshot(path=str(_shots(tmp_path) / f"{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_producer_finds_its_agency_s_work_and_news_on_its_own_page(
    live_server: Any, live_personas: Personas, page: Any, width: int, tmp_path: Path
) -> None:
    from satudata.portal.tests.workspace_world import build_world

    world = build_world(live_personas)
    page.set_viewport_size({"width": width, "height": 900})
    _log_in(page, live_server.url, live_personas.producer.username)
    menu = page.locator(".menu-button")
    if menu.is_visible():  # on a phone the header's links are behind the Menu button
        menu.click()
    page.get_by_role("link", name="Ruang kerja saya").click()
    page.wait_for_url(f"{live_server.url}/ruang-kerja/")
    main = page.locator("main").inner_text()
    for text in (
        "Jumlah Puskesmas",
        "Belum ada data",
        "Dikembalikan dengan catatan",
        world.letter.number,
        "Jumlah Bidan 2026",
        "Layanan data Dinkes",
    ):
        assert text in main
    assert "RAHASIA" not in main
    assert page.locator(".site-header .user-link .badge").text_content() == "2"
    _check(page, "ruang-kerja", width, tmp_path)

    # Opening BPS's decision marks it read and leads to the returned MS-Keg.
    page.get_by_role("link", name=f"MS-Keg dikembalikan: {world.activity}").click()
    page.wait_for_url(f"{live_server.url}/metadata/kegiatan/{world.activity.pk}/")
    assert page.locator(".site-header .user-link .badge").text_content() == "1"


@pytest.mark.parametrize("width", WIDTHS)
def test_a_producer_follows_its_agency_s_sop_tasks(
    live_server: Any, live_personas: Personas, page: Any, width: int, tmp_path: Path
) -> None:
    from satudata.portal.tests.workspace_world import build_world

    build_world(live_personas)
    page.set_viewport_size({"width": width, "height": 900})
    _log_in(page, live_server.url, live_personas.producer.username)
    page.goto(f"{live_server.url}/tugas/")
    main = page.locator("main").inner_text()
    assert "Layanan data Dinkes" in main and "Disdik" not in main
    _check(page, "tugas-produsen", width, tmp_path)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_developer_finds_every_channel_from_the_footer(
    live_server: Any, live_personas: Personas, page: Any, width: int, tmp_path: Path
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Untuk pengembang").click()
    page.wait_for_url(f"{live_server.url}/pengembang/")
    main = page.locator("main").inner_text()
    for text in ("REST API v1", "CKAN API", "DCAT", "data.json", "library(httr2)"):
        assert text in main
    assert f"{live_server.url}/api/v1/" in main
    _check(page, "pengembang", width, tmp_path)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_api_documentation_passes_axe(
    live_server: Any, live_personas: Personas, page: Any, width: int, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "id"
    # An operation opened, as a developer reads it: its parameters and answers are checked too.
    page.locator(".opblock-summary").first.click()
    expect(page.locator(".opblock-body").first).to_be_visible()
    _check(page, "api-docs", width, tmp_path)
