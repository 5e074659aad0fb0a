"""Infographics (SOP activity 2): one page of headline figures and charts, typeset by Typst.

An infographic product's definition (``Product.spec`` for kind "infografis")::

    {
        "template": "a4" | "square",     # A4 portrait, or 1080 × 1080 px for social media
        "title": "...", "subtitle": "...",            # default: the product's title
        "headlines": [                   # up to three figures, each with its change
            {"label": "Jumlah penduduk", "table": "<table product slug>",
             "filter": {"<dimension>": "<code>"}, "total": ["<dimension>", ...],
             "unit": "jiwa"},
        ],
        "charts": [{"table": "<slug>", "mark": "bar", "x": "...", ...}],  # one or two
        "source": "...",                 # default: the tables' sources
        "alt_text": "...",               # required (also the product's text alternative)
    }

``table`` defaults to the product's ``source`` (a table product); what is drawn is the newest
*released* version of each table. A headline figure is the sum of the cells its filter holds
(dimensions listed in ``total`` summed over) at the newest period of the table's time
dimension, and its change is against the period before it (the last two time categories).
The page carries the regency's name and the portal's logo, the source, a QR code to the
dataset, and the "DATA CONTOH" label when any of the data is sample data (the demo marks its
datasets and tables "(data contoh)").

Printed words are Indonesian, as on the regency's other documents (``catalog.letters``).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import segno
import typst  # type: ignore[import-untyped]
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from satudata.core.models import SiteProfile
from satudata.products import charts
from satudata.products.cube import Cube
from satudata.products.errors import ProductError
from satudata.products.generated import GeneratedFile
from satudata.products.models import Product, ProductKind, ProductVersion

TEMPLATE = Path(__file__).with_name("typst") / "infographic.typ"
TEMPLATES = {"a4": 150, "square": 144}  # PNG pixels per inch: A4 at 150 ppi; 540 pt → 1080 px
MAX_HEADLINES = 3
MAX_CHARTS = 2
SAMPLE_MARK = "data contoh"
EMPTY_LOGO = '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'


@dataclass(frozen=True)
class Headline:
    """A headline figure: its value at the newest period and at the one before."""

    label: str
    unit: str
    decimals: int
    value: float | None
    period: str = ""
    previous: float | None = None
    previous_period: str = ""

    @property
    def change_percent(self) -> float | None:
        if self.value is None or self.previous in (None, 0):
            return None
        assert self.previous is not None
        return (self.value - self.previous) / abs(self.previous) * 100


def id_number(value: float | None, decimals: int = 0) -> str:
    """A number as Indonesian writes it: 444.834 and 12,5."""
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def change_text(headline: Headline) -> tuple[str, str]:
    """The change against the previous period, and its direction ("naik", "turun", "tetap")."""
    percent = headline.change_percent
    if percent is None or not headline.previous_period:
        return "", ""
    against = f"dibanding {headline.previous_period}"
    if round(percent, 1) == 0:
        return f"● tetap {against}", "tetap"
    arrow, direction = ("▲", "naik") if percent > 0 else ("▼", "turun")
    return f"{arrow} {direction} {id_number(abs(percent), 1)}% {against}", direction


def headline(cube: Cube, spec: Mapping[str, Any]) -> Headline:
    """A headline figure from the cube (see the module's docstring)."""
    label = str(spec.get("label") or "").strip()
    if not label:
        raise ProductError(_("Name each headline figure."), "headlines")
    time = next((d for d in cube.dimensions if d.role == "time"), None)
    summed = [charts.dimension_named(cube, name, "headlines") for name in spec.get("total") or []]
    drawn = summed + ([time] if time is not None else [])
    held = charts.held_categories(cube, {"filter": spec.get("filter") or {}}, drawn)
    totals: dict[str, float | None] = {}
    for record in cube.records():
        if any(record[name] != category.code for name, category in held.items()):
            continue
        key = record[time.id] if time is not None else ""
        number = charts.number(record["value"])
        if number is not None:
            totals[key] = (totals.get(key) or 0.0) + number
    unit = str(spec.get("unit") or cube.unit)
    if time is None:
        return Headline(label, unit, cube.decimals, totals.get(""))
    periods = time.categories[-2:]
    newest = periods[-1]
    older = periods[0] if len(periods) == 2 else None
    return Headline(
        label,
        unit,
        cube.decimals,
        totals.get(newest.code),
        newest.label,
        totals.get(older.code) if older else None,
        older.label if older else "",
    )


@dataclass
class Sources:
    """The released table versions an infographic reads, by table product slug, with their
    cubes (each built once)."""

    default: Product | None
    versions: dict[str, ProductVersion]
    cubes: dict[str, Cube]

    def cube(self, slug: str | None, field: str) -> Cube:
        product = self.default
        if slug:
            product = Product.objects.filter(slug=slug, kind=ProductKind.TABLE).first()
            if product is None:
                raise ProductError(
                    _("There is no table product “%(slug)s”.") % {"slug": slug}, field
                )
        version = charts.released_table(product, field)
        key = version.product.slug
        if key not in self.cubes:
            self.versions[key] = version
            self.cubes[key] = charts.table_cube(version)
        return self.cubes[key]


def sources_for(product: Product, actor: Any) -> list[Any]:
    """The dataset versions an infographic is built from (the generation binds them to the new
    version): those of every table it reads, the newest released version of each."""
    tables = {product.source.slug} if product.source else set()
    for wanted in [*(product.spec.get("headlines") or []), *(product.spec.get("charts") or [])]:
        if isinstance(wanted, Mapping) and wanted.get("table"):
            tables.add(str(wanted["table"]))
    found: dict[int, Any] = {}
    for slug in sorted(tables):
        version = (
            ProductVersion.objects.filter(product__slug=slug, product__kind=ProductKind.TABLE)
            .released()
            .first()
        )
        if version is not None:
            found.update((d.pk, d) for d in version.sources.all())
    return list(found.values())


def _texts(sources: Sources, title: str) -> list[str]:
    texts = [title]
    for version in sources.versions.values():
        texts.append(version.product.title)
        texts.extend(d.dataset.title for d in version.sources.select_related("dataset"))
    for cube in sources.cubes.values():
        texts.extend([cube.title, cube.source])
    return texts


def _link(sources: Sources, version: ProductVersion) -> str:
    """Where the QR code leads: the first dataset drawn from, else the infographic itself."""
    for table in sources.versions.values():
        dataset_version = table.sources.select_related("dataset").first()
        if dataset_version is not None:
            path = reverse("portal:dataset", args=[dataset_version.dataset.slug])
            return settings.SITE_URL.rstrip("/") + path
    try:
        path = version.release_url()
    except NoReverseMatch:  # a preview of a product not saved yet has no address
        path = "/"
    return settings.SITE_URL.rstrip("/") + path


def _qr_svg(link: str) -> str:
    return str(segno.make(link, error="m").svg_inline(scale=4, border=2, dark="#0b4f6c"))


def _logo() -> str:
    found = finders.find("img/logo.svg")
    return Path(str(found)).read_text() if found else EMPTY_LOGO


@dataclass(frozen=True)
class Masthead:
    """Who publishes the page, and where its QR code leads."""

    regency: str
    publisher: str
    link: str


def _checked(spec: Mapping[str, Any], alt_text: str) -> tuple[str, list[Any], list[Any]]:
    template = str(spec.get("template", "a4"))
    if template not in TEMPLATES:
        raise ProductError(_("Choose the A4 or the square template."), "template")
    if not alt_text:
        raise ProductError(_("Write the infographic's text alternative (alt text)."), "alt_text")
    wanted_headlines = list(spec.get("headlines") or [])
    wanted_charts = list(spec.get("charts") or [])
    if len(wanted_headlines) > MAX_HEADLINES:
        raise ProductError(_("An infographic shows at most three headline figures."), "headlines")
    if not 1 <= len(wanted_charts) <= MAX_CHARTS:
        raise ProductError(_("An infographic shows one or two charts."), "charts")
    return template, wanted_headlines, wanted_charts


def _headline_text(figure: Headline) -> dict[str, str]:
    change, direction = change_text(figure)
    return {
        "label": figure.label,
        "value": id_number(figure.value, figure.decimals),
        "unit": figure.unit,
        "change": change,
        "direction": direction,
        "period": figure.period,
    }


def layout(
    spec: Mapping[str, Any],
    cube_of: Callable[[str | None, str], Cube],
    *,
    title: str,
    alt_text: str,
    masthead: Masthead,
) -> tuple[dict[str, Any], dict[str, str]]:
    """What the page prints (as JSON for Typst) and the files it embeds (name → SVG), from the
    definition and ``cube_of(table slug or None, field)``; no database."""
    template, wanted_headlines, wanted_charts = _checked(spec, alt_text)
    used: list[Cube] = []
    headlines = []
    for wanted in wanted_headlines:
        used.append(cube_of(wanted.get("table"), "headlines"))
        headlines.append(_headline_text(headline(used[-1], wanted)))
    files, drawn = {}, []
    for n, wanted in enumerate(wanted_charts, start=1):
        chart = {"alt_text": alt_text, **wanted, "show_source": False}
        used.append(cube_of(wanted.get("table"), "charts"))
        files[f"chart-{n}.svg"] = charts.render_svg(used[-1], chart)
        drawn.append({"file": f"chart-{n}.svg", "alt": str(chart["alt_text"])})
    source = str(spec.get("source") or "; ".join(dict.fromkeys(c.source for c in used if c.source)))
    periods = sorted({h["period"] for h in headlines if h["period"]})
    files["logo.svg"] = _logo()
    if masthead.link:
        files["qr.svg"] = _qr_svg(masthead.link)
    page = {
        "template": template,
        "title": title,
        "subtitle": str(spec.get("subtitle") or ""),
        "alt_text": alt_text,
        "regency": masthead.regency,
        "publisher": masthead.publisher,
        "sample": False,
        "sample_label": "DATA CONTOH",
        "headlines": headlines,
        "charts": drawn,
        "source_line": f"Sumber: {source}" if source else "",
        "period_line": f"Periode: {', '.join(periods)}" if periods else "",
        "link_text": masthead.link,
        "qr_label": "Pindai untuk data lengkap",
    }
    return page, files


def content(version: ProductVersion) -> tuple[dict[str, Any], dict[str, str]]:
    """The page of an infographic version (see ``layout``), its tables read from the database:
    the newest released version of each."""
    product = version.product
    spec = dict(version.spec or product.spec or {})
    sources = Sources(product.source, {}, {})
    title = str(spec.get("title") or product.title)
    site = SiteProfile.current()
    page, files = layout(
        spec,
        sources.cube,
        title=title,
        alt_text=str(spec.get("alt_text") or product.alt_text or "").strip(),
        masthead=Masthead(site.regency_name or site.site_name, site.walidata_name, ""),
    )
    # The link is known once the tables are read (it leads to their first dataset).
    link = _link(sources, version)
    files["qr.svg"] = _qr_svg(link)
    page["link_text"] = link
    page["sample"] = any(SAMPLE_MARK in text.lower() for text in _texts(sources, title))
    return page, files


def typeset(page: Mapping[str, Any], files: Mapping[str, str], fmt: str) -> bytes:
    """The page as one-page PDF or PNG."""
    with tempfile.TemporaryDirectory(prefix="infografis-") as folder:
        root = Path(folder)
        shutil.copyfile(TEMPLATE, root / "main.typ")
        for name, text in files.items():
            (root / name).write_text(text)
        options: dict[str, Any] = {"format": fmt, "root": str(root)}
        if fmt == "png":
            options["ppi"] = TEMPLATES[str(page["template"])]
        try:
            result = typst.compile(
                str(root / "main.typ"), sys_inputs={"data": json.dumps(page)}, **options
            )
        except typst.TypstError as error:
            raise ProductError(
                _("The infographic could not be typeset: %(error)s") % {"error": error}
            ) from error
    if isinstance(result, list):
        raise ProductError(_("The infographic does not fit on one page: show fewer figures."))
    return bytes(result)


def files_for(version: ProductVersion, progress: Callable[[int, str], None]) -> list[GeneratedFile]:
    """An infographic version's files: the page as PDF and PNG."""
    with translation.override("id"):
        progress(5, _("Reading the tables"))
        page, embedded = content(version)
        progress(40, _("Typesetting the infographic"))
        pdf = typeset(page, embedded, "pdf")
        png = typeset(page, embedded, "png")
    stem = f"{version.product.slug}-v{version.number}"
    return [
        GeneratedFile("pdf", f"{stem}.pdf", pdf, "application/pdf"),
        GeneratedFile("png", f"{stem}.png", png, "image/png"),
    ]
