"""The dissemination report's workflow (SOP activity 6): every step one atomic, audited service.

generate (Walidata) → submit → review: approve or return with a note (Kepala Bidang) → sign
(Kepala Dinas: name, NIP, date) → publish, which hands the signed PDF and XLSX to the release
workflow as a version of the "Laporan Diseminasi" publication product, so the report reaches the
calendar, the Daftar Produk and the portal through the one visibility gate, once the Kepala
Bidang releases it there. Each step moves the report with one conditional UPDATE, so two people
acting at once cannot both win.

Regenerating makes a new version (the figures frozen again from today's data) and never touches
the old one; when an older version is waiting for review, the Kepala Bidang is told. The
activity-6 SOP task of a period opens with its first version and finishes when a version is
signed: the SOP's output ("Laporan") exists then; publication is activity 3's work.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from satudata.accounts.models import Agency, User, nip_validator
from satudata.accounts.permissions import require
from satudata.accounts.roles import Capability, Role
from satudata.accounts.services import notify
from satudata.core.audit import record
from satudata.products.models import (
    Generation,
    Product,
    ProductFile,
    ProductKind,
    ProductVersion,
)
from satudata.releases.content import kind_for
from satudata.releases.services import prepare_release, submit_release
from satudata.releases.services.common import ReleaseRefused
from satudata.reports.models import (
    NarrativeKey,
    NarrativeSection,
    Report,
    ReportState,
)
from satudata.reports.models.report import EDITABLE_STATES
from satudata.reports.report_periods import Period
from satudata.sop.services import finish_task_of, note_on_task, open_task

if TYPE_CHECKING:
    from satudata.releases.models import Release

STEP = "laporan"
MAX_TEXT = 20_000


class ReportRefused(Exception):
    """The step cannot be taken; the message says why and what to do."""


def _url(report: Report) -> str:
    return reverse("laporan:detail", args=[report.uuid])


def _people(role: Role) -> list[User]:
    return list(User.objects.filter(role=role, is_active=True))


def _first_of(label: str) -> Report | None:
    return Report.objects.of_period(label).order_by("version").first()


def _move(report: Report, allowed: set[str], refusal: str, **values: Any) -> Report:
    """Move ``report`` out of one of the ``allowed`` states, or refuse saying its state now."""
    moved = Report.objects.filter(pk=report.pk, state__in=list(allowed)).update(**values)
    current = Report.objects.get(pk=report.pk)
    if not moved:
        raise ReportRefused(
            refusal % {"state": str(current.get_state_display()).lower()}  # type: ignore[attr-defined]
        )
    return current


def start_generation(report: Report) -> None:
    """Have the worker make (or remake) the report's files once the transaction commits."""
    from satudata.reports.report_tasks import generate_report_files

    Report.objects.filter(pk=report.pk).update(
        generation=Generation.WAITING, progress=0, progress_text="", generation_error=""
    )
    report_id = report.pk
    transaction.on_commit(lambda: generate_report_files.enqueue(report_id))


# --- Generate -----------------------------------------------------------------------------------


def _copy_narrative(previous: Report | None, report: Report, actor: User) -> None:
    if previous is None:
        return
    NarrativeSection.objects.bulk_create(
        NarrativeSection(report=report, key=n.key, text=n.text, updated_by=n.updated_by)
        for n in previous.narrative.all()
    )


def _tell_reviewers(actor: User, waiting: list[Report], report: Report) -> None:
    """A version is waiting for review while a new one is generated: the review is of figures
    that are no longer the newest, so the Kepala Bidang hears of the new version."""
    for old in waiting:
        note_on_task(
            actor=actor,
            subject=_first_of(old.period_label) or old,
            step=STEP,
            note=f"Versi {report.version} dibuat saat versi {old.version} menunggu tinjauan.",
        )
    notify(
        _people(Role.KEPALA_BIDANG),
        title=_(
            "A new version (%(new)s) of the dissemination report %(period)s was generated while "
            "version %(old)s waits for your review"
        )
        % {
            "new": report.version,
            "period": report.period_label,
            "old": ", ".join(str(o.version) for o in waiting),
        },
        body=_("Version %(old)s is unchanged; you may review it or wait for the new one.")
        % {"old": ", ".join(str(o.version) for o in waiting)},
        url=_url(report),
    )


