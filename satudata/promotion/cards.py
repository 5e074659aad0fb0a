"""Social cards (share kits, SOP activity 4): images of a release for link previews and
Instagram, typeset on the server by Typst without a browser.

Three shapes, each exactly its pixel size (pages in points printed at 144 ppi, two pixels a
point): 1200 × 630 (Open Graph / X link card), 1080 × 1080 (Instagram post), 1080 × 1920
(Instagram story). A card of a release carries its key figures as ``facts_of`` computes them
(never typed), its title, agency, the regency, the release date and a QR code to the content
with the share kit's campaign tag; a chart whose figure cannot be computed shows the chart; a
release without figures gets a title card. A card of a calendar entry not out yet announces it
("Segera rilis") with its date and no figure: the numbers are under embargo.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import struct
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import segno
import typst  # type: ignore[import-untyped]
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from satudata.core.models import SiteProfile
from satudata.promotion.facts import ReleaseFacts, absolute, facts_of, figure_text, number_text
from satudata.promotion.models import ShareFormat
from satudata.releases.models import Release, ReleaseEntry

TEMPLATE = Path(__file__).with_name("typst") / "card.typ"
PPI = 144  # 72 pt an inch: two pixels a point


@dataclass(frozen=True)
class Shape:
    name: str
    width: int  # pixels
    height: int


SHAPES: dict[str, Shape] = {
    ShareFormat.CARD_WIDE: Shape("wide", 1200, 630),
    ShareFormat.CARD_SQUARE: Shape("square", 1080, 1080),
    ShareFormat.CARD_STORY: Shape("story", 1080, 1920),
}
CARD_FORMATS = tuple(SHAPES)
MAX_TITLE = 150


# The words printed on the cards, the press release and the posts, in the language the kit is
# made in (chosen per file, not by the viewer's interface): Indonesian, or English when asked.
WORDS: dict[str, dict[str, str]] = {
    "sample": {"id": "DATA CONTOH", "en": "SAMPLE DATA"},
    "sample_note": {"id": "(data contoh)", "en": "(sample data)"},
    "scan": {"id": "Pindai untuk datanya", "en": "Scan for the data"},
    "new_data": {"id": "Data baru", "en": "New data"},
    "released": {"id": "Dirilis %(date)s", "en": "Released %(date)s"},
    "period": {"id": "Periode rujukan: %(period)s", "en": "Reference period: %(period)s"},
    "coming_soon": {"id": "Segera rilis", "en": "Coming soon"},
    "release_date": {"id": "Jadwal rilis: %(date)s", "en": "Release date: %(date)s"},
    "press_release": {"id": "SIARAN PERS", "en": "PRESS RELEASE"},
    "press_lead": {
        "id": "%(agency)s merilis %(kind)s “%(title)s” pada %(date)s.",
        "en": "%(agency)s released the %(kind)s “%(title)s” on %(date)s.",
    },
    "press_figures": {
        "id": "Data tersebut menunjukkan: %(figures)s.",
        "en": "The data show: %(figures)s.",
    },
    "press_link": {
        "id": "Data selengkapnya dapat dibaca dan diunduh tanpa biaya di %(link)s.",
        "en": "The complete data can be read and downloaded free of charge at %(link)s.",
    },
    "figure": {"id": "Angka", "en": "Figure"},
    "value": {"id": "Nilai", "en": "Value"},
    "change": {"id": "Perubahan", "en": "Change"},
    "key_figures": {"id": "Angka utama", "en": "Key figures"},
    "about": {"id": "Tentang data", "en": "About the data"},
    "agency": {"id": "Instansi: %(agency)s", "en": "Agency: %(agency)s"},
    "sector": {"id": "Sektor: %(sector)s", "en": "Sector: %(sector)s"},
    "source": {"id": "Sumber: %(link)s", "en": "Source: %(link)s"},
    "calendar": {"id": "Jadwal rilis: %(link)s", "en": "Release calendar: %(link)s"},
    "contact": {"id": "Narahubung", "en": "Contact"},
    "email": {"id": "Surel: %(email)s", "en": "E-mail: %(email)s"},
    "phone": {"id": "Telepon: %(phone)s", "en": "Telephone: %(phone)s"},
    "post_new": {"id": "Data baru: %(title)s.", "en": "New data: %(title)s."},
    "post_intro": {
        "id": "%(agency)s merilis %(title)s.",
        "en": "%(agency)s has released %(title)s.",
    },
    "post_intro_date": {
        "id": "%(agency)s merilis %(title)s pada %(date)s.",
        "en": "%(agency)s released %(title)s on %(date)s.",
    },
    "post_read": {
        "id": "Baca dan unduh datanya tanpa biaya: %(link)s",
        "en": "Read and download the data free of charge: %(link)s",
    },
    "post_bio": {
        "id": "(Di Instagram: tautannya ada di bio kami.)",
        "en": "(On Instagram: the link is in our bio.)",
    },
    "post_complete": {"id": "Data selengkapnya: %(link)s", "en": "Complete data: %(link)s"},
}


def words(key: str, language: str, **values: str) -> str:
    """The printed words ``key`` in ``language`` (Indonesian for any other), filled in."""
    text = WORDS[key].get(language) or WORDS[key]["id"]
    return text % values if values else text


class CardError(Exception):
    """A card could not be typeset."""


def campaign_of(release_id: int) -> str:
    """The share kit's campaign tag (``bagikan-<release pk>``)."""
    return f"bagikan-{release_id}"


