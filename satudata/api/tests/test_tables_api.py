from __future__ import annotations

import csv
import io
import json
from typing import Any

import python_calamine
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from jsonstat_validator import validate_jsonstat  # type: ignore[import-untyped]

from satudata.catalog.models import Dataset
from satudata.catalog.testing import table_dataset
from satudata.core.testing import PersonaTestCase
from satudata.products.models import Product, ProductKind, ProductVersion
from satudata.products.tests.tables_data import COLUMNS, ROWS, population_table
from satudata.releases.models import PreReleaseView


class TablesApiTests(PersonaTestCase):
    dataset: Dataset
    unpublished: Dataset

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.dataset = population_table(cls.p)
        cls.unpublished = table_dataset(
            actor=cls.p.walidata,
            agency=cls.p.agency,
            name="Belum Rilis",
            columns=COLUMNS,
            rows=ROWS,
        )

    def data(self, slug: str | None = None, **params: Any) -> Any:
        url = reverse("api-v1:table-data", args=[slug or self.dataset.slug])
        return self.client.get(url, params)

    def test_the_list_holds_published_datasets_only(self) -> None:
        body = self.client.get("/api/v1/tables").json()
        ids = [t["id"] for t in body["tables"]]
        self.assertIn(self.dataset.slug, ids)
        self.assertNotIn(self.unpublished.slug, ids)
        self.assertEqual(body["maxDataCells"], 100_000)
        table = body["tables"][ids.index(self.dataset.slug)]
        self.assertIn("tahun", table["variableNames"])
        self.assertEqual([link["rel"] for link in table["links"]], ["self", "metadata", "data"])

    def test_metadata_lists_dimensions_with_labelled_values_and_measures_with_units(self) -> None:
        body = self.client.get(f"/api/v1/tables/{self.dataset.slug}/metadata").json()
        dimensions = {d["id"]: d for d in body["dimensions"]}
        self.assertEqual(list(dimensions), ["kode_wilayah", "tahun", "jenis_kelamin"])
        self.assertEqual(
            [v["label"] for v in dimensions["kode_wilayah"]["values"]],
            ["Pringsewu", "Gading Rejo", "Ambarawa"],
        )
        self.assertEqual(dimensions["tahun"]["role"], "time")
        self.assertEqual([m["id"] for m in body["measures"]], ["jumlah", "luas"])
        self.assertEqual(body["version"], 1)

    def test_data_is_json_stat_summed_over_the_dimensions_left_out(self) -> None:
        answer = self.data(**{"valuecodes[kode_wilayah]": "*", "valuecodes[tahun]": "2023,2024"})
        self.assertEqual(answer.status_code, 200)
        body = answer.json()
        self.assertTrue(validate_jsonstat(body))
        self.assertEqual(body["id"], ["kode_wilayah", "tahun"])
        self.assertEqual(body["value"], [22, 15, 7, 9, None, None])

    def test_with_no_selection_every_region_and_period_is_shown(self) -> None:
        body = self.data().json()
        self.assertEqual(body["size"], [3, 3])
        self.assertEqual(body["extension"]["satudata"]["heading"], ["tahun"])

    def test_selection_expressions_and_placement(self) -> None:
        body = self.data(
            **{
                "valuecodes[tahun]": "TOP(2)",
                "valuecodes[jenis_kelamin]": "RANGE(1,2)",
                "valuecodes[measure]": "luas",
                "stub": "tahun",
                "heading": "jenis_kelamin",
                "aggregate": "max",
            }
        ).json()
        self.assertIn("id", body, body)
        self.assertEqual(body["id"], ["tahun", "jenis_kelamin"])
        self.assertEqual(list(body["dimension"]["tahun"]["category"]["index"]), ["2023", "2024"])
        self.assertEqual(body["value"], [1.5, 2.5, 3.0, 1.5])

    def test_unknown_dimensions_and_values_are_a_400_naming_them(self) -> None:
        for params, field in (
            ({"valuecodes[desa]": "*"}, "select.desa"),
            ({"valuecodes[tahun]": "1999"}, "select.tahun"),
            ({"valuecodes[tahun]": "TOP(x)"}, "select.tahun"),
            ({"valuecodes[measure]": "kode_wilayah"}, "select.measure"),
            ({"valuecodes[tahun]": "*", "stub": "desa"}, "stub"),
        ):
            with self.subTest(params):
                answer = self.data(**params)
                self.assertEqual(answer.status_code, 400)
                self.assertEqual(answer.json()["error"]["fields"][0]["field"], field)

    @override_settings(TABLE_MAX_CELLS=4)
    def test_a_selection_over_the_cell_cap_is_a_400_with_the_count_and_the_cap(self) -> None:
        answer = self.data(**{"valuecodes[kode_wilayah]": "*", "valuecodes[tahun]": "*"})
        self.assertEqual(answer.status_code, 400)
        error = answer.json()["error"]
        self.assertEqual(
            (error["code"], error["cells"], error["maxDataCells"]), ("too_many_cells", 9, 4)
        )
        self.assertIn("9", error["message"])
        self.assertEqual(self.data(**{"valuecodes[tahun]": "*"}).status_code, 200)

    def test_a_query_past_the_time_limit_is_a_503_not_the_callers_fault(self) -> None:
        from unittest import mock

        from satudata.datastore.query import QueryTimeout

        with mock.patch("satudata.datastore.pivot.cells", side_effect=QueryTimeout("berhenti")):
            answer = self.data()
        self.assertEqual((answer.status_code, answer.json()["error"]["code"]), (503, "timeout"))

    def test_a_long_list_of_codes_with_repeats_is_read_once_each(self) -> None:
        codes = ",".join(["2023", "2024"] * 2500)
        body = self.data(**{"valuecodes[tahun]": codes}).json()
        self.assertEqual(list(body["dimension"]["tahun"]["category"]["index"]), ["2023", "2024"])

    def test_every_output_format_carries_the_values(self) -> None:
        selection = {"valuecodes[kode_wilayah]": "18.10.01", "valuecodes[tahun]": "2023,2024"}
        text = self.data(outputFormat="csv", outputFormatParams="UseCodes", **selection)
        self.assertEqual(text["Content-Type"], "text/csv; charset=utf-8")
        rows = list(csv.reader(io.StringIO(text.content.decode("utf-8-sig"))))
        self.assertEqual(
            rows,
            [
                ["kode_wilayah", "tahun", "nilai"],
                ["18.10.01", "2023", "22"],
                ["18.10.01", "2024", "15"],
            ],
        )
        book = python_calamine.CalamineWorkbook.from_filelike(
            io.BytesIO(self.data(outputFormat="xlsx", **selection).content)
        )
        self.assertEqual(book.get_sheet_by_name("Tabel").to_python()[4][1:], [22.0, 15.0])
        html = self.data(outputFormat="html", **selection).content.decode()
        self.assertIn("<caption>", html)
        sdmx = list(
            csv.DictReader(
                io.StringIO(self.data(outputFormat="sdmx-csv", **selection).content.decode())
            )
        )
        self.assertEqual([r["OBS_VALUE"] for r in sdmx], ["22", "15"])
        px = self.data(outputFormat="px", **selection).content.decode()
        self.assertIn("DATA=\n22 15;", px)

    def test_post_takes_the_selection_and_placement_as_json(self) -> None:
        answer = self.client.post(
            f"/api/v1/tables/{self.dataset.slug}/data",
            json.dumps(
                {
                    "selection": [
                        {"variableCode": "tahun", "valueCodes": ["TOP(1)"]},
                        {"variableCode": "jenis_kelamin", "valueCodes": ["1", "2"]},
                    ],
                    "placement": {"stub": ["jenis_kelamin"], "heading": ["tahun"]},
                }
            ),
            content_type="application/json",
        )
        self.assertEqual(answer.status_code, 200, answer.content)
        body = answer.json()
        self.assertEqual(body["id"], ["jenis_kelamin", "tahun"])
        self.assertEqual(body["value"], [15, 9])

    def test_an_unreleased_version_is_404_to_the_public_and_shown_to_the_walidata(self) -> None:
        slug = self.unpublished.slug
        for path in ("", "/metadata", "/data"):
            with self.subTest(path):
                self.assertEqual(self.client.get(f"/api/v1/tables/{slug}{path}").status_code, 404)
        self.client.force_login(self.p.walidata)
        self.assertEqual(self.client.get(f"/api/v1/tables/{slug}/data").status_code, 200)

    def test_a_table_product_is_a_table_once_its_version_is_out(self) -> None:
        product = Product.objects.create(
            slug="penduduk-per-kecamatan",
            kind=ProductKind.TABLE,
            title="Penduduk per Kecamatan",
            agency=self.p.agency,
        )
        spec = {
            "sources": [{"dataset": self.dataset.slug, "version": 1}],
            "measures": ["jumlah"],
            "select": {"kode_wilayah": "*"},
            "title": "Penduduk per Kecamatan",
        }
        version = ProductVersion.objects.create(product=product, number=1, spec=spec)
        version.sources.add(self.dataset.versions.get())
        self.assertEqual(self.data("produk.penduduk-per-kecamatan").status_code, 404)
        # Before its release the administrator may read it, and the read is logged.
        self.client.force_login(self.p.admin)
        self.assertEqual(self.data("produk.penduduk-per-kecamatan").status_code, 200)
        read = PreReleaseView.objects.get()
        self.assertEqual((read.object_id, read.user), (version.pk, self.p.admin))
        self.client.logout()
        version.published_at = timezone.now()
        version.save()
        ids = [t["id"] for t in self.client.get("/api/v1/tables").json()["tables"]]
        self.assertIn("produk.penduduk-per-kecamatan", ids)
        body = self.data("produk.penduduk-per-kecamatan").json()
        self.assertEqual((body["label"], body["value"]), ("Penduduk per Kecamatan", [37, 16, 5]))
        metadata = self.client.get("/api/v1/tables/produk.penduduk-per-kecamatan/metadata").json()
        self.assertEqual([d["id"] for d in metadata["dimensions"]], ["kode_wilayah"])

    def test_the_operations_are_in_the_openapi_description(self) -> None:
        paths = self.client.get("/api/v1/openapi.json").json()["paths"]
        self.assertEqual(
            paths["/api/v1/tables/{table_id}/data"]["get"]["operationId"],
            "satudata_api_rest_get_table_data",
        )
        self.assertIn("post", paths["/api/v1/tables/{table_id}/data"])


class TablesListQueriesTests(PersonaTestCase):
    def add_tables(self, n: int) -> None:
        for i in range(n):
            dataset = population_table(self.p, name=f"Penduduk {Product.objects.count()}")
            product = Product.objects.create(
                slug=f"tabel-{Product.objects.count()}",
                kind=ProductKind.TABLE,
                title=f"Tabel {i}",
                agency=self.p.agency,
            )
            version = ProductVersion.objects.create(
                product=product, number=1, spec={}, published_at=timezone.now()
            )
            version.sources.add(dataset.versions.get())

    def queries(self) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            answer = self.client.get("/api/v1/tables")
        self.assertEqual(answer.status_code, 200)
        return len(captured)

    def test_the_list_takes_the_same_queries_however_many_tables(self) -> None:
        self.add_tables(1)
        self.queries()  # the day's first request also makes the usage counter's salt
        few = self.queries()
        self.add_tables(3)
        self.assertEqual(self.queries(), few)
        self.assertEqual(self.client.get("/api/v1/tables").json()["count"], 8)
