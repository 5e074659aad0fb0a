"""Every table of the report, one per sheet, through the platform's safe writer (text never
becomes a formula): a first sheet names the report and its facts, then each table with its
section number. Numbers stay numbers; a value that does not exist is written "not available"."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from satudata.core.spreadsheets import Workbook
from satudata.reports.models import Report
from satudata.reports.report_periods import parse
from satudata.reports.snapshot import unit_label

UNIT_AT = 3  # the unit's column in the frozen KPI table (snapshot.kpi_section)


def _value(value: Any) -> Any:
    return str(_("not available")) if value is None else value


def render(report: Report) -> bytes:
    snapshot = report.snapshot or {}
    book = Workbook()
    bold = book.style(bold=True)
    with translation.override(snapshot.get("language", "id")):
        cover = book.add_sheet(str(_("Report")))
        cover.write(0, 0, str(_("Dissemination Report")), bold)
        cover.write(1, 0, parse(report.period_label).title)
        cover.write(2, 0, str(_("Version %(n)s") % {"n": report.version}))
        row = 4
        if snapshot.get("sample"):
            cover.write(3, 0, "DATA CONTOH", bold)
        for section in snapshot.get("sections", []):
            cover.write(row, 0, f"{section['number']}. {section['title']}", bold)
            row += 1
            for label, value in section["facts"]:
                cover.write_row(row, 0, [label, _value(value)])
                row += 1
        cover.set_column(0, 0, 50)
        for section in snapshot.get("sections", []):
            for table in section["tables"]:
                sheet = book.add_sheet(f"{section['number']}-{table['key']}")
                sheet.write(0, 0, table["title"], bold)
                sheet.write_row(1, 0, table["columns"], bold)
                kpi = table["key"] == "kpi" and len(table["columns"]) == UNIT_AT + 6
                for i, values in enumerate(table["rows"], start=2):
                    cells = [_value(v) for v in values]
                    if kpi:  # the code stays for analysts; the unit is written in words
                        cells[UNIT_AT] = unit_label(values[UNIT_AT])
                    sheet.write_row(i, 0, cells)
                sheet.freeze_panes(2, 0)
                sheet.set_column(0, len(table["columns"]) - 1, 18)
    return book.to_bytes()
