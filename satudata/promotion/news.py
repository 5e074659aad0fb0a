"""What's new ("Rilis terbaru"): the releases out for everyone today or this week, newest first,
like a daily bulletin (Statistics Canada's *The Daily*), with their key figures.

The list is bounded (``MAX_ITEMS``): the releases are chosen in the database (time window,
agency, sector) and checked against each content model's own gate, and facts are computed only
for the releases shown — and kept a while in the cache, keyed by the release and its state, so
a withdrawal is seen at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone, translation

from satudata.catalog.models import DatasetVersion
from satudata.products.models import ProductVersion
from satudata.promotion import facts
from satudata.releases.daftar_produk import visible_content
from satudata.releases.dates import wording
from satudata.releases.models import Release, ReleaseEntry, ReleaseState

MAX_ITEMS = getattr(settings, "PROMOTION_NEWS_MAX_ITEMS", 30)
FACTS_SECONDS = getattr(settings, "PROMOTION_FACTS_CACHE_SECONDS", 600)
DAY, WEEK = "hari", "minggu"
PERIODS = (DAY, WEEK)


def window(period: str, at: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of today or of this week (from Monday), in the regency's time."""
    now = timezone.localtime(at or timezone.now())
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == WEEK:
        start -= dt.timedelta(days=start.weekday())
    return start, now


def _sector_filter(sector: str) -> Q:
    """Releases whose content belongs to ``sector`` (a dataset's or a product's)."""
    types = ContentType.objects.get_for_models(DatasetVersion, ProductVersion)
    datasets = DatasetVersion.objects.filter(dataset__sector=sector).values("pk")
    products = ProductVersion.objects.filter(product__sector=sector).values("pk")
    return Q(content_type=types[DatasetVersion], object_id__in=datasets) | Q(
        content_type=types[ProductVersion], object_id__in=products
    )


def releases(
    start: dt.datetime,
    end: dt.datetime | None = None,
    *,
    sector: str = "",
    agency: str = "",
    limit: int = MAX_ITEMS,
) -> list[Release]:
    """Releases out for everyone in [start, end] (and by now), newest first, at most ``limit``;
    withdrawn ones are left out."""
    now = timezone.now()
    moment = min(end, now) if end else now
    chosen = (
        Release.objects.published(moment)
        .filter(state=ReleaseState.SCHEDULED, release_at__gte=start)
        .select_related("agency", "entry")
        .order_by("-release_at", "-id")
    )
    if agency:
        chosen = chosen.filter(agency__slug=agency)
    if sector:
        chosen = chosen.filter(_sector_filter(sector))
    found: list[Release] = []
    offset = 0
    while len(found) < limit:  # the gate may refuse some (data that is not open)
        batch = list(chosen[offset : offset + limit * 2])
        if not batch:
            break
        visible = visible_content(None, batch)
        found += [r for r in batch if (r.content_type_id, r.object_id) in visible]
        offset += len(batch)
    return found[:limit]


def facts_for(release: Release) -> facts.ReleaseFacts:
    """``facts.facts_of(release)``, kept a while (the figures read the released data)."""
    key = f"promotion:facts:{release.uuid}:{release.state}:{translation.get_language()}"
    kept = cache.get(key)
    if kept is None:
        kept = facts.facts_of(release)
        cache.set(key, kept, FACTS_SECONDS)
    return kept  # type: ignore[no-any-return]


@dataclass
class Item:
    facts: facts.ReleaseFacts
    figures: list[str]
    url: str


def items(found: list[Release], language: str) -> list[Item]:
    out = []
    for release in found:
        told = facts_for(release)
        out.append(
            Item(
                facts=told,
                figures=[facts.figure_text(f, language) for f in told.figures],
                url=told.path,
            )
        )
    return out


def next_release(
    at: dt.datetime | None = None, *, sector: str = "", agency: str = ""
) -> dict[str, Any] | None:
    """The next public calendar entry (of the agency and sector chosen), with its wording."""
    moment = at or timezone.now()
    entries = (
        ReleaseEntry.objects.visible_to(None)
        .upcoming(moment)
        .filter(planned_at__gte=moment)
        .select_related("agency")
        .order_by("planned_at", "id")
    )
    if agency:
        entries = entries.filter(agency__slug=agency)
    if sector:
        entries = entries.filter(sector=sector)
    entry = entries.first()
    if entry is None:
        return None
    return {"entry": entry, "when": wording(entry.planned_at, entry.precision)}
