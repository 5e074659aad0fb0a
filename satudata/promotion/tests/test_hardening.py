"""Regressions of the promotion review's findings (``notes/review-promotion.md``): a chart's
facts read the table version it drew, never one under embargo (1); share files are kept by
shared caches for a minute only (2); a moved release gets its cards, press release and
promotion task moved too (3); a row taken from a slow worker is not sent by it, nor to someone
who unsubscribed during the batch (4); each reader's e-mail in its own language (5); counts are
not averaged as rates (6); hostile input gives no 500 (7); held releases are not lost by
switching to immediate mails (8); an unknown sector is not printed as a filter (11); a returning
subscriber's old links stop working (9)."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any
from unittest import mock

import time_machine
from django.core import mail as django_mail
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from satudata.catalog.models import DataType, Variable
from satudata.catalog.testing import published_table, table_dataset
from satudata.core.models import SiteProfile
from satudata.core.testing import PersonaTestCase
from satudata.products.models import Product
from satudata.products.testing import generated_version, product
from satudata.products.tests.tables_data import population_table
from satudata.promotion import cards, dispatch, sharekit, subscriptions, tokens
from satudata.promotion.facts import facts_of, figure_text, is_rate
from satudata.promotion.models import (
    Delivery,
    DeliveryState,
    Dispatch,
    Frequency,
    ShareFormat,
    Subscriber,
    SubscriberState,
)
from satudata.releases import services
from satudata.releases.dates import at_release_time
from satudata.releases.models import Release
from satudata.releases.testing import release
from satudata.sop.models import SopTask

WIB = dt.timezone(dt.timedelta(hours=7))
COUNTS = [("Tahun", "year"), ("Kecamatan", "text"), ("Jumlah", "int")]
COUNT_ROWS = [[2023, "Pringsewu", 1200], [2023, "Gadingrejo", 800], [2024, "Pringsewu", 1234]]


def days_ahead(days: int) -> dt.datetime:
    """The standard release time (WIB) ``days`` days from today."""
    return at_release_time(timezone.localdate() + dt.timedelta(days=days))


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def docx_text(content: bytes) -> str:
    from docx import Document

    document: Any = Document(io.BytesIO(content))
    return "\n".join(p.text for p in document.paragraphs)


def page_text(response: Any) -> str:
    """The page without the language switcher's form (it echoes the address in ``next``)."""
    return re.sub(
        r'<form action="/i18n/setlang/".*?</form>', "", response.content.decode(), flags=re.S
    )


def a_subscriber(address: str, **fields: Any) -> Subscriber:
    fields.setdefault("everything", True)
    fields.setdefault("state", SubscriberState.ACTIVE)
    return Subscriber.objects.create(email=address, **fields)


# --- 1. A chart's facts ---------------------------------------------------------------------


class ChartFactsTests(PersonaTestCase):
    """A chart drawn from a table whose version 2 is scheduled for later."""

    def _table(self) -> Product:
        p = self.p
        dataset = population_table(p)
        return product(
            actor=p.walidata,
            agency=p.agency,
            title="Penduduk per Kecamatan",
            spec={
                "sources": [{"dataset": dataset.slug, "version": 1}],
                "measures": ["jumlah"],
                "select": {"kode_wilayah": "*", "tahun": "*"},
                "stub": ["kode_wilayah"],
                "heading": ["tahun"],
                "title": "Penduduk menurut Kecamatan dan Tahun",
            },
        )

    def test_it_reads_the_table_version_the_chart_drew_never_one_scheduled_later(self) -> None:
        p = self.p
        table = self._table()
        first = generated_version(p.walidata, table)
        release(first, kepala_bidang=p.kepala_bidang, walidata=p.walidata)
        chart = product(
            actor=p.walidata,
            agency=p.agency,
            title="Grafik Penduduk per Kecamatan",
            kind="grafik",
            source=table,
            spec={"mark": "bar", "x": "kode_wilayah", "alt_text": "Penduduk per kecamatan."},
        )
        chart_release = release(
            generated_version(p.walidata, chart), kepala_bidang=p.kepala_bidang, walidata=p.walidata
        )
        # Version 2 of the table (2023 only: 29 in 2023, where version 1 says 24 in 2024) is
        # scheduled three days ahead: under embargo until then.
        Product.objects.filter(pk=table.pk).update(
            spec={**table.spec, "select": {"kode_wilayah": "*", "tahun": ["2023"]}}
        )
        table.refresh_from_db()
        second = generated_version(p.walidata, table)
        later = days_ahead(3)
        second_release = release(second, kepala_bidang=p.kepala_bidang, at=later)
        second.refresh_from_db()
        self.assertEqual(second.published_at, later)  # scheduled: published_at already set
        [embargoed] = facts_of(second_release).figures
        self.assertEqual((embargoed.value, embargoed.period), (29, "2023"))

        [figure] = facts_of(chart_release).figures
        self.assertEqual((figure.value, figure.period), (24, "2024"))
        self.assertNotIn("29", figure_text(figure, "id"))
        # Still so once version 2 is out: the chart drew version 1.
        with time_machine.travel(later + dt.timedelta(minutes=1), tick=False):
            [figure] = facts_of(Release.objects.get(pk=chart_release.pk)).figures
        self.assertEqual((figure.value, figure.period), (24, "2024"))


