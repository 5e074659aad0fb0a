"""The embeddable widgets: only released content (frozen time: nothing a second before the
release time, all at it), no cookie, framed by anyone while every other page refuses to be
framed, a link back with the campaign tag, and a script of at most 5 kB gzipped."""

from __future__ import annotations

import datetime as dt
import gzip
from collections.abc import Callable
from pathlib import Path
from typing import Any

import time_machine
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from satudata.catalog.testing import table_dataset
from satudata.core.testing import PersonaTestCase
from satudata.products import generation
from satudata.products.generated import GeneratedFile
from satudata.products.models import ProductVersion
from satudata.products.testing import generator, product
from satudata.promotion import widgets
from satudata.releases import services
from satudata.releases.dates import at_release_time
from satudata.releases.models import Precision
from satudata.releases.testing import release

SCRIPT = Path(widgets.__file__).with_name("static") / "promotion" / "widget.js"
YEARLY = [("Tahun", "year"), ("Kecamatan", "text"), ("Jumlah", "int")]
ROWS = [[2023, "Pringsewu", 10], [2024, "Pringsewu", 12], [2024, "Pagelaran", 9]]
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<rect width="10" height="10"/></svg>'
)


def svg_files_for(version: ProductVersion, progress: Callable[[int, str], None]) -> list:
    progress(50, "grafik")
    return [GeneratedFile("svg", f"{version.product.slug}.svg", SVG, "image/svg+xml")]


def _day_after_tomorrow() -> dt.datetime:
    return at_release_time(timezone.localdate() + dt.timedelta(days=2))


