from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine
from django.test import TestCase

from satudata.core.testing import PersonaTestCase
from satudata.sop.models import Holiday
from satudata.sop.services import open_task
from satudata.sop.workdays import add_working_days, due_at, working_days_between

WIB = ZoneInfo("Asia/Jakarta")


class WorkingDayTests(TestCase):
    def test_friday_plus_two_working_days_is_tuesday(self) -> None:
        self.assertEqual(add_working_days(dt.date(2026, 3, 6), 2, set()), dt.date(2026, 3, 10))

    def test_a_holiday_on_the_way_is_skipped(self) -> None:
        nyepi = dt.date(2026, 3, 19)  # Thursday
        self.assertEqual(add_working_days(dt.date(2026, 3, 18), 1, {nyepi}), dt.date(2026, 3, 20))

    def test_counting_from_a_saturday_starts_on_monday(self) -> None:
        self.assertEqual(add_working_days(dt.date(2026, 3, 7), 1, set()), dt.date(2026, 3, 9))

    def test_it_counts_working_days_between_two_dates(self) -> None:
        self.assertEqual(working_days_between(dt.date(2026, 3, 6), dt.date(2026, 3, 10), set()), 2)
        self.assertEqual(working_days_between(dt.date(2026, 3, 10), dt.date(2026, 3, 6), set()), -2)

    def test_due_is_the_end_of_the_last_working_day_in_wib(self) -> None:
        Holiday.objects.create(date=dt.date(2026, 3, 9), name="Libur uji")
        # Friday 6 March 2026, 20:00 WIB is still Friday 13:00 UTC: the date is the WIB one.
        start = dt.datetime(2026, 3, 6, 13, 0, tzinfo=dt.UTC)
        self.assertEqual(due_at(start, 2), dt.datetime(2026, 3, 11, 23, 59, tzinfo=WIB))


class TaskDueDateTests(PersonaTestCase):
    def test_a_two_day_product_task_opened_on_friday_with_a_monday_holiday_is_due_wednesday(
        self,
    ) -> None:
        Holiday.objects.create(date=dt.date(2026, 3, 9), name="Libur uji")
        with time_machine.travel(dt.datetime(2026, 3, 6, 9, 30, tzinfo=WIB), tick=False):
            task = open_task(actor=self.p.walidata, step="produk", title="Tabel penduduk")
        self.assertEqual(task.due_at.astimezone(WIB), dt.datetime(2026, 3, 11, 23, 59, tzinfo=WIB))

    def test_one_week_means_five_working_days(self) -> None:
        with time_machine.travel(dt.datetime(2026, 3, 2, 8, 0, tzinfo=WIB), tick=False):
            task = open_task(actor=self.p.walidata, step="rilis", title="Rilis")
        self.assertEqual(task.due_at.astimezone(WIB).date(), dt.date(2026, 3, 9))

    def test_a_step_without_a_printed_standard_uses_the_configured_default(self) -> None:
        with (
            self.settings(SOP_DEFAULT_WORKING_DAYS=3),
            time_machine.travel(dt.datetime(2026, 3, 2, 8, 0, tzinfo=WIB), tick=False),
        ):
            task = open_task(actor=self.p.walidata, step="sinkronisasi", title="Sinkronisasi")
        self.assertEqual(task.due_at.astimezone(WIB).date(), dt.date(2026, 3, 5))

    def test_a_task_becomes_overdue_after_its_due_time(self) -> None:
        with time_machine.travel(dt.datetime(2026, 3, 2, 8, 0, tzinfo=WIB), tick=False):
            task = open_task(actor=self.p.walidata, step="layanan", title="Permintaan data")
        self.assertFalse(task.is_overdue(dt.datetime(2026, 3, 3, 23, 58, tzinfo=WIB)))
        self.assertTrue(task.is_overdue(dt.datetime(2026, 3, 4, 0, 0, tzinfo=WIB)))
