"""State changes of statistical metadata: writing MS-Keg, MS-Var and MS-Ind, submitting them to
the Pembina Data (BPS), and the review that approves or returns them. Each is one audited
function with its permission check; an edit after approval reopens the record as a draft and
keeps the approved text in the review history."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from satudata.accounts.models import Agency, User
from satudata.accounts.permissions import require, require_for_agency
from satudata.accounts.roles import Capability, Role
from satudata.accounts.services import notify
from satudata.catalog.metadata import variables as msvar
from satudata.catalog.metadata.spec import Checked, Form, Problem, check, get
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
from satudata.core import mail
from satudata.core.audit import diff, record, snapshot
from satudata.core.models import MailKind
from satudata.sop.services import finish_task_of, open_task

Record = Activity | Variable | Indicator
R = TypeVar("R", bound=Activity | Variable | Indicator)

KIND_OF = {
    Activity: MetadataKind.ACTIVITY,
    Variable: MetadataKind.VARIABLE,
    Indicator: MetadataKind.INDICATOR,
}
MODEL_OF = {kind: model for model, kind in KIND_OF.items()}
# The word each kind has in the record's address (catalog/urls.py, the "mskind" converter).
URL_WORD = {
    MetadataKind.ACTIVITY: "kegiatan",
    MetadataKind.VARIABLE: "variabel",
    MetadataKind.INDICATOR: "indikator",
}


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
    linked = {
        name.casefold()
        for variable in indicator.building_variables.all()
        for name in (variable.name, variable.alias)
        if name
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


def _for_change(actor: User, obj: R) -> R:
    """The record locked for a change. A change to a submitted or approved record sends it back
    to draft; what was submitted or approved stays in the review history."""
    obj = _locked(obj)
    if obj.review_status in (ReviewStatus.SUBMITTED, ReviewStatus.APPROVED):
        MetadataReview.objects.create(
            kind=kind_of(obj),
            object_id=obj.pk,
            decision=ReviewDecision.REOPENED,
            answers=indah_data(obj),
            actor=actor,
        )
        obj.review_status = ReviewStatus.DRAFT
        _close_review_task(obj, _("Changed before the review: back to draft."))
    return obj


def _readable(form: Form, answers: Mapping[str, Any]) -> Checked:
    """The answers read through ``form``; any unreadable one raises and nothing is saved."""
    checked = check(form, answers)
    if checked.problems:
        raise MetadataInvalid(checked.problems)
    return checked


def _refuse_duplicate(found: Any, current: Record | None, problem: Problem) -> None:
    """One record per name (or title and year) in an agency: ``found`` are the records so
    named, ``current`` the one being changed."""
    if current is not None and current.pk is not None:
        found = found.exclude(pk=current.pk)
    if found.exists():
        raise MetadataInvalid([problem])


def _link_items(obj: Activity | Indicator, items: Iterable[DataItem] | None) -> dict[str, Any]:
    """Link the Daftar Data items the record describes; what changed, for the audit row."""
    if items is None:
        return {}
    field = "activity" if isinstance(obj, Activity) else "indicator"
    chosen = {i.pk for i in items if i.agency_id == obj.agency_id}
    DataItem.objects.filter(**{field: obj}).exclude(pk__in=chosen).update(**{field: None})
    DataItem.objects.filter(pk__in=chosen).update(**{field: obj})
    return {"items": sorted(chosen)}


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
    checked = _readable(MS_KEG, answers)
    clean = checked.answers
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
    _refuse_duplicate(
        Activity.objects.filter(agency=agency, title=title[:300], year=year),
        activity,
        Problem(
            "judul_kegiatan",
            "",
            "Judul kegiatan",
            _("This agency already has an activity with this title and year."),
        ),
    )
    created = activity is None
    obj = Activity(agency=agency) if activity is None else _for_change(actor, activity)
    before = snapshot(obj, ["title", "year", "code", "completeness"])
    obj.title, obj.year, obj.answers = title[:300], year, clean
    if code is not None:
        obj.code = code.strip()[:40]
    obj.completeness = checked.completeness
    obj.save()
    linked = _link_items(obj, items)
    _audit_save(actor, obj, created, before, ["title", "year", "code", "completeness"], linked)
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
    checked = _readable(MS_IND, answers)
    clean = checked.answers
    name = (clean.get("nama") or "")[:300]
    if not name:
        raise MetadataInvalid([Problem("nama", "1", "Nama indikator", _("Required."))])
    _refuse_duplicate(
        Indicator.objects.filter(agency=agency, name=name),
        indicator,
        Problem(
            "nama", "1", "Nama indikator", _("This agency already has an indicator with this name.")
        ),
    )
    if activity is not None and activity.agency_id != agency.pk:
        activity = None
    created = indicator is None
    obj = Indicator(agency=agency) if indicator is None else _for_change(actor, indicator)
    before = snapshot(obj, ["name", "activity", "completeness"])
    obj.name, obj.answers, obj.activity = name, clean, activity
    obj.completeness = checked.completeness
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
    linked = _link_items(obj, items)
    _audit_save(actor, obj, created, before, ["name", "activity", "completeness"], linked)
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
    from satudata.catalog.sinkronisasi.rules import RuleError, compile_rules

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
    _refuse_duplicate(
        Variable.objects.filter(agency=agency, name=name),
        variable,
        Problem(
            "nama", "1", "Nama variabel", _("This agency already has a variable with this name.")
        ),
    )
    created = variable is None or variable.pk is None
    obj = Variable(agency=agency) if variable is None else variable
    fields = [
        "name",
        "alias",
        "header_spellings",
        "data_type",
        "unit",
        "rules",
        "is_public",
        "activity",
    ]
    if not created:
        obj = _for_change(actor, obj)
    before = snapshot(obj, fields) if not created else {}
    for key, value in values.items():
        setattr(obj, key, value)
    obj.agency = agency
    if obj.activity is not None and obj.activity.agency_id != agency.pk:
        obj.activity = None
    obj.completeness = msvar.review_state(obj, has_codes=bool(codes))[0]
    obj.save()
    if created or [(c.code, c.label) for c in obj.codes.all()] != list(codes):
        obj.codes.all().delete()  # the code list is part of this record; its history is audited
        CodeValue.objects.bulk_create(
            [CodeValue(variable=obj, code=code, label=label) for code, label in codes]
        )
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
    changes = diff(before, snapshot(obj, fields))
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


def _locked(obj: R) -> R:
    return type(obj).objects.select_for_update().get(pk=obj.pk)


def _close_review_task(obj: Record, note: str) -> None:
    finish_task_of(subject=obj, step="sinkronisasi", note=note)


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
        mail.send(reviewers, subject, body, kind=MailKind.REVIEW)
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
    members = list(User.objects.filter(agencies=obj.agency, is_active=True))
    recipients = [obj.agency.email] if obj.agency.email else []
    recipients += [person.email for person in members if person.email]
    subject = f"{kind.label} {verdict}: {obj}"
    body = f'{kind.label} "{obj}" {verdict} oleh Pembina Data.\n\n{comment}'.strip()
    if recipients:
        mail.send(recipients, subject, body, kind=MailKind.REVIEW)
    # The same news in the agency's in-app inboxes (the e-mail above already went out).
    url = reverse("catalog:metadata-detail", kwargs={"slug": URL_WORD[kind], "pk": obj.pk})
    notify(members, title=subject, body=body, url=url, email=False)
    return obj


def history(obj: Record) -> list[MetadataReview]:
    return list(
        MetadataReview.objects.filter(kind=kind_of(obj), object_id=obj.pk).select_related("actor")
    )