def long_date(moment: dt.datetime | dt.date | None, language: str = "id") -> str:
    """A date as ``language`` writes it: "12 Maret 2026", "12 March 2026" (local time)."""
    if moment is None:
        return ""
    if isinstance(moment, dt.datetime):
        moment = timezone.localtime(moment).date()
    with translation.override(language):
        return str(date_format(moment, "j F Y"))


def qr_svg(link: str) -> str:
    return str(segno.make(link, error="m").svg_inline(scale=4, border=2, dark="#0b4f6c"))


def _short(text: str, limit: int = MAX_TITLE) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _figure(figure: Any, language: str) -> dict[str, str]:
    from satudata.promotion.facts import change_text

    unit = figure.unit or ""
    return {
        "label": f"{figure.label} {figure.period}".strip(),
        "value": number_text(figure.value, figure.decimals, language)
        + ("%" if unit == "%" else ""),
        "unit": "" if unit == "%" else unit,
        "change": change_text(figure, language),
        "text": figure_text(figure, language),
    }


def _chart_svg(release: Release) -> tuple[str, str]:
    """The chart a chart release draws (SVG and its text alternative), or ("", "")."""
    from satudata.products import charts

    try:
        version: Any = release.releasable
        cube = charts.table_cube(charts.released_table(version.product.source))
        chart = charts.definition(version)
        return charts.render_svg(cube, chart), str(chart.get("alt_text") or "")
    except Exception:  # a chart is a courtesy: the card is then a title card
        return "", ""


def _masthead(language: str) -> dict[str, Any]:
    site = SiteProfile.current()
    return {
        "lang": language,
        "site_name": site.site_name,
        "regency": site.regency_name or site.walidata_name,
        "sample_label": words("sample", language),
        "qr_label": words("scan", language),
    }


def release_page(
    facts: ReleaseFacts, shape: Shape, language: str = "id", chart: tuple[str, str] = ("", "")
) -> tuple[dict[str, Any], dict[str, str]]:
    """What a release's card prints (JSON for Typst) and the files it embeds; no database
    except the site's profile."""
    link = facts.url(campaign_of(facts.release_id))
    figures = [_figure(f, language) for f in facts.figures]
    kicker = (
        words("new_data", language)
        if facts.product_type == "dataset"
        else str(facts.product_type_label)
    )
    date_line = (
        words("released", language, date=long_date(facts.released_at, language))
        if facts.released_at
        else ""
    )
    period = (
        words("period", language, period=facts.reference_period) if facts.reference_period else ""
    )
    files = {"qr.svg": qr_svg(link)}
    chart_file = ""
    if not figures and chart[0]:
        files["chart.svg"] = chart[0]
        chart_file = "chart.svg"
    alt = "; ".join(f["text"] for f in figures) or facts.title
    page = {
        **_masthead(language),
        "shape": shape.name,
        "kicker": kicker,
        "title": _short(facts.title),
        "alt_text": alt,
        "figures": figures,
        "chart": chart_file,
        "chart_alt": chart[1] or facts.title,
        "note": period if not figures else "",
        "agency": facts.agency,
        "date_line": date_line,
        "link_text": link.split("://", 1)[-1],
        "sample": facts.sample,
    }
    return page, files


