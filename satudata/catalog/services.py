"""State changes of SOP activity 1: importing, approving and freezing a year's Daftar Data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satudata.accounts.models import User
from satudata.accounts.permissions import require, require_for_agency
from satudata.accounts.roles import Capability, Role
from satudata.catalog.checks import ERROR, Finding, check_table, suggest_mapping
from satudata.catalog.daftar import DaftarPreview
from satudata.catalog.letters import NEEDS, letter_content, next_number, render_docx, render_pdf
from satudata.catalog.models import (
    DataItem,
    DataList,
    DataListStatus,
    Dataset,
    DatasetVersion,
    Letter,
    Upload,
    UploadStatus,
    Variable,
)
from satudata.catalog.parquet import to_parquet
from satudata.catalog.reading.upload import UnreadableUpload, read_upload
from satudata.catalog.storage import keep_original, read_original, size_problem
from satudata.core.audit import record
from satudata.core.models import SiteProfile
from satudata.sop.models import SopTask
from satudata.sop.services import complete_task, open_task


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


# --- Datasets, uploads and synchronisation ------------------------------------------------------


class UploadRefused(Exception):
    """The upload is not accepted; the message says why."""


@transaction.atomic
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
    dataset = Dataset.objects.create(
        item=item, agency=item.agency, slug=slug, title=f"{item.name} {item.data_list.year}"
    )
    record(
        "catalog.dataset_created",
        actor=actor,
        obj=dataset,
        summary=f"Dataset dibuat untuk item Daftar Data: {item.name}",
    )
    return dataset


@transaction.atomic
def receive_upload(*, actor: User, dataset: Dataset, filename: str, data: bytes) -> Upload:
    """Keep the file as sent and open the activity-1 task; nothing is checked yet."""
    require_for_agency(actor, dataset.agency)
    if not data:
        raise UploadRefused(_("The file is empty. Export the table again and upload it."))
    problem = size_problem(len(data))
    if problem:
        raise UploadRefused(problem)
    upload = Upload.objects.create(
        dataset=dataset,
        uploaded_by=actor,
        filename=filename[:255],
        size=len(data),
        sha256=keep_original(data),
    )
    record(
        "catalog.upload_received",
        actor=actor,
        obj=upload,
        summary=f"Berkas {upload.filename} diterima untuk {dataset.title}",
    )
    open_task(
        actor=actor,
        step="sinkronisasi",
        title=f"Sinkronisasi {dataset.title}",
        subject=dataset,
        agency=dataset.agency,
    )
    return upload


def _finding_dict(finding: Finding) -> dict[str, Any]:
    return {
        "severity": finding.severity,
        "sheet": finding.sheet,
        "row": finding.row,
        "column": finding.column,
        "value": finding.value,
        "message": finding.message,
        "suggestion": finding.suggestion,
    }


@transaction.atomic
def synchronise_upload(
    *,
    actor: User,
    upload: Upload,
    sheet: str | None = None,
    mapping: dict[str, int] | None = None,
    key_columns: list[str] | None = None,
) -> Upload:
    """Check an upload against its agency's variables; if nothing blocks, store it as the
    dataset's next version. A rejected upload never replaces the last good version."""
    require_for_agency(actor, upload.dataset.agency)
    dataset = Dataset.objects.select_for_update().get(pk=upload.dataset_id)
    try:
        tables = read_upload(read_original(upload.sha256), upload.filename)
    except UnreadableUpload as error:
        return _reject(actor, upload, [Finding(ERROR, "", None, "", "", str(error))])
    table = next((t for t in tables if t.sheet == sheet), None) if sheet else None
    table = table or next((t for t in tables if t.columns), tables[0])
    variables = {
        v.pk: v for v in Variable.objects.filter(agency=dataset.agency).prefetch_related("codes")
    }
    if mapping is not None:
        columns = {name: i for i, name in enumerate(table.columns)}
        chosen = {
            columns[c]: variables[v] for c, v in mapping.items() if c in columns and v in variables
        }
    else:
        chosen = suggest_mapping(table.columns, variables.values())
    keys = [table.columns.index(c) for c in (key_columns or []) if c in table.columns]
    findings = check_table(
        table, chosen, region_within=SiteProfile.current().region_code or None, key_columns=keys
    )
    if not chosen:
        findings.insert(
            0,
            Finding(
                ERROR,
                table.sheet,
                None,
                "",
                "",
                _("No column matches a variable of this agency's metadata (MS-Var)."),
                _("Add the variables to the metadata, or map the columns by hand."),
            ),
        )
    upload.sheet = table.sheet
    upload.mapping = {table.columns[i]: v.pk for i, v in chosen.items()}
    if any(f.is_error for f in findings):
        return _reject(actor, upload, findings)
    number = (dataset.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    content, described = to_parquet(
        table,
        chosen,
        meta={"dataset": dataset.slug, "version": str(number), "upload_sha256": upload.sha256},
    )
    # The file is written before the row: if the transaction fails after this, an unused file
    # remains, never a row pointing at nothing.
    path = default_storage.save(f"datasets/{dataset.slug}/v{number}.parquet", ContentFile(content))
    DatasetVersion.objects.create(
        dataset=dataset,
        number=number,
        upload=upload,
        path=path,
        row_count=len(table.rows),
        columns=described,
    )
    _store_result(upload, UploadStatus.SYNCHRONISED, findings)
    record(
        "catalog.upload_synchronised",
        actor=actor,
        obj=upload,
        summary=f"{upload.filename} sinkron: versi {number} dari {dataset.title} "
        f"({len(table.rows)} baris)",
    )
    task = SopTask.objects.open_for(dataset, "sinkronisasi").first()
    if task is not None:
        complete_task(actor=None, task=task, note=f"Versi {number} tersimpan.")
    return upload


def _store_result(upload: Upload, status: str, findings: list[Finding]) -> None:
    upload.status = status
    upload.error_count = sum(1 for f in findings if f.is_error)
    upload.warning_count = len(findings) - upload.error_count
    upload.findings = [_finding_dict(f) for f in findings[:1000]]
    upload.save()


def _reject(actor: User, upload: Upload, findings: list[Finding]) -> Upload:
    _store_result(upload, UploadStatus.REJECTED, findings)
    record(
        "catalog.upload_rejected",
        actor=actor,
        obj=upload,
        summary=f"{upload.filename} tidak sinkron: {upload.error_count} galat",
    )
    return upload


class SyncStatus(models.TextChoices):
    NO_DATA = "belum_ada_data", gettext_lazy("No data yet")
    AWAITING_METADATA = "menunggu_metadata", gettext_lazy("Awaiting metadata")
    NOT_SYNCHRONISED = "tidak_sinkron", gettext_lazy("Not synchronised")
    SYNCHRONISED = "sinkron", gettext_lazy("Synchronised")


def sync_statuses(items: Iterable[DataItem]) -> dict[int, SyncStatus]:
    """Where each Daftar Data item stands in activity 1, in three queries for any number."""
    items = list(items)
    ids = [item.pk for item in items]
    versioned = set(
        DatasetVersion.objects.filter(dataset__item__in=ids).values_list(
            "dataset__item_id", flat=True
        )
    )
    uploaded = set(
        Upload.objects.filter(dataset__item__in=ids).values_list("dataset__item_id", flat=True)
    )
    with_metadata = set(
        Variable.objects.filter(agency__in={i.agency_id for i in items}).values_list(
            "agency_id", flat=True
        )
    )
    statuses = {}
    for item in items:
        if item.pk in versioned:
            statuses[item.pk] = SyncStatus.SYNCHRONISED
        elif item.agency_id not in with_metadata:
            statuses[item.pk] = SyncStatus.AWAITING_METADATA
        elif item.pk in uploaded:
            statuses[item.pk] = SyncStatus.NOT_SYNCHRONISED
        else:
            statuses[item.pk] = SyncStatus.NO_DATA
    return statuses


def sync_status(item: DataItem) -> SyncStatus:
    """Where one Daftar Data item stands in activity 1."""
    return sync_statuses([item])[item.pk]


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
    pdf_path = default_storage.save(f"{stem}.pdf", ContentFile(render_pdf(content)))
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
        transaction.on_commit(lambda: _send_letter(letter.pk))
    return letter


def _send_letter(pk: int) -> None:
    from django.core.mail import EmailMessage

    letter = Letter.objects.select_related("agency").get(pk=pk)
    message = EmailMessage(
        subject=f"Nota Dinas {letter.number}: {letter.subject}",
        body=(
            f"Yth. {letter.agency.head_title or 'Kepala ' + letter.agency.name},\n\n"
            f"Terlampir nota dinas {letter.number} tentang {letter.subject.lower()}.\n"
        ),
        to=[letter.agency.email],
    )
    with default_storage.open(letter.pdf_path, "rb") as handle:
        message.attach(f"nota-dinas-{letter.sequence:04d}.pdf", handle.read(), "application/pdf")
    message.send()
