"""Requests per client address, counted by django-ratelimit in the ``ratelimit`` cache.

Three groups, each with its own rate (``RATE_LIMITS``): ``api`` (REST v1, the CKAN API and the
other public machine channels), ``search`` (the search page and its JSON/CSV twins) and
``forms`` (every form a visitor who is not signed in sends: log-in, password reset, and any
public form added later, without a decorator to forget). Staff at work are not counted. A
client past its rate gets 429 with ``Retry-After``, in the shape of the channel it called.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from collections.abc import Callable
from functools import cached_property

from django.conf import settings
from django.core import checks
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage  # type: ignore[import-untyped]

from satudata.core.http import json_error
from satudata.core.middleware import client_ip

logger = logging.getLogger(__name__)

SEARCH_PATHS = re.compile(r"^/dataset(/|\.(json|csv))$")
CKAN_PATHS = re.compile(r"^/api(/3)?/action/(?P<name>[^/]+)$")
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# RFC 8058 one-click unsubscriptions come from a few mail providers' servers, thousands after a
# release e-mail: they are token-authenticated and change one row, so no per-client form limit.
UNSUBSCRIBE_PATHS = re.compile(r"^/langganan/berhenti/[^/]+/$")


def client_key(group: str, request: HttpRequest) -> str:
    """The client address; an IPv6 client by its /64, the block one subscriber is given."""
    address = client_ip(request) or "unknown"
    if ":" in address:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return address


class RateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @cached_property
    def api_paths(self) -> re.Pattern[str]:
        return re.compile(settings.PUBLIC_API_PATHS)

    def group(self, request: HttpRequest) -> str | None:
        path = request.path
        if path.startswith("/api/") or path == "/api" or self.api_paths.match(path):
            return "api"
        if SEARCH_PATHS.match(path):
            return "search"
        if request.method in UNSAFE and not request.user.is_authenticated:
            if UNSUBSCRIBE_PATHS.match(path):
                return None
            return "forms"
        return None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.RATE_LIMIT_ENABLED or request.method == "OPTIONS":
            return self.get_response(request)
        group = self.group(request)
        rate = settings.RATE_LIMITS.get(group or "", "off")
        if group is None or rate == "off":
            return self.get_response(request)
        usage = get_usage(request, group=group, key=client_key, rate=rate, increment=True)
        if usage is None or not usage["should_limit"]:
            return self.get_response(request)
        if usage["count"] == usage["limit"] + 1:
            logger.warning(
                "rate limit %s (%s) reached by %s", group, rate, client_key(group, request)
            )
        response = throttled(request, group, max(1, int(usage["time_left"])))
        response._has_been_logged = True  # type: ignore[attr-defined]  # one line above, not one per request
        return response


def throttled(request: HttpRequest, group: str, seconds: int) -> HttpResponse:
    """429 in the channel's own shape: CKAN's envelope, the REST error, or a page."""
    message = _("Too many requests. Try again in %(seconds)s seconds.") % {"seconds": seconds}
    ckan = CKAN_PATHS.match(request.path)
    response: HttpResponse
    if ckan:
        help_url = request.build_absolute_uri(reverse("api:ckan-action", args=["help_show"]))
        body = {
            "help": f"{help_url}?name={ckan['name'][:100]}",
            "success": False,
            "error": {"__type": "Throttled", "message": message},
        }
        response = JsonResponse(body, status=429)
    elif group == "api":
        response = json_error(429, "throttled", message)
    else:
        response = render(request, "429.html", {"seconds": seconds}, status=429)
    response["Retry-After"] = str(seconds)
    return response


@checks.register(checks.Tags.caches, deploy=True)
def check_shared_cache(**kwargs: object) -> list[checks.CheckMessage]:
    """With several web processes each would count alone: say so at ``check --deploy``."""
    backend = settings.CACHES[settings.RATELIMIT_USE_CACHE]["BACKEND"]
    if settings.RATE_LIMIT_ENABLED and backend.endswith("LocMemCache"):
        return [
            checks.Warning(
                "Rate-limit counts are kept in each process, so each gunicorn worker counts alone.",
                hint="Set RATELIMIT_CACHE_URL=redis://… or db://… (see docs/operator.md).",
                id="satudata.W016",
            )
        ]
    return []
