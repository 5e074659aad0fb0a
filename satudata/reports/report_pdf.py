"""The report as PDF, typeset by Typst (``typst/report.typ``): cover, contents, the sections with
their tables (Indonesian numbers) and charts (SVG drawn on the server), the staff's narrative,
and the signature block (filled once the Kepala Dinas has signed). "DATA CONTOH" marks a report
whose figures are the demo's.

``document_data`` is what the PDF and the DOCX print besides the snapshot's tables: titles,
the signature block, the narrative read from its Markdown.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typst
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from satudata.accounts.models import Agency
from satudata.core.models import SiteProfile
from satudata.products.publication_text import Block, read_markdown, typst_markup
from satudata.promotion.cards import long_date
from satudata.promotion.press import place_of
from satudata.reports import report_charts
from satudata.reports.models import NarrativeKey, Report, definition_of
from satudata.reports.report_periods import parse
from satudata.reports.snapshot import cell_text, unit_label, with_unit

TEMPLATE = Path(__file__).with_name("typst") / "report.typ"

Progress = Callable[[int, str], None]


class RenderError(Exception):
    """The file could not be made; the message says why, for the report's page."""


# Characters XML 1.0 cannot hold (a visitor's search words may carry them): python-docx refuses
# them, so they are left out of the document, whatever the snapshot keeps.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(value: Any) -> Any:
    """``value`` with every string in it (in lists, tuples and dicts too) made storable in XML."""
    if isinstance(value, str):
        return NOT_XML.sub("", value)
    if isinstance(value, dict):
        return {key: xml_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(xml_safe(item) for item in value)
    return value


def narrative_blocks(report: Report) -> dict[str, list[Block]]:
    """Each section's narrative, read from its Markdown subset (raw HTML dropped)."""
    texts = dict(report.narrative.values_list("key", "text"))
    return {
        key: read_markdown(xml_safe(texts.get(key, "")), str(label)).blocks
        for key, label in NarrativeKey.choices
    }


def _signature(report: Report, site: SiteProfile) -> dict[str, Any]:
    signed = report.signed_on is not None and bool(report.signer_name)
    place = place_of(site.regency_name) or site.regency_name
    when = long_date(report.signed_on) if signed else "…"
    return {
        "signed": signed,
        "place_date": f"{place}, {when}",
        "title": report.signer_title or _default_title(),
        "name": report.signer_name,
        "nip": report.signer_nip,
        "unsigned": str(_("(not signed yet)")),
    }


def _default_title() -> str:
    walidata = Agency.objects.filter(is_walidata=True).first()
    return (walidata.head_title if walidata else "") or str(_("Head of the Walidata agency"))


def _table(data: dict[str, Any]) -> dict[str, Any]:
    if data.get("key") == "kpi" and len(data["columns"]) == len(KPI_COLUMNS):
        return _kpi_table(data)
    width = len(data["columns"])
    numeric = [
        any(
            isinstance(row[i], int | float) and not isinstance(row[i], bool) for row in data["rows"]
        )
        for i in range(width)
    ]
    rows = [[cell_text(value) for value in row] for row in data["rows"]]
    return {**data, "rows": rows, "numeric": numeric}


# The frozen KPI table's columns (snapshot.kpi_section): number, code, name, unit, value,
# target, last period, last year, met.
KPI_COLUMNS = ("number", "code", "name", "unit", "value", "target", "last", "year", "met")


def _target_text(code: str, target: Any, unit: str) -> str:
    if target is None:
        return "–"
    try:
        lower = definition_of(code).direction == "lower"
    except KeyError:
        return with_unit(target, unit, 2)
    return f"{'≤' if lower else '≥'} {with_unit(target, unit, 2)}"


def _kpi_table(data: dict[str, Any]) -> dict[str, Any]:
    """The KPI table as readers see it (page, PDF, DOCX): no code column, the unit in words
    (%, hari, jumlah, indeks, skor) and every figure with its unit, the target with its
    direction (≥ 100 %, ≤ 0 hari). The XLSX keeps the frozen table with its codes."""
    columns = [c for i, c in enumerate(data["columns"]) if i != 1]
    rows = []
    for number, code, name, unit, value, target, last, year, met in data["rows"]:
        rows.append(
            [
                cell_text(number),
                name,
                unit_label(unit),
                with_unit(value, unit),
                _target_text(code, target, unit),
                with_unit(last, unit),
                with_unit(year, unit),
                cell_text(met) if met is not None else "–",
            ]
        )
    numeric = [False, False, False, True, True, True, True, False]
    return {**data, "columns": columns, "rows": rows, "numeric": numeric}


def _fact_label(label: str) -> str:
    """A frozen fact's label as printed. Reports frozen before the calendar's mean delay took
    KPI 2's definition (late releases only) carry the mean over every release measured under
    a bare "Mean delay (days)": say which mean it is, so that it is not read as the KPI's."""
    if label == str(_("Mean delay (days)")):
        return str(_("Mean delay over every release measured (days)"))
    return label


def document_data(report: Report) -> dict[str, Any]:
    """What the documents print around the snapshot's tables, in the report's language."""
    site = SiteProfile.current()
    snapshot = report.snapshot or {}
    with translation.override(snapshot.get("language", "id")):
        period = parse(report.period_label)
        built = snapshot.get("built_at")
        return {
            "title": str(_("Dissemination Report")),
            "publisher": site.walidata_name,
            "regency": site.regency_name,
            "period_title": period.title,
            "version_label": str(_("Version %(n)s") % {"n": report.version}),
            "generated_label": str(
                _("Figures as of %(date)s")
                % {
                    "date": long_date(dt.datetime.fromisoformat(built)) if built else "",
                }
            ),
            "contents_label": str(_("Contents")),
            "empty_label": str(_("Nothing in this period.")),
            "narrative_label": str(_("Notes from the Walidata")),
            "sample": bool(snapshot.get("sample")),
            "sample_label": "DATA CONTOH",
            "signature": _signature(report, site),
            "sections": [
                {
                    **s,
                    "facts": [[_fact_label(label), cell_text(v)] for label, v in s["facts"]],
                    "tables": [_table(t) for t in s["tables"]],
                }
                for s in snapshot.get("sections", [])
            ],
        }


def _main_markup(
    data: dict[str, Any], blocks: dict[str, list[Block]], charts: dict[str, str]
) -> str:
    lines = [
        '#import "report.typ": *',
        '#let data = json("data.json")',
        "#show: report.with(data)",
        "#cover(data)",
        "#contents(data)",
    ]
    for i, section in enumerate(data["sections"]):
        at = f"data.sections.at({i})"
        lines.append(f"#heading(level: 1, {at}.title)")
        lines.append(f"#note({at}.note)")
        lines.append(f"#facts({at}.facts)")
        for key in (c["key"] for c in section["charts"]):
            if key in charts:
                lines.append(f'#figure(image("{charts[key]}", width: 100%))')
        for j in range(len(section["tables"])):
            lines.append(f"#report-table({at}.tables.at({j}), data.empty_label)")
        markup = typst_markup(blocks.get(section["key"], []), heading_offset=1)
        if markup.strip():
            lines.append(
                "#heading(level: 2, numbering: none, outlined: false, data.narrative_label)"
            )
            lines.append(markup)
    lines.append("#signature(data)")
    return "\n".join(lines) + "\n"


def _charts(data: dict[str, Any], folder: Path) -> dict[str, str]:
    files = {}
    for section in data["sections"]:
        for chart in section["charts"]:
            if report_charts.drawable(chart):
                name = f"chart-{section['key']}-{chart['key']}.svg"
                (folder / name).write_text(report_charts.svg(chart), encoding="utf-8")
                files[chart["key"]] = name
    return files


def render(report: Report, progress: Progress | None = None) -> bytes:
    """The report's PDF, from its frozen snapshot and its narrative."""
    data = document_data(report)
    blocks = narrative_blocks(report)
    with tempfile.TemporaryDirectory(prefix="laporan-") as name:
        folder = Path(name)
        shutil.copyfile(TEMPLATE, folder / "report.typ")
        charts = _charts(data, folder)
        if progress:
            progress(55, str(_("Charts drawn")))
        (folder / "data.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        (folder / "main.typ").write_text(_main_markup(data, blocks, charts), encoding="utf-8")
        try:
            return bytes(
                typst.compile(
                    str(folder / "main.typ"),
                    root=str(folder),
                    font_paths=list(getattr(settings, "PUBLICATION_FONT_PATHS", [])),
                )
            )
        except typst.TypstError as error:
            raise RenderError(
                _("The PDF could not be typeset: %(error)s") % {"error": str(error)[:300]}
            ) from error
