"""SOP activity 1, step "sinkronisasi": receiving an upload, checking it (on the worker), storing
the version that passed, and where each Daftar Data item stands."""

from __future__ import annotations

import copy as _copy
import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satudata.accounts.models import User
from satudata.accounts.permissions import require_for_agency
from satudata.catalog.models import (
    DataItem,
    Dataset,
    DatasetVersion,
    DataType,
    Upload,
    UploadStatus,
    Variable,
)
from satudata.catalog.sinkronisasi.checks import suggest_mapping
from satudata.catalog.sinkronisasi.engine import (
    ERROR,
    WARNING,
    CheckResult,
    Finding,
    Progress,
    Workspace,
    check,
    load_sheet,
    write_parquet,
)
from satudata.catalog.sinkronisasi.reading.bulk import load_text, plan_text, report_wrong_width
from satudata.catalog.sinkronisasi.reading.delimited import UnreadableFile
from satudata.catalog.sinkronisasi.reading.notices import Notice, sheets_read
from satudata.catalog.sinkronisasi.reading.shape import unpivot_table
from satudata.catalog.sinkronisasi.reading.sheets import choose_sheets
from satudata.catalog.sinkronisasi.reading.upload import OLE, ZIP, UnreadableUpload, read_upload
from satudata.catalog.storage import TooLarge, clean_filename, keep_original, local_original
from satudata.core.audit import record
from satudata.core.models import SiteProfile
from satudata.core.taskqueue import ensure_queue_available, queue_errors
from satudata.sop.services import finish_task_of, open_task

logger = logging.getLogger(__name__)
UNREADABLE = gettext_lazy(
    "The file could not be read as a table. Open it in Excel or LibreOffice, save it again as "
    "CSV or XLSX and upload that."
)


SHEET_CHARS = Upload._meta.get_field("sheet").max_length or 100


class UploadRefused(Exception):
    """The upload is not accepted; the message says why."""


@transaction.atomic
def receive_upload(
    *,
    actor: User,
    dataset: Dataset,
    filename: str,
    chunks: Iterable[bytes],
    check: bool = True,
) -> Upload:
    """Keep the file as sent (streamed to disk, hashed on the way), open the activity-1 task and
    queue the check. Nothing is checked here: the worker does it and reports its progress.

    Raises QueueUnavailable, before anything is saved, when the queue (Redis) is down: the
    producer is told to send the file again rather than left with a check that never starts."""
    require_for_agency(actor, dataset.agency)
    if check:
        ensure_queue_available()
    try:
        digest, size = keep_original(chunks)
    except TooLarge as error:
        raise UploadRefused(str(error)) from None
    if not size:
        raise UploadRefused(_("The file is empty. Export the table again and upload it."))
    with transaction.atomic():
        # The remembered mapping comes with the shape it was made for (wide turned long).
        mapping, unpivot = Dataset.objects.values_list("mapping", "unpivot").get(pk=dataset.pk)
        upload = Upload.objects.create(
            dataset=dataset,
            uploaded_by=actor,
            filename=clean_filename(filename),
            size=size,
            sha256=digest,
            mapping=mapping,
            unpivot=unpivot,
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
    if check:
        queue_check(upload)
    return upload


def recheck_upload(
    *,
    actor: User,
    upload: Upload,
    mapping: Mapping[str, int | None],
    sheet: str = "",
    sheets: list[str] | None = None,
    unpivot: bool = False,
) -> Upload:
    """Check the same file again with the mapping the producer confirmed. A new row: the
    earlier result stays as it was. The mapping is remembered for the item's next upload
    together with ``unpivot``: a mapping made for the table turned long names columns that
    exist only after the reshape, so the next upload is reshaped too. ``sheets`` (or one
    ``sheet``) are the sheets to read; by default those read before. The key is not chosen
    here: it is declared in the dataset's description (``Dataset.key_variables``)."""
    require_for_agency(actor, upload.dataset.agency)
    ensure_queue_available()
    variables = set(
        Variable.objects.filter(agency=upload.dataset.agency).values_list("pk", flat=True)
    )
    # None marks a column the producer chose not to publish.
    mapping = {column: pk for column, pk in mapping.items() if pk is None or pk in variables}
    with transaction.atomic():
        again = Upload.objects.create(
            dataset=upload.dataset,
            uploaded_by=actor,
            filename=upload.filename,
            size=upload.size,
            sha256=upload.sha256,
            sheet=(sheet or upload.sheet)[:SHEET_CHARS],
            chosen_sheets=_sheets_to_read(upload, sheet, sheets),
            mapping=mapping,
            unpivot=unpivot,
            based_on=upload,
        )
        Dataset.objects.filter(pk=upload.dataset_id).update(mapping=mapping, unpivot=unpivot)
        record(
            "catalog.upload_rechecked",
            actor=actor,
            obj=again,
            summary=f"{upload.filename} diperiksa ulang dengan pemetaan kolom yang dikonfirmasi",
            changes={"mapping": [upload.mapping, mapping]},
        )
    queue_check(again)
    return again


def _sheets_to_read(upload: Upload, sheet: str, sheets: list[str] | None) -> list[str]:
    if sheets:
        return [s for s in sheets if s in upload.sheets]
    if sheet:
        return [sheet]
    return upload.chosen_sheets or upload.read_sheets


# The stage of an upload whose check could not be queued (the queue went down between the
# request's ping and its enqueue): the recovery job queues it once the queue answers again.
WAITING_FOR_QUEUE = "waiting"


def queue_check(upload: Upload) -> None:
    """Hand the check to the worker once the upload row is committed."""
    Upload.objects.filter(pk=upload.pk).update(
        status=UploadStatus.CHECKING, progress={"stage": "queued", "done": 0, "total": 0}
    )
    upload.status = UploadStatus.CHECKING
    # The worker must see the row: inside a transaction, enqueue only once it commits.
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _enqueue_check(upload))
    else:
        _enqueue_check(upload)


