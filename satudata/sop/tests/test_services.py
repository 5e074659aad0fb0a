from __future__ import annotations

import datetime as dt

import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied

from satudata.core.models import AuditEvent
from satudata.core.testing import PersonaTestCase
from satudata.sop import services
from satudata.sop.models import Holiday, SopDocument, TaskStatus
from satudata.sop.tasks import send_due_reminders


class TaskServiceTests(PersonaTestCase):
    def test_opening_a_task_is_audited_and_bound_to_the_current_step(self) -> None:
        task = services.open_task(
            actor=self.p.walidata,
            step="rilis",
            title="Rilis X",
            agency=self.p.agency,
            executor=self.p.walidata,
        )
        self.assertEqual(task.step.code, "rilis")
        self.assertEqual(task.step.document.is_current, True)
        event = AuditEvent.objects.for_object(task).get()
        self.assertEqual(event.action, "sop.task_opened")
        self.assertEqual(event.actor, self.p.walidata)

    def test_one_subject_has_one_open_task_per_step(self) -> None:
        first = services.open_task(actor=None, step="produk", title="A", subject=self.p.agency)
        again = services.open_task(actor=None, step="produk", title="A", subject=self.p.agency)
        self.assertEqual(first.pk, again.pk)
        services.complete_task(actor=None, task=first)
        third = services.open_task(actor=None, step="produk", title="A", subject=self.p.agency)
        self.assertNotEqual(first.pk, third.pk)

    def test_the_executor_finishes_their_task_and_lateness_is_kept(self) -> None:
        with time_machine.travel(dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC), tick=False):
            task = services.open_task(
                actor=None, step="layanan", title="Permintaan", executor=self.p.walidata
            )
        with time_machine.travel(dt.datetime(2026, 3, 10, 8, 0, tzinfo=dt.UTC), tick=False):
            done = services.complete_task(actor=self.p.walidata, task=task, note="Dijawab")
        self.assertEqual(done.status, TaskStatus.DONE)
        self.assertTrue(done.was_late())
        self.assertIn("terlambat", AuditEvent.objects.get(action="sop.task_completed").summary)

    def test_a_producer_cannot_finish_or_cancel_someone_else_s_task(self) -> None:
        task = services.open_task(actor=None, step="layanan", title="P", executor=self.p.walidata)
        with self.assertRaises(PermissionDenied):
            services.complete_task(actor=self.p.producer, task=task)
        with self.assertRaises(PermissionDenied):
            services.cancel_task(actor=self.p.producer, task=task, reason="x")
        with self.assertRaises(PermissionDenied):
            services.cancel_task(actor=self.p.kepala_dinas, task=task, reason="x")

    def test_a_finished_task_cannot_be_finished_again(self) -> None:
        task = services.open_task(actor=None, step="layanan", title="P")
        services.complete_task(actor=self.p.walidata, task=task)
        with self.assertRaises(services.TaskStateError):
            services.cancel_task(actor=self.p.kepala_bidang, task=task, reason="x")

    def test_reassigning_records_before_and_after(self) -> None:
        task = services.open_task(actor=None, step="layanan", title="P", executor=self.p.walidata)
        services.reassign_task(actor=self.p.kepala_bidang, task=task, executor=self.p.kepala_bidang)
        event = AuditEvent.objects.get(action="sop.task_reassigned")
        self.assertEqual(
            event.changes["executor"], [str(self.p.walidata), str(self.p.kepala_bidang)]
        )

    def test_an_unknown_step_is_a_clear_error(self) -> None:
        with self.assertRaises(services.UnknownStep):
            services.open_task(actor=None, step="tidak-ada", title="x")


class SopRevisionTests(PersonaTestCase):
    def test_revising_keeps_the_old_revision_and_records_what_changed(self) -> None:
        old = SopDocument.current()
        assert old is not None
        revision = services.revise_sop(
            actor=self.p.admin,
            changes={"number": "075/12/2025"},
            steps=[{"number": 1, "working_days": 3, "time_standard": "3 hari"}],
            note="Waktu sinkronisasi ditetapkan",
        )
        self.assertEqual(revision.revision, 2)
        self.assertEqual(SopDocument.objects.count(), 2)
        old.refresh_from_db()
        self.assertFalse(old.is_current)
        self.assertEqual(services.current_step("sinkronisasi").working_days, 3)
        self.assertEqual(services.current_step("rilis").working_days, 5)
        event = AuditEvent.objects.get(action="sop.revised")
        self.assertEqual(event.changes["number"], ["075/", "075/12/2025"])
        self.assertEqual(event.changes["kegiatan 1: working_days"], [None, 3])

    def test_only_the_administrator_revises(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.revise_sop(actor=self.p.kepala_bidang, changes={}, steps=[], note="x")

    def test_the_loaded_sop_matches_the_document(self) -> None:
        document = SopDocument.current()
        assert document is not None
        steps = list(document.steps.all())
        self.assertEqual(
            [s.time_standard for s in steps],
            ["", "2 hari", "1 minggu", "2 hari", "1 hari", "2 minggu"],
        )
        self.assertEqual([s.working_days for s in steps], [None, 2, 5, 2, 1, 10])
        self.assertEqual(document.revised_on, dt.date(2024, 7, 22))
        self.assertEqual(len(document.legal_basis), 6)


class HolidayTests(PersonaTestCase):
    def test_it_loads_indonesian_holidays_and_keeps_corrections(self) -> None:
        Holiday.objects.create(date=dt.date(2026, 1, 1), name="Tahun Baru (dikoreksi)")
        added = services.load_holidays([2026])
        self.assertGreater(added, 10)
        self.assertEqual(
            Holiday.objects.get(date=dt.date(2026, 1, 1)).name, "Tahun Baru (dikoreksi)"
        )
        self.assertTrue(Holiday.objects.filter(date=dt.date(2026, 8, 17)).exists())
        self.assertEqual(services.load_holidays([2026]), 0)


class ReminderTests(PersonaTestCase):
    def test_it_reminds_each_executor_once_a_day(self) -> None:
        start = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
        with time_machine.travel(start, tick=False):
            services.open_task(
                actor=None, step="layanan", title="Permintaan A", executor=self.p.walidata
            )
            services.open_task(
                actor=None, step="laporan", title="Laporan B", executor=self.p.walidata
            )
        with (
            time_machine.travel(start + dt.timedelta(days=1), tick=False),
            self.captureOnCommitCallbacks(execute=True),  # the worker's commit queues the mail
        ):
            self.assertEqual(send_due_reminders.call(), 1)
            self.assertEqual(send_due_reminders.call(), 0)
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn("Permintaan A", mail.outbox[0].body)
        self.assertNotIn("Laporan B", mail.outbox[0].body)
        self.assertEqual(mail.outbox[0].to, [self.p.walidata.email])
