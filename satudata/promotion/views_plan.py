"""The staff's promotion pages (SOP activity 4): the releases and their plans (``/promosi/``),
one release's plan and record (``/promosi/rilis/<uuid>/``), the evidence files (staff only),
and the measured reach (``/promosi/jangkauan/`` and its JSON twin).

Who: the Walidata's staff read everything and, holding ``MANAGE_RELEASES`` (Walidata staff,
Kepala Bidang, administrator), write; a producer reads its own agency's releases' plans; anyone
else signed in is refused (403), a release of another agency is 404 to a producer.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Count, F, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from satudata.accounts.models import Agency
from satudata.accounts.permissions import can, capability_required, role_of
from satudata.accounts.roles import Capability, Role
from satudata.promotion import forms_plan, plan, reach
from satudata.promotion.facts import absolute, has_sample_subscribers, is_sample
from satudata.promotion.models import ActionStatus, PromotionAction
from satudata.releases.models import Release, ReleaseState
from satudata.sop.models import OPEN_STATUSES, SopTask

WRITE = Capability.MANAGE_RELEASES
# The staff who read every plan, the evidence and the reach: those who see the SOP dashboard.
READ_ALL = Capability.VIEW_TASK_DASHBOARD
PAGE_SIZE = 50


def may_read_all(user: Any) -> bool:
    return can(user, READ_ALL)


def reader_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in staff, or a producer (for its agency's releases); 302 to log in, else 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (may_read_all(request.user) or role_of(request.user) == Role.PRODUSEN):
            raise PermissionDenied("promotion.read")
        return view(request, *args, **kwargs)

    return wrapped


def releases_for(user: Any) -> QuerySet[Release]:
    """The releases whose plans ``user`` may read."""
    releases = Release.objects.select_related("agency")
    if may_read_all(user):
        return releases
    return releases.filter(agency_id__in=user.agency_ids())


def _release(request: HttpRequest, key: Any) -> Release:
    return get_object_or_404(releases_for(request.user), uuid=key)


def _action(request: HttpRequest, tag: str) -> PromotionAction:
    return get_object_or_404(
        PromotionAction.objects.select_related("release", "release__agency", "person"),
        campaign=tag,
    )


def share_kit_url(release: Release) -> str:
    """The share kit's page (cards, suggested posts, press release)."""
    return reverse("promotion:share", args=[release.uuid])


def _tasks(releases: list[Release]) -> dict[str, SopTask]:
    """Each release's newest activity-4 task, in one query."""
    found: dict[str, SopTask] = {}
    rows = SopTask.objects.filter(
        subject_type=Release._meta.label_lower,
        subject_id__in=[str(r.pk) for r in releases],
        step__code=plan.STEP,
    ).order_by("created_at", "id")
    for task in rows:
        found[task.subject_id] = task
    return found


# --- The list ----------------------------------------------------------------------------------


def _filtered(request: HttpRequest, form: forms_plan.ListFilterForm) -> QuerySet[Release]:
    now = timezone.now()
    releases = (
        releases_for(request.user)
        .filter(state=ReleaseState.SCHEDULED, release_at__isnull=False)
        .annotate(
            planned=Count(
                "promotion_actions", filter=~Q(promotion_actions__status=ActionStatus.CANCELLED)
            ),
            done=Count("promotion_actions", filter=Q(promotion_actions__status=ActionStatus.DONE)),
        )
        .order_by("-release_at", "-pk")
    )
    if not form.is_valid():
        return releases
    data = form.cleaned_data
    if data["waktu"] == "akan":
        releases = releases.filter(release_at__gt=now)
    elif data["waktu"] == "keluar":
        releases = releases.filter(release_at__lte=now)
    if data["rencana"] == "kosong":
        releases = releases.filter(planned=0)
    elif data["rencana"] == "berjalan":
        releases = releases.filter(planned__gt=0).exclude(done=F("planned"))
    elif data["rencana"] == "lengkap":
        releases = releases.filter(planned__gt=0, done=F("planned"))
    if data["instansi"]:
        releases = releases.filter(agency=data["instansi"])
    if data["q"]:
        releases = releases.filter(title__icontains=data["q"])
    if data["terlambat"]:
        late = SopTask.objects.filter(
            subject_type=Release._meta.label_lower,
            step__code=plan.STEP,
            status__in=OPEN_STATUSES,
            due_at__lt=now,
        ).values_list("subject_id", flat=True)
        releases = releases.filter(pk__in=[int(pk) for pk in late if pk.isdigit()])
    return releases


