"""Public pages of the help desk: asking (search first), following a ticket (part B).

Asking: the visitor types the question; ``suggest`` answers from the FAQ and the catalogue while
they type (``satudata.support.suggest``); "this answers my question" is counted
(``suggest_answered``), sending anyway is counted too. A ticket is created only after the spam
checks: a hidden field that must stay empty, a proof of work (``satudata.support.pow``, the
challenge from ``challenge``) and a number of tickets per client address and hour
(``SUPPORT_TICKETS_PER_HOUR``, counted in the rate-limit cache). Without JavaScript the form is
shown in full but says it cannot be sent (the proof of work needs the browser), and names the
other ways to ask (walk-in, e-mail, telephone).

Following: the secret link opens the ticket (``services.ticket_by_token``); a wrong or guessed
link is a 404 in the visitor's language. These pages are private: no referrer leaves them, no
cache keeps them, no search engine indexes them. Only public messages and their attachments
are shown, never internal notes.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.cache import caches
from django.core.files.storage import default_storage
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.core import get_usage  # type: ignore[import-untyped]

from satudata.catalog.models import Dataset
from satudata.catalog.search import is_uuid
from satudata.core.middleware import cleans_its_form
from satudata.core.ratelimit import client_key
from satudata.products.models import Product
from satudata.support import attachments, clocks, pow, services
from satudata.support import suggest as suggestions
from satudata.support.forms_public import (
    CONTROL_ERROR,
    AskForm,
    ObjectionForm,
    ReplyForm,
    without_control_characters,
)
from satudata.support.models import (
    Category,
    MessageKind,
    State,
    Ticket,
    TicketAttachment,
)

DONE_SALT = "satudata.support.ask-done"
DONE_MAX_AGE = 60 * 60
RATE_GROUP = "support-tickets"


# --- Asking ---------------------------------------------------------------------------------


def _about(request: HttpRequest, dataset_ref: str, product_ref: str) -> dict[str, Any]:
    """The dataset or product the question is about, when the visitor may see it."""
    found: dict[str, Any] = {}
    dataset_ref, product_ref = (dataset_ref or "").strip(), (product_ref or "").strip()
    if dataset_ref:
        visible = Dataset.objects.visible_to(request.user).select_related("agency")
        if is_uuid(dataset_ref):
            found["dataset"] = visible.filter(uuid=dataset_ref).first()
        elif dataset_ref.isdigit() and len(dataset_ref) < 12:
            found["dataset"] = visible.filter(pk=int(dataset_ref)).first()
        else:
            found["dataset"] = visible.filter(slug=dataset_ref[:100]).first()
    if product_ref:
        found["product"] = (
            Product.objects.visible_to(request.user).filter(slug=product_ref[:100]).first()
        )
    return {k: v for k, v in found.items() if v is not None}


def _rate_limited(request: HttpRequest) -> int:
    """Count one ticket for the client's address; past the hour's allowance, the seconds until
    the next window (at least 1), else 0."""
    per_hour = int(settings.SUPPORT_TICKETS_PER_HOUR)
    if not settings.RATE_LIMIT_ENABLED or per_hour <= 0:
        return 0
    usage = get_usage(
        request, group=RATE_GROUP, key=client_key, rate=f"{per_hour}/h", increment=True
    )
    if usage is None or not usage["should_limit"]:
        return 0
    return max(1, int(usage["time_left"]))


def _first_page_error(form: AskForm, error: services.SupportError) -> None:
    field = error.field if error.field in form.fields else None
    if error.field == "requester_name":
        field = "requester_name"
    form.add_error(field, error.message)


def _refuse_control_characters(form: AskForm, dirty: list[str]) -> None:
    """Send the form back, its text kept without the control characters, said beside each
    field that had some (or above the form, for a field the visitor does not see)."""
    form.is_valid()
    shown = {name for name, field in form.fields.items() if not field.widget.is_hidden}
    for name in dict.fromkeys(name if name in shown else None for name in dirty):
        form.add_error(name, CONTROL_ERROR)


def _done_page(request: HttpRequest, signed: str) -> HttpResponse:
    try:
        pk = signing.loads(signed, salt=DONE_SALT, max_age=DONE_MAX_AGE)
        ticket = Ticket.objects.get(pk=pk)
    except (signing.BadSignature, Ticket.DoesNotExist, TypeError, ValueError):
        return redirect("support:ask")
    response = render(request, "support/public/done.html", {"ticket": ticket})
    private_headers(response)
    return response


@cleans_its_form
@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest) -> HttpResponse:
    if request.method == "GET" and request.GET.get("terkirim"):
        return _done_page(request, request.GET["terkirim"][:300])
    status, retry_after = 200, 0
    if request.method == "POST":
        posted, dirty = without_control_characters(request.POST)
        form = AskForm(posted, request.FILES)
        about = _about(request, posted.get("dataset", ""), posted.get("product", ""))
        if dirty:
            _refuse_control_characters(form, dirty)
        elif form.is_valid():
            data = form.cleaned_data
            try:
                if data["website"]:
                    # A person never sees this field: only a robot fills it. Said plainly all
                    # the same, in case a browser's autofill did.
                    raise services.SupportError(
                        _("The form could not be sent. Empty the field marked for robots."), ""
                    )
                pow.verify(data["pow_challenge"], data["pow_nonce"])
                files = attachments.check_all(data["attachments"])
                retry_after = _rate_limited(request)
                if retry_after:
                    status = 429
                    raise services.SupportError(
                        _(
                            "Too many requests were sent from your address in the last hour. "
                            "Try again later, or contact us by telephone or in person."
                        ),
                        "",
                    )
                ticket, _token = services.create_ticket(
                    actor=request.user,
                    category=data["category"],
                    subject=data["subject"],
                    message=data["message"],
                    requester_name=data["requester_name"],
                    requester_email=data["requester_email"],
                    requester_phone=data["requester_phone"],
                    files=files,
                    language=(translation.get_language() or "id")[:2],
                    institution_type=data["institution_type"],
                    institution_name=data["institution_name"].strip(),
                    purpose=data["purpose"].strip(),
                    requested_format=data["requested_format"].strip(),
                    delivery=data["delivery"],
                    dataset=about.get("dataset"),
                    product=about.get("product"),
                )
            except services.SupportError as error:
                _first_page_error(form, error)
            else:
                suggestions.record_ticket(
                    data["search_query"] or data["subject"], data["search_results"] or 0
                )
                done = signing.dumps(ticket.pk, salt=DONE_SALT)
                return redirect(f"{reverse('support:ask')}?terkirim={done}")
        status = status if status != 200 else 400
    else:
        about = _about(request, request.GET.get("dataset", ""), request.GET.get("product", ""))
        initial: dict[str, Any] = {}
        if "dataset" in about:
            initial.update(
                dataset=str(about["dataset"].uuid),
                subject=_("About the data: %(title)s") % {"title": about["dataset"].title},
            )
        if "product" in about:
            initial.update(
                product=about["product"].slug,
                subject=_("About: %(title)s") % {"title": about["product"].title},
            )
        category = request.GET.get("kategori", "")
        if category in Category.values:
            initial["category"] = category
        form = AskForm(initial=initial)
    response = render(
        request,
        "support/public/ask.html",
        {
            "form": form,
            "about": about,
            "pow_bits": pow.bits(),
            "per_hour": settings.SUPPORT_TICKETS_PER_HOUR,
        },
        status=status,
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@require_GET
def suggest(request: HttpRequest) -> JsonResponse:
    found = suggestions.suggestions(
        request.user, request.GET.get("q", ""), translation.get_language() or "id"
    )
    response = JsonResponse(found, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "private, max-age=60"
    return response


def _answered_entry(kind: str, raw_id: str) -> tuple[bool, int | None]:
    """Whether ``kind`` and ``id`` name a suggestion the box can show (an FAQ entry's number or
    a dataset's UUID), and the FAQ entry's number."""
    if kind == "faq" and raw_id.isdigit() and len(raw_id) < 12:
        return True, int(raw_id)
    return kind == "dataset" and is_uuid(raw_id), None


@require_POST
def suggest_answered(request: HttpRequest) -> HttpResponse:
    """The visitor says a suggestion answered them: counted once per address, entry and hour.
    Anything else posted here (a made-up kind or id) is thanked but not counted, so the figures
    cannot be filled by a script and the cache key stays short."""
    kind, raw_id = request.POST.get("kind", "")[:10], request.POST.get("id", "")[:64]
    known, faq_id = _answered_entry(kind, raw_id)
    try:
        results = int(request.POST.get("results", "0")[:4])
    except ValueError:
        results = 0
    key = f"support-answered:{client_key('', request)}:{kind}:{raw_id}"
    if known and caches[settings.RATELIMIT_USE_CACHE].add(key, 1, timeout=3600):
        suggestions.record_answered(request.POST.get("q", "")[:300], results, faq_id)
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"ok": True, "message": _("Thank you. We are glad it helped.")})
    messages.success(request, _("Thank you. We are glad it helped."))
    return redirect("support:help")


@require_GET
def challenge(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(pow.issue())
    response["Cache-Control"] = "no-store"
    return response


# --- Following a ticket ----------------------------------------------------------------------


def private_headers(response: HttpResponseBase) -> HttpResponseBase:
    # "same-origin", not "no-referrer": the secret address never leaves for another site, and
    # the page's own forms still carry their Origin (browsers send "Origin: null" from a
    # no-referrer page, which the CSRF check refuses).
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _not_found(request: HttpRequest) -> HttpResponse:
    response = render(request, "support/public/not_found.html", status=404)
    private_headers(response)
    return response


def _ticket_or_none(token: str) -> Ticket | None:
    return services.ticket_by_token(token)


def _follow_context(ticket: Ticket, token: str) -> dict[str, Any]:
    public = (
        ticket.messages.exclude(kind=MessageKind.NOTE)
        .select_related("author")
        .prefetch_related("attachments")
    )
    now = timezone.now()
    objection_refusal = services.objection_refusal(ticket, now)
    arose = services.objection_reason_arose(ticket, now)
    return {
        "ticket": ticket,
        "token": token,
        "public_messages": public,
        "can_reply": ticket.merged_into_id is None
        and (ticket.state in {State.ANSWERED} or ticket.is_open),
        "can_object": not objection_refusal,
        "objection_refusal": objection_refusal,
        "objection_ends": clocks.objection_filing_ends(arose) if arose else None,
        "objections": ticket.objections.all(),
        "survey_url": reverse("support:survey_ticket", args=[token])
        if ticket.state == State.CLOSED and ticket.merged_into_id is None
        else "",
        "new_url": reverse("support:ask"),
    }


@require_http_methods(["GET", "POST"])
def follow(request: HttpRequest, token: str) -> HttpResponse:
    ticket = _ticket_or_none(token)
    if ticket is None:
        return _not_found(request)
    context = _follow_context(ticket, token)
    form = ReplyForm()
    status = 200
    if request.method == "POST":
        form = ReplyForm(request.POST, request.FILES)
        if not context["can_reply"]:
            form.is_valid()
            form.add_error(None, _closed_message(ticket))
            status = 409
        elif form.is_valid():
            try:
                files = attachments.check_all(form.cleaned_data["attachments"])
                services.requester_reply(ticket=ticket, body=form.cleaned_data["body"], files=files)
            except services.SupportError as error:
                form.add_error(
                    "body" if error.field in {"body", ""} else "attachments", error.message
                )
                if error.field == "":
                    form.errors.pop("body", None)
                    form.add_error(None, error.message)
            else:
                messages.success(request, _("Your reply has been sent."))
                return redirect("support:follow", token=token)
        status = status if status != 200 else 400
        ticket.refresh_from_db()
        context = _follow_context(ticket, token)
    context.update(
        form=form,
        objection_form=ObjectionForm(grounds=services.objection_grounds(ticket)),
        closed_message=_closed_message(ticket),
    )
    response = render(request, "support/public/follow.html", context, status=status)
    private_headers(response)
    return response


def _closed_message(ticket: Ticket) -> str:
    if ticket.merged_into_id is not None and ticket.merged_into is not None:
        return _(
            "This request was merged into request %(number)s and takes no more replies. If you "
            "have a new question, open a new request."
        ) % {"number": ticket.merged_into.number}
    return _(
        "This request is closed and takes no more replies. If you have a further question, "
        "open a new request."
    )


@require_GET
def follow_attachment(request: HttpRequest, token: str, pk: int) -> HttpResponseBase:
    ticket = _ticket_or_none(token)
    if ticket is None:
        return _not_found(request)
    item = (
        TicketAttachment.objects.filter(pk=pk, message__ticket=ticket)
        .exclude(message__kind=MessageKind.NOTE)
        .first()
    )
    if item is None or not default_storage.exists(item.path):
        return _not_found(request)
    response = FileResponse(
        default_storage.open(item.path, "rb"),
        as_attachment=True,
        filename=item.filename,
        content_type=item.mimetype or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return private_headers(response)


@require_POST
def objection(request: HttpRequest, token: str) -> HttpResponse:
    ticket = _ticket_or_none(token)
    if ticket is None:
        return _not_found(request)
    context = _follow_context(ticket, token)
    form = ObjectionForm(request.POST, grounds=services.objection_grounds(ticket))
    # The objection form is shown (folded) only while an objection may be filed, so a refusal
    # is said in the page's messages too: its field errors alone could be out of sight.
    if not context["can_object"]:
        messages.error(request, context["objection_refusal"])
    elif form.is_valid():
        try:
            services.file_objection(
                ticket=ticket,
                reason=form.cleaned_data["reason"],
                statement=form.cleaned_data["statement"],
            )
        except services.SupportError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Your objection has been registered; the decision is sent to your e-mail."),
            )
            return redirect("support:follow", token=token)
    else:
        messages.error(request, _("Nothing was saved: fix the answers marked below."))
    context.update(form=ReplyForm(), objection_form=form, closed_message=_closed_message(ticket))
    response = render(request, "support/public/follow.html", context, status=400)
    private_headers(response)
    return response