# --- 2. and 3. Share files --------------------------------------------------------------------


class ShareFileTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        SiteProfile.objects.create(
            site_name="Satu Data Pringsewu",
            regency_name="Kabupaten Pringsewu",
            walidata_name="Dinas Komunikasi dan Informatika",
        )

    def setUp(self) -> None:
        cache.clear()

    def _dataset(self, name: str) -> Any:
        p = self.p
        return table_dataset(
            actor=p.walidata,
            agency=p.agency,
            name=name,
            columns=COUNTS,
            rows=COUNT_ROWS,
            sector="KESEHATAN",
        )

    def test_it_lets_shared_caches_keep_a_public_file_a_minute_and_revalidate(self) -> None:
        item = release(
            self._dataset("Jumlah Posyandu").versions.get(), kepala_bidang=self.p.kepala_bidang
        )
        client = Client()
        for fmt in (ShareFormat.CARD_WIDE, ShareFormat.PRESS_PDF):
            response = client.get(reverse("promotion:share_file", args=[item.uuid, fmt]))
            self.assertEqual(response.status_code, 200, fmt)
            control = response["Cache-Control"]
            self.assertIn("public", control, fmt)
            self.assertIn("max-age=60", control, fmt)
            self.assertIn("must-revalidate", control, fmt)
            self.assertNotIn("3600", control, fmt)
            self.assertEqual(response["ETag"].strip('"'), item.share_files.get(format=fmt).sha256)

    def test_it_makes_the_kit_and_moves_the_task_again_when_the_release_is_moved(self) -> None:
        from satudata.sop.services import current_step
        from satudata.sop.workdays import due_at

        p = self.p
        at = days_ahead(3)
        item = release(
            self._dataset("Jumlah Puskesmas").versions.get(), kepala_bidang=p.kepala_bidang, at=at
        )
        task = SopTask.objects.open_for(item, "promosi").get()
        days = current_step("promosi").effective_working_days
        self.assertEqual(task.due_at, due_at(at, days))
        pdf = sharekit.share_file(item, ShareFormat.PRESS_PDF, "id")
        docx = sharekit.share_file(item, ShareFormat.PRESS_DOCX, "id")
        card = sharekit.share_file(item, ShareFormat.CARD_WIDE, "id")
        self.assertEqual(pdf.release_at, at)
        self.assertIn(cards.long_date(at, "id"), docx_text(sharekit.read(docx)))

        later = days_ahead(10)
        entry = item.entry
        assert entry is not None
        services.reschedule_entry(
            actor=p.kepala_bidang, entry=entry, planned_at=later, reason="Data terlambat."
        )
        item.refresh_from_db()
        self.assertEqual(item.release_at, later)
        # The task's deadline follows the new release time.
        task.refresh_from_db()
        self.assertEqual(task.due_at, due_at(later, days))
        self.assertEqual(SopTask.objects.open_for(item, "promosi").count(), 1)
        # The files are made again for the new time, by the service and by the page.
        new_pdf = sharekit.share_file(item, ShareFormat.PRESS_PDF, "id")
        new_docx = sharekit.share_file(item, ShareFormat.PRESS_DOCX, "id")
        self.assertEqual((new_pdf.release_at, new_docx.release_at), (later, later))
        self.assertNotEqual(new_pdf.sha256, pdf.sha256)
        self.assertNotEqual(new_docx.sha256, docx.sha256)
        text = docx_text(sharekit.read(new_docx))
        self.assertIn(cards.long_date(later, "id"), text)
        self.assertNotIn(cards.long_date(at, "id"), text)
        self.client.force_login(p.walidata)
        response = self.client.get(
            reverse("promotion:share_file", args=[item.uuid, ShareFormat.CARD_WIDE])
        )
        self.assertEqual(response.status_code, 200)
        self.assertNotEqual(response["ETag"].strip('"'), card.sha256)
        self.assertEqual(item.share_files.get(format=ShareFormat.CARD_WIDE).release_at, later)
        self.assertIn(
            " ".join(cards.long_date(later, "id").split()),
            " ".join(pdf_text(sharekit.read(new_pdf)).split()),
        )


