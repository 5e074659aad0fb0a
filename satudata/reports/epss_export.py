"""The EPSS evidence as the files the Walidata attaches to its self-assessment: an XLSX (one
sheet for the levels, one for the figures, one for the links; written by the platform's one safe
writer) and a PDF (Typst). Both in Indonesian, whatever the viewer's language: the
self-assessment is filed in Indonesian.

What the PDF prints goes to the template as JSON (``sys.inputs``) and is placed as text, never
as markup, so no figure or title can change the layout.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typst  # type: ignore[import-untyped]
from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from satudata.core import spreadsheets
from satudata.core.models import SiteProfile
from satudata.reports.epss import Evidence, Figure

TEMPLATE = Path(__file__).with_name("typst_epss") / "epss.typ"


def shown(figure: Figure) -> str:
    """A figure as a person reads it in Indonesian; "tidak tersedia" when not available."""
    value = figure.value
    if value is None:
        return _("not available")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float):
        decimals = 0 if isinstance(value, int) or float(value).is_integer() else 1
        text = number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)
        return f"{text} {figure.unit}".strip()
    return str(value)


def level_text(level: int | None) -> str:
    if level is None:
        return _("Not claimed: the year shows no evidence")
    return _("Level %(level)s") % {"level": level}


def xlsx(evidence: Evidence, absolute: Callable[[str], str]) -> bytes:
    """The workbook: levels, figures and links, each a sheet."""
    with translation.override("id"):
        book = spreadsheets.Workbook()
        bold = book.style(bold=True)
        levels = book.add_sheet(_("Levels"))
        levels.write_row(
            0,
            0,
            [
                _("Code"),
                _("Indicator"),
                _("Criterion"),
                _("Level supported"),
                _("Level"),
                _("Why"),
                _("Missing for the next level"),
            ],
            bold,
        )
        for row, ind in enumerate(evidence.indicators, start=1):
            levels.write_row(
                row,
                0,
                [
                    ind.code,
                    ind.name,
                    ind.criterion,
                    level_text(ind.level),
                    ind.level,
                    "\n".join(ind.reasons),
                    "\n".join(ind.missing),
                ],
            )
        levels.set_column(0, 0, 8)
        levels.set_column(1, 6, 40)
        figures = book.add_sheet(_("Figures"))
        figures.write_row(
            0, 0, [_("Code"), _("Figure"), _("Value"), _("Unit"), _("As shown")], bold
        )
        row = 1
        for ind in evidence.indicators:
            for fig in ind.figures:
                figures.write_row(row, 0, [ind.code, fig.label, fig.value, fig.unit, shown(fig)])
                row += 1
        figures.set_column(1, 1, 50)
        figures.set_column(2, 4, 20)
        links = book.add_sheet(_("Links"))
        links.write_row(0, 0, [_("Code"), _("Evidence"), _("Address")], bold)
        row = 1
        for ind in evidence.indicators:
            for link in ind.links:
                links.write_row(
                    row, 0, [ind.code, link.label, spreadsheets.Link(absolute(link.url))]
                )
                row += 1
        links.set_column(1, 2, 50)
        about = book.add_sheet(_("About"))
        about.write_row(0, 0, [_("Year"), evidence.year], bold)
        about.write_row(1, 0, [_("Made"), evidence.generated_at])
        about.write_row(2, 0, [_("Sample data in the usage figures"), evidence.sample])
        return book.to_bytes()


def content(evidence: Evidence, absolute: Callable[[str], str]) -> dict[str, Any]:
    site = SiteProfile.current()
    moment = timezone.localtime(evidence.generated_at)
    return {
        "year": str(evidence.year),
        "regency": site.regency_name or site.site_name,
        "publisher": site.walidata_name,
        "site": site.site_name,
        "generated": date_format(moment, "j F Y H.i") + " WIB",
        "sample": evidence.sample,
        "indicators": [
            {
                "code": ind.code,
                "name": ind.name,
                "criterion": ind.criterion,
                "level": level_text(ind.level),
                "reasons": ind.reasons,
                "missing": ind.missing,
                "figures": [{"label": f.label, "value": shown(f)} for f in ind.figures],
                "links": [{"label": link.label, "url": absolute(link.url)} for link in ind.links],
            }
            for ind in evidence.indicators
        ],
    }


def pdf(evidence: Evidence, absolute: Callable[[str], str]) -> bytes:
    """The PDF the Walidata attaches: one section per indicator."""
    with translation.override("id"):
        data = content(evidence, absolute)
    result = typst.compile(
        str(TEMPLATE),
        sys_inputs={"data": json.dumps(data)},
        format="pdf",
        font_paths=list(getattr(settings, "PUBLICATION_FONT_PATHS", [])),
    )
    return bytes(result)