@require_GET
@reader_required
def plan_list(request: HttpRequest) -> HttpResponse:
    form = forms_plan.ListFilterForm(request.GET or None)
    if not may_read_all(request.user):  # a producer chooses among its own agencies
        form.fields["instansi"].queryset = Agency.objects.filter(  # type: ignore[attr-defined]
            pk__in=request.user.agency_ids()  # type: ignore[union-attr]
        ).order_by("name")
    page = Paginator(_filtered(request, form), PAGE_SIZE).get_page(request.GET.get("halaman"))
    tasks = _tasks(list(page))
    now = timezone.now()
    rows = []
    for release in page:
        task = tasks.get(str(release.pk))
        rows.append(
            {
                "release": release,
                "task": task,
                "overdue": task is not None and task.is_open and task.due_at < now,
                "is_out": release.is_published(now),
            }
        )
    query = request.GET.copy()
    query.pop("halaman", None)
    return render(
        request,
        "promotion/plan/plan_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "may_write": can(request.user, WRITE),
            "may_read_all": may_read_all(request.user),
        },
    )


# --- One release -------------------------------------------------------------------------------


def _detail(request: HttpRequest, release: Release, **forms: Any) -> HttpResponse:
    actions = list(
        PromotionAction.objects.filter(release=release)
        .select_related("person")
        .order_by("planned_on", "pk")
    )
    task = plan.task_of(release)
    now = timezone.now()
    path = release.releasable.release_url()
    context = {
        "release": release,
        "rows": [{"action": a, "link": absolute(path, a.campaign)} for a in actions],
        "progress": plan.progress_of(release),
        "task": task,
        "overdue": task is not None and task.is_open and task.due_at < now,
        "is_out": release.is_published(now),
        "may_write": can(request.user, WRITE),
        "may_read_all": may_read_all(request.user),
        "share_kit_url": share_kit_url(release),
        "reach": reach.reach_for_release(release, now),
        "counted_until": now,
        "sample": is_sample(release),
        "email_link": absolute(path, plan.email_tag(release)),
        "add_form": forms.get("add_form")
        or forms_plan.ActionForm(
            initial={
                "planned_on": timezone.localdate(release.release_at)
                if release.release_at
                else timezone.localdate()
            }
        ),
        "complete_form": forms.get("complete_form") or forms_plan.CompleteForm(),
    }
    status = 400 if any(f is not None and f.errors for f in forms.values()) else 200
    return render(request, "promotion/plan/plan_detail.html", context, status=status)


@require_GET
@reader_required
def plan_detail(request: HttpRequest, key: Any) -> HttpResponse:
    return _detail(request, _release(request, key))


@require_POST
@capability_required(WRITE)
def plan_add(request: HttpRequest, key: Any) -> HttpResponse:
    release = _release(request, key)
    form = forms_plan.ActionForm(request.POST)
    if not form.is_valid():
        return _detail(request, release, add_form=form)
    plan.plan_action(actor=request.user, release=release, **form.cleaned_data)  # type: ignore[arg-type]
    messages.success(request, _("The action was added to the plan."))
    return redirect("promotion:plan", key=release.uuid)


@require_POST
@capability_required(WRITE)
def plan_default(request: HttpRequest, key: Any) -> HttpResponse:
    release = _release(request, key)
    added = plan.add_default_plan(actor=request.user, release=release)  # type: ignore[arg-type]
    if added:
        messages.success(request, _("The usual actions were added to the plan."))
    else:
        messages.info(request, _("The plan already holds the usual actions."))
    return redirect("promotion:plan", key=release.uuid)


@require_POST
@capability_required(WRITE)
def plan_complete(request: HttpRequest, key: Any) -> HttpResponse:
    release = _release(request, key)
    form = forms_plan.CompleteForm(request.POST)
    if not form.is_valid():
        return _detail(request, release, complete_form=form)
    task = plan.complete_plan(
        actor=request.user,  # type: ignore[arg-type]
        release=release,
        note=form.cleaned_data["note"],
    )
    if task is None:
        messages.info(request, _("The plan is marked complete; the release had no open SOP task."))
    else:
        messages.success(request, _("The plan is complete and the SOP task is finished."))
    return redirect("promotion:plan", key=release.uuid)


# --- One action --------------------------------------------------------------------------------


