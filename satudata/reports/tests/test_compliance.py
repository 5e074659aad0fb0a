"""SOP compliance from hand-made tasks: per activity, per person, per agency, and the SOP's
warning naming the activities that left no trace."""

from __future__ import annotations

import datetime as dt
import json

from satudata.core.testing import PersonaTestCase
from satudata.reports.compliance import compliance_table
from satudata.sop.models import SopStep, SopTask, TaskStatus
from satudata.sop.workdays import WIB

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def at(month: int, day: int) -> dt.datetime:
    return dt.datetime(2026, month, day, 10, 0, tzinfo=WIB)


class ComplianceTests(PersonaTestCase):
    def task(self, code: str, **fields: object) -> SopTask:
        step = SopStep.objects.filter(document__is_current=True, code=code).get()
        return SopTask.objects.create(step=step, title=f"Tugas {code}", **fields)

    def setUp(self) -> None:
        p = self.p
        # rilis: one on time, one finished Thursday 12 March, due Monday 9 March: 3 working
        # days late; one open and overdue at the end of March.
        self.task(
            "rilis",
            executor=p.walidata,
            agency=p.agency,
            created_at=at(3, 2),
            due_at=at(3, 6),
            status=TaskStatus.DONE,
            completed_at=at(3, 5),
        )
        self.task(
            "rilis",
            executor=p.walidata,
            agency=p.agency,
            created_at=at(3, 2),
            due_at=at(3, 9),
            status=TaskStatus.DONE,
            completed_at=at(3, 12),
        )
        self.task(
            "rilis",
            executor=p.kepala_bidang,
            agency=p.other_agency,
            created_at=at(3, 20),
            due_at=at(3, 27),
        )
        # layanan: opened in February, finished on time in March.
        self.task(
            "layanan",
            executor=p.walidata,
            created_at=at(2, 27),
            due_at=at(3, 2),
            status=TaskStatus.DONE,
            completed_at=at(3, 2),
        )
        # produk: cancelled, not overdue; opened in the period.
        self.task("produk", created_at=at(3, 3), due_at=at(3, 5), status=TaskStatus.CANCELLED)
        # outside the period entirely
        self.task("promosi", created_at=at(5, 3), due_at=at(5, 5))

    def test_it_counts_each_activity(self) -> None:
        table = compliance_table(*MARCH)
        json.dumps(table)
        rows = {row["code"]: row for row in table["activities"]}
        self.assertEqual([r["number"] for r in table["activities"]], [1, 2, 3, 4, 5, 6])
        rilis = rows["rilis"]
        self.assertEqual(
            (rilis["opened"], rilis["finished"], rilis["on_time"], rilis["overdue"]), (3, 2, 1, 1)
        )
        self.assertEqual(rilis["on_time_share"], 50.0)
        self.assertEqual(rilis["mean_late_days"], 3.0)
        self.assertEqual(rilis["standard"], "1 minggu")
        self.assertEqual((rows["layanan"]["opened"], rows["layanan"]["finished"]), (0, 1))
        self.assertEqual(rows["layanan"]["mean_late_days"], 0.0)
        self.assertEqual((rows["produk"]["opened"], rows["produk"]["overdue"]), (1, 0))
        self.assertIsNone(rows["produk"]["on_time_share"])
        self.assertFalse(rows["promosi"]["available"])
        self.assertTrue(table["available"])

    def test_the_warning_names_the_activities_without_tasks_and_the_overdue(self) -> None:
        warning = compliance_table(*MARCH)["warning"]
        for name in ("Mempromosikan produk diseminasi", "Menyusun laporan diseminasi"):
            self.assertIn(name, warning)
        self.assertNotIn("Manajemen user support", warning)
        self.assertIn("Manajemen rilis produk diseminasi (1)", warning)

    def test_it_counts_per_person_and_agency(self) -> None:
        table = compliance_table(*MARCH)
        people = {row["name"]: row for row in table["people"]}
        rina = people[self.p.walidata.full_name]
        self.assertEqual((rina["finished"], rina["on_time"]), (3, 2))
        self.assertEqual(people[self.p.kepala_bidang.full_name]["overdue"], 1)
        agencies = {row["name"]: row for row in table["agencies"]}
        self.assertEqual(agencies["Dinas Kesehatan"]["finished"], 2)
        self.assertEqual(agencies["Dinas Pendidikan dan Kebudayaan"]["overdue"], 1)

    def test_an_empty_period_is_not_available(self) -> None:
        table = compliance_table(dt.date(2025, 1, 1), dt.date(2025, 1, 31))
        self.assertFalse(table["available"])
        self.assertTrue(all(row["on_time_share"] is None for row in table["activities"]))
        self.assertIn("Menyusun laporan diseminasi", table["warning"])
