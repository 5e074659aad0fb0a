"""Statistical metadata pages: the register, each record's page and form, submission and the
Pembina Data's review, and JSON/XLSX import and export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from satudata.accounts.models import Agency, User
from satudata.accounts.permissions import acts_for_agency, can
from satudata.accounts.roles import Capability
from satudata.catalog.metadata import interchange, services
from satudata.catalog.metadata import variables as msvar
from satudata.catalog.metadata.forms import (
    ActivityCodeForm,
    LinksForm,
    MetadataImportForm,
    ReviewForm,
    VariableForm,
    agencies_for,
    choice_field,
)
from satudata.catalog.metadata.spec import check
from satudata.catalog.metadata.standard import MS_IND, MS_KEG
from satudata.catalog.metadata.web import bind, from_post, readable
from satudata.catalog.models import Activity, Indicator, ReviewStatus, Variable
from satudata.catalog.storage import clean_filename

MODELS: dict[str, Any] = {"kegiatan": Activity, "variabel": Variable, "indikator": Indicator}
SLUG_OF = {model: slug for slug, model in MODELS.items()}


def _filtered(request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
    queryset = queryset.visible_to(request.user).select_related("agency")  # type: ignore[attr-defined]
    if agency := request.GET.get("opd"):
        queryset = queryset.filter(agency__slug=agency)
    if status := request.GET.get("status"):
        queryset = queryset.filter(review_status=status)
    return queryset


def metadata_index(request: HttpRequest) -> HttpResponse:
    """The register of MS-Keg, MS-Var and MS-Ind, with review state and completeness."""
    activities = _filtered(request, Activity.objects.all())
    variables = _filtered(request, Variable.objects.all())
    indicators = _filtered(request, Indicator.objects.all())
    reviewer = can(request.user, Capability.REVIEW_METADATA)
    return render(
        request,
        "catalog/metadata/index.html",
        {
            "activities": activities,
            "variables": variables,
            "indicators": indicators,
            "can_edit": can(request.user, Capability.EDIT_METADATA),
            "reviewer": reviewer,
            "agencies": Agency.objects.active().filter(
                pk__in={
                    *activities.values_list("agency", flat=True),
                    *variables.values_list("agency", flat=True),
                    *indicators.values_list("agency", flat=True),
                }
            ),
            "statuses": ReviewStatus.choices,
            "opd": request.GET.get("opd", ""),
            "status": request.GET.get("status", ""),
            "waiting": sum(
                q.filter(review_status=ReviewStatus.SUBMITTED).count()
                for q in (activities, variables, indicators)
            ),
        },
    )


def _record(request: HttpRequest, slug: str, pk: int) -> Any:
    model = MODELS.get(slug)
    if model is None:
        raise Http404
    return get_object_or_404(model.objects.visible_to(request.user).select_related("agency"), pk=pk)


def _editable(request: HttpRequest, obj: Any) -> bool:
    return can(request.user, Capability.EDIT_METADATA) and acts_for_agency(request.user, obj.agency)


def record_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    obj = _record(request, slug, pk)
    completeness, blocking = services.review_state(obj)
    context: dict[str, Any] = {
        "obj": obj,
        "slug": slug,
        "kind": services.kind_of(obj),
        "completeness": completeness,
        "blocking": blocking,
        "history": services.history(obj),
        "can_edit": _editable(request, obj),
        "can_submit": _editable(request, obj)
        and obj.review_status in (ReviewStatus.DRAFT, ReviewStatus.RETURNED),
        "can_review": can(request.user, Capability.REVIEW_METADATA)
        and obj.review_status == ReviewStatus.SUBMITTED,
        "review_form": ReviewForm(),
    }
    if isinstance(obj, Activity):
        context["sections"] = readable(MS_KEG, obj.answers)
        context["variables"] = obj.variables.visible_to(request.user)
        context["items"] = obj.items.select_related("data_list")
    elif isinstance(obj, Indicator):
        context["sections"] = readable(MS_IND, obj.answers)
        context["building"] = obj.building_variables.all()
        context["items"] = obj.items.select_related("data_list")
    else:
        context["var_rows"] = [
            (number, label, text)
            for (number, label, _key), text in zip(
                msvar.FIELDS, interchange.variable_row(obj), strict=False
            )
        ]
        if obj.region_level:
            # Not an MS-Var field: the level the upload check reads a region column at.
            label = capfirst(Variable._meta.get_field("region_level").verbose_name)
            context["var_rows"].append(("", label, obj.get_region_level_display()))
    return render(request, "catalog/metadata/detail.html", context)


def _agency_from(links: LinksForm, obj: Any) -> Agency | None:
    if obj is not None:
        return obj.agency
    return links.cleaned_data["agency"] if links.is_valid() else None


def _spec_edit(request: HttpRequest, slug: str, pk: int | None) -> HttpResponse:
    """The MS-Keg or MS-Ind form: saved as a draft whatever is missing; only unreadable answers
    stop the save, each shown at its question."""
    user: User = request.user  # type: ignore[assignment]
    model = MODELS[slug]
    form = MS_KEG if model is Activity else MS_IND
    obj = _record(request, slug, pk) if pk is not None else None
    if obj is not None and not _editable(request, obj):
        raise PermissionDenied("catalog.edit_metadata")
    if obj is None and not can(user, Capability.EDIT_METADATA):
        raise PermissionDenied("catalog.edit_metadata")
    initial_items = list(obj.items.all()) if obj is not None else []
    code_form = ActivityCodeForm(request.POST or None, initial={"code": getattr(obj, "code", "")})
    problems: list[Any] = []
    values: Any = obj.answers if obj is not None else {}
    activity_choices = None
    if model is Indicator:
        activity_choices = Activity.objects.filter(
            agency__in=[obj.agency] if obj else agencies_for(user)
        )
    if request.method == "POST":
        links = LinksForm(request.POST, user=user, agency=obj.agency if obj else None)
        values = from_post(form, request.POST)
        agency = _agency_from(links, obj)
        if agency is None or not links.is_valid() or not code_form.is_valid():
            messages.error(request, _("Choose the agency and check the fields marked below."))
        else:
            try:
                if model is Activity:
                    saved: Any = services.save_activity(
                        actor=user,
                        agency=agency,
                        answers=values,
                        activity=obj,
                        code=code_form.cleaned_data["code"],
                        items=links.cleaned_data["items"],
                    )
                else:
                    chosen = request.POST.get("activity")
                    activity = (
                        Activity.objects.filter(agency=agency, pk=chosen).first()
                        if chosen and chosen.isdigit()
                        else None
                    )
                    saved = services.save_indicator(
                        actor=user,
                        agency=agency,
                        answers=values,
                        indicator=obj,
                        activity=activity,
                        items=links.cleaned_data["items"],
                    )
            except services.MetadataInvalid as error:
                problems = error.problems
                messages.error(request, _("Nothing was saved: fix the answers marked below."))
            else:
                messages.success(
                    request,
                    _("Saved as a draft (%(n)s%% complete).") % {"n": saved.completeness},
                )
                return redirect("catalog:metadata-detail", slug=slug, pk=saved.pk)
    else:
        links = LinksForm(
            user=user,
            agency=obj.agency if obj else None,
            initial={"items": [i.pk for i in initial_items]},
        )
    if not problems and obj is not None and request.method != "POST":
        problems = check(form, obj.answers).blocking
    return render(
        request,
        "catalog/metadata/spec_form.html",
        {
            "obj": obj,
            "slug": slug,
            "form_name": form.name,
            "sections": bind(form, values, problems),
            "links": links,
            "code_form": code_form if model is Activity else None,
            "activity_choices": activity_choices,
            "chosen_activity": obj.activity_id if isinstance(obj, Indicator) else None,
        },
    )


@login_required
def record_new(request: HttpRequest, slug: str) -> HttpResponse:
    if slug == "variabel":
        return _variable_edit(request, None)
    if slug not in MODELS:
        raise Http404
    return _spec_edit(request, slug, None)


@login_required
def record_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    if slug == "variabel":
        return _variable_edit(request, pk)
    if slug not in MODELS:
        raise Http404
    return _spec_edit(request, slug, pk)


def _variable_edit(request: HttpRequest, pk: int | None) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    variable = _record(request, "variabel", pk) if pk is not None else None
    if variable is not None and not _editable(request, variable):
        raise PermissionDenied("catalog.edit_metadata")
    if not can(user, Capability.EDIT_METADATA):
        raise PermissionDenied("catalog.edit_metadata")
    links = LinksForm(request.POST or None, user=user, agency=variable.agency if variable else None)
    agency = (
        variable.agency
        if variable
        else (
            links.cleaned_data["agency"] if request.method == "POST" and links.is_valid() else None
        )
    )
    form = VariableForm(
        request.POST or None,
        instance=variable,
        agency=agency or Agency(pk=0),
    )
    if not agency and request.method != "POST":
        choices = choice_field(links, "agency").queryset
        choice_field(form, "activity").queryset = Activity.objects.filter(agency__in=choices)
    if request.method == "POST" and agency is not None and form.is_valid():
        try:
            saved = services.save_variable(
                actor=user,
                agency=agency,
                values=form.values(),
                codes=form.cleaned_data["codes"],
                variable=variable,
            )
        except services.MetadataInvalid as error:
            for problem in error.problems:
                form.add_error(None, str(problem))
        else:
            messages.success(
                request, _("Saved as a draft (%(n)s%% complete).") % {"n": saved.completeness}
            )
            return redirect("catalog:metadata-detail", slug="variabel", pk=saved.pk)
    return render(
        request,
        "catalog/metadata/variable_form.html",
        {"obj": variable, "form": form, "links": links},
    )


@require_POST
@login_required
def record_submit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    obj = _record(request, slug, pk)
    if not _editable(request, obj):
        raise PermissionDenied("catalog.edit_metadata")
    try:
        services.submit_for_review(actor=request.user, obj=obj)  # type: ignore[arg-type]
    except services.MetadataIncomplete as error:
        messages.error(
            request,
            _("Not submitted: %(n)s answers are missing or inconsistent, listed on this page.")
            % {"n": len(error.problems)},
        )
    except services.ReviewConflict as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Submitted to the Pembina Data (BPS) for review."))
    return redirect("catalog:metadata-detail", slug=slug, pk=pk)


@require_POST
@login_required
def record_review(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    if not can(request.user, Capability.REVIEW_METADATA):
        raise PermissionDenied("catalog.review_metadata")
    obj = _record(request, slug, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or return."))
        return redirect("catalog:metadata-detail", slug=slug, pk=pk)
    try:
        services.review(
            actor=request.user,  # type: ignore[arg-type]
            obj=obj,
            approve=form.cleaned_data["decision"] == "approve",
            comment=form.cleaned_data["comment"],
        )
    except services.MetadataInvalid as error:
        messages.error(request, str(error.problems[0].message))
    except services.ReviewConflict as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your decision is recorded and the agency is told."))
    return redirect("catalog:metadata-detail", slug=slug, pk=pk)


@require_POST
@login_required
def activity_variables(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _record(request, "kegiatan", pk)
    if not _editable(request, activity):
        raise PermissionDenied("catalog.edit_metadata")
    made = services.create_variables_from_activity(actor=request.user, activity=activity)  # type: ignore[arg-type]
    if made:
        messages.success(
            request,
            _("%(n)s MS-Var drafts made from the variables in 3.4; complete each one.")
            % {"n": made},
        )
    else:
        messages.info(request, _("Every variable in 3.4 already has its MS-Var."))
    return redirect("catalog:metadata-detail", slug="kegiatan", pk=pk)


def _download(content: bytes, fmt: str, name: str) -> HttpResponse:
    kind = "application/json" if fmt == "json" else interchange.XLSX
    response = HttpResponse(content, content_type=kind)
    # ``name`` may carry what the visitor typed (?opd=): cleaned, it cannot break the header.
    response["Content-Disposition"] = (
        content_disposition_header(True, clean_filename(f"{name}.{fmt}")) or "attachment"
    )
    return response


def record_export(request: HttpRequest, slug: str, pk: int, fmt: str) -> HttpResponse:
    if fmt not in ("json", "xlsx"):
        raise Http404
    obj = _record(request, slug, pk)
    content = (interchange.export_json if fmt == "json" else interchange.export_xlsx)([obj])
    return _download(content, fmt, f"{services.kind_of(obj).value}-{obj.pk}")


def metadata_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """Every record the visitor may see (of one agency with ?opd=), in one file."""
    if fmt not in ("json", "xlsx"):
        raise Http404
    records = [
        *_filtered(request, Activity.objects.all()),
        *_filtered(request, Variable.objects.prefetch_related("codes")),
        *_filtered(request, Indicator.objects.all()),
    ]
    content = (interchange.export_json if fmt == "json" else interchange.export_xlsx)(records)
    return _download(content, fmt, f"metadata-{request.GET.get('opd') or 'semua'}")


@login_required
def metadata_import(request: HttpRequest) -> HttpResponse:
    """JSON (INDAH v2 keys) or XLSX in; every problem listed with its record and question;
    nothing saved unless every record reads."""
    user: User = request.user  # type: ignore[assignment]
    if not can(user, Capability.EDIT_METADATA):
        raise PermissionDenied("catalog.edit_metadata")
    form = MetadataImportForm(request.POST or None, request.FILES or None, user=user)
    outcome = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        agency = form.cleaned_data["agency"]
        try:
            records = interchange.read_file(upload.read(), upload.name)
        except interchange.UnreadableMetadata as error:
            form.add_error("file", str(error))
        else:
            outcome = interchange.plan(agency, records)
            if not outcome.problems:
                saved = interchange.apply(
                    actor=user, agency=agency, outcome=outcome, filename=upload.name
                )
                messages.success(
                    request,
                    _("%(n)s metadata records imported for %(agency)s as drafts.")
                    % {"n": saved, "agency": agency.name},
                )
                return redirect(reverse("catalog:metadata-index") + f"?opd={agency.slug}")
            messages.error(request, _("Nothing was imported: fix the problems below."))
    return render(request, "catalog/metadata/import.html", {"form": form, "outcome": outcome})
