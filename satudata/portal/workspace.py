"""A producer's own page: where its agency's work stands in activity 1 and on the calendar.

One page answers what an agency's data manager asks every week: which Daftar Data items still
need data, what became of the last uploads, which metadata BPS returned, which nota dinas came,
when the agency's data will be released, and what is new in the inbox. Every list is read for
the viewer's own agencies only; nothing here changes anything.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from satudata.accounts.models import Agency, Notification, User
from satudata.accounts.permissions import role_of
from satudata.accounts.roles import Role
from satudata.catalog.metadata.services import URL_WORD, kind_of
from satudata.catalog.models import (
    Activity,
    DataItem,
    Indicator,
    Letter,
    ReviewStatus,
    Upload,
    Variable,
)
from satudata.catalog.sinkronisasi.services import SyncStatus, sync_statuses
from satudata.releases.dates import wording
from satudata.releases.models import ReleaseEntry
from satudata.sop.models import SopTask

# Enough for a busy agency's year; the full lists live on their own pages.
ITEMS_SHOWN = 300
UPLOADS_SHOWN = 20
METADATA_SHOWN = 100
LETTERS_SHOWN = 20
ENTRIES_SHOWN = 50
NOTICES_SHOWN = 20
TASKS_SHOWN = 20


@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    """The signed-in producer's page; other roles have their own desks (403 here)."""
    if role_of(request.user) != Role.PRODUSEN:
        raise PermissionDenied("portal.workspace")
    user: User = request.user  # type: ignore[assignment]
    agency_ids = user.agency_ids()
    now = timezone.now()
    items = list(
        DataItem.objects.filter(agency_id__in=agency_ids)
        .select_related("data_list", "agency")
        .order_by("-data_list__year", "number")[:ITEMS_SHOWN]
    )
    statuses = sync_statuses(items)
    entries = (
        ReleaseEntry.objects.visible_to(user)
        .filter(agency_id__in=agency_ids)
        .prefetch_related("date_changes")  # public_state reads them
        .order_by("planned_at", "pk")[:ENTRIES_SHOWN]
    )
    context: dict[str, Any] = {
        "agencies": Agency.objects.filter(pk__in=agency_ids).order_by("name"),
        "items": [(item, statuses[item.pk]) for item in items],
        "pending_items": sum(statuses[i.pk] != SyncStatus.SYNCHRONISED for i in items),
        "uploads": Upload.objects.filter(dataset__agency_id__in=agency_ids)
        .select_related("dataset", "uploaded_by")
        .order_by("-uploaded_at", "-pk")[:UPLOADS_SHOWN],
        "metadata": _metadata(agency_ids),
        "letters": Letter.objects.visible_to(user)
        .filter(agency_id__in=agency_ids)
        .order_by("-issued_on", "-pk")[:LETTERS_SHOWN],
        "entries": [(e, wording(e.planned_at, e.precision), e.public_state(now)) for e in entries],
        "notices": Notification.objects.filter(user=user)[:NOTICES_SHOWN],
        "tasks": SopTask.objects.concerning_agencies(agency_ids)
        .open()
        .with_related()
        .order_by("due_at", "pk")[:TASKS_SHOWN],
        "now": now,
    }
    return render(request, "portal/workspace.html", context)


def _metadata(agency_ids: set[int]) -> list[dict[str, Any]]:
    """The agencies' MS-Keg, MS-Ind and MS-Var, those waiting on the producer first (returned,
    then drafts), then those with BPS, then the approved ones."""
    order = {
        ReviewStatus.RETURNED: 0,
        ReviewStatus.DRAFT: 1,
        ReviewStatus.SUBMITTED: 2,
        ReviewStatus.APPROVED: 3,
    }
    rows = []
    for model in (Activity, Indicator, Variable):
        records = model.objects.filter(agency_id__in=agency_ids).order_by("-updated_at", "-pk")
        for record in records[:METADATA_SHOWN]:
            kind = kind_of(record)
            rows.append({"record": record, "kind": kind.label, "slug": URL_WORD[kind]})
    rows.sort(key=lambda row: order.get(row["record"].review_status, 9))
    return rows
