from __future__ import annotations

from django.test import TestCase

from satudata.accounts.models import Agency, User
from satudata.accounts.roles import Role
from satudata.core.demo import DEMO_PASSWORD, load_demo
from satudata.regions.models import Region
from satudata.sop.models import SopTask


class DemoTests(TestCase):
    def test_it_loads_once_and_a_second_run_adds_nothing(self) -> None:
        first = load_demo()
        self.assertEqual(first["regions"], 142)
        second = load_demo()
        self.assertEqual(
            (second["regions"], second["agencies"], second["tasks"], second["people"]),
            (0, 0, 0, []),
        )
        self.assertEqual(Region.objects.under("18.10").count(), 140)
        self.assertTrue(Agency.objects.filter(is_walidata=True, slug="diskominfo").exists())
        # The dataset pages count the year of sample use the reports show.
        from satudata.catalog.models import Dataset
        from satudata.reports import counts

        viewed = counts.totals(Dataset.objects.values_list("slug", flat=True))
        self.assertTrue(viewed)
        self.assertTrue(all(views > 0 for views, _downloads in viewed.values()))

    def test_it_has_an_account_for_every_role_labelled_as_sample(self) -> None:
        load_demo()
        for role in Role:
            user = User.objects.filter(role=role).first()
            self.assertIsNotNone(user, role)
            assert user is not None
            self.assertIn("data contoh", user.full_name)
            self.assertTrue(user.check_password(DEMO_PASSWORD))

    def test_it_keeps_a_password_the_user_changed(self) -> None:
        load_demo()
        user = User.objects.get(username="walidata")
        user.set_password("sandi-baru-yang-panjang")
        user.save()
        load_demo()
        user.refresh_from_db()
        self.assertTrue(user.check_password("sandi-baru-yang-panjang"))

    def test_its_sample_tasks_include_overdue_work_labelled_as_sample(self) -> None:
        load_demo()
        self.assertTrue(SopTask.objects.overdue().exists())
        # The invented tasks (no subject) say they are samples; tasks the demo's workflows open
        # (an upload, a letter) carry the title of what they are about.
        invented = SopTask.objects.filter(subject_type="")
        self.assertTrue(invented.exists())
        self.assertFalse(invented.exclude(title__contains="data contoh").exists())

    def test_its_statistical_metadata_show_each_review_state(self) -> None:
        from satudata.catalog.models import Activity, Indicator, ReviewStatus, Variable

        load_demo()
        states = {a.review_status for a in Activity.objects.all()}
        self.assertEqual(states, {ReviewStatus.APPROVED, ReviewStatus.RETURNED})
        self.assertFalse(
            Variable.objects.filter(agency__slug="dinkes")
            .exclude(review_status=ReviewStatus.APPROVED)
            .exists()
        )
        indicator = Indicator.objects.get()
        self.assertEqual(indicator.review_status, ReviewStatus.DRAFT)
        self.assertIn("data contoh", indicator.name)
        self.assertFalse(Activity.objects.exclude(title__contains="data contoh").exists())

    def test_its_releases_show_every_state_including_a_date_asked_of_the_kepala_bidang(
        self,
    ) -> None:
        from satudata.releases.models import DateRequest, DateRequestState, Release, ReleaseState

        load_demo()
        states = set(Release.objects.values_list("state", flat=True))
        self.assertLessEqual(
            {ReleaseState.SCHEDULED, ReleaseState.SUBMITTED, ReleaseState.APPROVED}, states
        )
        asked = DateRequest.objects.get(state=DateRequestState.PENDING)
        self.assertIn("data contoh", asked.reason)
        self.assertEqual(asked.release.state, ReleaseState.APPROVED)
        self.client.force_login(User.objects.get(username="kabid"))
        page = self.client.get(f"/rilis/{asked.release.uuid}/")
        self.assertContains(page, "Setujui tanggal dan jadwalkan")

    def test_its_producer_finds_a_filled_page_of_its_own(self) -> None:
        from django.urls import reverse

        load_demo()
        self.client.force_login(User.objects.get(username="dinkes"))
        response = self.client.get(reverse("portal:workspace"))
        for section in ("Jumlah Puskesmas", "puskesmas-", "MS-Keg", "Nota Dinas", "WIB"):
            self.assertContains(response, section)
        self.assertNotContains(response, "Belum ada nota dinas")
        self.assertNotContains(response, "Belum ada unggahan")
        self.assertNotContains(response, "Disdikbud")
