"""In a real Chromium: a report from generation to publication — the Walidata generates it and
writes a section, the Kepala Bidang approves it, the Kepala Dinas signs it, the Walidata hands it
to the release workflow — and the report's page passes axe-core (nothing serious or critical)
and does not scroll sideways on a phone (``SATUDATA_SHOTS``: where to keep the screenshots)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from satudata.core.testing import PASSWORD, Personas
from satudata.releases.tests.test_release_date_browser import _check
from satudata.reports.tests.reportdata import known_figures
from tests.test_browser import live_personas, page, pytestmark

__all__ = ["live_personas", "page", "pytestmark"]


def _log_in(page: Any, base: str, user: Any) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/masuk/")
    page.locator("input[name=username]").fill(user.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state("load")


def test_a_report_from_generation_to_publication(
    live_server: Any, live_personas: Personas, page: Any, settings: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    from satudata.reports.models import Report

    folder = Path(os.environ.get("SATUDATA_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    p, base = live_personas, live_server.url
    with known_figures():
        _log_in(page, base, p.walidata)
        page.goto(f"{base}/laporan/")
        page.locator("select[name=kind]").select_option("bulan")
        page.locator("input[name=year]").fill("2026")
        page.locator("input[name=month]").fill("1")
        page.locator("main form button[type=submit]").click()
        expect(page.locator("[data-file=pdf]")).to_be_visible(timeout=60_000)
        report = Report.objects.get()
        state = page.locator("[data-report-state]")
        expect(state).to_have_attribute("data-report-state", "draf")
        page.locator("#id_tindak_lanjut-text").fill("Tambah **pelatihan** <script>x()</script>")
        page.locator("[data-action=narrative-tindak_lanjut]").click()
        expect(page.locator("[data-narrative=tindak_lanjut] strong")).to_have_text(
            "pelatihan", timeout=60_000
        )
        expect(page.locator("[data-action=submit]")).to_be_enabled(timeout=60_000)
        _check(page, folder, "laporan")
        page.locator("[data-action=submit]").click()
        expect(state).to_have_attribute("data-report-state", "diajukan")

        _log_in(page, base, p.kepala_bidang)
        page.goto(f"{base}/laporan/{report.uuid}/")
        page.locator("input[name=decision][value=setuju]").check()
        page.locator("[data-action=review]").click()
        expect(state).to_have_attribute("data-report-state", "ditinjau")

        _log_in(page, base, p.kepala_dinas)
        page.goto(f"{base}/laporan/{report.uuid}/")
        page.locator("input[name=name]").fill("Drs. Sri Wahyuni")
        page.locator("input[name=nip]").fill("197001011995031001")
        page.locator("input[name=title]").fill("Kepala Dinas")
        page.locator("input[name=signed_on]").fill("2026-02-10")
        page.locator("[data-action=sign]").click()
        expect(state).to_have_attribute("data-report-state", "ditandatangani")

        _log_in(page, base, p.walidata)
        page.goto(f"{base}/laporan/{report.uuid}/")
        expect(page.locator("[data-file=pdf]")).to_be_visible(timeout=60_000)
        page.locator("[data-action=publish]").click()
        expect(state).to_have_attribute("data-report-state", "diterbitkan")
        _check(page, folder, "laporan-terbit")
