"""The quick chart's numbers: grouped by the server through the datastore, regions by name, the
preview's filters applied, bad choices refused with the parameter named, and the gate kept."""

from __future__ import annotations

from typing import Any
from unittest import mock

from django.test import SimpleTestCase
from django.urls import reverse

from satudata.catalog.models import Dataset
from satudata.catalog.testing import published_table, table_dataset
from satudata.core.testing import PersonaTestCase
from satudata.datastore import query as datastore
from satudata.portal import charts


class ChartTests(PersonaTestCase):
    by_place: Dataset
    by_year: Dataset

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.by_place = published_table(
            cls.p,
            "Jumlah Puskesmas",
            columns=[("Kode Wilayah", "region"), ("Jenis", "text"), ("Jumlah", "int")],
            rows=[
                ["18.10.01", "Rawat Inap", 2],
                ["18.10.02", "Rawat Inap", 3],
                ["18.10.02", "Non Rawat Inap", 1],
                ["18.10.05", "Non Rawat Inap", 4],
                ["18.10.03", "Non Rawat Inap", 2],
            ],
        )
        cls.by_year = published_table(
            cls.p,
            "Angka Partisipasi Sekolah",
            columns=[("Tahun", "year"), ("APS", "dec")],
            rows=[[2024, "97,5"], [2022, "95,1"], [2023, "96,0"], [2023, "98,0"]],
        )

    def chart(self, slug: str, **params: Any) -> Any:
        return self.client.get(reverse("portal:chart", args=[slug, 1]), params)

    def test_bars_are_regions_by_name_largest_first_and_ties_by_code(self) -> None:
        drawn = self.chart(
            self.by_place.slug, ukuran="jumlah", menurut="kode_wilayah", fungsi="sum"
        ).json()
        self.assertEqual(drawn["mark"], "bar")
        self.assertEqual(
            [(v["key"], v["label"], v["value"]) for v in drawn["values"]],
            [
                ("18.10.02", "Gading Rejo", 4),
                ("18.10.05", "Pagelaran", 4),
                ("18.10.01", "Pringsewu", 2),
                ("18.10.03", "Ambarawa", 2),
            ],
        )
        self.assertEqual((drawn["groups"], drawn["truncated"]), (4, False))
        self.assertEqual(drawn["by_title"], "Wilayah")
        self.assertTrue(drawn["whole"])

    def test_the_preview_filters_and_the_function_apply(self) -> None:
        drawn = self.chart(
            self.by_place.slug,
            ukuran="jumlah",
            menurut="jenis",
            fungsi="max",
            **{"f.kode_wilayah": "18.10.02"},
        ).json()
        self.assertEqual(
            [(v["label"], v["value"]) for v in drawn["values"]],
            [("Rawat Inap", 3), ("Non Rawat Inap", 1)],
        )

    def test_a_year_column_draws_a_line_in_time_order_and_averages_stay_fractional(self) -> None:
        drawn = self.chart(self.by_year.slug, ukuran="aps", menurut="tahun", fungsi="avg").json()
        self.assertEqual(drawn["mark"], "line")
        self.assertEqual(
            [(v["key"], v["value"]) for v in drawn["values"]],
            [(2022, 95.1), (2023, 97.0), (2024, 97.5)],
        )
        self.assertFalse(drawn["whole"])

    def test_many_groups_are_cut_to_the_largest_and_the_answer_says_so(self) -> None:
        with mock.patch.object(charts, "MAX_GROUPS", 2):
            drawn = self.chart(self.by_place.slug, ukuran="jumlah", menurut="kode_wilayah")
        body = drawn.json()
        self.assertEqual([v["value"] for v in body["values"]], [4, 4])
        self.assertEqual((body["groups"], body["truncated"]), (4, True))

    def test_bad_choices_are_400_naming_the_parameter(self) -> None:
        slug = self.by_place.slug
        for params, field in [
            ({"ukuran": "jenis", "menurut": "kode_wilayah"}, "ukuran"),  # text is not a measure
            ({"ukuran": "jumlah", "menurut": "jumlah"}, "menurut"),  # nor a number a group
            ({"ukuran": "jumlah", "menurut": "jenis", "fungsi": "median;drop"}, "fungsi"),
            ({"ukuran": "jumlah", "menurut": "jenis", "f.nope": "x"}, "filters"),
        ]:
            answer = self.chart(slug, **params)
            self.assertEqual(answer.status_code, 400, params)
            self.assertEqual(answer.json()["error"]["code"], field, params)
            self.assertIn(answer.json()["error"]["message"][:6], answer.content.decode())

    def test_the_page_offers_measures_and_groups_with_averages_for_rates(self) -> None:
        page = self.client.get(reverse("portal:dataset", args=[self.by_place.slug]))
        self.assertContains(page, 'id="chart-measure"')
        self.assertContains(page, '<option value="jumlah">Jumlah</option>', html=True)
        self.assertContains(page, "build/chart.js")
        found = charts.choices(
            {
                "rasio": {"id": "rasio", "data_type": "decimal", "info": {"unit": "persen"}},
                "jumlah": {"id": "jumlah", "data_type": "integer", "info": {"unit": "orang"}},
            }
        )
        self.assertEqual(found.default_function(found.measures[0]), "avg")
        self.assertEqual(found.default_function(found.measures[1]), "sum")
        self.assertFalse(found.drawable)  # nothing to group by: no chart section
        only_numbers = published_table(self.p, "Satu Angka", [[1]], columns=[("Nilai", "int")])
        page = self.client.get(reverse("portal:dataset", args=[only_numbers.slug]))
        self.assertNotContains(page, 'id="chart"')
        self.assertNotContains(page, "build/chart.js")

    def test_the_gate_keeps_an_unpublished_table_s_numbers(self) -> None:
        hidden = table_dataset(
            actor=self.p.walidata,
            agency=self.p.agency,
            name="Belum Terbit",
            columns=[("Jenis", "text"), ("Jumlah", "int")],
            rows=[["A", 1]],
        )
        params = {"ukuran": "jumlah", "menurut": "jenis"}
        self.assertEqual(self.chart(hidden.slug, **params).status_code, 404)
        self.client.force_login(self.p.walidata)
        self.assertEqual(self.chart(hidden.slug, **params).json()["values"][0]["value"], 1)


class ChoiceOrderTests(SimpleTestCase):
    def test_region_comes_before_text_and_year_as_the_default_group(self) -> None:
        found = charts.choices(
            {
                datastore.ROW_ID: {"id": datastore.ROW_ID, "data_type": "integer"},
                "tahun": {"id": "tahun", "data_type": "year"},
                "jenis": {"id": "jenis", "data_type": "text"},
                "wilayah": {"id": "wilayah", "data_type": "region"},
            }
        )
        self.assertEqual([c["id"] for c in found.dimensions], ["wilayah", "jenis", "tahun"])
        self.assertEqual(found.measures, [])
