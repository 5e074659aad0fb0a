"""What activity 3 gives its users: the calendar page and its filters, the iCalendar feed (read
back with the icalendar library), JSON, RSS/Atom, the Daftar Produk Diseminasi (page, XLSX,
PDF), punctuality figures, and the notices of withdrawals and errata."""

from __future__ import annotations

import datetime as dt
import io
import xml.etree.ElementTree as ET
from datetime import timedelta

import time_machine
from django.utils import timezone
from icalendar import Calendar
from python_calamine import CalamineWorkbook

from satudata.catalog.models import Dataset
from satudata.catalog.testing import published_table
from satudata.core.testing import PersonaTestCase
from satudata.releases import services
from satudata.releases.models import Release, ReleaseEntry
from satudata.releases.punctuality import for_year
from satudata.releases.testing import release

UTC = dt.UTC


class CalendarOutputTests(PersonaTestCase):
    now: dt.datetime
    provisional: ReleaseEntry
    confirmed: ReleaseEntry
    cancelled: ReleaseEntry
    out: Dataset

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        p = cls.p
        cls.now = timezone.now()
        plan = services.plan_entry
        cls.provisional = plan(
            actor=p.walidata,
            title="Indeks Pembangunan Manusia 2026",
            agency=p.agency,
            planned_at=cls.now + timedelta(days=120),
            sector="KESEHATAN",
        )
        soon = cls.now + timedelta(days=10)
        cls.confirmed = plan(
            actor=p.walidata, title="Jumlah Bidan 2025", agency=p.agency, planned_at=soon
        )
        day = timezone.localtime(soon).date()
        services.confirm_entry(actor=p.walidata, entry=cls.confirmed, day=day)
        confirmed = ReleaseEntry.objects.get(pk=cls.confirmed.pk)
        cls.confirmed = services.reschedule_entry(
            actor=p.kepala_bidang,
            entry=confirmed,
            planned_at=confirmed.planned_at + timedelta(days=2),
            reason="Menunggu data Puskesmas",
        )
        cls.cancelled = plan(
            actor=p.walidata,
            title="Jumlah Guru PAUD 2025",
            agency=p.other_agency,
            planned_at=cls.now + timedelta(days=40),
        )
        services.cancel_entry(
            actor=p.kepala_bidang, entry=cls.cancelled, reason="Pendataan tidak dilaksanakan"
        )
        cls.out = published_table(p, "Jumlah Posyandu", [["Pringsewu", 3]])

    def test_the_icalendar_feed_reads_back_with_rfc_5545_statuses(self) -> None:
        response = self.client.get("/jadwal-rilis.ics")
        self.assertEqual(response["Content-Type"], "text/calendar; charset=utf-8")
        calendar = Calendar.from_ical(response.content)
        events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
        self.assertEqual(
            {title: str(e["status"]) for title, e in events.items()},
            {
                "Indeks Pembangunan Manusia 2026": "TENTATIVE",
                "Jumlah Bidan 2025": "CONFIRMED",
                "Jumlah Guru PAUD 2025": "CANCELLED",
            },
        )
        confirmed = events["Jumlah Bidan 2025"]
        start = confirmed.decoded("dtstart")
        self.assertEqual(start, self.confirmed.planned_at)  # the same instant...
        self.assertEqual(start.utcoffset(), timedelta(0))  # ...written in UTC
        self.assertEqual(timezone.localtime(start).hour, 10)  # 10.00 WIB
        month = events["Indeks Pembangunan Manusia 2026"].decoded("dtstart")
        self.assertIsInstance(month, dt.date)  # a month is an all-day span
        self.assertEqual(month.day, 1)
        self.assertIn(
            "Pendataan tidak dilaksanakan", str(events["Jumlah Guru PAUD 2025"]["description"])
        )
        self.assertEqual(len({str(e["uid"]) for e in events.values()}), 3)

    def test_the_calendar_page_filters_by_month_agency_sector_and_state(self) -> None:
        month = timezone.localtime(self.provisional.planned_at).strftime("%Y-%m")
        cases = {
            "bulan": ({"bulan": month}, {"Indeks Pembangunan Manusia 2026"}),
            "opd": ({"opd": "disdikbud"}, {"Jumlah Guru PAUD 2025"}),
            "sektor": ({"sektor": "KESEHATAN"}, {"Indeks Pembangunan Manusia 2026"}),
            "status": ({"status": "batal"}, {"Jumlah Guru PAUD 2025"}),
            "postponed": ({"status": "ditunda"}, {"Jumlah Bidan 2025"}),
            "confirmed": ({"status": "pasti"}, set()),
            "upcoming": (
                {"waktu": "mendatang"},
                {"Indeks Pembangunan Manusia 2026", "Jumlah Bidan 2025"},
            ),
        }
        for name, (query, titles) in cases.items():
            with self.subTest(filter=name):
                answer = self.client.get("/jadwal-rilis.json", query).json()
                self.assertEqual({e["judul"] for e in answer["jadwal"]}, titles)
                page = self.client.get("/jadwal-rilis/", query)
                for title in titles:
                    self.assertContains(page, title)
        bad = self.client.get("/jadwal-rilis/", {"bulan": "Maret"})
        self.assertContains(bad, "TTTT-BB", status_code=400)
        entry = self.client.get("/jadwal-rilis.json").json()["jadwal"]
        bidan = next(e for e in entry if e["judul"] == "Jumlah Bidan 2025")
        self.assertEqual(bidan["perubahan_tanggal"][0]["alasan"], "Menunggu data Puskesmas")
        self.assertEqual(bidan["status"], "ditunda")
        self.assertTrue(bidan["rencana"].endswith("+00:00"))

    def test_feeds_list_what_is_out(self) -> None:
        for url, item in (
            ("/rilis.rss", "item"),
            ("/rilis.atom", "{http://www.w3.org/2005/Atom}entry"),
        ):
            with self.subTest(url=url):
                root = ET.fromstring(self.client.get(url).content)  # noqa: S314 - our own feed
                titles = [e.text for e in root.iter() if e.tag.endswith("title")]
                self.assertEqual(len(list(root.iter(item))), 1)
                self.assertIn("Jumlah Posyandu 2025 (versi 1)", titles)

    def test_the_daftar_produk_diseminasi_page_and_exports(self) -> None:
        year = timezone.localdate().year
        page = self.client.get("/daftar-produk/", {"tahun": year})
        self.assertContains(page, "Jumlah Posyandu 2025 (versi 1)")
        xlsx = self.client.get("/daftar-produk.xlsx", {"tahun": year})
        book = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content))
        rows = book.get_sheet_by_index(0).to_python()
        header = rows[3]
        self.assertEqual(header[:3], ["NO", "JUDUL", "JENIS"])
        body = [r for r in rows[4:] if r[0] != ""]
        self.assertEqual(len(body), 1)
        self.assertEqual(body[0][1], "Jumlah Posyandu 2025 (versi 1)")
        self.assertEqual(body[0][5], "tidak ada di jadwal")
        self.assertEqual(body[0][7], "CSV, XLSX, JSON, Parquet")
        self.assertTrue(str(body[0][9]).endswith(f"/dataset/{self.out.slug}/v1/"))
        pdf = self.client.get("/daftar-produk.pdf", {"tahun": year})
        self.assertEqual(pdf["Content-Type"], "application/pdf")
        self.assertTrue(pdf.content.startswith(b"%PDF"))
        self.assertEqual(self.client.get("/daftar-produk.xlsx", {"tahun": "dua"}).status_code, 400)


