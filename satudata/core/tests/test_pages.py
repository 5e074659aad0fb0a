from __future__ import annotations

from django.test import RequestFactory, TestCase

from satudata.core import views
from satudata.core.testing import PersonaTestCase


class ErrorPageTests(TestCase):
    def test_an_unknown_address_gets_the_indonesian_404_page(self) -> None:
        response = self.client.get("/tidak-ada/")
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, "Halaman tidak ditemukan", status_code=404)
        self.assertContains(response, 'href="/"', status_code=404)

    def test_the_500_page_renders_without_the_database_or_a_stack_trace(self) -> None:
        response = views.server_error(RequestFactory().get("/"))
        self.assertEqual(response.status_code, 500)
        self.assertIn("Terjadi kesalahan di sisi kami", response.content.decode())
        self.assertNotIn("Traceback", response.content.decode())

    def test_the_400_page_says_what_to_do(self) -> None:
        response = views.bad_request(RequestFactory().get("/"))
        self.assertEqual(response.status_code, 400)
        self.assertIn("periksa isian Anda", response.content.decode())


class HomePageTests(PersonaTestCase):
    def test_it_counts_agencies_and_the_regency_s_regions(self) -> None:
        from satudata.core.models import SiteProfile

        SiteProfile.objects.create(
            site_name="Satu Data Uji",
            regency_name="Kabupaten Pringsewu",
            region_code="18.10",
            walidata_name="Diskominfo",
        )
        response = self.client.get("/")
        self.assertEqual(response.context["agency_count"], 4)
        self.assertEqual(response.context["kecamatan_count"], 9)
        self.assertEqual(response.context["village_count"], 131)
        self.assertContains(response, "Satu Data Uji")
        self.assertContains(response, "Manajemen rilis produk diseminasi")
