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


def test_the_page_of_work_follows_a_running_generation_until_it_is_done(
    live_server: Any, live_personas: Personas, page: Any
) -> None:
    from playwright.sync_api import expect

    from satudata.core.testing import PASSWORD
    from satudata.products.models import Generation, ProductVersion
    from satudata.products.testing import product

    p = live_personas
    item = product(actor=p.walidata, agency=p.agency, title="Publikasi Kecamatan Dalam Angka")
    running = ProductVersion.objects.create(
        product=item, number=1, generation=Generation.RUNNING, progress=40
    )
    page.goto(f"{live_server.url}/masuk/")
    page.get_by_label("Nama pengguna").fill(p.walidata.username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{live_server.url}/")
    for width in test_browser_pages.WIDTHS.values():
        test_browser_pages._at(page, width)
        page.goto(f"{live_server.url}/produk/{item.slug}/kelola/")
        expect(page.locator('[data-version="1"] progress')).to_have_attribute("value", "40")
        assert "tenggat" in page.locator(".facts").inner_text()
        test_browser_pages._shot(page, f"product-manage-{width}")
        test_browser_pages._fits(page)
        test_browser_pages._no_blocking_violation(page)
    ProductVersion.objects.filter(pk=running.pk).update(progress=70)
    expect(page.locator('[data-version="1"] progress')).to_have_attribute("value", "70")
    ProductVersion.objects.filter(pk=running.pk).update(generation=Generation.DONE, progress=100)
    expect(page.locator('[data-version="1"] [data-generation-text]')).to_have_text("Selesai")
    expect(page.locator('[data-version="1"] progress')).to_be_hidden()
