"""In a real Chromium: the announced month has passed, the Walidata asks the Kepala Bidang for a
new date on the release's page, and the Kepala Bidang approves it in one step; each page is
checked by axe-core and photographed on a desktop and a phone (``SATUDATA_SHOTS``: where to keep
the screenshots, a temporary folder by default)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

from satudata.core.testing import Personas
from tests.test_browser import BLOCKING_IMPACT, _log_in, live_personas, page, pytestmark

__all__ = ["live_personas", "page", "pytestmark"]

WIDTHS = (1366, 375)


def _check(page: Any, folder: Path, name: str) -> None:
    """axe-core finds nothing serious, nothing scrolls sideways, and a screenshot is kept, at
    each width."""
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_load_state("load")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} scrolls sideways at {width} px"
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    results = Axe().run(page)
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACT]
    assert blocking == [], results.generate_snapshot()
    assert results.response["testEngine"]["name"] == "axe-core"


def test_the_walidata_asks_for_a_new_date_and_the_kepala_bidang_approves_it(
    live_server: Any, live_personas: Personas, page: Any, tmp_path: Path
) -> None:
    from django.utils import timezone
    from playwright.sync_api import expect

    from satudata.catalog.testing import COUNTS, table_dataset
    from satudata.releases import services
    from satudata.releases.dates import month_start
    from satudata.releases.models import Release, ReleaseEntry

    folder = Path(os.environ.get("SATUDATA_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    p, base = live_personas, live_server.url
    dataset = table_dataset(
        actor=p.walidata,
        agency=p.agency,
        name="Jumlah Bidan Desa",
        columns=COUNTS,
        rows=[["Pringsewu", 12], ["Pagelaran", 9]],
    )
    today = timezone.localdate()
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    entry = services.plan_entry(
        actor=p.walidata,
        title="Jumlah Bidan Desa 2025",
        agency=p.agency,
        planned_at=month_start(last_month.year, last_month.month),
    )
    release = Release.objects.for_content(dataset.versions.get()).get()
    Release.objects.filter(pk=release.pk).update(entry=entry)
    release = services.submit_release(actor=p.walidata, release=release)
    release = services.approve_release(actor=p.kepala_bidang, release=release)
    new_day = today + timedelta(days=10)

    _log_in(page, base, p.walidata.username)
    page.goto(f"{base}/rilis/{release.uuid}/")
    expect(page.locator("#date-problem")).to_contain_text("sudah lewat")
    page.get_by_label("Tanggal rilis baru").fill(new_day.isoformat())
    page.get_by_label("Alasan tanggal ini").fill("Data Susenas dari BPS terlambat dua minggu.")
    _check(page, folder, "rilis-minta-tanggal")
    page.get_by_role("button", name="Minta tanggal ini").click()
    expect(page.get_by_role("status").first).to_contain_text("Terkirim ke Kepala Bidang")
    expect(page.locator("#date-request")).to_contain_text("menunggu persetujuan Kepala Bidang")
    _check(page, folder, "rilis-menunggu-tanggal")
    page.context.clear_cookies()  # logged out (on a phone the button is inside the menu)

    _log_in(page, base, p.kepala_bidang.username)
    page.goto(f"{base}/akun/pemberitahuan/")
    page.get_by_role(
        "link", name="Tanggal rilis baru menunggu persetujuan Anda: Jumlah Bidan Desa 2025"
    ).first.click()
    expect(page.locator("#date-request")).to_contain_text("Data Susenas dari BPS terlambat")
    _check(page, folder, "rilis-setujui-tanggal")
    page.get_by_role("button", name="Setujui tanggal dan jadwalkan").click()
    expect(page.locator("#release-state")).to_have_text("Dijadwalkan")
    expect(page.get_by_role("status").first).to_contain_text("Tanggal baru disetujui")
    _check(page, folder, "rilis-dijadwalkan")

    entry = ReleaseEntry.objects.get(pk=entry.pk)
    page.goto(f"{base}/jadwal-rilis/{entry.uuid}/")
    expect(page.locator("main")).to_contain_text("Data Susenas dari BPS terlambat dua minggu.")
    _check(page, folder, "jadwal-tanggal-diubah")
