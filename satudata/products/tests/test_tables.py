from __future__ import annotations

from typing import Any

from django.test import override_settings
from django.utils import timezone

from satudata.catalog.models import DatasetVersion
from satudata.core.testing import Personas, PersonaTestCase
from satudata.products import tables
from satudata.products.errors import ProductError
from satudata.products.models import Product, ProductKind, ProductVersion
from satudata.products.tests.tables_data import population_table


class BuildCubeTests(PersonaTestCase):
    version: DatasetVersion

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.version = population_table(cls.p).versions.get()

    def cube(self, **spec: Any) -> tables.Cube:
        return tables.build_cube([self.version], {"measures": ["jumlah"], **spec})

    def test_it_sums_kecamatan_by_year_as_computed_by_hand(self) -> None:
        cube = self.cube(select={"kode_wilayah": "*", "tahun": "*"})
        self.assertEqual(cube.stub, ["kode_wilayah"])
        self.assertEqual(cube.heading, ["tahun"])
        self.assertEqual(cube.size, [3, 3])
        # 18.10.01: 2023 10+12, 2024 11+4; 18.10.02: 2023 7, 2024 9; 18.10.03: 2022 5.
        self.assertEqual(cube.values, [None, 22, 15, None, 7, 9, 5, None, None])
        self.assertEqual(cube.status, {0: "...", 3: "...", 7: "...", 8: "..."})

    def test_it_names_regions_and_codes_from_the_reference_and_orders_time(self) -> None:
        cube = self.cube(select={"kode_wilayah": "*", "tahun": "*", "jenis_kelamin": "*"})
        region, year, sex = (cube.dimension(d) for d in ("kode_wilayah", "tahun", "jenis_kelamin"))
        self.assertEqual(
            [c.label for c in region.categories], ["Pringsewu", "Gading Rejo", "Ambarawa"]
        )
        self.assertEqual((region.role, year.role, sex.role), ("region", "time", "code"))
        self.assertEqual([c.code for c in year.categories], ["2022", "2023", "2024"])
        self.assertEqual([c.label for c in sex.categories], ["Laki-laki", "Perempuan"])
        self.assertEqual([c.code for c in sex.categories], ["1", "2"])  # MS-Var codes

    def test_each_aggregate_matches_a_hand_computation(self) -> None:
        expected = {"sum": [22, 15], "mean": [11, 7.5], "count": [2, 2], "min": [10, 4]}
        expected["max"] = [12, 11]
        for function, values in expected.items():
            with self.subTest(function):
                cube = self.cube(
                    select={"tahun": ["2023", "2024"]},
                    filters={"kode_wilayah": ["18.10.01"]},
                    aggregate=function,
                )
                self.assertEqual(cube.values, values)

    def test_a_count_of_no_rows_is_zero_not_missing(self) -> None:
        cube = self.cube(select={"kode_wilayah": ["18.10.03"], "tahun": "*"}, aggregate="count")
        self.assertEqual(cube.values, [1, 0, 0])
        self.assertEqual(cube.status, {})

    def test_selection_expressions_pick_values_in_order(self) -> None:
        cases = {
            "*": ["2022", "2023", "2024"],
            "TOP(2)": ["2023", "2024"],
            "BOTTOM(1)": ["2022"],
            "RANGE(2022,2023)": ["2022", "2023"],
            "range(2024, 2023)": ["2023", "2024"],
        }
        for expression, codes in cases.items():
            with self.subTest(expression):
                cube = self.cube(select={"tahun": expression})
                self.assertEqual([c.code for c in cube.dimension("tahun").categories], codes)
        listed = self.cube(select={"tahun": ["2024", "2022"]})
        self.assertEqual([c.code for c in listed.dimension("tahun").categories], ["2024", "2022"])
        self.assertEqual(listed.values, [24, 5])

    def test_top_of_a_dimension_that_is_not_time_takes_the_first_values(self) -> None:
        cube = self.cube(select={"kode_wilayah": "TOP(2)"})
        self.assertEqual(
            [c.code for c in cube.dimension("kode_wilayah").categories], ["18.10.01", "18.10.02"]
        )

    def test_bad_selections_name_the_dimension(self) -> None:
        cases: list[tuple[dict[str, Any], str]] = [
            ({"select": {"desa": "*"}}, "select.desa"),
            ({"select": {"tahun": ["2019"]}}, "select.tahun"),
            ({"select": {"tahun": "TOP(0)"}}, "select.tahun"),
            ({"select": {"tahun": "RANGE(2022)"}}, "select.tahun"),
            ({"select": {"tahun": []}}, "select.tahun"),
            ({"measures": ["kode_wilayah"]}, "measures"),
            ({"measures": ["tidak_ada"]}, "measures"),
            ({"measures": []}, "measures"),
            ({"aggregate": "median", "select": {"tahun": "*"}}, "aggregate"),
            ({"select": {"tahun": "*"}, "stub": ["tahun"], "heading": ["tahun"]}, "stub"),
            ({"select": {"tahun": "*"}, "heading": ["desa"]}, "heading"),
            ({"select": {}}, "select"),
            ({"filters": {"desa": ["x"]}, "select": {"tahun": "*"}}, "filters"),
            ({"filters": {"tahun": ["dua ribu"]}, "select": {"tahun": "*"}}, "filters"),
        ]
        for spec, field in cases:
            with self.subTest(spec):
                with self.assertRaises(ProductError) as raised:
                    tables.build_cube([self.version], {"measures": ["jumlah"], **spec})
                self.assertEqual(raised.exception.field, field)
                self.assertTrue(raised.exception.message)

    @override_settings(TABLE_MAX_CELLS=8)
    def test_a_selection_over_the_cell_cap_is_refused_with_both_numbers(self) -> None:
        self.cube(select={"kode_wilayah": "*", "tahun": ["2023", "2024"]})  # 6 cells
        with self.assertRaises(tables.TooManyCells) as raised:
            self.cube(select={"kode_wilayah": "*", "tahun": "*"})
        self.assertEqual((raised.exception.cells, raised.exception.cap), (9, 8))
        self.assertIn("9", raised.exception.message)

    def test_several_measures_make_a_measure_dimension_across_the_top(self) -> None:
        cube = self.cube(
            measures=["jumlah", {"column": "luas", "label": "Luas lahan", "unit": "ha"}],
            select={"tahun": ["2023"]},
            decimals=1,
        )
        self.assertEqual(cube.heading, ["tahun", "measure"])
        self.assertEqual(
            [(c.code, c.label, c.note) for c in cube.dimension("measure").categories],
            [("jumlah", "Jumlah", ""), ("luas", "Luas lahan", "ha")],
        )
        self.assertEqual(cube.values, [29, 4.5])

    def test_placement_puts_unplaced_dimensions_down_the_side(self) -> None:
        cube = self.cube(
            select={"kode_wilayah": "*", "tahun": "*", "jenis_kelamin": "*"},
            heading=["jenis_kelamin"],
        )
        self.assertEqual(cube.stub, ["kode_wilayah", "tahun"])
        self.assertEqual(
            [d.id for d in cube.dimensions], ["kode_wilayah", "tahun", "jenis_kelamin"]
        )
        self.assertEqual(cube.values[2:4], [10, 12])  # 18.10.01, 2023: men, women

    def test_notes_reach_the_table_the_dimensions_the_values_and_the_cells(self) -> None:
        cube = self.cube(
            select={"kode_wilayah": "*", "tahun": "*"},
            title="Penduduk",
            notes={
                "table": "Data contoh.",
                "dimensions": {"tahun": "Akhir tahun."},
                "categories": {"tahun": {"2024": "Sementara."}},
                "cells": [
                    {"at": {"kode_wilayah": "18.10.02", "tahun": "2024"}, "text": "Estimasi."},
                    {"at": {"kode_wilayah": "18.10.09", "tahun": "2024"}, "text": "Not shown."},
                ],
            },
        )
        self.assertEqual((cube.title, cube.notes), ("Penduduk", ["Data contoh."]))
        self.assertEqual(cube.dimension("tahun").note, "Akhir tahun.")
        self.assertEqual(cube.dimension("tahun").categories[2].note, "Sementara.")
        self.assertEqual(cube.cell_notes, {5: "Estimasi."})

    def test_the_default_title_source_and_update_come_from_the_data(self) -> None:
        cube = self.cube(select={"kode_wilayah": "*", "tahun": "*"})
        self.assertEqual(cube.title, "Jumlah menurut Kode Wilayah dan Tahun")
        self.assertIn("versi 1", cube.source)
        published = self.version.published_at
        assert published is not None
        self.assertEqual(cube.updated, timezone.localtime(published).isoformat())
        self.assertTrue(cube.updated.endswith("+07:00"))  # WIB
        self.assertEqual(cube.extra["sources"][0]["version"], 1)

    def test_the_same_spec_gives_the_same_cube(self) -> None:
        spec = {"select": {"kode_wilayah": "*", "tahun": "TOP(2)"}}
        self.assertEqual(self.cube(**spec), self.cube(**spec))


