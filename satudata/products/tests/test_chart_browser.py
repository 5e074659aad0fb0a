"""A real Chromium draws a chart product from its stored Vega-Lite specification under the
site's content policy, the server's SVG giving way to it; the infographic part shows its page.
Screenshots at 1366 and 375 px go to $SHOTS_DIR when it is set."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.test import override_settings
from django.utils import timezone

from satudata.core.models import SiteProfile
from satudata.core.testing import Personas, load_reference_data, make_personas
from satudata.products import charts, infographics
from satudata.products.models import Product, ProductFile, ProductKind, ProductVersion
from satudata.products.tests import urls_for_browser
from satudata.products.tests.chart_cubes import population_cube

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="install Debian's chromium to run browser tests"),
]


@pytest.fixture
def personas(transactional_db: None) -> Personas:
    load_reference_data()
    SiteProfile.objects.create(
        site_name="Satu Data Pringsewu",
        regency_name="Kabupaten Pringsewu",
        walidata_name="Dinas Komunikasi dan Informatika",
    )
    return make_personas()


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        context = browser.new_context(locale="id-ID", viewport={"width": 1366, "height": 900})
        yield context.new_page()
        context.close()
        browser.close()


def product(personas: Personas, kind: str, slug: str, spec: dict[str, Any]) -> ProductVersion:
    table = Product.objects.get_or_create(
        kind=ProductKind.TABLE,
        slug="penduduk-kecamatan",
        defaults={"title": "Jumlah Penduduk (data contoh)", "agency": personas.agency},
    )[0]
    table.versions.get_or_create(number=1, defaults={"published_at": timezone.now() - timedelta(1)})
    made = Product.objects.create(
        kind=kind,
        slug=slug,
        title=spec["title"],
        agency=personas.agency,
        source=table,
        alt_text=spec["alt_text"],
    )
    return ProductVersion.objects.create(product=made, number=1, spec=spec)


def serve(version: ProductVersion, generated: list[Any]) -> None:
    listed = []
    for file in generated:
        content = bytes(file.content)
        urls_for_browser.FILES[file.name] = (file.media_type, content)
        listed.append(
            ProductFile(
                version=version,
                format=file.format,
                name=file.name,
                path="",
                sha256="",
                size=len(content),
            )
        )
    urls_for_browser.PARTS[version.product.slug] = listed


def shoot(page: Any, name: str) -> None:
    folder = os.environ.get("SHOTS_DIR")
    if not folder:
        return
    for width in (1366, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(300)
        page.screenshot(path=str(Path(folder) / f"{name}-{width}.png"), full_page=True)


@override_settings(ROOT_URLCONF="satudata.products.tests.urls_for_browser")
def test_the_browser_draws_the_stored_spec_in_place_of_the_server_svg(
    live_server: Any, personas: Personas, page: Any
) -> None:
    from playwright.sync_api import expect

    version = product(
        personas,
        ProductKind.CHART,
        "grafik-penduduk",
        {
            "mark": "bar",
            "x": "wilayah",
            "color": "jk",
            "title": "Penduduk menurut Kecamatan, 2025",
            "alt_text": "Pagelaran Utara berpenduduk terbanyak, Pringsewu paling sedikit.",
        },
    )
    with mock.patch.object(charts, "table_cube", return_value=population_cube()):
        serve(version, charts.files_for(version, mock.Mock()))
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    page.goto(f"{live_server.url}/produk/grafik-penduduk/v1/")
    figure = page.locator("[data-product-chart]")
    expect(figure).to_have_attribute("data-drawn", "yes")
    drawn = figure.locator("[data-chart-view] svg")
    expect(drawn).to_contain_text("Penduduk menurut Kecamatan, 2025")
    expect(drawn).to_contain_text("8.000")  # Indonesian thousands, from the spec's locale
    # Vega puts the spec's description (the alt text) on the drawing's container.
    expect(figure.locator("[data-chart-view]")).to_have_attribute(
        "aria-label", version.spec["alt_text"]
    )
    expect(figure.locator("img[data-chart-fallback]")).to_be_hidden()
    expect(page.get_by_role("link", name="Angka yang digambar (CSV)")).to_be_visible()
    assert refused == []
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    blocking = [v for v in results.response["violations"] if v["impact"] in {"serious", "critical"}]
    assert blocking == [], results.generate_snapshot()
    page.set_viewport_size({"width": 375, "height": 800})
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    shoot(page, "part-grafik")


@override_settings(ROOT_URLCONF="satudata.products.tests.urls_for_browser")
def test_the_infographic_part_shows_the_page_and_its_downloads(
    live_server: Any, personas: Personas, page: Any
) -> None:
    from playwright.sync_api import expect

    version = product(
        personas,
        ProductKind.INFOGRAPHIC,
        "infografis-penduduk",
        {
            "template": "square",
            "title": "Penduduk Kabupaten Pringsewu 2025",
            "headlines": [{"label": "Jumlah penduduk", "total": ["wilayah", "jk"]}],
            "charts": [{"mark": "tile-map", "x": "wilayah", "title": "Menurut kecamatan"}],
            "alt_text": "Penduduk Kabupaten Pringsewu 2025 berjumlah 91.530 jiwa.",
        },
    )
    with mock.patch.object(charts, "table_cube", return_value=population_cube()):
        serve(version, infographics.files_for(version, mock.Mock()))
    page.goto(f"{live_server.url}/produk/infografis-penduduk/v1/")
    image = page.get_by_role("img", name="Penduduk Kabupaten Pringsewu 2025 berjumlah 91.530 jiwa.")
    expect(image).to_be_visible()
    assert page.evaluate("document.querySelector('.product-infographic img').naturalWidth") == 1080
    expect(page.get_by_role("link", name="infografis-penduduk-v1.pdf")).to_be_visible()
    page.set_viewport_size({"width": 375, "height": 800})
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    shoot(page, "part-infografis")


@override_settings(ROOT_URLCONF="satudata.products.tests.urls_for_browser")
def test_a_walidata_previews_a_chart_and_an_infographic_before_saving(
    live_server: Any, personas: Personas, page: Any
) -> None:
    from playwright.sync_api import expect

    from satudata.core.testing import PASSWORD

    version = product(
        personas,
        ProductKind.CHART,
        "grafik-petak",
        {"mark": "tile-map", "x": "wilayah", "title": "Peta petak", "alt_text": "Peta petak."},
    )
    version.product.spec = version.spec
    version.product.save()
    page.goto(f"{live_server.url}/masuk/")
    page.get_by_label("Nama pengguna").fill(personas.walidata.username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{live_server.url}/")
    with mock.patch.object(charts, "table_cube", side_effect=lambda v: population_cube()):
        page.goto(f"{live_server.url}/produk/susun/grafik/?tabel=penduduk-kecamatan")
        page.get_by_label("Jenis grafik").select_option("pyramid")
        page.get_by_label("Pada sumbu (kategori)").select_option("tahun")
        page.get_by_label("Warna (seri, tumpukan, atau dua sisi piramida)").select_option("jk")
        page.get_by_label("Teks alternatif (alt text)").fill("Penduduk laki-laki dan perempuan.")
        page.get_by_role("button", name="Pratinjau grafik").click()
        expect(page.get_by_role("img", name="Penduduk laki-laki dan perempuan.")).to_be_visible()
        shoot(page, "form-grafik")
        page.goto(f"{live_server.url}/produk/susun/infografis/?tabel=penduduk-kecamatan")
        page.get_by_label("Angka utama 1: namanya").fill("Jumlah penduduk")
        page.get_by_label("Peta petak").check()
        page.get_by_label("Teks alternatif (alt text)").fill("Penduduk naik 0,8 persen.")
        page.get_by_role("button", name="Pratinjau infografis").click()
        expect(page.get_by_role("img", name="Penduduk naik 0,8 persen.")).to_be_visible()
        shoot(page, "form-infografis")
