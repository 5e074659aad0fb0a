from __future__ import annotations

import json
from datetime import timedelta

from django.utils import timezone
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from satudata.core.testing import PersonaTestCase
from satudata.products.models import Product, ProductVersion
from satudata.products.testing import released_product


class ProductsOnMachineChannelsTests(PersonaTestCase):
    """A released product is a package of its own type on CKAN, a ``dcat:Dataset`` with a
    distribution per file, and a data.json entry; a product under embargo is on none."""

    out: Product
    out_version: ProductVersion
    embargoed: Product

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        p = cls.p
        cls.out, cls.out_version = released_product(
            actor=p.walidata,
            kepala_bidang=p.kepala_bidang,
            agency=p.agency,
            title="Tabel Jumlah Dokter Umum",
            description="Dokter umum menurut kecamatan",
        )
        cls.embargoed, _ = released_product(
            actor=p.walidata,
            kepala_bidang=p.kepala_bidang,
            agency=p.agency,
            title="Grafik Rahasia Stunting",
            kind="grafik",
            at=timezone.now() + timedelta(days=2),
        )

    def ckan(self, action: str, **params: str) -> dict:  # type: ignore[type-arg]
        response = self.client.get(f"/api/3/action/{action}", params)
        self.assertEqual(response.status_code, 200, response.content)
        return json.loads(response.content)["result"]  # type: ignore[no-any-return]

    def test_ckan_lists_shows_and_searches_the_released_product_only(self) -> None:
        names = self.ckan("package_list")
        self.assertIn("produk-tabel-jumlah-dokter-umum", names)
        self.assertNotIn("produk-grafik-rahasia-stunting", names)
        package = self.ckan("package_show", id="produk-tabel-jumlah-dokter-umum")
        self.assertEqual(package["type"], "tabel")
        self.assertEqual(package["id"], str(self.out.uuid))
        self.assertEqual(
            sorted(r["name"] for r in package["resources"]),
            ["tabel-jumlah-dokter-umum.csv", "tabel-jumlah-dokter-umum.html"],
        )
        csv = next(r for r in package["resources"] if r["format"] == "CSV")
        self.assertEqual(csv["size"], 25)
        self.assertTrue(
            csv["url"].endswith(
                "/produk/tabel-jumlah-dokter-umum/v1/berkas/tabel-jumlah-dokter-umum.csv"
            )
        )
        self.assertEqual(self.client.get(csv["url"]).status_code, 200)
        self.assertEqual(self.ckan("package_show", id=str(self.out.uuid))["name"], package["name"])
        hidden = self.client.get(
            "/api/3/action/package_show", {"id": "produk-grafik-rahasia-stunting"}
        )
        self.assertEqual(hidden.status_code, 404)
        found = self.ckan("package_search", q="dokter")
        self.assertEqual([r["name"] for r in found["results"]], [package["name"]])
        self.assertEqual(found["count"], 1)
        self.assertEqual(self.ckan("package_search", q="stunting")["count"], 0)
        self.assertEqual(self.ckan("package_search", fq="type:tabel")["count"], 1)
        self.assertEqual(self.ckan("package_search", fq="type:dataset")["count"], 0)
        self.assertEqual(self.ckan("package_search", fq="tags:kesehatan")["count"], 0)
        self.assertEqual(self.ckan("package_search", fq="organization:dinkes")["count"], 1)
        facets = self.ckan("package_search", **{"facet.field": '["organization"]', "rows": "0"})
        self.assertEqual(facets["facets"]["organization"], {"dinkes": 1})
        self.assertEqual(
            facets["search_facets"]["organization"]["items"][0]["display_name"], "Dinas Kesehatan"
        )

    def test_the_list_with_resources_ends_with_the_released_products(self) -> None:
        listed = self.ckan("current_package_list_with_resources")
        self.assertEqual([p["name"] for p in listed], ["produk-tabel-jumlah-dokter-umum"])
        self.assertEqual(len(listed[0]["resources"]), 2)
        self.assertEqual(self.ckan("current_package_list_with_resources", offset="1"), [])

    def test_dcat_has_the_product_with_a_distribution_per_file(self) -> None:
        response = self.client.get("/catalog.ttl")
        self.assertEqual(response.status_code, 200)
        graph = Graph().parse(data=response.content, format="turtle")
        node = URIRef("http://testserver/produk/tabel-jumlah-dokter-umum/#produk")
        self.assertIn((node, RDF.type, DCAT.Dataset), graph)
        self.assertEqual(len(list(graph.objects(node, DCAT.distribution))), 2)
        downloads = {
            str(url)
            for dist in graph.objects(node, DCAT.distribution)
            for url in graph.objects(dist, DCAT.downloadURL)
        }
        self.assertIn(
            "http://testserver/produk/tabel-jumlah-dokter-umum/v1/berkas/tabel-jumlah-dokter-umum.csv",
            downloads,
        )
        titles = {str(t) for t in graph.objects(None, DCTERMS.title)}
        self.assertIn("Tabel Jumlah Dokter Umum", titles)
        self.assertNotIn("Grafik Rahasia Stunting", titles)

    def test_data_json_has_the_product_and_not_the_embargoed_one(self) -> None:
        catalogue = self.client.get("/data.json").json()
        entries = {e["title"]: e for e in catalogue["dataset"]}
        self.assertNotIn("Grafik Rahasia Stunting", entries)
        entry = entries["Tabel Jumlah Dokter Umum"]
        self.assertEqual(entry["identifier"], str(self.out.uuid))
        self.assertEqual(sorted(d["format"] for d in entry["distribution"]), ["CSV", "HTML"])

    def test_the_sitemap_lists_the_released_product(self) -> None:
        index = self.client.get("/sitemap.xml").content.decode()
        self.assertIn("/sitemap-produk.xml", index)
        body = self.client.get("/sitemap-produk.xml").content.decode()
        self.assertIn("/produk/tabel-jumlah-dokter-umum/", body)
        self.assertNotIn("rahasia", body)
