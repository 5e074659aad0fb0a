"""State changes of SOP activity 1: importing, approving and freezing a year's Daftar Data."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from satudata.accounts.models import User
from satudata.accounts.permissions import require, require_for_agency
from satudata.accounts.roles import Capability, Role
from satudata.accounts.services import notify
from satudata.catalog import search
from satudata.catalog.daftar import DaftarPreview
from satudata.catalog.letters import NEEDS, letter_content, next_number, render_docx, render_pdf
from satudata.catalog.models import (
    DataItem,
    DataList,
    DataListStatus,
    Dataset,
    Letter,
    Tag,
    Variable,
)
from satudata.catalog.sinkronisasi.services import SyncStatus, sync_statuses
from satudata.core import mail
from satudata.core.audit import diff, record
from satudata.core.models import MailKind
from satudata.sop.services import open_task

logger = logging.getLogger(__name__)


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
    from satudata.releases.services import plan_from_data_list

    # The approved list's release schedule becomes the year's release calendar (activity 3).
    plan_from_data_list(actor=actor, data_list=locked)
    return locked


# --- Datasets, uploads and synchronisation ------------------------------------------------------


def create_dataset(*, actor: User, item: DataItem) -> Dataset:
    require_for_agency(actor, item.agency)
    existing = Dataset.objects.filter(item=item).first()
    if existing is not None:
        return existing
    base = slugify(f"{item.name} {item.data_list.year}")[:100] or f"data-{item.pk}"
    slug, n = base, 1
    while Dataset.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    sector = (item.activity.answers.get("sektor_kegiatan", "") if item.activity else "") or ""
    dataset = Dataset.objects.create(
        item=item,
        agency=item.agency,
        slug=slug,
        title=f"{item.name} {item.data_list.year}",
        description=item.definition or item.concept,
        sector=sector if sector in dict(Dataset._meta.get_field("sector").choices or []) else "",
    )
    search.index(dataset)
    record(
        "catalog.dataset_created",
        actor=actor,
        obj=dataset,
        summary=f"Dataset dibuat untuk item Daftar Data: {item.name}",
    )
    return dataset


class ChangedMeanwhile(Exception):
    """Someone saved the dataset's description after the writer read it."""

    def __init__(self, modified_at: datetime) -> None:
        super().__init__(modified_at)
        self.modified_at = modified_at


def _details(dataset: Dataset) -> dict[str, Any]:
    return {
        "title": dataset.title,
        "description": dataset.description,
        "sector": dataset.sector,
        "license_id": dataset.license_id,
        "tags": sorted(dataset.tags.values_list("name", flat=True)),
        "topics": sorted(dataset.topics.values_list("slug", flat=True)),
        "key_variables": sorted(dataset.key_variables.values_list("name", flat=True)),
        "rule_overrides": dataset.rule_overrides,
    }


@transaction.atomic
def describe_dataset(
    *,
    actor: User,
    dataset: Dataset,
    title: str,
    description: str,
    sector: str,
    license_id: str,
    tags: Iterable[str],
    topics: Iterable[Any],
    seen: datetime | None = None,
    key_variables: Iterable[Variable] | None = None,
    rule_overrides: Mapping[str, list[dict[str, Any]]] | None = None,
) -> Dataset:
    """Change what the portal says about a dataset; its data stay as they are. With ``seen``
    (when the writer read the dataset), a change saved by someone else since then is not
    overwritten: ``ChangedMeanwhile`` says so and nothing is saved.

    ``key_variables`` (the variables that identify a row) and ``rule_overrides`` (this table's
    own limits, variable id -> rules) are metadata the next check uses; None leaves them."""
    require_for_agency(actor, dataset.agency)
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    if seen is not None and dataset.modified_at != seen:
        raise ChangedMeanwhile(dataset.modified_at)
    before = _details(dataset)
    dataset.title, dataset.description = title.strip(), description.strip()
    dataset.sector, dataset.license_id = sector, license_id
    if rule_overrides is not None:
        dataset.rule_overrides = dict(rule_overrides)
    dataset.save()
    if key_variables is not None:
        # Only the agency's own variables can make its table's key.
        dataset.key_variables.set([v for v in key_variables if v.agency_id == dataset.agency_id])
    names = sorted({" ".join(tag.split()).lower() for tag in tags if tag.strip()})
    dataset.tags.set([Tag.objects.get_or_create(name=name)[0] for name in names])
    dataset.topics.set(list(topics))
    search.index(dataset)
    record(
        "catalog.dataset_described",
        actor=actor,
        obj=dataset,
        summary=f"Keterangan dataset {dataset.title} diubah",
        changes=diff(before, _details(dataset)),
    )
    return dataset


