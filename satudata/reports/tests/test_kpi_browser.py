"""In a real Chromium: the KPI page and the compliance page pass axe-core (nothing serious or
critical), do not scroll sideways on a 375 px phone, and the period filter works."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from satudata.core.testing import PASSWORD, Personas
from satudata.releases.tests.test_release_date_browser import _check
from tests.test_browser import live_personas, page, pytestmark

__all__ = ["live_personas", "page", "pytestmark"]


def test_the_kpi_page_in_a_browser(
    live_server: Any, live_personas: Personas, page: Any, settings: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    folder = Path(os.environ.get("SATUDATA_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    page.goto(f"{base}/masuk/")
    page.get_by_label("Nama pengguna").fill(live_personas.walidata.username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/laporan/kpi/?periode=2026-Q1")
    rows = page.locator("table.kpi-table tbody tr")
    expect(rows).to_have_count(18)
    _check(page, folder, "kpi")
    page.locator("#id_periode").fill("2026-13")
    page.locator("form.filters button[type=submit]").click()
    expect(page.locator("p.error")).to_be_visible()
    page.locator("#id_periode").fill("2025")
    page.locator("form.filters button[type=submit]").click()
    expect(rows).to_have_count(18)
    assert "periode=2025" in page.url

    page.goto(f"{base}/laporan/kepatuhan-sop/?periode=2026-Q1")
    expect(page.locator("main table")).to_have_count(3)
    _check(page, folder, "kepatuhan-sop")
