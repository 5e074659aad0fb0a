"""Pages of SOP activity 3: the public release calendar with its feeds, the Daftar Produk
Diseminasi and the punctuality figures; for the Walidata and the Kepala Bidang, the release
desk and each release's page, where every step is a form posted to one service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from satudata.accounts.models import Agency
from satudata.accounts.permissions import can, capability_required
from satudata.accounts.roles import Capability
from satudata.catalog.metadata.standard import SECTORS
from satudata.catalog.models import DataList
from satudata.core.audit import action_label
from satudata.core.models import AuditEvent
from satudata.releases import daftar_produk, feeds, forms, punctuality, services
from satudata.releases.access import reads_without_grant
from satudata.releases.dates import at_release_time, window, wording
from satudata.releases.models import (
    DateRequest,
    DateRequestState,
    EntryState,
    PublicState,
    Release,
    ReleaseEntry,
    ReleaseState,
)

PAGE_SIZE = 50


# --- The public calendar ------------------------------------------------------------------------


def _month(value: str) -> tuple[dt.datetime, dt.datetime] | None:
    try:
        year, month = (int(part) for part in value.split("-"))
        start = dt.datetime(year, month, 1)
    except ValueError:
        return None
    end = dt.datetime(year + month // 12, month % 12 + 1, 1)
    zone = timezone.get_default_timezone()
    return timezone.make_aware(start, zone), timezone.make_aware(end, zone)


def _calendar_entries(request: HttpRequest) -> tuple[Any, dict[str, str]]:
    """The entries the viewer may see, narrowed by the page's filters: ``bulan`` (YYYY-MM),
    ``opd`` (agency), ``sektor``, ``status`` (a public state), ``waktu`` (mendatang / lalu)."""
    now = timezone.now()
    entries = ReleaseEntry.objects.visible_to(request.user).select_related("agency")
    chosen = {
        key: request.GET.get(key, "").strip()
        for key in ("bulan", "opd", "sektor", "status", "waktu")
    }
    if chosen["bulan"]:
        bounds = _month(chosen["bulan"])
        if bounds is None:
            raise BadFilter(_("bulan must be a month written as YYYY-MM, e.g. 2026-03."))
        entries = entries.filter(planned_at__gte=bounds[0], planned_at__lt=bounds[1])
    if chosen["opd"]:
        entries = entries.filter(agency__slug=chosen["opd"])
    if chosen["sektor"]:
        entries = entries.filter(sector=chosen["sektor"])
    if chosen["status"]:
        if chosen["status"] not in PublicState.values:
            raise BadFilter(
                _("status must be one of: %(states)s.") % {"states": ", ".join(PublicState.values)}
            )
        entries = entries.in_state(chosen["status"], now)
    if chosen["waktu"] == "mendatang":
        entries = entries.upcoming(now)
    elif chosen["waktu"] == "lalu":
        entries = entries.filter(Q(released_at__lte=now) | Q(state=EntryState.CANCELLED))
    order = "-planned_at" if chosen["waktu"] == "lalu" else "planned_at"
    return entries.order_by(order, "title", "id").prefetch_related("date_changes"), chosen


class BadFilter(Exception):
    """A calendar filter that cannot be read; the message says which and how to write it."""


def calendar(request: HttpRequest) -> HttpResponse:
    try:
        entries, chosen = _calendar_entries(request)
    except BadFilter as error:
        return render(request, "releases/calendar.html", {"error": str(error)}, status=400)
    now = timezone.now()
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("hal"))
    year = timezone.localdate().year
    query = request.GET.copy()
    query.pop("hal", None)
    return render(
        request,
        "releases/calendar.html",
        {
            "page": page,
            "rows": [(e, e.public_state(now), wording(e.planned_at, e.precision)) for e in page],
            "chosen": chosen,
            "query": query.urlencode(),
            "agencies": Agency.objects.active().filter(
                pk__in=ReleaseEntry.objects.values("agency")
            ),
            "sectors": SECTORS,
            "states": PublicState.choices,
            "figures": punctuality.for_year(request.user, year),
            "year": year,
            "can_manage": can(request.user, Capability.MANAGE_RELEASES),
        },
    )


def calendar_ics(request: HttpRequest) -> HttpResponse:
    try:
        entries, _chosen = _calendar_entries(request)
    except BadFilter as error:
        return JsonResponse({"error": str(error)}, status=400)
    return feeds.ical(request, entries)


def calendar_json(request: HttpRequest) -> HttpResponse:
    try:
        entries, chosen = _calendar_entries(request)
    except BadFilter as error:
        return JsonResponse({"error": str(error)}, status=400)
    now = timezone.now()
    return JsonResponse(
        {
            "filter": {k: v for k, v in chosen.items() if v},
            "jam_rilis_standar": f"{settings.RELEASE_TIME} WIB",
            "jumlah": entries.count(),
            "jadwal": [feeds.entry_dict(request, e, now) for e in entries[:1000]],
        },
        json_dumps_params={"ensure_ascii": False},
    )


def entry_detail(request: HttpRequest, key: str) -> HttpResponse:
    entry = get_object_or_404(
        ReleaseEntry.objects.visible_to(request.user).select_related("agency", "item"), uuid=key
    )
    now = timezone.now()
    release = Release.objects.filter(entry=entry).first()
    released = entry.released_at is not None and entry.released_at <= now
    access_list = (
        list(release.access_list.filter(revoked_at__isnull=True)) if release and released else []
    )
    can_manage = can(request.user, Capability.MANAGE_RELEASES)
    can_approve = can(request.user, Capability.APPROVE_RELEASES)
    confirm_form = forms.DateForm(prefix="confirm")
    if not can_approve:
        # Only the Kepala Bidang moves a date; the Walidata confirms a day inside the window.
        del confirm_form.fields["reason"]
    last_day = window(entry.planned_at, entry.precision)[1]
    return render(
        request,
        "releases/entry.html",
        {
            "entry": entry,
            "state": entry.public_state(now),
            "planned": wording(entry.planned_at, entry.precision),
            "changes": entry.date_changes.select_related("approved_by"),
            "release": release,
            "released": released,
            "content_url": release.releasable.release_url()
            if release and released and release.state != ReleaseState.WITHDRAWN
            else "",
            "access_list": access_list,
            "errata": release.errata.all() if release and released else [],
            "delay": entry.delay,
            "can_manage": can_manage,
            "can_approve": can_approve,
            "window_passed": at_release_time(last_day) <= now,
            "confirm_form": confirm_form,
            "reschedule_form": forms.RescheduleForm(prefix="reschedule"),
            "cancel_form": forms.TextForm(label=_("Reason for cancellation"), prefix="cancel"),
        },
    )


def daftar_produk_page(request: HttpRequest, fmt: str = "") -> HttpResponse:
    """``tahun`` (this year by default), or ``dari`` / ``sampai`` (dates)."""
    try:
        start, end, period = _period(request)
    except ValueError:
        message = _("tahun must be a year; dari and sampai dates written as YYYY-MM-DD.")
        if fmt:
            return JsonResponse({"error": message}, status=400)
        return render(request, "releases/daftar_produk.html", {"error": message}, status=400)
    rows = daftar_produk.product_rows(request.user, start, end)
    site_url = request.build_absolute_uri("/").rstrip("/")
    if fmt == "xlsx":
        return _file(
            daftar_produk.products_xlsx(rows, period, site_url),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            f"daftar-produk-diseminasi-{period}.xlsx",
        )
    if fmt == "pdf":
        return _file(
            daftar_produk.products_pdf(rows, period, site_url),
            "application/pdf",
            f"daftar-produk-diseminasi-{period}.pdf",
        )
    query = request.GET.urlencode()
    return render(
        request,
        "releases/daftar_produk.html",
        {"rows": rows, "period": period, "query": query, "year": start.year},
    )


def _period(request: HttpRequest) -> tuple[dt.datetime, dt.datetime, str]:
    zone = timezone.get_default_timezone()
    start_text, end_text = request.GET.get("dari", ""), request.GET.get("sampai", "")
    if start_text or end_text:
        first = dt.date.fromisoformat(start_text) if start_text else dt.date(1970, 1, 1)
        last = dt.date.fromisoformat(end_text) if end_text else timezone.localdate()
        start = timezone.make_aware(dt.datetime.combine(first, dt.time()), zone)
        end = timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time()), zone)
        return start, end, f"{first:%Y%m%d}-{last:%Y%m%d}"
    year = int(request.GET.get("tahun") or timezone.localdate().year)
    if not 1900 < year < 3000:
        raise ValueError(year)
    start, end = punctuality.year_bounds(year)
    return start, end, str(year)


def _file(content: bytes, media_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=media_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def punctuality_page(request: HttpRequest, fmt: str = "") -> HttpResponse:
    try:
        year = int(request.GET.get("tahun") or timezone.localdate().year)
    except ValueError:
        year = 0
    if not 1900 < year < 3000:
        message = _("tahun must be a year, e.g. 2026.")
        if fmt:
            return JsonResponse({"error": message}, status=400)
        raise Http404(message)
    figures = punctuality.for_year(request.user, year)
    if fmt == "json":
        return JsonResponse(
            {"tahun": year, **figures.as_dict()}, json_dumps_params={"ensure_ascii": False}
        )
    return render(request, "releases/punctuality.html", {"figures": figures, "year": year})


# --- The release desk (Walidata and Kepala Bidang) ----------------------------------------------


@capability_required(Capability.MANAGE_RELEASES)
def desk(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    releases = Release.objects.select_related("agency", "entry").order_by("-created_at")
    waiting = [
        (state, label, list(releases.filter(state=state)[:100]))
        for state, label in (
            (ReleaseState.SUBMITTED, _("Waiting for the Kepala Bidang's approval")),
            (ReleaseState.RETURNED, _("Returned with comments")),
            (ReleaseState.APPROVED, _("Approved, to schedule")),
            (ReleaseState.DRAFT, _("Drafts to submit")),
        )
    ]
    scheduled = releases.filter(state=ReleaseState.SCHEDULED, release_at__gt=now).order_by(
        "release_at"
    )
    to_confirm = (
        ReleaseEntry.objects.filter(state=EntryState.PROVISIONAL, released_at__isnull=True)
        .select_related("agency")
        .order_by("planned_at")[:100]
    )
    date_requests = DateRequest.objects.filter(state=DateRequestState.PENDING).select_related(
        "release", "requested_by"
    )
    return render(
        request,
        "releases/desk.html",
        {
            "waiting": waiting,
            "date_requests": date_requests,
            "scheduled": scheduled,
            "to_confirm": [(e, wording(e.planned_at, e.precision)) for e in to_confirm],
            "lists": DataList.objects.filter(status="approved").order_by("-year"),
        },
    )


@require_POST
@capability_required(Capability.MANAGE_RELEASES)
def plan_year(request: HttpRequest) -> HttpResponse:
    data_list = get_object_or_404(DataList, year=request.POST.get("tahun") or 0)
    try:
        created = services.plan_from_data_list(actor=request.user, data_list=data_list)  # type: ignore[arg-type]
    except services.ReleaseRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(n)s release calendar entries planned from Daftar Data %(year)s.")
            % {"n": created, "year": data_list.year},
        )
    return redirect("releases:desk")


def _history(release: Release) -> list[tuple[AuditEvent, str]]:
    events = AuditEvent.objects.for_object(release).select_related("actor").order_by("at", "id")
    return [(event, action_label(event.action)) for event in events]


@capability_required(Capability.MANAGE_RELEASES)
def release_detail(request: HttpRequest, key: str) -> HttpResponse:
    release = get_object_or_404(
        Release.objects.select_related("agency", "entry", "submitted_by", "decided_by"), uuid=key
    )
    return _release_page(request, release)


def _form(action: str, release: Release, data: Any = None) -> Any:
    """The form of one step on a release's page, blank or bound to ``data``; its fields carry
    the step's name as prefix, so the page's forms never share an id."""
    text = {
        "submit": (False, _("Note for the Kepala Bidang")),
        "approve": (False, _("Comments (optional)")),
        "return": (True, _("What has to change")),
        "unschedule": (True, _("Reason")),
        "publish-now": (True, _("Why it goes out now")),
        "withdraw": (True, _("Reason for withdrawal (shown publicly)")),
        "approve-date": (False, _("Comments (optional)")),
        "refuse-date": (True, _("Why the date is refused")),
    }
    if action in text:
        required, label = text[action]
        return forms.TextForm(data, required=required, label=label, prefix=action)
    if action == "schedule":
        return forms.ScheduleForm(data, prefix=action)
    if action == "request-date":
        return forms.DateRequestForm(data, prefix=action)
    if action == "plan":
        return forms.PlanForm(data, initial={"title": release.title}, prefix=action)
    made = {"erratum": forms.ErratumForm, "grant": forms.GrantForm}[action]
    return made(data, prefix=action)


def _release_page(
    request: HttpRequest, release: Release, bound: Any = None, status: int = 200
) -> HttpResponse:
    now = timezone.now()
    content = release.releasable
    forms_for = {name.replace("-", "_"): _form(name, release) for name in STEPS}
    if bound is not None:
        forms_for[bound.prefix.replace("-", "_")] = bound
    entry = release.entry
    problem = ("", "")
    if release.state == ReleaseState.APPROVED:
        problem = services.date_problem_kind(release)
    return render(
        request,
        "releases/release.html",
        {
            "pending_date": _pending_date(release),
            "date_problem": problem[1],
            "confirm_first": problem[0] == "unconfirmed",
            "release": release,
            "content": content,
            "content_url": content.release_url(),
            "published": release.is_published(now),
            "entry": entry,
            "entry_wording": wording(entry.planned_at, entry.precision) if entry else "",
            "approved_wording": wording(release.approved_date_at, release.approved_date_precision)
            if release.approved_date_at
            else "",
            "forms": forms_for,
            "history": _history(release),
            "access_list": release.access_list.select_related("user").prefetch_related("views"),
            "reads_without_grant": reads_without_grant(release),
            "errata": release.errata.all(),
            "can_approve": can(request.user, Capability.APPROVE_RELEASES),
            "states": ReleaseState,
        },
        status=status,
    )


Step = Callable[[Any, Release, Any], Any]

# action -> (what to do with the valid form's data, success message)
STEPS: dict[str, tuple[Step, Any]] = {
    "submit": (
        lambda r, rel, c: services.submit_release(actor=r.user, release=rel, note=c["text"]),
        gettext_lazy("Submitted to the Kepala Bidang."),
    ),
    "approve": (
        lambda r, rel, c: services.approve_release(actor=r.user, release=rel, comment=c["text"]),
        gettext_lazy("Approved."),
    ),
    "return": (
        lambda r, rel, c: services.return_release(actor=r.user, release=rel, comment=c["text"]),
        gettext_lazy("Returned with comments."),
    ),
    "schedule": (
        lambda r, rel, c: services.schedule_release(actor=r.user, release=rel),
        gettext_lazy("Scheduled: it goes out at its release time on every channel at once."),
    ),
    "request-date": (
        lambda r, rel, c: services.request_date(
            actor=r.user, release=rel, day=c["day"], time=c["time"], reason=c["reason"]
        ),
        gettext_lazy(
            "Sent to the Kepala Bidang. Once the new date is approved, the release is scheduled "
            "on it; you will be notified."
        ),
    ),
    "approve-date": (
        lambda r, rel, c: services.approve_date(
            actor=r.user, request=_pending_or_refuse(rel), comment=c["text"]
        ),
        gettext_lazy("The new date is approved and the release is scheduled on it."),
    ),
    "refuse-date": (
        lambda r, rel, c: services.refuse_date(
            actor=r.user, request=_pending_or_refuse(rel), comment=c["text"]
        ),
        gettext_lazy("The date is refused; the Walidata is told why."),
    ),
    "plan": (
        lambda r, rel, c: _plan_for(r, rel, c),
        gettext_lazy("Planned on the release calendar; confirm its exact date next."),
    ),
    "unschedule": (
        lambda r, rel, c: services.unschedule_release(actor=r.user, release=rel, reason=c["text"]),
        gettext_lazy(
            "Taken off the schedule. To release it, ask the Kepala Bidang for its new date below."
        ),
    ),
    "publish-now": (
        lambda r, rel, c: services.publish_now(actor=r.user, release=rel, reason=c["text"]),
        gettext_lazy("Released now."),
    ),
    "withdraw": (
        lambda r, rel, c: services.withdraw_release(actor=r.user, release=rel, reason=c["text"]),
        gettext_lazy("Withdrawn; the notice stays."),
    ),
    "erratum": (
        lambda r, rel, c: services.add_erratum(
            actor=r.user, release=rel, note=c["note"], significant=c["significant"]
        ),
        gettext_lazy("Erratum added."),
    ),
    "grant": (
        lambda r, rel, c: services.grant_access(
            actor=r.user,
            release=rel,
            person=c["person"],
            organisation=c["organisation"],
            position=c["position"],
            justification=c["justification"],
            access_from=c["access_from"],
        ),
        gettext_lazy("Pre-release access granted."),
    ),
}


def _pending_date(release: Release) -> DateRequest | None:
    return (
        release.date_requests.filter(state=DateRequestState.PENDING)
        .select_related("requested_by")
        .first()
    )


def _pending_or_refuse(release: Release) -> DateRequest:
    pending = _pending_date(release)
    if pending is None:
        raise services.ReleaseRefused(_("No request for a new date is waiting on this release."))
    return pending


def _plan_for(request: HttpRequest, release: Release, data: Any) -> ReleaseEntry:
    if release.state == ReleaseState.SUBMITTED:
        # While it waits, the Kepala Bidang decides on the entry they were shown: a date planned
        # meanwhile would be approved unseen. (Planned after approval, a date still needs theirs.)
        raise services.ReleaseRefused(
            _(
                "The release is waiting for the Kepala Bidang: plan its calendar entry after "
                "their decision, or ask them to return it first."
            )
        )
    entry = services.plan_entry(
        actor=request.user,  # type: ignore[arg-type]
        title=data["title"],
        agency=release.agency,
        item=release.releasable.release_item(),
        planned_at=at_release_time(data["month"].replace(day=1)),
        kind=release.kind,
        reference_period=data["reference_period"],
        contact=services.agency_contact(release.agency),
    )
    Release.objects.filter(pk=release.pk, entry__isnull=True).update(entry=entry)
    return entry


@require_POST
@capability_required(Capability.MANAGE_RELEASES)
def release_action(request: HttpRequest, key: str, action: str) -> HttpResponse:
    release = get_object_or_404(Release, uuid=key)
    if action == "revoke":
        access = get_object_or_404(release.access_list, pk=request.POST.get("access") or 0)
        services.revoke_access(actor=request.user, access=access)  # type: ignore[arg-type]
        messages.success(request, _("Pre-release access revoked."))
        return redirect("releases:release", key=release.uuid)
    if action not in STEPS:
        raise Http404(action)
    step, done = STEPS[action]
    form = _form(action, release, request.POST)
    if not form.is_valid():
        return _release_page(request, release, form, status=400)
    try:
        step(request, release, form.cleaned_data)
    except services.ReleaseRefused as error:
        messages.error(request, str(error))
        return redirect("releases:release", key=release.uuid)
    messages.success(request, str(done))
    return redirect("releases:release", key=release.uuid)


ENTRY_STEPS = ("confirm", "reschedule", "cancel")


@require_POST
@capability_required(Capability.MANAGE_RELEASES)
def entry_action(request: HttpRequest, key: str, action: str) -> HttpResponse:
    entry = get_object_or_404(ReleaseEntry, uuid=key)
    if action not in ENTRY_STEPS:
        raise Http404(action)
    form: Any
    if action == "confirm":
        form = forms.DateForm(request.POST, prefix=action)
    elif action == "reschedule":
        form = forms.RescheduleForm(request.POST, prefix=action)
    else:
        form = forms.TextForm(request.POST, prefix=action)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("releases:entry", key=entry.uuid)
    data = form.cleaned_data
    try:
        if action == "confirm":
            services.confirm_entry(
                actor=request.user,  # type: ignore[arg-type]
                entry=entry,
                day=data["day"],
                time=data["time"],
                reason=data.get("reason") or "",
            )
            messages.success(request, _("The release date is confirmed."))
        elif action == "reschedule":
            services.reschedule_entry(
                actor=request.user,  # type: ignore[arg-type]
                entry=entry,
                planned_at=form.moment(),
                precision=data["precision"],
                reason=data["reason"],
            )
            messages.success(request, _("The release date is changed; the calendar shows why."))
        else:
            services.cancel_entry(actor=request.user, entry=entry, reason=data["text"])  # type: ignore[arg-type]
            messages.success(request, _("The release is cancelled; the calendar shows why."))
    except services.ReleaseRefused as error:
        messages.error(request, str(error))
    return redirect("releases:entry", key=entry.uuid)
