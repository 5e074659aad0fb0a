from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path

import pyarrow as pa  # type: ignore[import-untyped]
import python_calamine
from django.test import SimpleTestCase

from satudata.core import spreadsheets
from satudata.core.spreadsheets import INDONESIAN, STANDARD, Workbook, csv_bytes, csv_text
from satudata.core.testing import xlsx_cells

PAYLOADS = ['=HYPERLINK("http://x")', "+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", "- catatan", "-"]


class SafeCellTests(SimpleTestCase):
    def test_it_prefixes_every_text_a_spreadsheet_would_run(self) -> None:
        for payload in PAYLOADS:
            with self.subTest(payload=payload):
                self.assertEqual(spreadsheets.safe_cell(payload), "'" + payload)

    def test_it_leaves_other_text_and_typed_numbers_alone(self) -> None:
        for value in ("Pringsewu", "1+1", " =1", "18.10.02", "", -5, -2.5, Decimal("-1"), None):
            with self.subTest(value=value):
                self.assertEqual(spreadsheets.safe_cell(value), value)


class CsvTests(SimpleTestCase):
    def read(self, content: bytes, delimiter: str = ",") -> list[list[str]]:
        self.assertTrue(content.startswith(spreadsheets.BOM))
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=delimiter))

    def test_it_writes_text_payloads_with_an_apostrophe_and_numbers_as_numbers(self) -> None:
        rows = self.read(csv_bytes(["nama", "nilai"], [[p, -5] for p in PAYLOADS]))
        self.assertEqual(rows[0], ["nama", "nilai"])
        self.assertEqual([row[0] for row in rows[1:]], ["'" + p for p in PAYLOADS])
        self.assertEqual({row[1] for row in rows[1:]}, {"-5"})

    def test_it_neutralises_a_hostile_header_too(self) -> None:
        self.assertEqual(self.read(csv_bytes(["=1+1"], []))[0], ["'=1+1"])

    def test_the_indonesian_dialect_separates_with_semicolons_and_decimal_commas(self) -> None:
        content = csv_bytes(
            ["wilayah", "nilai", "jumlah"],
            [["Pringsewu; Kota", 1234.5, 1234567], ["Gadingrejo", Decimal("0.25"), -3]],
            INDONESIAN,
        )
        self.assertEqual(
            self.read(content, ";"),
            [
                ["wilayah", "nilai", "jumlah"],
                ["Pringsewu; Kota", "1234,5", "1234567"],
                ["Gadingrejo", "0,25", "-3"],
            ],
        )
        self.assertIn(b'"Pringsewu; Kota";1234,5;1234567\r\n', content)

    def test_values_are_written_plainly(self) -> None:
        self.assertEqual(csv_text(None), "")
        self.assertEqual(csv_text(True), "true")
        self.assertEqual(csv_text(3.0), "3")
        self.assertEqual(csv_text(float("nan")), "")
        self.assertEqual(csv_text(dt.date(2025, 1, 31)), "2025-01-31")
        self.assertEqual(csv_text(1234.5, INDONESIAN), "1234,5")
        self.assertEqual(csv_text(1234.5, STANDARD), "1234.5")

    def test_it_streams_in_chunks_that_join_to_the_whole_file(self) -> None:
        rows = [[f"baris {n}", n] for n in range(20_000)]
        chunks = list(spreadsheets.csv_chunks(["a", "b"], rows))
        self.assertGreater(len(chunks), 3)
        self.assertEqual(b"".join(chunks), csv_bytes(["a", "b"], rows))


