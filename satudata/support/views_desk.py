"""The staff desk: tickets, their steps, canned replies, objections, guest book (part A).

Who sees what:

* Walidata staff (``HANDLE_TICKETS``) see and work on every ticket;
* a producer sees the tickets of its agencies and those assigned to it by name
  (``TicketQuerySet.handled_by``) and takes their steps, except assigning and merging;
* the Kepala Dinas (``DECIDE_OBJECTIONS``) sees the objections waiting for a decision and the
  tickets they concern, without the requester's contact data.

Every step posts to ``ticket_action`` with the ticket's ``updated_at`` as seen when the page
was opened (the edit token): when someone changed the ticket in between (another officer
answered, the requester wrote), the step is refused with "the ticket changed since you opened
it" and the page shows what changed. Internal notes skip the check: they never conflict.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db import models, transaction
from django.db.models import Count, Func, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from satudata.accounts.models import Agency, User
from satudata.accounts.permissions import can, capability_required, role_of
from satudata.accounts.roles import Capability, Role
from satudata.core import spreadsheets
from satudata.core.audit import action_label
from satudata.core.models import AuditEvent
from satudata.sop.workdays import WIB, holiday_dates
from satudata.support import deadlines, forms_desk, services, stats
from satudata.support.models import (
    OPEN_STATES,
    SAMPLE_DOMAIN,
    CannedReply,
    GuestVisit,
    MessageKind,
    Objection,
    State,
    Ticket,
    TicketAttachment,
    TicketQuerySet,
)

PAGE_SIZE = 25


class _Unindexed(Func):
    """A column that SQLite may not read through its own index (``+column``, SQLite's
    documented way to disqualify an index). Ordered or grouped by ``answer_due`` or
    ``assignee``, SQLite walked that column's index over every ticket ever received, checking
    each row for being open; the open ones, a fifth or fewer, are read faster from
    ``ticket_desk_idx`` and sorted. Other databases get the plain column."""

    template = "%(expressions)s"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="+%(expressions)s", **extra)


# Text the desk's list never shows: left in the table when a page of tickets is read.
_LONG_FIELDS = ("message", "extension_reason", "outcome_note", "purpose", "requester_address")


# --- Access ---------------------------------------------------------------------------------


def _visible_tickets(user: Any) -> TicketQuerySet | None:
    """The tickets the user may see on the desk; None when the user has no desk."""
    if can(user, Capability.HANDLE_TICKETS):
        return Ticket.objects.all()
    if role_of(user) == Role.PRODUSEN:
        return Ticket.objects.handled_by(user)
    return None


def _login_or_403(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


def _day_bounds(at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    day = at.astimezone(WIB).date()
    return stats.bounds(day, day)


# --- The desk -------------------------------------------------------------------------------


def desk(request: HttpRequest) -> HttpResponse:
    if (login := _login_or_403(request)) is not None:
        return login
    user = request.user
    scope = _visible_tickets(user)
    decides = can(user, Capability.DECIDE_OBJECTIONS)
    if scope is None and not decides:
        raise PermissionDenied("support.desk")
    now = timezone.now()
    context: dict[str, Any] = {
        "now": now,
        "decides": decides,
        "sample": Ticket.objects.samples().exists(),
    }
    if decides:
        context["objections"] = list(
            Objection.objects.filter(decision="").select_related("ticket").order_by("due_at")[:100]
        )
    if scope is not None:
        context.update(_desk_tickets(request, scope, now))
    return render(request, "support/desk/desk.html", context)


def _desk_tickets(request: HttpRequest, scope: TicketQuerySet, now: dt.datetime) -> dict[str, Any]:
    form = forms_desk.DeskFilterForm(request.GET or None)
    # A filter that does not check out (an officer since removed, a mangled link) is shown as
    # the form's error; the others still apply, rather than all of them being dropped.
    form.is_valid()
    data: dict[str, Any] = getattr(form, "cleaned_data", {})
    view = data.get("tampil") or ""
    # A page of ids from the desk index, then those tickets: sorting the whole selection's
    # rows (joined to their handlers) to keep 25 read every open ticket from the table.
    ids = _filtered(scope, data, now).order_by(_Unindexed("answer_due").asc(), "id")
    page = Paginator(ids.values_list("id", flat=True), PAGE_SIZE).get_page(
        request.GET.get("halaman")
    )
    found = (
        Ticket.objects.select_related("assignee", "agency")
        .defer(*_LONG_FIELDS)
        .in_bulk(list(page.object_list))
    )
    per_person, per_agency = _open_per_person_and_agency(scope, now)
    params = request.GET.copy()
    params.pop("halaman", None)
    return {
        "form": form,
        "page": page,
        "entries": _with_status([found[pk] for pk in page.object_list], now),
        "per_person": per_person,
        "per_agency": per_agency,
        "query": params.urlencode(),
        "view": view,
        "person_choices": _choices(form.fields["petugas"]),
        "agency_choices": _choices(form.fields["opd"]),
    }


def _choices(field: forms.Field) -> list[tuple[str, str]]:
    """(value, label) of a filter's model choices, for ``support/desk/_select.html``."""
    assert isinstance(field, forms.ModelChoiceField) and field.queryset is not None
    return [(str(obj.pk), field.label_from_instance(obj)) for obj in field.queryset]


