"""Hostile and foreign files end refused with a message that says what is wrong, within seconds
and before anything is expanded (issue 15, points 12, 15 and 16)."""

from __future__ import annotations

import io
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

import xlsxwriter  # type: ignore[import-untyped]
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, SimpleTestCase, override_settings
from django.urls import reverse

from satudata.catalog.models import Upload, UploadStatus
from satudata.catalog.sinkronisasi.reading import limits
from satudata.catalog.sinkronisasi.reading.bulk import plan_text
from satudata.catalog.sinkronisasi.reading.delimited import UnreadableFile, read_delimited
from satudata.catalog.sinkronisasi.reading.spreadsheet import (
    UnreadableWorkbook,
    open_workbook,
    read_workbook,
)
from satudata.catalog.sinkronisasi.reading.upload import UnreadableUpload, read_upload
from satudata.catalog.sinkronisasi.services import synchronise_upload
from satudata.catalog.storage import clean_filename
from satudata.catalog.tests import hostile
from satudata.catalog.tests.test_synchronisation import GOOD, SynchronisationSetup

BOUNDARY = "batas-bagian-uji"


def _xlsx(build) -> bytes:  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    build(book)
    book.close()
    return buffer.getvalue()


class _Folder(SimpleTestCase):
    def setUp(self) -> None:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)

    def assertRefusedQuickly(self, data: bytes, name: str, message: str) -> None:
        started = time.monotonic()
        with self.assertRaisesMessage(UnreadableUpload, message):
            read_upload(data, name)
        self.assertLess(time.monotonic() - started, 10)


