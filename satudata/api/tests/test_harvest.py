"""The catalogues harvesters read, checked by the standards' own tools: DCAT-AP 3 parsed by
rdflib and validated by pyshacl against the published shapes, ``/data.json`` against the Project
Open Data v1.1 schema, each ``datapackage.json`` by ``frictionless validate`` over HTTP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from unittest import mock

import frictionless
import pyshacl  # type: ignore[import-untyped]
from django.test import Client, LiveServerTestCase
from jsonschema import Draft4Validator, FormatChecker  # type: ignore[import-untyped]
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF
from referencing import Registry, Resource

from satudata.api import dcat
from satudata.catalog.models import Dataset, Topic
from satudata.catalog.testing import table_dataset
from satudata.core.models import SiteProfile
from satudata.core.testing import PersonaTestCase, load_reference_data, make_personas

STANDARDS = Path(__file__).parent / "standards"
Package: Any = frictionless.Package  # typed loosely by the library; used as documented
HYDRA = "http://www.w3.org/ns/hydra/core#"
RDF_SYNTAX = {"jsonld": "json-ld", "ttl": "turtle", "rdf": "xml"}


def shapes(version: str) -> Graph:
    return Graph().parse(STANDARDS / "dcat-ap-3" / f"dcat-ap-SHACL-{version}.ttl")


SHAPES = {version: shapes(version) for version in ("3.0.0", "3.0.1")}


def conforms(data: Graph, version: str) -> tuple[bool, str]:
    ok, _, text = pyshacl.validate(data, shacl_graph=SHAPES[version], inference="none")
    return ok, text


def pod_validator() -> Draft4Validator:
    base = "https://project-open-data.cio.gov/v1.1/schema/"
    resources = []
    for path in (STANDARDS / "pod-v1.1").glob("*.json"):
        contents = json.loads(path.read_text())
        resources.append((base + path.name, Resource.from_contents(contents)))
    registry: Registry[Any] = Registry().with_resources(resources)
    schema = json.loads((STANDARDS / "pod-v1.1" / "catalog.json").read_text())
    return Draft4Validator(schema, registry=registry, format_checker=FormatChecker())


def sample_catalogue(p: Any) -> tuple[Dataset, Dataset, Dataset]:
    SiteProfile.objects.update_or_create(
        pk=1,
        defaults={
            "site_name": "Satu Data Pringsewu",
            "regency_name": "Kabupaten Pringsewu",
            "region_code": "18.10",
            "walidata_name": "Dinas Komunikasi dan Informatika",
            "email": "diskominfo@example.go.id",
        },
    )
    topic = Topic.objects.create(slug="kesehatan", name="Kesehatan")
    first = table_dataset(
        actor=p.walidata,
        agency=p.agency,
        name="Jumlah Puskesmas",
        columns=[("Kecamatan", "text"), ("Tahun", "year"), ("Jumlah", "int"), ("Rasio", "dec")],
        rows=[["Pringsewu", 2025, 3, 1.5], ["Gadingrejo", 2025, 2, 0.75]],
        publisher=p.kepala_bidang,
        sector="KESEHATAN",
        tags=["puskesmas", "fasilitas kesehatan"],
        topics=[topic],
        description="Puskesmas per kecamatan.",
    )
    second = table_dataset(
        actor=p.walidata,
        agency=p.other_agency,
        name="Jumlah Sekolah",
        columns=[("Kecamatan", "text"), ("Jumlah", "int")],
        rows=[["Pringsewu", 40]],
        publisher=p.kepala_bidang,
        license_id="other-closed",
    )
    hidden = table_dataset(
        actor=p.walidata,
        agency=p.agency,
        name="Data Rahasia Belum Terbit",
        columns=[("Kecamatan", "text"), ("Jumlah", "int")],
        rows=[["Pringsewu", 1]],
    )
    return first, second, hidden


class DcatTests(PersonaTestCase):
    def setUp(self) -> None:
        self.first, self.second, self.hidden = sample_catalogue(self.p)

    def graph(self, url: str, fmt: str) -> Graph:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, response.content[:300])
        self.assertEqual(response["Content-Type"].split(";")[0], dcat.SERIALISATIONS[fmt][1])
        return Graph().parse(data=response.content, format=RDF_SYNTAX[fmt])

    def test_every_serialisation_of_the_catalogue_conforms_to_dcat_ap_3(self) -> None:
        for fmt in dcat.SERIALISATIONS:
            with self.subTest(fmt=fmt):
                graph = self.graph(f"/catalog.{fmt}", fmt)
                datasets = set(graph.subjects(RDF.type, DCAT.Dataset))
                identifiers = {str(graph.value(d, DCTERMS.identifier)) for d in datasets}
                self.assertEqual(identifiers, {str(self.first.uuid), str(self.second.uuid)})
                self.assertEqual(len(set(graph.subjects(RDF.type, DCAT.Distribution))), 8)
                for version in SHAPES:
                    ok, report = conforms(graph, version)
                    self.assertTrue(ok, f"{fmt} against {version}:\n{report}")

    def test_the_shapes_catch_a_dataset_without_its_mandatory_title(self) -> None:
        """The validation can fail: the same graph minus one mandatory property does not pass."""
        graph = self.graph("/catalog.ttl", "ttl")
        graph.remove((None, DCTERMS.title, None))
        ok, report = conforms(graph, "3.0.0")
        self.assertFalse(ok)
        self.assertIn("title", report)

    def test_a_dataset_carries_what_harvesters_map(self) -> None:
        graph = self.graph(f"/dataset/{self.first.slug}.ttl", "ttl")
        node = URIRef(f"http://testserver/dataset/{self.first.uuid}/")
        self.assertEqual(str(graph.value(node, DCTERMS.title)), self.first.title)
        self.assertEqual(
            {str(k) for k in graph.objects(node, DCAT.keyword)},
            {"puskesmas", "fasilitas kesehatan"},
        )
        self.assertEqual(
            graph.value(node, DCTERMS.accrualPeriodicity),
            URIRef("http://publications.europa.eu/resource/authority/frequency/ANNUAL"),
        )
        downloads = {str(u) for u in graph.objects(None, DCAT.downloadURL)}
        self.assertIn(f"http://testserver/dataset/{self.first.slug}/data.csv", downloads)
        self.assertEqual(len(set(graph.objects(node, DCAT.theme))), 2)  # sector and topic
        for fmt in ("jsonld", "rdf"):
            with self.subTest(fmt=fmt):
                other = self.graph(f"/dataset/{self.first.slug}.{fmt}", fmt)
                self.assertEqual(len(other), len(graph))
                ok, report = conforms(other, "3.0.1")
                self.assertTrue(ok, report)

    def test_the_dataset_iri_leads_to_its_page(self) -> None:
        response = self.client.get(f"/dataset/{self.first.uuid}/")
        self.assertRedirects(response, f"/dataset/{self.first.slug}/")

    def test_unpublished_data_is_in_no_serialisation(self) -> None:
        for fmt in dcat.SERIALISATIONS:
            with self.subTest(fmt=fmt):
                body = self.client.get(f"/catalog.{fmt}").content.decode()
                self.assertNotIn(str(self.hidden.uuid), body)
                self.assertNotIn("Rahasia", body)
                response = self.client.get(f"/dataset/{self.hidden.slug}.{fmt}")
                self.assertEqual(response.status_code, 404)

    def test_hydra_paging_walks_every_page_once(self) -> None:
        seen: list[str] = []
        with mock.patch.object(dcat, "PAGE_SIZE", 1):
            url: str | None = "http://testserver/catalog.ttl"
            while url:
                graph = self.graph(url.replace("http://testserver", ""), "ttl")
                seen += [str(o) for o in graph.objects(None, DCTERMS.identifier)]
                view = next(graph.subjects(RDF.type, URIRef(HYDRA + "PartialCollectionView")))
                self.assertEqual(str(graph.value(view, URIRef(HYDRA + "totalItems"))), "2")
                self.assertEqual(
                    graph.value(view, URIRef(HYDRA + "next")),
                    graph.value(view, URIRef(HYDRA + "nextPage")),
                )
                following = graph.value(view, URIRef(HYDRA + "next"))
                url = str(following) if following else None
        dataset_ids = [s for s in seen if s in {str(self.first.uuid), str(self.second.uuid)}]
        self.assertEqual(sorted(dataset_ids), sorted([str(self.first.uuid), str(self.second.uuid)]))
        self.assertEqual(self.client.get("/catalog.ttl?page=0").status_code, 400)
        self.assertEqual(self.client.get("/catalog.ttl?page=x").status_code, 400)
        self.assertEqual(self.client.get("/catalog.ttl?page=9").status_code, 404)


class DataJsonTests(PersonaTestCase):
    def setUp(self) -> None:
        self.first, self.second, self.hidden = sample_catalogue(self.p)

    def test_data_json_validates_against_the_pod_non_federal_schema(self) -> None:
        response = self.client.get("/data.json")
        self.assertEqual(response.status_code, 200)
        document = response.json()
        errors = [e.message for e in pod_validator().iter_errors(document)]
        self.assertEqual(errors, [])
        titles = {d["title"] for d in document["dataset"]}
        self.assertEqual(titles, {self.first.title, self.second.title})
        closed = next(d for d in document["dataset"] if d["title"] == self.second.title)
        self.assertNotIn("license", closed)  # not an open licence: no URL is claimed

    def test_the_schema_refuses_what_the_portal_must_not_write(self) -> None:
        document = self.client.get("/data.json").json()
        del document["dataset"][0]["publisher"]
        document["dataset"][1]["accessLevel"] = "open"
        self.assertEqual(len(list(pod_validator().iter_errors(document))), 2)


class DataPackageTests(LiveServerTestCase):
    def setUp(self) -> None:
        load_reference_data()
        self.p = make_personas()
        self.first, self.second, self.hidden = sample_catalogue(self.p)

    def test_frictionless_validates_each_published_package_and_its_data(self) -> None:
        for dataset in (self.first, self.second):
            with self.subTest(dataset=dataset.slug):
                url = f"{self.live_server_url}/dataset/{dataset.slug}/datapackage.json"
                report = frictionless.validate(url)
                self.assertTrue(report.valid, report.flatten(["type", "note"]))
                package = Package(url)
                rows = package.resources[0].read_rows()
                self.assertEqual(len(rows), dataset.versions.get().row_count)
        first = Package(f"{self.live_server_url}/dataset/{self.first.slug}/datapackage.json")
        kecamatan, year, count, ratio = first.resources[0].read_rows()[0].to_list()
        self.assertEqual((kecamatan, year, count, float(ratio)), ("Pringsewu", 2025, 3, 1.5))

    def test_frictionless_reports_a_package_whose_data_breaks_its_schema(self) -> None:
        """The check can fail: the same descriptor claiming the text column holds integers."""
        descriptor = Client().get(f"/dataset/{self.first.slug}/datapackage.json").json()
        descriptor["resources"][0]["path"] = descriptor["resources"][0]["path"].replace(
            "http://testserver", self.live_server_url
        )
        descriptor["resources"][0]["schema"]["fields"][0]["type"] = "integer"
        report = frictionless.validate(Package(descriptor))
        self.assertFalse(report.valid)

    def test_an_unpublished_package_is_not_found(self) -> None:
        response = Client().get(f"/dataset/{self.hidden.slug}/datapackage.json")
        self.assertEqual(response.status_code, 404)