@transaction.atomic
def generate_report(*, actor: User, period: Period) -> Report:
    """A new version of the period's report, its figures and files made by the worker."""
    require(actor, Capability.COMPOSE_REPORTS)
    previous = Report.objects.of_period(period.label).select_for_update().order_by("-version")
    latest = previous.first()
    number = (Report.objects.of_period(period.label).aggregate(n=Max("version"))["n"] or 0) + 1
    try:
        with transaction.atomic():
            report = Report.objects.create(
                period_kind=period.kind,
                period_label=period.label,
                start_on=period.start,
                end_on=period.end,
                version=number,
                created_by=actor,
            )
    except IntegrityError as error:  # someone generated the same version number just now
        raise ReportRefused(
            _("Someone generated a version of this report at the same moment; open the list.")
        ) from error
    _copy_narrative(latest, report, actor)
    record(
        "reports.generated",
        actor=actor,
        obj=report,
        summary=f"Laporan diseminasi {period.label} versi {number} dibuat",
        changes={"previous": [None, latest.version if latest else None]},
    )
    first = _first_of(period.label) or report
    open_task(actor=actor, step=STEP, title=f"Laporan diseminasi {period.title}", subject=first)
    waiting = list(Report.objects.of_period(period.label).in_review().exclude(pk=report.pk))
    if waiting:
        _tell_reviewers(actor, waiting, report)
    start_generation(report)
    return report


# --- Narrative ----------------------------------------------------------------------------------


@transaction.atomic
def edit_narrative(*, actor: User, report: Report, key: str, text: str) -> NarrativeSection:
    """Write one section's text (kept as typed; rendered sanitised). Only a draft or a returned
    version takes it; the files are made again from the same frozen figures."""
    require(actor, Capability.COMPOSE_REPORTS)
    if key not in NarrativeKey.values:
        raise ReportRefused(_("This report has no section with that name."))
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if locked.state not in EDITABLE_STATES:
        raise ReportRefused(
            _("The text cannot be changed: this version is %(state)s. Generate a new version.")
            % {"state": str(locked.get_state_display()).lower()}  # type: ignore[attr-defined]
        )
    text = text.replace("\r\n", "\n").strip()
    if len(text) > MAX_TEXT:
        raise ReportRefused(
            _("The text is too long: at most %(n)s characters.")
            % {"n": f"{MAX_TEXT:,}".replace(",", ".")}
        )
    section, _created = NarrativeSection.objects.get_or_create(report=locked, key=key)
    before = section.text
    section.text, section.updated_by, section.updated_at = text, actor, timezone.now()
    section.save()
    record(
        "reports.narrative_edited",
        actor=actor,
        obj=locked,
        summary=f"Narasi {key} {locked} diubah",
        changes={"text": [before[:500], text[:500]]},
    )
    start_generation(locked)
    return section


# --- Review --------------------------------------------------------------------------------------


@transaction.atomic
def submit_report(*, actor: User, report: Report) -> Report:
    """The Walidata asks the Kepala Bidang to review the version."""
    require(actor, Capability.COMPOSE_REPORTS)
    if Report.objects.get(pk=report.pk).generation != Generation.DONE:
        raise ReportRefused(_("Wait until the files are made before submitting the report."))
    report = _move(
        report,
        set(EDITABLE_STATES),
        _("This report cannot be submitted: it is %(state)s."),
        state=ReportState.SUBMITTED,
        submitted_by=actor,
        submitted_at=timezone.now(),
    )
    record(
        "reports.submitted", actor=actor, obj=report, summary=f"{report} diajukan untuk ditinjau"
    )
    note_on_task(
        actor=actor,
        subject=_first_of(report.period_label) or report,
        step=STEP,
        note=f"Versi {report.version} diajukan untuk ditinjau.",
    )
    notify(
        _people(Role.KEPALA_BIDANG),
        title=_("Dissemination report %(period)s (version %(n)s) waits for your review")
        % {"period": report.period_label, "n": report.version},
        url=_url(report),
    )
    return report


