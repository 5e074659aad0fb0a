"""Figures the report's tests give it in place of the KPI, compliance and analytics modules
(other parts of activity 6), in exactly their shapes, so the tests read back known values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any
from unittest import mock

KPIS = [
    {
        "code": "ketepatan",
        "number": 1,
        "name": "Ketepatan waktu rilis",
        "unit": "%",
        "value": 87.5,
        "available": True,
        "note": "",
        "details": {},
        "target": 90.0,
        "direction": "up",
        "last_period": 80.0,
        "last_year": None,
        "meets_target": False,
    },
    {
        "code": "unduhan",
        "number": 9,
        "name": "Unduhan berkas",
        "unit": "unduhan",
        "value": 12345,
        "available": True,
        "note": "",
        "details": {},
        "target": 10000,
        "direction": "up",
        "last_period": 11000,
        "last_year": 9000,
        "meets_target": True,
    },
    {
        "code": "ikm",
        "number": 17,
        "name": "Indeks Kepuasan Masyarakat",
        "unit": "",
        "value": None,
        "available": False,
        "note": "belum ada survei",
        "details": {},
        "target": 80.0,
        "direction": "up",
        "last_period": None,
        "last_year": None,
        "meets_target": None,
    },
]


def compliance_table(start: dt.date, end: dt.date) -> dict[str, Any]:
    row = {
        "opened": 4,
        "finished": 3,
        "on_time": 2,
        "on_time_share": 66.7,
        "mean_late_days": 1.5,
        "overdue": 1,
    }
    return {
        "activities": [
            {
                "number": 6,
                "code": "laporan",
                "name": "Menyusun laporan diseminasi",
                "standard": "2 minggu",
                **row,
            }
        ],
        "people": [{"name": "Rina", **row}],
        "agencies": [{"name": "Diskominfo", **row}],
        "available": True,
        "warning": "",
    }


def report_section(start: dt.date, end: dt.date, sample: bool = True) -> dict[str, Any]:
    totals = {
        "page_views": 15230,
        "visitors": 4120,
        "downloads": 812,
        "api_calls": 2301,
        "searches": 640,
        "zero_result_searches": 37,
    }
    return {
        "available": True,
        "totals": totals,
        "previous": {**totals, "page_views": 14000},
        "last_year": None,
        "downloads_by_format": [{"format": "csv", "n": 500}, {"format": "xlsx", "n": 312}],
        "api_by_channel": [{"channel": "rest", "label": "REST API v1", "n": 2301}],
        "top_datasets": [
            {
                "dataset": "penduduk",
                "title": "Jumlah Penduduk",
                "agency": "Disdukcapil",
                "views": 900,
                "downloads": 120,
            }
        ],
        "top_products": [],
        "zero_result_queries": [{"query": "stunting desa", "n": 12}],
        "referrers": [{"kind": "search", "label": "Mesin pencari", "n": 2100}],
        "campaigns": [],
        "monthly": [
            {
                "month": f"{start.year}-{m:02d}",
                "page_views": 1000 + m,
                "visitors": 300,
                "downloads": 60,
                "api_calls": 180,
            }
            for m in range(1, 4)
        ],
        "bots": {"events": 5310},
        "sample": sample,
    }


@contextmanager
def known_figures(kpis: list[dict[str, Any]] | None = None) -> Iterator[None]:
    with ExitStack() as stack:
        stack.enter_context(
            mock.patch(
                "satudata.reports.snapshot.kpis.kpi_table",
                return_value=KPIS if kpis is None else kpis,
            )
        )
        stack.enter_context(
            mock.patch(
                "satudata.reports.snapshot.compliance.compliance_table",
                side_effect=compliance_table,
            )
        )
        stack.enter_context(
            mock.patch(
                "satudata.reports.snapshot.analytics.report_section", side_effect=report_section
            )
        )
        yield
