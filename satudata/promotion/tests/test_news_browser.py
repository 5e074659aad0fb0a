"""In a real Chromium: what's new and the widget builder pass axe-core (nothing serious or
critical) and do not scroll sideways on a phone; the builder's preview follows the form; and a
page of another origin embeds a widget with the script snippet, which renders in its frame and
takes its height from the widget (``SATUDATA_SHOTS``: where to keep the screenshots)."""

from __future__ import annotations

import os
import re
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from satudata.core.testing import Personas
from satudata.releases.tests.test_release_date_browser import _check
from tests.test_browser import live_personas, page, pytestmark


def _host_server(body: bytes) -> ThreadingHTTPServer:
    """A website of another origin, answering ``body`` to every GET, in a thread."""

    class Host(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Host)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


__all__ = ["live_personas", "page", "pytestmark"]


def test_whats_new_and_the_widgets_in_a_browser(
    live_server: Any, live_personas: Personas, page: Any, settings: Any, tmp_path: Path
) -> None:
    from django.utils import timezone
    from playwright.sync_api import expect

    from satudata.catalog.testing import table_dataset
    from satudata.releases import services
    from satudata.releases.dates import at_release_time

    settings.SITE_URL = live_server.url
    folder = Path(os.environ.get("SATUDATA_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    p, base = live_personas, live_server.url
    dataset = table_dataset(
        actor=p.walidata,
        agency=p.agency,
        name="Jumlah Bidan Desa",
        columns=[("Tahun", "year"), ("Kecamatan", "text"), ("Jumlah", "int")],
        rows=[[2023, "Pringsewu", 10], [2024, "Pringsewu", 12], [2024, "Pagelaran", 9]],
        publisher=p.kepala_bidang,
        sector="KESEHATAN",
    )

    services.plan_entry(
        actor=p.walidata,
        title="Indeks Pembangunan Manusia Kabupaten 2025",
        agency=p.agency,
        planned_at=at_release_time(timezone.localdate() + timedelta(days=20)),
    )

    page.goto(f"{base}/rilis-terbaru/")
    expect(page.locator("main")).to_contain_text("Jumlah Bidan Desa")
    _check(page, folder, "rilis-terbaru")
    page.goto(f"{base}/rilis-terbaru/?periode=minggu")
    expect(page.locator("h3")).to_contain_text("Jumlah Bidan Desa")
    _check(page, folder, "rilis-terbaru-minggu")
    page.goto(f"{base}/rilis-terbaru/?periode=minggu&sektor=PERTANIAN_DAN_PERIKANAN")
    _check(page, folder, "rilis-terbaru-kosong")

    # The widget pages themselves, light and dark, at a phone's width and a narrow column's.
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.goto(f"{base}/widget/angka/{dataset.slug}/")
        expect(page.locator(".sdw-number")).to_have_text("21")
        _check(page, folder, f"widget-angka-{scheme}")
        page.goto(f"{base}/widget/rilis-mendatang/?bahasa=en")
        expect(page.locator("main")).to_contain_text("Indeks Pembangunan Manusia Kabupaten 2025")
        _check(page, folder, f"widget-rilis-mendatang-{scheme}")
    page.emulate_media(color_scheme="light")

    page.goto(f"{base}/widget/")
    page.locator("#w-widget").select_option("angka")
    expect(page.locator("#wb-preview")).to_have_attribute(
        "src", f"{base}/widget/angka/{dataset.slug}/"
    )
    expect(page.locator("#wb-script")).to_have_value(re.compile(f'data-dataset="{dataset.slug}"'))
    expect(page.frame_locator("#wb-preview").locator(".sdw-number")).to_have_text("21")
    _check(page, folder, "widget-pembuat")
    page.get_by_role("button", name="Copy the script code").or_(
        page.get_by_role("button", name="Salin kode skrip")
    ).click()
    expect(page.locator("#wb-copied")).not_to_be_empty()

    # Another origin embeds the widget with the script snippet.
    host_html = (
        "<!doctype html><html lang='id'><head><title>Desa</title></head><body><main>"
        "<h1>Desa Sukamaju</h1>"
        f'<div data-satudata-widget="angka" data-dataset="{dataset.slug}"></div>'
        f'<script src="{base}/static/promotion/widget.js" async></script>'
        "</main></body></html>"
    )
    # Another origin: a small server of its own on this machine (Chromium lets no public origin,
    # nor a faked one, reach a loopback server).
    server = _host_server(host_html.encode())
    host = f"http://127.0.0.1:{server.server_address[1]}/desa-sukamaju.html"
    try:
        page.goto(host)
        _embedded(page)
    finally:
        server.shutdown()


def _embedded(page: Any) -> None:

    from playwright.sync_api import expect

    frame = page.frame_locator("iframe")
    expect(frame.locator(".sdw-number")).to_have_text("21")
    expect(frame.get_by_role("link", name="Jumlah Bidan Desa")).to_have_attribute(
        "href", re.compile(r"\?k=widget$")
    )
    # The frame's height follows the widget's own (told by postMessage), not the default.
    page.wait_for_function(
        "() => { const f = document.querySelector('iframe'); return f && f.height !== '220'; }"
    )
    told = int(page.locator("iframe").get_attribute("height") or 0)
    inner = (
        page.frame_locator("iframe")
        .locator("body")
        .evaluate("e => Math.ceil(e.getBoundingClientRect().height)")
    )
    assert abs(told - inner) <= 2, (told, inner)
