"""The public gets no cookie, so a dataset page can be kept rendered for it; a kept page never
outlives what the gate lets in (a release due now shows at once, with no job) nor an edit of
the dataset, and nobody with a cookie or a token is served one."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from satudata.catalog.demo import send_table
from satudata.catalog.models import Dataset
from satudata.catalog.services import describe_dataset
from satudata.catalog.testing import published_table
from satudata.core.testing import PersonaTestCase
from satudata.portal import views
from satudata.releases.testing import release


class PageCacheTests(PersonaTestCase):
    dataset: Dataset

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.dataset = published_table(
            cls.p,
            "Jumlah Posyandu",
            [["Pringsewu", 40], ["Ambarawa", 25]],
            published_at=timezone.now() - timedelta(days=1),
        )

    def setUp(self) -> None:
        cache.clear()
        self.url = reverse("portal:dataset", args=[self.dataset.slug])

    def visit(self, url: str = "") -> tuple[str, int]:
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url or self.url)
        self.assertEqual(response.status_code, 200)
        return response.content.decode(), len(queries)

    def test_public_pages_set_no_cookie_and_the_language_switch_needs_no_token(self) -> None:
        for url in [reverse("portal:home"), reverse("portal:search"), self.url]:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            self.assertEqual(dict(response.cookies), {}, url)
        strict = Client(enforce_csrf_checks=True)
        switched = strict.post(reverse("set_language"), {"language": "en", "next": self.url})
        self.assertRedirects(switched, self.url, fetch_redirect_response=False)
        self.assertEqual(switched.cookies["django_language"].value, "en")

    def test_a_kept_page_is_served_without_rendering_it_again(self) -> None:
        with mock.patch.object(views, "_dataset_page", wraps=views._dataset_page) as render:
            first, rendering = self.visit()
            second, kept = self.visit()
            self.assertEqual(render.call_count, 1)
            self.assertEqual(first, second)
            self.assertLess(kept, rendering)
            # A visitor with a cookie (signed in, a message waiting) is rendered afresh.
            self.client.cookies["sessionid"] = "not-a-session"
            self.visit()
            self.assertEqual(render.call_count, 2)

    def test_a_release_due_now_shows_at_once_through_a_kept_page(self) -> None:
        soon = timezone.now() + timedelta(days=2)
        send_table(self.p.walidata, self.dataset, "Kecamatan;Jumlah\nPringsewu;41\nAmbarawa;26")
        release(self.dataset.versions.get(number=2), kepala_bidang=self.p.kepala_bidang, at=soon)
        first = reverse("portal:dataset-version", args=[self.dataset.slug, 1])
        with time_machine.travel(soon - timedelta(seconds=1)):
            before, _queries = self.visit()
            self.visit()  # kept
            old_before, _queries = self.visit(first)
        self.assertIn("(versi 1)", before)
        self.assertNotIn("/v2/", before + old_before)
        with time_machine.travel(soon):
            after, _queries = self.visit()
            old_after, _queries = self.visit(first)
        self.assertIn("(versi 2)", after)
        # Version 1's own page, kept before, now lists version 2 and says it is not the newest.
        self.assertIn("/v2/", old_after)

    def test_an_edit_of_the_dataset_shows_at_once(self) -> None:
        self.visit()
        describe_dataset(
            actor=self.p.walidata,
            dataset=self.dataset,
            title="Jumlah Posyandu Aktif",
            description="",
            sector="KESEHATAN",
            license_id=self.dataset.license_id,
            tags=["posyandu"],
            topics=[],
        )
        page, _queries = self.visit()
        self.assertIn("Jumlah Posyandu Aktif", page)
        self.assertIn("posyandu", page)

    def test_nothing_is_kept_when_the_setting_is_zero(self) -> None:
        with (
            self.settings(PAGE_CACHE_SECONDS=0),
            mock.patch.object(views, "_dataset_page", wraps=views._dataset_page) as render,
        ):
            self.visit()
            self.visit()
        self.assertEqual(render.call_count, 2)