# --- 4. and 5. Release e-mails ------------------------------------------------------------------


@override_settings(PROMOTION_SEND_RATE=0, SITE_URL="https://data.pringsewu.test")
class DispatchTests(PersonaTestCase):
    def _scheduled(self, name: str = "Jumlah Murid SD") -> dt.datetime:
        p = self.p
        at = days_ahead(3)
        table_dataset(
            actor=p.walidata,
            agency=p.agency,
            name=name,
            columns=COUNTS,
            rows=COUNT_ROWS,
            sector="PENDIDIKAN_DAN_PELATIHAN",
            publisher=p.kepala_bidang,
            published_at=at,
        )
        return at

    def _planned(self, at: dt.datetime) -> None:
        dispatch.open_dispatches(at)
        for told in Dispatch.objects.all():
            dispatch.plan(told, at)

    def test_it_does_not_send_a_row_taken_back_and_claimed_by_another_worker(self) -> None:
        at = self._scheduled()
        for i in range(3):
            a_subscriber(f"pembaca{i}@contoh.test")
        with time_machine.travel(at, tick=False):
            self._planned(at)
            self.assertEqual(dispatch.claim("a", at, at, 10), 3)
            first = dispatch.Sender(started=at)
            real = dispatch.still_due

            def slow_batch(*args: Any) -> bool:
                # While worker A is busy, a later run finds its claim stale, gives the rows
                # back, and worker B claims them.
                if not Delivery.objects.filter(claim="b").exists():
                    later = timezone.now() + dispatch.stale_after() + dt.timedelta(minutes=1)
                    self.assertEqual(dispatch.release_stale(later), 3)
                    self.assertEqual(dispatch.claim("b", at, at + dt.timedelta(seconds=1), 10), 3)
                return real(*args)

            with mock.patch.object(dispatch, "still_due", side_effect=slow_batch):
                first.send_claimed("a")
            first.close()
            self.assertEqual(first.sent, 0)
            self.assertEqual(django_mail.outbox, [])
            self.assertEqual(
                set(Delivery.objects.values_list("state", "claim")),
                {(DeliveryState.SENDING, "b")},
            )
            second = dispatch.Sender(started=at)
            second.send_claimed("b")
            second.close()
        self.assertEqual(second.sent, 3)
        self.assertEqual(
            sorted(m.to[0] for m in django_mail.outbox),
            [f"pembaca{i}@contoh.test" for i in range(3)],
        )
        self.assertEqual(
            set(Delivery.objects.values_list("state", flat=True)), {DeliveryState.SENT}
        )

    def test_it_skips_a_subscriber_who_unsubscribed_after_the_claim(self) -> None:
        at = self._scheduled()
        stays = a_subscriber("tetap@contoh.test")
        leaves = a_subscriber("pergi@contoh.test")
        with time_machine.travel(at, tick=False):
            self._planned(at)
            self.assertEqual(dispatch.claim("a", at, at, 10), 2)
            sender = dispatch.Sender(started=at)
            real = dispatch.still_due

            def unsubscribes(*args: Any) -> bool:
                subscriptions.unsubscribe(subscriber=leaves, how="satu-klik")
                return real(*args)

            with mock.patch.object(dispatch, "still_due", side_effect=unsubscribes):
                sender.send_claimed("a")
            sender.close()
        self.assertEqual([m.to for m in django_mail.outbox], [[stays.email]])
        self.assertEqual(sender.sent, 1)
        self.assertEqual(Delivery.objects.get(subscriber=leaves).state, DeliveryState.SKIPPED)
        self.assertEqual(Delivery.objects.get(subscriber=stays).state, DeliveryState.SENT)

    def _rate_table(self) -> dt.datetime:
        """A table product of a rate (80 and 90: an average of 85) scheduled three days ahead."""
        p = self.p
        rates = published_table(
            p,
            "Persentase Balita Gizi Baik",
            [[2024, "Pringsewu", "80,0"], [2024, "Gadingrejo", "90,0"]],
            [("Tahun", "year"), ("Kecamatan", "text"), ("Persentase", "dec")],
        )
        table = product(
            actor=p.walidata,
            agency=p.agency,
            title="Persentase Balita Gizi Baik per Kecamatan",
            spec={
                "sources": [{"dataset": rates.slug, "version": 1}],
                "measures": ["persentase"],
                "select": {"kecamatan": "*", "tahun": "*"},
                "stub": ["kecamatan"],
                "heading": ["tahun"],
                "title": "Persentase Balita Gizi Baik menurut Kecamatan",
            },
        )
        at = days_ahead(3)
        release(generated_version(p.walidata, table), kepala_bidang=p.kepala_bidang, at=at)
        return at

    def _in_each_language(self) -> None:
        by_address = {m.to[0]: m.body for m in django_mail.outbox}
        english, indonesian = by_address["teacher@contoh.test"], by_address["guru@contoh.test"]
        self.assertIn("Average Persentase", english)
        self.assertNotIn("Rata-rata", english)
        self.assertIn("Type: Table", english)
        self.assertNotIn("Tabel", english)
        self.assertIn("Rata-rata Persentase", indonesian)
        self.assertNotIn("Average", indonesian)
        self.assertIn("Tabel", indonesian)
        self.assertNotIn("Table\n", indonesian)
        self.assertIn("85,0", indonesian)
        self.assertIn("85.0", english)

    def test_each_reader_gets_the_labels_and_the_type_in_their_own_language(self) -> None:
        at = self._rate_table()
        a_subscriber("guru@contoh.test", language="id")
        a_subscriber("teacher@contoh.test", language="en")
        with time_machine.travel(at, tick=False):
            self.assertEqual(dispatch.run(), 2)
        self._in_each_language()

    @override_settings(PROMOTION_DIGEST_WEEKDAY=0, PROMOTION_DIGEST_TIME="08:00")
    def test_each_weekly_reader_gets_a_digest_in_their_own_language(self) -> None:
        at = self._rate_table()
        a_subscriber("guru@contoh.test", language="id", frequency=Frequency.WEEKLY)
        a_subscriber("teacher@contoh.test", language="en", frequency=Frequency.WEEKLY)
        with time_machine.travel(at, tick=False):
            self.assertEqual(dispatch.run(), 0)
        day = at.astimezone(WIB).date()
        monday = day + dt.timedelta(days=7 - day.weekday())
        with time_machine.travel(dt.datetime.combine(monday, dt.time(9), tzinfo=WIB), tick=False):
            self.assertEqual(dispatch.send_due_digests(), 2)
        self._in_each_language()

    def test_a_weekly_reader_switching_to_immediate_gets_the_held_releases(self) -> None:
        at = self._scheduled()
        weekly = a_subscriber("mingguan@contoh.test", frequency=Frequency.WEEKLY)
        with time_machine.travel(at, tick=False):
            self.assertEqual(dispatch.run(), 0)
        self.assertEqual(Delivery.objects.get().state, DeliveryState.HELD)
        subscriptions.update_preferences(
            subscriber=weekly,
            topics=(),
            everything=True,
            calendar_changes=True,
            frequency=Frequency.IMMEDIATE,
            language="id",
        )
        self.assertEqual(Delivery.objects.get().state, DeliveryState.PENDING)
        with time_machine.travel(at + dt.timedelta(minutes=5), tick=False):
            self.assertEqual(dispatch.run(), 1)
        self.assertEqual([m.to for m in django_mail.outbox], [[weekly.email]])
        self.assertEqual(Delivery.objects.get().state, DeliveryState.SENT)


