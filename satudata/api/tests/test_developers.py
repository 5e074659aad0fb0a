from __future__ import annotations

from django.test import override_settings
from django.urls import reverse

from satudata.catalog.testing import table_dataset
from satudata.core.testing import PersonaTestCase


class DeveloperPageTests(PersonaTestCase):
    @override_settings(ALLOWED_HOSTS=["data.example.go.id"])
    def test_it_lists_every_channel_with_this_site_s_address(self) -> None:
        response = self.client.get(reverse("api:developers"), HTTP_HOST="data.example.go.id")
        self.assertEqual(response.status_code, 200)
        for text in (
            "http://data.example.go.id/api/v1/",
            reverse("api-v1:openapi-view"),
            "http://data.example.go.id/api/3/action/package_search",
            "http://data.example.go.id/catalog.jsonld",
            "http://data.example.go.id/data.json",
            "http://data.example.go.id/rilis.rss",
            "http://data.example.go.id/jadwal-rilis.ics",
            "Authorization: Bearer",
            "import requests",
            "library(httr2)",
            "library(jsonlite)",
        ):
            self.assertContains(response, text)

    @override_settings(
        RATE_LIMIT_ENABLED=True,
        RATE_LIMITS={"api": "300/m", "search": "120/10m", "forms": "off"},
        DATASTORE_MAX_ROWS=32000,
    )
    def test_it_states_the_limits_in_force(self) -> None:
        response = self.client.get(reverse("api:developers"))
        self.assertContains(response, "300 permintaan per menit")
        self.assertContains(response, "120 permintaan per 10 menit")
        self.assertContains(response, "tanpa batas")
        self.assertContains(response, "32000")

    @override_settings(RATE_LIMIT_ENABLED=False)
    def test_it_says_so_when_limits_are_off(self) -> None:
        response = self.client.get(reverse("api:developers"))
        self.assertNotContains(response, "permintaan per menit")
        self.assertContains(response, "tanpa batas")

    def test_the_examples_use_a_dataset_anyone_may_read(self) -> None:
        dataset = table_dataset(
            actor=self.p.producer,
            agency=self.p.agency,
            name="Jumlah Bidan",
            columns=[("Kecamatan", "text"), ("Jumlah", "int")],
            rows=[["Pringsewu", 4]],
            publisher=self.p.kepala_bidang,
        )
        response = self.client.get(reverse("api:developers"))
        self.assertContains(response, f"/api/v1/datasets/{dataset.slug}/data?limit=100")

    def test_every_page_links_it_from_the_footer(self) -> None:
        response = self.client.get(reverse("portal:home"))
        self.assertContains(response, f'href="{reverse("api:developers")}"')
