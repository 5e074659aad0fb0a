from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from typing import Any

import pypdf
import python_calamine
from django.test import SimpleTestCase
from jsonstat_validator import validate_jsonstat  # type: ignore[import-untyped]

from satudata.products import formats
from satudata.products.errors import ProductError
from satudata.products.formats import html_table, typst_table
from satudata.products.tests.cubes import sample_cube

BOM = "\ufeff"


def rendered(fmt: str, **options: object) -> bytes:
    content = formats.render(sample_cube(), fmt, **options).content
    assert isinstance(content, bytes)
    return content


class CsvTests(SimpleTestCase):
    def test_it_writes_one_row_per_cell_with_codes_and_labels_after_a_bom(self) -> None:
        text = rendered("csv").decode()
        self.assertTrue(text.startswith(BOM))
        rows = list(csv.reader(io.StringIO(text[1:])))
        self.assertEqual(
            rows[0],
            [
                "kecamatan",
                "kecamatan_label",
                "tahun",
                "tahun_label",
                "jenis_kelamin",
                "jenis_kelamin_label",
                "nilai",
            ],
        )
        self.assertEqual(len(rows), 9)
        self.assertEqual(
            rows[1], ["18.10.01", "Pringsewu", "2023", "2023", "1", "Laki-laki", "1000.5"]
        )
        self.assertEqual(rows[4][-1], "")  # the missing cell
        self.assertEqual(rows[8][-1], "12345678")

    def test_codes_only_labels_only_and_the_indonesian_separator(self) -> None:
        codes = list(csv.reader(io.StringIO(rendered("csv", labels="codes").decode()[1:])))
        self.assertEqual(codes[0], ["kecamatan", "tahun", "jenis_kelamin", "nilai"])
        labels = list(csv.reader(io.StringIO(rendered("csv", labels="labels").decode()[1:])))
        self.assertEqual(labels[1], ["Pringsewu", "2023", "Laki-laki", "1000.5"])
        semicolon = rendered("csv", separator=";").decode()
        self.assertIn("Laki-laki;1000,5", semicolon)

    def test_an_unknown_label_choice_is_refused(self) -> None:
        with self.assertRaises(ProductError):
            rendered("csv", labels="semua")


class XlsxTests(SimpleTestCase):
    def setUp(self) -> None:
        self.book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(rendered("xlsx")))

    def rows(self, sheet: str) -> list[list[Any]]:
        return self.book.get_sheet_by_name(sheet).to_python()

    def test_the_cover_comes_first_with_title_source_contact_and_next_update(self) -> None:
        self.assertEqual(self.book.sheet_names, ["Sampul", "Catatan", "Tabel", "Data"])
        cover = {row[0]: row[1] for row in self.rows("Sampul")[2:] if row[0]}
        self.assertEqual(self.rows("Sampul")[0][0], sample_cube().title)
        self.assertEqual(cover["Sumber"], "Dinas Kependudukan, Penduduk (versi 1)")
        self.assertEqual(cover["Kontak"], "walidata@contoh.invalid")
        self.assertEqual(cover["Pembaruan berikutnya"], "2026-12-01")

    def test_the_presented_table_holds_the_values_under_their_headings(self) -> None:
        rows = self.rows("Tabel")
        self.assertEqual(rows[0][0], sample_cube().title)
        self.assertEqual(rows[3], ["Tahun", "2023", "2023", "2024", "2024"])
        self.assertEqual(rows[4], ["Kecamatan", "Laki-laki", "Perempuan", "Laki-laki", "Perempuan"])
        self.assertEqual(rows[5], ["Pringsewu", 1000.5, 2.0, 3.0, "..."])
        self.assertEqual(rows[6], ["Gading Rejo", 5.0, 6.0, 7.0, 12345678.0])

    def test_the_reuse_sheet_is_tidy_and_the_notes_sheet_lists_every_note(self) -> None:
        data = self.rows("Data")
        self.assertEqual(data[0][-2:], ["nilai", "status"])
        self.assertEqual(len(data), 9)
        self.assertEqual(data[4][-2:], ["", "..."])
        notes = [row[1] for row in self.rows("Catatan")[3:]]
        self.assertIn("Data contoh, bukan data resmi.", notes)
        self.assertIn("Estimasi.", notes)
        self.assertIn("2024: Angka sementara.", notes)

    def test_numbers_carry_a_thousands_separator_format(self) -> None:
        from zipfile import ZipFile

        styles = ZipFile(io.BytesIO(rendered("xlsx"))).read("xl/styles.xml").decode()
        self.assertIn('formatCode="#,##0.0"', styles)