def entry_page(
    entry: ReleaseEntry, shape: Shape, language: str = "id"
) -> tuple[dict[str, Any], dict[str, str]]:
    """What a calendar entry's card prints: "Segera rilis", its title and date; never a figure
    (whatever the entry will release is under embargo until its time)."""
    path = reverse("releases:entry", args=[entry.uuid])
    link = absolute(path, f"bagikan-jadwal-{entry.pk}")
    when = entry.released_at or entry.planned_at
    kicker = words("coming_soon", language)
    if entry.precision == "tanggal" or entry.released_at:
        date_text = long_date(when, language)
    else:
        with translation.override(language):
            date_text = str(date_format(timezone.localtime(when).date(), "F Y"))
    note = words("release_date", language, date=date_text)
    period = entry.reference_period
    page = {
        **_masthead(language),
        "shape": shape.name,
        "kicker": kicker,
        "title": _short(entry.title),
        "alt_text": f"{kicker}: {entry.title}, {date_text}",
        "figures": [],
        "chart": "",
        "chart_alt": "",
        "note": note + (f" · {period}" if period else ""),
        "agency": entry.agency.name,
        "date_line": date_text,
        "link_text": link.split("://", 1)[-1],
        "sample": "data contoh" in f"{entry.title} {entry.summary}".lower(),
    }
    return page, {"qr.svg": qr_svg(link)}


def compile_typst(
    template: Path, page: Mapping[str, Any], files: Mapping[str, str | bytes], fmt: str, ppi: int
) -> bytes | list[bytes]:
    """Typeset ``template`` with ``page`` as ``sys.inputs.data`` and ``files`` beside it."""
    with tempfile.TemporaryDirectory(prefix="bagikan-") as folder:
        root = Path(folder)
        shutil.copyfile(template, root / "main.typ")
        for name, content in files.items():
            target = root / name
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content)
        options: dict[str, Any] = {"format": fmt, "root": str(root)}
        if fmt == "png":
            options["ppi"] = ppi
        try:
            result = typst.compile(
                str(root / "main.typ"), sys_inputs={"data": json.dumps(page)}, **options
            )
        except typst.TypstError as error:
            raise CardError(str(error)) from error
    return result if isinstance(result, list) else bytes(result)


def typeset(page: dict[str, Any], files: Mapping[str, str]) -> bytes:
    """The card as PNG; when the figures do not fit on the card, fewer of them (then the title
    shortened), so that a card is always one image."""
    page = dict(page)
    while True:
        result = compile_typst(TEMPLATE, page, files, "png", PPI)
        if not isinstance(result, list):
            return result
        if len(page["figures"]) > 1:
            page["figures"] = page["figures"][:-1]
        elif len(page["title"]) > 60:
            page["title"] = _short(page["title"], 60)
        else:
            return bytes(result[0])


def release_card(release: Release, fmt: str, language: str = "id") -> bytes:
    """The card ``fmt`` (a ``ShareFormat`` card) of ``release`` as PNG."""
    with translation.override(language):
        facts = facts_of(release)
    chart = (
        _chart_svg(release) if facts.product_type == "grafik" and not facts.figures else ("", "")
    )
    page, files = release_page(facts, SHAPES[fmt], language, chart)
    return typeset(page, files)


def entry_card(entry: ReleaseEntry, fmt: str, language: str = "id") -> bytes:
    """The "coming soon" card ``fmt`` of a calendar entry as PNG."""
    page, files = entry_page(entry, SHAPES[fmt], language)
    return typeset(page, files)


def png_size(content: bytes) -> tuple[int, int]:
    """Width and height of a PNG, read from its IHDR chunk (ValueError if it is not a PNG)."""
    if content[:8] != b"\x89PNG\r\n\x1a\n" or content[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    width, height = struct.unpack(">II", content[16:24])
    return int(width), int(height)
