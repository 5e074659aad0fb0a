"""State changes of statistical metadata: writing MS-Keg, MS-Var and MS-Ind, submitting them to
the Pembina Data (BPS), and the review that approves or returns them. Each is one audited
function with its permission check; an edit after approval reopens the record as a draft and
keeps the approved text in the review history."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satudata.accounts.models import Agency, User
from satudata.accounts.permissions import require, require_for_agency
from satudata.accounts.roles import Capability, Role
from satudata.catalog.metadata import variables as msvar
from satudata.catalog.metadata.spec import Checked, Problem, check, get
from satudata.catalog.metadata.standard import MS_IND, MS_KEG
from satudata.catalog.models import (
    Activity,
    CodeValue,
    DataItem,
    DataType,
    Indicator,
    MetadataKind,
    MetadataReview,
    ReviewDecision,
    ReviewStatus,
    Variable,
)
from satudata.core.audit import record, snapshot
from satudata.sop.models import SopTask
from satudata.sop.services import complete_task, open_task

logger = logging.getLogger(__name__)
Record = Activity | Variable | Indicator

KIND_OF = {
    Activity: MetadataKind.ACTIVITY,
    Variable: MetadataKind.VARIABLE,
    Indicator: MetadataKind.INDICATOR,
}
MODEL_OF = {kind: model for model, kind in KIND_OF.items()}


class MetadataInvalid(Exception):
    """Answers that cannot be read; nothing was saved."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


class MetadataIncomplete(MetadataInvalid):
    """The record cannot be submitted yet: required answers are missing or inconsistent."""


class ReviewConflict(Exception):
    """The record is not in a state that allows this step (e.g. someone else decided first)."""


def kind_of(obj: Record) -> MetadataKind:
    return KIND_OF[type(obj)]


def indah_data(obj: Record) -> dict[str, Any]:
    """The record's answers in INDAH v2 keys (MS-Var from its columns)."""
    return msvar.to_indah(obj) if isinstance(obj, Variable) else dict(obj.answers)


def _unmatched_building_variables(indicator: Indicator) -> list[Problem]:
    linked = {v.name.casefold() for v in indicator.building_variables.all()} | {
        v.alias.casefold() for v in indicator.building_variables.all() if v.alias
    }
    return [
        Problem(
            "variabel_pembangun",
            "14",
            "Nama variabel pembangun",
            _("%(name)r has no MS-Var of this agency yet; write its MS-Var first.")
            % {"name": row["nama"]},
        )
        for row in indicator.answers.get("variabel_pembangun") or []
        if row.get("nama") and row["nama"].casefold() not in linked
    ]


def review_state(obj: Record) -> tuple[int, list[Problem]]:
    """Completeness in percent and what must be fixed before the record can be submitted."""
    if isinstance(obj, Variable):
        return msvar.review_state(obj)
    checked = check(MS_KEG if isinstance(obj, Activity) else MS_IND, obj.answers)
    blocking = checked.blocking
    if isinstance(obj, Indicator) and obj.pk is not None:
        blocking = blocking + _unmatched_building_variables(obj)
    return checked.completeness, blocking


def _reopen_if_decided(actor: User, obj: Record, before: Mapping[str, Any]) -> None:
    """A change to a submitted or approved record sends it back to draft; what was submitted or
    approved stays in the review history."""
    if obj.review_status in (ReviewStatus.SUBMITTED, ReviewStatus.APPROVED):
        MetadataReview.objects.create(
            kind=kind_of(obj),
            object_id=obj.pk,
            decision=ReviewDecision.REOPENED,
            answers=dict(before),
            actor=actor,
        )
        obj.review_status = ReviewStatus.DRAFT
        _close_review_task(obj, _("Changed before the review: back to draft."))


def _checked(form_checked: Checked) -> dict[str, Any]:
    if form_checked.problems:
        raise MetadataInvalid(form_checked.problems)
    return form_checked.answers


def _link_items(obj: Activity | Indicator, items: Iterable[DataItem] | None) -> None:
    if items is None:
        return
    field = "activity" if isinstance(obj, Activity) else "indicator"
    chosen = {i.pk for i in items if i.agency_id == obj.agency_id}
    DataItem.objects.filter(**{field: obj}).exclude(pk__in=chosen).update(**{field: None})
    DataItem.objects.filter(pk__in=chosen).update(**{field: obj})


