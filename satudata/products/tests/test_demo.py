"""The demo's products: a table of each demo dataset, three charts, two infographics and the
"Dalam Angka" publication, generated and released, one infographic scheduled under embargo."""

from __future__ import annotations

import io
from collections import Counter

import pypdf
from django.core.files.storage import default_storage
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from satudata.core.demo import load_demo
from satudata.products.demo import SLUG, load_sample_products
from satudata.products.models import Product, ProductVersion


class DemoProductTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        load_demo()

    def test_every_kind_is_there_generated_and_labelled_sample_data(self) -> None:
        kinds = Counter(Product.objects.values_list("kind", flat=True))
        self.assertGreaterEqual(kinds["tabel"], 5)
        self.assertGreaterEqual(kinds["grafik"], 3)
        self.assertEqual(kinds["infografis"], 2)
        # The publication, and the Laporan Diseminasi the demo's monthly report was published as.
        self.assertEqual(kinds["publikasi"], 2)
        for product in Product.objects.all():
            self.assertIn("data contoh", product.title.lower())
        failed = ProductVersion.objects.exclude(generation="selesai")
        self.assertFalse(failed.exists(), [v.generation_error for v in failed])
        self.assertEqual(load_sample_products(timezone.localdate().year), 0)  # once only

    def test_one_infographic_is_under_embargo_and_the_rest_is_out(self) -> None:
        now = timezone.now()
        waiting = ProductVersion.objects.filter(published_at__gt=now)
        self.assertEqual([v.product.kind for v in waiting], ["infografis"])
        # The Laporan Diseminasi waits on the release desk (submitted, not yet scheduled).
        report = ProductVersion.objects.get(product__slug="laporan-diseminasi")
        self.assertIsNone(report.published_at)
        self.assertEqual(ProductVersion.objects.released(now).count(), Product.objects.count() - 2)
        from satudata.catalog.models import DatasetVersion

        for version in ProductVersion.objects.released(now):  # no released product shows data
            read = version.sources.exclude(pk__in=DatasetVersion.objects.published(now))
            self.assertFalse(read.exists(), f"{version} reads {list(read)} before its release")
        hidden = waiting.get().product
        self.assertEqual(self.client.get(reverse("products:list")).status_code, 200)
        self.assertNotContains(self.client.get(reverse("products:list")), hidden.title)

    def test_the_dalam_angka_pdf_says_sample_data_and_prints_its_tables(self) -> None:
        version = Product.objects.get(slug=SLUG).versions.get()
        self.assertIsNotNone(version.published_at)
        pdf = version.files.get(format="pdf")
        with default_storage.open(pdf.path) as stored:
            text = "\n".join(
                p.extract_text() for p in pypdf.PdfReader(io.BytesIO(stored.read())).pages
            )
        self.assertIn("DATA CONTOH", text)
        self.assertIn("Kependudukan", text)
        self.assertIn("Tabel 2.1", text)
        self.assertIn("Gambar / Figure 2.1", text)  # English labels beside the Indonesian