@transaction.atomic
def review_report(*, actor: User, report: Report, approve: bool, note: str = "") -> Report:
    """The Kepala Bidang approves the version, or returns it with a note saying what to change."""
    require(actor, Capability.REVIEW_REPORTS)
    note = note.strip()[:4000]
    if not approve and not note:
        raise ReportRefused(_("Say what should change: the note goes back to the Walidata."))
    report = _move(
        report,
        {ReportState.SUBMITTED},
        _("This report cannot be reviewed: it is %(state)s."),
        state=ReportState.REVIEWED if approve else ReportState.RETURNED,
        reviewed_by=actor,
        reviewed_at=timezone.now(),
        review_note=note,
    )
    verb = "disetujui" if approve else "dikembalikan"
    record(
        "reports.reviewed",
        actor=actor,
        obj=report,
        summary=f"{report} {verb}",
        changes={"approved": [None, approve], "note": [None, note]},
    )
    who = [report.submitted_by] if report.submitted_by else []
    people = _people(Role.KEPALA_DINAS) if approve else who
    title = (
        _("Dissemination report %(period)s (version %(n)s) is ready to sign")
        if approve
        else _("Dissemination report %(period)s (version %(n)s) was returned")
    )
    notify(
        people,
        title=title % {"period": report.period_label, "n": report.version},
        body=note,
        url=_url(report),
    )
    return report


# --- Sign ---------------------------------------------------------------------------------------


def walidata_head() -> dict[str, str]:
    """The signature block's prefill: the Walidata agency's head."""
    agency = Agency.objects.filter(is_walidata=True).first()
    if agency is None:
        return {"name": "", "nip": "", "title": ""}
    return {"name": agency.head_name, "nip": agency.head_nip, "title": agency.head_title}


def _check_signer(name: str, nip: str, title: str) -> None:
    if not name.strip() or not title.strip():
        raise ReportRefused(
            _("Write the signer's name and title as the signature block shows them.")
        )
    try:
        nip_validator(nip)
    except ValidationError as error:
        raise ReportRefused(" ".join(str(m) for m in error.messages)) from error


@transaction.atomic
def sign_report(
    *, actor: User, report: Report, name: str, nip: str, title: str, signed_on: dt.date
) -> Report:
    """The Kepala Dinas signs a reviewed version: the signature block is filled, the PDF and DOCX
    made again from the same frozen figures, older versions of the period superseded, and the
    period's SOP task finished."""
    require(actor, Capability.SIGN_REPORTS)
    nip = nip.replace(" ", "").strip()
    _check_signer(name, nip, title)
    report = _move(
        report,
        {ReportState.REVIEWED},
        _(
            "This report cannot be signed: it is %(state)s. Only a version the Kepala Bidang has "
            "reviewed can be signed."
        ),
        state=ReportState.SIGNED,
        signed_by=actor,
        signed_at=timezone.now(),
        signer_name=name.strip()[:200],
        signer_nip=nip,
        signer_title=title.strip()[:200],
        signed_on=signed_on,
    )
    older = Report.objects.of_period(report.period_label).filter(version__lt=report.version)
    superseded = list(older.exclude(state=ReportState.SUPERSEDED).values_list("version", flat=True))
    older.update(state=ReportState.SUPERSEDED)
    record(
        "reports.signed",
        actor=actor,
        obj=report,
        summary=f"{report} ditandatangani",
        changes={
            "signer": [None, f"{report.signer_name} ({nip})"],
            "superseded": [None, superseded],
        },
    )
    finish_task_of(
        subject=_first_of(report.period_label) or report,
        step=STEP,
        note=f"Versi {report.version} ditandatangani oleh {report.signer_name}.",
    )
    start_generation(report)
    notify(
        [report.submitted_by] if report.submitted_by else [],
        title=_("Dissemination report %(period)s (version %(n)s) was signed")
        % {"period": report.period_label, "n": report.version},
        url=_url(report),
    )
    return report


