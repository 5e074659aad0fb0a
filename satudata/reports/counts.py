"""Each dataset's views and downloads as the public sees them, kept as running totals.

A view is a successful request of the dataset's page (any version); a download is a successful
request of its data in any format on any channel (portal files, the REST export). Events name a
dataset by what its address held, its name or its identifier; totals are kept by name.

Reads by signed-in people are not counted: they are staff, producers and pre-release readers at
work (reads before the release among them), not the public use the figures report.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, F

from satudata.catalog.models import Dataset
from satudata.reports.models import DatasetUsage, EventKind, UsageEvent

PAGE_NAMES = ("portal:dataset", "portal:dataset-version")


def _is_counted(event: UsageEvent) -> tuple[str, str] | None:
    """(dataset key, "views" or "downloads") for an event that counts, else None."""
    if not event.dataset or event.signed_in or not 200 <= (event.status or 0) < 300:
        return None
    if event.kind == EventKind.PAGE_VIEW and event.name in PAGE_NAMES:
        return event.dataset, "views"
    if event.kind == EventKind.DOWNLOAD:
        return event.dataset, "downloads"
    return None


def _names(keys: Iterable[str]) -> dict[str, str]:
    """Each key as a dataset name: identifiers (the REST API takes either) become names."""
    keys = set(keys)
    ids = []
    for key in keys:
        try:
            ids.append(uuid.UUID(key))
        except ValueError:
            continue
    names = {key: key for key in keys}
    if ids:
        for found, slug in Dataset.objects.filter(uuid__in=ids).values_list("uuid", "slug"):
            names[str(found)] = slug
    return names


def _by_name(tally: Counter[tuple[str, str]]) -> dict[str, Counter[str]]:
    """The tally of (dataset key, what) summed per dataset name, as the totals are kept."""
    names = _names(key for key, _what in tally)
    totals: dict[str, Counter[str]] = {}
    for (key, what), n in tally.items():
        totals.setdefault(names[key][:120], Counter())[what] += n
    return totals


def add(events: Iterable[UsageEvent]) -> int:
    """Add a written batch of events to the totals; how many events counted."""
    tally: Counter[tuple[str, str]] = Counter(filter(None, map(_is_counted, events)))
    if not tally:
        return 0
    totals = _by_name(tally)
    with transaction.atomic():
        # Rows first (another process may create the same one at once), then increments in
        # the database, so that two processes adding at once both count.
        DatasetUsage.objects.bulk_create(
            [DatasetUsage(dataset=name) for name in totals], ignore_conflicts=True
        )
        for name, counted in totals.items():
            DatasetUsage.objects.filter(dataset=name).update(
                views=F("views") + counted["views"],
                downloads=F("downloads") + counted["downloads"],
            )
    return sum(tally.values())


def totals(names: Iterable[str]) -> dict[str, tuple[int, int]]:
    """(views, downloads) of each dataset name (those never viewed are absent)."""
    names = list(names)
    if not names:
        return {}
    rows = DatasetUsage.objects.filter(dataset__in=names)
    return {row.dataset: (row.views, row.downloads) for row in rows}


def of(name: str) -> tuple[int, int]:
    """(views, downloads) of one dataset."""
    return totals([name]).get(name, (0, 0))


@transaction.atomic
def recount() -> int:
    """Rebuild every total from the events (after a restore, or to check the running totals);
    how many datasets have one."""
    rows = (
        UsageEvent.objects.exclude(dataset="")
        .filter(status__gte=200, status__lt=300, signed_in=False)
        .values("dataset", "kind", "name")
        .annotate(n=Count("pk"))
    )
    tally: Counter[tuple[str, str]] = Counter()
    for row in rows:
        event = UsageEvent(dataset=row["dataset"], kind=row["kind"], name=row["name"], status=200)
        counted = _is_counted(event)
        if counted:
            tally[counted] += row["n"]
    totals_ = _by_name(tally)
    DatasetUsage.objects.all().delete()
    DatasetUsage.objects.bulk_create(
        DatasetUsage(dataset=name, views=c["views"], downloads=c["downloads"])
        for name, c in totals_.items()
    )
    return len(totals_)
