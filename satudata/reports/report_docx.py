"""The report as an editable Word document (python-docx): the same sections, facts, tables,
charts (PNG of the server's SVG) and narrative as the PDF, and the signature block."""

from __future__ import annotations

import io
from typing import Any

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm

from satudata.products.publication_text import add_to_docx
from satudata.reports import report_charts
from satudata.reports.models import Report
from satudata.reports.report_pdf import document_data, narrative_blocks, xml_safe


def _cover(document: Any, data: dict[str, Any]) -> None:
    document.add_paragraph(data["publisher"])
    document.add_heading(data["title"], level=0)
    document.add_paragraph(data["period_title"]).runs[0].bold = True
    document.add_paragraph(data["version_label"])
    if data["sample"]:
        document.add_paragraph().add_run(data["sample_label"]).bold = True
    document.add_paragraph(f"{data['regency']}\n{data['generated_label']}")
    document.add_page_break()


def _table(document: Any, data: dict[str, Any], table: dict[str, Any]) -> None:
    document.add_heading(table["title"], level=2)
    if not table["rows"]:
        document.add_paragraph(data["empty_label"]).runs[0].italic = True
        return
    grid = document.add_table(rows=1, cols=len(table["columns"]))
    grid.style = "Table Grid"
    for cell, title in zip(grid.rows[0].cells, table["columns"], strict=True):
        cell.text = title
        cell.paragraphs[0].runs[0].bold = True
    for row in table["rows"]:
        cells = grid.add_row().cells
        for i, value in enumerate(row):
            cells[i].text = value
            if table["numeric"][i]:
                cells[i].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _section(document: Any, data: dict[str, Any], section: dict[str, Any], blocks: list) -> None:
    document.add_heading(f"{section['number']}. {section['title']}", level=1)
    if section["note"]:
        document.add_paragraph(section["note"]).runs[0].italic = True
    for label, value in section["facts"]:
        paragraph = document.add_paragraph(f"{label}: ")
        paragraph.add_run(value).bold = True
    for chart in section["charts"]:
        if report_charts.drawable(chart):
            picture = report_charts.png(report_charts.svg(chart))
            document.add_picture(io.BytesIO(picture), width=Cm(15))
    for table in section["tables"]:
        _table(document, data, table)
    if blocks:
        document.add_heading(data["narrative_label"], level=2)
        add_to_docx(document, blocks, 2)


def _signature(document: Any, data: dict[str, Any]) -> None:
    signature = data["signature"]
    lines = [signature["place_date"], signature["title"], "", "", ""]
    if signature["signed"]:
        lines += [signature["name"], f"NIP {signature['nip']}"]
    else:
        lines.append(signature["unsigned"])
    document.add_paragraph("\n".join(lines)).alignment = WD_ALIGN_PARAGRAPH.RIGHT


def render(report: Report) -> bytes:
    """The report's DOCX, from its frozen snapshot and its narrative."""
    data = xml_safe(document_data(report))
    blocks = narrative_blocks(report)
    document = docx.Document()
    document.core_properties.title = f"{data['title']} {data['period_title']}"
    document.core_properties.author = data["publisher"]
    document.sections[0].header.paragraphs[0].text = f"{data['title']} {data['period_title']}" + (
        f" · {data['sample_label']}" if data["sample"] else ""
    )
    _cover(document, data)
    for section in data["sections"]:
        _section(document, data, section, blocks.get(section["key"], []))
    _signature(document, data)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
