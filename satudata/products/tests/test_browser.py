"""The product list and a product's page in a real Chromium at 1366 px and 375 px: they fit the
screen and axe-core finds no serious or critical violation. ``SATUDATA_SHOTS`` keeps
screenshots, as for the other browser tests."""

from __future__ import annotations

from typing import Any

import pytest

from satudata.core.testing import Personas
from satudata.products.testing import released_product
from tests import test_browser, test_browser_pages

live_personas = test_browser.live_personas
page = test_browser.page

pytestmark = test_browser.pytestmark


def _products(p: Personas) -> None:
    released_product(
        actor=p.walidata,
        kepala_bidang=p.kepala_bidang,
        agency=p.agency,
        title="Jumlah Tenaga Kesehatan menurut Kecamatan di Kabupaten Pringsewu (data contoh)",
        description="Dokter, bidan dan perawat menurut kecamatan, 2025. Angka contoh.",
        sector="KESEHATAN",
    )
    released_product(
        actor=p.walidata,
        kepala_bidang=p.kepala_bidang,
        agency=p.other_agency,
        title="Grafik Angka Partisipasi Sekolah (data contoh)",
        kind="grafik",
        sector="PENDIDIKAN_DAN_PELATIHAN",
    )


@pytest.mark.parametrize("device", test_browser_pages.WIDTHS)
def test_the_product_list_and_page_pass_axe_and_fit_the_screen(
    live_server: Any, live_personas: Personas, page: Any, device: str
) -> None:
    _products(live_personas)
    width = test_browser_pages.WIDTHS[device]
    test_browser_pages._at(page, width)
    page.goto(f"{live_server.url}/produk/")
    assert page.locator(".result-count").inner_text() == "2 produk ditemukan"
    test_browser_pages._shot(page, f"products-{width}")
    test_browser_pages._fits(page)
    test_browser_pages._no_blocking_violation(page)
    page.get_by_role("link", name="Jumlah Tenaga Kesehatan", exact=False).first.click()
    page.wait_for_url("**/produk/jumlah-tenaga-kesehatan-**")
    assert page.locator(".citation").inner_text().startswith("Dinas Kesehatan. (")
    test_browser_pages._shot(page, f"product-{width}")
    test_browser_pages._fits(page)
    test_browser_pages._no_blocking_violation(page)