class CoverTests(PersonaTestCase):
    def test_contact_and_next_update_come_from_the_walidata_and_the_release_calendar(self) -> None:
        import datetime as dt

        from django.utils import timezone

        from satudata.core.models import SiteProfile
        from satudata.releases.models import Precision
        from satudata.releases.services import plan_entry

        SiteProfile.objects.create(
            site_name="Uji",
            regency_name="Kabupaten Uji",
            walidata_name="Diskominfo Uji",
            email="data@uji.invalid",
        )
        version = population_table(self.p).versions.get()
        spec = {"measures": ["jumlah"], "select": {"tahun": "*"}}
        self.assertEqual(tables.build_cube([version], spec).extra["next_update"], "")
        planned = timezone.make_aware(dt.datetime(timezone.localdate().year + 1, 3, 15, 10))
        plan_entry(
            actor=self.p.walidata,
            title="Penduduk tahun depan",
            agency=self.p.agency,
            planned_at=planned,
            precision=Precision.MONTH,
            item=version.dataset.item,
        )
        extra = tables.build_cube([version], spec).extra
        self.assertEqual(extra["contact"], "Diskominfo Uji, data@uji.invalid")
        self.assertEqual(extra["next_update"], f"Maret {planned.year}")
        given = tables.build_cube([version], {**spec, "contact": "Bidang Statistik"})
        self.assertEqual(given.extra["contact"], "Bidang Statistik")