# --- Publish ------------------------------------------------------------------------------------


def _product(actor: User, agency: Agency, sample: bool) -> Product:
    """The one publication the reports are versions of; made with the first one published (its
    title says "data contoh" when that report holds sample data, as every demo product's)."""
    slug = "laporan-diseminasi"
    product = Product.objects.filter(slug=slug).first()
    if product is None:
        product = Product.objects.create(
            slug=slug,
            kind=ProductKind.PUBLICATION,
            title="Laporan Diseminasi" + (" (data contoh)" if sample else ""),
            title_en="Dissemination Report",
            description="Laporan berkala penyebarluasan data (kegiatan 6 SOP).",
            agency=agency,
            created_by=actor,
        )
        record("products.created", actor=actor, obj=product, summary="Produk Laporan Diseminasi")
    return product


def _version(actor: User, product: Product, report: Report) -> ProductVersion:
    number = (product.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ProductVersion.objects.create(
        product=product,
        number=number,
        spec={"chapters": [], "report": str(report.uuid), "period": report.period_label},
        change_note=f"Laporan diseminasi {report.period_label} versi {report.version}",
        created_by=actor,
        generation=Generation.DONE,
        progress=100,
        generated_at=timezone.now(),
    )
    name = f"laporan-diseminasi-{report.period_label}-v{report.version}"
    ProductFile.objects.bulk_create(
        ProductFile(
            version=version,
            format=fmt,
            name=f"{name}.{fmt}",
            path=field.name,
            sha256=digest,
            size=field.size,
        )
        for fmt, field, digest in (
            ("pdf", report.pdf, report.pdf_sha256),
            ("xlsx", report.xlsx, report.xlsx_sha256),
        )
    )
    return version


def publish_problem(report: Report) -> str:
    """Why the report may not be published now (empty when it may)."""
    if report.state == ReportState.PUBLISHED:
        return str(_("This report was already handed to the release workflow."))
    if report.state != ReportState.SIGNED:
        return str(
            _(
                "Only a signed report can be published: this one is %(state)s. It must be reviewed "
                "by the Kepala Bidang and signed by the Kepala Dinas first."
            )
            % {"state": str(report.get_state_display()).lower()}  # type: ignore[attr-defined]
        )
    if report.generation != Generation.DONE or not report.pdf:
        return str(_("The signed files are still being made; publish when they are ready."))
    return ""


@transaction.atomic
def publish_report(*, actor: User, report: Report) -> Release:
    """Hand the signed report (PDF and XLSX) to the release workflow as a new version of the
    "Laporan Diseminasi" publication, submitted to the Kepala Bidang for release."""
    require(actor, Capability.COMPOSE_REPORTS)
    require(actor, Capability.MANAGE_RELEASES)
    report = Report.objects.select_for_update().get(pk=report.pk)
    problem = publish_problem(report)
    if problem:
        raise ReportRefused(problem)
    agency = Agency.objects.filter(is_walidata=True).first()
    if agency is None:
        raise ReportRefused(_("No agency is marked as the Walidata; tell the administrator."))
    version = _version(actor, _product(actor, agency, report.is_sample), report)
    try:
        release = prepare_release(actor=actor, content=version, kind=kind_for(version))
        release = submit_release(actor=actor, release=release, note=str(report))
    except ReleaseRefused as error:
        raise ReportRefused(str(error)) from error
    Report.objects.filter(pk=report.pk).update(
        state=ReportState.PUBLISHED,
        published_by=actor,
        published_at=timezone.now(),
        product_version=version,
    )
    record(
        "reports.published",
        actor=actor,
        obj=report,
        summary=f"{report} diserahkan ke alur rilis",
        changes={"release": [None, str(release.uuid)]},
    )
    return release