class WorkbookBoundsTests(_Folder):
    def test_a_7_mb_zip_bomb_is_refused_before_it_is_unpacked(self) -> None:
        bomb = hostile.zip_bomb(self.folder / "bom.xlsx", gigabytes=7).read_bytes()
        self.assertLess(len(bomb), 8 * hostile.MB)
        self.assertRefusedQuickly(bomb, "bom.xlsx", "lebih dari 7.168 MB")

    def test_a_zip_bomb_whose_directory_lies_is_refused_by_what_it_really_unpacks(self) -> None:
        # Each part claims 1 KB; the bytes the stream really gives are counted.
        bomb = hostile.zip_bomb(self.folder / "bom.xlsx", gigabytes=7, honest=False)
        self.assertRefusedQuickly(bomb.read_bytes(), "bom.xlsx", "lebih dari 100 kali")

    def test_a_1_mb_workbook_with_a_1_gb_cell_is_refused(self) -> None:
        book = hostile.giant_cell_workbook(self.folder / "sel.xlsx").read_bytes()
        self.assertLess(len(book), 2 * hostile.MB)
        self.assertRefusedQuickly(book, "sel.xlsx", "lebih dari 1.024 MB")

    def test_one_value_in_the_last_cell_of_a_sheet_is_refused_naming_the_sheet(self) -> None:
        # calamine would allocate the whole 17-billion-cell grid and abort the worker.
        self.assertRefusedQuickly(
            hostile.far_cell_workbook(), "jauh.xlsx", "Lembar “Data” mencakup 17.179.869.184 sel"
        )

    def test_an_ods_whose_repeated_cells_expand_past_the_bound_is_refused(self) -> None:
        # calamine expands repetitions at open, up to 100 million cells (gigabytes).
        self.assertRefusedQuickly(
            hostile.repeated_ods(50_000, 1000), "ulang.ods", "mencakup 50.001.000 sel"
        )
        # Formatted empty space after the table, as LibreOffice writes it, is no value.
        empty = hostile.repeated_ods(1_048_000, 1024, valued=False)
        self.assertIsNone(limits.workbook_problem(empty))
        self.assertEqual(read_workbook(hostile.repeated_ods(3, 2))[0].columns, ["kode", "jumlah"])

    @override_settings(READ_MAX_CELLS=1000)
    def test_the_cells_of_all_sheets_together_are_bounded(self) -> None:
        def build(book) -> None:  # type: ignore[no-untyped-def]
            for name in ("A", "B", "C"):
                sheet = book.add_worksheet(name)
                for row in range(300):
                    sheet.write_row(row, 0, [row, row, row])

        with self.assertRaisesMessage(UnreadableWorkbook, "lebih dari 1.000 sel, semua lembar"):
            open_workbook(_xlsx(build))

    def test_a_workbook_packed_by_a_method_that_cannot_be_counted_is_not_opened(self) -> None:
        data = _xlsx(lambda book: book.add_worksheet("Data").write_row(0, 0, ["a", "b"]))
        repacked = io.BytesIO()
        with (
            zipfile.ZipFile(io.BytesIO(data)) as source,
            zipfile.ZipFile(repacked, "w", zipfile.ZIP_BZIP2) as target,
        ):
            for name in source.namelist():
                target.writestr(name, source.read(name))
        self.assertRefusedQuickly(repacked.getvalue(), "x.xlsx", "berkas rusak")

    def test_a_real_table_with_repetitive_cells_is_read(self) -> None:
        def build(book) -> None:  # type: ignore[no-untyped-def]
            sheet = book.add_worksheet("Penduduk")
            sheet.write_row(0, 0, ["kode wilayah", "kecamatan", "tahun", "jumlah", "ket"])
            for row in range(1, 20_001):
                sheet.write_row(row, 0, [f"18.10.{row % 9:02d}", "Pringsewu", 2025, 0, "-"])

        data = _xlsx(build)
        self.assertIsNone(limits.workbook_problem(data))
        (table,) = read_workbook(data)
        self.assertEqual(len(table.rows), 20_000)

    @override_settings(READ_MAX_UNPACKED_BYTES=hostile.MB)
    def test_the_unpacked_size_bound_is_a_setting(self) -> None:
        def build(book) -> None:  # type: ignore[no-untyped-def]
            sheet = book.add_worksheet("Data")
            for row in range(30_000):
                sheet.write_row(row, 0, [row, row * 2, "desa"])

        with self.assertRaisesMessage(UnreadableWorkbook, "paling banyak 1 MB"):
            open_workbook(_xlsx(build))

    @override_settings(READ_MAX_CELLS=100)
    def test_a_sheet_spanning_more_cells_than_the_bound_is_refused(self) -> None:
        def build(book) -> None:  # type: ignore[no-untyped-def]
            book.add_worksheet("Kecil").write_row(0, 0, ["a", "b"])
            sheet = book.add_worksheet("Besar")
            for row in range(60):
                sheet.write_row(row, 0, [row, row])

        with self.assertRaisesMessage(UnreadableWorkbook, "Lembar “Besar” mencakup 120 sel"):
            read_workbook(_xlsx(build))

    @override_settings(READ_MAX_CELL_CHARS=1000)
    def test_a_cell_longer_than_the_bound_is_named_by_sheet_row_and_column(self) -> None:
        def build(book) -> None:  # type: ignore[no-untyped-def]
            sheet = book.add_worksheet("Data")
            sheet.write_row(0, 0, ["kode wilayah", "keterangan"])
            sheet.write_row(1, 0, ["18.10.01", "x" * 1500])

        with self.assertRaisesMessage(
            UnreadableWorkbook, "lembar “Data”, baris 2, kolom B berisi 1.500 karakter"
        ):
            read_workbook(_xlsx(build))