@transaction.atomic
def save_activity(
    *,
    actor: User,
    agency: Agency,
    answers: Mapping[str, Any],
    activity: Activity | None = None,
    code: str | None = None,
    items: Iterable[DataItem] | None = None,
) -> Activity:
    """Create or change an MS-Keg. Malformed answers raise ``MetadataInvalid`` and save nothing;
    empty required answers are allowed in a draft and counted in its completeness."""
    require(actor, Capability.EDIT_METADATA)
    require_for_agency(actor, agency)
    clean = _checked(check(MS_KEG, answers))
    title, year = clean.get("judul_kegiatan") or "", clean.get("tahun")
    if not title or not year:
        raise MetadataInvalid(
            [
                Problem(
                    "judul_kegiatan",
                    "",
                    "Judul kegiatan dan tahun",
                    _("An activity needs its title and year before it can be saved."),
                )
            ]
        )
    duplicate = Activity.objects.filter(agency=agency, title=title[:300], year=year)
    if activity is not None:
        duplicate = duplicate.exclude(pk=activity.pk)
    if duplicate.exists():
        raise MetadataInvalid(
            [
                Problem(
                    "judul_kegiatan",
                    "",
                    "Judul kegiatan",
                    _("This agency already has an activity with this title and year."),
                )
            ]
        )
    created = activity is None
    obj = activity or Activity(agency=agency)
    if not created:
        obj = Activity.objects.select_for_update().get(pk=obj.pk)
        _reopen_if_decided(actor, obj, obj.answers)
    before = snapshot(obj, ["title", "year", "code", "completeness"])
    obj.title, obj.year, obj.answers = title[:300], year, clean
    if code is not None:
        obj.code = code.strip()[:40]
    obj.completeness = check(MS_KEG, clean).completeness
    obj.save()
    _link_items(obj, items)
    _audit_save(actor, obj, created, before, ["title", "year", "code", "completeness"])
    return obj


@transaction.atomic
def save_indicator(
    *,
    actor: User,
    agency: Agency,
    answers: Mapping[str, Any],
    indicator: Indicator | None = None,
    activity: Activity | None = None,
    items: Iterable[DataItem] | None = None,
) -> Indicator:
    """Create or change an MS-Ind; its building variables are linked to the agency's MS-Var by
    name or alias, so uploads can be checked for them."""
    require(actor, Capability.EDIT_METADATA)
    require_for_agency(actor, agency)
    clean = _checked(check(MS_IND, answers))
    name = (clean.get("nama") or "")[:300]
    if not name:
        raise MetadataInvalid([Problem("nama", "1", "Nama indikator", _("Required."))])
    duplicate = Indicator.objects.filter(agency=agency, name=name)
    if indicator is not None:
        duplicate = duplicate.exclude(pk=indicator.pk)
    if duplicate.exists():
        raise MetadataInvalid(
            [
                Problem(
                    "nama",
                    "1",
                    "Nama indikator",
                    _("This agency already has an indicator with this name."),
                )
            ]
        )
    if activity is not None and activity.agency_id != agency.pk:
        activity = None
    created = indicator is None
    obj = indicator or Indicator(agency=agency)
    if not created:
        obj = Indicator.objects.select_for_update().get(pk=obj.pk)
        _reopen_if_decided(actor, obj, obj.answers)
    before = snapshot(obj, ["name", "activity", "completeness"])
    obj.name, obj.answers, obj.activity = name, clean, activity
    obj.completeness = check(MS_IND, clean).completeness
    obj.save()
    wanted = {
        (row.get("nama") or "").casefold() for row in clean.get("variabel_pembangun") or []
    } - {""}
    obj.building_variables.set(
        [
            v
            for v in Variable.objects.filter(agency=agency)
            if v.name.casefold() in wanted or (v.alias and v.alias.casefold() in wanted)
        ]
    )
    _link_items(obj, items)
    _audit_save(actor, obj, created, before, ["name", "activity", "completeness"])
    return obj