def _filtered(scope: TicketQuerySet, data: dict[str, Any], now: dt.datetime) -> TicketQuerySet:
    """The open tickets of the desk's view (``tampil``) and filters."""
    tickets = scope.open()
    view = data.get("tampil") or ""
    if view == "today":
        tickets = tickets.due_between(*_day_bounds(now))
    elif view == "overdue":
        tickets = tickets.overdue(now)
    elif view == "waiting":
        tickets = tickets.filter(state=State.WAITING)
    if data.get("petugas"):
        tickets = tickets.filter(assignee=data["petugas"])
    if data.get("opd"):
        tickets = tickets.filter(agency=data["opd"])
    if data.get("kategori"):
        tickets = tickets.filter(category=data["kategori"])
    if data.get("kanal"):
        tickets = tickets.filter(channel=data["kanal"])
    if query := (data.get("q") or "").strip():
        tickets = tickets.filter(Q(number__iexact=query) | Q(subject__icontains=query))
    return tickets


def _with_status(rows: list[Ticket], now: dt.datetime) -> list[tuple[Ticket, Any]]:
    """Each ticket with its running deadline's status; the holidays are read once."""
    holidays: set[dt.date] = set()
    if rows:
        dues = [deadlines.running_deadline(t) for t in rows]
        days = [d.astimezone(WIB).date() for d in [*dues, now]]
        holidays = holiday_dates(min(days), max(days))
    return [
        (
            t,
            deadlines.status(
                deadlines.running_deadline(t), now, holidays, paused=t.state == State.WAITING
            ),
        )
        for t in rows
    ]


Pair = tuple[int | None, int | None]  # (assignee id, agency id)


def _counts_per_pair(tickets: TicketQuerySet) -> dict[Pair, int]:
    grouped = tickets.order_by().annotate(
        person=_Unindexed("assignee"), office=_Unindexed("agency")
    )
    counted = grouped.values_list("person", "office").annotate(n=Count("id"))
    return {(person, office): n for person, office, n in counted}


