"""The dissemination report's pages (staff): the list of reports per period with the form for a
new one, a report with its figures, narrative, files, workflow buttons by role and versions, and
the small JSON its progress bar polls. A refused step answers with its reason on the page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from satudata.accounts.permissions import can, capability_required
from satudata.accounts.roles import Capability
from satudata.products.publication_text import read_markdown
from satudata.releases.models import Release
from satudata.reports import report_services as services
from satudata.reports.forms_report import NarrativeForm, PeriodForm, ReviewForm, SignForm
from satudata.reports.models import NarrativeKey, Report
from satudata.reports.report_pdf import document_data
from satudata.reports.report_periods import parse

MEDIA = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _report(uuid: Any) -> Report:
    return get_object_or_404(Report.objects.select_related("product_version"), uuid=uuid)


def _periods() -> list[dict[str, Any]]:
    periods: dict[str, dict[str, Any]] = {}
    for report in Report.objects.order_by("-start_on", "period_label", "-version"):
        entry = periods.setdefault(
            report.period_label,
            {
                "label": report.period_label,
                "title": parse(report.period_label).title,
                "versions": [],
            },
        )
        entry["versions"].append(report)
    return list(periods.values())


@capability_required(Capability.VIEW_REPORTS)
def report_list(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.generate_report(
                actor=request.user,  # type: ignore[arg-type]
                period=form.cleaned_data["period"],
            )
        except services.ReportRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("The report is being generated; this page shows how far it is.")
            )
            return redirect("laporan:detail", uuid=report.uuid)
    context = {
        "form": form,
        "periods": _periods(),
        "can_compose": can(request.user, Capability.COMPOSE_REPORTS),
    }
    return render(request, "reports/report/list.html", context, status=400 if form.errors else 200)


def _narrative(report: Report) -> list[dict[str, Any]]:
    texts = dict(report.narrative.values_list("key", "text"))
    return [
        {
            "key": key,
            "label": label,
            "html": read_markdown(texts.get(key, ""), str(label)).html,
            "form": NarrativeForm(initial={"text": texts.get(key, "")}, prefix=key),
        }
        for key, label in NarrativeKey.choices
    ]


def _release(report: Report) -> Release | None:
    if report.product_version is None:
        return None
    return Release.objects.for_content(report.product_version).first()


def _cells(table: dict[str, Any]) -> dict[str, Any]:
    """A table's rows as (text, is a number) pairs, for the page to align numbers right."""
    return {
        **table,
        "rows": [list(zip(row, table["numeric"], strict=True)) for row in table["rows"]],
    }


@capability_required(Capability.VIEW_REPORTS)
def report_detail(request: HttpRequest, uuid: Any) -> HttpResponse:
    report = _report(uuid)
    user = request.user
    narrative = {n["key"]: n for n in _narrative(report)}
    data = document_data(report) if report.snapshot else None
    sections = [
        {**s, "narrative": narrative.get(s["key"]), "tables": [_cells(t) for t in s["tables"]]}
        for s in (data["sections"] if data else [])
    ]
    context = {
        "report": report,
        "period_title": parse(report.period_label).title,
        "data": data,
        "sections": sections,
        "versions": Report.objects.of_period(report.period_label).order_by("-version"),
        "release": _release(report),
        "can_compose": can(user, Capability.COMPOSE_REPORTS),
        "can_review": can(user, Capability.REVIEW_REPORTS),
        "can_sign": can(user, Capability.SIGN_REPORTS),
        "can_publish": can(user, Capability.COMPOSE_REPORTS)
        and can(user, Capability.MANAGE_RELEASES),
        "publish_problem": services.publish_problem(report),
        "review_form": ReviewForm(),
        "sign_form": SignForm(initial=services.walidata_head()),
        "running": report.generation in ("menunggu", "berjalan"),
    }
    return render(request, "reports/report/detail.html", context)


@capability_required(Capability.VIEW_REPORTS)
def report_status(request: HttpRequest, uuid: Any) -> JsonResponse:
    report = _report(uuid)
    return JsonResponse(
        {
            "status": report.generation,
            "status_text": str(report.get_generation_display()),  # type: ignore[attr-defined]
            "progress": report.progress,
            "step": report.progress_text,
            "error": report.generation_error,
            "state": report.state,
        }
    )


