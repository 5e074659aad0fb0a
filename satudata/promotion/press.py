"""The press release (siaran pers) of a release, as DOCX (python-docx) and PDF (Typst), from one
template: headline, dateline ("Pringsewu, 12 Maret 2026"), a lead paragraph built from the
release's facts (the same numbers as every other channel: ``facts_of``), the key figures as a
table, about the data (agency, reference period, source link), a contact (the calendar entry's
contact person, else the Walidata's), and "DATA CONTOH" when the numbers are the demo's.
Indonesian by default; English when asked.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils import timezone, translation

from satudata.core.models import SiteProfile
from satudata.promotion.cards import campaign_of, compile_typst, long_date, words
from satudata.promotion.facts import ReleaseFacts, change_text, facts_of, figure_text, number_text
from satudata.releases.models import Release

TEMPLATE = Path(__file__).with_name("typst") / "press.typ"
PREFIXES = ("Kabupaten ", "Kota ", "Kab. ")


@dataclass
class PressRelease:
    """What a press release says, in one language."""

    lang: str
    publisher: str
    site_name: str
    kind_label: str
    headline: str
    dateline: str
    lead: str
    paragraphs: list[str] = field(default_factory=list)
    figure_columns: list[str] = field(default_factory=list)
    figures: list[dict[str, str]] = field(default_factory=list)
    figures_heading: str = ""
    about_heading: str = ""
    about: list[str] = field(default_factory=list)
    contact_heading: str = ""
    contact: list[str] = field(default_factory=list)
    sample: bool = False
    sample_label: str = ""
    end_mark: str = "###"


def place_of(regency: str) -> str:
    """The dateline's place: "Pringsewu" of "Kabupaten Pringsewu"."""
    for prefix in PREFIXES:
        if regency.startswith(prefix):
            return regency[len(prefix) :].strip()
    return regency.strip()


def _contact(release: Release, site: SiteProfile, language: str) -> list[str]:
    entry = release.entry
    name = (entry.contact_name if entry else "") or site.walidata_name
    email = (entry.contact_email if entry else "") or site.email
    phone = (entry.contact_phone if entry else "") or site.phone
    lines = [name]
    if email:
        lines.append(words("email", language, email=email))
    if phone:
        lines.append(words("phone", language, phone=phone))
    return lines


def _lead(facts: ReleaseFacts, language: str) -> tuple[str, list[str]]:
    when = long_date(facts.released_at or timezone.now(), language)
    lead = words(
        "press_lead",
        language,
        agency=facts.agency,
        kind=facts.product_type_label.lower(),
        title=facts.title,
        date=when,
    )
    if facts.figures:
        lead += " " + words(
            "press_figures",
            language,
            figures="; ".join(figure_text(f, language) for f in facts.figures),
        )
    paragraphs = [facts.summary] if facts.summary else []
    paragraphs.append(words("press_link", language, link=facts.url(campaign_of(facts.release_id))))
    return lead, paragraphs


def content(release: Release, language: str = "id") -> PressRelease:
    """The press release of ``release`` in ``language``."""
    site = SiteProfile.current()
    with translation.override(language):
        facts = facts_of(release)
        lead, paragraphs = _lead(facts, language)
        about = [words("agency", language, agency=facts.agency)]
        if facts.reference_period:
            about.append(words("period", language, period=facts.reference_period))
        if facts.sector_label:
            about.append(words("sector", language, sector=facts.sector_label))
        about.append(words("source", language, link=facts.url(campaign_of(facts.release_id))))
        if facts.calendar_path:
            about.append(words("calendar", language, link=facts.calendar_url()))
        return PressRelease(
            lang=language,
            publisher=site.walidata_name,
            site_name=site.site_name,
            kind_label=words("press_release", language),
            headline=facts.title,
            dateline=f"{place_of(site.regency_name or site.walidata_name)}, "
            + long_date(facts.released_at or timezone.now(), language),
            lead=lead,
            paragraphs=paragraphs,
            figure_columns=[words(k, language) for k in ("figure", "value", "change")],
            figures=[
                {
                    "label": f"{f.label} {f.period}".strip(),
                    "value": number_text(f.value, f.decimals, language)
                    + (f.unit if f.unit == "%" else f" {f.unit}" if f.unit else ""),
                    "change": change_text(f, language) or "–",
                }
                for f in facts.figures
            ],
            figures_heading=words("key_figures", language),
            about_heading=words("about", language),
            about=about,
            contact_heading=words("contact", language),
            contact=_contact(release, site, language),
            sample=facts.sample,
            sample_label=words("sample", language),
        )


def pdf(release: Release, language: str = "id") -> bytes:
    """The press release as PDF."""
    page = content(release, language).__dict__
    result = compile_typst(TEMPLATE, page, {}, "pdf", 0)
    return bytes(result[0]) if isinstance(result, list) else result


def docx(release: Release, language: str = "id") -> bytes:
    """The press release as DOCX, for the press officer to edit."""
    from docx import Document
    from docx.shared import Pt, RGBColor

    text = content(release, language)
    document: Any = Document()
    document.core_properties.title = text.headline
    document.core_properties.author = text.publisher
    document.core_properties.language = text.lang
    style = document.styles["Normal"]
    style.font.name = "Noto Sans"
    style.font.size = Pt(11)
    head = document.add_paragraph()
    head.add_run(text.publisher).bold = True
    head.add_run("\n" + text.site_name)
    if text.sample:
        mark = document.add_paragraph().add_run(text.sample_label)
        mark.bold = True
        mark.font.color.rgb = RGBColor(0xB4, 0x23, 0x18)
    document.add_paragraph(text.kind_label).runs[0].bold = True
    document.add_heading(text.headline, level=1)
    lead = document.add_paragraph()
    lead.add_run(text.dateline).bold = True
    lead.add_run(" — " + text.lead)
    for paragraph in text.paragraphs:
        document.add_paragraph(paragraph)
    if text.figures:
        document.add_heading(text.figures_heading, level=2)
        table = document.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        for cell, label in zip(table.rows[0].cells, text.figure_columns, strict=True):
            cell.text = label
            cell.paragraphs[0].runs[0].bold = True
        for figure in text.figures:
            row = table.add_row().cells
            row[0].text, row[1].text, row[2].text = (
                figure["label"],
                figure["value"],
                figure["change"],
            )
    document.add_heading(text.about_heading, level=2)
    for line in text.about:
        document.add_paragraph(line, style="List Bullet")
    document.add_heading(text.contact_heading, level=2)
    for line in text.contact:
        document.add_paragraph(line)
    document.add_paragraph(text.end_mark).alignment = 1
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