# --- 6. Rates and counts ------------------------------------------------------------------------


class RateTests(PersonaTestCase):
    def test_the_pattern_knows_rates_by_whole_words(self) -> None:
        for count in (
            "Jumlah Angkatan Kerja",
            "Penduduk Pangkalan",
            "Jumlah sekolah terpisah (separate)",
            "Pembangunan merata",
            "Jumlah Angka Kredit",
            "Jumlah Desa menurut Tingkat Perkembangan",
            "Banyaknya Murid Tingkat SMP",
        ):
            self.assertFalse(is_rate(count), count)
        for rate in (
            "Angka Partisipasi Sekolah",
            "Angka Partisipasi Murni SD",
            "Persentase Penduduk Miskin",
            "Rasio Guru Murid",
            "Indeks Pembangunan Manusia",
            "Tingkat Pengangguran Terbuka",
            "Rata-rata Lama Sekolah",
            "Capaian %",
            "Angka Melanjutkan ke SMP",
            "Angka Beban Ketergantungan",
            "Rata rata lama sekolah",
        ):
            self.assertTrue(is_rate(rate), rate)
        self.assertTrue(is_rate("Jumlah", "%"))

    def _figure(self, name: str, column: str, rows: list[list[object]], unit: str = "") -> Any:
        p = self.p
        if unit:
            Variable.objects.create(
                agency=p.agency, name=column, data_type=DataType.DECIMAL, unit=unit
            )
        dataset = table_dataset(
            actor=p.producer,
            agency=p.agency,
            name=name,
            columns=[("Tahun", "year"), ("Kecamatan", "text"), (column, "dec")],
            rows=rows,
        )
        item = release(dataset.versions.get(), kepala_bidang=p.kepala_bidang)
        [figure] = facts_of(item).figures
        return figure

    def test_a_count_named_with_angkatan_is_summed(self) -> None:
        figure = self._figure(
            "Jumlah Angkatan Kerja",
            "Jumlah Angkatan Kerja",
            [[2024, "Pringsewu", 1000], [2024, "Gadingrejo", 3000]],
        )
        self.assertEqual(figure.value, 4000)
        self.assertNotIn("Rata-rata", figure.label)
        self.assertNotIn("Average", figure.label)

    def test_a_participation_rate_is_averaged(self) -> None:
        figure = self._figure(
            "Angka Partisipasi Sekolah",
            "Angka Partisipasi Sekolah",
            [[2024, "Pringsewu", "80,0"], [2024, "Gadingrejo", "90,0"]],
        )
        self.assertEqual(figure.value, 85.0)
        self.assertTrue(figure.label.startswith(("Rata-rata", "Average")), figure.label)

    def test_a_measure_in_percent_is_averaged(self) -> None:
        figure = self._figure(
            "Capaian Imunisasi",
            "Capaian",
            [[2024, "Pringsewu", "70,0"], [2024, "Gadingrejo", "90,0"]],
            unit="%",
        )
        self.assertEqual(figure.value, 80.0)
        self.assertTrue(figure.label.startswith(("Rata-rata", "Average")), figure.label)