class TextBoundsTests(_Folder):
    def test_a_20000_column_csv_names_its_columns_and_the_bound(self) -> None:
        with self.assertRaisesMessage(UnreadableFile, "20.000 kolom; paling banyak 1.000"):
            read_delimited(hostile.wide_csv())
        path = self.folder / "lebar.csv"
        path.write_bytes(hostile.wide_csv(rows=40))
        with self.assertRaisesMessage(UnreadableFile, "20.000 kolom; paling banyak 1.000"):
            plan_text(path)

    def test_a_10_mb_single_line_is_refused_naming_the_line(self) -> None:
        path = hostile.long_line_csv(self.folder / "baris.csv")
        with self.assertRaisesMessage(
            UnreadableFile, "Baris 2 berkas ini lebih panjang dari 1.024 KB"
        ):
            plan_text(path)
        with self.assertRaisesMessage(UnreadableFile, "Baris 2 berkas ini lebih panjang"):
            read_delimited(path.read_bytes())

    def test_a_quote_left_open_over_100000_lines_names_the_line_it_opens_on(self) -> None:
        path = hostile.open_quote_csv(self.folder / "petik.csv", lines=100_000, at=3)
        message = 'tanda petik (") membuka sel di baris 3'
        with self.assertRaisesMessage(UnreadableFile, message):
            plan_text(path)
        with self.assertRaisesMessage(UnreadableFile, message):
            read_delimited(path.read_bytes())

    def test_a_quote_left_open_to_the_end_of_a_small_file_is_refused_too(self) -> None:
        path = hostile.open_quote_csv(self.folder / "petik.csv", lines=150, at=4)
        with self.assertRaisesMessage(UnreadableFile, "membuka sel di baris 4"):
            read_delimited(path.read_bytes())

    def test_a_cell_over_a_few_lines_is_still_a_cell(self) -> None:
        table = read_delimited(
            b'kode;alamat;jumlah\n18.10.01;"Jl. A\nRT 1\nRW 2";3\n18.10.02;B;4\n'
        )
        self.assertEqual(table.rows[0][1], "Jl. A\nRT 1\nRW 2")

    @override_settings(READ_MAX_CELL_CHARS=100)
    def test_a_long_cell_in_a_csv_is_named_by_row_and_column(self) -> None:
        with self.assertRaisesMessage(UnreadableFile, "baris 2, kolom B berisi 150 karakter"):
            read_delimited(b"kode;keterangan\n18.10.01;" + b"x" * 150 + b"\n")

    def test_a_cell_past_what_the_csv_reader_holds_is_named_by_its_line(self) -> None:
        with self.assertRaisesMessage(UnreadableFile, "dimulai di baris 3 lebih panjang"):
            read_delimited(b"kode;ket\n18.10.01;a\n18.10.02;" + b"y" * 200_000 + b"\n")

    @override_settings(READ_MAX_LINE_BYTES=1024)
    def test_the_line_meter_finds_a_long_line_across_chunks(self) -> None:
        meter = limits.LineMeter()
        self.assertIsNone(meter.feed(b"a;b\n" * 100 + b"x" * 600))
        self.assertEqual(meter.feed(b"x" * 600 + b"\nok\n"), 101)
        meter = limits.LineMeter()
        self.assertEqual(meter.feed(b"a\n" * 5 + b"z" * 3000 + b"\nb\n"), 6)
        self.assertIsNone(limits.LineMeter().feed(b"a;b\n" * 10_000))


