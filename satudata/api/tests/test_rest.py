"""REST API v1: reads through the gate, typed parameters refused with one error shape, data
queries with filters and group-by, exports, writes by token and role, and the OpenAPI document
served with its own (not a CDN's) docs page. One test drives the running server with
``requests``, as a script would."""

from __future__ import annotations

import csv
import io
from typing import Any

import requests
from django.test import LiveServerTestCase

from satudata.accounts.services import create_api_token
from satudata.catalog.models import Topic
from satudata.catalog.testing import table_dataset
from satudata.core.models import AuditEvent
from satudata.core.testing import PersonaTestCase, load_reference_data, make_personas

ROWS = [
    ["Pringsewu", "Rawat Inap", 1],
    ["Pringsewu", "Non Rawat Inap", 2],
    ["Gadingrejo", "Rawat Inap", 3],
    ["Pagelaran", "Non Rawat Inap", 4],
    ["Pagelaran", "Rawat Inap", 5],
]


def catalogue(p: Any) -> tuple[Any, Any]:
    Topic.objects.create(slug="kesehatan", name="Kesehatan")
    published = table_dataset(
        actor=p.walidata,
        agency=p.agency,
        name="Jumlah Puskesmas",
        columns=[("Kecamatan", "text"), ("Jenis", "text"), ("Jumlah", "int")],
        rows=ROWS,
        publisher=p.kepala_bidang,
        sector="KESEHATAN",
        tags=["puskesmas"],
        description="Puskesmas per kecamatan.",
    )
    hidden = table_dataset(
        actor=p.walidata,
        agency=p.agency,
        name="Jumlah Bidan",
        columns=[("Kecamatan", "text"), ("Jumlah", "int")],
        rows=[["Pringsewu", 4]],
    )
    return published, hidden