# --- 7. and 11. Hostile input -------------------------------------------------------------------


class HostileInputTests(PersonaTestCase):
    def setUp(self) -> None:
        cache.clear()

    def test_the_widget_builder_ignores_a_dataset_or_chart_that_is_no_slug(self) -> None:
        published_table(self.p, "Jumlah Bidan Desa", COUNT_ROWS, COUNTS)
        for query in (
            "widget=angka&dataset=a/b",
            "widget=angka&dataset=%ff",
            'widget=angka&dataset="onmouseover=alert(1)',
            "widget=grafik&grafik=../..",
            "widget=grafik&grafik=a/b",
        ):
            response = self.client.get(f"/widget/?{query}")
            self.assertEqual(response.status_code, 200, query)
            self.assertNotIn("onmouseover", page_text(response), query)
            self.assertNotIn("a/b", page_text(response), query)

    def test_the_reach_refuses_days_out_of_range_with_400(self) -> None:
        self.client.force_login(self.p.walidata)
        for query in (
            "sampai=0001-01-05",
            "sampai=0001-01-01",
            "dari=9999-12-30&sampai=9999-12-31",
            "dari=9999-12-31&sampai=9999-12-31",
        ):
            response = self.client.get(f"/promosi/jangkauan.json?{query}")
            self.assertEqual(response.status_code, 400, query)
            self.assertIn("error", response.json())
            page = self.client.get(f"/promosi/jangkauan/?{query}")
            self.assertLess(page.status_code, 500, query)

    def test_an_unknown_sector_is_not_printed_as_the_scope(self) -> None:
        published_table(self.p, "Jumlah Bidan Desa", COUNT_ROWS, COUNTS, sector="KESEHATAN")
        response = self.client.get("/rilis-terbaru/?sektor=DATA_PALSU")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("DATA_PALSU", page_text(response))
        self.assertEqual(response.context["scope"], "")
        # A real sector still is.
        known = self.client.get("/rilis-terbaru/?sektor=KESEHATAN")
        self.assertNotEqual(known.context["scope"], "")


