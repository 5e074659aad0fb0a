from __future__ import annotations

import importlib.util
import io
import unittest

import pypdf
from django.core.files.storage import default_storage
from django.test import TestCase
from django.utils import timezone

from satudata.core.demo import load_demo
from satudata.products.demo import SLUG, load_sample_publication
from satudata.products.models import Product

HAS_GENERATION = importlib.util.find_spec("satudata.products.generation") is not None


@unittest.skipUnless(HAS_GENERATION, "needs the products' generation module (issue 18, part A)")
class DemoPublicationTests(TestCase):
    def test_the_demo_dalam_angka_is_generated_released_and_says_sample_data(self) -> None:
        load_demo()
        year = timezone.localdate().year
        self.assertEqual(load_sample_publication(year), 1)
        self.assertEqual(load_sample_publication(year), 0)  # once only
        product = Product.objects.get(slug=SLUG)
        self.assertIn("data contoh", product.title)
        self.assertGreaterEqual(product.chapters.count(), 5)
        version = product.versions.get()
        self.assertEqual(version.generation, "selesai", version.generation_error)
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
        self.assertEqual(sorted(version.files.values_list("format", flat=True)), ["docx", "pdf"])