class PunctualityTests(PersonaTestCase):
    def test_on_time_late_postponed_cancelled_and_notice(self) -> None:
        p = self.p
        start = dt.datetime(2026, 1, 5, 2, 0, tzinfo=UTC)
        with time_machine.travel(start, tick=False):
            may = dt.datetime(2026, 5, 1, 3, 0, tzinfo=UTC)
            early = services.plan_entry(
                actor=p.walidata, title="Tepat", agency=p.agency, planned_at=may
            )
            early = services.confirm_entry(actor=p.walidata, entry=early, day=dt.date(2026, 5, 4))
            february = dt.datetime(2026, 2, 1, 3, 0, tzinfo=UTC)
            late = services.plan_entry(
                actor=p.walidata, title="Terlambat", agency=p.agency, planned_at=february
            )
            late = services.confirm_entry(actor=p.walidata, entry=late, day=dt.date(2026, 2, 2))
            gone = services.plan_entry(
                actor=p.walidata, title="Batal", agency=p.agency, planned_at=start
            )
        with time_machine.travel(dt.datetime(2026, 1, 30, tzinfo=UTC), tick=False):
            late = services.reschedule_entry(
                actor=p.kepala_bidang,
                entry=late,
                planned_at=late.planned_at + timedelta(days=3),
                reason="Data OPD terlambat",
            )
            services.cancel_entry(actor=p.kepala_bidang, entry=gone, reason="Kegiatan dihentikan")
        for entry, title in ((early, "Tepat"), (late, "Terlambat")):
            dataset = _unpublished(p, f"Data {title}")
            version = dataset.versions.get()
            item = Release.objects.for_content(version).get()
            Release.objects.filter(pk=item.pk).update(entry=entry)  # its own calendar entry
            with time_machine.travel(entry.planned_at - timedelta(days=1), tick=False):
                item = services.submit_release(actor=p.walidata, release=item)
                item = services.approve_release(actor=p.kepala_bidang, release=item)
                services.schedule_release(actor=p.walidata, release=item, entry=entry)
        with time_machine.travel(dt.datetime(2026, 12, 31, tzinfo=UTC), tick=False):
            figures = for_year(None, 2026)
            answer = self.client.get("/ketepatan-waktu.json", {"tahun": 2026}).json()
        self.assertEqual((figures.released, figures.on_time), (2, 1))
        self.assertEqual((figures.max_delay_days, figures.mean_delay_days), (3, 1.5))
        self.assertEqual([c.reason for c in figures.postponements], ["Data OPD terlambat"])
        self.assertEqual([e.title for e in figures.cancelled], ["Batal"])
        self.assertEqual(figures.confirmed_ahead, 1)  # "Tepat": confirmed four months ahead
        self.assertEqual(answer["persen_tepat_waktu"], 50.0)
        self.assertEqual(answer["terlambat"], [{"judul": "Terlambat", "hari": 3}])


