from __future__ import annotations

from datetime import timedelta

import time_machine
from django.test import Client
from django.utils import timezone

from satudata.core.testing import PersonaTestCase
from satudata.products.models import Generation, Product, ProductVersion
from satudata.products.testing import (
    generated_version,
    generator,
    product,
    released_product,
)
from satudata.releases.models import PreReleaseView


class ProductPagesTests(PersonaTestCase):
    table: Product
    version: ProductVersion
    chart: Product
    draft: Product

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        p = cls.p
        cls.table, cls.version = released_product(
            actor=p.walidata,
            kepala_bidang=p.kepala_bidang,
            agency=p.agency,
            title="Jumlah Tenaga Kesehatan",
            description="Tenaga kesehatan menurut kecamatan",
            sector="KESEHATAN",
        )
        cls.chart, _ = released_product(
            actor=p.walidata,
            kepala_bidang=p.kepala_bidang,
            agency=p.other_agency,
            title="Grafik Angka Partisipasi Sekolah",
            kind="grafik",
        )
        cls.draft = product(actor=p.walidata, agency=p.agency, title="Rahasia Draf Gizi")
        generated_version(p.walidata, cls.draft)

    def test_the_list_shows_released_products_by_type_with_search_and_facets(self) -> None:
        response = self.client.get("/produk/")
        self.assertContains(response, "Jumlah Tenaga Kesehatan")
        self.assertContains(response, "Grafik Angka Partisipasi Sekolah")
        self.assertNotContains(response, "Rahasia Draf Gizi")
        only_tables = self.client.get("/produk/?jenis=tabel")
        self.assertContains(only_tables, "Jumlah Tenaga Kesehatan")
        self.assertNotContains(only_tables, "Grafik Angka Partisipasi Sekolah")
        found = self.client.get("/produk/?q=kecamatan")
        self.assertContains(found, "Jumlah Tenaga Kesehatan")
        self.assertNotContains(found, "Grafik Angka")
        by_agency = self.client.get("/produk/?opd=disdikbud")
        self.assertContains(by_agency, "Grafik Angka Partisipasi Sekolah")
        self.assertNotContains(by_agency, "Jumlah Tenaga Kesehatan")
        year = str(timezone.localdate().year)
        self.assertContains(self.client.get(f"/produk/?tahun={year}"), "Jumlah Tenaga")
        self.assertNotContains(self.client.get("/produk/?tahun=1999"), "Jumlah Tenaga")
        self.assertContains(response, 'data-facet="sektor"')
        self.assertContains(self.client.get("/produk/?halaman=abc"), "Jumlah Tenaga")

    def test_the_list_counts_its_queries(self) -> None:
        self.client.get("/produk/")
        with self.assertNumQueries(3):
            self.client.get("/produk/?q=jumlah")

    def test_the_product_page_shows_files_citation_and_versions(self) -> None:
        response = self.client.get("/produk/jumlah-tenaga-kesehatan/")
        self.assertContains(response, "jumlah-tenaga-kesehatan.csv")
        self.assertContains(
            response, "/produk/jumlah-tenaga-kesehatan/v1/berkas/jumlah-tenaga-kesehatan.csv"
        )
        self.assertContains(response, "Dinas Kesehatan. (")
        self.assertContains(response, "Jumlah Tenaga Kesehatan (versi 1) [Tabel]")
        self.assertContains(response, "CSV · 25\xa0bita")  # the file's size, in Indonesian
        self.assertEqual(self.client.get("/produk/jumlah-tenaga-kesehatan/v1/").status_code, 200)

    def test_a_draft_is_not_found_by_the_public_but_seen_by_the_walidata(self) -> None:
        self.assertEqual(self.client.get("/produk/rahasia-draf-gizi/").status_code, 404)
        self.assertEqual(self.client.get("/produk/jumlah-tenaga-kesehatan/v9/").status_code, 404)
        self.assertEqual(
            self.client.get(
                "/produk/rahasia-draf-gizi/v1/berkas/rahasia-draf-gizi.csv"
            ).status_code,
            404,
        )
        self.client.force_login(self.p.walidata)
        response = self.client.get("/produk/rahasia-draf-gizi/")
        self.assertContains(response, "Belum diterbitkan")
        self.assertEqual(PreReleaseView.objects.count(), 0)  # the Walidata works on it

    def test_the_administrator_reading_a_draft_is_logged(self) -> None:
        self.client.force_login(self.p.admin)
        url = "/produk/rahasia-draf-gizi/v1/berkas/rahasia-draf-gizi.csv"
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response["Content-Disposition"])
        self.assertIn('filename="rahasia-draf-gizi.csv"', response["Content-Disposition"])
        self.assertEqual(b"".join(response.streaming_content), b"Pringsewu;12\nGadingrejo;7")  # type: ignore[attr-defined]
        read = PreReleaseView.objects.get()
        self.assertEqual((read.content, read.path), (self.draft.versions.get(), url))

    def test_a_file_download_has_its_name(self) -> None:
        url = "/produk/jumlah-tenaga-kesehatan/v1/berkas/jumlah-tenaga-kesehatan.html"
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/html")
        self.assertIn("jumlah-tenaga-kesehatan.html", response["Content-Disposition"])
        missing = self.client.get("/produk/jumlah-tenaga-kesehatan/v1/berkas/lain.pdf")
        self.assertEqual(missing.status_code, 404)

    def test_the_page_of_work_is_for_composers_and_makes_a_new_version(self) -> None:
        url = "/produk/jumlah-tenaga-kesehatan/kelola/"
        self.assertEqual(self.client.get(url).status_code, 302)
        self.client.force_login(self.p.producer)
        self.assertEqual(self.client.get(url).status_code, 403)
        self.client.force_login(self.p.walidata)
        response = self.client.get(url)
        self.assertContains(response, "tenggat")
        with generator(), self.captureOnCommitCallbacks(execute=True):
            made = self.client.post(
                "/produk/jumlah-tenaga-kesehatan/kelola/buat-versi/", {"catatan": "Data 2025"}
            )
        self.assertRedirects(made, url)
        version = self.table.versions.get(number=2)
        self.assertEqual(version.generation, Generation.DONE)
        self.assertEqual(version.change_note, "Data 2025")
        status = self.client.get("/produk/jumlah-tenaga-kesehatan/kelola/status.json").json()
        self.assertEqual(status["versi"][0]["kemajuan"], 100)
        # The new version waits for its release: the public still reads version 1.
        public = Client().get("/produk/jumlah-tenaga-kesehatan/")
        self.assertNotContains(public, "Data 2025")

    def test_a_scheduled_version_shows_its_calendar_entry_and_nothing_else(self) -> None:
        p = self.p
        at = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
        released_product(
            actor=p.walidata,
            kepala_bidang=p.kepala_bidang,
            agency=p.agency,
            title="Indeks Rahasia Embargo",
            at=at,
        )
        response = self.client.get("/produk/indeks-rahasia-embargo/")
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, "belum dirilis", status_code=404)
        with time_machine.travel(at, tick=False):
            self.assertEqual(Client().get("/produk/indeks-rahasia-embargo/").status_code, 200)
        self.assertTrue(Product.objects.filter(slug="indeks-rahasia-embargo").exists())
        self.assertTrue(ProductVersion.objects.filter(product__slug="indeks-rahasia-embargo"))

    def test_errata_show_on_the_page_and_a_withdrawn_product_leaves_a_notice(self) -> None:
        from satudata.releases import services
        from satudata.releases.models import Release

        release = Release.objects.for_content(self.version).get()
        services.add_erratum(
            actor=self.p.walidata,
            release=release,
            note="Angka Gadingrejo salah ketik",
            significant=True,
        )
        self.assertContains(
            self.client.get("/produk/jumlah-tenaga-kesehatan/"), "Angka Gadingrejo salah ketik"
        )
        services.withdraw_release(
            actor=self.p.kepala_bidang, release=release, reason="Sumber data ditarik OPD"
        )
        gone = self.client.get("/produk/jumlah-tenaga-kesehatan/")
        self.assertContains(gone, "Sumber data ditarik OPD", status_code=410)
        file = self.client.get(
            "/produk/jumlah-tenaga-kesehatan/v1/berkas/jumlah-tenaga-kesehatan.csv"
        )
        self.assertEqual(file.status_code, 404)
        self.assertNotContains(self.client.get("/produk/"), "Jumlah Tenaga Kesehatan")
