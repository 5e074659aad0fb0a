"""Region pages list the data that has rows for the region; robots.txt and the sitemap show
crawlers what the public may see, whoever asks."""

from __future__ import annotations

from unittest import mock

from django.contrib.auth.models import AnonymousUser

from satudata.catalog.models import Dataset
from satudata.catalog.testing import table_dataset
from satudata.core.models import SiteProfile
from satudata.core.testing import PersonaTestCase
from satudata.portal import crawlers


class RegionDataTests(PersonaTestCase):
    def setUp(self) -> None:
        SiteProfile.objects.update_or_create(
            pk=1,
            defaults={
                "site_name": "Satu Data Pringsewu",
                "regency_name": "Kabupaten Pringsewu",
                "region_code": "18.10",
                "walidata_name": "Diskominfo",
            },
        )
        self.by_kecamatan = table_dataset(
            actor=self.p.walidata,
            agency=self.p.agency,
            name="Jumlah Posyandu",
            columns=[("Kode Wilayah", "region"), ("Jumlah", "int")],
            rows=[["18.10.01", 12], ["18.10.03", 9]],
            publisher=self.p.kepala_bidang,
        )
        self.whole = table_dataset(
            actor=self.p.walidata,
            agency=self.p.agency,
            name="Angka Harapan Hidup",
            columns=[("Tahun", "year"), ("Nilai", "dec")],
            rows=[[2025, 70.5]],
            publisher=self.p.kepala_bidang,
        )
        self.hidden = table_dataset(
            actor=self.p.walidata,
            agency=self.p.agency,
            name="Jumlah Kader",
            columns=[("Kode Wilayah", "region"), ("Jumlah", "int")],
            rows=[["18.10.01", 40]],
        )

    def titles(self, code: str) -> set[str]:
        response = self.client.get(f"/wilayah/{code}/")
        self.assertEqual(response.status_code, 200)
        return {d.title for d in response.context["datasets"]}

    def test_a_kecamatan_lists_the_tables_with_rows_for_it(self) -> None:
        self.assertEqual(self.titles("18.10.01"), {self.by_kecamatan.title})
        self.assertEqual(self.titles("18.10.02"), set())
        self.assertEqual(self.titles("18.10"), {self.by_kecamatan.title, self.whole.title})
        self.client.force_login(self.p.producer)  # its agency sees its unpublished table
        self.assertIn(self.hidden.title, self.titles("18.10.01"))

    def test_the_page_shows_the_list(self) -> None:
        response = self.client.get("/wilayah/18.10.03/")
        self.assertContains(response, self.by_kecamatan.title)
        self.assertNotContains(response, self.hidden.title)


class CrawlerTests(PersonaTestCase):
    def setUp(self) -> None:
        self.public = table_dataset(
            actor=self.p.walidata,
            agency=self.p.agency,
            name="Jumlah Puskesmas",
            columns=[("Kecamatan", "text"), ("Jumlah", "int")],
            rows=[["Pringsewu", 3]],
            publisher=self.p.kepala_bidang,
        )
        self.hidden = table_dataset(
            actor=self.p.walidata,
            agency=self.p.agency,
            name="Jumlah Bidan",
            columns=[("Kecamatan", "text"), ("Jumlah", "int")],
            rows=[["Pringsewu", 4]],
        )

    def test_robots_points_to_the_sitemap_and_keeps_crawlers_off_private_pages(self) -> None:
        text = self.client.get("/robots.txt").content.decode()
        self.assertIn("Sitemap: http://testserver/sitemap.xml", text)
        self.assertIn("Disallow: /akun/", text)

    def test_the_sitemap_lists_public_datasets_even_for_staff(self) -> None:
        self.client.force_login(self.p.walidata)  # sees everything on the portal itself
        index = self.client.get("/sitemap.xml").content.decode()
        self.assertIn("http://testserver/sitemap-halaman.xml", index)
        self.assertIn("http://testserver/sitemap-dataset-1.xml", index)
        body = self.client.get("/sitemap-dataset-1.xml").content.decode()
        self.assertIn(f"/dataset/{self.public.slug}/", body)
        self.assertNotIn(self.hidden.slug, body)
        self.assertIn("/opd/dinkes/", self.client.get("/sitemap-halaman.xml").content.decode())
        self.assertEqual(self.client.get("/sitemap-dataset-2.xml").status_code, 404)

    def test_the_sitemap_is_split_into_files(self) -> None:
        table_dataset(
            actor=self.p.walidata,
            agency=self.p.other_agency,
            name="Jumlah Sekolah",
            columns=[("Kecamatan", "text"), ("Jumlah", "int")],
            rows=[["Pringsewu", 40]],
            publisher=self.p.kepala_bidang,
        )
        public = Dataset.objects.visible_to(AnonymousUser()).count()
        self.assertEqual(public, 2)
        with mock.patch.object(crawlers, "PER_FILE", 1):
            index = self.client.get("/sitemap.xml").content.decode()
            self.assertEqual(index.count("sitemap-dataset-"), 2)
            self.assertEqual(self.client.get("/sitemap-dataset-2.xml").status_code, 200)
            self.assertEqual(self.client.get("/sitemap-dataset-3.xml").status_code, 404)
