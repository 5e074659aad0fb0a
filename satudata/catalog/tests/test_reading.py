from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any
from unittest import mock

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import python_calamine
import xlsxwriter  # type: ignore[import-untyped]
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase, override_settings

from satudata.accounts.services import create_api_token
from satudata.catalog.forms import MappingForm
from satudata.catalog.models import DatasetVersion, DataType, Upload, UploadStatus, Variable
from satudata.catalog.services import create_dataset
from satudata.catalog.sinkronisasi.engine import columns
from satudata.catalog.sinkronisasi.reading.delimited import UnreadableFile, read_delimited
from satudata.catalog.sinkronisasi.reading.delimiter import detect_delimiter
from satudata.catalog.sinkronisasi.reading.errorcells import error_cells
from satudata.catalog.sinkronisasi.reading.layout import detect_layout
from satudata.catalog.sinkronisasi.reading.sheets import choose_sheets, place, sheet_period
from satudata.catalog.sinkronisasi.reading.spreadsheet import read_workbook
from satudata.catalog.sinkronisasi.reading.text import decode
from satudata.catalog.sinkronisasi.reading.values import (
    MISSING,
    infer_decimal_mark,
    is_error_marker,
    parse_date,
    parse_number,
)
from satudata.catalog.sinkronisasi.services import (
    receive_upload,
    recheck_upload,
    synchronise_upload,
)
from satudata.catalog.tests.test_synchronisation import SynchronisationSetup


class EncodingTests(SimpleTestCase):
    text = "Kecamatan;Jumlah\nPagelaran;1.234\nGading Rejo;2.000\n"

    def test_it_reads_utf8_with_and_without_bom(self) -> None:
        self.assertEqual(decode(self.text.encode()).encoding, "utf-8")
        with_bom = decode(b"\xef\xbb\xbf" + self.text.encode())
        self.assertEqual((with_bom.encoding, with_bom.text), ("utf-8-sig", self.text))

    def test_it_reads_utf16_with_and_without_bom(self) -> None:
        self.assertEqual(decode(self.text.encode("utf-16")).text, self.text)
        without = decode(self.text.encode("utf-16-le"))
        self.assertEqual((without.encoding, without.text), ("utf-16-le", self.text))

    def test_it_falls_back_to_windows_1252(self) -> None:
        decoded = decode("Désa;Jumlah\nPardasuka;12\n".encode("cp1252"))
        self.assertEqual(decoded.encoding, "cp1252")
        self.assertTrue(decoded.text.startswith("Désa"))

    def test_a_file_mixing_encodings_is_read_line_by_line_and_reported(self) -> None:
        data = "Nama;Catatan\nA;café\n".encode() + "B;résumé\n".encode("cp1252")
        decoded = decode(data)
        self.assertIn("résumé", decoded.text)
        self.assertIn("café", decoded.text)
        self.assertEqual(decoded.notices[0].row, 3)


class DelimiterTests(SimpleTestCase):
    def test_it_finds_each_separator(self) -> None:
        for sep in (",", ";", "\t", "|"):
            text = sep.join(["kode", "nama", "jumlah"]) + "\n" + sep.join(["18.10", "A", "3"])
            self.assertEqual(detect_delimiter(text), sep, repr(sep))

    def test_commas_inside_numbers_do_not_fool_it(self) -> None:
        text = "wilayah;nilai;persen\nPringsewu;1,5;12,3\nAmbarawa;2,25;7,0\nPagelaran;3,1;8,9\n"
        self.assertEqual(detect_delimiter(text), ";")

    def test_quoted_separators_are_respected(self) -> None:
        text = 'nama,alamat\n"Dinas A","Jl. Merdeka, No. 1"\n"Dinas B","Jl. Ahmad Yani, 2"\n'
        self.assertEqual(detect_delimiter(text), ",")


class NumberTests(SimpleTestCase):
    def test_indonesian_and_english_formats(self) -> None:
        self.assertEqual(parse_number("1.234,56", decimal=","), Decimal("1234.56"))
        self.assertEqual(parse_number("1,234.56", decimal="."), Decimal("1234.56"))
        self.assertEqual(parse_number("1 234", decimal=","), Decimal("1234"))
        self.assertEqual(parse_number("-12,5", decimal=","), Decimal("-12.5"))

    def test_percent_signs_become_fractions(self) -> None:
        self.assertEqual(parse_number("12,5%", decimal=","), Decimal("0.125"))

    def test_missing_markers_are_missing_not_errors(self) -> None:
        for marker in ("-", "…", "NA", "#DIV/0!", "#REF!", "", " n.a. "):
            self.assertIs(parse_number(marker), MISSING, marker)

    def test_text_is_not_a_number(self) -> None:
        self.assertIsNone(parse_number("dua belas"))
        self.assertIsNone(parse_number("1.2.3,4,5"))

    def test_the_decimal_mark_is_inferred_per_column(self) -> None:
        self.assertEqual(infer_decimal_mark(["1.234", "12,5", "7"]), ",")
        self.assertEqual(infer_decimal_mark(["1,234.50", "3.75"]), ".")
        self.assertEqual(infer_decimal_mark(["1.234.567", "2.000"]), ",")
        self.assertEqual(infer_decimal_mark(["128,637.72", "21,752.76"]), ".")