# --- Nota dinas -----------------------------------------------------------------------------------


class NothingOutstanding(Exception):
    """Every item of the agency is synchronised: there is nothing to write about."""


def outstanding_items(data_list: DataList, agency: Any) -> list[dict[str, str]]:
    rows = []
    items = list(data_list.items.filter(agency=agency).order_by("number", "pk"))
    statuses = sync_statuses(items)
    for item in items:
        status = statuses[item.pk]
        if status != SyncStatus.SYNCHRONISED:
            rows.append(
                {
                    "no": str(item.number),
                    "name": item.name,
                    "status": str(status.label),
                    "need": NEEDS[status.value],
                }
            )
    return rows


@transaction.atomic
def issue_nota_dinas(*, actor: User, data_list: DataList, agency: Any, signatory: User) -> Letter:
    """Number, render and keep a nota dinas to ``agency``; e-mail it once the transaction holds.

    The number comes from the year's sequence under a row lock, so two letters issued at once
    never share a number, and a number once given is never given again.
    """
    require(actor, Capability.MANAGE_DATA_LIST)
    if signatory.role not in (Role.KEPALA_DINAS, Role.KEPALA_BIDANG):
        raise PermissionDenied("catalog.sign_letter")
    items = outstanding_items(data_list, agency)
    if not items:
        raise NothingOutstanding
    issued_on = timezone.localdate()
    sequence, number = next_number(issued_on.year)
    content = letter_content(
        number=number,
        issued_on=issued_on,
        agency=agency,
        data_list=data_list,
        signatory=signatory,
        items=items,
    )
    stem = f"letters/{issued_on.year}/{sequence:04d}-{agency.slug}"
    pdf = render_pdf(content)
    pdf_path = default_storage.save(f"{stem}.pdf", ContentFile(pdf))
    docx_path = default_storage.save(f"{stem}.docx", ContentFile(render_docx(content)))
    letter = Letter.objects.create(
        number=number,
        year=issued_on.year,
        sequence=sequence,
        agency=agency,
        data_list=data_list,
        issued_on=issued_on,
        subject=content["subject"],
        signatory=signatory,
        items=items,
        pdf_path=pdf_path,
        docx_path=docx_path,
        created_by=actor,
    )
    record(
        "catalog.letter_issued",
        actor=actor,
        obj=letter,
        summary=f"Nota dinas {number} ke {agency.name}: {len(items)} item",
    )
    open_task(
        actor=actor,
        step="sinkronisasi",
        title=f"Tindak lanjut nota dinas {number}",
        subject=letter,
        agency=agency,
    )
    if agency.email:
        _send_letter(letter, pdf)
    # The agency's people find it in their in-app inbox too (the letter itself went by e-mail).
    notify(
        User.objects.filter(agencies=agency, is_active=True),
        title=f"Nota Dinas {number}: {letter.subject}",
        body=f"{len(items)} item Daftar Data {data_list.year} belum ada data atau belum sinkron.",
        url=reverse("portal:workspace") + "#nota-dinas",
        email=False,
    )
    return letter


def _send_letter(letter: Letter, pdf: bytes) -> None:
    mail.send(
        [letter.agency.email],
        f"Nota Dinas {letter.number}: {letter.subject}",
        f"Yth. {letter.agency.head_title or 'Kepala ' + letter.agency.name},\n\n"
        f"Terlampir nota dinas {letter.number} tentang {letter.subject.lower()}.\n",
        kind=MailKind.LETTER,
        attachments=[
            mail.Attachment(
                filename=f"nota-dinas-{letter.sequence:04d}.pdf",
                content=pdf,
                mimetype="application/pdf",
            )
        ],
    )
