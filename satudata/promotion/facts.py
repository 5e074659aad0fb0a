"""What a release says, once, for every channel that tells of it: the subscribers' e-mails, the
social cards and suggested posts, the press release, the widgets and the "what's new" page.

``facts_of(release)`` reads the released content itself (its own version, never a newer one):

* a **table** product: the total of its measure at the newest period, and the change against
  the period before (the infographics' headline rule, ``products.infographics.headline``);
* a **chart**: the same figure from the table version it draws;
* an **infographic**: its own headline figures (up to three);
* a **dataset** version: its first measure (a column named ``jumlah`` or ``total`` first)
  summed at the newest period, or averaged when it is a rate (a percentage, ratio, index or
  mean, by its unit or name);
* a **publication**: no figure; its summary speaks for it.

A figure that cannot be computed (no measure, an unreadable version) is left out: the facts
never carry a number that was typed separately from the data. Numbers are written as each
language writes them (``number_text``).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from satudata.products.infographics import Headline, id_number
from satudata.releases.models import Release

logger = logging.getLogger(__name__)

MAX_FIGURES = 3
# A measure that is a rate (averaged over regions, never added up), by whole words of its name,
# label or unit: "Angka Partisipasi Sekolah", "Persentase ...", "Rasio ...", "Rata-rata ...", a
# "%" unit — but not "Angkatan Kerja" or "Pangkalan" — unless it says it is a count ("Jumlah
# Desa menurut Tingkat Perkembangan", "Banyaknya ...").
RATE = re.compile(
    r"(\b(persen|persentase|rasio|ratio|rata[- ]rata|rerata|indeks|index|tingkat|rate|angka)\b|%)",
    re.IGNORECASE,
)
COUNT = re.compile(r"^\s*(jumlah|banyaknya|total|number of)\b", re.IGNORECASE)


def is_rate(label: str, unit: str = "") -> bool:
    """Whether a measure named ``label`` (with ``unit``) is a rate rather than a count."""
    if COUNT.match(label) and not re.search(r"%|\bpersen", unit, re.IGNORECASE):
        return False
    return bool(RATE.search(f"{label} {unit}"))


SAMPLE_MARK = "data contoh"


def number_text(value: float | None, decimals: int = 0, language: str = "id") -> str:
    """A number as ``language`` writes it: 444.834 and 12,5 in Indonesian, 444,834 and 12.5 in
    English."""
    if language != "en":
        return id_number(value, decimals)
    return "–" if value is None else f"{value:,.{decimals}f}"


def change_text(figure: Headline, language: str = "id") -> str:
    """The change against the previous period in words, or "" when there is none to give."""
    percent = figure.change_percent
    if percent is None or not figure.previous_period:
        return ""
    with translation.override(language):
        if round(percent, 1) == 0:
            return _("unchanged from %(period)s") % {"period": figure.previous_period}
        words = (
            _("up %(percent)s%% from %(period)s")
            if percent > 0
            else _("down %(percent)s%% from %(period)s")
        )
        return words % {
            "percent": number_text(abs(percent), 1, language),
            "period": figure.previous_period,
        }


def figure_text(figure: Headline, language: str = "id") -> str:
    """ "Jumlah penduduk 2024: 412.345 jiwa (naik 1,2% dari 2023)"."""
    value = number_text(figure.value, figure.decimals, language)
    unit = f" {figure.unit}" if figure.unit and figure.unit != "%" else figure.unit
    head = f"{figure.label} {figure.period}".strip()
    change = change_text(figure, language)
    return f"{head}: {value}{unit}" + (f" ({change})" if change else "")


@dataclass
class ReleaseFacts:
    """Everything a message about one release needs, in plain values."""

    release_id: int
    title: str  # the content's title, without the version suffix
    agency: str
    agency_slug: str
    sector: str  # the BPS sector key ("" when none)
    sector_label: str
    product_type: str  # "dataset", "tabel", "grafik", "infografis", "publikasi"
    product_type_label: str
    reference_period: str
    released_at: dt.datetime | None
    path: str  # the content's page on the site
    calendar_path: str  # its calendar entry's page ("" when it has none)
    summary: str
    figures: list[Headline] = field(default_factory=list)
    sample: bool = False  # the demo's invented numbers ("data contoh")
    topics: list[tuple[str, str]] = field(default_factory=list)  # (TopicKind, value)

    def url(self, campaign: str = "") -> str:
        """The content's address, with the campaign tag when one is given."""
        return absolute(self.path, campaign)

    def calendar_url(self, campaign: str = "") -> str:
        return absolute(self.calendar_path, campaign) if self.calendar_path else ""