class DateTests(SimpleTestCase):
    def test_indonesian_month_names_and_day_first_dates(self) -> None:
        self.assertEqual(parse_date("17 Agustus 2025"), dt.date(2025, 8, 17))
        self.assertEqual(parse_date("1 Pebruari 2024"), dt.date(2024, 2, 1))
        self.assertEqual(parse_date("17/08/2025"), dt.date(2025, 8, 17))
        self.assertEqual(parse_date("2025-08-17"), dt.date(2025, 8, 17))
        self.assertEqual(parse_date("Mei 2025"), dt.date(2025, 5, 1))
        self.assertIs(parse_date("-"), MISSING)
        self.assertIsNone(parse_date("31 Februari 2025"))
        self.assertIsNone(parse_date("besok"))


class LayoutTests(SimpleTestCase):
    def test_titles_merged_headers_totals_and_footnotes(self) -> None:
        rows = [
            ["Jumlah Penduduk Menurut Kecamatan dan Jenis Kelamin", "", "", ""],
            ["Kabupaten Pringsewu, 2025", "", "", ""],
            ["", "", "", ""],
            ["Kecamatan", "Jumlah Penduduk", "", ""],
            ["", "Laki-laki", "Perempuan", "Total"],
            ["Pardasuka", "18.512", "17.804", "36.316"],
            ["Ambarawa", "17.230", "16.901", "34.131"],
            ["", "", "", ""],
            ["Jumlah", "35.742", "34.705", "70.447"],
            ["Sumber: Dinas Kependudukan dan Pencatatan Sipil (data contoh)", "", "", ""],
            ["Catatan: angka sementara", "", "", ""],
        ]
        layout = detect_layout(rows)
        self.assertEqual(
            layout.columns,
            [
                "Kecamatan",
                "Jumlah Penduduk - Laki-laki",
                "Jumlah Penduduk - Perempuan",
                "Jumlah Penduduk - Total",
            ],
        )
        self.assertEqual(layout.header_rows, [3, 4])
        self.assertEqual(layout.data_rows, [5, 6])
        self.assertEqual(layout.total_rows, [8])
        self.assertEqual(layout.footnote_rows, [9, 10])
        codes = [n.code for n in layout.notices]
        for code in ("title_row", "total_row", "footnote", "blank_rows", "merged_header"):
            self.assertIn(code, codes)
        total = next(n for n in layout.notices if n.code == "total_row")
        self.assertEqual(total.row, 9)

    def test_year_columns_stay_in_the_header(self) -> None:
        rows = [["Kecamatan", "2023", "2024"], ["Pringsewu", "12,5", "13,1"]]
        layout = detect_layout(rows)
        self.assertEqual(layout.columns, ["Kecamatan", "2023", "2024"])
        self.assertEqual(layout.data_rows, [1])

    def test_a_text_only_table_has_a_one_row_header(self) -> None:
        rows = [
            ["PRODUSEN DATA", "NAMA DATA", "JADWAL RILIS"],
            ["Dinas Kesehatan", "Jumlah Puskesmas", "Maret n+1"],
            ["Dinas Sosial", "Jumlah PKH", "April n+1"],
        ]
        layout = detect_layout(rows)
        self.assertEqual(layout.header_rows, [0])
        self.assertEqual(layout.data_rows, [1, 2])

    def test_empty_and_duplicate_header_names_get_unique_names(self) -> None:
        layout = detect_layout([["nama", "", "nama"], ["a", "1", "2"]])
        self.assertEqual(layout.columns, ["nama", "kolom_2", "nama (2)"])


class DelimitedFileTests(SimpleTestCase):
    def test_a_messy_agency_csv_is_understood(self) -> None:
        text = (
            "Produksi Padi Kabupaten Pringsewu (data contoh);;;\n"
            "kecamatan;tahun;produksi;produktivitas;\n"
            "Gadingrejo;2023;12.637,72;#DIV/0!;\n"
            "Pagelaran;2023;9.001,10;5,61;\n"
            "Jumlah;;21.638,82;;\n"
            "Sumber: Dinas Pertanian;;;\n"
        )
        table = read_delimited(b"\xef\xbb\xbf" + text.encode())
        self.assertEqual(table.delimiter, ";")
        self.assertEqual(table.columns[:4], ["kecamatan", "tahun", "produksi", "produktivitas"])
        self.assertEqual([r[0] for r in table.rows], ["Gadingrejo", "Pagelaran"])
        self.assertEqual(table.row_numbers, [3, 4])
        self.assertEqual(parse_number(table.rows[0][2]), Decimal("12637.72"))

    def test_rows_of_another_width_are_left_out_and_named_as_the_large_file_reader_does(
        self,
    ) -> None:
        table = read_delimited(b"a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n")
        self.assertEqual(table.rows, [["1", "2", "3"], ["10", "11", "12"]])
        self.assertEqual(
            [(w.line, w.cells, w.width, w.text) for w in table.wrong_width],
            [(3, 2, 3, "4,5"), (4, 4, 3, "6,7,8,9")],
        )

    def test_a_separator_ending_every_line_is_no_column_but_a_cell_written_there_is_named(
        self,
    ) -> None:
        table = read_delimited(b"a,b\n1,2,\n3,4,5\n6,7,\n")
        self.assertEqual(table.wrong_width, [])
        ragged = next(n for n in table.notices if n.code == "ragged_rows")
        self.assertEqual(ragged.row, 3)
        self.assertEqual(table.rows, [["1", "2"], ["3", "4"], ["6", "7"]])

    def test_a_stray_quotation_mark_is_refused_naming_its_line_not_read_as_a_cell(self) -> None:
        # A quote never closed: the rows after it would be one cell.
        with self.assertRaisesMessage(UnreadableFile, "baris 3 dan tidak pernah ditutup"):
            read_delimited(b'a;b;c\n1;2;ok\n3;4;"baru\n5;6;ok\n7;8;ok\n')
        # Closed lines later by another stray quote followed by text.
        with self.assertRaisesMessage(
            UnreadableFile, "baris 3 dan sel itu berlanjut sampai baris 5"
        ):
            read_delimited(b'a;b;c\n1;2;ok\n3;4;"baru\n5;6;ok\n7;8;lama" 2021\n9;0;ok\n')
        # Closed lines later just before a separator: the cell holds lines that are rows.
        with self.assertRaisesMessage(UnreadableFile, "berlanjut sampai baris 5"):
            read_delimited(b'a;b;c\n1;2;ok\n3;4;"baru\n5;6;ok\n7;8;lama";\n9;0;ok\n')
        # A closing quote followed by more text on its own line.
        with self.assertRaisesMessage(UnreadableFile, "Di baris 2 sebuah sel menutup"):
            read_delimited(b'a;b;c\n1;2;"ok" lagi\n3;4;ok\n')
        # A note written over a few lines is an ordinary cell.
        table = read_delimited(b'a;b;c\n1;2;"Jl. Raya\nNo. 5"\n3;4;ok\n')
        self.assertEqual(table.rows, [["1", "2", "Jl. Raya\nNo. 5"], ["3", "4", "ok"]])

    def test_an_empty_file_or_an_image_is_refused_with_a_clear_message(self) -> None:
        with self.assertRaisesMessage(UnreadableFile, "kosong"):
            read_delimited(b"  \n")
        png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10"
        with self.assertRaisesMessage(UnreadableFile, "bukan tabel teks"):
            read_delimited(png)


