"""Table downloads, on the portal and through the REST export: a sort or a column that is not
in the table is a 400 with a clear message in every format (never a 500, never a 200 whose file
stops short), and a download of the whole table in its own order holds the whole table,
whatever the export cap for filtered or sorted ones."""

from __future__ import annotations

import csv
import io
import json

import pyarrow.parquet as pq  # type: ignore[import-untyped]
from django.http import HttpResponseBase
from django.test import override_settings
from django.urls import reverse
from python_calamine import CalamineWorkbook

from satudata.catalog.models import Dataset
from satudata.catalog.testing import published_table
from satudata.core.testing import PersonaTestCase

FORMATS = ("csv", "csv-id", "json", "xlsx", "parquet")
BAD_SORTS = ("nope", "-nope", "-", "x" * 500, "jumlah; DROP TABLE x", "a\x01b", "%", "\\", "_id_")
ROWS = [["Pringsewu", 2], ["Gadingrejo", 3], ["Pagelaran", 1], ["Ambarawa", 5], ["Banyumas", 4]]


def body(response: HttpResponseBase) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return response.content  # type: ignore[attr-defined]


class DownloadTests(PersonaTestCase):
    dataset: Dataset

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.dataset = published_table(cls.p, "Jumlah Puskesmas", ROWS)

    def portal(self, fmt: str, **params: str | list[str]) -> HttpResponseBase:
        return self.client.get(reverse("portal:download", args=[self.dataset.slug, fmt]), params)

    def rest(self, **params: str) -> HttpResponseBase:
        return self.client.get(f"/api/v1/datasets/{self.dataset.slug}/export", params)

    def assertRefused(self, response: HttpResponseBase, field: str, words: str, label: str) -> None:
        """A 400 in the channel's error shape naming ``field``, its message in Indonesian."""
        self.assertEqual(response.status_code, 400, label)
        error = json.loads(body(response))["error"]
        named = error["fields"][0]["field"] if "fields" in error else error["code"]
        self.assertEqual(named, field, label)
        self.assertIn(words, error["message"], label)

    def test_every_format_refuses_a_sort_by_a_column_the_table_lacks(self) -> None:
        for fmt in FORMATS:
            for sort in BAD_SORTS:
                label = f"{fmt} urut={sort[:20]!r}"
                refused = "Tidak dapat mengurutkan"
                self.assertRefused(self.portal(fmt, urut=sort), "sort", refused, label)
                if len(sort) > 100:  # the API takes names of at most 100 characters
                    refused = "Tulis paling banyak 50 nama kolom"
                self.assertRefused(
                    self.rest(format=fmt, sort=sort), "sort", refused, "API " + label
                )

    def test_every_rest_format_refuses_a_column_the_table_lacks(self) -> None:
        for fmt in FORMATS:
            for fields in ("nope", "kecamatan,nope", "kecamatan, "):
                response = self.rest(format=fmt, fields=fields)
                self.assertRefused(response, "fields", "tidak dikenal", f"{fmt} fields={fields!r}")

    def test_a_good_sort_and_fields_still_download(self) -> None:
        lines = body(self.portal("csv", urut="-jumlah")).decode("utf-8-sig").splitlines()
        self.assertEqual(lines[:3], ["kecamatan,jumlah", '"Ambarawa",5', '"Banyumas",4'])
        records = json.loads(body(self.rest(format="json", fields="jumlah", sort="kecamatan")))
        self.assertEqual(records["records"][0], {"jumlah": 5})

    @override_settings(DATASTORE_EXPORT_MAX_ROWS=3)
    def test_the_whole_table_in_its_order_is_never_cut_and_a_sorted_one_says_it_is(self) -> None:
        for fmt in FORMATS:
            response = self.portal(fmt)
            self.assertEqual(response["X-Truncated"], "false", fmt)
            self.assertEqual(response["X-Total-Rows"], "5", fmt)
            self.assertEqual(self.rows_in(fmt, body(response)), 5, fmt)
            # Sorted, the whole table is cut at the cap (a sort holds the rows it keeps).
            sorted_ = self.portal(fmt, urut="-jumlah")
            self.assertEqual(sorted_["X-Truncated"], "true", fmt)
            self.assertEqual(self.rows_in(fmt, body(sorted_)), 3, fmt)

    @override_settings(DATASTORE_EXPORT_MAX_ROWS=3)
    def test_a_filtered_download_past_the_cap_says_so(self) -> None:
        for fmt in FORMATS:
            wide = self.portal(fmt, **{"f.jumlah": ["1", "2", "3", "4", "5"]})
            self.assertEqual(wide["X-Truncated"], "true", fmt)
            self.assertEqual(wide["X-Total-Rows"], "5", fmt)
            self.assertEqual(self.rows_in(fmt, body(wide)), 3, fmt)
            narrow = self.portal(fmt, **{"f.kecamatan": "Pagelaran"})
            self.assertEqual(narrow["X-Truncated"], "false", fmt)
            self.assertEqual(self.rows_in(fmt, body(narrow)), 1, fmt)

    def rows_in(self, fmt: str, content: bytes) -> int:
        if fmt in ("csv", "csv-id"):
            return len(list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))) - 1
        if fmt == "json":
            return len(json.loads(content)["records"])
        if fmt == "xlsx":
            book = CalamineWorkbook.from_filelike(io.BytesIO(content))
            return len(book.get_sheet_by_name("Data").to_python()) - 1
        return int(pq.read_table(io.BytesIO(content)).num_rows)