class JsonStatTests(SimpleTestCase):
    def test_it_is_valid_json_stat_2_with_the_values_in_row_major_order(self) -> None:
        body = json.loads(rendered("json-stat"))
        self.assertTrue(validate_jsonstat(body))
        self.assertEqual((body["version"], body["class"]), ("2.0", "dataset"))
        self.assertEqual(body["id"], ["kecamatan", "tahun", "jenis_kelamin"])
        self.assertEqual(body["size"], [2, 2, 2])
        self.assertEqual(body["value"], [1000.5, 2, 3, None, 5, 6, 7, 12345678])
        self.assertEqual(body["status"], {"3": "..."})
        category = body["dimension"]["kecamatan"]["category"]
        self.assertEqual(category["index"], {"18.10.01": 0, "18.10.02": 1})
        self.assertEqual(category["label"]["18.10.02"], "Gading Rejo")
        self.assertEqual(body["role"], {"geo": ["kecamatan"], "time": ["tahun"]})
        self.assertEqual(
            body["dimension"]["tahun"]["category"]["note"], {"2024": ["Angka sementara."]}
        )
        self.assertEqual(body["note"], ["Data contoh, bukan data resmi."])
        self.assertEqual(body["updated"], "2026-01-02T03:04:05+00:00")
        self.assertEqual(body["extension"]["satudata"]["unit"], "jiwa")

    def test_a_measure_dimension_carries_the_units(self) -> None:
        from satudata.products.cube import Category, Dimension
        from satudata.products.formats import jsonstat

        cube = sample_cube()
        cube.dimensions[2] = Dimension(
            "measure",
            "Ukuran",
            "measure",
            [Category("jumlah", "Jumlah", "jiwa"), Category("luas", "Luas", "ha")],
        )
        cube.heading = ["tahun", "measure"]
        body = jsonstat.dataset(cube)
        self.assertTrue(validate_jsonstat(body))
        self.assertEqual(body["role"]["metric"], ["measure"])
        self.assertEqual(body["dimension"]["measure"]["category"]["unit"]["luas"]["label"], "ha")


class SdmxCsvTests(SimpleTestCase):
    def test_it_writes_the_structure_columns_then_dimensions_and_obs_value(self) -> None:
        rows = list(csv.DictReader(io.StringIO(rendered("sdmx-csv").decode())))
        self.assertEqual(
            list(rows[0]),
            [
                "STRUCTURE",
                "STRUCTURE_ID",
                "ACTION",
                "KECAMATAN",
                "TAHUN",
                "JENIS_KELAMIN",
                "OBS_VALUE",
                "UNIT_MEASURE",
            ],
        )
        self.assertEqual(len(rows), 8)
        self.assertEqual(
            rows[0],
            rows[0]
            | {
                "STRUCTURE": "dataflow",
                "STRUCTURE_ID": "SATUDATA:PENDUDUK_CONTOH(1.0)",
                "KECAMATAN": "18.10.01",
                "OBS_VALUE": "1000.5",
            },
        )
        self.assertEqual(rows[3]["OBS_VALUE"], "NaN")
        self.assertEqual(float(rows[7]["OBS_VALUE"]), 12345678)

    def test_labels_both_write_code_and_name(self) -> None:
        rows = list(csv.DictReader(io.StringIO(rendered("sdmx-csv", labels="both").decode())))
        self.assertEqual(rows[0]["KECAMATAN"], "18.10.01: Pringsewu")


class PxTests(SimpleTestCase):
    def keywords(self) -> dict[str, str]:
        import re

        text = rendered("px").decode()
        return {
            m[1]: m[2]
            for m in re.finditer(r'^([A-Z-]+(?:\("[^"]*"\))?)=(.*?);$', text, re.M | re.S)
        }

    def test_it_has_the_keywords_a_px_reader_requires_and_the_data_in_stub_order(self) -> None:
        found = self.keywords()
        for keyword in ("MATRIX", "SUBJECT-CODE", "SUBJECT-AREA", "TITLE", "CONTENTS", "UNITS"):
            self.assertIn(keyword, found)
        self.assertEqual(found["STUB"], '"Kecamatan"')
        self.assertEqual(found["HEADING"], '"Tahun","Jenis Kelamin"')
        self.assertEqual(found['VALUES("Kecamatan")'], '"Pringsewu","Gading Rejo"')
        self.assertEqual(found['CODES("Kecamatan")'], '"18.10.01","18.10.02"')
        self.assertEqual(found["DECIMALS"], "1")
        rows = found["DATA"].strip().splitlines()
        self.assertEqual(rows, ['1000.5 2 3 ".."', "5 6 7 12345678"])


