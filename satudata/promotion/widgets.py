"""What the embeddable widgets show, read through the public gate at the moment of the request.

Three widgets, each an ``<iframe>`` page an agency or village website can embed:

* **upcoming releases**: the next entries of the release calendar, optionally of one agency or
  sector (the calendar is public; entries for data that is not open stay hidden);
* **a dataset's key figure**: the figures of its newest version out for everyone, told by
  ``facts.facts_of`` of that version's release (never a number typed separately);
* **a chart**: the newest released version of a chart product, its generated SVG (drawn again
  with ``charts.render_svg`` when the file is missing).

Nothing not yet out for everyone is shown: an unknown slug and a slug whose content is still
under embargo are the same ``Http404``.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from satudata.catalog.models import Dataset, DatasetVersion
from satudata.products.infographics import Headline
from satudata.products.models import Product, ProductKind, ProductVersion
from satudata.promotion import facts
from satudata.releases.dates import wording
from satudata.releases.models import Release, ReleaseEntry

logger = logging.getLogger(__name__)

CAMPAIGN = "widget"
KINDS = ("rilis-mendatang", "angka", "grafik")
DEFAULT_COUNT = 5
MAX_COUNT = getattr(settings, "PROMOTION_WIDGET_MAX_ITEMS", 10)


def count_from(value: str | None) -> int:
    """``?n=``: how many upcoming releases, 1 to ``MAX_COUNT`` (anything else: the default)."""
    try:
        number = int(value or DEFAULT_COUNT)
    except ValueError:
        return DEFAULT_COUNT
    return max(1, min(number, MAX_COUNT))


@dataclass
class UpcomingRow:
    pk: int
    title: str
    agency: str
    when: str
    planned_at: dt.datetime
    state: str
    state_label: str
    url: str


def upcoming(
    agency: str = "", sector: str = "", count: int = DEFAULT_COUNT, at: dt.datetime | None = None
) -> list[UpcomingRow]:
    """The next ``count`` public calendar entries not released yet, soonest first."""
    moment = at or timezone.now()
    entries = (
        ReleaseEntry.objects.visible_to(None)
        .upcoming(moment)
        .filter(planned_at__gte=timezone.localtime(moment).replace(hour=0, minute=0, second=0))
        .select_related("agency")
        .prefetch_related("date_changes")
        .order_by("planned_at", "id")
    )
    if agency:
        entries = entries.filter(agency__slug=agency)
    if sector:
        entries = entries.filter(sector=sector)
    rows = []
    for entry in entries[:count]:
        state = entry.public_state(moment)
        rows.append(
            UpcomingRow(
                pk=entry.pk,
                title=entry.title,
                agency=entry.agency.short_name or entry.agency.name,
                when=wording(entry.planned_at, entry.precision),
                planned_at=entry.planned_at,
                state=state.value,
                state_label=str(state.label),
                url=facts.absolute(reverse("releases:entry", args=[entry.uuid]), CAMPAIGN),
            )
        )
    return rows


@dataclass
class Figures:
    """A dataset's key figures for its widget."""

    title: str
    agency: str
    version_pk: int
    release_pk: int | None
    released_at: dt.datetime | None
    url: str
    version: Any = None
    release: Release | None = None


def dataset_figures(slug: str, at: dt.datetime | None = None) -> Figures:
    """The figures of the newest version of dataset ``slug`` out for everyone (404 when none)."""
    moment = at or timezone.now()
    dataset = Dataset.objects.visible_to(None, moment).filter(slug=slug).first()
    if dataset is None:
        raise Http404
    version = (
        DatasetVersion.objects.published(moment).filter(dataset=dataset).order_by("-number").first()
    )
    if version is None:
        raise Http404
    release = Release.objects.for_content(version).published(moment).first()
    return Figures(
        title=dataset.title,
        agency=dataset.agency.short_name or dataset.agency.name,
        version_pk=version.pk,
        release_pk=release.pk if release else None,
        released_at=release.release_at if release else version.published_at,
        url=facts.absolute(version.release_url(), CAMPAIGN),
        version=version,
        release=release,
    )


def figures_for(found: Figures) -> list[Headline]:
    """The key figures of ``found`` (read from the released data: the costly part, done only
    when the widget is rendered, not when a kept page is served)."""
    if found.release is not None:
        return facts.facts_of(found.release).figures
    return facts.figures_of(found.version, "dataset")  # put out before the release workflow


@dataclass
class Chart:
    title: str
    agency: str
    alt_text: str
    version_pk: int
    released_at: dt.datetime | None
    url: str
    svg: bytes

    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg).decode()


def chart(slug: str, at: dt.datetime | None = None) -> Chart:
    """The newest version of chart product ``slug`` out for everyone, as SVG (404 when none)."""
    moment = at or timezone.now()
    product = (
        Product.objects.filter(slug=slug, kind=ProductKind.CHART).select_related("agency").first()
    )
    if product is None:
        raise Http404
    version = (
        ProductVersion.objects.published(moment).filter(product=product).order_by("-number").first()
    )
    if version is None:
        raise Http404
    svg = _svg_of(version)
    if svg is None:
        raise Http404
    return Chart(
        title=product.title,
        agency=product.agency.short_name or product.agency.name,
        alt_text=(version.spec or {}).get("alt_text") or product.alt_text or product.title,
        version_pk=version.pk,
        released_at=version.published_at,
        url=facts.absolute(version.release_url(), CAMPAIGN),
        svg=svg,
    )


def _svg_of(version: ProductVersion) -> bytes | None:
    """The version's generated SVG file, or the chart drawn again from its definition."""
    found = version.files.filter(format="svg").first()
    if found is not None:
        try:
            with default_storage.open(found.path, "rb") as handle:
                return bytes(handle.read())
        except OSError:
            logger.warning("Chart file %s is missing; drawing it again", found.path)
    try:
        from satudata.products import charts

        cube = charts.table_cube(charts.released_table(version.product.source))
        return charts.render_svg(cube, charts.definition(version)).encode()
    except Exception:  # a widget without its chart is a 404, never a 500
        logger.warning("Chart %s could not be drawn for its widget", version.pk, exc_info=True)
        return None


def released_charts(at: dt.datetime | None = None) -> list[Product]:
    """Chart products with a version out for everyone (the snippet builder's choices)."""
    versions = ProductVersion.objects.published(at).values("product_id")
    return list(
        Product.objects.filter(kind=ProductKind.CHART, pk__in=versions).order_by("title")[:200]
    )


def released_datasets(at: dt.datetime | None = None) -> list[Dataset]:
    """Datasets out for everyone (the snippet builder's choices), newest first."""
    return list(Dataset.objects.visible_to(None, at).order_by("title")[:200])


def figure_lines(figures: list[Headline], language: str) -> list[dict[str, Any]]:
    """Each figure as the widget prints it: its label, number with unit, period and change."""
    lines = []
    for figure in figures:
        unit = f" {figure.unit}" if figure.unit and figure.unit != "%" else figure.unit
        lines.append(
            {
                "label": figure.label,
                "period": figure.period,
                "value": facts.number_text(figure.value, figure.decimals, language) + unit,
                "change": facts.change_text(figure, language),
                "text": facts.figure_text(figure, language),
            }
        )
    return lines
