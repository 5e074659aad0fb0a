"""A product never carries data that is not out for everyone: its release waits for the data it
reads, the gate follows its Daftar Data item, the tables API checks each bound dataset version,
and a table too large to typeset is refused as PDF/PNG with a clear message."""

from __future__ import annotations

from datetime import timedelta

from django.test import override_settings
from django.utils import timezone

from satudata.catalog.models import Access, DataItem
from satudata.catalog.testing import COUNTS, published_table, table_dataset
from satudata.core.testing import PersonaTestCase
from satudata.products.cube import Category, Cube, Dimension
from satudata.products.errors import ProductError
from satudata.products.formats import typst_table
from satudata.products.models import ProductVersion
from satudata.products.testing import generated_version, product, released_product
from satudata.releases import services
from satudata.releases.models import Release
from satudata.releases.services import ReleaseRefused


class ReleaseWaitsForItsDataTests(PersonaTestCase):
    def test_a_product_of_data_under_embargo_is_not_released_before_that_data(self) -> None:
        p = self.p
        later = timezone.now() + timedelta(days=3)
        dataset = table_dataset(
            actor=p.walidata,
            agency=p.agency,
            name="Jumlah Bidan",
            columns=COUNTS,
            rows=[["Pringsewu", 4]],
            publisher=p.kepala_bidang,
            published_at=later,
        )
        item = product(
            actor=p.walidata,
            agency=p.agency,
            title="Tabel Bidan",
            spec={"sources": [{"dataset": dataset.slug}]},
        )
        version = generated_version(p.walidata, item)
        self.assertEqual(list(version.sources.all()), [dataset.versions.get()])
        release = Release.objects.for_content(version).get()
        with self.assertRaises(ReleaseRefused) as refused:
            services.publish_now(actor=p.kepala_bidang, release=release, reason="uji")
        self.assertIn("Jumlah Bidan", str(refused.exception))
        version.refresh_from_db()
        self.assertIsNone(version.published_at)
        self.assertEqual(version.release_problem(later), "")  # out together is allowed


class ProductGateFollowsItsItemTests(PersonaTestCase):
    def test_a_released_product_of_a_closed_item_is_not_public(self) -> None:
        p = self.p
        dataset = published_table(p, "Jumlah Posyandu", [["Pringsewu", 9]])
        _item, version = released_product(
            actor=p.walidata,
            kepala_bidang=p.kepala_bidang,
            agency=p.agency,
            title="Tabel Posyandu",
            item=dataset.item,
        )
        public = ProductVersion.objects.visible_to(None)
        self.assertTrue(public.filter(pk=version.pk).exists())
        DataItem.objects.filter(pk=dataset.item_id).update(access=Access.RESTRICTED)
        self.assertFalse(ProductVersion.objects.visible_to(None).filter(pk=version.pk).exists())


class PrintCapTests(PersonaTestCase):
    @override_settings(TABLE_MAX_PRINT_CELLS=10)
    def test_a_table_too_large_to_typeset_is_refused_with_the_count(self) -> None:
        regions = [Category(str(n), f"Desa {n}") for n in range(12)]
        cube = Cube(
            title="Besar",
            dimensions=[Dimension("desa", "Desa", "region", regions)],
            stub=["desa"],
            heading=[],
            values=[float(n) for n in range(12)],
        )
        for fmt in ("pdf", "png"):
            with self.assertRaises(ProductError) as refused:
                typst_table.render(cube, fmt)
            self.assertIn("12 sel", refused.exception.message)
            self.assertEqual(refused.exception.field, "format")


class DrawnFromLinkTests(PersonaTestCase):
    def test_a_chart_page_links_its_table_only_when_the_viewer_may_see_it(self) -> None:
        from django.urls import reverse

        p = self.p
        table = product(actor=p.walidata, agency=p.agency, title="Tabel Belum Rilis")
        generated_version(p.walidata, table)  # a draft: staff see it, the public does not
        chart, _version = released_product(
            actor=p.walidata,
            kepala_bidang=p.kepala_bidang,
            agency=p.agency,
            title="Grafik Terbit",
            kind="grafik",
            source=table,
        )
        url = reverse("products:detail", args=[chart.slug])
        self.assertNotContains(self.client.get(url), table.slug)
        self.client.force_login(p.walidata)
        self.assertContains(self.client.get(url), table.slug)