@transaction.atomic
def save_variable(
    *,
    actor: User,
    agency: Agency,
    values: Mapping[str, Any],
    codes: list[tuple[str, str]],
    variable: Variable | None = None,
) -> Variable:
    """Create or change an MS-Var with its code list (klasifikasi isian). ``values`` are model
    fields; rules are checked as the upload check will compile them."""
    require(actor, Capability.EDIT_METADATA)
    require_for_agency(actor, agency)
    from satudata.catalog.rules import RuleError, compile_rules

    try:
        compile_rules(list(values.get("rules", [])))
    except RuleError as error:
        raise MetadataInvalid(
            [Problem("aturan_validasi", "11", "Aturan validasi", str(error))]
        ) from None
    current = variable.name if variable is not None else ""
    name = str(values.get("name", current)).strip()
    if not name:
        raise MetadataInvalid([Problem("nama", "1", "Nama variabel", _("Required."))])
    duplicate = Variable.objects.filter(agency=agency, name=name)
    if variable is not None and variable.pk is not None:
        duplicate = duplicate.exclude(pk=variable.pk)
    if duplicate.exists():
        raise MetadataInvalid(
            [
                Problem(
                    "nama",
                    "1",
                    "Nama variabel",
                    _("This agency already has a variable with this name."),
                )
            ]
        )
    created = variable is None or variable.pk is None
    obj = variable if variable is not None else Variable(agency=agency)
    fields = ["name", "alias", "data_type", "unit", "rules", "is_public", "activity"]
    if not created:
        obj = Variable.objects.select_for_update().get(pk=obj.pk)
        _reopen_if_decided(actor, obj, msvar.to_indah(obj))
    before = snapshot(obj, fields) if not created else {}
    for key, value in values.items():
        setattr(obj, key, value)
    obj.agency = agency
    if obj.activity is not None and obj.activity.agency_id != agency.pk:
        obj.activity = None
    obj.save()
    if [(c.code, c.label) for c in obj.codes.all()] != list(codes):
        obj.codes.all().delete()  # the code list is part of this record; its history is audited
        CodeValue.objects.bulk_create(
            [CodeValue(variable=obj, code=code, label=label) for code, label in codes]
        )
    obj.completeness = msvar.review_state(obj)[0]
    obj.save(update_fields=["completeness", "review_status"])
    _audit_save(actor, obj, created, before, fields, extra={"codes": codes})
    return obj


def _audit_save(
    actor: User,
    obj: Record,
    created: bool,
    before: Mapping[str, Any],
    fields: list[str],
    extra: Mapping[str, Any] | None = None,
) -> None:
    kind = kind_of(obj)
    after = snapshot(obj, fields)
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    record(
        f"catalog.metadata_{'created' if created else 'changed'}",
        actor=actor,
        obj=obj,
        summary=f"{kind.label} {obj}: {'dibuat' if created else 'diubah'}",
        changes={**changes, **(extra or {})},
    )


@transaction.atomic
def create_variables_from_activity(*, actor: User, activity: Activity) -> int:
    """MS-Var drafts for the variables listed in the activity's 3.4 that have none yet, with
    the concept, definition and time reference already written there."""
    require(actor, Capability.EDIT_METADATA)
    require_for_agency(actor, activity.agency)
    existing = {v.name.casefold() for v in Variable.objects.filter(agency=activity.agency)}
    made = 0
    for row in get(activity.answers, "blok_iii.variabel_yang_dikumpulkan") or []:
        name = (row.get("nama") or "").strip()[:200]
        if not name or name.casefold() in existing:
            continue
        save_variable(
            actor=actor,
            agency=activity.agency,
            values={
                "name": name,
                "concept": row.get("konsep") or "",
                "definition": row.get("definisi") or "",
                "time_reference": (row.get("referensi_waktu") or "")[:200],
                "data_type": DataType.TEXT,
                "activity": activity,
            },
            codes=[],
        )
        existing.add(name.casefold())
        made += 1
    return made


# --- Review --------------------------------------------------------------------------------------


def _locked(obj: Record) -> Record:
    return type(obj).objects.select_for_update().get(pk=obj.pk)


def _close_review_task(obj: Record, note: str) -> None:
    task = SopTask.objects.open_for(obj, "sinkronisasi").first()
    if task is not None:
        complete_task(actor=None, task=task, note=note)