class RestReadTests(PersonaTestCase):
    def setUp(self) -> None:
        self.published, self.hidden = catalogue(self.p)

    def get(self, url: str, **headers: Any) -> Any:
        return self.client.get("/api/v1" + url, **headers)

    def assertError(self, response: Any, status: int, field: str | None = None) -> None:
        self.assertEqual(response.status_code, status, response.content[:400])
        error = response.json()["error"]
        self.assertTrue(error["code"] and error["message"])
        if field is not None:
            self.assertEqual([f["field"] for f in error["fields"]], [field])

    def test_the_dataset_list_shows_what_the_gate_lets_through(self) -> None:
        body = self.get("/datasets").json()
        self.assertEqual(body["count"], 1)
        self.assertEqual([d["name"] for d in body["results"]], [self.published.slug])
        self.assertEqual(body["results"][0]["version"], 1)
        self.assertEqual(body["results"][0]["agency"]["name"], "dinkes")
        producer = create_api_token(actor=self.p.producer, name="r", scopes=["read"])
        own = self.get("/datasets", HTTP_AUTHORIZATION=f"Bearer {producer.raw}").json()
        self.assertEqual(own["count"], 2)  # its own agency's unpublished data too
        self.assertError(self.get("/datasets", HTTP_AUTHORIZATION="Bearer salah"), 401)

    def test_search_filters_facets_and_paging(self) -> None:
        self.assertEqual(self.get("/datasets?q=puskes").json()["count"], 1)
        self.assertEqual(self.get("/datasets?q=sekolah").json()["count"], 0)
        self.assertEqual(self.get("/datasets?organization=disdikbud").json()["count"], 0)
        body = self.get("/datasets?sector=KESEHATAN&facets=true&limit=1").json()
        self.assertEqual(body["facets"]["organization"][0]["value"], "dinkes")
        self.assertIsNone(body["next"])
        self.assertEqual(self.get("/datasets?offset=1").json()["results"], [])

    def test_bad_parameters_are_400_naming_the_parameter(self) -> None:
        self.assertError(self.get("/datasets?limit=5000"), 400, "limit")
        self.assertError(self.get("/datasets?limit=dua"), 400, "limit")
        self.assertError(self.get("/datasets?sort=harga;drop"), 400, "sort")
        self.assertError(self.get("/datasets?offset=-1"), 400, "offset")
        self.assertIn("1000", self.get("/datasets?limit=5000").json()["error"]["message"])

    def test_one_dataset_by_name_or_identifier(self) -> None:
        by_name = self.get(f"/datasets/{self.published.slug}").json()
        by_id = self.get(f"/datasets/{self.published.uuid}").json()
        self.assertEqual(by_name, by_id)
        self.assertEqual(by_name["versions"][0]["rows"], 5)
        self.assertEqual(
            [c["name"] for c in by_name["versions"][0]["columns"]],
            ["kecamatan", "jenis", "jumlah"],
        )
        self.assertEqual(
            {r["format"] for r in by_name["resources"]}, {"CSV", "XLSX", "JSON", "Parquet"}
        )
        resource = by_name["resources"][0]
        self.assertEqual(
            self.get(f"/resources/{resource['id']}").json()["dataset"], by_name["name"]
        )
        self.assertError(self.get(f"/datasets/{self.hidden.slug}"), 404)
        self.assertError(self.get(f"/datasets/{self.hidden.slug}/data"), 404)
        self.assertError(self.get(f"/datasets/{self.published.slug}/versions/2"), 404)

    def test_data_filters_sorts_and_pages(self) -> None:
        url = f"/datasets/{self.published.slug}/data"
        body = self.get(url + "?filter=jenis:eq:Rawat%20Inap&sort=-jumlah&limit=2").json()
        self.assertEqual([r["jumlah"] for r in body["records"]], [5, 3])
        self.assertEqual(body["total"], 3)
        body = self.get(
            url + "?filter=jumlah:gte:3&filter=kecamatan:in:Pagelaran|Gadingrejo"
        ).json()
        self.assertEqual(sorted(r["jumlah"] for r in body["records"]), [3, 4, 5])
        body = self.get(url + "?fields=kecamatan&q=gading").json()
        self.assertEqual(body["records"], [{"kecamatan": "Gadingrejo"}])

    def test_group_by_with_aggregates(self) -> None:
        url = f"/datasets/{self.published.slug}/data"
        body = self.get(
            url + "?group_by=kecamatan&aggregate=sum:jumlah&aggregate=count:*&sort=kecamatan"
        ).json()
        self.assertEqual(
            body["records"],
            [
                {"kecamatan": "Gadingrejo", "sum_jumlah": 3, "count": 1},
                {"kecamatan": "Pagelaran", "sum_jumlah": 9, "count": 2},
                {"kecamatan": "Pringsewu", "sum_jumlah": 3, "count": 2},
            ],
        )
        two = self.get(url + "?group_by=kecamatan,jenis&aggregate=max:jumlah").json()
        self.assertEqual(two["total"], 5)

    def test_bad_data_queries_are_400_never_500(self) -> None:
        url = f"/datasets/{self.published.slug}/data"
        self.assertError(self.get(url + "?filter=jumlah"), 400, "filter")
        self.assertError(self.get(url + "?filter=Harga:eq:1"), 400)
        self.assertError(self.get(url + "?filter=jumlah:gt:banyak"), 400)
        self.assertError(self.get(url + '?sort=jumlah";DROP TABLE x;--'), 400)
        self.assertError(self.get(url + "?aggregate=median:jumlah&group_by=kecamatan"), 400)
        self.assertError(self.get(url + "?aggregate=sum:kecamatan&group_by=jenis"), 400)
        self.assertError(self.get(url + "?limit=0"), 400, "limit")
        self.assertError(self.get(url + "?version=0"), 400, "version")
        with self.settings(DATASTORE_MAX_ROWS=2):
            capped = self.get(url + "?limit=100").json()
        self.assertEqual((len(capped["records"]), capped["truncated"]), (2, True))

    def test_export_streams_the_filtered_rows(self) -> None:
        response = self.get(
            f"/datasets/{self.published.slug}/export?format=csv&filter=kecamatan:eq:Pagelaran"
        )
        self.assertEqual(response.status_code, 200)
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        self.assertEqual(rows[0], ["kecamatan", "jenis", "jumlah"])
        self.assertEqual(len(rows), 3)
        self.assertEqual(response["X-Total-Rows"], "2")
        self.assertError(self.get(f"/datasets/{self.published.slug}/export?format=exe"), 400)

    def test_agencies_regions_metadata_and_daftar_data(self) -> None:
        agencies = self.get("/agencies").json()
        dinkes = next(a for a in agencies["results"] if a["name"] == "dinkes")
        self.assertEqual(dinkes["datasets"], 1)
        self.assertEqual(self.get("/agencies/dinkes").json()["datasets"], 1)
        self.assertError(self.get("/agencies/tidak-ada"), 404)
        kecamatan = self.get("/regions?parent=18.10&limit=100").json()
        self.assertEqual(kecamatan["count"], 9)  # Pringsewu's nine kecamatan
        self.assertEqual(self.get("/regions/18.10").json()["name"], "Kabupaten Pringsewu")
        self.assertError(self.get("/regions?level=9"), 400, "level")
        self.assertEqual(self.get("/metadata/ms-keg").json()["count"], 0)
        self.assertError(self.get("/metadata/ms-xyz"), 400, "kind")
        lists = self.get("/daftar-data").json()
        self.assertEqual([entry["year"] for entry in lists], [2025])
        items = self.get("/daftar-data/2025").json()
        self.assertEqual(
            {i["name"]: i["dataset"] for i in items},
            {"Jumlah Puskesmas": self.published.slug, "Jumlah Bidan": None},
        )

    def test_the_openapi_document_and_its_docs_page(self) -> None:
        document = self.get("/openapi.json").json()
        self.assertTrue(document["openapi"].startswith("3."))
        for path in ("/api/v1/datasets", "/api/v1/datasets/{key}/data", "/api/v1/regions"):
            self.assertIn(path, document["paths"])
        page = self.get("/docs")
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "/static/ninja/swagger-ui-bundle.js")
        self.assertNotContains(page, "cdn.")


