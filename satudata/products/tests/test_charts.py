from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
from typing import Any

from django.test import SimpleTestCase, override_settings

from satudata.products import charts
from satudata.products.errors import ProductError
from satudata.products.tests.chart_cubes import age_cube, population_cube

SVG = "{http://www.w3.org/2000/svg}"
BAR = {
    "mark": "bar",
    "x": "wilayah",
    "title": "Penduduk Kabupaten Pringsewu 2025",
    "alt_text": "Pagelaran Utara berpenduduk terbanyak.",
}


def texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)  # noqa: S314 - our own rendering
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


@override_settings(LANGUAGE_CODE="id")
class VegaLiteSpecTests(SimpleTestCase):
    def test_it_inlines_the_held_cells_with_title_unit_source_and_alt_text(self) -> None:
        spec = charts.vegalite_spec(population_cube(), BAR)
        self.assertTrue(spec["$schema"].endswith("/v6.json"))
        self.assertEqual(spec["description"], BAR["alt_text"])
        self.assertEqual(spec["title"]["text"], BAR["title"])
        self.assertIn("jiwa", " ".join(spec["title"]["subtitle"]))
        # Year held at the newest period, sex at its first value: 9 bars, 2025 laki-laki.
        rows = spec["vconcat"][0]["data"]["values"]
        self.assertEqual(len(rows), 9)
        self.assertEqual(rows[0]["value"], 1080.0)
        self.assertIn("Dinas Kependudukan", spec["vconcat"][1]["data"]["values"][0]["text"])
        self.assertEqual(spec["config"]["locale"]["number"]["decimal"], ",")

    def test_it_holds_a_dimension_at_the_value_the_filter_names(self) -> None:
        chart = {**BAR, "filter": {"tahun": "2023", "jk": "P"}}
        rows = charts.vegalite_spec(population_cube(), chart)["vconcat"][0]["data"]["values"]
        self.assertEqual(rows[0]["value"], 1010.0)

    def test_it_draws_the_first_side_of_a_pyramid_leftwards(self) -> None:
        chart = {"mark": "pyramid", "x": "umur", "color": "jk", "alt_text": "Piramida."}
        view = charts.vegalite_spec(age_cube(), chart)["vconcat"][0]
        men = [r for r in view["data"]["values"] if r["series"] == "Laki-laki"]
        women = [r for r in view["data"]["values"] if r["series"] == "Perempuan"]
        self.assertEqual(men[0]["value"], -5000.0)
        self.assertEqual(men[0]["size"], 5000.0)
        self.assertEqual(women[0]["value"], 5100.0)
        # The youngest group at the bottom.
        self.assertEqual(view["encoding"]["y"]["sort"][-1], "0-4")

    def test_it_refuses_a_pyramid_without_two_sides(self) -> None:
        chart = {"mark": "pyramid", "x": "umur", "alt_text": "Piramida."}
        with self.assertRaises(ProductError) as caught:
            charts.vegalite_spec(age_cube(), chart)
        self.assertEqual(caught.exception.field, "color")

    def test_it_places_each_kecamatan_on_its_tile(self) -> None:
        chart = {"mark": "tile-map", "x": "wilayah", "alt_text": "Peta petak."}
        view = charts.vegalite_spec(population_cube(), chart)["vconcat"][0]
        places = {r["category"]: (r["column"], r["row"]) for r in view["data"]["values"]}
        self.assertEqual(len(set(places.values())), 9)
        self.assertEqual(places["Pringsewu"], (1, 1))
        self.assertEqual(places["Pagelaran Utara"], (0, 0))

    def test_it_refuses_a_tile_map_of_regions_it_has_no_tile_for(self) -> None:
        cube = population_cube()
        cube.dimensions[0].categories[0] = (
            cube.dimensions[0].categories[0].__class__("18.71", "Kota")
        )
        with self.assertRaises(ProductError) as caught:
            charts.vegalite_spec(cube, {"mark": "tile-map", "x": "wilayah", "alt_text": "x"})
        self.assertEqual(caught.exception.field, "x")

    def test_it_refuses_a_non_numeric_measure(self) -> None:
        cube = population_cube()
        cube.values = ["banyak" if v is not None else None for v in cube.values]  # type: ignore[misc]
        with self.assertRaises(ProductError) as caught:
            charts.vegalite_spec(cube, BAR)
        self.assertEqual(caught.exception.field, "measure")

    def test_it_refuses_unknown_fields_values_and_marks(self) -> None:
        cases: list[tuple[dict[str, Any], str]] = [
            ({**BAR, "x": "kelurahan"}, "x"),
            ({**BAR, "color": "agama"}, "color"),
            ({**BAR, "filter": {"tahun": "1999"}}, "filter"),
            ({**BAR, "filter": {"bulan": "1"}}, "filter"),
            ({**BAR, "mark": "pie"}, "mark"),
            ({**BAR, "alt_text": "  "}, "alt_text"),
        ]
        for chart, field in cases:
            with self.subTest(field=field), self.assertRaises(ProductError) as caught:
                charts.vegalite_spec(population_cube(), chart)
            self.assertEqual(caught.exception.field, field)


@override_settings(LANGUAGE_CODE="id")
class ServerRenderTests(SimpleTestCase):
    def test_it_renders_the_spec_to_svg_with_its_title_and_indonesian_numbers(self) -> None:
        drawn = texts(charts.render_svg(population_cube(), BAR))
        self.assertIn(BAR["title"], drawn)
        self.assertIn("Pagelaran Utara", drawn)
        self.assertIn("8.000", drawn)  # thousands "." on the value axis

    def test_it_renders_the_spec_to_png(self) -> None:
        png = charts.render_png(population_cube(), BAR, scale=2)
        width, height = png_size(png)
        self.assertGreater(width, 2 * charts.WIDTH)
        self.assertGreater(height, 400)

    def test_it_renders_a_pyramid_and_a_tile_map(self) -> None:
        pyramid = {"mark": "pyramid", "x": "umur", "color": "jk", "alt_text": "Piramida."}
        drawn = texts(charts.render_svg(age_cube(), pyramid))
        self.assertIn("5.000", drawn)
        self.assertNotIn("−5.000", drawn)  # the left side's axis without the sign
        tiles = {"mark": "tile-map", "x": "wilayah", "alt_text": "Peta petak."}
        drawn = texts(charts.render_svg(population_cube(), tiles))
        self.assertIn("Gading Rejo", drawn)
        self.assertIn("9.080", drawn)
