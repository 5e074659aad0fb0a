"""The IKM survey and its recap (part D).

The survey is open to any visitor (``survey``: the address's hourly limit and the ask form's
proof of work, ``satudata.support.pow``, guard it) and offered to a requester once their ticket
is closed (``survey_ticket``, through the ticket's secret link or the closing e-mail's survey
link; one answer per ticket, the OneToOne column being the guard). The ticket's survey asks no
proof of work: its link is the proof (only the requester has it, a ticket takes one answer,
and every ticket was itself sent through the proof of work or recorded by staff). Answers keep
the respondent profile and nothing else about the person. The recap (``recap``,
``recap_export``) is for holders of VIEW_SUPPORT_REPORTS.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.core import get_usage  # type: ignore[import-untyped]

from satudata.accounts.permissions import capability_required
from satudata.accounts.roles import Capability
from satudata.core.ratelimit import client_key, throttled
from satudata.support import ikm, ikm_export, pow, services
from satudata.support.forms_ikm import RecapForm, SurveyForm
from satudata.support.models import Category, State, SurveyResponse, Ticket

RATE_GROUP = "support-survey"


def _surveys_per_hour() -> int:
    return int(getattr(settings, "SUPPORT_SURVEYS_PER_HOUR", 10))


def _over_limit(request: HttpRequest) -> HttpResponse | None:
    """A 429 page when this address sent more answers this hour than allowed (staff signed in
    are not counted)."""
    if not settings.RATE_LIMIT_ENABLED or request.user.is_authenticated:
        return None
    usage = get_usage(
        request,
        group=RATE_GROUP,
        key=client_key,
        rate=f"{_surveys_per_hour()}/h",
        increment=True,
    )
    if usage is None or not usage["should_limit"]:
        return None
    return throttled(request, RATE_GROUP, max(1, int(usage["time_left"])))


def _save(form: SurveyForm, *, ticket: Ticket | None, service: str) -> SurveyResponse:
    data = form.cleaned_data
    return SurveyResponse.objects.create(
        ticket=ticket,
        service=service,
        age=data.get("age"),
        sex=data.get("sex") or "",
        education=data.get("education") or "",
        occupation=data.get("occupation") or "",
        suggestion=data.get("suggestion") or "",
        **{field: data[field] for field in ikm.FIELDS},
    )


@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest) -> HttpResponse:
    """The survey any visitor may answer."""
    if request.GET.get("terkirim") == "1":
        return render(request, "support/ikm/thanks.html", {})
    form = SurveyForm(request.POST or None, with_challenge=True)
    status = 200
    if request.method == "POST":
        limited = _over_limit(request)
        if limited is not None:
            return limited
        if form.is_valid():
            try:
                pow.verify(form.cleaned_data["pow_challenge"], form.cleaned_data["pow_nonce"])
            except services.SupportError as error:
                form.add_error(None, error.message)
            else:
                _save(form, ticket=None, service=form.cleaned_data.get("service") or "")
                return redirect(reverse("support:survey") + "?terkirim=1")
        status = 400
    return render(
        request,
        "support/ikm/survey.html",
        {"form": form, "ticket": None, "pow_bits": pow.bits()},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def survey_ticket(request: HttpRequest, token: str) -> HttpResponse:
    """The survey of one closed ticket, reached by its secret link; answered once. Its address
    holds the secret, so it is kept out of referrers, caches and search engines like the
    follow page."""
    from satudata.support.views_public import private_headers

    response = _survey_of_ticket(request, token)
    private_headers(response)
    return response


def _survey_of_ticket(request: HttpRequest, token: str) -> HttpResponse:
    # The follow link's secret, or the survey link of the closing e-mail (which opens only
    # the survey: the refusal page then offers no link to the conversation).
    ticket = services.ticket_by_token(token)
    follow_token = token if ticket is not None else ""
    ticket = ticket or services.ticket_by_survey_token(token)
    if ticket is None:
        return render(request, "support/ikm/refused.html", {"reason": "unknown"}, status=404)
    context: dict[str, Any] = {"ticket": ticket, "token": follow_token}
    if ticket.merged_into_id is not None:
        return render(request, "support/ikm/refused.html", {**context, "reason": "merged"})
    if ticket.state != State.CLOSED:
        return render(request, "support/ikm/refused.html", {**context, "reason": "open"})
    if SurveyResponse.objects.filter(ticket=ticket).exists():
        return render(request, "support/ikm/refused.html", {**context, "reason": "answered"})
    form = SurveyForm(request.POST or None, with_service=False)
    if request.method == "POST":
        limited = _over_limit(request)
        if limited is not None:
            return limited
        if form.is_valid():
            try:
                with transaction.atomic():
                    _save(form, ticket=ticket, service=ticket.category)
            except IntegrityError:  # a second answer sent at the same moment
                return render(
                    request, "support/ikm/refused.html", {**context, "reason": "answered"}
                )
            return render(request, "support/ikm/thanks.html", context)
    return render(
        request,
        "support/ikm/survey.html",
        {**context, "form": form, "service_label": Category(ticket.category).label},
    )


def _recap_context(request: HttpRequest) -> tuple[RecapForm, dict[str, Any] | None]:
    form = RecapForm.from_query(request.GET)
    if not form.is_valid():
        return form, None
    start, end = form.cleaned_data["range"]
    weight = form.cleaned_data["weight"]
    figures = ikm.recap(start, end, form.service_filter, weight=weight)
    return form, figures


@require_GET
@capability_required(Capability.VIEW_SUPPORT_REPORTS)
def recap(request: HttpRequest) -> HttpResponse:
    """The IKM of a period: NRR per unsur (the lowest highlighted), the index, its band, the
    respondent profile and the index per service."""
    form, figures = _recap_context(request)
    query = urlencode({k: v for k, v in form.data.items() if v not in (None, "")})
    context: dict[str, Any] = {
        "form": form,
        "figures": figures,
        "query": query,
        "bands": ikm.BANDS,
        # The demo's answers carry no mark of their own; they come with its sample tickets.
        "sample": Ticket.objects.samples().exists(),
    }
    if figures is not None:
        context["page"] = ikm_export.page_figures(figures, form)
    return render(request, "support/ikm/recap.html", context)


@require_GET
@capability_required(Capability.VIEW_SUPPORT_REPORTS)
def recap_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The official recap (rekapitulasi) as XLSX or PDF."""
    if fmt not in ("xlsx", "pdf"):
        raise Http404
    form, figures = _recap_context(request)
    if figures is None:
        messages.error(request, _("Choose a valid period before downloading the recap."))
        return redirect(reverse("support:ikm") + "?" + request.GET.urlencode())
    content, media_type = ikm_export.render(fmt, form, figures)
    response = HttpResponse(content, content_type=media_type)
    name = ikm_export.filename(figures, fmt)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
