"""Support figures for activity 6 (part E): the report page and its JSON.

The period is chosen with ``periode`` (``bulan``, ``triwulan``, ``tahun``), ``tahun`` and,
for a month or a quarter, ``bulan`` (1–12) or ``triwulan`` (1–4); the default is the current
month. A value that is not a period answers 400 with the reason (JSON) or the page's error.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from satudata.accounts.permissions import capability_required
from satudata.accounts.roles import Capability
from satudata.products.models import Product
from satudata.releases.models import Release
from satudata.support import publishing, stats
from satudata.support.forms_reports import AdhocTableForm, ErratumForm
from satudata.support.models import AdhocTable, Category, Ticket
from satudata.support.services import SupportError


class PeriodError(ValueError):
    pass


def _int(request: HttpRequest, name: str, default: int, low: int, high: int) -> int:
    raw = request.GET.get(name) or str(default)
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise PeriodError(
            _("%(name)s must be a whole number from %(low)s to %(high)s.")
            % {"name": name, "low": low, "high": high}
        )
    return value


def period_of(request: HttpRequest) -> tuple[str, dt.date, dt.date, str]:
    """(kind, first day, last day, label) of the period the request asks for."""
    today = timezone.localdate()
    kind = request.GET.get("periode") or "bulan"
    year = _int(request, "tahun", today.year, 2000, 2100)
    if kind == "tahun":
        return kind, dt.date(year, 1, 1), dt.date(year, 12, 31), str(year)
    if kind == "triwulan":
        quarter = _int(request, "triwulan", (today.month - 1) // 3 + 1, 1, 4)
        first = dt.date(year, 3 * quarter - 2, 1)
        last_month = 3 * quarter
        last = dt.date(year, last_month, calendar.monthrange(year, last_month)[1])
        return kind, first, last, _("Quarter %(q)s %(year)s") % {"q": quarter, "year": year}
    if kind == "bulan":
        month = _int(request, "bulan", today.month, 1, 12)
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        return kind, dt.date(year, month, 1), last, f"{month:02d}/{year}"
    raise PeriodError(_("periode must be bulan, triwulan or tahun."))


@capability_required(Capability.VIEW_SUPPORT_REPORTS)
def report(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    try:
        kind, start, end, label = period_of(request)
    except PeriodError as error:
        return render(request, "support/reports/report.html", {"error": str(error)}, status=400)
    figures = stats.period_figures(start, end)
    return render(
        request,
        "support/reports/report.html",
        {
            "figures": figures,
            "kip_table": stats.kip_yearly_table(start.year),
            "kind": kind,
            "start": start,
            "end": end,
            "label": label,
            "query": request.GET.urlencode(),
            "months": range(1, 13),
            "quarters": range(1, 5),
            "sample": Ticket.objects.samples().exists(),
        },
    )


@capability_required(Capability.VIEW_SUPPORT_REPORTS)
def report_json(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    try:
        _kind, start, end, _label = period_of(request)
    except PeriodError as error:
        return JsonResponse({"error": str(error)}, status=400)
    figures = stats.period_figures(start, end)
    figures["kip_yearly"] = stats.kip_yearly_table(start.year)
    return JsonResponse(figures, json_dumps_params={"ensure_ascii": False})


@capability_required(Capability.COMPOSE_PRODUCTS)
def adhoc_table(request: HttpRequest, pk: int) -> HttpResponse:
    """An answered (or answerable) data request → its table published for everyone."""
    ticket = get_object_or_404(Ticket, pk=pk, category=Category.DATA_REQUEST)
    existing = AdhocTable.objects.filter(ticket=ticket).select_related("product", "release").first()
    form = AdhocTableForm(request.POST if request.method == "POST" else None, ticket=ticket)
    if request.method == "POST" and existing is None and form.is_valid():
        try:
            publishing.adhoc_table_from_ticket(
                actor=request.user,
                ticket=ticket,
                product=form.cleaned_data["product"],
                note=form.cleaned_data["note"],
            )
        except SupportError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _(
                    "The table was submitted for approval as an ad hoc table, and the "
                    "requester was told where it will be published."
                ),
            )
            return redirect("support:ticket", pk=ticket.pk)
    builder = None
    if ticket.dataset is not None:
        builder = reverse("builder:table", args=[ticket.dataset.slug])
    return render(
        request,
        "support/reports/adhoc.html",
        {"ticket": ticket, "form": form, "existing": existing, "builder": builder},
        status=400 if form.errors else 200,
    )


@capability_required(Capability.MANAGE_RELEASES)
def erratum(request: HttpRequest, pk: int) -> HttpResponse:
    """A confirmed "koreksi data" ticket → an erratum on a published release, and the answer."""
    ticket = get_object_or_404(Ticket, pk=pk, category=Category.CORRECTION)
    form = ErratumForm(request.POST or None, ticket=ticket)
    if request.method == "POST" and form.is_valid():
        try:
            publishing.erratum_from_ticket(
                actor=request.user,
                ticket=ticket,
                release=form.cleaned_data["release"],
                note=form.cleaned_data["note"],
                significant=form.cleaned_data["significant"],
            )
        except SupportError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The erratum was published and the requester answered."))
            return redirect("support:ticket", pk=ticket.pk)
    return render(request, "support/reports/erratum.html", {"ticket": ticket, "form": form})


def adhoc_list(request: HttpRequest) -> HttpResponse:
    """The ad hoc tables the viewer may see (the products' one visibility gate) whose ad hoc
    release is out, newest first: what was made for one requester, open to all. Nothing of the
    requesters is shown."""
    released = AdhocTable.objects.filter(release__in=Release.objects.published())
    products = (
        Product.objects.visible_to(request.user)
        .filter(adhoc_tables__in=released)
        .select_related("agency")
        .annotate(requested_at=Max("adhoc_tables__created_at"))
        .order_by("-requested_at", "title")
    )
    page = Paginator(products, 25).get_page(request.GET.get("halaman"))
    return render(request, "support/public/adhoc_list.html", {"page": page})