def is_sample(release: Release) -> bool:
    """Whether ``release`` is of the demo's invented data ("data contoh" in its content's
    title), without computing its figures."""
    content: Any = release.releasable
    owner = getattr(content, "dataset", None) or getattr(content, "product", None)
    return SAMPLE_MARK in str(getattr(owner, "title", release.title)).lower()


def has_sample_subscribers() -> bool:
    """Whether the demo's sample subscribers (reserved domain ``contoh.example``) are here, so
    that pages of counts say they hold sample data."""
    from satudata.promotion.models import Subscriber

    return Subscriber.objects.filter(email__endswith="@contoh.example").exists()


def absolute(path: str, campaign: str = "") -> str:
    """A site path as a full address, carrying ``?k=<campaign>`` when given."""
    url = settings.SITE_URL.rstrip("/") + path
    if campaign:
        url += ("&" if "?" in url else "?") + f"{settings.PROMOTION_CAMPAIGN_PARAMETER}={campaign}"
    return url


def _type_label(kind: str) -> str:
    from satudata.releases.models import ProductType

    try:
        return str(ProductType(kind).label)
    except ValueError:
        return kind


def sector_label(key: str) -> str:
    """A BPS sector's name, or its key when it has none."""
    from satudata.catalog.metadata.standard import SECTORS

    return next((str(c.label) for c in SECTORS if c.key == key), key)


def facts_of(release: Release) -> ReleaseFacts:
    """The facts of ``release`` (see the module's docstring)."""
    from django.urls import reverse

    content: Any = release.releasable
    kind = content.release_product_type()
    entry = release.entry
    topics: list[tuple[str, str]] = [("instansi", release.agency.slug)]
    if kind == "dataset":
        owner: Any = content.dataset
        title, sector, summary = owner.title, owner.sector, getattr(owner, "description", "")
        topics.append(("dataset", str(owner.uuid)))
    else:
        owner = content.product
        title, sector, summary = owner.title, owner.sector, getattr(owner, "description", "")
        topics.append(("produk", str(owner.uuid)))
        for source in content.sources.select_related("dataset"):
            topics.append(("dataset", str(source.dataset.uuid)))
    if sector:
        topics.append(("sektor", sector))
    figures = figures_of(content, kind)
    texts = [title, summary or "", *(f.label for f in figures)]
    return ReleaseFacts(
        release_id=release.pk,
        title=title,
        agency=release.agency.name,
        agency_slug=release.agency.slug,
        sector=sector or "",
        sector_label=sector_label(sector) if sector else "",
        product_type=kind,
        product_type_label=_type_label(kind),
        reference_period=entry.reference_period if entry else "",
        released_at=release.release_at,
        path=content.release_url(),
        calendar_path=reverse("releases:entry", args=[entry.uuid]) if entry else "",
        summary=(summary or (entry.summary if entry else "") or "").strip(),
        figures=figures,
        sample=any(SAMPLE_MARK in (t or "").lower() for t in texts),
        topics=list(dict.fromkeys(topics)),
    )


