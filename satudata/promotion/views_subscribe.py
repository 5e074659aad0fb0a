"""Subscription pages: the form, the confirmation, the preference page and unsubscribing.

These pages are private like the help desk's ticket pages (``private_headers``): no cache keeps
them, no referrer carries their secret address away, no search engine indexes them. A link
that is forged, altered, expired or voided opens one page, "this link is not valid", with
what to do (subscribe again), as a 404, whatever the reason: a link never tells whether an
address is subscribed.

Mail scanners open the links of an e-mail before its reader does: a GET never changes
anything, confirming and unsubscribing take a POST from the page's button. Unsubscribing also
takes the RFC 8058 one-click POST of a mail client (``List-Unsubscribe=One-Click``), which
carries no CSRF token and no cookie: that view alone is exempt from the CSRF check, the signed
token in its address being the authority (a third site cannot know it).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import get_usage  # type: ignore[import-untyped]

from satudata.accounts.models import Agency
from satudata.catalog.metadata.standard import SECTORS
from satudata.catalog.models import Dataset
from satudata.catalog.search import is_uuid
from satudata.core.ratelimit import client_key
from satudata.products.models import Product
from satudata.promotion import subscriptions, tokens
from satudata.promotion.forms_subscribe import PreferencesForm, SubscribeForm
from satudata.promotion.models import Subscriber, SubscriberState, TopicKind
from satudata.support.views_public import private_headers

RATE_GROUP = "promotion-subscribe"
ONE_CLICK = "One-Click"
TOO_MANY = gettext_lazy(
    "Too many subscription requests were sent from your connection in the last hour. Try "
    "again in an hour."
)


def _page(
    request: HttpRequest, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    response = render(request, f"promotion/subscribe/{template}", context or {}, status=status)
    private_headers(response)
    return response


def _invalid_link(request: HttpRequest) -> HttpResponse:
    return _page(request, "invalid_link.html", status=404)


# --- What a page offers to follow ----------------------------------------------------------------


def _offered(request: HttpRequest) -> list[tuple[str, str, str]]:
    """The dataset or product whose page linked here (``?dataset=`` / ``?produk=`` with its
    uuid), when the public may see it, as ``(kind, uuid, title)``."""
    anonymous = AnonymousUser()
    offered = []
    dataset_ref = request.GET.get("dataset", "")[:64].strip()
    if is_uuid(dataset_ref):
        dataset = Dataset.objects.visible_to(anonymous).filter(uuid=dataset_ref).first()
        if dataset is not None:
            offered.append((TopicKind.DATASET.value, str(dataset.uuid), dataset.title))
    product_ref = request.GET.get("produk", "")[:64].strip()
    if is_uuid(product_ref):
        product = Product.objects.visible_to(anonymous).filter(uuid=product_ref).first()
        if product is not None:
            offered.append((TopicKind.PRODUCT.value, str(product.uuid), product.title))
    return offered


def _followed(subscriber: Subscriber) -> list[tuple[str, str, str]]:
    """The datasets and products a subscriber follows, with their titles (one that is no longer
    public is shown by its kind only, so that it can still be unticked)."""
    values = {
        kind: [v for k, v in subscriber.topics.values_list("kind", "value") if k == kind]
        for kind in (TopicKind.DATASET, TopicKind.PRODUCT)
    }
    anonymous = AnonymousUser()
    titles = {
        str(u): t
        for u, t in Dataset.objects.visible_to(anonymous)
        .filter(uuid__in=[v for v in values[TopicKind.DATASET] if is_uuid(v)])
        .values_list("uuid", "title")
    }
    titles.update(
        (str(u), t)
        for u, t in Product.objects.visible_to(anonymous)
        .filter(uuid__in=[v for v in values[TopicKind.PRODUCT] if is_uuid(v)])
        .values_list("uuid", "title")
    )
    fallback = {TopicKind.DATASET: _("A dataset"), TopicKind.PRODUCT: _("A product")}
    return [
        (kind.value, value, titles.get(value, str(fallback[kind])))
        for kind, found in values.items()
        for value in found
    ]


def _chosen_summary(subscriber: Subscriber) -> list[str]:
    """What a subscriber follows, in words, for the confirmation page."""
    if subscriber.everything:
        return [_("Every release")]
    sectors = {c.key: str(c.label) for c in SECTORS}
    topics = list(subscriber.topics.values_list("kind", "value"))
    agencies = dict(
        Agency.objects.filter(slug__in=[v for k, v in topics if k == TopicKind.AGENCY]).values_list(
            "slug", "name"
        )
    )
    items = {value: title for _kind, value, title in _followed(subscriber)}
    lines = []
    for kind, value in topics:
        if kind == TopicKind.SECTOR:
            lines.append(_("Sector: %(name)s") % {"name": sectors.get(value, value)})
        elif kind == TopicKind.AGENCY:
            lines.append(_("Agency: %(name)s") % {"name": agencies.get(value, value)})
        else:
            lines.append(items.get(value, value))
    if subscriber.calendar_changes:
        lines.append(_("Release calendar changes"))
    return lines


# --- Subscribing ---------------------------------------------------------------------------------


def _rate_limited(request: HttpRequest) -> int:
    """Count one request for the client's address; past the hour's allowance, the seconds until
    the next window (at least 1), else 0."""
    per_hour = int(settings.PROMOTION_SUBSCRIBE_PER_HOUR)
    if not settings.RATE_LIMIT_ENABLED or per_hour <= 0:
        return 0
    usage = get_usage(
        request, group=RATE_GROUP, key=client_key, rate=f"{per_hour}/h", increment=True
    )
    if usage is None or not usage["should_limit"]:
        return 0
    return max(1, int(usage["time_left"]))


def _source(request: HttpRequest) -> str:
    tag = request.GET.get(settings.PROMOTION_CAMPAIGN_PARAMETER, "")[:40]
    return tag if tag.replace("-", "").isalnum() else ""


@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    offered = _offered(request)
    status, retry_after = 200, 0
    if request.method == "POST":
        form = SubscribeForm(request.POST, followed=offered)
        if form.is_valid():
            retry_after = _rate_limited(request)
            if retry_after:
                status = 429
                form.add_error(None, str(TOO_MANY))
            else:
                try:
                    subscriptions.request_subscription(
                        email=form.cleaned_data["email"],
                        topics=form.topics(),
                        everything=form.everything(),
                        calendar_changes=form.cleaned_data["calendar_changes"],
                        frequency=form.cleaned_data["frequency"],
                        language=form.cleaned_data["language"],
                        source=_source(request) or ("halaman-data" if offered else "formulir"),
                    )
                except subscriptions.SubscriptionError as error:
                    field = error.field if error.field in form.fields else None
                    form.add_error(field, error.message)
                    form.mark_errors()
                else:
                    return redirect(reverse("promotion:subscribe") + "?terkirim=1")
        status = status if status != 200 else 400
    elif request.GET.get("terkirim"):
        return _page(request, "sent.html", {"days": settings.PROMOTION_CONFIRM_DAYS})
    else:
        form = SubscribeForm(
            followed=offered, initial={"items": [f"{k}:{v}" for k, v, _t in offered]}
        )
    response = _page(
        request,
        "form.html",
        {
            "form": form,
            "offered": offered,
            "per_hour": settings.PROMOTION_SUBSCRIBE_PER_HOUR,
        },
        status=status,
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


# --- Confirming ----------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = tokens.read(token, "confirm")
    if subscriber is None or subscriber.state not in {
        SubscriberState.PENDING,
        SubscriberState.ACTIVE,
    }:
        return _invalid_link(request)
    if request.method == "POST" and subscriber.state == SubscriberState.PENDING:
        subscriptions.confirm(subscriber=subscriber)
        subscriber.refresh_from_db()
        return _page(
            request,
            "confirmed.html",
            {
                "manage_token": tokens.make(subscriber, "manage"),
                "chosen": _chosen_summary(subscriber),
            },
        )
    if subscriber.state == SubscriberState.ACTIVE:
        return _page(
            request,
            "confirmed.html",
            {
                "manage_token": tokens.make(subscriber, "manage"),
                "chosen": _chosen_summary(subscriber),
                "already": True,
            },
        )
    return _page(
        request,
        "confirm.html",
        {"subscriber": subscriber, "chosen": _chosen_summary(subscriber)},
    )


# --- Preferences ---------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = tokens.read(token, "manage")
    if subscriber is None:
        return _invalid_link(request)
    context: dict[str, Any] = {
        "subscriber": subscriber,
        "token": token,
        "unsubscribe_token": tokens.make(subscriber, "unsubscribe"),
    }
    if subscriber.state == SubscriberState.UNSUBSCRIBED:
        if request.method == "POST" and request.POST.get("action") == "subscribe_again":
            subscriptions.subscribe_again(subscriber=subscriber)
            return redirect(reverse("promotion:subscribe") + "?terkirim=1")
        return _page(request, "manage_stopped.html", context)
    followed = _followed(subscriber)
    status = 200
    if request.method == "POST":
        form = PreferencesForm(request.POST, followed=followed)
        if form.is_valid():
            try:
                subscriptions.update_preferences(
                    subscriber=subscriber,
                    topics=form.topics(),
                    everything=form.everything(),
                    calendar_changes=form.cleaned_data["calendar_changes"],
                    frequency=form.cleaned_data["frequency"],
                    language=form.cleaned_data["language"],
                )
            except subscriptions.SubscriptionError as error:
                form.add_error(None, error.message)
            else:
                return redirect(reverse("promotion:manage", args=[token]) + "?tersimpan=1")
        status = 400
    else:
        form = PreferencesForm(followed=followed)
        form.apply(subscriptions.preferences_of(subscriber))
    context.update(form=form, saved=bool(request.GET.get("tersimpan")))
    return _page(request, "manage.html", context, status=status)


# --- Unsubscribing -------------------------------------------------------------------------------


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = tokens.read(token, "unsubscribe")
    one_click = request.method == "POST" and request.POST.get("List-Unsubscribe") == ONE_CLICK
    if subscriber is None:
        if one_click:
            return _plain(_("This link is not valid."), 404)
        return _invalid_link(request)
    if one_click:
        subscriptions.unsubscribe(subscriber=subscriber, how="satu-klik")
        return _plain(_("You are unsubscribed."), 200)
    if request.method == "POST":
        subscriptions.unsubscribe(subscriber=subscriber, how="halaman")
        return _page(
            request, "unsubscribed.html", {"manage_token": tokens.make(subscriber, "manage")}
        )
    if subscriber.state == SubscriberState.UNSUBSCRIBED:
        return _page(
            request, "unsubscribed.html", {"manage_token": tokens.make(subscriber, "manage")}
        )
    return _page(request, "unsubscribe.html", {"token": token})


def _plain(text: str, status: int) -> HttpResponse:
    """The answer to a mail client's one-click POST: short, nothing to load."""
    response = HttpResponse(text, content_type="text/plain; charset=utf-8", status=status)
    private_headers(response)
    return response