def _open_per_person_and_agency(
    scope: TicketQuerySet, now: dt.datetime
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Open and overdue tickets per person and per agency, most open first, as rows
    ``{assignee, assignee__full_name, assignee__username, n, late}`` and
    ``{agency, agency__name, agency__short_name, n, late}``. Two grouped queries on the desk
    index; the names are read apart (grouped with them, the query walked the whole table)."""
    open_, late = _counts_per_pair(scope.open()), _counts_per_pair(scope.overdue(now))
    return (
        _summary(open_, late, 0, "assignee", User, ("full_name", "username")),
        _summary(open_, late, 1, "agency", Agency, ("name", "short_name")),
    )


def _summary(
    open_: dict[Pair, int],
    late: dict[Pair, int],
    side: int,
    key: str,
    model: type[models.Model],
    labels: tuple[str, ...],
) -> list[dict[str, Any]]:
    totals: dict[int | None, dict[str, Any]] = {}
    for counts, column in ((open_, "n"), (late, "late")):
        for pair, n in counts.items():
            blank = {f"{key}__{label}": "" for label in labels}
            row = totals.setdefault(pair[side], {key: pair[side], **blank, "n": 0, "late": 0})
            row[column] += n
    names = model._default_manager.filter(pk__in=[k for k in totals if k is not None])
    for found in names.values("pk", *labels):
        totals[found["pk"]].update({f"{key}__{label}": found[label] for label in labels})
    return sorted(totals.values(), key=lambda row: -row["n"])


# --- A ticket ---------------------------------------------------------------------------------


def _ticket_for(request: HttpRequest, pk: int) -> Ticket:
    """The ticket if the user may see it: its handlers, and the Kepala Dinas when it carries
    an objection."""
    ticket = get_object_or_404(
        Ticket.objects.select_related("assignee", "agency", "dataset", "merged_into"), pk=pk
    )
    if services.may_handle(request.user, ticket):
        return ticket
    if can(request.user, Capability.DECIDE_OBJECTIONS) and ticket.objections.exists():
        return ticket
    raise PermissionDenied("support.ticket")


def steps_for(ticket: Ticket, user: Any) -> list[str]:
    """The steps the ticket page offers ``user`` in the ticket's state (the services refuse
    the rest): assigning and merging are for the help desk's staff, not for producers."""
    staff = can(user, Capability.HANDLE_TICKETS)
    if ticket.merged_into_id is not None:
        return []
    if ticket.state == State.ANSWERED:
        return ["close", "note"]
    if ticket.state not in OPEN_STATES:
        return []
    steps = ["acknowledge"] if ticket.state == State.RECEIVED else []
    if ticket.state in {State.RECEIVED, State.ACKNOWLEDGED}:
        steps.append("start")
    steps += ["reply", "answer", "note", *(["assign"] if staff else [])]
    if ticket.extended_at is None:
        steps.append("extend")
    return [*steps, *(["merge"] if staff else [])]


def _step_forms(
    ticket: Ticket, user: Any, bound: dict[str, forms.Form] | None = None
) -> dict[str, Any]:
    """The forms of the steps offered now, each with ids of its own (``reply-body``, not nine
    ``id_version``), a refused one keeping what was typed."""
    initial = {"version": ticket.updated_at.isoformat()}
    made: dict[str, forms.Form] = {
        slug: ACTIONS[slug][0](initial=initial, auto_id=f"{slug}-%s")
        for slug in steps_for(ticket, user)
    }
    made.update({slug: form for slug, form in (bound or {}).items() if slug in made})
    for slug, form in made.items():
        if slug in ACTIONS and "version" in form.fields and form.is_bound:
            # A refused form keeps what was typed, but carries the current version.
            data = form.data.copy()  # type: ignore[attr-defined]
            data["version"] = initial["version"]
            form.data = data
    return made