class RestWriteTests(PersonaTestCase):
    def setUp(self) -> None:
        self.published, self.hidden = catalogue(self.p)
        self.url = f"/api/v1/datasets/{self.published.slug}"

    def patch(self, body: dict[str, Any], token: str | None = None) -> Any:
        headers: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
        return self.client.patch(self.url, body, content_type="application/json", **headers)

    def test_a_producer_describes_its_dataset_with_a_write_token(self) -> None:
        token = create_api_token(actor=self.p.producer, name="w", scopes=["read", "write"]).raw
        response = self.patch(
            {
                "description": "Puskesmas rawat inap dan non rawat inap.",
                "tags": ["Puskesmas", "faskes"],
                "topics": ["kesehatan"],
            },
            token,
        )
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual(body["tags"], ["faskes", "puskesmas"])
        self.assertEqual(body["topics"], ["kesehatan"])
        self.assertEqual(body["title"], self.published.title)  # untouched
        self.assertTrue(AuditEvent.objects.filter(action="catalog.dataset_described").exists())

    def test_keys_and_the_tables_own_limits_are_declared_and_read_back(self) -> None:
        token = create_api_token(actor=self.p.producer, name="w", scopes=["write"]).raw
        done = self.patch(
            {"key_variables": ["kecamatan", " Jenis "], "limits": "jumlah: Nilai antara 0 dan 50"},
            token,
        )
        self.assertEqual(done.status_code, 200, done.content)
        self.assertEqual(done.json()["key_variables"], ["Jenis", "Kecamatan"])
        self.assertIn("Jumlah: ", done.json()["limits"])
        self.assertIn("50", done.json()["limits"])
        self.assertEqual(
            sorted(self.published.key_variables.values_list("name", flat=True)),
            ["Jenis", "Kecamatan"],
        )
        read = self.client.get(self.url).json()
        self.assertEqual(
            (read["key_variables"], read["limits"]), (["Jenis", "Kecamatan"], done.json()["limits"])
        )
        # Unknown variables and limits the check cannot read are refused, naming the field;
        # nothing is changed.
        bad = self.patch({"key_variables": ["Desa"]}, token)
        self.assertEqual(bad.status_code, 400)
        self.assertEqual(bad.json()["error"]["fields"][0]["field"], "key_variables")
        worse = self.patch({"limits": "jumlah: harus masuk akal"}, token)
        self.assertEqual(worse.status_code, 400)
        self.assertEqual(worse.json()["error"]["fields"][0]["field"], "limits")
        self.assertEqual(self.client.get(self.url).json()["key_variables"], ["Jenis", "Kecamatan"])
        # A name wins over another variable's alias; an alias shared by two is refused.
        from satudata.catalog.models import DataType, Variable

        agency = self.published.agency
        Variable.objects.create(agency=agency, name="Puskesmas", alias="Jenis", data_type="text")
        named = self.patch({"key_variables": ["jenis"]}, token)
        self.assertEqual(named.json()["key_variables"], ["Jenis"])
        for name in ("Kode", "Kode Wilayah"):
            Variable.objects.create(
                agency=agency, name=name, alias="kode_wil", data_type=DataType.REGION
            )
        shared = self.patch({"key_variables": ["KODE_WIL"]}, token)
        self.assertEqual(shared.status_code, 400)
        self.assertIn("Kode, Kode Wilayah", shared.json()["error"]["message"])
        cleared = self.patch({"key_variables": [], "limits": ""}, token).json()
        self.assertEqual((cleared["key_variables"], cleared["limits"]), ([], ""))

    def test_writes_are_refused_without_token_scope_or_role(self) -> None:
        self.assertEqual(self.patch({"title": "Baru"}).status_code, 401)
        read = create_api_token(actor=self.p.producer, name="r", scopes=["read"]).raw
        self.assertEqual(self.patch({"title": "Baru"}, read).json()["error"]["code"], "scope")
        other = create_api_token(actor=self.p.other_producer, name="w", scopes=["write"]).raw
        self.assertEqual(self.patch({"title": "Baru"}, other).status_code, 403)
        own = create_api_token(actor=self.p.producer, name="w", scopes=["write"]).raw
        bad = self.patch({"sector": "BUKAN", "license_id": "cc-by"}, own)
        self.assertEqual(bad.json()["error"]["fields"][0]["field"], "sector")
        self.assertEqual(self.patch({"license_id": "gpl"}, own).status_code, 400)
        self.assertEqual(self.patch({"title": "x"}, own).status_code, 400)
        self.published.refresh_from_db()
        self.assertEqual(self.published.description, "Puskesmas per kecamatan.")

    def test_the_kepala_bidang_publishes_by_api_once(self) -> None:
        url = f"/api/v1/datasets/{self.hidden.slug}/versions/1/publish"
        producer = create_api_token(actor=self.p.producer, name="w", scopes=["write"]).raw
        body = {"reason": "Koreksi mendesak"}
        refused = self.client.post(
            url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {producer}"
        )
        self.assertEqual(refused.status_code, 403)
        kabid = create_api_token(actor=self.p.kepala_bidang, name="w", scopes=["write"]).raw
        done = self.client.post(
            url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {kabid}"
        )
        self.assertEqual(done.status_code, 200, done.content)
        self.assertIsNotNone(done.json()["published_at"])
        again = self.client.post(
            url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {kabid}"
        )
        self.assertEqual(again.status_code, 409)
        self.assertIn("terbit", again.json()["error"]["message"])
        self.assertEqual(self.client.get(f"/api/v1/datasets/{self.hidden.slug}").status_code, 200)


class RestLiveTests(LiveServerTestCase):
    def test_a_script_pages_through_datasets_and_reads_rows(self) -> None:
        load_reference_data()
        p = make_personas()
        published, _hidden = catalogue(p)
        session = requests.Session()
        url: str | None = f"{self.live_server_url}/api/v1/datasets?limit=1"
        names = []
        while url:
            page = session.get(url, timeout=10).json()
            names += [d["name"] for d in page["results"]]
            url = page["next"]
        self.assertEqual(names, [published.slug])
        rows = session.get(
            f"{self.live_server_url}/api/v1/datasets/{published.slug}/data",
            params={"group_by": "jenis", "aggregate": "sum:jumlah"},
            timeout=10,
        ).json()["records"]
        self.assertEqual(
            rows,
            [
                {"jenis": "Non Rawat Inap", "sum_jumlah": 6},
                {"jenis": "Rawat Inap", "sum_jumlah": 9},
            ],
        )
        refused = session.get(
            f"{self.live_server_url}/api/v1/datasets", params={"limit": "x"}, timeout=10
        )
        self.assertEqual(refused.status_code, 400)
