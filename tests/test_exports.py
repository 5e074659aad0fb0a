"""Downloads that cannot attack their reader: a published dataset whose cells, title and
metadata hold formula payloads goes out through every CSV and XLSX export the platform has,
and in none of them can a spreadsheet program run one; JSON keeps the values as they are.

``EXPORTS`` names every spreadsheet download; a new URL whose name says it is a file, an export
or a download must be added to it (or to ``NOT_SPREADSHEETS``), so no export escapes this
test."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from django.http import HttpResponseBase
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from satudata.api.packages import resource_id
from satudata.catalog.models import Dataset, Upload, Variable
from satudata.catalog.testing import published_table
from satudata.core.testing import PersonaTestCase, xlsx_cells

PAYLOADS = ['=HYPERLINK("http://x")', "+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1"]
# The upload reader (and the description form) trim surrounding whitespace, so "\t=1" and
# "\r=1" reach the table as "=1"; they travel untrimmed in the synchronisation report below.
TABLE_PAYLOADS = ['=HYPERLINK("http://x")', "+1", "-1+1", "@SUM(A1)", "=1"]

# URL names that say "file" but never serve CSV or XLSX (letters: PDF/DOCX; punctuality: JSON).
# A product's files are made by each kind's generator and served as stored (their own tests
# cover what goes into them).
# The IKM recap (issue 19) holds no free text: dates, fixed service labels and scores only
# (it is written through the same formula-safe workbook writer).
NOT_SPREADSHEETS = {
    "catalog:letter-file",
    "releases:punctuality-file",
    "products:file",
    "support:ikm_export",
    # Share kits: PNG cards, a DOCX and a PDF press release, no tabular data.
    "promotion:share_file",
    "promotion:share_entry_file",
    # The KPI table (issue 21): numbers, the fixed KPI names and each KPI's details as JSON text
    # (a cell that starts with "{"), written by the same formula-safe csv_bytes.
    "kpi:table-csv",
    # The usage rollups as Parquet (typed columns, no spreadsheet) and their JSON index.
    "usage_export:index",
    "usage_export:table",
}
# A URL name with one of these words is taken for a download; the synchronisation report's
# ``?format=xlsx`` has no such name and is listed in ``exports`` by hand.
SPREADSHEET_WORDS = {"csv", "xlsx", "export", "download", "file"}


def _names(patterns: list[Any], namespace: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from _names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name


def _body(response: HttpResponseBase) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return response.content  # type: ignore[attr-defined]


class ExportsTests(PersonaTestCase):
    dataset: Dataset

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.dataset = published_table(
            cls.p,
            "\t=1 Jumlah Posyandu",
            [[payload, n] for n, payload in enumerate(TABLE_PAYLOADS)],
            title='=HYPERLINK("http://x")',
            description="\r=1",  # stored trimmed: "=1"
        )
        Variable.objects.filter(name="Kecamatan").update(definition="@SUM(A1)", unit="-")
        Upload.objects.filter(version__dataset=cls.dataset).update(
            findings=[
                {
                    "severity": "error",
                    "sheet": "+1",
                    "row": 2,
                    "column": "\r=1",
                    "value": "-1+1",
                    "message": '=HYPERLINK("http://x")',
                    "suggestion": "\t=1",
                },
                {
                    "severity": "warning",
                    "sheet": "",
                    "row": 3,
                    "column": "kecamatan",
                    "value": "@SUM(A1)",
                    "message": "-",
                    "suggestion": "",
                },
            ]
        )

        # Issue 19: the guest book's free text, written by staff from what visitors said.
        from satudata.support.models import GuestVisit

        GuestVisit.objects.bulk_create(
            GuestVisit(
                name=payload,
                institution_name=payload,
                contact=payload,
                purpose=payload,
                data_requested=payload,
                outcome=payload,
                served_by=cls.p.walidata,
            )
            for payload in PAYLOADS
        )

        # Issue 21: visitors' search words in the usage rollups, the current SOP's number in
        # the EPSS evidence, a calendar entry's title in this month's dissemination report.
        from django.utils import timezone

        from satudata.releases.services import plan_entry
        from satudata.reports.models import DailySearch, DailySite, RolledDay
        from satudata.sop.models import SopDocument

        today = timezone.localdate()
        RolledDay.objects.create(day=today, rolled_at=timezone.now(), complete=False)
        DailySite.objects.create(day=today, searches=len(PAYLOADS), zero_result_searches=5)
        DailySearch.objects.bulk_create(
            DailySearch(day=today, query=payload, searches=1, zero_results=1)
            for payload in PAYLOADS
        )
        SopDocument.objects.filter(is_current=True).update(number=PAYLOADS[0])
        # SOP compliance names each executor: one whose name a spreadsheet could run.
        from satudata.accounts.models import User
        from satudata.sop import services as sop

        runner = User.objects.create_user(username="pelaksana", full_name=PAYLOADS[1])
        sop.open_task(actor=None, step="layanan", title="Tugas uji", executor=runner)
        plan_entry(
            actor=cls.p.walidata,
            title=PAYLOADS[0],
            agency=cls.p.agency,
            planned_at=timezone.now() + dt.timedelta(hours=1),
        )

    def setUp(self) -> None:
        self.client.force_login(self.p.walidata)

    def exports(self) -> dict[str, list[tuple[str, Callable[[], HttpResponseBase]]]]:
        """Every CSV and XLSX download, by URL name: (format, a request for it)."""
        slug, get = self.dataset.slug, self.client.get
        upload = Upload.objects.filter(version__dataset=self.dataset).get()
        year = self.dataset.item.data_list.year
        ckan = reverse("api:ckan-action", args=["datastore_search"])
        rid = resource_id(self.dataset, "CSV")
        rest = f"/api/v1/datasets/{slug}/export"
        filtered = {"f.kecamatan": "+1"}
        return {
            "portal:download": [
                (fmt, lambda fmt=fmt: get(reverse("portal:download", args=[slug, fmt])))
                for fmt in ("csv", "csv-id", "xlsx")
            ]
            + [
                (
                    "csv",
                    lambda: get(reverse("portal:download", args=[slug, "csv"]), filtered),
                )
            ],
            "portal:download-version": [
                (fmt, partial(get, reverse("portal:download-version", args=[slug, 1, fmt])))
                for fmt in ("csv", "csv-id", "xlsx")
            ],
            "portal:dataset-file": [
                ("csv", lambda: get(reverse("portal:dataset-file", args=[slug, "csv"])))
            ],
            "portal:search-file": [
                ("csv", lambda: get(reverse("portal:search-file", args=["csv"])))
            ],
            "api-v1:export_data": [
                (fmt, partial(get, rest, {"format": fmt})) for fmt in ("csv", "csv-id", "xlsx")
            ],
            "api:ckan-action": [
                (
                    f"ckan-{fmt}",
                    partial(get, ckan, {"resource_id": rid, "records_format": fmt}),
                )
                for fmt in ("csv", "tsv")
            ],
            "catalog:datalist-xlsx": [
                ("xlsx", lambda: get(reverse("catalog:datalist-xlsx", args=[year])))
            ],
            "catalog:upload-report": [
                (
                    "xlsx",
                    lambda: get(
                        reverse("catalog:upload-report", args=[upload.pk]), {"format": "xlsx"}
                    ),
                )
            ],
            "catalog:metadata-export": [
                ("xlsx", lambda: get(reverse("catalog:metadata-export", args=["xlsx"])))
            ],
            "catalog:metadata-file": [
                (
                    "xlsx",
                    lambda: get(
                        reverse(
                            "catalog:metadata-file",
                            args=["variabel", Variable.objects.get(name="Kecamatan").pk, "xlsx"],
                        )
                    ),
                )
            ],
            # The table builder (issue 18): the payloads are the stub's category labels.
            "builder:download": [
                (
                    fmt,
                    partial(
                        get,
                        reverse("builder:download", args=[slug, fmt]),
                        {"ukuran": "jumlah", "baris": "kecamatan"},
                    ),
                )
                for fmt in ("csv", "xlsx")
            ],
            "support:guestbook_export": [
                (fmt, partial(get, reverse("support:guestbook_export", args=[fmt])))
                for fmt in ("csv", "xlsx")
            ],
            "usage:figure-csv": [
                ("csv", lambda: get(reverse("usage:figure-csv", args=["pencarian-nihil"])))
            ],
            "epss:evidence-xlsx": [("xlsx", lambda: get(reverse("epss:evidence-xlsx")))],
            "kpi:compliance-csv": [("csv", lambda: get(reverse("kpi:compliance-csv")))],
            "laporan:file": [("xlsx", self.report_xlsx)],
            "releases:daftar-produk-file": [
                ("xlsx", lambda: get(reverse("releases:daftar-produk-file", args=["xlsx"])))
            ],
        }

    def report_xlsx(self) -> HttpResponseBase:
        """This month's dissemination report, made by the worker path, as XLSX."""
        from satudata.reports import report_services
        from satudata.reports.report_periods import parse

        month = timezone.localdate().strftime("%Y-%m")
        with self.captureOnCommitCallbacks(execute=True):
            report = report_services.generate_report(actor=self.p.walidata, period=parse(month))
        return self.client.get(reverse("laporan:file", args=[report.uuid, "xlsx"]))

    def test_every_spreadsheet_url_is_walked_by_this_test(self) -> None:
        named = {
            name
            for name in _names(get_resolver().url_patterns)
            if not name.startswith("admin:") and SPREADSHEET_WORDS & set(re.split(r"[-_:.]", name))
        }
        self.assertEqual(named - set(self.exports()) - NOT_SPREADSHEETS, set())

    def test_no_csv_or_xlsx_export_lets_a_spreadsheet_run_a_payload(self) -> None:
        for name, requests in self.exports().items():
            for fmt, request in requests:
                with self.subTest(name=name, format=fmt):
                    response = request()
                    self.assertEqual(response.status_code, 200)
                    if fmt == "xlsx":
                        self.assert_safe_workbook(_body(response))
                    elif fmt.startswith("ckan-"):
                        records = json.loads(_body(response))["result"]["records"]
                        delimiter = "," if fmt == "ckan-csv" else "\t"
                        self.assert_safe_csv(records, delimiter, header=False)
                    else:
                        text = _body(response).decode("utf-8-sig")
                        self.assert_safe_csv(text, ";" if fmt == "csv-id" else ",")

    def assert_safe_csv(self, text: str, delimiter: str, *, header: bool = True) -> None:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        cells = [cell for row in rows for cell in row]
        self.assertTrue(any(cell.startswith("'") for cell in cells), "no payload reached the file")
        self.assertEqual([c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))], [])
        for cell in cells:
            if cell.startswith("'"):
                self.assertTrue(cell[1:].startswith(("=", "+", "-", "@", "\t", "\r")), cell)

    def assert_safe_workbook(self, content: bytes) -> None:
        cells = xlsx_cells(content)
        risky = [c for c in cells if c.value.startswith(("=", "+", "-", "@", "\t", "\r"))]
        self.assertTrue(risky, "no payload reached the workbook")
        self.assertEqual([c for c in cells if c.is_formula], [])
        for cell in risky:
            self.assertTrue(cell.is_text, cell)
            if cell.is_text:
                self.assertTrue(cell.is_quoted, cell)

    def test_the_dataset_table_carries_each_payload_neutralised(self) -> None:
        csv_text = _body(
            self.client.get(reverse("portal:download", args=[self.dataset.slug, "csv"]))
        ).decode("utf-8-sig")
        column = [row[0] for row in csv.reader(io.StringIO(csv_text))][1:]
        self.assertEqual(column, ["'" + payload for payload in TABLE_PAYLOADS])
        book = _body(self.client.get(reverse("portal:download", args=[self.dataset.slug, "xlsx"])))
        data = [c for c in xlsx_cells(book) if c.sheet == "Data" and c.ref.startswith("A")][1:]
        self.assertEqual([c.value for c in data], TABLE_PAYLOADS)
        self.assertTrue(all(c.is_text and c.is_quoted and not c.is_formula for c in data))
        meta = {c.value: c for c in xlsx_cells(book) if c.sheet == "Metadata"}
        self.assertTrue(meta["=1"].is_quoted)  # the description

    def test_the_synchronisation_report_keeps_every_payload_whole_as_quoted_text(self) -> None:
        upload = Upload.objects.filter(version__dataset=self.dataset).get()
        report = self.client.get(
            reverse("catalog:upload-report", args=[upload.pk]), {"format": "xlsx"}
        )
        cells = {c.value: c for c in xlsx_cells(report.content)}
        for payload in PAYLOADS:
            with self.subTest(payload=payload):
                self.assertTrue(cells[payload].is_quoted and not cells[payload].is_formula)

    def test_json_keeps_the_raw_values(self) -> None:
        slug = self.dataset.slug
        records = json.loads(
            _body(self.client.get(reverse("portal:download", args=[slug, "json"])))
        )
        self.assertEqual([r["kecamatan"] for r in records["records"]], TABLE_PAYLOADS)
        rest = self.client.get(f"/api/v1/datasets/{slug}/data").json()
        self.assertEqual([r["kecamatan"] for r in rest["records"]], TABLE_PAYLOADS)
        rows = self.client.get(reverse("portal:rows", args=[slug, 1])).json()
        self.assertEqual([row[1] for row in rows["rows"]], TABLE_PAYLOADS)
        ckan = self.client.get(
            reverse("api:ckan-action", args=["datastore_search"]),
            {"resource_id": resource_id(self.dataset, "CSV")},
        ).json()
        self.assertEqual([r["kecamatan"] for r in ckan["result"]["records"]], TABLE_PAYLOADS)
        package = self.client.get(reverse("portal:dataset-file", args=[slug, "json"])).json()
        self.assertEqual(package["title"], '=HYPERLINK("http://x")')