class DimensionsOfTests(PersonaTestCase):
    def test_it_offers_the_columns_as_dimensions_and_the_numbers_as_measures(self) -> None:
        version = population_table(self.p).versions.get()
        offered = tables.dimensions_of(version)
        self.assertEqual(
            [(d.id, d.role) for d in offered],
            [
                ("kode_wilayah", "region"),
                ("tahun", "time"),
                ("jenis_kelamin", "code"),
                ("measure", "measure"),
            ],
        )
        self.assertEqual([c.code for c in offered[1].categories], ["2022", "2023", "2024"])
        self.assertEqual([c.code for c in offered[-1].categories], ["jumlah", "luas"])


def released_table_product(p: Personas) -> tuple[Product, ProductVersion]:
    """A table product made the real way: composed over a published dataset, its version
    generated by ``tables.files_for`` and released."""
    from satudata.products import generation
    from satudata.products.testing import product
    from satudata.releases.testing import release

    dataset = population_table(p)
    item = product(
        actor=p.walidata,
        agency=p.agency,
        title="Penduduk per Kecamatan (data contoh)",
        spec={
            "sources": [{"dataset": dataset.slug, "version": 1}],
            "measures": ["jumlah"],
            "select": {"kode_wilayah": "*", "tahun": "*"},
            "stub": ["kode_wilayah"],
            "heading": ["tahun"],
            "title": "Penduduk menurut Kecamatan dan Tahun (data contoh)",
            "notes": {"table": ["Angka contoh, bukan data resmi."]},
        },
    )
    version = generation.new_version(p.walidata, item)
    generation.run_generation(version.pk)
    release(version, kepala_bidang=p.kepala_bidang, walidata=p.walidata)
    version.refresh_from_db()
    return item, version


class TableProductTests(PersonaTestCase):
    def test_the_generator_makes_every_file_and_the_page_draws_the_table(self) -> None:
        from satudata.products.models import Generation

        item, version = released_table_product(self.p)
        self.assertEqual((version.generation, version.generation_error), (Generation.DONE, ""))
        self.assertEqual(
            sorted(version.files.values_list("format", flat=True)),
            ["csv", "html", "json-stat", "pdf", "png", "sdmx-csv", "xlsx"],
        )
        page = self.client.get(f"/produk/{item.slug}/")
        self.assertContains(page, '<table class="tabel-statistik" id="tabel">')
        self.assertContains(page, '<th id="tabel-r0-0" scope="row" headers="tabel-s0">Pringsewu')

    def test_a_table_products_files_are_every_format_from_its_frozen_spec(self) -> None:
        dataset = population_table(self.p)
        product = Product.objects.create(
            slug="penduduk", kind=ProductKind.TABLE, title="Penduduk", agency=self.p.agency
        )
        spec = {
            "sources": [{"dataset": dataset.slug, "version": 1}],
            "measures": ["jumlah"],
            "select": {"kode_wilayah": ["18.10.02"], "tahun": "TOP(1)"},
        }
        version = ProductVersion.objects.create(product=product, number=1, spec=spec)
        version.sources.add(dataset.versions.get())
        self.assertEqual(tables.cube_for(version).values, [9])
        steps: list[int] = []
        files = tables.files_for(version, lambda percent, label: steps.append(percent))
        self.assertEqual(
            [f.format for f in files],
            ["html", "csv", "xlsx", "json-stat", "sdmx-csv", "pdf", "png"],
        )
        self.assertEqual(files[1].name, "penduduk-v1.csv")
        self.assertEqual((steps[0], steps[-1]), (5, 100))
        self.assertEqual(steps, sorted(steps))

    def test_codes_written_as_numbers_are_ordered_as_numbers(self) -> None:
        from satudata.catalog.testing import published_table

        dataset = published_table(
            self.p,
            "Rukun Tetangga",
            [["10", 1], ["2", 2], ["1", 3], ["B", 4]],
            columns=[("Nomor RT", "text"), ("Jumlah", "int")],
        )
        offered = tables.dimensions_of(dataset.versions.get())
        self.assertEqual([c.code for c in offered[0].categories], ["1", "2", "10", "B"])