class ArrowCsvTests(SimpleTestCase):
    """The column-at-a-time writer for stored tables follows the same rules as the row one."""

    def test_it_writes_what_the_row_writer_writes(self) -> None:
        columns = {
            "nama": [*PAYLOADS, "Pringsewu", None],
            "nilai": [1234.5, -2.0, None, 0.25, 3.0, 1.5, -5.0, 7.0, 8.0, 9.0],
            "jumlah": list(range(-5, 5)),
            "uang": [Decimal("1.50")] * 10,
        }
        batch = pa.record_batch(
            {**columns, "uang": pa.array(columns["uang"], pa.decimal128(10, 2))}
        )
        rows = [list(row) for row in zip(*columns.values(), strict=True)]
        for dialect in (STANDARD, INDONESIAN):
            with self.subTest(dialect=dialect):
                arrow = b"".join(spreadsheets.csv_batches(list(columns), [batch], dialect))
                plain = csv_bytes(list(columns), rows, dialect)
                self.assertEqual(self.parse(arrow, dialect), self.parse(plain, dialect))

    def test_nan_and_infinity_are_empty_cells_as_the_row_writer_writes_them(self) -> None:
        values = [float("nan"), float("inf"), float("-inf"), 2.5, None]
        names = ["nilai", "kecamatan"]
        batch = pa.record_batch({"nilai": pa.array(values, pa.float64()), "kecamatan": ["A"] * 5})
        for dialect in (STANDARD, INDONESIAN):
            with self.subTest(dialect=dialect):
                arrow = self.parse(
                    b"".join(spreadsheets.csv_batches(names, [batch], dialect)), dialect
                )
                plain = csv_bytes(names, [[v, "A"] for v in values], dialect)
                self.assertEqual(arrow, self.parse(plain, dialect))
                self.assertEqual([row[0] for row in arrow[1:4]], ["", "", ""])

    def parse(self, content: bytes, dialect: spreadsheets.CsvDialect) -> list[list[str]]:
        text = content.decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=dialect.delimiter))

    def test_every_payload_in_a_stored_table_gets_its_apostrophe(self) -> None:
        batch = pa.record_batch({"nama": PAYLOADS})
        content = b"".join(spreadsheets.csv_batches(["nama"], [batch]))
        self.assertEqual(
            [row[0] for row in self.parse(content, STANDARD)[1:]], ["'" + p for p in PAYLOADS]
        )


class WorkbookTests(SimpleTestCase):
    def test_it_writes_every_payload_as_quoted_text_never_a_formula(self) -> None:
        book = Workbook()
        sheet = book.add_sheet("Data")
        bold = book.style(bold=True)
        for row, payload in enumerate(PAYLOADS):
            sheet.write(row, 0, payload, bold if row % 2 else spreadsheets.PLAIN)
        cells = xlsx_cells(book.to_bytes())
        self.assertEqual([c.value for c in cells], PAYLOADS)
        for cell in cells:
            with self.subTest(value=cell.value):
                self.assertTrue(cell.is_text and cell.is_quoted)
                self.assertFalse(cell.is_formula)

    def test_it_writes_numbers_dates_and_booleans_typed_and_plain_text_unquoted(self) -> None:
        book = Workbook()
        sheet = book.add_sheet("Data")
        sheet.write_row(0, 0, [-5, Decimal("2.5"), dt.date(2025, 1, 31), True, "Pringsewu", None])
        content = book.to_bytes()
        cells = {c.ref: c for c in xlsx_cells(content)}
        self.assertFalse(cells["A1"].is_text)
        self.assertFalse(cells["E1"].is_quoted)
        self.assertNotIn("F1", cells)
        rows = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        self.assertEqual(
            rows.get_sheet_by_index(0).to_python()[0],
            [-5.0, 2.5, dt.date(2025, 1, 31), True, "Pringsewu"],
        )

    def test_a_workbook_on_disk_is_as_safe_as_one_in_memory(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "besar.xlsx"
            book = Workbook(path)
            book.add_sheet("Data").write_row(0, 0, PAYLOADS)
            book.close()
            cells = xlsx_cells(path.read_bytes())
        self.assertEqual([c.value for c in cells], PAYLOADS)
        self.assertTrue(all(c.is_quoted and not c.is_formula for c in cells))

    def test_only_a_link_the_platform_made_is_clickable(self) -> None:
        book = Workbook()
        sheet = book.add_sheet("Data")
        sheet.write_row(
            0,
            0,
            [
                spreadsheets.Link("https://data.example/dataset/a/"),
                "https://evil.example/",
                spreadsheets.Link("=HYPERLINK(1)"),
            ],
        )
        content = book.to_bytes()
        cells = {c.ref: c for c in xlsx_cells(content)}
        self.assertEqual(cells["A1"].value, "https://data.example/dataset/a/")
        self.assertTrue(cells["C1"].is_quoted)
        sheet_xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
        self.assertEqual(sheet_xml.count("<hyperlink "), 1)
        self.assertIn('ref="A1"', sheet_xml.split("<hyperlinks>")[1])

    def test_a_long_sheet_name_is_cut_to_excels_limit(self) -> None:
        book = Workbook()
        book.add_sheet("Laporan sinkronisasi yang sangat panjang sekali")
        self.assertEqual(
            python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(book.to_bytes())).sheet_names,
            ["Laporan sinkronisasi yang sanga"],
        )
