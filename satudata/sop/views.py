"""The public SOP page, its revision form, and the staff task dashboard."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.forms import formset_factory
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from satudata.accounts.models import User
from satudata.accounts.permissions import can, capability_required, role_of
from satudata.accounts.roles import Capability, Role
from satudata.core.models import AuditEvent
from satudata.sop import services
from satudata.sop.forms import SopHeaderForm, SopStepForm, TaskActionForm
from satudata.sop.models import OPEN_STATUSES, SopDocument, SopStep, SopTask, TaskStatus

EXECUTOR_COLUMNS = [Role.KEPALA_DINAS, Role.KEPALA_BIDANG, Role.WALIDATA]


def _sop_context(document: SopDocument) -> dict[str, object]:
    steps = list(document.steps.all())
    columns = [r for r in EXECUTOR_COLUMNS if any(s.has_executor(r) for s in steps)]
    rows = [(s, [s.has_executor(r) for r in columns]) for s in steps]
    return {
        "document": document,
        "rows": rows,
        "executor_columns": [r.label for r in columns],
        "revisions": SopDocument.objects.only("revision", "revised_on", "is_current"),
    }


def sop_page(request: HttpRequest) -> HttpResponse:
    document = SopDocument.current()
    if document is None:
        return render(request, "sop/sop_missing.html", status=404)
    return render(request, "sop/sop_detail.html", _sop_context(document))


def sop_revision(request: HttpRequest, revision: int) -> HttpResponse:
    document = get_object_or_404(SopDocument.objects.prefetch_related("steps"), revision=revision)
    if document.is_current:
        return redirect("sop:sop")
    return render(request, "sop/sop_detail.html", _sop_context(document))


StepFormSet = formset_factory(SopStepForm, extra=0)


@capability_required(Capability.REVISE_SOP)
def sop_revise(request: HttpRequest) -> HttpResponse:
    current = SopDocument.current()
    if current is None:
        raise Http404
    steps = list(current.steps.all())
    initial = [{f: getattr(s, f) for f in SopStepForm.Meta.fields} for s in steps]
    if request.method == "POST":
        header = SopHeaderForm(
            request.POST,
            instance=SopDocument(**{f: getattr(current, f) for f in SopHeaderForm.Meta.fields}),
        )
        formset = StepFormSet(request.POST, initial=initial, prefix="steps")
        if header.is_valid() and formset.is_valid():
            revision = services.revise_sop(
                actor=request.user,  # type: ignore[arg-type]
                changes=header.changes(),
                steps=[f.step_data() for f in formset.forms],
                note=header.cleaned_data["revision_note"],
            )
            messages.success(
                request, _("Revision %(n)s of the SOP is now in force.") % {"n": revision.revision}
            )
            return redirect("sop:sop")
        status = 400
    else:
        header = SopHeaderForm(instance=current)
        formset = StepFormSet(initial=initial, prefix="steps")
        status = 200
    return render(
        request,
        "sop/sop_revise.html",
        {"document": current, "header": header, "formset": formset},
        status=status,
    )


def _producer_agencies(request: HttpRequest) -> set[int]:
    """The agencies whose SOP tasks a producer follows; anyone else without the dashboard gets
    403 (and the anonymous visitor the log-in page, from ``login_required``)."""
    if role_of(request.user) != Role.PRODUSEN:
        raise PermissionDenied(Capability.VIEW_TASK_DASHBOARD.value)
    return request.user.agency_ids()  # type: ignore[union-attr]


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Capability.VIEW_TASK_DASHBOARD):
        return _agency_dashboard(request, _producer_agencies(request))
    now = timezone.now()
    open_q = Q(tasks__status__in=OPEN_STATUSES)
    steps = (
        SopStep.objects.filter(document__is_current=True)
        .annotate(
            open_count=Count("tasks", filter=open_q),
            overdue_count=Count("tasks", filter=open_q & Q(tasks__due_at__lt=now)),
            done_count=Count("tasks", filter=Q(tasks__status=TaskStatus.DONE)),
        )
        .order_by("number")
    )
    people = (
        User.objects.filter(sop_tasks__status__in=OPEN_STATUSES)
        .annotate(
            open_count=Count("sop_tasks", filter=Q(sop_tasks__status__in=OPEN_STATUSES)),
            overdue_count=Count(
                "sop_tasks",
                filter=Q(sop_tasks__status__in=OPEN_STATUSES, sop_tasks__due_at__lt=now),
            ),
        )
        .order_by("-overdue_count", "full_name")
    )
    tasks = SopTask.objects.open().with_related()
    step_code = request.GET.get("kegiatan", "")
    if step_code:
        tasks = tasks.filter(step__code=step_code)
    person = request.GET.get("pelaksana", "")
    if person == "saya":
        tasks = tasks.filter(executor_id=request.user.pk)
    elif person.isdigit():
        tasks = tasks.filter(executor_id=int(person))
    if request.GET.get("terlambat"):
        tasks = tasks.filter(due_at__lt=now)
    unassigned = SopTask.objects.open().filter(executor__isnull=True).count()
    return render(
        request,
        "sop/dashboard.html",
        {
            "steps": steps,
            "people": people,
            "tasks": tasks[:200],
            "now": now,
            "unassigned": unassigned,
            "filters": {
                "kegiatan": step_code,
                "pelaksana": person,
                "terlambat": request.GET.get("terlambat", ""),
            },
        },
    )


def _agency_dashboard(request: HttpRequest, agency_ids: set[int]) -> HttpResponse:
    """A producer's view of the SOP tasks about its agency: open ones first, then the last
    finished; nothing to act on (the Walidata's staff execute the SOP)."""
    tasks = SopTask.objects.concerning_agencies(agency_ids).with_related()
    return render(
        request,
        "sop/dashboard_agency.html",
        {
            "open_tasks": tasks.open().order_by("due_at", "pk")[:200],
            "closed_tasks": tasks.exclude(status__in=OPEN_STATUSES).order_by("-completed_at")[:50],
            "now": timezone.now(),
        },
    )


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not can(request.user, Capability.VIEW_TASK_DASHBOARD):
        agency_ids = _producer_agencies(request)
        if request.method == "POST":
            raise PermissionDenied(Capability.MANAGE_TASKS.value)
        tasks = SopTask.objects.concerning_agencies(agency_ids).with_related()
        task = get_object_or_404(tasks, pk=pk)
        return render(
            request,
            "sop/task_detail.html",
            {"task": task, "form": None, "history": AuditEvent.objects.for_object(task)[:50]},
        )
    task = get_object_or_404(SopTask.objects.with_related(), pk=pk)
    user: User = request.user  # type: ignore[assignment]
    form = TaskActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action, note = form.cleaned_data["action"], form.cleaned_data["note"]
        try:
            if action == "start":
                services.start_task(actor=user, task=task)
            elif action == "complete":
                services.complete_task(actor=user, task=task, note=note)
            elif action == "cancel":
                services.cancel_task(actor=user, task=task, reason=note)
            else:
                services.reassign_task(
                    actor=user, task=task, executor=form.cleaned_data["executor"]
                )
        except services.TaskStateError as error:
            messages.error(
                request,
                _("This task is already %(status)s; nothing was changed.")
                % {"status": str(error).lower()},
            )
        else:
            messages.success(request, _("The task has been updated."))
        return redirect("sop:task-detail", pk=task.pk)
    return render(
        request,
        "sop/task_detail.html",
        {
            "task": task,
            "form": form,
            "history": AuditEvent.objects.for_object(task)[:50],
            "can_manage": can(user, Capability.MANAGE_TASKS),
            "is_executor": task.executor_id == user.pk,
        },
        status=400 if request.method == "POST" else 200,
    )