# --- 9. Links of a returning subscriber ----------------------------------------------------------


@override_settings(PROMOTION_SUBSCRIBE_MAIL_INTERVAL=0, PROMOTION_ALLOW_RESERVED_DOMAINS=False)
class ReturningSubscriberTests(PersonaTestCase):
    ADDRESS = "rina.wulandari@pos.co.id"

    def _subscribe_and_confirm(self) -> Subscriber:
        found = subscriptions.request_subscription(
            email=self.ADDRESS,
            topics=(),
            everything=True,
            calendar_changes=True,
            frequency=Frequency.IMMEDIATE,
            language="id",
        )
        self.assertEqual(found.state, SubscriberState.PENDING)
        self.assertTrue(subscriptions.confirm(subscriber=found))
        return Subscriber.objects.get(pk=found.pk)

    def test_it_gets_new_links_and_the_old_ones_read_as_none(self) -> None:
        first = self._subscribe_and_confirm()
        manage, leave = tokens.make(first, "manage"), tokens.make(first, "unsubscribe")
        self.assertEqual(tokens.read(manage, "manage"), first)
        subscriptions.unsubscribe(subscriber=first, how="atur")
        again = self._subscribe_and_confirm()
        self.assertEqual(again.pk, first.pk)
        self.assertEqual(again.state, SubscriberState.ACTIVE)
        self.assertNotEqual(again.nonce, first.nonce)
        self.assertIsNone(tokens.read(manage, "manage"))
        self.assertIsNone(tokens.read(leave, "unsubscribe"))
        self.assertEqual(tokens.read(tokens.make(again, "manage"), "manage"), again)
        # The old manage page no longer opens.
        self.assertEqual(
            self.client.get(reverse("promotion:manage", args=[manage])).status_code, 404
        )

    def test_a_first_confirmation_keeps_the_link_mailed_with_it(self) -> None:
        found = subscriptions.request_subscription(
            email=self.ADDRESS,
            topics=(),
            everything=True,
            calendar_changes=True,
            frequency=Frequency.IMMEDIATE,
            language="id",
        )
        manage = tokens.make(found, "manage")
        subscriptions.confirm(subscriber=found)
        self.assertEqual(tokens.read(manage, "manage"), Subscriber.objects.get(pk=found.pk))
