"""The official outputs of activity 1: the Daftar Data and synchronisation reports, as XLSX
(through the formula-safe ``satudata.core.spreadsheets``) and PDF (Typst)."""

from __future__ import annotations

from typing import Any

import typst  # type: ignore[import-untyped]
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from satudata.catalog.letters import typst_text
from satudata.catalog.models import DataItem, DataList, Upload
from satudata.catalog.sinkronisasi.services import sync_statuses
from satudata.core.models import SiteProfile
from satudata.core.spreadsheets import Workbook


def metadata_links(item: DataItem) -> str:
    """The MS-Keg and MS-Ind an item is linked to, with their review state."""
    parts = [
        f"{kind}: {obj} ({obj.get_review_status_display()})"
        for kind, obj in (("MS-Keg", item.activity), ("MS-Ind", item.indicator))
        if obj is not None
    ]
    return "; ".join(parts)


def data_list_xlsx(data_list: DataList) -> bytes:
    book = Workbook()
    sheet = book.add_sheet(f"Daftar Data {data_list.year}")
    bold = book.style(bold=True, text_wrap=True, valign="top", border=1)
    wrap = book.style(text_wrap=True, valign="top", border=1)
    sheet.write(0, 0, _("DAFTAR DATA %(year)s") % {"year": data_list.year}, bold)
    sheet.write(1, 0, str(data_list.get_status_display()))
    headers = [
        _("NO"),
        _("PRODUCING AGENCY"),
        _("DATA NAME"),
        _("CONCEPT"),
        _("DEFINITION"),
        _("CLASSIFICATION"),
        _("MEASURE"),
        _("UNIT"),
        _("PERIOD"),
        _("LEVEL OF PRESENTATION"),
        _("RELEASE SCHEDULE"),
        _("ACCESS"),
        _("PRIORITY"),
        _("SYNCHRONISATION STATUS"),
        _("STATISTICAL METADATA"),
    ]
    sheet.write_row(3, 0, headers, bold)
    items = list(
        data_list.items.select_related("agency", "activity", "indicator").order_by("number", "pk")
    )
    statuses = sync_statuses(items)
    for offset, item in enumerate(items, start=4):
        row = [
            item.number,
            item.agency.name,
            item.name,
            item.concept,
            item.definition,
            item.classification,
            item.measure,
            item.unit,
            item.get_frequency_display(),
            item.get_level_display(),
            item.release_schedule,
            item.get_access_display(),
            _("Yes") if item.is_priority else pgettext("answer", "No"),
            str(statuses[item.pk].label),
            metadata_links(item),
        ]
        sheet.write_row(offset, 0, row, wrap)
    sheet.set_column(0, 0, 5)
    sheet.set_column(1, 2, 32)
    sheet.set_column(3, 14, 16)
    sheet.freeze_panes(4, 3)
    return book.to_bytes()


def upload_report_xlsx(upload: Upload) -> bytes:
    """The synchronisation report of one upload, one finding per row."""
    book = Workbook()
    sheet = book.add_sheet(_("Synchronisation report"))
    bold = book.style(bold=True, text_wrap=True, valign="top", border=1)
    wrap = book.style(text_wrap=True, valign="top", border=1)
    sheet.write(0, 0, f"{upload.dataset.title} — {upload.filename}", bold)
    sheet.write(
        1, 0, f"{upload.get_status_display()}: {upload.error_count} / {upload.warning_count}"
    )
    headers = [
        _("Severity"),
        _("Sheet"),
        _("Row"),
        _("Column"),
        _("Value"),
        _("Problem"),
        _("What to do"),
    ]
    sheet.write_row(3, 0, headers, bold)
    for offset, f in enumerate(upload.findings, start=4):
        severity = _("error") if f["severity"] == "error" else _("warning")
        row = [
            severity,
            f["sheet"],
            f["row"] or "",
            f["column"],
            f["value"],
            f["message"],
            f["suggestion"],
        ]
        sheet.write_row(offset, 0, row, wrap)
    sheet.set_column(0, 3, 14)
    sheet.set_column(4, 6, 40)
    sheet.freeze_panes(4, 0)
    _missing_sheet(book, upload, bold, wrap)
    return book.to_bytes()


def missing_lines(upload: Upload) -> list[list[str]]:
    """Per column with empty cells: its name, the count, the markers as written, the first
    places (the report's "missing values" table, for the XLSX and the PDF)."""
    lines = []
    for m in upload.missing_by_column():
        markers = "; ".join(
            (f"“{k['marker']}”" if k["marker"] else _("(empty cell)")) + f" × {k['count']}"
            for k in m["markers"]
        )
        places = "; ".join(
            _("sheet %(sheet)s, row %(row)s") % p if upload.read_sheets else _("row %(row)s") % p
            for p in m["places"]
        )
        lines.append([m["column"], str(m["count"]), markers, places])
    return lines


