"""In a real Chromium: the Walidata makes a publication, adds a chapter, previews Markdown with
a script and a remote image in it, and places a table; each page is checked by axe-core and
photographed on a desktop and a phone (``SATUDATA_SHOTS``: where to keep the screenshots, a
temporary folder by default)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from satudata.core.testing import Personas
from satudata.releases.tests.test_release_date_browser import _check
from tests.test_browser import _log_in, live_personas, page, pytestmark

__all__ = ["live_personas", "page", "pytestmark"]


def test_the_walidata_composes_a_publication(
    live_server: Any, live_personas: Personas, page: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    from satudata.products.models import PublicationChapter
    from satudata.products.services import create_product

    folder = Path(os.environ.get("SATUDATA_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    p, base = live_personas, live_server.url
    create_product(
        actor=p.walidata,
        kind="tabel",
        title="Jumlah Puskesmas menurut Kecamatan",
        agency=p.walidata_agency,
    )
    scripts: list[str] = []
    remote: list[str] = []

    def dialog(opened: Any) -> None:
        scripts.append(opened.message)
        opened.dismiss()

    def request(sent: Any) -> None:
        if "contoh.invalid" in sent.url:
            remote.append(sent.url)

    page.on("dialog", dialog)
    page.on("request", request)

    _log_in(page, base, p.walidata.username)
    page.goto(f"{base}/kelola-publikasi/baru/")
    page.fill("#id_title", "Kabupaten Pringsewu Dalam Angka 2026")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/kelola-publikasi/kabupaten-pringsewu-dalam-angka-2026/")
    page.fill("#id_issn", "2087-1234")
    page.fill("#id_catalogue_number", "1102001.1810")
    for title in ("Geografi dan Iklim", "Kependudukan"):
        page.goto(f"{base}/kelola-publikasi/kabupaten-pringsewu-dalam-angka-2026/")
        page.locator("form.chapter-add input[name=title]").fill(title)
        page.locator("form.chapter-add button").click()
    page.goto(f"{base}/kelola-publikasi/kabupaten-pringsewu-dalam-angka-2026/")
    expect(page.locator(".publication-chapters li")).to_have_count(2)
    _check(page, folder, "publikasi-editor")

    chapter = PublicationChapter.objects.get(title="Kependudukan")
    page.goto(f"{base}/kelola-publikasi/kabupaten-pringsewu-dalam-angka-2026/bab/{chapter.pk}/")
    page.fill(
        "#id_text",
        "# Penduduk\n\nJumlah penduduk **naik**.\n\n<script>alert('x')</script>\n\n"
        "![peta](https://contoh.invalid/peta.png)",
    )
    page.locator("button[name=preview]").click()
    expect(page.locator(".prose strong")).to_have_text("naik")
    expect(page.locator(".notice")).to_contain_text("https://contoh.invalid/peta.png")
    page.select_option("#id_bound", label="Tabel: Jumlah Puskesmas menurut Kecamatan")
    page.locator("#id_caption").fill("Puskesmas per kecamatan")
    with page.expect_navigation():
        page.locator("form[action$='/produk/'] button").click()
    expect(page.locator(".publication-chapters li")).to_contain_text("Puskesmas per kecamatan")
    page.fill(
        "#id_text",
        "# Penduduk\n\nJumlah penduduk **naik**.\n\n<script>alert('x')</script>\n\n"
        "![peta](https://contoh.invalid/peta.png)",
    )
    with page.expect_navigation():
        page.locator("button[name=preview]").click()
    expect(page.locator(".prose strong")).to_have_text("naik")
    _check(page, folder, "publikasi-bab")
    assert scripts == []
    assert remote == []
