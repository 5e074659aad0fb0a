"""The release workflow's state machine: every transition allowed and refused, per role; races
between two deciders; a publication failing midway; dates in WIB stored in UTC."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta
from unittest import mock

import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from satudata.accounts.models import Notification, User
from satudata.accounts.roles import Role
from satudata.catalog.demo import send_table
from satudata.catalog.models import Dataset, DatasetVersion
from satudata.catalog.testing import COUNTS, published_table, table_dataset
from satudata.core.models import AuditEvent
from satudata.core.testing import PersonaTestCase
from satudata.releases import services
from satudata.releases.dates import wording
from satudata.releases.models import (
    DateChange,
    EntryState,
    Precision,
    PublicState,
    Release,
    ReleaseEntry,
    ReleaseKind,
    ReleaseState,
)
from satudata.sop.models import SopTask, TaskStatus

ROLES = ("producer", "walidata", "kepala_bidang", "kepala_dinas", "pembina", "admin")
PREPARERS = {"walidata", "kepala_bidang", "admin"}
APPROVERS = {"kepala_bidang"}


class WorkflowTests(PersonaTestCase):
    def setUp(self) -> None:
        p = self.p
        self.dataset = table_dataset(
            actor=p.walidata, agency=p.agency, name="Jumlah Bidan", columns=COUNTS, rows=[["A", 1]]
        )
        self.version = self.dataset.versions.get()
        self.release = Release.objects.for_content(self.version).get()
        self.later = timezone.now() + timedelta(days=20)
        self.entry = services.plan_entry(
            actor=p.walidata,
            title="Jumlah Bidan 2025",
            agency=p.agency,
            planned_at=self.later,
        )
        # As prepare_release does for a Daftar Data item's waiting entry: the release's own
        # entry, whose date the Kepala Bidang approves with the release.
        Release.objects.filter(pk=self.release.pk).update(entry=self.entry)
        self.release.refresh_from_db()

    def people(self) -> dict[str, User]:
        return {k: v for k, v in self.p.by_role().items() if v is not None and k in ROLES}

    def at_state(self, state: str) -> Release:
        """The release brought to ``state`` through the real services."""
        p, release = self.p, self.release
        if state == ReleaseState.DRAFT:
            return release
        release = services.submit_release(actor=p.walidata, release=release)
        if state == ReleaseState.SUBMITTED:
            return release
        if state == ReleaseState.RETURNED:
            return services.return_release(actor=p.kepala_bidang, release=release, comment="x")
        release = services.approve_release(actor=p.kepala_bidang, release=release)
        if state == ReleaseState.APPROVED:
            return release
        self.confirm()
        return services.schedule_release(actor=p.walidata, release=release, entry=self.entry)

    def confirm(self) -> None:
        day = timezone.localtime(self.later).date()
        self.entry = services.confirm_entry(actor=self.p.walidata, entry=self.entry, day=day)

    def check(self, state: str, step, allowed: set[str]) -> None:
        """``step(actor, release)`` from ``state``: done by the ``allowed`` roles, a
        PermissionDenied for the others."""
        for role, person in self.people().items():
            with self.subTest(step=step.__name__, role=role, state=state):
                release = self.at_state(state)
                if role in allowed:
                    step(person, release)
                else:
                    with self.assertRaises(PermissionDenied):
                        step(person, release)
            self._reset()  # back to the start for the next role

    def _reset(self) -> None:
        Release.objects.filter(pk=self.release.pk).update(
            state=ReleaseState.DRAFT,
            entry=self.entry,
            approved_entry=None,
            approved_date_at=None,
            approved_date_precision="",
            release_at=None,
            submitted_by=None,
            decided_by=None,
            decided_at=None,
        )
        DatasetVersion.objects.filter(pk=self.version.pk).update(
            published_at=None, withdrawn_at=None
        )
        ReleaseEntry.objects.filter(pk=self.entry.pk).update(
            state=EntryState.PROVISIONAL,
            precision=Precision.MONTH,
            planned_at=self.later,
            released_at=None,
        )
        self.entry.refresh_from_db()
        self.release.refresh_from_db()

    def test_who_may_take_each_step(self) -> None:
        def submit(actor, release):
            return services.submit_release(actor=actor, release=release)

        def approve(actor, release):
            return services.approve_release(actor=actor, release=release)

        def send_back(actor, release):
            return services.return_release(actor=actor, release=release, comment="Judul salah")

        def schedule(actor, release):
            return services.schedule_release(actor=actor, release=release, entry=self.entry)

        def unschedule(actor, release):
            return services.unschedule_release(actor=actor, release=release, reason="Data salah")

        def release_now(actor, release):
            return services.publish_now(actor=actor, release=release, reason="Mendesak")

        self.check(ReleaseState.DRAFT, submit, PREPARERS)
        self.check(ReleaseState.RETURNED, submit, PREPARERS)
        self.check(ReleaseState.SUBMITTED, approve, APPROVERS)
        self.check(ReleaseState.SUBMITTED, send_back, APPROVERS)
        self.check(ReleaseState.APPROVED, release_now, APPROVERS)

        def confirmed_schedule(actor, release):
            self.confirm()
            return schedule(actor, release)

        self.check(ReleaseState.APPROVED, confirmed_schedule, PREPARERS)
        self.check(ReleaseState.SCHEDULED, unschedule, PREPARERS)

    def test_steps_out_of_order_are_refused_with_the_reason(self) -> None:
        p = self.p
        kabid, walidata = p.kepala_bidang, p.walidata
        refused = [
            (ReleaseState.DRAFT, lambda r: services.approve_release(actor=kabid, release=r)),
            (
                ReleaseState.DRAFT,
                lambda r: services.schedule_release(actor=walidata, release=r, entry=self.entry),
            ),
            (ReleaseState.SUBMITTED, lambda r: services.submit_release(actor=walidata, release=r)),
            (ReleaseState.APPROVED, lambda r: services.approve_release(actor=kabid, release=r)),
            (
                ReleaseState.APPROVED,
                lambda r: services.withdraw_release(actor=kabid, release=r, reason="x"),
            ),
            (ReleaseState.SCHEDULED, lambda r: services.submit_release(actor=walidata, release=r)),
            (
                ReleaseState.SCHEDULED,
                lambda r: services.add_erratum(
                    actor=walidata, release=r, note="x", significant=False
                ),
            ),
        ]
        for state, step in refused:
            with self.subTest(state=state):
                release = self.at_state(state)
                before = Release.objects.get(pk=release.pk).state
                with self.assertRaises(services.ReleaseRefused):
                    step(release)
                self.assertEqual(Release.objects.get(pk=release.pk).state, before)
                self._reset()

    def test_comments_and_reasons_are_required(self) -> None:
        p = self.p
        release = self.at_state(ReleaseState.SUBMITTED)
        with self.assertRaisesMessage(services.ReleaseRefused, "Tuliskan apa yang harus diubah"):
            services.return_release(actor=p.kepala_bidang, release=release, comment="  ")
        with self.assertRaises(services.ReleaseRefused):
            services.publish_now(actor=p.kepala_bidang, release=release, reason="")

    def test_the_one_who_submitted_does_not_approve(self) -> None:
        release = services.submit_release(actor=self.p.kepala_bidang, release=self.release)
        with self.assertRaisesMessage(services.ReleaseRefused, "Anda yang mengajukan"):
            services.approve_release(actor=self.p.kepala_bidang, release=release)

    def test_two_approvals_at_once_one_wins_and_the_other_is_told_who(self) -> None:
        other = User.objects.create_user(
            "kabid.dua", password="x" * 12, role=Role.KEPALA_BIDANG, full_name="Dewi Kabid"
        )
        release = self.at_state(ReleaseState.SUBMITTED)
        # Both read the release while it was submitted; the first decision lands first.
        stale = Release.objects.get(pk=release.pk)
        services.approve_release(actor=self.p.kepala_bidang, release=release)
        with self.assertRaises(services.ReleaseRefused) as caught:
            services.return_release(actor=other, release=stale, comment="Belum lengkap")
        message = str(caught.exception)
        self.assertIn("Hendra Kabid", message)  # who decided first
        self.assertIn("Disetujui", message)
        self.assertEqual(Release.objects.get(pk=release.pk).state, ReleaseState.APPROVED)
        self.assertEqual(
            AuditEvent.objects.filter(
                action__in=["releases.approved", "releases.returned"]
            ).count(),
            1,
        )

    def test_scheduling_needs_a_confirmed_exact_date(self) -> None:
        release = self.at_state(ReleaseState.APPROVED)
        with self.assertRaisesMessage(services.ReleaseRefused, "Pastikan harinya") as caught:
            services.schedule_release(actor=self.p.walidata, release=release, entry=self.entry)
        self.assertIn(wording(self.later, Precision.MONTH), str(caught.exception))
        Release.objects.filter(pk=release.pk).update(entry=None)
        release.refresh_from_db()
        with self.assertRaisesMessage(services.ReleaseRefused, "Mintalah tanggal rilis"):
            services.schedule_release(actor=self.p.walidata, release=release)
        self.assertIsNone(DatasetVersion.objects.get(pk=self.version.pk).published_at)

    def test_a_publication_failing_midway_leaves_the_previous_version_live(self) -> None:
        p = self.p
        dataset = published_table(p, "Jumlah Posyandu", [["Pringsewu", 3]])
        send_table(p.walidata, dataset, "Kecamatan;Jumlah\nPringsewu;4")
        second = dataset.versions.get(number=2)
        release = Release.objects.for_content(second).get()
        self.assertEqual(release.kind, ReleaseKind.REVISION)
        release = services.submit_release(actor=p.walidata, release=release)
        release = services.approve_release(actor=p.kepala_bidang, release=release)
        with (
            mock.patch(
                "satudata.releases.services.workflow.record", side_effect=OSError("disk full")
            ),
            self.assertRaises(OSError),
        ):
            services.publish_now(actor=p.kepala_bidang, release=release, reason="Koreksi")
        self.assertEqual(Release.objects.get(pk=release.pk).state, ReleaseState.APPROVED)
        self.assertIsNone(DatasetVersion.objects.get(pk=second.pk).published_at)
        latest = Dataset.objects.get(pk=dataset.pk).current_version(None)
        assert latest is not None
        self.assertEqual(latest.number, 1)
        response = self.client.get(f"/dataset/{dataset.slug}/data.csv")
        self.assertContains(response, "3")

    def test_each_step_tells_the_next_actor_and_keeps_the_sop_task(self) -> None:
        p = self.p
        task = SopTask.objects.open_for(self.release, "rilis").get()
        self.assertEqual(task.step.effective_working_days, 5)  # "1 minggu"
        with self.captureOnCommitCallbacks(execute=True):
            release = services.submit_release(actor=p.walidata, release=self.release, note="Siap")
        self.assertTrue(Notification.objects.filter(user=p.kepala_bidang).exists())
        self.assertIn(p.kepala_bidang.email, [m.to[0] for m in mail.outbox])
        with self.captureOnCommitCallbacks(execute=True):
            release = services.approve_release(actor=p.kepala_bidang, release=release)
        self.assertTrue(
            Notification.objects.filter(
                user=p.walidata, title__contains="siap dijadwalkan"
            ).exists()
        )
        self.confirm()
        services.schedule_release(actor=p.walidata, release=release, entry=self.entry)
        task.refresh_from_db()
        self.assertEqual(task.status, TaskStatus.DONE)
        self.assertIn("Diajukan", task.note)
        self.assertIn("Disetujui", task.note)
        actions = list(
            AuditEvent.objects.for_object(release).order_by("id").values_list("action", flat=True)
        )
        self.assertEqual(
            actions,
            ["releases.created", "releases.submitted", "releases.approved", "releases.scheduled"],
        )


class CalendarTests(PersonaTestCase):
    def setUp(self) -> None:
        self.march = timezone.make_aware(dt.datetime(2027, 3, 1, 10, 0))
        self.entry = services.plan_entry(
            actor=self.p.walidata, title="IPM 2026", agency=self.p.agency, planned_at=self.march
        )

    def test_the_release_time_is_wib_and_stored_in_utc(self) -> None:
        with time_machine.travel(dt.datetime(2026, 12, 1, tzinfo=dt.UTC)):
            entry = services.confirm_entry(
                actor=self.p.walidata, entry=self.entry, day=dt.date(2027, 3, 15)
            )
        self.assertEqual(entry.planned_at, dt.datetime(2027, 3, 15, 3, 0, tzinfo=dt.UTC))
        self.assertEqual(
            wording(entry.planned_at, entry.precision), "15 Maret 2027 pukul 10.00 WIB"
        )
        self.assertEqual(entry.state, EntryState.CONFIRMED)
        self.assertEqual(entry.target_at, entry.planned_at)

    def test_a_day_outside_the_announced_month_needs_the_kepala_bidang(self) -> None:
        with self.assertRaisesMessage(services.ReleaseRefused, "di luar jadwal yang diumumkan"):
            services.confirm_entry(actor=self.p.walidata, entry=self.entry, day=dt.date(2027, 4, 2))
        entry = services.confirm_entry(
            actor=self.p.kepala_bidang,
            entry=self.entry,
            day=dt.date(2027, 4, 2),
            reason="Menunggu data Susenas",
        )
        self.assertEqual(entry.public_state(), PublicState.POSTPONED)
        change = DateChange.objects.get()
        self.assertEqual(
            (change.approved_by, change.reason), (self.p.kepala_bidang, "Menunggu data Susenas")
        )

    def test_changing_a_confirmed_date_is_the_kepala_bidangs_with_a_public_reason(self) -> None:
        entry = services.confirm_entry(
            actor=self.p.walidata, entry=self.entry, day=dt.date(2027, 3, 10)
        )
        later = entry.planned_at + timedelta(days=7)
        with self.assertRaises(PermissionDenied):
            services.reschedule_entry(
                actor=self.p.walidata, entry=entry, planned_at=later, reason="x"
            )
        with self.assertRaises(services.ReleaseRefused):
            services.reschedule_entry(
                actor=self.p.kepala_bidang, entry=entry, planned_at=later, reason=" "
            )
        entry = services.reschedule_entry(
            actor=self.p.kepala_bidang, entry=entry, planned_at=later, reason="Data terlambat"
        )
        self.assertEqual(entry.precision, Precision.EXACT)
        self.assertEqual(entry.public_state(), PublicState.POSTPONED)
        self.assertEqual(entry.target_at, later - timedelta(days=7))  # punctuality keeps the first
        page = self.client.get(f"/jadwal-rilis/{entry.uuid}/")
        self.assertContains(page, "Data terlambat")
        self.assertContains(page, "ditunda")

    def test_a_cancelled_entry_stays_listed_with_its_reason(self) -> None:
        with self.assertRaises(services.ReleaseRefused):
            services.cancel_entry(actor=self.p.kepala_bidang, entry=self.entry, reason="")
        services.cancel_entry(
            actor=self.p.kepala_bidang, entry=self.entry, reason="Kegiatan dihentikan"
        )
        listed = self.client.get("/jadwal-rilis/", {"status": "batal"})
        self.assertContains(listed, "IPM 2026")
        with self.assertRaises(services.ReleaseRefused):
            services.confirm_entry(actor=self.p.walidata, entry=self.entry, day=dt.date(2027, 3, 2))

    def test_the_approved_daftar_data_gives_the_years_calendar(self) -> None:
        from satudata.catalog.models import DataItem, DataList
        from satudata.catalog.services import approve_data_list

        data_list = DataList.objects.create(year=2026)
        common = {"data_list": data_list, "agency": self.p.agency, "frequency": "tahunan"}
        DataItem.objects.create(
            number=1, name="Jumlah Bidan", release_month=3, release_year_offset=1, **common
        )
        DataItem.objects.create(number=2, name="Jumlah Dokter", **common)
        DataItem.objects.create(number=3, name="Data Pasien", access="tertutup", **common)
        data_list = approve_data_list(actor=self.p.kepala_bidang, data_list=data_list)
        entries = {e.title: e for e in ReleaseEntry.objects.filter(item__data_list=data_list)}
        self.assertEqual(set(entries), {"Jumlah Bidan 2026", "Jumlah Dokter 2026"})
        self.assertEqual(
            wording(entries["Jumlah Bidan 2026"].planned_at, Precision.MONTH), "Maret 2027"
        )
        self.assertEqual(entries["Jumlah Dokter 2026"].precision, Precision.TWO_MONTHS)
        self.assertEqual(
            services.plan_from_data_list(actor=self.p.walidata, data_list=data_list), 0
        )


class EntryOwnershipTests(PersonaTestCase):
    def test_a_release_goes_out_only_on_its_own_agencys_entry(self) -> None:
        p = self.p
        dataset = table_dataset(
            actor=p.walidata, agency=p.agency, name="Jumlah Bidan", columns=COUNTS, rows=[["A", 1]]
        )
        release = Release.objects.for_content(dataset.versions.get()).get()
        release = services.submit_release(actor=p.walidata, release=release)
        release = services.approve_release(actor=p.kepala_bidang, release=release)
        later = timezone.now() + timedelta(days=20)
        elsewhere = services.plan_entry(
            actor=p.walidata, title="Guru 2025", agency=p.other_agency, planned_at=later
        )
        elsewhere = services.confirm_entry(
            actor=p.walidata, entry=elsewhere, day=timezone.localtime(later).date()
        )
        with self.assertRaisesMessage(services.ReleaseRefused, "perangkat daerah lain"):
            services.schedule_release(actor=p.walidata, release=release, entry=elsewhere)