def _missing_sheet(book: Workbook, upload: Upload, bold: Any, wrap: Any) -> None:
    lines = missing_lines(upload)
    if not lines:
        return
    sheet = book.add_sheet(_("Missing values")[:31])
    headers = [_("Column"), _("Empty cells"), _("Written as"), _("First places")]
    sheet.write_row(0, 0, headers, bold)
    for offset, line in enumerate(lines, start=1):
        sheet.write_row(offset, 0, line, wrap)
    sheet.set_column(0, 0, 24)
    sheet.set_column(2, 3, 40)


def table_pdf(
    title: list[str], intro: list[str], headers: list[str], rows: list[list[Any]]
) -> bytes:
    """A landscape A4 document: a title, a few lines, and one long table (Typst)."""
    e = typst_text
    widths = ", ".join(["auto"] + ["1fr"] * (len(headers) - 1))
    head = ", ".join(f"[*{e(h)}*]" for h in headers)
    body = "".join(", ".join(f"[{e(v)}]" for v in row) + ",\n" for row in rows)
    heading = "\\\n".join(f"*{e(line)}*" for line in title if line)
    lines = "".join(e(line) + "\n\n" for line in intro)
    source = f"""#set page(paper: "a4", flipped: true, margin: 1.5cm,
  footer: context [#h(1fr) #counter(page).display("1 / 1", both: true)])
#set text(lang: "id", size: 8pt)
#align(center)[{heading}]
{lines}
#table(columns: ({widths}), inset: 4pt,
  table.header({head}),
{body})
"""
    return bytes(typst.compile(source.encode()))


def data_list_pdf(data_list: DataList) -> bytes:
    """The Daftar Data as the official PDF, each item with its synchronisation status."""
    site = SiteProfile.current()
    items = list(data_list.items.select_related("agency").order_by("number", "pk"))
    statuses = sync_statuses(items)
    rows = [
        [
            item.number,
            item.agency.name,
            item.name,
            item.unit,
            item.get_frequency_display(),
            item.get_level_display(),
            item.release_schedule,
            item.get_access_display(),
            _("Yes") if item.is_priority else pgettext("answer", "No"),
            statuses[item.pk].label,
        ]
        for item in items
    ]
    approved = (
        _("Approved on %(date)s")
        % {"date": date_format(timezone.localdate(data_list.approved_at), "j F Y")}
        if data_list.approved_at
        else str(data_list.get_status_display())
    )
    return table_pdf(
        [
            _("DAFTAR DATA %(year)s") % {"year": data_list.year},
            site.regency_name.upper(),
            site.walidata_name,
        ],
        [approved, _("%(count)s data items.") % {"count": len(items)}],
        [
            _("NO"),
            _("PRODUCING AGENCY"),
            _("DATA NAME"),
            _("UNIT"),
            _("PERIOD"),
            _("LEVEL OF PRESENTATION"),
            _("RELEASE SCHEDULE"),
            _("ACCESS"),
            _("PRIORITY"),
            _("SYNCHRONISATION STATUS"),
        ],
        rows,
    )


def upload_report_pdf(upload: Upload) -> bytes:
    """The synchronisation report of one upload as PDF: what was read, then each finding."""
    intro = [
        f"{_('File')}: {upload.filename} — {_('Sheet')}: {upload.sheet or '—'}",
        f"{upload.get_status_display()}: "
        + _("%(e)s errors, %(w)s warnings") % {"e": upload.error_count, "w": upload.warning_count},
        *(n["message"] for n in upload.notices[:30]),
        *(
            _("Missing values in %(column)s: %(count)s (%(markers)s; %(places)s).")
            % {"column": c, "count": n, "markers": m, "places": p}
            for c, n, m, p in missing_lines(upload)[:30]
        ),
    ]
    rows = [
        [
            _("error") if f["severity"] == "error" else _("warning"),
            f["row"] or "—",
            f["column"] or "—",
            f["value"] or "—",
            f["message"],
            f["suggestion"],
        ]
        for f in upload.findings
    ]
    return table_pdf(
        [_("Synchronisation report"), upload.dataset.title],
        intro,
        [_("Severity"), _("Row"), _("Column"), _("Value"), _("Problem"), _("What to do")],
        rows,
    )
