"""What a dataset's address says before its release: the release calendar's entry for it.

A visitor who opens the address of a dataset (or of a version) scheduled for release learns
only what the public release calendar already shows: the entry's title, agency and announced
release time, with a link to the entry. Nothing of the data, its title or its description is
shown before the release. The answer stays a 404: until its release time the dataset is not
published, as every machine channel (CKAN, REST, DCAT, data.json, the sitemap) also says, so
crawlers and harvesters record nothing; people get the date instead of a dead end.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from satudata.catalog.models import Access, DatasetVersion
from satudata.releases.models import EntryState, Release, ReleaseEntry, ReleaseState


def releases_at(slug: str, number: int | None) -> QuerySet[Release]:
    """The releases of the dataset at ``slug`` (of its version ``number``, else of any), in any
    state: what a page address that shows no data can still say (withdrawn, not yet out)."""
    versions = DatasetVersion.objects.filter(dataset__slug=slug[:120])
    if number:
        versions = versions.filter(number=number)
    return Release.objects.of(DatasetVersion, versions.values("pk"))


def announced_entry(user: Any, slug: str, number: int | None) -> ReleaseEntry | None:
    """The public calendar entry on which the dataset at ``slug`` (version ``number``, else its
    next version) is scheduled to come out, if the viewer may see that entry and the dataset's
    item is open (an entry without an item is public, but must not lead to a closed dataset's
    address); else None."""
    from satudata.releases.access import sees_unpublished

    releases = releases_at(slug, number)
    if not sees_unpublished(user):
        shown = DatasetVersion.objects.filter(dataset__slug=slug[:120])
        shown = shown.filter(dataset__item__access=Access.OPEN)
        releases = releases.filter(object_id__in=shown.values("pk"))
    release = (
        releases.filter(state=ReleaseState.SCHEDULED, release_at__gt=timezone.now())
        .filter(entry__in=ReleaseEntry.objects.visible_to(user))
        .exclude(entry__state=EntryState.CANCELLED)
        .select_related("entry__agency")
        .order_by("release_at")
        .first()
    )
    return release.entry if release else None
