"""The large-file path (DuckDB reads the CSV from disk) against the row-by-row reader: the same
file gives the same findings at the same rows, and what cannot be read is said clearly."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

from django.test import override_settings

from satudata.catalog.models import (
    CodeValue,
    DatasetVersion,
    DataType,
    Upload,
    UploadStatus,
    Variable,
)
from satudata.catalog.sinkronisasi.engine import Workspace, check, load_sheet
from satudata.catalog.sinkronisasi.reading.bulk import load_text, plan_text
from satudata.catalog.sinkronisasi.reading.delimited import UnreadableFile
from satudata.catalog.sinkronisasi.reading.upload import UnreadableUpload, read_upload
from satudata.catalog.sinkronisasi.services import (
    receive_upload,
    recheck_upload,
    synchronise_upload,
)
from satudata.catalog.tasks import check_upload
from satudata.catalog.tests.test_synchronisation import GOOD, SynchronisationSetup
from satudata.core.testing import PersonaTestCase, xlsx_cells

MESSY = (
    "Jumlah Penduduk menurut Desa (data contoh)\n"
    "\n"
    "kode wilayah;tahun;jenis kelamin;jumlah;persen\n"
    "18.10.01.2001;2025;Laki-laki;1.250;50,2\n"
    "18.10.01.2002;2025;Perempuan;1.875;49,8\n"
    "\n"
    "18.10.99.9999;2025;L;dua ribu;130\n"
    "18.10.01.2001;2025;Laki-laki;5;1,0\n"
    "18.10.01.2003;2025;Perempuan;10\n"
    "Jumlah;;;3.140;\n"
    "Sumber: Disdukcapil (data contoh)\n"
)


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


class BulkReaderTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        agency = cls.p.agency
        Variable.objects.create(agency=agency, name="Kode Wilayah", data_type=DataType.REGION)
        Variable.objects.create(agency=agency, name="Tahun", data_type=DataType.YEAR)
        sex = Variable.objects.create(agency=agency, name="Jenis Kelamin", data_type="category")
        CodeValue.objects.create(variable=sex, code="1", label="Laki-laki")
        CodeValue.objects.create(variable=sex, code="2", label="Perempuan")
        Variable.objects.create(
            agency=agency, name="Jumlah", data_type=DataType.INTEGER, rules=[{"kind": "required"}]
        )
        Variable.objects.create(
            agency=agency,
            name="Persen",
            data_type=DataType.DECIMAL,
            rules=[{"kind": "range", "min": 0, "max": 100}],
        )

    def _mapping(self, columns: list[str]) -> dict[int, Variable]:
        by_name = {v.name.lower(): v for v in Variable.objects.all()}
        return {i: by_name[c] for i, c in enumerate(columns) if c in by_name}

    def _bulk(self, data: bytes, folder: Path) -> tuple[list[tuple[int, str, str, str]], list[str]]:
        path = folder / "big.csv"
        path.write_bytes(data)
        with Workspace() as ws:
            notices = load_text(ws, path, plan_text(path), _no_progress)
            result = check(ws, self._mapping(ws.columns), region_within="18.10", key_columns=[0])
            found = sorted((f.row or 0, f.column, f.severity, f.message) for f in result.findings)
            return found, [n.code for n in notices]

    def test_the_bulk_path_finds_what_the_row_reader_finds_at_the_same_rows(self) -> None:
        import tempfile

        (table,) = read_upload(MESSY.encode(), "penduduk.csv")
        with Workspace() as ws:
            load_sheet(ws, table)
            small = check(ws, self._mapping(ws.columns), region_within="18.10", key_columns=[0])
        expected = sorted((f.row or 0, f.column, f.severity, f.message) for f in small.findings)
        with tempfile.TemporaryDirectory() as folder:
            found, codes = self._bulk(MESSY.encode(), Path(folder))
        # Row 9 is short by one cell: the row reader pads it (then "jumlah" is required and
        # missing), the bulk reader rejects the row with its line number. Everything else agrees.
        short = [f for f in found if f[0] == 9]
        self.assertEqual(len(short), 1)
        self.assertIn("5 kolom", short[0][3])
        self.assertEqual(
            [f for f in found if f[0] != 9],
            [f for f in expected if f[0] != 9 and f[0] != 8] + [f for f in expected if f[0] == 8],
        )
        self.assertIn(
            (7, "kode wilayah", "error", "Tidak ada wilayah dengan kode Kemendagri ini."), found
        )
        self.assertIn(
            (
                7,
                "persen",
                "error",
                "Di atas nilai terbesar yang diizinkan, 100; dibaca sebagai 130.",
            ),
            found,
        )
        self.assertIn("title_row", codes)
        self.assertIn("total_row", codes)
        self.assertIn("footnote", codes)

    def test_both_readers_read_quotes_and_row_ends_alike(self) -> None:
        """Each file read by the row reader and by DuckDB: the same rows, or the same refusal."""
        import tempfile

        def small(data: bytes) -> tuple[str, object]:
            try:
                (table,) = read_upload(data, "t.csv")
            except UnreadableUpload as error:
                return "refused", str(error)
            kept = [[str(c) for c in row] for row in table.rows]
            return "read", (kept, [w.line for w in table.wrong_width])

        def bulk(data: bytes, folder: Path) -> tuple[str, object]:
            path = folder / "t.csv"
            path.write_bytes(data)
            try:
                with Workspace() as ws:
                    load_text(ws, path, plan_text(path), _no_progress)
                    names = ", ".join(f"c{i}" for i in range(len(ws.columns)))
                    sql = f"SELECT {names} FROM src ORDER BY _row"  # noqa: S608 (c0, c1 …)
                    rows = ws.con.execute(sql).fetchall()
                    kept = [[(c or "").strip() for c in row] for row in rows]
                    return "read", (kept, [f.row for f in ws.read_findings])
            except UnreadableFile as error:
                return "refused", str(error)

        files = {
            # A separator ending one row: an empty cell, not a wrong row.
            "trailing": b"a;b;c\n1;2;3\n4;5;6;;\n7;8;9\n",
            # Spaces between a closing quotation mark and the separator are dropped.
            "spaced": b'"a" ;"b";"c"\n1;"abc" ;x\n2;y;"z"  \n',
            # An address over two lines in a narrow table is a cell, commas and all.
            "address": b'a,b,c\n1,2,"Jl. Raya No. 5\nRT 02, RW 03, Kel. Pringsewu"\n3,4,ok\n',
            # A note after a blank line in a wide table is a cell too.
            "note": (
                b'a,b,c,d,e,f\n1,2,3,4,5,ok\n\n7,8,9,10,11,"Catatan\nA, B, C"\n12,13,14,15,16,x\n'
            ),
            # A closing quotation mark followed by more text on its line is refused.
            "stray": b'a;b;c\n1;"Kab." Pringsewu;x\n2;y;z\n',
            # Rows of another width are errors on their lines.
            "ragged": b"a;b;c\n1;2;3\n4;5\n6;7;8;9\n10;11;12\n",
        }
        expected = {
            "trailing": "read",
            "spaced": "read",
            "address": "read",
            "note": "read",
            "stray": "refused",
            "ragged": "read",
        }
        with tempfile.TemporaryDirectory() as folder:
            for name, data in files.items():
                with self.subTest(name):
                    by_rows, by_duckdb = small(data), bulk(data, Path(folder))
                    self.assertEqual(by_rows[0], expected[name], by_rows)
                    self.assertEqual(by_rows, by_duckdb)

    def test_windows_1252_and_blank_lines_keep_the_line_numbers(self) -> None:
        import tempfile

        text = "kode wilayah;tahun;jumlah\n\n18.10.01.1001;2025;5\n\n\n18.10.99.9999;2025;6\n"
        data = text.replace("2025;6", "2025;6 café").encode("cp1252")
        with tempfile.TemporaryDirectory() as folder:
            found, _codes = self._bulk(data, Path(folder))
        rows = {f[0] for f in found if f[2] == "error"}
        # Line 6 holds the unknown code and the text that is not a number.
        self.assertEqual(rows, {6})

    def test_the_decimal_mark_counted_partly_in_sql_is_the_one_python_infers(self) -> None:
        import random

        import pyarrow as pa  # type: ignore[import-untyped]

        from satudata.catalog.sinkronisasi.engine import columns
        from satudata.catalog.sinkronisasi.reading.values import infer_decimal_mark, is_missing

        rng = random.Random(15)
        shapes = [
            "12.5", "12,5", "1.250", "1,250", "1.234.567", "1,234.50", "4.512,75", "0.05",
            "12.3456", "-3,5", "45,5%", " 7.25 ", "1 234,5", "..", "n.a.", "#DIV/0!", "١٢.٥",
            "12.", ",5", "3.000", "3,000", "abc,def", "2.5e3",
        ]  # fmt: skip
        for case in range(200):
            cells = [rng.choice(shapes) for _ in range(rng.randint(1, 40))]
            with self.subTest(case=case, cells=cells), Workspace() as ws:
                source = pa.table({"_row": list(range(len(cells))), "c0": cells})  # noqa: F841
                ws.con.execute("CREATE TABLE src AS SELECT * FROM source")
                mark, marked = columns._decimal_mark(ws, 0)
                sample = [c for c in cells if ("." in c or "," in c) and not is_missing(c)]
                self.assertEqual((mark, marked), (infer_decimal_mark(sample), bool(sample)))

    def test_a_total_after_a_unicode_space_is_set_aside_as_in_a_small_file(self) -> None:
        import tempfile

        text = "kecamatan;jumlah\nPringsewu;3\nAmbarawa;4\n\u00a0Jumlah;7\n\u3000Total :;7\n"
        with tempfile.TemporaryDirectory() as folder, Workspace() as ws:
            path = Path(folder) / "big.csv"
            path.write_text(text, encoding="utf-8")
            notices = load_text(ws, path, plan_text(path), _no_progress)
            self.assertEqual(ws.rows, 2)
            self.assertEqual([n.row for n in notices if n.code == "total_row"], [4, 5])

    def test_thousands_of_columns_are_refused(self) -> None:
        import tempfile

        header = ";".join(f"k{i}" for i in range(1500))
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "wide.csv"
            path.write_text(header + "\n" + ";".join("1" for _ in range(1500)) + "\n")
            with self.assertRaisesMessage(Exception, "paling banyak 1.000"):
                plan_text(path)

    def test_the_file_scan_agrees_with_a_plain_reading_across_chunk_edges(self) -> None:
        """Lines, blank lines and UTF-8 found chunk by chunk, with chunks so small that blank
        lines, CRLF ends and multibyte characters fall across their edges."""
        import tempfile

        from satudata.catalog.sinkronisasi.reading import bulk

        cases = [
            b"a;b\n1;2\n\n3;4\n \n\t\n5;6\n",
            b"a;b\r\n1;2\r\n\r\n3;4\r\n",
            b"a;b\n" + "Pringsewu;é€\n".encode() * 3 + b"x;y",
            b"\n\na;b\n1;2\n\n",
            b"a;b\n" + "caf\u00e9".encode("cp1252") + b";1\n" + b"x;y\n" * 4,
            b"a;b\n1;2\n" + "é".encode()[:1],  # a character cut off at the end
        ]
        for data in cases:
            lines = data.split(b"\n")
            expected_blank = [n for n, line in enumerate(lines[:-1], 1) if not line.strip()]
            try:
                data.decode("utf-8")
                utf8 = True
            except UnicodeDecodeError:
                utf8 = False
            for chunk in (1, 2, 3, 5, 7, 64):
                with self.subTest(data=data, chunk=chunk), tempfile.TemporaryDirectory() as d:
                    path = Path(d) / "f.csv"
                    path.write_bytes(data)
                    with mock.patch.object(bulk, "CHUNK_BYTES", chunk):
                        scan = bulk._scan(path, _no_progress)
                    self.assertEqual(scan.lines, len(lines) - (0 if lines[-1] else 1))
                    self.assertEqual(scan.utf8, utf8)
                    self.assertEqual(scan.blank, expected_blank)

    def test_the_ways_of_reading_a_column_give_the_same_table_and_findings(self) -> None:
        """A column read once per distinct text is read by a plain cast, by the cast with its
        exceptions listed, or by a join of its verdicts; a number column may also be read cell
        by cell. Each way gives the same typed values, the same Parquet in the file's row order
        and the same findings, whatever is written: Indonesian and English marks, percentages,
        spaces, markers, error displays, text, empty cells, codes read as their labels."""
        import tempfile

        import pyarrow.parquet as pq  # type: ignore[import-untyped]

        from satudata.catalog.sinkronisasi.engine import columns, write_parquet

        cells = [
            "1.250", "1,250", " 2 954 ", "4,5", "45%", "-", "n/a", "#REF!", "dua", "", "0",
            "12.5", "-3", "1.234.567", "3,876", "007", "1e3", "Err:502", "…", "100,25",
        ]  # fmt: skip
        sexes = ["1", "Laki-laki", "2", "perempuan", "-", "3"]
        rows = [
            f"18.10.01.2001;{2000 + n % 30};{sexes[n % len(sexes)]};{cell};"
            f"{cells[-1 - n % len(cells)]}"
            for n, cell in enumerate(cells * 3)
        ]
        data = ("kode wilayah;tahun;jenis kelamin;jumlah;persen\n" + "\n".join(rows)).encode()
        seen, kinds = [], []
        ways = [
            (columns.DISTINCT_NUMBERS, columns.CAST_EXCEPTIONS),  # casts, exceptions listed
            (0, columns.CAST_EXCEPTIONS),  # numbers cell by cell
            (columns.DISTINCT_NUMBERS, 0),  # only columns without exceptions cast
            (columns.DISTINCT_NUMBERS, -1),  # every column joined
        ]
        for limit, exceptions in ways:
            with (
                mock.patch.object(columns, "DISTINCT_NUMBERS", limit),
                mock.patch.object(columns, "CAST_EXCEPTIONS", exceptions),
                tempfile.TemporaryDirectory() as folder,
            ):
                path = Path(folder) / "big.csv"
                path.write_bytes(data)
                with Workspace() as ws:
                    load_text(ws, path, plan_text(path), _no_progress)
                    mapping = self._mapping(ws.columns)
                    result = check(ws, mapping, region_within="18.10")
                    typed = ws.con.execute("SELECT COLUMNS('^v[0-9]+$') FROM typed ORDER BY _row")
                    values = typed.fetchall()
                    kinds.append(
                        ws.scalar(
                            "SELECT table_type FROM information_schema.tables "
                            "WHERE table_name = 'typed'"
                        )
                    )
                    write_parquet(ws, mapping, Path(folder) / "v.parquet", meta={})
                    stored = pq.read_table(Path(folder) / "v.parquet").to_pylist()
                    seen.append(
                        (
                            values,
                            stored,
                            sorted(
                                (f.row or 0, f.column, f.severity, f.message, f.value)
                                for f in result.findings
                            ),
                            result.missing,
                            result.notices,
                        )
                    )
        for way, found in zip(ways[1:], seen[1:], strict=True):
            with self.subTest(way=way):
                self.assertEqual(found, seen[0])
        self.assertTrue(seen[0][2], "the messy cells give findings")
        self.assertEqual(
            [r["jenis_kelamin"] for r in seen[0][1][:4]], ["Laki-laki"] * 2 + ["Perempuan"] * 2
        )
        self.assertEqual([r["jumlah"] for r in seen[0][1][:3]], [1250, 1250, 2954])
        # The first way reads every column by a cast (a view); the last joins (a table).
        self.assertEqual(kinds[0], "VIEW")
        self.assertNotEqual(kinds[-1], "VIEW")


@override_settings(SYNC_STREAM_BYTES=10)
class LargeUploadTests(SynchronisationSetup):
    """Uploads above the streaming threshold go through the bulk reader end to end."""

    def test_a_large_csv_is_synchronised_through_the_bulk_reader(self) -> None:
        self._metadata()
        upload = self._received(GOOD)
        with mock.patch("satudata.catalog.sinkronisasi.services.read_upload") as row_reader:
            synchronise_upload(actor=self.p.producer, upload=upload)
        row_reader.assert_not_called()
        self.assertEqual(upload.status, UploadStatus.SYNCHRONISED, upload.findings)
        self.assertEqual(upload.version.row_count, 3)
        self.assertIn("footnote", [n["code"] for n in upload.notices])


class RowWidthAndQuoteTests(SynchronisationSetup):
    """A row of another width, or a stray quotation mark, reads the same whatever the size of
    the file: never padded, cut or swallowed into a cell of a synchronised version."""

    RAGGED = GOOD.replace("18.10.02;2025;Non Rawat Inap;3", "18.10.02;2025;Non Rawat Inap").replace(
        "18.10.03;2025;Rawat Inap;-", "18.10.03;2025;Rawat Inap;4;99\n18.10.04;2025;Rawat Inap;5"
    )

    def _synchronised(self, content: str, stream_bytes: int) -> Upload:
        with override_settings(SYNC_STREAM_BYTES=stream_bytes):
            upload = self._received(content)
            synchronise_upload(actor=self.p.producer, upload=upload)
        upload.refresh_from_db()
        return upload

    def test_rows_of_another_width_are_errors_on_their_lines_in_both_readers(self) -> None:
        self._metadata()
        for stream_bytes in (10, 10**9):  # the bulk reader, then the row reader
            with self.subTest(stream_bytes=stream_bytes):
                upload = self._synchronised(self.RAGGED, stream_bytes)
                self.assertEqual(upload.status, UploadStatus.REJECTED)
                self.assertFalse(DatasetVersion.objects.filter(dataset=upload.dataset).exists())
                width = [
                    (f["row"], f["message"]) for f in upload.findings if "sel;" in f["message"]
                ]
                self.assertEqual(
                    width,
                    [
                        (4, "Baris ini berisi 3 sel; tabel memiliki 4 kolom."),
                        (5, "Baris ini berisi 5 sel; tabel memiliki 4 kolom."),
                    ],
                )

    def test_a_file_whose_every_row_has_another_width_says_so_not_blank_template(self) -> None:
        self._metadata()
        content = "kode wilayah;tahun;jenis;jumlah\n18.10.01;2025\n18.10.02;2025;x\n"
        upload = self._synchronised(content, 10**9)
        self.assertEqual(upload.status, UploadStatus.REJECTED)
        (finding,) = upload.findings
        self.assertIn("Tidak ada baris tabel yang dapat dibaca: 2 baris", finding["message"])
        self.assertNotIn("templat", finding["message"])

    def test_a_stray_quotation_mark_is_refused_in_both_readers(self) -> None:
        self._metadata()
        swallowed = GOOD.replace("Rawat Inap;2", 'Rawat Inap;"2').replace(
            "Rawat Inap;-", 'Rawat Inap;-" x'
        )
        # Closed at the end of a later line: a well-formed cell that holds two rows.
        closed = (
            GOOD.replace("Rawat Inap;2", 'Rawat Inap;"2').replace(
                "Non Rawat Inap;3", 'Non Rawat Inap;3"'
            )
            + "18.10.04;2025;Rawat Inap;5\n18.10.05;2025;Rawat Inap;6\n"
        )
        for content, said in (
            (swallowed, "baris 3 dan sel itu berlanjut sampai baris 5"),
            (closed, "sampai baris 4"),
        ):
            for stream_bytes in (10, 10**9):
                with self.subTest(said=said, stream_bytes=stream_bytes):
                    upload = self._synchronised(content, stream_bytes)
                    self.assertEqual(upload.status, UploadStatus.REJECTED)
                    self.assertFalse(DatasetVersion.objects.filter(dataset=upload.dataset).exists())
                    self.assertIn(said, upload.findings[0]["message"])


class MappingTests(SynchronisationSetup):
    RENAMED = GOOD.replace("kode wilayah;tahun;jenis;jumlah", "kd;thn;jns;banyaknya")

    def test_a_confirmed_mapping_is_used_again_for_the_next_upload(self) -> None:
        self._metadata()
        first = self._received(self.RENAMED)
        synchronise_upload(actor=self.p.producer, upload=first)
        self.assertEqual(first.status, UploadStatus.REJECTED)
        self.assertEqual(first.columns, ["kd", "thn", "jns", "banyaknya"])
        variables = {v.name: v.pk for v in Variable.objects.all()}
        mapping: dict[str, int | None] = {
            "kd": variables["Kode Wilayah"],
            "thn": variables["Tahun"],
            "jns": variables["Jenis"],
            "banyaknya": variables["Jumlah"],
        }
        with self.captureOnCommitCallbacks(execute=True):
            again = recheck_upload(actor=self.p.producer, upload=first, mapping=mapping)
        again.refresh_from_db()
        self.assertEqual(again.status, UploadStatus.SYNCHRONISED, again.findings)
        self.assertEqual(again.based_on, first)
        first.refresh_from_db()
        self.assertEqual(first.status, UploadStatus.REJECTED)  # the earlier result stays
        # The next file with the same headers needs no mapping by hand.
        with self.captureOnCommitCallbacks(execute=True):
            nxt = receive_upload(
                actor=self.p.producer,
                dataset=first.dataset,
                filename="p2.csv",
                chunks=[self.RENAMED.replace(";2;", ";4;").encode()],
            )
        nxt.refresh_from_db()
        self.assertEqual(nxt.status, UploadStatus.SYNCHRONISED, nxt.findings)
        self.assertEqual(nxt.mapping, mapping)
        self.assertEqual(nxt.key_columns, [])  # no key declared in the description

    def test_the_report_page_offers_the_mapping_and_the_status_follows_the_check(self) -> None:
        from django.urls import reverse

        self._metadata()
        upload = self._received(self.RENAMED)
        Upload.objects.filter(pk=upload.pk).update(
            status=UploadStatus.CHECKING, progress={"stage": "check", "done": 2, "total": 4}
        )
        self.client.force_login(self.p.producer)
        status = self.client.get(reverse("catalog:upload-status", args=[upload.pk])).json()
        self.assertEqual((status["status"], status["progress"]["done"]), ("checking", 2))
        page = self.client.get(reverse("catalog:upload-report", args=[upload.pk]))
        self.assertContains(page, "data-check-status")
        with self.captureOnCommitCallbacks(execute=True):
            Upload.objects.filter(pk=upload.pk).update(status=UploadStatus.RECEIVED)
            check_upload.enqueue(upload.pk, self.p.producer.pk)
        page = self.client.get(reverse("catalog:upload-report", args=[upload.pk]))
        self.assertContains(page, "Periksa ulang dengan pemetaan ini")
        self.assertContains(page, '<option value="" selected>— tidak dipublikasikan —</option>')
        variables = {v.name: v.pk for v in Variable.objects.all()}
        post: dict[str, object] = {f"col_{i}": "" for i in range(4)}
        post.update(col_0=variables["Kode Wilayah"], col_1=variables["Tahun"])
        post.update(col_2=variables["Jenis"], col_3=variables["Jumlah"], key_0="on")
        with self.captureOnCommitCallbacks(execute=True):
            answer = self.client.post(reverse("catalog:upload-recheck", args=[upload.pk]), post)
        report = self.client.get(answer["Location"])
        self.assertContains(report, "versi 1, 3 baris")
        self.assertContains(
            self.client.get(reverse("catalog:upload-report", args=[upload.pk])),
            "Lihat pemeriksaan terakhir",
        )

    def test_an_unexpected_failure_is_written_on_the_upload_and_the_worker_goes_on(self) -> None:
        self._metadata()
        upload = self._received(GOOD)
        Upload.objects.filter(pk=upload.pk).update(status=UploadStatus.CHECKING)
        with (
            mock.patch(
                "satudata.catalog.sinkronisasi.services.check",
                side_effect=RuntimeError("disk full"),
            ),
            self.assertLogs("satudata.catalog.tasks", "ERROR"),
        ):
            result = check_upload.enqueue(upload.pk, self.p.producer.pk)
        self.assertEqual(result.return_value, UploadStatus.REJECTED)
        upload.refresh_from_db()
        self.assertEqual(upload.status, UploadStatus.REJECTED)
        self.assertIn("galat tak terduga", upload.findings[0]["message"])
        # The next upload is checked as usual.
        again = self._received(GOOD)
        Upload.objects.filter(pk=again.pk).update(status=UploadStatus.CHECKING)
        self.assertEqual(
            check_upload.enqueue(again.pk, self.p.producer.pk).return_value,
            UploadStatus.SYNCHRONISED,
        )


class HostileContentTests(SynchronisationSetup):
    """Script payloads and formula-like text in an agency's cells go nowhere they could run."""

    HOSTILE = GOOD.replace("Rawat Inap;2", "<script>alert(1)</script>;2").replace(
        "18.10.02;2025;Non Rawat Inap", '=HYPERLINK("http://x");2025;@SUM(A1)'
    )

    def test_script_and_formula_text_is_escaped_in_the_page_and_neutralised_in_exports(
        self,
    ) -> None:
        from django.urls import reverse

        self._metadata()
        upload = self._received(self.HOSTILE, "<img src=x onerror=alert(1)>.csv")
        synchronise_upload(actor=self.p.producer, upload=upload)
        self.assertEqual(upload.status, UploadStatus.REJECTED)
        self.client.force_login(self.p.producer)
        page = self.client.get(reverse("catalog:upload-report", args=[upload.pk]))
        self.assertNotContains(page, "<script>alert(1)</script>")
        self.assertContains(page, "&lt;script&gt;alert(1)&lt;/script&gt;")
        self.assertNotContains(page, "<img src=x")
        report = self.client.get(
            reverse("catalog:upload-report", args=[upload.pk]), {"format": "xlsx"}
        )
        cells = {c.value: c for c in xlsx_cells(report.content)}
        for hostile in ('=HYPERLINK("http://x")', "@SUM(A1)"):
            self.assertTrue(cells[hostile].is_quoted, hostile)
        self.assertFalse([c for c in cells.values() if c.is_formula])
        pdf = self.client.get(reverse("catalog:upload-report", args=[upload.pk]), {"format": "pdf"})
        self.assertEqual(pdf.content[:5], b"%PDF-")
