from __future__ import annotations

from django.urls import reverse

from satudata.core.testing import PersonaTestCase
from satudata.sop import services
from satudata.sop.models import SopDocument, TaskStatus


class SopPageTests(PersonaTestCase):
    def test_it_shows_the_official_table_to_the_public(self) -> None:
        response = self.client.get(reverse("sop:sop"))
        self.assertContains(response, "Sinkronisasi antara data dengan metadata")
        self.assertContains(response, "075/")
        self.assertContains(response, "Moudyary Nadiyah")
        self.assertContains(response, "1 minggu")
        self.assertContains(response, "Daftar produk diseminasi")
        self.assertNotContains(response, reverse("sop:sop-revise"))

    def test_the_administrator_revises_through_the_form(self) -> None:
        self.client.force_login(self.p.admin)
        form = self.client.get(reverse("sop:sop-revise"))
        data = {**form.context["header"].initial}
        data.update(
            {
                "made_on": "2024-07-22",
                "revised_on": "2026-01-05",
                "revision_note": "Uji revisi",
                "legal_basis_text": "UU 16/1997",
            }
        )
        data = {k: v for k, v in data.items() if k in form.context["header"].fields}
        formset = form.context["formset"]
        data.update({"steps-TOTAL_FORMS": "6", "steps-INITIAL_FORMS": "6"})
        for i, step_form in enumerate(formset.forms):
            for name in step_form.fields:
                value = step_form.initial.get(name)
                if name == "executors" or value is not None:
                    data[f"steps-{i}-{name}"] = value
        data["steps-1-time_standard"] = "3 hari"
        data["steps-1-working_days"] = "3"
        response = self.client.post(reverse("sop:sop-revise"), data)
        self.assertRedirects(response, reverse("sop:sop"))
        current = SopDocument.current()
        assert current is not None
        self.assertEqual(current.revision, 2)
        self.assertEqual(services.current_step("produk").working_days, 3)
        page = self.client.get(reverse("sop:sop"))
        self.assertContains(page, reverse("sop:sop-revision", args=[1]))

    def test_a_revision_dated_before_it_was_made_is_refused(self) -> None:
        self.client.force_login(self.p.admin)
        response = self.client.post(
            reverse("sop:sop-revise"), {"made_on": "2024-07-22", "revised_on": "2020-01-01"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(SopDocument.objects.count(), 1)


class DashboardTests(PersonaTestCase):
    def test_it_counts_open_and_overdue_tasks_per_step_and_person(self) -> None:
        import datetime as dt

        import time_machine

        with time_machine.travel(dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC), tick=False):
            services.open_task(actor=None, step="layanan", title="Lama", executor=self.p.walidata)
        services.open_task(actor=None, step="layanan", title="Baru", executor=self.p.walidata)
        services.open_task(actor=None, step="rilis", title="Rilis", executor=self.p.kepala_bidang)
        self.client.force_login(self.p.kepala_bidang)
        # session, user, unassigned count, site profile, unread notifications, steps, people,
        # tasks: a fixed number however many tasks there are.
        with self.assertNumQueries(8):
            response = self.client.get(reverse("sop:dashboard"))
        steps = {s.code: s for s in response.context["steps"]}
        self.assertEqual((steps["layanan"].open_count, steps["layanan"].overdue_count), (2, 1))
        people = {u.username: u for u in response.context["people"]}
        self.assertEqual(people["rina.walidata"].overdue_count, 1)
        filtered = self.client.get(reverse("sop:dashboard"), {"terlambat": "1"})
        self.assertEqual([t.title for t in filtered.context["tasks"]], ["Lama"])

    def test_the_executor_marks_a_task_done_from_its_page(self) -> None:
        task = services.open_task(actor=None, step="layanan", title="P", executor=self.p.walidata)
        self.client.force_login(self.p.walidata)
        url = reverse("sop:task-detail", args=[task.pk])
        response = self.client.post(url, {"action": "complete", "note": "Sudah dijawab"})
        self.assertRedirects(response, url)
        task.refresh_from_db()
        self.assertEqual(task.status, TaskStatus.DONE)

    def test_cancelling_needs_a_reason(self) -> None:
        task = services.open_task(actor=None, step="layanan", title="P", executor=self.p.walidata)
        self.client.force_login(self.p.kepala_bidang)
        response = self.client.post(
            reverse("sop:task-detail", args=[task.pk]), {"action": "cancel", "note": ""}
        )
        self.assertEqual(response.status_code, 400)
        task.refresh_from_db()
        self.assertEqual(task.status, TaskStatus.OPEN)
