"""Recording through the real middleware: the product a page is about, the referrer (host and
kind only), the robot flag from the user agent, and the table builder's downloads as its own
channel."""

from __future__ import annotations

import uuid
from typing import Any

from django.test import override_settings

from satudata.catalog.testing import table_dataset
from satudata.core.testing import PersonaTestCase
from satudata.reports import usage
from satudata.reports.models import UsageEvent

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0"


@override_settings(SITE_URL="https://satudata.example")
class RecordingTests(PersonaTestCase):
    def setUp(self) -> None:
        self.dataset = table_dataset(
            actor=self.p.walidata,
            agency=self.p.agency,
            name="Jumlah Puskesmas",
            columns=[("Kecamatan", "text"), ("Jumlah", "int")],
            rows=[["Pringsewu", 3]],
            publisher=self.p.kepala_bidang,
        )
        usage.buffer.flush()
        UsageEvent.objects.all().delete()

    def get(self, url: str, agent: str = BROWSER, referer: str | None = None) -> UsageEvent:
        extra: dict[str, Any] = {"HTTP_USER_AGENT": agent, "REMOTE_ADDR": "203.0.113.9"}
        if referer is not None:
            extra["HTTP_REFERER"] = referer
        response = self.client.get(url, **extra)
        self.assertLess(response.status_code, 500)
        usage.buffer.flush()
        return UsageEvent.objects.order_by("-pk")[0]

    def test_products_and_calendar_entries_are_recorded_as_products(self) -> None:
        found = self.get("/produk/buku-saku-kesehatan/")
        self.assertEqual(
            (found.product, found.dataset, found.name),
            ("buku-saku-kesehatan", "", "products:detail"),
        )
        key = uuid.uuid4()
        found = self.get(f"/jadwal-rilis/{key}/")
        self.assertEqual((found.product, found.dataset), (str(key), ""))
        found = self.get(f"/dataset/{self.dataset.slug}/")
        self.assertEqual((found.product, found.dataset), ("", self.dataset.slug))

    def test_referrer_keeps_only_host_and_kind(self) -> None:
        found = self.get("/", referer="https://www.google.co.id/search?q=rahasia+pribadi")
        self.assertEqual((found.referrer, found.referrer_host), ("search", "google.co.id"))
        found = self.get("/", referer="https://wa.me/6281234567890?text=halo")
        self.assertEqual((found.referrer, found.referrer_host), ("social", "wa.me"))
        found = self.get("/", referer="http://testserver/dataset/?q=x")
        self.assertEqual((found.referrer, found.referrer_host), ("internal", "testserver"))
        found = self.get("/", referer="https://pringsewukab.go.id/berita")
        self.assertEqual(found.referrer, "government")
        found = self.get("/")
        self.assertEqual((found.referrer, found.referrer_host), ("", ""))
        stored = " ".join(UsageEvent.objects.values_list("referrer_host", flat=True))
        self.assertNotIn("rahasia", stored)
        self.assertNotIn("628", stored)

    def test_robots_by_user_agent(self) -> None:
        self.assertFalse(self.get("/").bot)
        self.assertTrue(self.get("/", agent="curl/8.5.0").bot)
        self.assertTrue(self.get("/", agent="facebookexternalhit/1.1").bot)
        self.assertTrue(self.get("/", agent="").bot)

    def test_table_builder_downloads_are_the_builder_channel(self) -> None:
        found = self.get(f"/tabel-dinamis/{self.dataset.slug}/unduh.csv")
        self.assertEqual(
            (found.kind, found.channel, found.dataset),
            ("download", "builder", self.dataset.slug),
        )
        page = self.get(f"/tabel-dinamis/{self.dataset.slug}/")
        self.assertEqual((page.kind, page.channel), ("page", "portal"))