class HtmlTests(SimpleTestCase):
    def setUp(self) -> None:
        fragment = f"<root>{html_table.table_html(sample_cube(), 't')}</root>"
        self.root = ET.fromstring(fragment)  # noqa: S314 - our own markup

    def test_it_has_a_caption_and_scoped_headers(self) -> None:
        table = self.root.find("table")
        assert table is not None
        self.assertIn(sample_cube().title, "".join(table.find("caption").itertext()))  # type: ignore[union-attr]
        scopes = [th.get("scope") for th in table.iter("th")]
        self.assertNotIn(None, scopes)
        self.assertEqual(scopes.count("colgroup"), 2)
        self.assertEqual(scopes.count("row"), 2)

    def test_every_data_cell_names_existing_headers_of_its_row_and_columns(self) -> None:
        ids = {th.get("id"): "".join(th.itertext()) for th in self.root.iter("th")}
        cells = list(self.root.iter("td"))
        self.assertEqual(len(cells), 8)
        last = cells[-1]
        named = [ids[h] for h in last.get("headers", "").split()]
        self.assertEqual(named, ["Gading Rejo", "2024", "Perempuan"])
        self.assertEqual("".join(last.itertext()), "12.345.678,0")

    def test_notes_are_footnotes_linked_from_the_cell(self) -> None:
        link = self.root.find(".//td/sup/a")
        assert link is not None
        target = link.get("href", "")[1:]
        note = next(li for li in self.root.iter("li") if li.get("id") == target)
        self.assertIn("Estimasi.", "".join(note.itertext()))
        text = "".join(self.root.itertext())
        self.assertIn("Sumber: Dinas Kependudukan", text)
        self.assertIn("Keadaan akhir tahun.", text)

    def test_the_page_is_a_whole_document_in_indonesian(self) -> None:
        page = rendered("html").decode()
        self.assertTrue(page.startswith("<!DOCTYPE html>"))
        self.assertIn('<html lang="id">', page)

    def test_text_is_escaped(self) -> None:
        cube = sample_cube()
        cube.title = "<script>alert(1)</script>"
        self.assertNotIn("<script>", html_table.table_html(cube))


class TypstTests(SimpleTestCase):
    def test_the_pdf_holds_the_table_text_with_indonesian_numbers(self) -> None:
        reader = pypdf.PdfReader(io.BytesIO(rendered("pdf")))
        text = " ".join(page.extract_text() for page in reader.pages)
        for expected in ("Pringsewu", "Gading Rejo", "1.000,5", "12.345.678,0", "Sumber"):
            self.assertIn(expected, text)

    def test_the_png_is_an_image_and_the_same_cube_gives_the_same_pdf(self) -> None:
        self.assertTrue(rendered("png").startswith(b"\x89PNG\r\n\x1a\n"))
        self.assertEqual(rendered("pdf"), rendered("pdf"))

    def test_markup_escapes_text_and_is_a_table_figure(self) -> None:
        cube = sample_cube()
        cube.title = "Tabel #1 [uji] *tebal*"
        markup = typst_table.table_markup(cube)
        self.assertIn("kind: table", markup)
        self.assertIn("Tabel \\#1 \\[uji\\] \\*tebal\\*", markup)

    def test_an_unknown_format_is_refused(self) -> None:
        with self.assertRaises(ProductError) as raised:
            rendered("docx")
        self.assertEqual(raised.exception.field, "format")


class PlacementTests(SimpleTestCase):
    def test_every_format_renders_a_table_with_nothing_down_the_side_or_across(self) -> None:
        from satudata.products.cube import Category, Cube, Dimension

        region = Dimension(
            "kecamatan",
            "Kecamatan",
            "region",
            [Category("1", "Pringsewu"), Category("2", "Ambarawa")],
        )
        for stub, heading in ((["kecamatan"], []), ([], ["kecamatan"])):
            cube = Cube("Uji", [region], stub, heading, [1, None], unit="jiwa", status={1: "..."})
            for fmt in formats.FORMATS:
                with self.subTest(stub=stub, fmt=fmt):
                    content = formats.render(cube, fmt).content
                    self.assertTrue(content)
            body = json.loads(formats.render(cube, "json-stat").content)  # type: ignore[arg-type]
            self.assertTrue(validate_jsonstat(body))
            cells = ET.fromstring(f"<r>{html_table.table_html(cube)}</r>").iter("td")  # noqa: S314
            self.assertEqual(["".join(td.itertext()) for td in cells], ["1", "..."])