@transaction.atomic
def submit_for_review(*, actor: User, obj: Record) -> Record:
    """Send a draft (or a returned record) to the Pembina Data. Refused, with every reason, while
    required answers are missing."""
    require(actor, Capability.EDIT_METADATA)
    require_for_agency(actor, obj.agency)
    obj = _locked(obj)
    if obj.review_status not in (ReviewStatus.DRAFT, ReviewStatus.RETURNED):
        raise ReviewConflict(
            _("This record is already %(status)s.") % {"status": obj.get_review_status_display()}
        )
    completeness, blocking = review_state(obj)
    if blocking:
        raise MetadataIncomplete(blocking)
    kind = kind_of(obj)
    obj.review_status, obj.submitted_at, obj.completeness = (
        ReviewStatus.SUBMITTED,
        timezone.now(),
        completeness,
    )
    obj.save(update_fields=["review_status", "submitted_at", "completeness"])
    MetadataReview.objects.create(
        kind=kind,
        object_id=obj.pk,
        decision=ReviewDecision.SUBMITTED,
        answers=indah_data(obj),
        actor=actor,
    )
    record(
        "catalog.metadata_submitted",
        actor=actor,
        obj=obj,
        summary=f"{kind.label} {obj} diajukan ke Pembina Data",
    )
    open_task(
        actor=actor,
        step="sinkronisasi",
        title=f"Pemeriksaan {kind.label}: {obj}",
        subject=obj,
        agency=obj.agency,
    )
    reviewers = list(
        User.objects.filter(role=Role.PEMBINA, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if reviewers:
        subject = f"{kind.label} menunggu pemeriksaan: {obj}"
        body = f'{obj.agency.name} mengajukan {kind.label} "{obj}" untuk diperiksa.'
        transaction.on_commit(lambda: _mail(subject, body, reviewers))
    return obj


@transaction.atomic
def review(*, actor: User, obj: Record, approve: bool, comment: str = "") -> Record:
    """The Pembina Data's decision on a submitted record. Returning it needs a comment saying
    what to change. Two reviewers deciding at once: the second gets ``ReviewConflict``."""
    require(actor, Capability.REVIEW_METADATA)
    comment = comment.strip()
    if not approve and not comment:
        raise MetadataInvalid(
            [Problem("comment", "", _("Comment"), _("Say what the agency should change."))]
        )
    obj = _locked(obj)
    if obj.review_status != ReviewStatus.SUBMITTED:
        by = f" ({obj.reviewed_by})" if obj.reviewed_by_id else ""
        raise ReviewConflict(
            _("This record is no longer waiting for review: it is %(status)s%(by)s.")
            % {"status": obj.get_review_status_display(), "by": by}
        )
    kind = kind_of(obj)
    decision = ReviewDecision.APPROVED if approve else ReviewDecision.RETURNED
    obj.review_status = ReviewStatus.APPROVED if approve else ReviewStatus.RETURNED
    obj.reviewed_at, obj.reviewed_by, obj.review_comment = timezone.now(), actor, comment
    obj.save(update_fields=["review_status", "reviewed_at", "reviewed_by", "review_comment"])
    MetadataReview.objects.create(
        kind=kind,
        object_id=obj.pk,
        decision=decision,
        comment=comment,
        answers=indah_data(obj),
        actor=actor,
    )
    verdict = "disetujui" if approve else "dikembalikan"
    record(
        f"catalog.metadata_{decision}",
        actor=actor,
        obj=obj,
        summary=f"{kind.label} {obj} {verdict}",
        changes={"comment": comment},
    )
    _close_review_task(obj, f"{kind.label} {verdict}.")
    recipients = [obj.agency.email] if obj.agency.email else []
    recipients += list(
        User.objects.filter(agencies=obj.agency, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if recipients:
        subject = f"{kind.label} {verdict}: {obj}"
        body = f'{kind.label} "{obj}" {verdict} oleh Pembina Data.\n\n{comment}'.strip()
        transaction.on_commit(lambda: _mail(subject, body, recipients))
    return obj


def _mail(subject: str, body: str, to: list[str]) -> None:
    try:
        send_mail(subject, body, None, sorted(set(to)))
    except OSError:
        logger.exception("Review notice %r could not be sent", subject)


def history(obj: Record) -> list[MetadataReview]:
    return list(
        MetadataReview.objects.filter(kind=kind_of(obj), object_id=obj.pk).select_related("actor")
    )