def _enqueue_check(upload: Upload) -> None:
    from satudata.catalog.tasks import check_upload

    try:
        check_upload.enqueue(upload.pk, upload.uploaded_by_id)
    except queue_errors():
        logger.exception(
            "Could not queue the check of upload %s; it waits for the queue", upload.pk
        )
        Upload.objects.filter(pk=upload.pk, status=UploadStatus.CHECKING).update(
            status=UploadStatus.RECEIVED, progress={"stage": WAITING_FOR_QUEUE}
        )
        upload.status = UploadStatus.RECEIVED


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


class _Reporter:
    """Writes the check's progress to the upload row, at most twice a second."""

    def __init__(self, upload: Upload) -> None:
        self.pk, self.last = upload.pk, 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.5 and done < total:
            return
        self.last = now
        Upload.objects.filter(pk=self.pk).update(
            progress={"stage": stage, "done": done, "total": total}
        )


def _is_workbook(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(8).startswith((ZIP, OLE))


@dataclass
class _Read:
    """What reading the upload found besides the table: notices, sheets, an added column."""

    notices: list[Notice]
    sheets: list[str]
    read_sheets: list[str]
    added_column: str = ""
    added_kind: str = ""


def _read_into(ws: Workspace, path: Path, upload: Upload, progress: Progress) -> _Read:
    """Load the upload's table into the workspace: one sheet, or several alike sheets stacked."""
    if upload.size > settings.SYNC_STREAM_BYTES and not _is_workbook(path) and not upload.unpivot:
        ws.sheet = upload.filename
        notices = load_text(ws, path, plan_text(path), progress)
        _refuse_blank_template(ws)
        return _Read(notices, [], [])
    tables = read_upload(path.read_bytes(), upload.filename)
    wanted = upload.chosen_sheets or ([upload.sheet] if upload.sheet else [])
    choice = choose_sheets(tables, wanted)
    table = choice.table
    wrong_width = table.wrong_width
    notices = [*table.notices, *choice.notices]
    if not table.columns:
        raise UnreadableUpload(
            notices[0].message if notices else _("The file has no table to read.")
        )
    if _is_workbook(path) and len(choice.read) <= 1:
        # Several stacked sheets are named by choose_sheets' own notices.
        notices.insert(0, sheets_read([t.sheet for t in tables], table.sheet))
    if upload.unpivot:
        stacked = table.sheets
        table, notice = unpivot_table(table)
        table.sheets = stacked  # each long row keeps its wide row's sheet and number
        notices.append(notice)
    progress("load", len(table.rows), len(table.rows))
    load_sheet(ws, table)
    for row in wrong_width:
        report_wrong_width(ws, row)
    _refuse_blank_template(ws)
    # Among the findings, not only the notices: a period left out must be seen before release.
    ws.read_findings.extend(
        Finding(WARNING, w.sheet, None, w.column, "", w.message, w.suggestion)
        for w in choice.warnings
    )
    sheets = [t.sheet for t in tables] if len(tables) > 1 else []
    return _Read(notices, sheets, choice.read, choice.added_column, choice.added_kind)


def _refuse_blank_template(ws: Workspace) -> None:
    """A header without rows is a blank template, never an empty version of the data."""
    if ws.rows == 0 and ws.read_findings:
        first = ws.read_findings[0]
        raise UnreadableUpload(
            _(
                "No row of the table could be read: %(count)s rows have another number of "
                "cells than the table's columns (row %(row)s: %(problem)s). Check the separators "
                "and quotation marks, save the file again and upload it."
            )
            % {"count": ws.read_errors, "row": first.row, "problem": first.message}
        )
    if ws.rows == 0:
        raise UnreadableUpload(
            _(
                "The table has its column names but no data rows: it looks like a blank "
                "template. Fill in the data below the column names and upload the file again."
            )
        )


def synchronise_upload(*, actor: User, upload: Upload) -> Upload:
    """Check an upload against its agency's variables; if nothing blocks, store it as the
    dataset's next version. A rejected upload never replaces the last good version.

    The heavy part (reading, checking, writing Parquet) runs outside any transaction, with its
    progress on the upload row; only the last step, numbering and saving the version, locks.
    """
    require_for_agency(actor, upload.dataset.agency)
    dataset = upload.dataset
    progress = _Reporter(upload)
    variables = with_table_limits(
        {v.pk: v for v in Variable.objects.filter(agency=dataset.agency).prefetch_related("codes")},
        Dataset.objects.values_list("rule_overrides", flat=True).get(pk=dataset.pk),
    )
    key_variables = list(dataset.key_variables.order_by("name"))
    item = DataItem.objects.select_related("data_list", "indicator").get(pk=dataset.item_id)
    with Workspace() as ws, local_original(upload.sha256) as path:
        try:
            read = _read_into(ws, path, upload, progress)
        except (UnreadableUpload, UnreadableFile) as error:
            return _reject(actor, upload, CheckResult([_file_error(str(error))], 1, 0, 0))
        except duckdb.Error:
            logger.exception("Upload %s could not be read", upload.pk)
            return _reject(
                actor,
                upload,
                CheckResult([_file_error(str(UNREADABLE))], 1, 0, 0),
            )
        # A text file's "sheet" is its name (up to 255 characters), and a workbook may name a
        # sheet at any length: the field holds 100, and PostgreSQL refuses more.
        upload.sheets, upload.columns = read.sheets, ws.columns
        upload.sheet = ws.sheet[:SHEET_CHARS]
        upload.read_sheets = read.read_sheets if len(read.read_sheets) > 1 else []
        upload.row_count = ws.rows
        chosen = _mapping_for(upload, ws.columns, variables)
        _map_added_column(upload, read, ws.columns, chosen, variables)
        keys = sorted(i for i, v in chosen.items() if v in key_variables)
        unmapped_keys = [v.name for v in key_variables if v not in chosen.values()]
        upload.key_columns = [ws.columns[i] for i in keys]
        excluded = [
            i for i, c in enumerate(ws.columns) if c in upload.mapping and upload.mapping[c] is None
        ]
        result = check(
            ws,
            chosen,
            region_within=SiteProfile.current().region_code or None,
            key_columns=keys,
            key_missing=unmapped_keys,
            excluded=excluded,
            period=(item.data_list.year, item.frequency),
            progress=progress,
        )
        if not chosen:
            result.findings.insert(
                0,
                Finding(
                    ERROR,
                    ws.sheet,
                    None,
                    "",
                    "",
                    _("No column matches a variable of this agency's metadata (MS-Var)."),
                    _("Add the variables to the metadata, or map the columns by hand."),
                ),
            )
            result.errors += 1
        _check_building_variables(item, chosen, result, ws.sheet)
        _check_key_variables(key_variables, chosen, result, ws.sheet)
        upload.mapping = {
            **{ws.columns[i]: None for i in excluded},
            **{ws.columns[i]: v.pk for i, v in chosen.items()},
        }
        upload.missing = result.missing
        upload.notices = [
            {"code": n.code, "message": n.message, "row": n.row}
            for n in [*read.notices, *result.notices][:200]
        ]
        if not result.passed:
            return _reject(actor, upload, result)
        parquet = ws.folder / "version.parquet"
        # Written before the transaction: the lock on the dataset (on SQLite, on every write)
        # is held only for recording the version, not for the seconds a large file takes.
        described = write_parquet(
            ws,
            chosen,
            parquet,
            meta={"dataset": dataset.slug, "upload_sha256": upload.sha256},
            progress=progress,
        )
        return _store_version(actor, upload, result, parquet, described)


def _check_building_variables(
    item: DataItem, chosen: dict[int, Variable], result: CheckResult, sheet: str
) -> None:
    """An item presenting an indicator (MS-Ind) must carry every variable it is built from."""
    if item.indicator is None:
        return
    mapped = {v.pk for v in chosen.values()}
    for variable in item.indicator.building_variables.order_by("name"):
        if variable.pk not in mapped:
            result.findings.insert(
                0,
                Finding(
                    ERROR,
                    sheet,
                    None,
                    "",
                    "",
                    _(
                        "The indicator %(indicator)s is built from the variable %(variable)s, "
                        "but no column of the file holds it."
                    )
                    % {"indicator": item.indicator.name, "variable": variable.name},
                    _("Add the column to the table, or map the column that holds it."),
                ),
            )
            result.errors += 1


def _check_key_variables(
    key_variables: list[Variable], chosen: dict[int, Variable], result: CheckResult, sheet: str
) -> None:
    """Every variable of the declared key must be a column: without it rows cannot be told
    apart, and a duplicate would pass unseen."""
    mapped = set(chosen.values())
    for variable in key_variables:
        if variable not in mapped:
            result.findings.insert(
                0,
                Finding(
                    ERROR,
                    sheet,
                    None,
                    "",
                    "",
                    _(
                        "The variable %(variable)s is part of this table's key, but no column "
                        "of the file holds it."
                    )
                    % {"variable": variable.name},
                    _(
                        "Add the column to the table or map the column that holds it; or "
                        "change the key in the dataset's description."
                    ),
                ),
            )
            result.errors += 1


def with_table_limits(
    variables: dict[int, Variable], overrides: Mapping[str, list[dict[str, Any]]]
) -> dict[int, Variable]:
    """The variables with this table's own limits (``Dataset.rule_overrides``): a rule given
    for the table replaces the variable's rule of the same kind; the variable's metadata row
    is not changed (each is a copy)."""
    limited = dict(variables)
    for key, rules in (overrides or {}).items():
        variable = variables.get(int(key)) if str(key).isdigit() else None
        if variable is None or not rules:
            continue
        kinds = {rule.get("kind") for rule in rules}
        if "optional" in kinds:  # "not required" for this table lifts the variable's rule
            kinds.add("required")
        copy = _copy.copy(variable)
        copy.rules = [r for r in variable.rules if r.get("kind") not in kinds] + [
            r for r in rules if r.get("kind") != "optional"
        ]
        limited[variable.pk] = copy
    return limited


def _mapping_for(
    upload: Upload, columns: list[str], variables: dict[int, Variable]
) -> dict[int, Variable]:
    """The confirmed or remembered mapping for the columns it names; suggestions for the rest."""
    chosen = {
        columns.index(column): variables[pk]
        for column, pk in upload.mapping.items()
        if column in columns and pk in variables
    }
    # A column the producer confirmed (mapped, or left "not published") keeps that choice; only
    # columns they have not seen yet (another sheet chosen since) get suggestions.
    taken = set(chosen.values())
    rest = [c if i not in chosen and c not in upload.mapping else "" for i, c in enumerate(columns)]
    for index, variable in suggest_mapping(rest, variables.values()).items():
        if index not in chosen and variable not in taken and rest[index]:
            chosen[index] = variable
            taken.add(variable)
    return chosen


# The kind of variable a column made from period sheet names is, when the agency has one.
_ADDED_KINDS = {"year": DataType.YEAR, "month": DataType.DATE}


def _map_added_column(
    upload: Upload,
    read: _Read,
    columns: list[str],
    chosen: dict[int, Variable],
    variables: dict[int, Variable],
) -> None:
    """The column made from the sheet names ("Tahun") goes to the agency's one year variable
    (or date variable, for months) when the names did not already match one."""
    kind = _ADDED_KINDS.get(read.added_kind)
    if not kind or read.added_column not in columns or read.added_column in upload.mapping:
        return
    index = columns.index(read.added_column)
    if index in chosen:
        return
    taken = set(chosen.values())
    fitting = [v for v in variables.values() if v.data_type == kind and v not in taken]
    if len(fitting) == 1:
        chosen[index] = fitting[0]


def _file_error(message: str) -> Finding:
    return Finding(ERROR, "", None, "", "", message)


@transaction.atomic
def _store_version(
    actor: User,
    upload: Upload,
    result: CheckResult,
    parquet: Path,
    described: list[dict[str, str]],
) -> Upload:
    dataset = Dataset.objects.select_for_update().get(pk=upload.dataset_id)
    number = (dataset.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    # The file is written before the row: if the transaction fails after this, an unused file
    # remains, never a row pointing at nothing.
    with parquet.open("rb") as handle:
        path = default_storage.save(
            f"datasets/{dataset.slug}/v{number}.parquet", File(handle, name=parquet.name)
        )
    version = DatasetVersion.objects.create(
        dataset=dataset,
        number=number,
        upload=upload,
        path=path,
        row_count=result.rows,
        columns=described,
    )
    # The codes as the check read them: reading them back from the stored file cost a new
    # engine and a scan.
    cover_regions(version, result.region_codes)
    Dataset.objects.filter(pk=dataset.pk).update(
        mapping=upload.mapping,
        unpivot=upload.unpivot,
        key_columns=[c["name"] for c in described if c["source_column"] in upload.key_columns],
    )
    _store_result(upload, UploadStatus.SYNCHRONISED, result)
    # The search index is left alone: it reads the versions out for everyone, and this one is
    # not out until its release (``DatasetVersion.put_out`` indexes it then).
    record(
        "catalog.upload_synchronised",
        actor=actor,
        obj=upload,
        summary=f"{upload.filename} sinkron: versi {number} dari {dataset.title} "
        f"({result.rows} baris)",
    )
    finish_task_of(subject=dataset, step="sinkronisasi", note=f"Versi {number} tersimpan.")
    from satudata.releases.content import content_ready

    content_ready(version)  # activity 3 takes it from here
    return upload


def cover_regions(version: DatasetVersion, written: Iterable[str] | None = None) -> int:
    """Record which regions a version has rows for: the codes in its region columns and every
    region above them, or the regency itself for a table without region codes. ``written``
    gives the codes of the region columns when the caller has them; otherwise they are read
    from the stored version."""
    from satudata.datastore import query as datastore  # it imports this module's models
    from satudata.regions.models import Region

    if written is None:
        written = [
            str(code)
            for column in version.columns
            if column.get("data_type") == DataType.REGION
            for code in datastore.distinct(version, column["name"])
        ]
    codes: set[str] = set()
    for code in written:
        parts = code.split(".")
        codes.update(".".join(parts[:n]) for n in range(1, len(parts) + 1))
    if not codes:
        home = SiteProfile.current().region_code
        codes = {home} if home else set()
    # Straight into the link table, by code, in one statement per 2,000 codes: a
    # province-wide table covers thousands of regions, and a model object for each cost more
    # than its whole check.
    links = DatasetVersion.regions.through
    links.objects.filter(datasetversion=version).delete()
    quote = connection.ops.quote_name
    table, version_column, region_column = (
        quote(links._meta.db_table),
        quote(links._meta.get_field("datasetversion").column),
        quote(links._meta.get_field("region").column),
    )
    regions, region_pk, region_code = (
        quote(Region._meta.db_table),
        quote(Region._meta.pk.column),
        quote(Region._meta.get_field("code").column),
    )
    ordered, found = sorted(codes), 0
    with connection.cursor() as cursor:
        for start in range(0, len(ordered), 2000):
            chunk = ordered[start : start + 2000]
            cursor.execute(
                f"INSERT INTO {table} ({version_column}, {region_column}) "  # noqa: S608
                f"SELECT %s, {region_pk} FROM {regions} "
                f"WHERE {region_code} IN ({', '.join(['%s'] * len(chunk))})",
                [version.pk, *chunk],
            )
            found += cursor.rowcount
    return found


def _store_result(upload: Upload, status: str, result: CheckResult) -> None:
    upload.status = status
    upload.error_count = result.errors
    upload.warning_count = result.warnings
    upload.findings = [_finding_dict(f) for f in result.findings[:1000]]
    upload.progress = {}
    upload.checked_at = timezone.now()
    upload.save()


def _reject(actor: User, upload: Upload, result: CheckResult) -> Upload:
    _store_result(upload, UploadStatus.REJECTED, result)
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
