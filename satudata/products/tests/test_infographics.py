from __future__ import annotations

import io
import struct
from datetime import timedelta
from typing import Any
from unittest import mock

from django.test import override_settings
from django.utils import timezone
from pypdf import PdfReader

from satudata.core.models import SiteProfile
from satudata.core.testing import PersonaTestCase
from satudata.products import infographics
from satudata.products.errors import ProductError
from satudata.products.models import Product, ProductKind, ProductVersion
from satudata.products.tests.chart_cubes import population_cube

SPEC: dict[str, Any] = {
    "template": "square",
    "title": "Penduduk Kabupaten Pringsewu 2025",
    "headlines": [
        {"label": "Jumlah penduduk", "total": ["wilayah", "jk"]},
        {"label": "Penduduk Pringsewu", "filter": {"wilayah": "18.10.01"}, "total": ["jk"]},
    ],
    "charts": [{"mark": "bar", "x": "wilayah", "color": "jk", "title": "Menurut kecamatan"}],
    "alt_text": "Jumlah penduduk naik; Pagelaran Utara terbanyak.",
}


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


class InfographicTestCase(PersonaTestCase):
    table: Product

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        SiteProfile.objects.create(
            site_name="Satu Data Pringsewu",
            regency_name="Kabupaten Pringsewu",
            walidata_name="Dinas Komunikasi dan Informatika",
        )
        cls.table = Product.objects.create(
            kind=ProductKind.TABLE,
            slug="penduduk-kecamatan",
            title="Jumlah Penduduk menurut Kecamatan (data contoh)",
            agency=cls.p.walidata_agency,
        )
        ProductVersion.objects.create(
            product=cls.table, number=1, published_at=timezone.now() - timedelta(days=1)
        )

    def setUp(self) -> None:
        patcher = mock.patch(
            "satudata.products.charts.table_cube", side_effect=lambda v: population_cube()
        )
        patcher.start()
        self.addCleanup(patcher.stop)

    def infographic(self, **spec: Any) -> ProductVersion:
        product = Product.objects.create(
            kind=ProductKind.INFOGRAPHIC,
            slug=f"infografis-{Product.objects.count()}",
            title="Infografis Penduduk",
            agency=self.p.walidata_agency,
            source=self.table,
        )
        return ProductVersion.objects.create(product=product, number=1, spec={**SPEC, **spec})


@override_settings(LANGUAGE_CODE="id")
class HeadlineTests(PersonaTestCase):
    def test_it_sums_the_newest_period_and_compares_it_with_the_one_before(self) -> None:
        figure = infographics.headline(
            population_cube(), {"label": "Penduduk", "total": ["wilayah", "jk"]}
        )
        # 2025: sum over 9 kecamatan of (1000(r+1)+80) + (1000(r+1)+90); 2024: 40 fewer each.
        self.assertEqual(figure.value, 2 * 45000 + 9 * 170)
        self.assertEqual(figure.previous, 2 * 45000 + 9 * 90)
        self.assertEqual((figure.period, figure.previous_period), ("2025", "2024"))
        text, direction = infographics.change_text(figure)
        self.assertEqual(direction, "naik")
        self.assertEqual(text, "▲ naik 0,8% dibanding 2024")

    def test_it_says_a_fall_and_leaves_the_change_out_without_a_previous_period(self) -> None:
        cube = population_cube()
        cube.values = list(reversed(cube.values))
        figure = infographics.headline(cube, {"label": "Penduduk", "total": ["wilayah", "jk"]})
        self.assertEqual(infographics.change_text(figure)[1], "turun")
        one_year = {"label": "Penduduk", "total": ["wilayah", "jk"]}
        cube = population_cube()
        cube.dimensions[1].categories = cube.dimensions[1].categories[:1]
        cube.values = cube.values[:2] + cube.values[6:8]  # 2 kecamatan × 2023 × 2 sexes
        cube.dimensions[0].categories = cube.dimensions[0].categories[:2]
        figure = infographics.headline(cube, one_year)
        self.assertEqual((figure.period, figure.previous_period), ("2023", ""))
        self.assertEqual(infographics.change_text(figure), ("", ""))

    def test_it_writes_numbers_the_indonesian_way(self) -> None:
        self.assertEqual(infographics.id_number(444834), "444.834")
        self.assertEqual(infographics.id_number(12.5, 1), "12,5")