# --- Issue 15: blank templates, workbooks of one sheet per period, error cells, missing values ---


def _workbook(sheets: Mapping[str, Sequence[Sequence[Any]]]) -> bytes:
    """An XLSX with one sheet per entry; a cell "=…|#ERR" is a formula whose cached result is the
    error #ERR, as Excel saves a broken formula."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, str) and value.startswith("=") and "|" in value:
                    formula, error = value.split("|")
                    sheet.write_formula(r, c, formula, None, error)
                elif value is not None:
                    sheet.write(r, c, value)
    book.close()
    return buffer.getvalue()


_ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def _ods(rows: list[list[str]]) -> bytes:
    """A one-sheet ODS ("Data"); a cell given as XML is written as it is, others as text."""
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"'
    )
    body = "".join(
        "<table:table-row>"
        + "".join(
            cell
            if cell.startswith("<")
            else f'<table:table-cell office:value-type="string"><text:p>{cell}</text:p>'
            "</table:table-cell>"
            for cell in row
        )
        + "</table:table-row>"
        for row in rows
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns}><office:body>'
        f'<office:spreadsheet><table:table table:name="Data">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        package.writestr("META-INF/manifest.xml", _ODS_MANIFEST)
        package.writestr("content.xml", content)
    return buffer.getvalue()


PER_YEAR = {
    "2022": [["Kecamatan", "Luas"], ["Pringsewu", "53,3"], ["Gading Rejo", "85,7"]],
    # The same columns in another order and another case.
    "2023": [["LUAS", "kecamatan"], ["53,3", "Pringsewu"], ["85,7", "Gading Rejo"]],
    "2024": [["Kecamatan", "Luas"], ["Pringsewu", "53,4"], ["Gading Rejo", "85,9"]],
    "Catatan": [["Sumber: BPS Kabupaten Pringsewu"], ["Luas dalam km²"]],
}

# Sheet 2024 has one column more, so it is not like 2022 and 2023.
UNLIKE_2024: dict[str, list[list[Any]]] = {
    "2022": [["Kecamatan", "Luas"], ["Pringsewu", "53,3"], ["Gading Rejo", "85,7"]],
    "2023": [["Kecamatan", "Luas"], ["Pringsewu", "53,3"], ["Gading Rejo", "85,7"]],
    "2024": [["Kecamatan", "Luas", "Desa"], ["Pringsewu", "53,4", 15], ["Gading Rejo", "85,9", 23]],
    "Catatan": [["Sumber: BPS Kabupaten Pringsewu"]],
}


def _hiding(data: bytes, sheet: str) -> bytes:
    """The XLSX with ``sheet`` hidden as Excel hides it: state="hidden" on its workbook entry."""
    buffer = io.BytesIO()
    entry = f'<sheet name="{sheet}"'.encode()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            part = source.read(item.filename)
            if item.filename == "xl/workbook.xml":
                part = part.replace(entry, entry.replace(b"<sheet ", b'<sheet state="hidden" '))
            target.writestr(item, part)
    return buffer.getvalue()


class SheetChoiceTests(SimpleTestCase):
    def test_sheet_names_that_are_periods_are_read_as_periods(self) -> None:
        cases = {
            "2024": ("year", "2024"),
            "Tahun 2023": ("year", "2023"),
            "Januari 2024": ("month", "Januari 2024"),
            "Agt 2024": ("month", "Agustus 2024"),
            "2024-03": ("month", "Maret 2024"),
            "TW I 2024": ("quarter", "Triwulan I 2024"),
            "Q3 2024": ("quarter", "Triwulan III 2024"),
            "Semester 2 2024": ("semester", "Semester II 2024"),
        }
        for name, period in cases.items():
            self.assertEqual(sheet_period(name), period, name)
        for name in ("Catatan", "Sheet1", "2024-13", "Rekap"):
            self.assertIsNone(sheet_period(name), name)

    def test_alike_sheets_are_stacked_with_a_year_column_and_the_notes_left_out(self) -> None:
        choice = choose_sheets(read_workbook(_workbook(PER_YEAR)))
        self.assertEqual(choice.read, ["2022", "2023", "2024"])
        table = choice.table
        self.assertEqual(table.columns, ["Tahun", "Kecamatan", "Luas"])
        self.assertEqual(len(table.rows), 6)
        # 2023's columns are matched by name, not by position.
        self.assertEqual(table.rows[2], ["2023", "Pringsewu", "53,3"])
        self.assertEqual(
            [place(table.sheets, n) for n in table.row_numbers[2:4]], [("2023", 2), ("2023", 3)]
        )
        self.assertEqual(choice.left_out, [("Catatan", "bukan tabel data")])
        messages = " ".join(n.message for n in choice.notices + table.notices)
        self.assertIn("Lembar “Catatan” tidak dibaca: bukan tabel data", messages)

    def test_a_hidden_sheet_is_read_only_when_chosen_and_the_report_says_so(self) -> None:
        tables = read_workbook(_hiding(_workbook(PER_YEAR), "2022"))
        self.assertEqual([t.sheet for t in tables if t.hidden], ["2022"])
        choice = choose_sheets(tables)
        self.assertEqual(choice.read, ["2023", "2024"])
        self.assertIn(
            ("2022", "tersembunyi di buku kerja; pilih lembar ini untuk membacanya"),
            choice.left_out,
        )
        chosen = choose_sheets(tables, ["2022", "2023", "2024"])
        self.assertEqual(chosen.read, ["2022", "2023", "2024"])

    def test_a_hidden_period_copy_does_not_give_a_lone_visible_sheet_a_period_column(
        self,
    ) -> None:
        sheets = {name: [["Kecamatan", "Luas"], ["Pringsewu", "53,3"]] for name in ("2024", "2023")}
        tables = read_workbook(_hiding(_workbook(sheets), "2023"))
        self.assertEqual([t.sheet for t in tables if t.hidden], ["2023"])
        choice = choose_sheets(tables)
        self.assertEqual(choice.read, ["2024"])
        self.assertEqual(choice.table.columns, ["Kecamatan", "Luas"])
        # Chosen, the hidden copy is a period sheet like the others.
        both = choose_sheets(tables, ["2023", "2024"])
        self.assertEqual(both.table.columns, ["Tahun", "Kecamatan", "Luas"])

    def test_a_table_with_its_own_period_column_gets_none_added(self) -> None:
        sheets = {
            name: [["Tahun", "Kecamatan", "Luas"], [name, "Pringsewu", "53,3"]]
            for name in ("2023", "2024")
        }
        choice = choose_sheets(read_workbook(_workbook(sheets)))
        self.assertEqual(choice.table.columns, ["Tahun", "Kecamatan", "Luas"])
        self.assertEqual(choice.added_column, "")

    def test_sheets_named_otherwise_keep_their_name_in_a_column(self) -> None:
        sheets = {
            name: [["Desa", "Jumlah"], [f"Desa {name}", "3"]] for name in ("Pringsewu", "Ambarawa")
        }
        choice = choose_sheets(read_workbook(_workbook(sheets)))
        self.assertEqual(choice.table.columns, ["Lembar", "Desa", "Jumlah"])
        self.assertEqual([r[0] for r in choice.table.rows], ["Pringsewu", "Ambarawa"])

    def test_sheets_that_differ_are_not_stacked_and_the_producer_may_choose(self) -> None:
        sheets = {
            "Puskesmas": [["Kecamatan", "Puskesmas"], ["Pringsewu", "2"]],
            "Posyandu": [["Kecamatan", "Posyandu", "Kader"], ["Pringsewu", "40", "200"]],
        }
        tables = read_workbook(_workbook(sheets))
        first = choose_sheets(tables)
        self.assertEqual(first.read, ["Puskesmas"])
        self.assertEqual(first.left_out[0][0], "Posyandu")
        self.assertIn("berbeda", first.left_out[0][1])
        chosen = choose_sheets(tables, ["Posyandu"])
        self.assertEqual((chosen.read, chosen.table.columns[1]), (["Posyandu"], "Posyandu"))
        self.assertEqual(chosen.left_out, [("Puskesmas", "tidak dipilih")])

    def test_a_period_sheet_read_alone_keeps_its_period(self) -> None:
        tables = read_workbook(_workbook(UNLIKE_2024))
        alone = choose_sheets(tables, ["2024"])
        self.assertEqual(alone.read, ["2024"])
        self.assertEqual(alone.table.columns, ["Tahun", "Kecamatan", "Luas", "Desa"])
        self.assertEqual([r[0] for r in alone.table.rows], ["2024", "2024"])
        self.assertEqual((alone.added_column, alone.added_kind), ("Tahun", "year"))
        messages = [n.message for n in alone.table.notices + alone.notices]
        self.assertIn(
            "Tabel tidak memiliki kolom periode: kolom “Tahun” ditambahkan dari nama lembar "
            "“2024”.",
            messages,
        )
        # Read by default, the first sheet of sheets that all differ keeps its period too.
        differ: dict[str, list[list[Any]]] = {
            "2022": UNLIKE_2024["2022"],
            "2023": [["Kecamatan", "Desa"], ["Pringsewu", 15]],
        }
        self.assertEqual(choose_sheets(read_workbook(_workbook(differ))).table.rows[0][0], "2022")
        # A workbook of one sheet named "2024" is read as it is: its name is no column.
        single = choose_sheets(read_workbook(_workbook({"2024": UNLIKE_2024["2024"]})))
        self.assertEqual(single.table.columns, ["Kecamatan", "Luas", "Desa"])

    def test_unlike_sheets_chosen_together_are_stacked_on_the_columns_they_share(self) -> None:
        tables = read_workbook(_workbook(UNLIKE_2024))
        choice = choose_sheets(tables, ["2022", "2024"])
        self.assertEqual(choice.read, ["2022", "2024"])
        self.assertEqual(choice.table.columns, ["Tahun", "Kecamatan", "Luas"])
        self.assertEqual([r[0] for r in choice.table.rows], ["2022", "2022", "2024", "2024"])
        self.assertEqual(choice.table.rows[2], ["2024", "Pringsewu", "53,4"])
        (warning,) = choice.warnings
        self.assertEqual((warning.sheet, warning.column), ("2024", "Desa"))
        self.assertIn("tidak ada di setiap lembar yang dipilih", warning.message)
        # Sheets none of whose columns are all in the other are not cut to a stranger's columns.
        sheets = {
            "Puskesmas": [["Kecamatan", "Puskesmas"], ["Pringsewu", "2"]],
            "Posyandu": [["Kecamatan", "Posyandu", "Kader"], ["Pringsewu", "40", "200"]],
        }
        apart = choose_sheets(read_workbook(_workbook(sheets)), ["Puskesmas", "Posyandu"])
        self.assertEqual(apart.read, ["Puskesmas"])
        self.assertEqual([w.sheet for w in apart.warnings], ["Posyandu"])

    def test_a_data_sheet_left_out_is_a_warning_unlike_notes_and_empty_sheets(self) -> None:
        sheets = {**UNLIKE_2024, "Kosong": [["Kecamatan", "Jumlah", "Keterangan"]]}
        choice = choose_sheets(read_workbook(_workbook(sheets)))
        self.assertEqual(choice.read, ["2022", "2023"])
        (warning,) = choice.warnings
        self.assertEqual(warning.sheet, "2024")
        self.assertIn("Versi ini tidak memuat baris periode 2024", warning.message)
        self.assertIn("“Lembar yang dibaca”", warning.suggestion)
        self.assertEqual([s for s, _r in choice.left_out], ["2024", "Catatan", "Kosong"])
        # What the producer did not choose was left out on purpose: no warning.
        self.assertEqual(choose_sheets(read_workbook(_workbook(sheets)), ["2024"]).warnings, [])


class ErrorCellTests(SimpleTestCase):
    def test_calamine_alone_reads_error_cells_as_empty(self) -> None:
        """Why errorcells exists: if calamine starts showing them, this fails and says so."""
        data = _workbook({"A": [["Kecamatan", "Rasio"], ["Pringsewu", "=1/0|#DIV/0!"]]})
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        self.assertEqual(book.get_sheet_by_name("A").to_python()[1], ["Pringsewu", ""])

    def test_xlsx_error_cells_are_read_with_their_marker_in_every_sheet(self) -> None:
        data = _workbook(
            {
                "2023": [["Kecamatan", "Rasio"], ["Pringsewu", "=1/0|#DIV/0!"], ["Ambarawa", 2]],
                "2024": [
                    ["Kecamatan", "Rasio"],
                    ["Pringsewu", "=NA()|#N/A"],
                    ["Ambarawa", "=A1+#REF!|#REF!"],
                ],
            }
        )
        self.assertEqual(
            error_cells(data),
            {"2023": {(1, 1): "#DIV/0!"}, "2024": {(1, 1): "#N/A", (2, 1): "#REF!"}},
        )
        first, second = read_workbook(data)
        self.assertEqual(first.rows[0], ["Pringsewu", "#DIV/0!"])
        # A row whose only number is an error is still a data row, not a footnote.
        self.assertEqual([r[1] for r in second.rows], ["#N/A", "#REF!"])

    def test_ods_error_cells_are_read_with_their_marker(self) -> None:
        """As LibreOffice saves a failed formula: an empty string value, the error shown."""
        error = (
            '<table:table-cell table:formula="of:=1/0" office:value-type="string" '
            'office:string-value="" calcext:value-type="error"><text:p>#DIV/0!</text:p>'
            "</table:table-cell>"
        )
        data = _ods(
            [
                ["Kecamatan", "Jumlah", "Catatan", "Rasio"],
                ["Pringsewu", '<table:table-cell table:number-columns-repeated="2"/>', error],
                ["Ambarawa", "3", "baru", "Err:502"],
            ]
        )
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        self.assertEqual(book.get_sheet_by_name("Data").to_python()[1][3], "")
        self.assertEqual(error_cells(data), {"Data": {(1, 3): "#DIV/0!"}})
        (table,) = read_workbook(data)
        self.assertEqual([r[3] for r in table.rows], ["#DIV/0!", "Err:502"])

    def test_xls_error_cells_are_read_with_their_marker(self) -> None:
        """An XLS (BIFF) keeps an error as a code; calamine reads it as empty, xlrd gives it."""
        import xlwt

        workbook = xlwt.Workbook()
        for name, error in (("2023", "#DIV/0!"), ("2024", "#REF!")):
            sheet = workbook.add_sheet(name)
            for column, title in enumerate(["Kecamatan", "Jumlah", "Rasio"]):
                sheet.write(0, column, title)
            sheet.write(1, 0, "Pringsewu")
            sheet.write(1, 1, 12)
            sheet.row(1).set_cell_error(2, error)
            sheet.write(2, 0, "Ambarawa")
            sheet.write(2, 1, 7)
            sheet.write(2, 2, 1.5)
        buffer = io.BytesIO()
        workbook.save(buffer)
        data = buffer.getvalue()
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        self.assertEqual(book.get_sheet_by_name("2023").to_python()[1][2], "")
        self.assertEqual(
            error_cells(data), {"2023": {(1, 2): "#DIV/0!"}, "2024": {(1, 2): "#REF!"}}
        )
        first, second = read_workbook(data)
        self.assertEqual([r[2] for r in first.rows], ["#DIV/0!", 1.5])
        self.assertEqual(second.rows[0][2], "#REF!")

    def test_an_xls_that_only_calamine_reads_is_read_without_its_error_cells(self) -> None:
        """A damaged container xlrd refuses (here its byte-order mark zeroed) is still read."""
        import xlwt

        workbook = xlwt.Workbook()
        sheet = workbook.add_sheet("Data")
        rows: list[list[Any]] = [["Kecamatan", "Jumlah"], ["Pringsewu", 3]]
        for row, values in enumerate(rows):
            for column, value in enumerate(values):
                sheet.write(row, column, value)
        buffer = io.BytesIO()
        workbook.save(buffer)
        data = bytearray(buffer.getvalue())
        data[28:30] = b"\x00\x00"
        with self.assertLogs("satudata.catalog.sinkronisasi.reading.errorcells", "WARNING"):
            self.assertEqual(error_cells(bytes(data)), {})
        (table,) = read_workbook(bytes(data))
        self.assertEqual(table.rows, [["Pringsewu", 3.0]])

    def test_error_displays_are_told_apart_from_no_data_markers(self) -> None:
        for marker in ("#REF!", "#div/0!", " #N/A ", "#VALUE!", "#NAME?", "Err:502", "#SPILL!"):
            self.assertTrue(is_error_marker(marker), marker)
        for marker in ("-", "n/a", "", "…", "#1", "Err"):
            self.assertFalse(is_error_marker(marker), marker)


class ReadingSynchronisationTests(SynchronisationSetup):
    """The reading rules of issue 15 through the real upload, check and version path."""

    def _sent(self, data: bytes, filename: str) -> Upload:
        dataset = create_dataset(actor=self.p.producer, item=self.item)
        upload = receive_upload(
            actor=self.p.producer, dataset=dataset, filename=filename, chunks=[data], check=False
        )
        return synchronise_upload(actor=self.p.producer, upload=upload)

    def _areas(self, *, required: bool = False) -> None:
        agency = self.p.agency
        Variable.objects.create(agency=agency, name="Kecamatan", data_type=DataType.TEXT)
        Variable.objects.create(
            agency=agency,
            name="Luas",
            unit="km²",
            data_type=DataType.DECIMAL,
            rules=[{"kind": "required"}] if required else [],
        )

    def _version(self) -> pa.Table:
        version = DatasetVersion.objects.get()
        with default_storage.open(version.path, "rb") as handle:
            return pq.read_table(io.BytesIO(handle.read()))

    def test_it_refuses_a_blank_template_csv_or_workbook(self) -> None:
        self._areas()
        for data, name in (
            (b"Kecamatan;Luas\n", "template.csv"),
            (b"Kecamatan;Luas\n;\n\n", "template-empty-rows.csv"),
            (_workbook({"Data": [["Kecamatan", "Luas"]], "Catatan": [["isi"]]}), "t.xlsx"),
        ):
            upload = self._sent(data, name)
            self.assertEqual(upload.status, UploadStatus.REJECTED, name)
            self.assertIn("tidak ada baris data", upload.findings[0]["message"], name)
        self.assertFalse(DatasetVersion.objects.exists())

    @override_settings(SYNC_STREAM_BYTES=10)
    def test_it_refuses_a_blank_template_read_as_a_stream(self) -> None:
        self._areas()
        upload = self._sent(b"Kecamatan;Luas\n" + b"\n" * 40, "template.csv")
        self.assertEqual(upload.status, UploadStatus.REJECTED)
        self.assertIn("tidak ada baris data", upload.findings[0]["message"])
        self.assertFalse(DatasetVersion.objects.exists())

    def test_the_api_answers_a_blank_template_with_422(self) -> None:
        self._areas()
        token = create_api_token(actor=self.p.producer, name="w", scopes=["write"]).raw
        with self.captureOnCommitCallbacks(execute=True):  # the worker's check
            sent = self.client.post(
                f"/api/v1/item-data/{self.item.pk}/unggahan",
                {"file": SimpleUploadedFile("template.csv", b"Kecamatan;Luas\n")},
                HTTP_AUTHORIZATION=f"Bearer {token}",
            )
        response = self.client.get(sent.json()["url"], HTTP_AUTHORIZATION=f"Bearer {token}")
        self.assertEqual(response.status_code, 422, response.content[:300])
        self.assertIn("tidak ada baris data", response.json()["findings"][0]["message"])

    def test_a_workbook_of_one_sheet_per_year_is_stored_whole_with_its_years(self) -> None:
        self._areas()
        # A name the column "Tahun" does not resemble: the agency's one year variable is used.
        Variable.objects.create(
            agency=self.p.agency, name="Periode Laporan", data_type=DataType.YEAR
        )
        upload = self._sent(_workbook(PER_YEAR), "luas.xlsx")
        self.assertEqual(upload.status, UploadStatus.SYNCHRONISED, upload.findings)
        self.assertEqual(upload.read_sheets, ["2022", "2023", "2024"])
        self.assertEqual(upload.row_count, 6)
        table = self._version()
        years = [2022, 2022, 2023, 2023, 2024, 2024]
        self.assertEqual(table.column("periode_laporan").to_pylist(), years)
        self.assertEqual(table.column("luas").to_pylist()[2:4], [53.3, 85.7])
        messages = [n["message"] for n in upload.notices]
        self.assertIn("Lembar “Catatan” tidak dibaca: bukan tabel data.", messages)

    def test_each_finding_of_a_stacked_workbook_names_its_sheet_and_row(self) -> None:
        self._areas()
        Variable.objects.create(agency=self.p.agency, name="Tahun", data_type=DataType.YEAR)
        sheets = dict(PER_YEAR)
        sheets["2023"] = [["Luas", "Kecamatan"], ["53,3", "Pringsewu"], ["luas", "Gading Rejo"]]
        upload = self._sent(_workbook(sheets), "luas.xlsx")
        self.assertEqual(upload.status, UploadStatus.REJECTED)
        (finding,) = [f for f in upload.findings if f["severity"] == "error"]
        self.assertEqual((finding["sheet"], finding["row"], finding["value"]), ("2023", 3, "luas"))

    def test_the_producer_chooses_among_sheets_that_differ(self) -> None:
        self._areas()
        sheets = {
            "Ringkas": [["Kecamatan", "Jumlah Desa"], ["Pringsewu", "15"]],
            "Luas": [["Kecamatan", "Luas"], ["Pringsewu", "53,3"]],
        }
        first = self._sent(_workbook(sheets), "dua.xlsx")
        self.assertEqual(first.sheet, "Ringkas")
        self.assertIn(
            "Lembar “Luas” tidak dibaca: kolomnya berbeda dari kolom lembar “Ringkas”.",
            [n["message"] for n in first.notices],
        )
        form = MappingForm(upload=first)
        self.assertEqual(form.fields["sheets"].initial, ["Ringkas"])
        self.client.force_login(self.p.producer)
        page = self.client.get(f"/unggahan/{first.pk}/")
        self.assertContains(page, "Lembar yang dibaca")
        self.assertContains(page, 'type="checkbox" name="sheets" value="Luas"')
        with self.captureOnCommitCallbacks(execute=True):  # the worker's check
            self.client.post(
                f"/unggahan/{first.pk}/periksa-ulang/",
                {"col_0": str(first.mapping["Kecamatan"]), "col_1": "", "sheets": ["Luas"]},
            )
        again = Upload.objects.get(based_on=first)
        # "Luas", a column the producer had not seen, gets its variable suggested.
        self.assertEqual((again.sheet, again.status), ("Luas", UploadStatus.SYNCHRONISED))
        self.assertEqual(again.read_sheets, [])
        self.assertEqual(
            recheck_upload(actor=self.p.producer, upload=again, mapping={}).chosen_sheets,
            ["Luas"],
        )

    def test_a_period_sheet_left_out_is_a_warning_and_read_alone_keeps_its_year(self) -> None:
        self._areas()
        tahun = Variable.objects.create(agency=self.p.agency, name="Tahun", data_type=DataType.YEAR)
        first = self._sent(_workbook(UNLIKE_2024), "luas.xlsx")
        self.assertEqual(first.status, UploadStatus.SYNCHRONISED, first.findings)
        (warning,) = [f for f in first.findings if f["sheet"] == "2024"]
        self.assertEqual(warning["severity"], "warning")
        self.assertIn("tidak memuat baris periode 2024", warning["message"])
        self.client.force_login(self.p.producer)
        self.assertContains(self.client.get(f"/unggahan/{first.pk}/"), warning["message"])
        first.dataset.key_variables.set([tahun, first.mapping["Kecamatan"]])
        # Sheet 2024's extra column is marked as not published.
        mapping = {"Kecamatan": first.mapping["Kecamatan"], "Luas": first.mapping["Luas"]}
        mapping["Desa"] = None
        with self.captureOnCommitCallbacks(execute=True):  # the worker's check
            alone = recheck_upload(
                actor=self.p.producer, upload=first, mapping=mapping, sheets=["2024"]
            )
        alone.refresh_from_db()
        self.assertEqual(alone.status, UploadStatus.SYNCHRONISED, alone.findings)
        self.assertEqual(alone.key_columns, ["Tahun", "Kecamatan"])
        self.assertEqual(self._version_of(alone).column("tahun").to_pylist(), [2024, 2024])
        with self.captureOnCommitCallbacks(execute=True):
            both = recheck_upload(
                actor=self.p.producer, upload=first, mapping=mapping, sheets=["2022", "2024"]
            )
        both.refresh_from_db()
        self.assertEqual(both.status, UploadStatus.SYNCHRONISED, both.findings)
        self.assertEqual(both.read_sheets, ["2022", "2024"])
        self.assertEqual(
            self._version_of(both).column("tahun").to_pylist(), [2022] * 2 + [2024] * 2
        )
        (dropped,) = [f for f in both.findings if f["column"] == "Desa"]
        self.assertEqual((dropped["severity"], dropped["sheet"]), ("warning", "2024"))
        self.assertIn("tidak ada di setiap lembar yang dipilih", dropped["message"])

    def _version_of(self, upload: Upload) -> pa.Table:
        version = DatasetVersion.objects.get(upload=upload)
        with default_storage.open(version.path, "rb") as handle:
            return pq.read_table(io.BytesIO(handle.read()))

    def test_error_cells_are_findings_with_their_marker_never_silent_nulls(self) -> None:
        self._areas()
        data = _workbook(
            {"Luas": [["Kecamatan", "Luas"], ["Pringsewu", "=1/0|#DIV/0!"], ["Ambarawa", 30]]}
        )
        upload = self._sent(data, "luas.xlsx")
        self.assertEqual(upload.status, UploadStatus.SYNCHRONISED)
        (finding,) = upload.findings
        self.assertEqual(
            (finding["severity"], finding["sheet"], finding["row"], finding["column"]),
            ("warning", "Luas", 2, "Luas"),
        )
        self.assertEqual(finding["value"], "#DIV/0!")
        self.assertIn("#DIV/0!", finding["message"])
        self.assertEqual(self._version().column("luas").to_pylist(), [None, 30.0])
        self.assertNotIn("Luas", upload.missing)

    def test_an_error_cell_in_a_required_column_is_an_error_in_csv_text_too(self) -> None:
        self._areas(required=True)
        upload = self._sent(b"Kecamatan;Luas\nPringsewu;#REF!\nAmbarawa;30\n", "luas.csv")
        self.assertEqual(upload.status, UploadStatus.REJECTED)
        (finding,) = upload.findings
        self.assertEqual(
            (finding["severity"], finding["row"], finding["value"]), ("error", 2, "#REF!")
        )

    def test_missing_values_are_listed_per_column_with_markers_and_places(self) -> None:
        self._areas()
        rows = ["Pringsewu;-", "Ambarawa;n/a", "Pagelaran;", "Gading Rejo;12", "Sukoharjo;-"]
        upload = self._sent(("Kecamatan;Luas\n" + "\n".join(rows) + "\n").encode(), "luas.csv")
        self.assertEqual(upload.status, UploadStatus.SYNCHRONISED, upload.findings)
        self.assertEqual(
            upload.missing["Luas"],
            {
                "count": 4,
                "markers": [
                    {"marker": "-", "count": 2},
                    {"marker": "", "count": 1},
                    {"marker": "n/a", "count": 1},
                ],
                "places": [
                    {"sheet": "luas.csv", "row": 2},
                    {"sheet": "luas.csv", "row": 3},
                    {"sheet": "luas.csv", "row": 4},
                    {"sheet": "luas.csv", "row": 6},
                ],
            },
        )
        self.client.force_login(self.p.producer)
        page = self.client.get(f"/unggahan/{upload.pk}/")
        self.assertContains(page, "“n/a” × 1")
        self.assertContains(page, "(sel kosong) × 1")
        self.assertContains(page, "baris 6")
        report = self.client.get(f"/unggahan/{upload.pk}/?format=xlsx").content
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(report))
        self.assertEqual(
            book.get_sheet_by_name("Nilai kosong").to_python()[1],
            [
                "Luas",
                "4",
                "“-” × 2; (sel kosong) × 1; “n/a” × 1",
                "baris 2; baris 3; baris 4; baris 6",
            ],
        )
        pdf = self.client.get(f"/unggahan/{upload.pk}/?format=pdf")
        self.assertEqual(pdf["Content-Type"], "application/pdf")

    def test_the_decimal_mark_of_each_number_column_is_reported(self) -> None:
        self._areas()
        text = "Kecamatan;Luas\nPringsewu;1.053,3\nAmbarawa;30,25\n"
        upload = self._sent(text.encode(), "luas.csv")
        self.assertEqual(self._version().column("luas").to_pylist(), [1053.3, 30.25])
        self.assertIn(
            "Kolom Luas: koma dibaca sebagai tanda desimal; titik pada 1 nilai dibaca sebagai "
            "pemisah ribuan dan dihapus.",
            [n["message"] for n in upload.notices],
        )

    def _counts_and_areas(self) -> Upload:
        self._areas()
        Variable.objects.create(agency=self.p.agency, name="Jumlah", data_type=DataType.INTEGER)
        text = (
            'Kecamatan;Jumlah;Luas\nPringsewu;"4,512";1.053,3\nAmbarawa;3.876;30,25\n'
            'Pagelaran;" 2 954 ";12\nGading Rejo;17;"1.000.000,5"\n'
        )
        return self._sent(text.encode(), "jumlah.csv")

    def _assert_separators_reported(self, upload: Upload) -> None:
        self.assertEqual(upload.status, UploadStatus.SYNCHRONISED, upload.findings)
        version = self._version()
        self.assertEqual(version.column("jumlah").to_pylist(), [4512, 3876, 2954, 17])
        self.assertEqual(version.column("luas").to_pylist(), [1053.3, 30.25, 12.0, 1000000.5])
        self.assertEqual(
            [
                n["message"]
                for n in upload.notices
                if n["code"] in ("thousands_separators", "decimal_mark")
            ],
            [
                "Kolom Jumlah berisi bilangan bulat: pemisah ribuan (koma, titik atau spasi) "
                "pada 3 nilai dihapus.",
                "Kolom Luas: koma dibaca sebagai tanda desimal; titik pada 2 nilai dibaca "
                "sebagai pemisah ribuan dan dihapus.",
            ],
        )

    def test_a_whole_number_column_says_how_many_values_lost_their_thousands_separators(
        self,
    ) -> None:
        self._assert_separators_reported(self._counts_and_areas())

    @mock.patch.object(columns, "DISTINCT_NUMBERS", 0)
    def test_the_thousands_separators_are_counted_alike_when_read_cell_by_cell(self) -> None:
        self._assert_separators_reported(self._counts_and_areas())
