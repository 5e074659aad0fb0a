"""The release date belongs to the Kepala Bidang: the Walidata schedules an approved release only
on its own calendar entry and on the date approved; any other entry or date, and a release taken
off the schedule, go back to the Kepala Bidang as a date request approved in one step."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from satudata.accounts.models import Notification
from satudata.catalog.models import DatasetVersion
from satudata.catalog.testing import COUNTS, table_dataset
from satudata.core.models import AuditEvent
from satudata.core.testing import PersonaTestCase
from satudata.releases import services
from satudata.releases.dates import at_release_time
from satudata.releases.models import (
    DateChange,
    DateRequest,
    DateRequestState,
    EntryState,
    Precision,
    Release,
    ReleaseEntry,
    ReleaseState,
)

UTC = dt.UTC
# 1 December 2026, 09.00 WIB: the release is announced for March 2027.
START = dt.datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
MARCH = dt.datetime(2027, 3, 1, 3, 0, tzinfo=UTC)


class ReleaseDateTestCase(PersonaTestCase):
    def setUp(self) -> None:
        p = self.p
        self.travel = time_machine.travel(START, tick=False)
        self.travel.start()
        self.addCleanup(self.travel.stop)
        dataset = table_dataset(
            actor=p.walidata, agency=p.agency, name="Jumlah Bidan", columns=COUNTS, rows=[["A", 1]]
        )
        self.version = dataset.versions.get()
        self.entry = services.plan_entry(
            actor=p.walidata, title="Jumlah Bidan 2026", agency=p.agency, planned_at=MARCH
        )
        release = Release.objects.for_content(self.version).get()
        Release.objects.filter(pk=release.pk).update(entry=self.entry)
        release = services.submit_release(actor=p.walidata, release=release)
        self.release = services.approve_release(actor=p.kepala_bidang, release=release)

    def entry_on(self, title: str, day: dt.date) -> ReleaseEntry:
        """Another entry of the same agency, confirmed by the Walidata inside its month."""
        entry = services.plan_entry(
            actor=self.p.walidata,
            title=title,
            agency=self.p.agency,
            planned_at=at_release_time(day.replace(day=1)),
        )
        return services.confirm_entry(actor=self.p.walidata, entry=entry, day=day)

    def fresh(self) -> Release:
        return Release.objects.get(pk=self.release.pk)


class ReleaseDateRuleTests(ReleaseDateTestCase):
    def test_the_approval_records_the_entry_and_the_month_announced(self) -> None:
        release = self.fresh()
        self.assertEqual(release.approved_entry, self.entry)
        self.assertEqual(
            (release.approved_date_at, release.approved_date_precision), (MARCH, Precision.MONTH)
        )

    def test_a_day_inside_the_approved_month_is_scheduled_by_the_walidata(self) -> None:
        services.confirm_entry(actor=self.p.walidata, entry=self.entry, day=dt.date(2027, 3, 15))
        release = services.schedule_release(actor=self.p.walidata, release=self.release)
        self.assertEqual(release.state, ReleaseState.SCHEDULED)
        self.assertEqual(release.release_at, dt.datetime(2027, 3, 15, 3, 0, tzinfo=UTC))

    def test_the_walidata_cannot_move_a_release_to_another_entry_of_the_agency(self) -> None:
        p = self.p
        services.confirm_entry(actor=p.walidata, entry=self.entry, day=dt.date(2027, 3, 15))
        release = services.schedule_release(actor=p.walidata, release=self.release)
        release = services.unschedule_release(actor=p.walidata, release=release, reason="Geser")
        elsewhere = self.entry_on("Jumlah Bidan (lain)", dt.date(2027, 1, 10))
        with self.assertRaisesMessage(services.ReleaseRefused, "Kepala Bidang"):
            services.schedule_release(actor=p.walidata, release=release, entry=elsewhere)
        self.assertEqual(self.fresh().state, ReleaseState.APPROVED)
        self.assertIsNone(DatasetVersion.objects.get(pk=self.version.pk).published_at)

    def test_another_entry_is_refused_even_before_the_release_was_ever_scheduled(self) -> None:
        elsewhere = self.entry_on("Jumlah Bidan (lain)", dt.date(2027, 1, 10))
        with self.assertRaisesMessage(services.ReleaseRefused, "entri jadwal lain"):
            services.schedule_release(actor=self.p.walidata, release=self.release, entry=elsewhere)

    def test_a_release_taken_off_the_schedule_needs_its_date_approved_again(self) -> None:
        p = self.p
        services.confirm_entry(actor=p.walidata, entry=self.entry, day=dt.date(2027, 3, 15))
        release = services.schedule_release(actor=p.walidata, release=self.release)
        release = services.unschedule_release(actor=p.walidata, release=release, reason="Salah")
        self.assertIsNone(self.fresh().approved_date_at)
        with self.assertRaisesMessage(services.ReleaseRefused, "belum menyetujui tanggal rilis"):
            services.schedule_release(actor=p.walidata, release=release)

    def test_a_date_other_than_the_one_approved_needs_the_kepala_bidang(self) -> None:
        # A date that moved without the Kepala Bidang (by hand in the database, an import):
        # the Walidata's scheduling still refuses it.
        ReleaseEntry.objects.filter(pk=self.entry.pk).update(
            planned_at=dt.datetime(2027, 5, 3, 3, 0, tzinfo=UTC),
            precision=Precision.EXACT,
            state=EntryState.CONFIRMED,
        )
        with self.assertRaisesMessage(services.ReleaseRefused, "bukan tanggal yang disetujui"):
            services.schedule_release(actor=self.p.walidata, release=self.release)

    def test_a_date_the_kepala_bidang_sets_on_the_entry_is_the_approved_date(self) -> None:
        p = self.p
        later = dt.datetime(2027, 4, 12, 3, 0, tzinfo=UTC)
        entry = services.reschedule_entry(
            actor=p.kepala_bidang,
            entry=self.entry,
            planned_at=later,
            precision=Precision.EXACT,
            reason="Menunggu data Susenas",
        )
        # An exact date is a confirmed one: scheduling no longer calls it "not exact".
        self.assertEqual((entry.state, entry.precision), (EntryState.CONFIRMED, Precision.EXACT))
        release = services.schedule_release(actor=p.walidata, release=self.release)
        self.assertEqual(release.release_at, later)


class DateRequestTests(ReleaseDateTestCase):
    """The announced month has passed: the Walidata asks, the Kepala Bidang approves once."""

    def setUp(self) -> None:
        super().setUp()
        self.travel.stop()
        self.travel = time_machine.travel(dt.datetime(2027, 4, 5, 2, 0, tzinfo=UTC), tick=False)
        self.travel.start()
        self.new_day = dt.date(2027, 4, 20)

    def test_the_page_says_the_month_has_passed_and_offers_the_request(self) -> None:
        self.client.force_login(self.p.walidata)
        page = self.client.get(f"/rilis/{self.release.uuid}/")
        self.assertContains(page, "Jadwal yang diumumkan, Maret 2027, sudah lewat.")
        self.assertContains(page, "Minta tanggal rilis baru kepada Kepala Bidang")
        self.assertNotContains(page, 'name="schedule-entry"')
        entry_page = self.client.get(f"/jadwal-rilis/{self.entry.uuid}/")
        self.assertContains(entry_page, 'id="window-passed"')
        self.assertContains(entry_page, f"/rilis/{self.release.uuid}/")
        self.assertNotContains(entry_page, 'name="confirm-reason"')
        with self.assertRaisesMessage(services.ReleaseRefused, "sudah lewat"):
            services.schedule_release(actor=self.p.walidata, release=self.release)

    def test_the_walidata_asks_and_the_kepala_bidang_approves_in_one_step(self) -> None:
        p = self.p
        with self.captureOnCommitCallbacks(execute=True):
            request = services.request_date(
                actor=p.walidata,
                release=self.release,
                day=self.new_day,
                reason="Data Susenas terlambat",
            )
        self.assertTrue(
            Notification.objects.filter(user=p.kepala_bidang, title__contains="Tanggal rilis baru")
        )
        with self.captureOnCommitCallbacks(execute=True):
            release = services.approve_date(actor=p.kepala_bidang, request=request)
        at = dt.datetime(2027, 4, 20, 3, 0, tzinfo=UTC)
        self.assertEqual((release.state, release.release_at), (ReleaseState.SCHEDULED, at))
        entry = ReleaseEntry.objects.get(pk=self.entry.pk)
        self.assertEqual((entry.state, entry.planned_at), (EntryState.CONFIRMED, at))
        change = DateChange.objects.get(entry=entry)
        self.assertEqual(
            (change.changed_by, change.approved_by, change.reason),
            (p.walidata, p.kepala_bidang, "Data Susenas terlambat"),
        )
        self.assertEqual(DateRequest.objects.get().state, DateRequestState.APPROVED)
        self.assertTrue(Notification.objects.filter(user=p.walidata, title__contains="disetujui"))
        actions = list(
            AuditEvent.objects.for_object(release).order_by("id").values_list("action", flat=True)
        )
        self.assertEqual(
            actions[-3:],
            ["releases.date_requested", "releases.date_approved", "releases.scheduled"],
        )
        self.assertTrue(
            AuditEvent.objects.for_object(entry).filter(action="releases.entry_rescheduled")
        )

    def test_a_release_without_an_entry_gets_one_on_the_date_approved(self) -> None:
        p = self.p
        Release.objects.filter(pk=self.release.pk).update(
            entry=None, approved_entry=None, approved_date_at=None
        )
        request = services.request_date(
            actor=p.walidata, release=self.fresh(), day=self.new_day, reason="Revisi terencana"
        )
        release = services.approve_date(actor=p.kepala_bidang, request=request)
        self.assertEqual(release.state, ReleaseState.SCHEDULED)
        assert release.entry is not None
        self.assertEqual(release.entry.state, EntryState.CONFIRMED)
        self.assertFalse(DateChange.objects.filter(entry=release.entry).exists())

    def test_only_the_kepala_bidang_decides_and_not_on_a_date_they_asked_for(self) -> None:
        p = self.p
        request = services.request_date(
            actor=p.walidata, release=self.release, day=self.new_day, reason="Terlambat"
        )
        with self.assertRaises(PermissionDenied):
            services.approve_date(actor=p.walidata, request=request)
        with self.assertRaisesMessage(services.ReleaseRefused, "masih menunggu"):
            services.request_date(
                actor=p.walidata, release=self.release, day=self.new_day, reason="Lagi"
            )
        services.refuse_date(actor=p.kepala_bidang, request=request, comment="Terlalu jauh")
        own = services.request_date(
            actor=p.kepala_bidang, release=self.release, day=self.new_day, reason="Saya minta"
        )
        with self.assertRaisesMessage(services.ReleaseRefused, "Anda yang meminta"):
            services.approve_date(actor=p.kepala_bidang, request=own)
        self.assertEqual(self.fresh().state, ReleaseState.APPROVED)

    def test_a_refusal_needs_a_reason_and_tells_the_walidata(self) -> None:
        p = self.p
        request = services.request_date(
            actor=p.walidata, release=self.release, day=self.new_day, reason="Terlambat"
        )
        with self.assertRaisesMessage(services.ReleaseRefused, "Jelaskan mengapa tanggal"):
            services.refuse_date(actor=p.kepala_bidang, request=request, comment=" ")
        with self.captureOnCommitCallbacks(execute=True):
            services.refuse_date(actor=p.kepala_bidang, request=request, comment="Terlalu jauh")
        self.assertTrue(Notification.objects.filter(user=p.walidata, title__contains="ditolak"))
        self.assertTrue(AuditEvent.objects.filter(action="releases.date_refused").exists())
        with self.assertRaisesMessage(services.ReleaseRefused, "sudah memutuskan"):
            services.approve_date(actor=p.kepala_bidang, request=request)

    def test_a_date_in_the_past_or_without_a_reason_is_refused(self) -> None:
        p = self.p
        with self.assertRaisesMessage(services.ReleaseRefused, "Jelaskan mengapa rilis"):
            services.request_date(
                actor=p.walidata, release=self.release, day=self.new_day, reason=""
            )
        with self.assertRaisesMessage(services.ReleaseRefused, "masa depan"):
            services.request_date(
                actor=p.walidata,
                release=self.release,
                day=timezone.localdate() - timedelta(days=1),
                reason="x",
            )

    def test_the_pages_take_the_request_and_the_one_step_approval(self) -> None:
        p = self.p
        url = f"/rilis/{self.release.uuid}/"
        self.client.force_login(p.producer)
        self.assertEqual(self.client.post(f"{url}request-date/", {}).status_code, 403)
        self.client.force_login(p.walidata)
        answer = self.client.post(
            f"{url}request-date/",
            {"request-date-day": "2027-04-20", "request-date-reason": "Data terlambat"},
            follow=True,
        )
        self.assertContains(answer, "Terkirim ke Kepala Bidang")
        self.assertContains(answer, 'id="date-request"')
        self.assertNotContains(answer, "Setujui tanggal dan jadwalkan")
        self.assertEqual(self.client.post(f"{url}approve-date/", {}).status_code, 403)
        desk = self.client.get("/rilis/")
        self.assertContains(desk, "Tanggal rilis baru yang menunggu Kepala Bidang (1)")
        self.client.force_login(p.kepala_bidang)
        answer = self.client.post(f"{url}approve-date/", {}, follow=True)
        self.assertContains(answer, "Tanggal baru disetujui dan rilis dijadwalkan")
        self.assertEqual(self.fresh().state, ReleaseState.SCHEDULED)
        again = self.client.post(f"{url}approve-date/", {}, follow=True)
        self.assertContains(again, "Tidak ada permintaan tanggal baru")

    def test_no_entry_is_planned_while_the_kepala_bidang_decides(self) -> None:
        # Planned while the release waits, its date would be approved without being seen.
        p = self.p
        Release.objects.filter(pk=self.release.pk).update(
            state=ReleaseState.SUBMITTED, entry=None, approved_entry=None, approved_date_at=None
        )
        self.client.force_login(p.walidata)
        answer = self.client.post(
            f"/rilis/{self.release.uuid}/plan/",
            {"plan-title": "Rilis", "plan-month": "2027-05", "plan-reference_period": "2026"},
            follow=True,
        )
        self.assertContains(answer, "menunggu Kepala Bidang", status_code=answer.status_code)
        self.assertIsNone(self.fresh().entry)

    def test_a_request_whose_date_has_passed_says_to_refuse_it_and_can_be_refused(self) -> None:
        p = self.p
        request = services.request_date(
            actor=p.walidata, release=self.release, day=self.new_day, reason="Data terlambat"
        )
        self.travel.stop()
        with time_machine.travel(request.new_at + timedelta(days=1), tick=False):
            with self.assertRaisesMessage(services.ReleaseRefused, "sudah lewat: tolak"):
                services.approve_date(actor=p.kepala_bidang, request=request)
            request.refresh_from_db()
            self.assertEqual(request.state, DateRequestState.PENDING)
            services.refuse_date(actor=p.kepala_bidang, request=request, comment="Sudah lewat")
            again = services.request_date(
                actor=p.walidata,
                release=self.release,
                day=timezone.localdate() + timedelta(days=7),
                reason="Tanggal baru",
            )
        self.assertEqual(again.state, DateRequestState.PENDING)
        self.travel.start()
