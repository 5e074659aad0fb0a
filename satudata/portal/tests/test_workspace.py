from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from satudata.accounts.models import Notification
from satudata.core.testing import PersonaTestCase
from satudata.portal.tests.workspace_world import World, build_world
from satudata.releases.services import plan_entry
from satudata.sop.models import SopTask
from satudata.sop.services import open_task


class WorkspaceTests(PersonaTestCase):
    world: World

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.world = build_world(cls.p)

    def _page(self) -> str:
        self.client.force_login(self.p.producer)
        response = self.client.get(reverse("portal:workspace"))
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_it_shows_the_agency_s_items_uploads_metadata_letters_releases_and_tasks(self) -> None:
        page = self._page()
        for text in (
            "Jumlah Puskesmas",  # an item without data
            "Belum ada data",
            "Jumlah Bidan",  # a synchronised item, its upload and its release
            "Sinkron",
            reverse("catalog:upload-report", args=[self.p.agency.datasets.get().uploads.get().pk]),
            "Kompilasi Jumlah Bidan 2026",  # the MS-Keg BPS returned, with its comment
            "Dikembalikan dengan catatan",
            "Lengkapi blok III (Dinkes).",
            self.world.letter.number,
            "Jumlah Bidan 2026",
            "Layanan data Dinkes",
        ):
            self.assertIn(text, page)

    def test_it_never_shows_another_agency_s_work(self) -> None:
        page = self._page()
        self.assertNotIn("RAHASIA", page)
        self.assertNotIn("Disdik", page)

    def test_it_is_for_producers_only(self) -> None:
        url = reverse("portal:workspace")
        self.assertEqual(self.client.get(url).status_code, 302)
        for person in (self.p.walidata, self.p.pembina, self.p.kepala_bidang):
            self.client.force_login(person)
            self.assertEqual(self.client.get(url).status_code, 403)

    def test_the_menu_links_the_page_and_the_letters_for_a_producer(self) -> None:
        page = self._page()
        self.assertIn(f'href="{reverse("portal:workspace")}"', page)
        self.assertIn(f'href="{reverse("catalog:letter-list")}"', page)

    def test_the_page_reads_in_the_same_number_of_queries_for_more_work(self) -> None:
        self.client.force_login(self.p.producer)
        url = reverse("portal:workspace")
        self.client.get(url)  # warm the session
        with CaptureQueriesContext(connection) as before:
            self.client.get(url)
        for n in range(3):
            plan_entry(
                actor=self.p.walidata,
                title=f"Rilis tambahan {n}",
                agency=self.p.agency,
                planned_at=timezone.now() + timedelta(days=60 + n),
            )
            open_task(actor=None, step="layanan", title=f"Tugas {n}", agency=self.p.agency)
        with CaptureQueriesContext(connection) as after:
            self.assertContains(self.client.get(url), "Rilis tambahan 2")
        self.assertEqual(len(after), len(before))


class NoticeTests(PersonaTestCase):
    world: World

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.world = build_world(cls.p)

    def test_a_bps_decision_and_a_nota_dinas_reach_the_agency_s_inbox(self) -> None:
        titles = list(
            Notification.objects.filter(user=self.p.producer).values_list("title", flat=True)
        )
        self.assertIn(f"MS-Keg dikembalikan: {self.world.activity}", titles)
        self.assertIn(f"Nota Dinas {self.world.letter.number}: {self.world.letter.subject}", titles)
        # Another agency's news stays in its own inbox.
        self.assertFalse(
            Notification.objects.filter(user=self.p.producer, title__contains="RAHASIA").exists()
        )

    def test_the_menu_counts_unread_notices_and_opening_one_marks_it_read(self) -> None:
        self.client.force_login(self.p.producer)
        page = self.client.get(reverse("portal:workspace")).content.decode()
        self.assertIn('<span class="badge">2</span>', page)
        notice = Notification.objects.get(
            user=self.p.producer, title__startswith="MS-Keg dikembalikan"
        )
        response = self.client.get(reverse("accounts:notification-open", args=[notice.pk]))
        self.assertRedirects(
            response,
            reverse("catalog:metadata-detail", args=["kegiatan", self.world.activity.pk]),
            fetch_redirect_response=False,
        )
        notice.refresh_from_db()
        self.assertIsNotNone(notice.read_at)
        page = self.client.get(reverse("portal:workspace")).content.decode()
        self.assertIn('<span class="badge">1</span>', page)

    def test_nobody_opens_another_person_s_notice(self) -> None:
        notice = Notification.objects.filter(user=self.p.producer).first()
        assert notice is not None
        self.client.force_login(self.p.other_producer)
        response = self.client.get(reverse("accounts:notification-open", args=[notice.pk]))
        self.assertEqual(response.status_code, 404)
        notice.refresh_from_db()
        self.assertIsNone(notice.read_at)

    def test_a_notice_never_leads_off_the_site(self) -> None:
        notice = Notification.objects.create(
            user=self.p.producer, title="x", url="//evil.example/phish"
        )
        self.client.force_login(self.p.producer)
        response = self.client.get(reverse("accounts:notification-open", args=[notice.pk]))
        self.assertRedirects(
            response, reverse("accounts:notifications"), fetch_redirect_response=False
        )


class ProducerTaskTests(PersonaTestCase):
    world: World

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.world = build_world(cls.p)

    def test_a_producer_sees_only_its_agency_s_tasks(self) -> None:
        self.client.force_login(self.p.producer)
        response = self.client.get(reverse("sop:dashboard"))
        self.assertContains(response, "Layanan data Dinkes")
        self.assertNotContains(response, "Disdik")
        other = SopTask.objects.get(title="Layanan data Disdik")
        self.assertEqual(
            self.client.get(reverse("sop:task-detail", args=[other.pk])).status_code, 404
        )

    def test_a_producer_reads_its_task_but_cannot_change_it(self) -> None:
        self.client.force_login(self.p.producer)
        url = reverse("sop:task-detail", args=[self.world.task.pk])
        response = self.client.get(url)
        self.assertContains(response, "Layanan data Dinkes")
        self.assertNotContains(response, 'name="action"')
        response = self.client.post(url, {"action": "complete", "note": "selesai"})
        self.assertEqual(response.status_code, 403)
        self.world.task.refresh_from_db()
        self.assertTrue(self.world.task.is_open)

    def test_the_pembina_still_has_no_task_page(self) -> None:
        self.client.force_login(self.p.pembina)
        self.assertEqual(self.client.get(reverse("sop:dashboard")).status_code, 403)