def _unpublished(p, name):
    from satudata.catalog.testing import COUNTS, table_dataset

    return table_dataset(
        actor=p.walidata, agency=p.agency, name=name, columns=COUNTS, rows=[["A", 1]]
    )


class NoticeTests(PersonaTestCase):
    def test_a_withdrawn_version_leaves_a_public_notice(self) -> None:
        p = self.p
        dataset = published_table(p, "Jumlah Apotek", [["Pringsewu", 5]])
        item = Release.objects.for_content(dataset.versions.get()).get()
        services.withdraw_release(actor=p.kepala_bidang, release=item, reason="Data ganda")
        page = self.client.get(f"/dataset/{dataset.slug}/")
        self.assertContains(page, "Data ganda", status_code=410)
        self.assertEqual(self.client.get(f"/dataset/{dataset.slug}/data.csv").status_code, 404)
        self.assertEqual(self.client.get(f"/api/v1/datasets/{dataset.slug}").status_code, 404)
        listed = self.client.get("/daftar-produk/")
        self.assertContains(listed, "ditarik")

    def test_an_erratum_shows_on_the_version_page(self) -> None:
        p = self.p
        dataset = published_table(p, "Jumlah Klinik", [["Pringsewu", 5]])
        item = Release.objects.for_content(dataset.versions.get()).get()
        with self.assertRaises(services.ReleaseRefused):
            services.add_erratum(actor=p.walidata, release=item, note=" ", significant=True)
        services.add_erratum(
            actor=p.walidata, release=item, note="Angka Pringsewu tertukar", significant=True
        )
        page = self.client.get(f"/dataset/{dataset.slug}/")
        self.assertContains(page, "Ralat signifikan")
        self.assertContains(page, "Angka Pringsewu tertukar")

    def test_a_future_release_shows_when_it_comes(self) -> None:
        p = self.p
        dataset = _unpublished(p, "Jumlah Pustu")
        at = timezone.now() + timedelta(days=5)
        release(dataset.versions.get(), kepala_bidang=p.kepala_bidang, at=at)
        entry = ReleaseEntry.objects.get(release__object_id=dataset.versions.get().pk)
        page = self.client.get(f"/jadwal-rilis/{entry.uuid}/")
        self.assertContains(page, "belum terbit")
        self.assertNotContains(page, f"/dataset/{dataset.slug}/")
        with time_machine.travel(at, tick=False):
            page = self.client.get(f"/jadwal-rilis/{entry.uuid}/")
        self.assertContains(page, f"/dataset/{dataset.slug}/v1/")