def figures_of(content: Any, kind: str) -> list[Headline]:
    """The key figures of a released version (see the module's docstring); [] when none can
    be computed. Never raises: a release is told of without figures rather than not at all."""
    try:
        if kind == "dataset":
            return _dataset_figures(content)
        if kind == "tabel":
            from satudata.products import tables

            return _cube_figures(tables.cube_for(content), content.product.title)
        if kind == "grafik":
            from satudata.products import charts

            source = content.product.source
            if source is None:
                return []
            # The table version the chart drew: the newest released when the chart version was
            # made (never one merely scheduled, nor one released later).
            drawn = content.generated_at or content.created_at
            table = source.versions.released(drawn).order_by("-number").first()
            return _cube_figures(charts.table_cube(table), content.product.title) if table else []
        if kind == "infografis":
            return _infographic_figures(content)
    except Exception:  # a figure is a courtesy: its failure never stops the message
        logger.warning("No key figure for %s %s", kind, getattr(content, "pk", ""), exc_info=True)
    return []


def _cube_figures(cube: Any, label: str) -> list[Headline]:
    """One figure per measure of ``cube`` (up to three): its cells at the newest period and
    at the one before, summed, or averaged when the measure is a rate."""
    from satudata.products import charts

    time = next((d for d in cube.dimensions if d.role == "time"), None)
    if time is None:
        return []
    measure = next((d for d in cube.dimensions if d.role == "measure"), None)
    wanted = measure.categories if measure is not None else [None]
    base = (cube.title or label).split(" menurut ")[0].strip() or label
    periods = time.categories[-2:]
    found = []
    for category in wanted[:MAX_FIGURES]:
        name = category.label if category is not None else base
        unit = (category.note if category is not None else "") or cube.unit
        rate = is_rate(name, unit)
        cells: dict[str, list[float]] = {}
        for record in cube.records():
            if category is not None and record[measure.id] != category.code:  # type: ignore[union-attr]
                continue
            number = charts.number(record["value"])
            if number is not None:
                cells.setdefault(record[time.id], []).append(number)

        def total(
            code: str, rate: bool = rate, cells: dict[str, list[float]] = cells
        ) -> float | None:
            values = cells.get(code)
            if not values:
                return None
            return sum(values) / len(values) if rate else sum(values)

        newest, older = periods[-1], (periods[0] if len(periods) == 2 else None)
        value = total(newest.code)
        if value is None:
            continue
        found.append(
            Headline(
                f"{_('Average')} {name}" if rate and len(cells.get(newest.code, [])) > 1 else name,
                unit,
                max(cube.decimals, 1) if rate else cube.decimals,
                value,
                newest.label,
                total(older.code) if older else None,
                older.label if older else "",
            )
        )
    return found


def _infographic_figures(version: Any) -> list[Headline]:
    from satudata.products.infographics import Sources, headline

    sources = Sources(version.product.source, {}, {})
    found = []
    for spec in (version.spec or {}).get("headlines") or []:
        figure = headline(sources.cube(spec.get("table"), "headlines"), spec)
        if figure.value is not None:
            found.append(figure)
    return found[:MAX_FIGURES]


def _dataset_figures(version: Any) -> list[Headline]:
    from satudata.products import tables

    measures = tables.measure_columns([version])
    if not measures:
        return []
    names = list(measures)
    totals = [n for n in names if n.lower() in ("jumlah", "total")]
    chosen = totals[:1] or names[:MAX_FIGURES]
    dimensions = tables.dimension_columns([version])
    time = next((n for n, c in dimensions.items() if tables.role_of(n, c) == "time"), None)
    if time is None:
        return []  # a figure needs a period to say what it is of
    found = []
    for name in chosen:
        info = measures[name].get("info", {})
        label = str(info.get("label") or name.replace("_", " "))
        label = label[:1].upper() + label[1:]
        unit = str(info.get("unit") or "")
        rate = is_rate(label, unit) or (label != name and is_rate(name.replace("_", " "), unit))
        spec = {
            "select": {time: "TOP(2)"},
            "measures": [{"column": name, "label": label, "unit": unit}],
            "aggregate": "mean" if rate else "sum",
        }
        for figure in _cube_figures(tables.build_cube([version], spec), label):
            found.append(
                Headline(
                    f"{_('Average')} {label}" if rate else label,
                    unit,
                    max(figure.decimals, 1) if rate else figure.decimals,
                    figure.value,
                    figure.period,
                    figure.previous,
                    figure.previous_period,
                )
            )
    return found


def now() -> dt.datetime:
    return timezone.now()
