from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest import mock

from django.template.loader import render_to_string
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from satudata.core.models import SiteProfile
from satudata.core.testing import PersonaTestCase
from satudata.products.models import Product, ProductFile, ProductKind, ProductVersion
from satudata.products.tests.chart_cubes import population_cube
from satudata.sop.models import SopTask

CHART_NEW = "product_charts:chart-new"
INFOGRAPHIC_NEW = "product_charts:infographic-new"
CHART_POST: dict[str, Any] = {
    "title": "Penduduk per Kecamatan 2025",
    "mark": "bar",
    "x": "wilayah",
    "color": "jk",
    "unit": "jiwa",
    "source": "Disdukcapil",
    "alt_text": "Pagelaran Utara berpenduduk terbanyak.",
    "held_tahun": "2024",
}


@override_settings(ROOT_URLCONF="satudata.products.tests.urls_for_parts")
class ComposeTestCase(PersonaTestCase):
    table: Product

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        SiteProfile.objects.create(
            site_name="Satu Data Pringsewu",
            regency_name="Kabupaten Pringsewu",
            walidata_name="Diskominfo",
        )
        cls.table = Product.objects.create(
            kind=ProductKind.TABLE,
            slug="penduduk-kecamatan",
            title="Jumlah Penduduk menurut Kecamatan",
            agency=cls.p.agency,
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


class ChartFormTests(ComposeTestCase):
    def url(self) -> str:
        return reverse(CHART_NEW) + "?tabel=penduduk-kecamatan"

    def test_it_offers_the_released_tables_and_then_their_dimensions(self) -> None:
        self.client.force_login(self.p.walidata)
        page = self.client.get(reverse(CHART_NEW))
        self.assertContains(page, '<option value="penduduk-kecamatan">')
        page = self.client.get(self.url())
        self.assertContains(page, '<option value="wilayah">Kecamatan</option>', html=True)
        self.assertContains(page, 'name="held_tahun"')

    def test_it_previews_the_chart_drawn_on_the_server(self) -> None:
        self.client.force_login(self.p.walidata)
        page = self.client.post(self.url(), {**CHART_POST, "preview": "1"})
        self.assertContains(page, 'src="data:image/svg+xml;base64,')
        self.assertContains(page, 'alt="Pagelaran Utara berpenduduk terbanyak."')
        self.assertFalse(Product.objects.filter(kind=ProductKind.CHART).exists())

    def test_it_saves_the_chart_as_a_product_drawn_from_the_table(self) -> None:
        self.client.force_login(self.p.walidata)
        page = self.client.post(self.url(), {**CHART_POST, "save": "1"})
        chart = Product.objects.get(kind=ProductKind.CHART)
        self.assertRedirects(
            page, reverse("products:manage", args=[chart.slug]), fetch_redirect_response=False
        )
        self.assertEqual(chart.source, self.table)
        self.assertEqual(chart.agency, self.p.agency)
        self.assertEqual(chart.alt_text, CHART_POST["alt_text"])
        self.assertEqual(chart.spec["filter"], {"tahun": "2024"})
        self.assertEqual(chart.spec["color"], "jk")
        self.assertTrue(SopTask.objects.filter(title__contains=chart.title).exists())

    def test_it_refuses_a_chart_it_cannot_draw_at_the_field(self) -> None:
        self.client.force_login(self.p.walidata)
        for changes, field in (
            ({"alt_text": ""}, "alt_text"),
            ({"mark": "pyramid", "x": "tahun", "color": "wilayah"}, "color"),
            ({"mark": "tile-map", "x": "jk"}, "x"),
        ):
            with self.subTest(field=field):
                page = self.client.post(self.url(), {**CHART_POST, **changes, "save": "1"})
                self.assertEqual(page.status_code, 200)
                self.assertIn(field, page.context["form"].errors)
        self.assertFalse(Product.objects.filter(kind=ProductKind.CHART).exists())

    def test_it_is_for_those_who_compose_products(self) -> None:
        self.client.force_login(self.p.producer)
        self.assertEqual(self.client.get(self.url()).status_code, 403)


class InfographicFormTests(ComposeTestCase):
    chart: Product

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.chart = Product.objects.create(
            kind=ProductKind.CHART,
            slug="grafik-penduduk",
            title="Penduduk per Kecamatan",
            agency=cls.p.agency,
            source=cls.table,
            spec={"mark": "tile-map", "x": "wilayah", "title": "Penduduk per kecamatan"},
            alt_text="Peta petak penduduk.",
        )

    def post(self, **changes: Any) -> Any:
        data = {
            "title": "Penduduk Pringsewu 2025",
            "template": "square",
            "label_1": "Jumlah penduduk",
            "headline_1_wilayah": "*",
            "headline_1_jk": "*",
            "label_2": "Perempuan",
            "headline_2_wilayah": "*",
            "headline_2_jk": "P",
            "charts": [self.chart.pk],
            "alt_text": "Penduduk naik 0,8 persen.",
            **changes,
        }
        url = reverse(INFOGRAPHIC_NEW) + "?tabel=penduduk-kecamatan"
        return self.client.post(url, data)

    def test_it_previews_the_square_page(self) -> None:
        self.client.force_login(self.p.walidata)
        page = self.post(preview="1")
        self.assertContains(page, 'src="data:image/png;base64,')

    def test_it_saves_the_infographic_with_its_headlines_and_charts(self) -> None:
        self.client.force_login(self.p.kepala_bidang)
        self.post(save="1")
        product = Product.objects.get(kind=ProductKind.INFOGRAPHIC)
        self.assertEqual(product.source, self.table)
        headlines = product.spec["headlines"]
        self.assertEqual(headlines[0]["total"], ["wilayah", "jk"])
        self.assertEqual(
            headlines[1], {"label": "Perempuan", "total": ["wilayah"], "filter": {"jk": "P"}}
        )
        self.assertEqual(product.spec["charts"][0]["table"], "penduduk-kecamatan")
        self.assertEqual(product.spec["charts"][0]["alt_text"], "Peta petak penduduk.")

    def test_it_refuses_an_infographic_without_alt_text(self) -> None:
        self.client.force_login(self.p.walidata)
        page = self.post(alt_text="", save="1")
        self.assertIn("alt_text", page.context["form"].errors)
        self.assertFalse(Product.objects.filter(kind=ProductKind.INFOGRAPHIC).exists())


class PartTemplateTests(ComposeTestCase):
    def files(self, version: ProductVersion, *formats: str) -> list[ProductFile]:
        return [
            ProductFile(version=version, format=f, name=f"x.{f}", path="", sha256="", size=10)
            for f in formats
        ]

    def test_the_chart_part_draws_from_the_stored_spec_over_the_svg_with_its_alt_text(self) -> None:
        chart = Product.objects.create(
            kind=ProductKind.CHART,
            slug="grafik-a",
            title="Grafik A",
            agency=self.p.agency,
            source=self.table,
            alt_text="Teks alternatif grafik.",
        )
        version = ProductVersion.objects.create(product=chart, number=1)
        files = self.files(version, "svg", "png", "vega-lite", "csv")
        context = {"product": chart, "version": version, "files": files}
        html = render_to_string("products/parts/grafik.html", {**context, "drawn_from": self.table})
        hidden = render_to_string("products/parts/grafik.html", {**context, "drawn_from": None})
        self.assertNotIn("/produk/penduduk-kecamatan/", hidden)  # a table the viewer may not see
        self.assertIn('data-spec-url="/produk/grafik-a/v1/berkas/x.vega-lite"', html)
        self.assertIn('src="/produk/grafik-a/v1/berkas/x.svg" alt="Teks alternatif grafik."', html)
        self.assertIn("/produk/grafik-a/v1/berkas/x.csv", html)
        self.assertIn("/produk/penduduk-kecamatan/", html)  # the data as a table
        self.assertIn("build/product-chart.js", html)
        self.assertIn("Vega-Lite JSON", html)

    def test_the_infographic_part_shows_the_page_with_its_alt_text_and_downloads(self) -> None:
        product = Product.objects.create(
            kind=ProductKind.INFOGRAPHIC,
            slug="info-a",
            title="Info A",
            agency=self.p.agency,
            alt_text="Teks alternatif infografis.",
        )
        version = ProductVersion.objects.create(product=product, number=2)
        files = self.files(version, "pdf", "png")
        html = render_to_string(
            "products/parts/infografis.html",
            {"product": product, "version": version, "files": files},
        )
        self.assertIn(
            'src="/produk/info-a/v2/berkas/x.png" alt="Teks alternatif infografis."', html
        )
        self.assertIn('href="/produk/info-a/v2/berkas/x.pdf" download', html)
