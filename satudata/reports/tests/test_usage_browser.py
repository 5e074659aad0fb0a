"""In a real Chromium: the Walidata opens the usage dashboard, the charts are drawn from the
served Vega-Lite specifications, changing the filters changes the address and the figures, and
the page passes axe-core (nothing serious or critical) without scrolling sideways on a 375 px
phone (``SATUDATA_SHOTS``: where to keep the screenshots)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from satudata.core.testing import Personas
from satudata.releases.tests.test_release_date_browser import _check
from tests.test_browser import _log_in, live_personas, page, pytestmark

__all__ = ["live_personas", "page", "pytestmark"]


def _rollups(agency_id: int) -> None:
    from django.utils import timezone

    from satudata.reports.models import DailySearch, DailySite, DailyUsage, RolledDay

    for offset in range(40):
        day = dt.date(2026, 3, 1) + dt.timedelta(days=offset)
        RolledDay.objects.create(day=day, rolled_at=timezone.now(), complete=True)
        DailySite.objects.create(
            day=day,
            page_views=1000 + offset,
            visitors=300,
            downloads=50,
            api_calls=20,
            sample=True,
        )
        DailyUsage.objects.create(
            day=day,
            kind="download",
            channel="portal",
            format="csv",
            events=30,
            dataset="jumlah-penduduk",
            agency_id=agency_id,
            sector="DEMOGRAFI_DAN_KEPENDUDUKAN",
        )
        DailyUsage.objects.create(
            day=day,
            kind="api",
            channel="ckan",
            events=7,
            dataset="jumlah-penduduk",
            agency_id=agency_id,
        )
    DailySearch.objects.create(
        day=dt.date(2026, 3, 3), query="stunting", searches=4, zero_results=4
    )


def test_the_walidata_changes_the_dashboards_filters(
    live_server: Any, live_personas: Personas, page: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    folder = Path(os.environ.get("SATUDATA_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    p, base = live_personas, live_server.url
    _rollups(p.agency.pk)
    _log_in(page, base, p.walidata.username)
    page.goto(f"{base}/laporan/pemanfaatan/?periode=rentang&dari=2026-03-01&sampai=2026-03-31")
    tile = page.locator('[data-total="page_views"] .usage-tile-value')
    expect(tile).to_have_text("31.465")  # 1000..1030, Indonesian thousands
    expect(page.locator(".usage-sample")).to_be_visible()
    expect(page.locator('[data-product-chart][data-drawn="yes"]').first).to_be_visible()
    _check(page, folder, "pemanfaatan")

    box = page.locator("[data-filter-box]")
    page.locator("#id_instansi").select_option(p.agency.slug)
    page.get_by_role("button", name="Show").or_(
        page.get_by_role("button", name="Tampilkan")
    ).click()
    page.wait_for_url(f"**instansi={p.agency.slug}**")
    expect(tile).to_have_text("0")  # the agency's objects had downloads and API calls only
    downloads = page.locator('[data-total="downloads"] .usage-tile-value')
    expect(downloads).to_have_text("930")

    # At the phone width _check left the page at, chosen filters start folded.
    expect(box).not_to_have_attribute("open", "")
    box.locator("summary").click()
    page.locator("#id_sampai").fill("2026-02-01")
    page.get_by_role("button", name="Show").or_(
        page.get_by_role("button", name="Tampilkan")
    ).click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(box).to_have_attribute("open", "")  # filters that cannot be read stay in view
    _check(page, folder, "pemanfaatan-salah")
