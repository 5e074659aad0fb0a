"""In a real Chromium: a visitor builds a table from a published dataset — drags one dimension to
the rows, puts another in the columns from its place list (as on a phone or from a keyboard),
swaps rows and columns, downloads the table as XLSX (read back with python-calamine) — and the
Walidata saves it as a table product. axe-core checks the page; it is photographed at a desktop
and a phone width (``SATUDATA_SHOTS``: where to keep the screenshots, a temporary folder by
default)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from satudata.core.testing import Personas
from satudata.products.tests.test_builder import COLUMNS, ROWS
from satudata.releases.tests.test_release_date_browser import _check
from tests.test_browser import _log_in, live_personas, page, pytestmark

__all__ = ["live_personas", "page", "pytestmark"]


def test_a_visitor_builds_swaps_and_downloads_a_table_and_the_walidata_saves_it(
    live_server: Any, live_personas: Personas, page: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect
    from python_calamine import CalamineWorkbook

    from satudata.catalog.testing import published_table
    from satudata.products.models import Product

    folder = Path(os.environ.get("SATUDATA_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    p, base = live_personas, live_server.url
    dataset = published_table(p, "Jumlah Penduduk", ROWS, columns=COLUMNS)

    page.goto(f"{base}/dataset/{dataset.slug}/")
    page.get_by_role("link", name="Buat tabel (tabel dinamis)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tabel dinamis")
    table = page.locator("#builder-table table")
    expect(table.locator("tbody th").first).to_have_text("Pringsewu")

    # Drag "Jenis" into the rows, below the regions; put the regions in the columns from their
    # place list; the table and the address follow.
    page.locator('.dim-item[data-dim="jenis"] .dim-name').drag_to(
        page.locator('.zone-list[data-zone="baris"]')
    )
    expect(page.locator('.zone-list[data-zone="baris"] .dim-item')).to_have_count(2)
    page.get_by_label("Letak Kode Wilayah").select_option("kolom")
    expect(page).to_have_url(
        f"{base}/tabel-dinamis/{dataset.slug}/?ukuran=jumlah&baris=jenis&kolom=tahun"
        "&kolom=kode_wilayah"
    )
    expect(table.locator("tbody th").first).to_have_text("Laki-laki")
    expect(table.locator("thead tr").first).to_contain_text("2023")
    expect(page.get_by_role("status")).to_contain_text("Tabel diperbarui")
    _check(page, folder, "tabel-dinamis")

    page.get_by_role("button", name="Tukar baris dan kolom").click()
    expect(page).to_have_url(
        f"{base}/tabel-dinamis/{dataset.slug}/?ukuran=jumlah&baris=tahun&baris=kode_wilayah"
        "&kolom=jenis"
    )
    expect(table.locator("tbody th").first).to_have_text("2023")
    expect(table.locator("thead th").last).to_have_text("Perempuan")
    # Only the latest year, from the value tools.
    tahun = page.locator("#field-v-tahun")
    tahun.get_by_label("Terbaru").fill("1")
    tahun.get_by_role("button", name="Pilih").click()
    expect(page).to_have_url(
        f"{base}/tabel-dinamis/{dataset.slug}/?ukuran=jumlah&baris=tahun&baris=kode_wilayah"
        "&kolom=jenis&v.tahun=TOP(1)"
    )
    expect(table.locator("tbody th").first).to_have_text("2025")
    _check(page, folder, "tabel-dinamis-tukar")

    with page.expect_download() as download:
        page.get_by_role("link", name="XLSX").click()
    saved = tmp_path / "tabel.xlsx"
    download.value.save_as(saved)
    workbook = CalamineWorkbook.from_path(str(saved))
    cells = [
        cell
        for name in workbook.sheet_names
        for row in workbook.get_sheet_by_name(name).to_python()
        for cell in row
    ]
    assert "Gading Rejo" in cells
    assert 1100 in cells or 1100.0 in cells

    _log_in(page, base, p.walidata.username)
    page.goto(f"{base}/tabel-dinamis/{dataset.slug}/?ukuran=jumlah&baris=tahun&kolom=jenis")
    page.get_by_label("Judul").fill("Penduduk menurut tahun dan jenis kelamin")
    page.get_by_label("Catatan").fill("Angka contoh.")
    _check(page, folder, "tabel-dinamis-simpan")
    page.get_by_role("button", name="Simpan sebagai produk tabel").click()
    expect(page.get_by_text("Disimpan sebagai produk tabel")).to_be_visible()
    product = Product.objects.get()
    assert product.kind == "tabel"
    assert product.spec["stub"] == ["tahun"]
    assert product.spec["heading"] == ["jenis"]


def test_without_javascript_the_form_still_builds_swaps_and_explains(
    live_server: Any, live_personas: Personas, page: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    from satudata.catalog.testing import published_table

    folder = Path(os.environ.get("SATUDATA_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    dataset = published_table(live_personas, "Jumlah Penduduk", ROWS, columns=COLUMNS)
    context = page.context.browser.new_context(locale="id-ID", java_script_enabled=False)
    plain = context.new_page()
    plain.goto(f"{base}/tabel-dinamis/{dataset.slug}/")
    plain.get_by_label("Letak Jenis").select_option("kolom")
    plain.get_by_label("Letak Tahun").select_option("ringkas")
    plain.get_by_role("button", name="Tampilkan tabel").click()
    expect(plain).to_have_url(
        f"{base}/tabel-dinamis/{dataset.slug}/?ukuran=jumlah&baris=kode_wilayah&kolom=jenis"
    )
    table = plain.locator("#builder-table table")
    expect(table.locator("thead th").last).to_have_text("Perempuan")
    plain.get_by_role("button", name="Tukar baris dan kolom").click()
    expect(plain).to_have_url(
        f"{base}/tabel-dinamis/{dataset.slug}/?ukuran=jumlah&baris=jenis&kolom=kode_wilayah"
    )
    # Nothing chosen for a dimension: said at its field, the page still whole.
    field = plain.locator("#field-v-jenis")
    for box in field.get_by_role("checkbox").all():
        box.uncheck()
    plain.get_by_role("button", name="Tampilkan tabel").click()
    expect(field.get_by_role("alert")).to_be_visible()
    for width in (1366, 375):  # axe-core needs scripts; the page with them is checked above
        plain.set_viewport_size({"width": width, "height": 900})
        plain.screenshot(path=str(folder / f"tabel-dinamis-tanpa-js-{width}.png"), full_page=True)
    context.close()