@override_settings(PAGE_CACHE_SECONDS=60)
class WidgetTests(PersonaTestCase):
    def setUp(self) -> None:
        cache.clear()
        self.at = _day_after_tomorrow()
        p = self.p
        self.dataset = table_dataset(
            actor=p.walidata,
            agency=p.agency,
            name="Jumlah Bidan Desa",
            columns=YEARLY,
            rows=ROWS,
            publisher=p.kepala_bidang,
            published_at=self.at,
            sector="KESEHATAN",
        )

    def _framing(self, response: Any) -> None:
        self.assertNotIn("X-Frame-Options", response)
        policy = response["Content-Security-Policy"]
        self.assertIn("frame-ancestors *", policy)
        self.assertNotIn("'none'", policy.split("frame-ancestors")[1].split(";")[0])
        self.assertEqual(response.cookies, {})
        self.assertNotIn("Set-Cookie", str(response.serialize_headers()))

    def test_figure_is_404_a_second_before_the_release_time_and_shown_at_it(self) -> None:
        address = f"/widget/angka/{self.dataset.slug}/"
        with time_machine.travel(self.at - dt.timedelta(seconds=1), tick=False):
            self.assertEqual(self.client.get(address).status_code, 404)
        with time_machine.travel(self.at, tick=False):
            response = self.client.get(address)
        self.assertEqual(response.status_code, 200)
        text = response.content.decode()
        self.assertIn("Jumlah Bidan Desa", text)
        self.assertIn(">21<", text)  # 12 + 9 at 2024, summed from the released data
        self.assertIn("2024", text)
        self.assertIn("?k=widget", text)
        self.assertIn('target="_blank" rel="noopener"', text)
        self._framing(response)
        self.assertEqual(self.client.get("/widget/angka/tidak-ada/").status_code, 404)

    def test_figure_in_english_from_the_address_without_a_language_cookie(self) -> None:
        with time_machine.travel(self.at + dt.timedelta(hours=1), tick=False):
            response = self.client.get(f"/widget/angka/{self.dataset.slug}/?bahasa=en")
        self.assertEqual(response["Content-Language"], "en")
        self.assertIn("Data from", response.content.decode())
        self._framing(response)

    def test_upcoming_releases_list_the_entry_until_it_is_out(self) -> None:
        p = self.p
        other = services.plan_entry(
            actor=p.walidata,
            title="Produksi Padi Sawah 2025",
            agency=p.other_agency,
            planned_at=self.at + dt.timedelta(days=40),
            precision=Precision.MONTH,
        )
        with time_machine.travel(self.at - dt.timedelta(seconds=1), tick=False):
            response = self.client.get("/widget/rilis-mendatang/")
            mine = self.client.get(f"/widget/rilis-mendatang/?instansi={p.agency.slug}&n=1")
        text = response.content.decode()
        self.assertIn("Jumlah Bidan Desa", text)
        self.assertIn(other.title, text)
        self._framing(response)
        self.assertIn("Jumlah Bidan Desa", mine.content.decode())
        self.assertNotIn(other.title, mine.content.decode())
        with time_machine.travel(self.at, tick=False):
            after = self.client.get("/widget/rilis-mendatang/").content.decode()
        self.assertNotIn("Jumlah Bidan Desa", after)  # released: no longer upcoming
        self.assertIn(other.title, after)

    def test_chart_is_shown_only_once_released(self) -> None:
        p = self.p
        chart = product(actor=p.walidata, agency=p.agency, title="Grafik Bidan Desa", kind="grafik")
        with generator("satudata.promotion.tests.test_widgets.svg_files_for", ("grafik",)):
            version = generation.new_version(p.walidata, chart, "")
            generation.run_generation(version.pk)
        release(version, kepala_bidang=p.kepala_bidang, at=self.at, walidata=p.walidata)
        address = f"/widget/grafik/{chart.slug}/"
        with time_machine.travel(self.at - dt.timedelta(seconds=1), tick=False):
            self.assertEqual(self.client.get(address).status_code, 404)
        with time_machine.travel(self.at, tick=False):
            response = self.client.get(address)
        self.assertEqual(response.status_code, 200)
        self.assertIn("data:image/svg+xml;base64,", response.content.decode())
        self.assertIn("Grafik Bidan Desa", response.content.decode())
        self._framing(response)
        # A dataset's slug is no chart.
        with time_machine.travel(self.at, tick=False):
            self.assertEqual(
                self.client.get(f"/widget/grafik/{self.dataset.slug}/").status_code, 404
            )

    def test_every_other_page_still_refuses_to_be_framed(self) -> None:
        for address in ("/", "/jadwal-rilis/", "/widget/", "/rilis-terbaru/"):
            response = self.client.get(address)
            self.assertEqual(response.status_code, 200, address)
            self.assertEqual(response["X-Frame-Options"], "DENY", address)
            self.assertIn("frame-ancestors 'none'", response["Content-Security-Policy"], address)

    def test_builder_offers_both_snippets_and_a_preview(self) -> None:
        with time_machine.travel(self.at, tick=False):
            response = self.client.get(
                f"/widget/?widget=angka&dataset={self.dataset.slug}&bahasa=en"
            )
        text = response.content.decode()
        self.assertIn(f"/widget/angka/{self.dataset.slug}/?bahasa=en", text)
        self.assertIn("data-satudata-widget=&quot;angka&quot;", text)
        self.assertIn("promotion/widget.js", text)
        self.assertIn("promotion/widget-builder.js", text)
        self.assertIn('id="wb-preview"', text)

    def test_widget_pages_are_kept_for_anonymous_visitors_without_leaking_the_embargo(self) -> None:
        address = "/widget/rilis-mendatang/"
        with time_machine.travel(self.at - dt.timedelta(minutes=1), tick=False):
            first = self.client.get(address).content
            with self.assertNumQueries(2):  # the gate's list, read again; no rendering
                second = self.client.get(address).content
        self.assertEqual(first, second)
        with time_machine.travel(self.at, tick=False):
            self.assertNotIn(b"Jumlah Bidan Desa", self.client.get(address).content)

    def test_the_script_is_at_most_5_kb_gzipped(self) -> None:
        size = len(gzip.compress(SCRIPT.read_bytes(), compresslevel=9))
        self.assertLessEqual(size, 5 * 1024)
        self.assertGreater(size, 200)  # the real script, not an empty file
