"""What's new: today's and this week's releases with their key figures, filtered by sector and
agency, never one still under embargo; its RSS and Atom feeds (read back with the standard
library's XML parser); a bounded amount of work per page; the yearly calendar PDF read back."""

from __future__ import annotations

import datetime as dt
import io
from unittest import mock
from xml.etree import ElementTree

import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from satudata.accounts.models import Agency
from satudata.catalog.models import Dataset
from satudata.catalog.testing import table_dataset
from satudata.core.testing import PersonaTestCase
from satudata.promotion import facts, news
from satudata.releases import services
from satudata.releases.dates import at_release_time
from satudata.releases.models import Precision

YEARLY = [("Tahun", "year"), ("Kecamatan", "text"), ("Jumlah", "int")]
ROWS = [[2023, "Pringsewu", 10], [2024, "Pringsewu", 12], [2024, "Pagelaran", 9]]
WEDNESDAY = dt.date(2026, 3, 11)
NOON = timezone.make_aware(dt.datetime(2026, 3, 11, 12, 0), timezone.get_default_timezone())
ATOM = "{http://www.w3.org/2005/Atom}"


class NewsTests(PersonaTestCase):
    def setUp(self) -> None:
        cache.clear()
        p = self.p
        self.traveller = time_machine.travel(NOON, tick=False)
        self.traveller.start()
        self.addCleanup(self.traveller.stop)

        def table(name: str, at: dt.datetime, sector: str, agency: Agency | None = None) -> Dataset:
            return table_dataset(
                actor=p.walidata,
                agency=agency or p.agency,
                name=name,
                columns=YEARLY,
                rows=ROWS,
                publisher=p.kepala_bidang,
                published_at=at,
                sector=sector,
            )

        self.today = table("Jumlah Bidan Desa", at_release_time(WEDNESDAY), "KESEHATAN")
        self.monday = table(
            "Jumlah Guru SD",
            at_release_time(WEDNESDAY - dt.timedelta(days=2)),
            "PENDIDIKAN_DAN_PELATIHAN",
            p.other_agency,
        )
        self.last_week = table(
            "Jumlah Puskesmas", at_release_time(WEDNESDAY - dt.timedelta(days=5)), "KESEHATAN"
        )
        self.embargoed = table(
            "Jumlah Posyandu",
            at_release_time(WEDNESDAY, dt.time(15, 0)),
            "KESEHATAN",
        )

    def _titles(self, address: str) -> str:
        response = self.client.get(address)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_today_lists_todays_release_with_its_key_figure(self) -> None:
        text = self._titles("/rilis-terbaru/")
        self.assertIn("Jumlah Bidan Desa", text)
        self.assertIn("21", text)  # Jumlah 2024: 12 + 9, from the released data
        self.assertIn("Kesehatan", text)
        self.assertNotIn("Jumlah Guru SD", text)
        self.assertNotIn("Jumlah Puskesmas", text)
        self.assertNotIn("Jumlah Posyandu", text)  # 15.00 today: still under embargo

    def test_this_week_lists_since_monday(self) -> None:
        text = self._titles("/rilis-terbaru/?periode=minggu")
        self.assertIn("Jumlah Bidan Desa", text)
        self.assertIn("Jumlah Guru SD", text)
        self.assertNotIn("Jumlah Puskesmas", text)  # last Friday
        self.assertNotIn("Jumlah Posyandu", text)
        self.assertLess(text.index("Jumlah Bidan Desa"), text.index("Jumlah Guru SD"))
        # Grouped by day, newest first, as the days are written in the regency's time.
        self.assertEqual(text.count('class="news-day"'), 2)
        wednesday = text.index('class="news-day">Rabu, 11 Maret 2026<')
        self.assertLess(wednesday, text.index('class="news-day">Senin, 9 Maret 2026<'))

    def test_filters_by_sector_and_agency(self) -> None:
        week = "/rilis-terbaru/?periode=minggu"
        by_sector = self._titles(f"{week}&sektor=PENDIDIKAN_DAN_PELATIHAN")
        self.assertIn("Jumlah Guru SD", by_sector)
        self.assertNotIn("Jumlah Bidan Desa", by_sector)
        by_agency = self._titles(f"{week}&instansi={self.p.agency.slug}")
        self.assertIn("Jumlah Bidan Desa", by_agency)
        self.assertNotIn("Jumlah Guru SD", by_agency)

    def test_the_embargoed_release_appears_at_its_time(self) -> None:
        self.traveller.stop()
        at = at_release_time(WEDNESDAY, dt.time(15, 0))
        with time_machine.travel(at - dt.timedelta(seconds=1), tick=False):
            self.assertNotIn("Jumlah Posyandu", self._titles("/rilis-terbaru/"))
        with time_machine.travel(at, tick=False):
            self.assertIn("Jumlah Posyandu", self._titles("/rilis-terbaru/"))
        self.traveller.start()

    def test_an_empty_day_tells_when_the_next_release_is(self) -> None:
        services.plan_entry(
            actor=self.p.walidata,
            title="Luas Panen Padi 2025",
            agency=self.p.agency,
            planned_at=at_release_time(dt.date(2026, 5, 4)),
            precision=Precision.MONTH,
            sector="PERTANIAN_DAN_PERIKANAN",
        )
        self.client.cookies["django_language"] = "en"
        text = self._titles("/rilis-terbaru/?sektor=PERTANIAN_DAN_PERIKANAN")
        self.assertIn("Nothing has been released today yet.", text)
        self.assertIn("Luas Panen Padi 2025", text)  # the sector's next on the calendar
        self.assertIn("May 2026", text)
        # Thursday morning: nothing yet today; the next for everything is in May.
        self.traveller.stop()
        with time_machine.travel(NOON + dt.timedelta(hours=20), tick=False):
            text = self._titles("/rilis-terbaru/")
        self.traveller.start()
        self.assertIn("Nothing has been released today yet.", text)
        self.assertIn("Luas Panen Padi 2025", text)
        self.assertNotIn("Jumlah Posyandu", text)  # released yesterday

    def test_the_page_computes_facts_only_for_the_releases_it_shows(self) -> None:
        with (
            mock.patch.object(news, "MAX_ITEMS", 1),
            mock.patch.object(news.facts, "facts_of", wraps=facts.facts_of) as told,
            CaptureQueriesContext(connection) as one,
        ):
            text = self._titles("/rilis-terbaru/?periode=minggu")
        self.assertEqual(told.call_count, 1)
        self.assertIn("Jumlah Bidan Desa", text)
        self.assertNotIn("Jumlah Guru SD", text)
        cache.clear()
        with CaptureQueriesContext(connection) as two:
            self._titles("/rilis-terbaru/?periode=minggu")
        # A second release costs a bounded number of queries (its facts), never a scan.
        self.assertLess(len(two) - len(one), 25)
        self.assertLess(len(two), 80)

    def test_rss_feed_carries_key_figures_and_filters(self) -> None:
        response = self.client.get("/rilis-terbaru/feed.rss")
        self.assertEqual(response.status_code, 200)
        root = ElementTree.fromstring(response.content)  # noqa: S314 - our own feed
        items = root.findall("./channel/item")
        titles = [i.findtext("title") for i in items]
        self.assertIn("Jumlah Bidan Desa 2025", titles)
        self.assertIn("Jumlah Guru SD 2025", titles)
        self.assertIn("Jumlah Puskesmas 2025", titles)
        self.assertNotIn("Jumlah Posyandu 2025", titles)
        described = items[titles.index("Jumlah Bidan Desa 2025")].findtext("description") or ""
        self.assertIn("Jumlah 2024: 21", described)
        link = items[titles.index("Jumlah Bidan Desa 2025")].findtext("link") or ""
        self.assertTrue(link.startswith("http"), link)
        answer = self.client.get("/rilis-terbaru/feed.rss?sektor=PENDIDIKAN_DAN_PELATIHAN")
        filtered = ElementTree.fromstring(answer.content)  # noqa: S314 - our own feed
        self.assertEqual(
            [i.findtext("title") for i in filtered.findall("./channel/item")],
            ["Jumlah Guru SD 2025"],
        )
        self.assertIn("Pendidikan", filtered.findtext("./channel/title") or "")

    def test_atom_feed_by_agency(self) -> None:
        response = self.client.get(f"/rilis-terbaru/feed.atom?instansi={self.p.other_agency.slug}")
        self.assertEqual(response.status_code, 200)
        root = ElementTree.fromstring(response.content)  # noqa: S314 - our own feed
        entries = root.findall(f"{ATOM}entry")
        self.assertEqual([e.findtext(f"{ATOM}title") for e in entries], ["Jumlah Guru SD 2025"])
        summary = entries[0].findtext(f"{ATOM}summary") or ""
        self.assertIn("21", summary)
        for mistyped in ("?instansi=tidak-ada", "?sektor=KESEHATAN_X"):
            self.assertEqual(
                self.client.get(f"/rilis-terbaru/feed.atom{mistyped}").status_code, 404
            )

    def test_yearly_calendar_pdf_lists_the_year_entries(self) -> None:
        from pypdf import PdfReader

        services.plan_entry(
            actor=self.p.walidata,
            title="Indeks Pembangunan Manusia 2025",
            agency=self.p.agency,
            planned_at=at_release_time(dt.date(2026, 5, 4)),
            precision=Precision.MONTH,
        )
        response = self.client.get("/jadwal-rilis/cetak/2026.pdf")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        text = " ".join(
            page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
        )
        flat = " ".join(text.split())
        self.assertIn("Jadwal Rilis", flat)
        self.assertIn("Indeks Pembangunan Manusia 2025", flat)
        self.assertIn("Mei 2026", flat)
        self.assertIn("Maret 2026", flat)
        empty = self.client.get("/jadwal-rilis/cetak/2031.pdf")
        self.assertIn(
            "Belum ada rilis",
            " ".join(p.extract_text() for p in PdfReader(io.BytesIO(empty.content)).pages),
        )
        self.assertEqual(self.client.get("/jadwal-rilis/cetak/1900.pdf").status_code, 404)
