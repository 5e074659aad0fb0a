"""State changes of SOP activity 1: importing, approving and freezing a year's Daftar Data."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from satudata.accounts.models import User
from satudata.accounts.permissions import require
from satudata.accounts.roles import Capability
from satudata.catalog.daftar import DaftarPreview
from satudata.catalog.models import DataItem, DataList, DataListStatus
from satudata.core.audit import record


class DataListFrozen(Exception):
    """The year's list is approved; it no longer changes."""


class PreviewHasErrors(Exception):
    """A preview with errors is never saved, not even in part."""


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    kept: int


@transaction.atomic
def import_data_list(*, actor: User, year: int, preview: DaftarPreview) -> ImportResult:
    """Save a checked preview into the year's list: new items added, known items (same agency
    and name) updated, items not in the file kept."""
    require(actor, Capability.MANAGE_DATA_LIST)
    if preview.has_errors:
        raise PreviewHasErrors
    data_list, _ = DataList.objects.select_for_update().get_or_create(year=year)
    if data_list.is_frozen:
        raise DataListFrozen
    existing = {(i.agency_id, i.name.lower()): i for i in data_list.items.all()}
    created = updated = 0
    touched = set()
    for parsed in preview.items:
        values = parsed.values
        key = (values["agency"].pk, values["name"].lower())
        touched.add(key)
        item = existing.get(key)
        if item is None:
            DataItem.objects.create(data_list=data_list, **values)
            created += 1
        else:
            for name, value in values.items():
                setattr(item, name, value)
            item.save()
            updated += 1
    kept = len(set(existing) - touched)
    record(
        "catalog.data_list_imported",
        actor=actor,
        obj=data_list,
        summary=f"Daftar Data {year} diimpor: {created} baru, {updated} diperbarui, {kept} tetap",
    )
    return ImportResult(created, updated, kept)


@transaction.atomic
def approve_data_list(*, actor: User, data_list: DataList) -> DataList:
    """The Kepala Bidang approves the year's list; from then on it is frozen."""
    require(actor, Capability.APPROVE_DATA_LIST)
    locked = DataList.objects.select_for_update().get(pk=data_list.pk)
    if locked.is_frozen:
        raise DataListFrozen
    locked.status = DataListStatus.APPROVED
    locked.approved_at = timezone.now()
    locked.approved_by = actor
    locked.save()
    record(
        "catalog.data_list_approved",
        actor=actor,
        obj=locked,
        summary=f"Daftar Data {locked.year} disetujui dan dibekukan ({locked.items.count()} item)",
        changes={"status": [DataListStatus.DRAFT, DataListStatus.APPROVED]},
    )
    return locked