class FileKindTests(SimpleTestCase):
    def test_an_image_renamed_to_xlsx_is_called_an_image(self) -> None:
        png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
        with self.assertRaisesMessage(UnreadableUpload, "“tabel.xlsx” adalah gambar PNG, bukan"):
            read_upload(png, "tabel.xlsx")
        with self.assertRaisesMessage(UnreadableUpload, "gambar JPEG"):
            read_upload(b"\xff\xd8\xff\xe0" + b"\x00" * 64, "foto.csv")

    def test_a_pdf_a_word_document_and_a_plain_zip_are_named(self) -> None:
        with self.assertRaisesMessage(UnreadableUpload, "dokumen PDF"):
            read_upload(b"%PDF-1.7\n%\xe2\xe3\n1 0 obj", "laporan.xlsx")
        docx = io.BytesIO()
        with zipfile.ZipFile(docx, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml", "<w:document/>")
        with self.assertRaisesMessage(UnreadableUpload, "dokumen Word (DOCX)"):
            read_upload(docx.getvalue(), "tabel.xlsx")
        plain = io.BytesIO()
        with zipfile.ZipFile(plain, "w") as archive:
            archive.writestr("data/tabel.csv", "a;b\n1;2\n")
        with self.assertRaisesMessage(UnreadableUpload, "Ekstrak arsip itu"):
            read_upload(plain.getvalue(), "data.zip")
        word97 = (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200 + "WordDocument".encode("utf-16-le")
        )
        with self.assertRaisesMessage(UnreadableUpload, "dokumen Word 97-2003"):
            read_upload(word97, "tabel.xls")

    def test_a_real_workbook_and_a_csv_are_not_taken_for_something_else(self) -> None:
        data = _xlsx(lambda book: book.add_worksheet("Data").write_row(0, 0, ["a", "b"]))
        self.assertEqual(read_upload(data, "x.xlsx")[0].sheet, "Data")
        self.assertEqual(read_upload(b"a;b\n1;2\n", "x.csv")[0].columns, ["a", "b"])


class NoticeTests(SimpleTestCase):
    def test_the_encoding_is_named_as_a_person_knows_it(self) -> None:
        def encoding(data: bytes) -> str:
            return next(n.message for n in read_delimited(data).notices if n.code == "encoding")

        self.assertIn("Windows-1252", encoding("nama;jumlah\nCianjur é;2\n".encode("cp1252")))
        self.assertIn("UTF-16", encoding("nama;jumlah\nA;2\n".encode("utf-16")))
        self.assertIn("UTF-8", encoding("nama;jumlah\nSérang;2\n".encode()))


class FileNameTests(SimpleTestCase):
    def test_a_5000_character_name_is_shortened_keeping_the_extension(self) -> None:
        name = clean_filename("data " * 1000 + ".xlsx")
        self.assertLessEqual(len(name), 255)
        self.assertTrue(name.endswith("….xlsx"))

    def test_paths_control_and_direction_characters_are_taken_out(self) -> None:
        self.assertEqual(clean_filename("..\\..\\C:\\x/../data.csv"), "data.csv")
        self.assertEqual(clean_filename("lap\u202excod.exe"), "lapxcod.exe")
        self.assertEqual(clean_filename("a\x00b\x1f c\u200b.csv"), "ab c.csv")
        self.assertEqual(clean_filename("\x00\x01"), "upload")


class HostileUploadTests(SynchronisationSetup):
    """Through the worker's entry and the pages: refused with the message, never a 500."""

    def _rejected(self, upload: Upload) -> str:
        started = time.monotonic()
        synchronise_upload(actor=self.p.producer, upload=upload)
        self.assertLess(time.monotonic() - started, 15)
        self.assertEqual(upload.status, UploadStatus.REJECTED)
        return str(upload.findings[0]["message"])

    def _received_bytes(self, data: bytes, filename: str) -> Upload:
        from satudata.catalog.services import create_dataset
        from satudata.catalog.sinkronisasi.services import receive_upload

        dataset = create_dataset(actor=self.p.producer, item=self.item)
        return receive_upload(
            actor=self.p.producer, dataset=dataset, filename=filename, chunks=[data], check=False
        )

    def test_a_zip_bomb_upload_ends_refused_with_its_reason(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            bomb = hostile.zip_bomb(Path(folder) / "bom.xlsx").read_bytes()
        message = self._rejected(self._received_bytes(bomb, "bom.xlsx"))
        self.assertIn("lebih dari 7.168 MB", message)

    @override_settings(SYNC_STREAM_BYTES=1024)
    def test_a_quote_left_open_deep_in_a_large_csv_names_its_line(self) -> None:
        # Past the head the planner reads: DuckDB sets the row aside, the reader says why.
        lines = ["kode wilayah;tahun;jenis;jumlah"] + [
            f"18.10.{i % 9 + 1:02d};2025;Rawat Inap;{i}" for i in range(12_000)
        ]
        lines.append('18.10.01;2025;"Rawat Inap;1')
        lines += [f"18.10.02;2025;Rawat Inap;{i}" for i in range(100_000)]
        upload = self._received_bytes("\n".join(lines).encode() + b"\n", "besar.csv")
        self.assertIn("membuka sel di baris 12.002", self._rejected(upload))

    @override_settings(SYNC_STREAM_BYTES=1024, READ_MAX_LINE_BYTES=64 * 1024)
    def test_a_long_line_deep_in_a_large_csv_is_found_by_the_streaming_pass(self) -> None:
        body = "".join(f"18.10.01;2025;Rawat Inap;{i}\n" for i in range(20_000))
        data = ("kode wilayah;tahun;jenis;jumlah\n" + body).encode() + b"9" * 100_000 + b"\n"
        message = self._rejected(self._received_bytes(data, "besar.csv"))
        self.assertIn("Baris 20.002 berkas ini lebih panjang dari 64 KB", message)

    def test_the_report_shows_the_encoding_and_the_sheets_read(self) -> None:
        self._metadata()

        def build(book) -> None:  # type: ignore[no-untyped-def]
            sheet = book.add_worksheet("Puskesmas")
            for row, line in enumerate(GOOD.splitlines()):
                sheet.write_row(row, 0, line.split(";"))
            book.add_worksheet("Catatan").write(0, 0, "Sumber: Dinas Kesehatan")

        upload = self._received_bytes(_xlsx(build), "puskesmas.xlsx")
        synchronise_upload(actor=self.p.producer, upload=upload)
        self.client.force_login(self.p.producer)
        page = self.client.get(reverse("catalog:upload-report", args=[upload.pk]))
        self.assertContains(
            page, "Buku kerja ini memiliki 2 lembar (“Puskesmas”, “Catatan”); lembar “Puskesmas”"
        )
        csv_upload = self._received_bytes("nama;jumlah\nSérang;2\n".encode("cp1252"), "p.csv")
        synchronise_upload(actor=self.p.producer, upload=csv_upload)
        page = self.client.get(reverse("catalog:upload-report", args=[csv_upload.pk]))
        self.assertContains(page, "Teks dibaca dengan penyandian Windows-1252.")

    def test_a_5000_character_file_name_is_stored_shortened_through_the_page(self) -> None:
        self.client.force_login(self.p.producer)
        name = "\u202e" + "laporan puskesmas " * 280 + "\x00.csv"
        with self.captureOnCommitCallbacks(execute=True):
            sent = self.client.post(
                reverse("catalog:item-upload", args=[self.item.pk]),
                {"file": SimpleUploadedFile(name, GOOD.encode())},
            )
        self.assertEqual(sent.status_code, 302)
        upload = Upload.objects.get()
        self.assertLessEqual(len(upload.filename), 255)
        self.assertTrue(upload.filename.startswith("laporan puskesmas"))
        self.assertTrue(upload.filename.endswith(".csv"))
        self.assertEqual(self.client.get(sent["Location"]).status_code, 200)

    def test_a_5000_character_file_name_is_stored_shortened_through_the_api(self) -> None:
        from satudata.accounts.services import create_api_token

        raw = create_api_token(actor=self.p.producer, name="skrip", scopes=["write"]).raw
        name = "a/b\\" + "tabel\u202e" * 1000 + ".xlsx"
        with self.captureOnCommitCallbacks(execute=True):
            sent = self.client.post(
                reverse("api-v1:item-upload", kwargs={"pk": self.item.pk}),
                {"file": SimpleUploadedFile(name, GOOD.encode())},
                HTTP_AUTHORIZATION=f"Bearer {raw}",
            )
        self.assertEqual(sent.status_code, 202)
        upload = Upload.objects.get()
        self.assertLessEqual(len(upload.filename), 255)
        self.assertTrue(upload.filename.startswith("tabel"))
        self.assertTrue(upload.filename.endswith(".xlsx"))
        report = self.client.get(sent["Location"], HTTP_AUTHORIZATION=f"Bearer {raw}")
        self.assertEqual(report.json()["filename"], upload.filename)

    def _multipart(self, filename: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
        """A body as a browser or an HTTP library sends it: the name whole in the part's
        header (the test client's own encoding would cut it to 255 characters first)."""
        parts = [
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
            for key, value in (fields or {}).items()
        ]
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n{GOOD}\r\n'
            f"--{BOUNDARY}--\r\n"
        )
        return {
            "data": "".join(parts).encode(),
            "content_type": f"multipart/form-data; boundary={BOUNDARY}",
        }

    def _strict_page_client(self) -> tuple[Client, str]:
        """A logged-in client that checks CSRF, as a browser's request is checked (the check
        reads the form before the view does), and the form's token."""
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.p.producer)
        client.get(reverse("catalog:item-upload", args=[self.item.pk]))
        return client, client.cookies["csrftoken"].value

    def test_a_5000_character_file_name_in_the_request_is_received_shortened_by_the_page(
        self,
    ) -> None:
        self._metadata()
        client, token = self._strict_page_client()
        name = "laporan puskesmas " * 278 + "akhir.csv"
        self.assertEqual(len(name), 5013)
        with self.captureOnCommitCallbacks(execute=True):
            sent = client.post(
                reverse("catalog:item-upload", args=[self.item.pk]),
                **self._multipart(name, {"csrfmiddlewaretoken": token}),
                headers={"accept": "application/json"},
            )
        self.assertEqual(sent.status_code, 201, sent.content[:300])
        upload = Upload.objects.get()
        self.assertEqual(sent.json()["upload"], upload.pk)
        self.assertEqual(len(upload.filename), 255)
        self.assertTrue(upload.filename.startswith("laporan puskesmas laporan"))
        self.assertTrue(upload.filename.endswith(".csv"))
        self.assertEqual(upload.status, UploadStatus.SYNCHRONISED)

    def test_a_3000_accented_character_file_name_is_received_shortened_by_the_api(self) -> None:
        from satudata.accounts.services import create_api_token

        raw = create_api_token(actor=self.p.producer, name="skrip", scopes=["write"]).raw
        name = "é" * 3000 + ".csv"  # 6,004 bytes in UTF-8
        with self.captureOnCommitCallbacks(execute=True):
            sent = self.client.post(
                reverse("api-v1:item-upload", kwargs={"pk": self.item.pk}),
                **self._multipart(name),
                headers={"authorization": f"Bearer {raw}"},
            )
        self.assertEqual(sent.status_code, 202, sent.content[:300])
        upload = Upload.objects.get()
        self.assertEqual(upload.filename, "é" * 251 + ".csv")
        report = self.client.get(sent["Location"], headers={"authorization": f"Bearer {raw}"})
        self.assertEqual(report.json()["filename"], upload.filename)

    def test_part_headers_stay_bounded_in_size_and_in_parsing_time(self) -> None:
        from satudata.accounts.services import create_api_token

        raw = create_api_token(actor=self.p.producer, name="skrip", scopes=["write"]).raw
        url = reverse("api-v1:item-upload", kwargs={"pk": self.item.pk})
        for name in ("x" * 70_000 + ".csv", ";" * 60_000 + ".csv"):
            started = time.monotonic()
            sent = self.client.post(
                url, **self._multipart(name), headers={"authorization": f"Bearer {raw}"}
            )
            self.assertLess(time.monotonic() - started, 2)
            self.assertEqual(sent.status_code, 400)
            self.assertEqual(sent.json()["error"]["code"], "invalid")
        self.assertFalse(Upload.objects.exists())

    def test_views_that_take_no_file_keep_djangos_own_bound(self) -> None:
        client, token = self._strict_page_client()
        sent = client.post(
            reverse("catalog:letter-list"),
            **self._multipart("x" * 5000 + ".csv", {"csrfmiddlewaretoken": token}),
        )
        self.assertEqual(sent.status_code, 400)
        self.assertContains(sent, "Permintaan tidak dapat dipahami", status_code=400)

    def test_the_daftar_data_import_says_what_a_hostile_file_is_and_keeps_a_long_name(self) -> None:
        self.client.force_login(self.p.walidata)
        url = reverse("catalog:datalist-import")
        page = self.client.post(
            url,
            {"year": 2027, "file": SimpleUploadedFile("daftar.xlsx", hostile.far_cell_workbook())},
        )
        self.assertContains(page, "mencakup 17.179.869.184 sel", status_code=400)
        png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
        page = self.client.post(
            url, {"year": 2027, "file": SimpleUploadedFile("x" * 5000 + ".xlsx", png)}
        )
        self.assertContains(page, "adalah gambar PNG", status_code=400)

    def test_a_name_given_in_the_address_never_breaks_a_download_header(self) -> None:
        url = reverse("catalog:metadata-export", args=["json"])
        response = self.client.get(url, {"opd": 'dinkes"\r\nSet-Cookie: x=1'})
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("Set-Cookie", response.headers)
        self.assertIn("metadata-dinkes", response["Content-Disposition"])