class InfographicFileTests(InfographicTestCase):
    def test_it_typesets_a_square_png_of_1080_pixels_and_a_pdf_with_the_figures(self) -> None:
        progress = mock.Mock()
        files = {f.format: f for f in infographics.files_for(self.infographic(), progress)}
        self.assertEqual(png_size(bytes(files["png"].content)), (1080, 1080))
        text = pdf_text(bytes(files["pdf"].content))
        self.assertIn("Kabupaten Pringsewu", text)
        self.assertIn("91.530", text)  # the headline figure, Indonesian thousands
        self.assertIn("dibanding 2024", text)
        self.assertIn("DATA CONTOH", text)  # the table is sample data
        progress.assert_called()

    def test_it_typesets_an_a4_page(self) -> None:
        files = {
            f.format: f
            for f in infographics.files_for(self.infographic(template="a4"), mock.Mock())
        }
        reader = PdfReader(io.BytesIO(bytes(files["pdf"].content)))
        self.assertEqual(len(reader.pages), 1)
        box = reader.pages[0].mediabox
        self.assertAlmostEqual(float(box.width), 595.3, delta=1)
        self.assertAlmostEqual(float(box.height), 841.9, delta=1)

    def test_it_leaves_the_sample_label_off_real_data(self) -> None:
        self.table.title = "Jumlah Penduduk menurut Kecamatan"
        self.table.save()
        cube = population_cube()
        cube.source = "Dinas Kependudukan dan Pencatatan Sipil"
        with mock.patch("satudata.products.charts.table_cube", return_value=cube):
            page, _files = infographics.content(self.infographic())
        self.assertFalse(page["sample"])

    def test_it_refuses_an_infographic_without_alt_text(self) -> None:
        with self.assertRaises(ProductError) as caught:
            infographics.files_for(self.infographic(alt_text=""), mock.Mock())
        self.assertEqual(caught.exception.field, "alt_text")

    def test_it_refuses_a_table_with_no_released_version(self) -> None:
        ProductVersion.objects.filter(product=self.table).update(published_at=None)
        with self.assertRaises(ProductError) as caught:
            infographics.files_for(self.infographic(), mock.Mock())
        self.assertEqual(caught.exception.field, "headlines")

    def test_it_refuses_three_charts_and_a_headline_without_a_name(self) -> None:
        chart = SPEC["charts"][0]
        for spec, field in (
            ({"charts": [chart, chart, chart]}, "charts"),
            ({"headlines": [{"total": ["jk"]}]}, "headlines"),
            ({"template": "poster"}, "template"),
        ):
            with self.subTest(field=field), self.assertRaises(ProductError) as caught:
                infographics.content(self.infographic(**spec))
            self.assertEqual(caught.exception.field, field)


class InfographicLinkTests(InfographicTestCase):
    def test_its_qr_code_leads_to_the_dataset_the_table_reads(self) -> None:
        from satudata.catalog.testing import table_dataset

        dataset = table_dataset(
            actor=self.p.producer,
            agency=self.p.agency,
            name="Jumlah Penduduk menurut Kecamatan (data contoh)",
            columns=[("Kecamatan", "text"), ("Jumlah", "int")],
            rows=[["Pringsewu", 4]],
        )
        self.table.versions.get().sources.add(dataset.versions.get())
        self.table.title = "Jumlah Penduduk"
        self.table.save()
        cube = population_cube()
        cube.source = "Disdukcapil"
        with mock.patch("satudata.products.charts.table_cube", return_value=cube):
            page, files = infographics.content(self.infographic())
        self.assertTrue(page["link_text"].endswith(f"/dataset/{dataset.slug}/"))
        self.assertIn("<svg", files["qr.svg"])
        self.assertTrue(page["sample"])  # the dataset is sample data

    def test_it_is_built_from_the_datasets_of_every_table_it_reads(self) -> None:
        from satudata.catalog.testing import table_dataset

        other = Product.objects.create(
            kind=ProductKind.TABLE, slug="sekolah", title="Sekolah", agency=self.p.agency
        )
        other_version = ProductVersion.objects.create(
            product=other, number=1, published_at=timezone.now() - timedelta(days=1)
        )
        made = [
            table_dataset(
                actor=self.p.producer,
                agency=self.p.agency,
                name=name,
                columns=[("Kecamatan", "text"), ("Jumlah", "int")],
                rows=[["Pringsewu", 4]],
            ).versions.get()
            for name in ("Penduduk", "Sekolah")
        ]
        self.table.versions.get().sources.add(made[0])
        other_version.sources.add(made[1])
        version = self.infographic(charts=[{"table": "sekolah", "mark": "bar", "x": "wilayah"}])
        product = version.product
        product.spec = version.spec
        self.assertEqual(
            sorted(v.pk for v in infographics.sources_for(product, self.p.walidata)),
            sorted(v.pk for v in made),
        )