@capability_required(Capability.VIEW_REPORTS)  # type: ignore[type-var]
def report_file(request: HttpRequest, uuid: Any, fmt: str) -> HttpResponseBase:
    """A file of a version, for the staff (the public reads the published one through the
    product's page, under the one gate)."""
    report = _report(uuid)
    field = report.file_for(fmt)
    if not field:
        raise Http404(_("This version has no file in this format yet."))
    try:
        handle = default_storage.open(field.name, "rb")
    except FileNotFoundError:
        raise Http404(_("This file cannot be found; tell the administrator.")) from None
    name = f"laporan-diseminasi-{report.period_label}-v{report.version}.{fmt}"
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=MEDIA[fmt])
    response["Cache-Control"] = "private, no-store"
    return response


def _done(request: HttpRequest, report: Report, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("laporan:detail", uuid=report.uuid)


def _refused(request: HttpRequest, report: Report, error: Exception) -> HttpResponse:
    messages.error(request, str(error))
    return redirect("laporan:detail", uuid=report.uuid)


@require_POST
@capability_required(Capability.COMPOSE_REPORTS)
def regenerate(request: HttpRequest, uuid: Any) -> HttpResponse:
    report = _report(uuid)
    try:
        new = services.generate_report(actor=request.user, period=parse(report.period_label))  # type: ignore[arg-type]
    except services.ReportRefused as error:
        return _refused(request, report, error)
    return _done(request, new, _("A new version is being generated; the earlier ones are kept."))


@require_POST
@capability_required(Capability.COMPOSE_REPORTS)
def narrative(request: HttpRequest, uuid: Any, key: str) -> HttpResponse:
    report = _report(uuid)
    form = NarrativeForm(request.POST, prefix=key)
    if not form.is_valid():
        return _refused(
            request, report, ValueError(" ".join(str(e) for e in form.errors.get("text", [])))
        )
    try:
        services.edit_narrative(
            actor=request.user,  # type: ignore[arg-type]
            report=report,
            key=key,
            text=form.cleaned_data["text"],
        )
    except services.ReportRefused as error:
        return _refused(request, report, error)
    return _done(request, report, _("The text was saved; the files are being made again."))


@require_POST
@capability_required(Capability.COMPOSE_REPORTS)
def submit(request: HttpRequest, uuid: Any) -> HttpResponse:
    report = _report(uuid)
    try:
        services.submit_report(actor=request.user, report=report)  # type: ignore[arg-type]
    except services.ReportRefused as error:
        return _refused(request, report, error)
    return _done(request, report, _("The report was sent to the Kepala Bidang for review."))


@require_POST
@capability_required(Capability.REVIEW_REPORTS)
def review(request: HttpRequest, uuid: Any) -> HttpResponse:
    report = _report(uuid)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        errors = [str(e) for field in form.errors.values() for e in field]
        return _refused(request, report, ValueError(" ".join(errors)))
    approve = form.cleaned_data["decision"] == "setuju"
    try:
        services.review_report(
            actor=request.user,  # type: ignore[arg-type]
            report=report,
            approve=approve,
            note=form.cleaned_data["note"],
        )
    except services.ReportRefused as error:
        return _refused(request, report, error)
    return _done(
        request,
        report,
        _("Approved: the Kepala Dinas can sign it.")
        if approve
        else _("Returned to the Walidata with your note."),
    )


@require_POST
@capability_required(Capability.SIGN_REPORTS)
def sign(request: HttpRequest, uuid: Any) -> HttpResponse:
    report = _report(uuid)
    form = SignForm(request.POST)
    if not form.is_valid():
        errors = [
            f"{form.fields[name].label}: {e}" if name in form.fields else str(e)
            for name, field in form.errors.items()
            for e in field
        ]
        return _refused(request, report, ValueError(" ".join(errors)))
    try:
        services.sign_report(actor=request.user, report=report, **form.cleaned_data)  # type: ignore[arg-type]
    except services.ReportRefused as error:
        return _refused(request, report, error)
    return _done(
        request,
        report,
        _("Signed. The PDF and DOCX are being made again with the signature block."),
    )


@require_POST
@capability_required(Capability.COMPOSE_REPORTS)
def publish(request: HttpRequest, uuid: Any) -> HttpResponse:
    report = _report(uuid)
    try:
        services.publish_report(actor=request.user, report=report)  # type: ignore[arg-type]
    except services.ReportRefused as error:
        return _refused(request, report, error)
    return _done(
        request,
        report,
        _("The report was submitted to the Kepala Bidang for release on the portal."),
    )