def _render_ticket(
    request: HttpRequest,
    ticket: Ticket,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    handles = services.may_handle(request.user, ticket)
    conversation = list(
        ticket.messages.select_related("author")
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )
    events = AuditEvent.objects.for_object(ticket).select_related("actor").order_by("at", "id")
    now = timezone.now()
    context = {
        "ticket": ticket,
        "handles": handles,
        "manages": can(request.user, Capability.HANDLE_TICKETS),
        "decides": can(request.user, Capability.DECIDE_OBJECTIONS),
        "conversation": conversation,
        "history": [(e, action_label(e.action)) for e in events],
        "objections": list(ticket.objections.select_related("decided_by")),
        "first_status": deadlines.status(ticket.first_response_due, now),
        "answer_status": deadlines.status(
            ticket.answer_due, now, paused=ticket.state == State.WAITING
        ),
        "forms": _step_forms(ticket, request.user, bound) if handles else {},
        # A refused step's errors show above the page even when the step is no longer offered.
        "refused": bound or {},
        "decision_form": forms_desk.ObjectionDecisionForm(),
        "note_kind": MessageKind.NOTE,
        "states": State,
    }
    return render(request, "support/desk/ticket.html", context, status=status)


def ticket(request: HttpRequest, pk: int) -> HttpResponse:
    if (login := _login_or_403(request)) is not None:
        return login
    return _render_ticket(request, _ticket_for(request, pk))


def _merge(actor: Any, ticket: Ticket, data: dict[str, Any]) -> Any:
    number = data["into"].strip()
    into = Ticket.objects.filter(number__iexact=number).first()
    if into is None:
        raise services.SupportError(
            _("No ticket has the number %(number)s.") % {"number": number}, "into"
        )
    return services.merge(actor=actor, ticket=ticket, into=into)


def _assign(actor: Any, ticket: Ticket, data: dict[str, Any]) -> Any:
    if data.get("assignee") is None and data.get("agency") is None:
        raise services.SupportError(_("Choose a staff member or an agency."), "assignee")
    return services.assign(
        actor=actor, ticket=ticket, assignee=data.get("assignee"), agency=data.get("agency")
    )


ACTIONS: dict[str, tuple[type[forms.Form], Any]] = {
    "acknowledge": (
        forms_desk.StepForm,
        lambda a, t, d: services.acknowledge(actor=a, ticket=t),
    ),
    "start": (forms_desk.StepForm, lambda a, t, d: services.start_work(actor=a, ticket=t)),
    "reply": (
        forms_desk.ReplyForm,
        lambda a, t, d: services.reply(
            actor=a, ticket=t, body=d["body"], files=d.get("lampiran") or [], wait=d["wait"]
        ),
    ),
    "note": (
        forms_desk.NoteForm,
        lambda a, t, d: services.add_note(
            actor=a, ticket=t, body=d["body"], files=d.get("lampiran") or []
        ),
    ),
    "assign": (forms_desk.AssignForm, _assign),
    "extend": (
        forms_desk.ExtendForm,
        lambda a, t, d: services.extend(actor=a, ticket=t, reason=d["reason"]),
    ),
    "answer": (
        forms_desk.AnswerForm,
        lambda a, t, d: services.answer(
            actor=a,
            ticket=t,
            body=d["body"],
            files=d.get("lampiran") or [],
            outcome=d["outcome"],
            refusal_reason=d["refusal_reason"],
            referred_to=d["referred_to"],
        ),
    ),
    "close": (
        forms_desk.CloseForm,
        lambda a, t, d: services.close(actor=a, ticket=t, note=d["note"]),
    ),
    "merge": (forms_desk.MergeForm, _merge),
}


class StaleTicket(services.SupportError):
    """The form was opened on an older version of the ticket."""


# Steps that never conflict with a change made meanwhile.
UNGUARDED = {"note"}
DONE: dict[str, Any] = {
    "acknowledge": gettext_lazy("The ticket is acknowledged; the requester has been told."),
    "start": gettext_lazy("Work on the ticket has started."),
    "reply": gettext_lazy("Your reply has been sent."),
    "note": gettext_lazy("The internal note has been saved."),
    "assign": gettext_lazy("The ticket has been assigned."),
    "extend": gettext_lazy("The deadline has been extended; the requester has been told."),
    "answer": gettext_lazy("The answer has been sent."),
    "close": gettext_lazy("The ticket is closed."),
    "merge": gettext_lazy("The ticket has been merged."),
}


@require_POST
def ticket_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if (login := _login_or_403(request)) is not None:
        return login
    if action not in ACTIONS:
        raise Http404
    ticket = _ticket_for(request, pk)
    if not services.may_handle(request.user, ticket):
        raise PermissionDenied("support.handle")
    form_class, run = ACTIONS[action]
    form = form_class(request.POST, request.FILES, auto_id=f"{action}-%s")
    if not form.is_valid():
        return _render_ticket(request, ticket, {action: form}, status=400)
    try:
        with transaction.atomic():
            current = Ticket.objects.select_for_update().get(pk=ticket.pk)
            version = form.cleaned_data.get("version") or ""
            if action not in UNGUARDED and version != current.updated_at.isoformat():
                raise StaleTicket(
                    _(
                        "The ticket changed since you opened it (someone else took a step or "
                        "the requester wrote). Read the latest messages below, then try again."
                    )
                )
            run(request.user, current, form.cleaned_data)
    except services.SupportError as error:
        field = error.field if error.field in form.fields else None
        form.add_error(field, error.message)
        ticket.refresh_from_db()
        if isinstance(error, StaleTicket):
            _keep_unsent_text(ticket, form)
            return _render_ticket(request, ticket, {action: form}, status=409)
        return _render_ticket(request, ticket, {action: form}, status=400)
    messages.success(request, str(DONE[action]))
    return redirect("support:ticket", pk=ticket.pk)


def _keep_unsent_text(ticket: Ticket, form: forms.Form) -> None:
    """When the other officer's step closed the ticket's forms (answered, closed, merged), the
    refused form is no longer shown: its text goes into the error, so nothing typed is lost."""
    text = (form.cleaned_data.get("body") or form.cleaned_data.get("reason") or "").strip()
    if text and not ticket.is_open:
        form.add_error(
            None, _("Your text was not sent; here it is to copy: %(text)s") % {"text": text}
        )


def ticket_attachment(request: HttpRequest, pk: int, attachment: int) -> HttpResponseBase:
    if (login := _login_or_403(request)) is not None:
        return login
    ticket = _ticket_for(request, pk)
    item = get_object_or_404(
        TicketAttachment.objects.select_related("message"), pk=attachment, message__ticket=ticket
    )
    if item.message.kind == MessageKind.NOTE and not services.may_handle(request.user, ticket):
        raise PermissionDenied("support.ticket")
    try:
        handle = default_storage.open(item.path, "rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle, as_attachment=True, filename=item.filename, content_type="application/octet-stream"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- Recording a request ----------------------------------------------------------------------


@capability_required(Capability.HANDLE_TICKETS)
def ticket_new(request: HttpRequest) -> HttpResponse:
    form = forms_desk.TicketNewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            created, _token = services.create_ticket(
                actor=request.user,
                category=data.pop("category"),
                subject=data.pop("subject"),
                message=data.pop("message"),
                requester_name=data.pop("requester_name"),
                requester_email=data.pop("requester_email") or "",
                requester_phone=data.pop("requester_phone") or "",
                channel=data.pop("channel"),
                received_at=data.pop("received_at"),
                **data,
            )
        except services.SupportError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _("Request %(number)s has been registered.") % {"number": created.number},
            )
            return redirect("support:ticket", pk=created.pk)
    return render(
        request,
        "support/desk/ticket_new.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


# --- Canned replies -------------------------------------------------------------------------


@capability_required(Capability.MANAGE_FAQ)
def canned_replies(request: HttpRequest) -> HttpResponse:
    editing = None
    if pk := request.GET.get("ubah") or request.POST.get("pk"):
        editing = get_object_or_404(CannedReply, pk=pk if str(pk).isdigit() else 0)
    form = forms_desk.CannedReplyForm(request.POST or None, instance=editing)
    if request.method == "POST" and form.is_valid():
        from satudata.core.audit import record

        saved = form.save()
        record(
            "support.canned_saved",
            actor=request.user,
            obj=saved,
            summary=f"Balasan siap pakai: {saved.title}",
        )
        messages.success(request, _("The canned reply has been saved."))
        return redirect("support:canned")
    return render(
        request,
        "support/desk/canned.html",
        {"form": form, "editing": editing, "replies": CannedReply.objects.all()},
    )


# --- Objections -------------------------------------------------------------------------------


@capability_required(Capability.DECIDE_OBJECTIONS)
def objection_decide(request: HttpRequest, pk: int) -> HttpResponse:
    objection = get_object_or_404(Objection.objects.select_related("ticket"), pk=pk)
    form = forms_desk.ObjectionDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decide_objection(
                actor=request.user,
                objection=objection,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
            )
        except services.SupportError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The decision has been recorded and sent."))
            return redirect("support:desk")
    return render(
        request,
        "support/desk/objection.html",
        {
            "objection": objection,
            "form": form,
            "status": deadlines.status(objection.due_at, timezone.now()),
        },
        status=400 if form.errors else 200,
    )


# --- Guest book -------------------------------------------------------------------------------


def _visits(request: HttpRequest) -> tuple[forms_desk.GuestRangeForm, QuerySet[GuestVisit]]:
    today = timezone.localdate()
    form = forms_desk.GuestRangeForm(
        request.GET or {"dari": today.replace(day=1).isoformat(), "sampai": today.isoformat()}
    )
    visits = GuestVisit.objects.select_related("served_by", "ticket").order_by("-visited_at")
    if form.is_valid():
        if start := form.cleaned_data.get("dari"):
            visits = visits.filter(visited_at__gte=stats.bounds(start, start)[0])
        if end := form.cleaned_data.get("sampai"):
            visits = visits.filter(visited_at__lt=stats.bounds(end, end)[1])
    else:
        visits = visits.none()
    return form, visits


@capability_required(Capability.HANDLE_TICKETS)
def guestbook(request: HttpRequest) -> HttpResponse:
    range_form, visits = _visits(request)
    form = forms_desk.GuestVisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        from satudata.core.audit import record

        visit = form.save(commit=False)
        visit.served_by = request.user
        visit.ticket = form.cleaned_data["ticket_number"]
        visit.save()
        record(
            "support.guest_recorded",
            actor=request.user,
            obj=visit,
            summary=f"Buku tamu: kunjungan {visit.visited_at:%Y-%m-%d}",
        )
        messages.success(request, _("The visit has been recorded in the guest book."))
        return redirect("support:guestbook")
    page = Paginator(visits, 50).get_page(request.GET.get("halaman"))
    params = request.GET.copy()
    params.pop("halaman", None)
    return render(
        request,
        "support/desk/guestbook.html",
        {
            "form": form,
            "range_form": range_form,
            "page": page,
            "query": params.urlencode(),
            "sample": GuestVisit.objects.filter(contact__endswith=f"@{SAMPLE_DOMAIN}").exists(),
        },
        status=400 if form.errors or range_form.errors else 200,
    )


GUEST_HEADER = (
    gettext_lazy("Time of visit (WIB)"),
    gettext_lazy("Name"),
    gettext_lazy("Institution type"),
    gettext_lazy("Institution"),
    gettext_lazy("Telephone or e-mail"),
    gettext_lazy("Purpose of visit"),
    gettext_lazy("Data asked for"),
    gettext_lazy("Served by"),
    gettext_lazy("Result of the consultation"),
    gettext_lazy("Ticket"),
)


def _guest_rows(visits: QuerySet[GuestVisit]) -> list[list[object]]:
    return [
        [
            timezone.localtime(v.visited_at).replace(tzinfo=None),
            v.name,
            v.get_institution_type_display(),
            v.institution_name,
            v.contact,
            v.purpose,
            v.data_requested,
            v.served_by.full_name or v.served_by.username,
            v.outcome,
            v.ticket.number if v.ticket else "",
        ]
        for v in visits.order_by("visited_at")
    ]


@capability_required(Capability.HANDLE_TICKETS)
def guestbook_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    form, visits = _visits(request)
    if form.errors:
        messages.error(request, _("Choose a valid period before downloading the guest book."))
        return redirect(reverse("support:guestbook") + "?" + request.GET.urlencode())
    header = [str(h) for h in GUEST_HEADER]
    rows = _guest_rows(visits)
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        response = HttpResponse(
            spreadsheets.csv_bytes(header, rows), content_type=spreadsheets.CSV_MEDIA_TYPE
        )
    else:
        book = spreadsheets.Workbook()
        sheet = book.add_sheet(_("Guest book"))
        sheet.write_row(0, 0, header, book.style(bold=True))
        for i, row in enumerate(rows, start=1):
            sheet.write_row(i, 0, row)
        sheet.set_column(0, 0, 18)
        sheet.set_column(1, len(header) - 1, 24)
        sheet.freeze_panes(1, 0)
        response = HttpResponse(book.to_bytes(), content_type=spreadsheets.XLSX_MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="buku-tamu-{stamp}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