def _action_page(
    request: HttpRequest, action: PromotionAction, form: Any, mode: str, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "promotion/plan/action_form.html",
        {"action": action, "release": action.release, "form": form, "mode": mode},
        status=status,
    )


@capability_required(WRITE)
def action_edit(request: HttpRequest, tag: str) -> HttpResponse:
    action = _action(request, tag)
    initial = {
        "channel": action.channel,
        "title": action.title,
        "planned_on": action.planned_on,
        "person": action.person,
        "note": action.note,
    }
    form = forms_plan.ActionForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                plan.change_action(actor=request.user, action=action, **form.cleaned_data)  # type: ignore[arg-type]
            except plan.PlanError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The action was changed."))
                return redirect("promotion:plan", key=action.release.uuid)
        return _action_page(request, action, form, "edit", status=400)
    return _action_page(request, action, form, "edit")


@capability_required(WRITE)
def action_done(request: HttpRequest, tag: str) -> HttpResponse:
    action = _action(request, tag)
    initial = {
        "evidence_url": action.evidence_url,
        "reach": action.reach,
        "reach_kind": action.reach_kind,
    }
    form = forms_plan.DoneForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method != "POST":
        return _action_page(request, action, form, "done")
    if form.is_valid():
        data = form.cleaned_data
        try:
            evidence = plan.check_evidence(data["evidence_file"]) if data["evidence_file"] else None
            plan.mark_done(
                actor=request.user,  # type: ignore[arg-type]
                action=action,
                evidence_url=data["evidence_url"],
                evidence=evidence,
                reach=data["reach"],
                reach_kind=data["reach_kind"],
                note=data["note"],
                done_at=form.done_at(),
            )
        except plan.PlanError as error:
            form.add_error(error.field or None, error.message)
        else:
            messages.success(request, _("The action is recorded as done."))
            return redirect("promotion:plan", key=action.release.uuid)
    return _action_page(request, action, form, "done", status=400)


@require_POST
@capability_required(WRITE)
def action_cancel(request: HttpRequest, tag: str) -> HttpResponse:
    action = _action(request, tag)
    form = forms_plan.CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        plan.cancel_action(actor=request.user, action=action, reason=reason)  # type: ignore[arg-type]
    except plan.PlanError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The action was cancelled."))
    return redirect("promotion:plan", key=action.release.uuid)


@require_GET
def action_evidence(request: HttpRequest, tag: str) -> HttpResponseBase:
    """The evidence file, to staff only: images shown, a PDF downloaded; never a public URL."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not may_read_all(request.user):
        raise PermissionDenied("promotion.evidence")
    action = _action(request, tag)
    if not action.evidence_file:
        raise Http404
    try:
        handle = default_storage.open(action.evidence_file.name, "rb")
    except FileNotFoundError as error:
        raise Http404 from error
    mimetype = plan.evidence_mimetype(action)
    response = FileResponse(
        handle,
        content_type=mimetype,
        as_attachment=not mimetype.startswith("image/"),
        filename=f"bukti-{action.campaign}{os.path.splitext(action.evidence_file.name)[1]}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Reach -------------------------------------------------------------------------------------


def _period(request: HttpRequest) -> tuple[forms_plan.PeriodForm, Any]:
    form = forms_plan.PeriodForm(request.GET)
    if not form.is_valid():
        return form, None
    return form, reach.reach_for_period(form.cleaned_data["dari"], form.cleaned_data["sampai"])


@require_GET
@capability_required(READ_ALL)
def reach_page(request: HttpRequest) -> HttpResponse:
    form, found = _period(request)
    if found is not None:  # show the period counted, the default one included
        form = forms_plan.PeriodForm(
            initial={"dari": form.cleaned_data["dari"], "sampai": form.cleaned_data["sampai"]}
        )
    return render(
        request,
        "promotion/plan/reach.html",
        {"form": form, "reach": found, "sample": has_sample_subscribers()},
        status=200 if found is not None else 400,
    )


@require_GET
@capability_required(READ_ALL)
def reach_json(request: HttpRequest) -> HttpResponse:
    form, found = _period(request)
    if found is None:
        errors = [str(e) for errors in form.errors.values() for e in errors]
        return JsonResponse(
            {
                "error": _("Give the period as dari=YYYY-MM-DD and sampai=YYYY-MM-DD."),
                "details": errors,
            },
            status=400,
        )
    response = JsonResponse(found, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "private, no-store"
    return response
