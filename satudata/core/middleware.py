"""Request context for the audit log, the client address, and headers Django does not set."""

from __future__ import annotations

import functools
import ipaddress
import json
import re
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy

from satudata.core.context import RequestInfo, reset_request_info, set_request_info
from satudata.core.input_limits import has_nul

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


@functools.lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _is_trusted(address: str, networks: tuple[IPNetwork, ...]) -> bool:
    found = ipaddress.ip_address(address)
    return any(found in network for network in networks)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address. X-Forwarded-For counts only when the request came from a trusted
    proxy (TRUSTED_PROXIES); then the entries are read from the right, each trusted proxy's
    own entry skipped, and the first address no trusted proxy owns is the client. Anything a
    client writes into the header itself lies further left and is never reached."""
    remote = _valid_ip(request.META.get("REMOTE_ADDR", ""))
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    if remote is None or not _is_trusted(remote, networks):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for part in reversed(forwarded.split(",")):
        hop = _valid_ip(part)
        if hop is None:
            break
        remote = hop
        if not _is_trusted(hop, networks):
            break
    return remote


def client_ip_for_axes(request: HttpRequest) -> str | None:
    return client_ip(request)


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = set_request_info(
            RequestInfo(ip_address=client_ip(request), path=request.path[:300])
        )
        try:
            return self.get_response(request)
        finally:
            reset_request_info(token)


class LanguageMiddleware:
    """Indonesian unless the visitor chose another language with the language switcher.

    Django's LocaleMiddleware would follow the browser's Accept-Language, showing English to
    every visitor whose browser is set to English; the portal is Indonesian by default.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
        patch_vary_headers(response, ["Cookie"])
        response.headers.setdefault("Content-Language", language)
        return response


class SecurityHeadersMiddleware:
    """Headers that SecurityMiddleware and django-csp leave out."""

    PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.PERMISSIONS_POLICY)
        return response


# --- machine paths answer errors in their own JSON shape ------------------------------------

CKAN_PATH = re.compile(r"^/api(?:/\d+)?(?:/action(?:/.*)?)?/?$")
MACHINE_SUFFIXES = (".json", ".jsonld", ".ttl", ".rdf")
# Probes read these: a load balancer's health check and Prometheus.
MACHINE_PATHS = frozenset({"/healthz", "/metrics"})


def api_kind(path: str) -> str | None:
    """Which error shape a path's callers read: CKAN's envelope, REST's, or none (a page)."""
    if path.startswith("/api/v1/"):
        return "rest"
    if CKAN_PATH.match(path):
        return "ckan"
    if path.endswith(MACHINE_SUFFIXES) or path in MACHINE_PATHS:
        return "rest"
    return None


ERROR_CODES = {
    400: ("invalid", "Bad Request", gettext_lazy("The request is not valid.")),
    403: ("forbidden", "Authorization Error", gettext_lazy("Access denied.")),
    404: ("not_found", "Not Found Error", gettext_lazy("Not found.")),
    405: ("method", "Bad Request", gettext_lazy("This method is not allowed here.")),
    500: ("server_error", "Internal Server Error", gettext_lazy("Internal server error.")),
}


def machine_error(request: HttpRequest, status: int, message: str = "") -> HttpResponse | None:
    """The error answer a machine path gives, or None on a page path."""
    kind = api_kind(request.path)
    if kind is None:
        return None
    code, ckan_type, default = ERROR_CODES.get(status, ("http", "Bad Request", ""))
    text = message or str(default) or HTTPStatus(status).phrase
    if kind == "ckan":
        payload: dict[str, Any] = {
            "help": request.build_absolute_uri("/api/3/action/help_show"),
            "success": False,
            "error": {"__type": ckan_type, "message": text},
        }
        content_type = "application/json;charset=utf-8"
    else:
        payload = {"error": {"code": code, "message": text}}
        content_type = "application/json; charset=utf-8"
    body = json.dumps(payload, ensure_ascii=False)
    return HttpResponse(body, status=status, content_type=content_type)


class MachineErrorMiddleware:
    """An error on an API path (a 404 from the URL resolver, a 405, the 500 handler's page)
    reaches its caller as JSON in the API's shape, never as an HTML page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 400 or "json" in response.get("Content-Type", ""):
            return response
        replaced = machine_error(request, response.status_code)
        if replaced is None:
            return response
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if header in response:
                replaced[header] = response[header]
        return replaced


# --- input PostgreSQL or the parsers cannot take -------------------------------------------


class HostileInputMiddleware:
    """Refuses a NUL character in the path, a parameter name or value, or a JSON body, with a
    400 before any view runs: PostgreSQL refuses NUL in text, so each such request was a 500
    on production databases and a silently stored NUL on SQLite."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_nul(request):
            message = str(
                gettext_lazy("The request contains a NUL character, which is not allowed.")
            )
            return machine_error(request, 400, message) or _bad_request_page(request)
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        if has_nul(request.path):
            return True
        if any(has_nul(key) or has_nul(value) for key, value in _pairs(request.GET)):
            return True
        if request.method != "POST" and request.method not in ("PUT", "PATCH"):
            return False
        if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            # The CSRF check reads request.POST of every form anyway; the files are not read.
            # Only a form that holds a NUL asks which view it goes to.
            return any(
                has_nul(key) or has_nul(value) for key, value in _pairs(request.POST)
            ) and not _view_cleans_its_form(request)
        if request.content_type == "application/json" or api_kind(request.path) == "ckan":
            return has_nul(request.body)
        return False


def cleans_its_form(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view whose posted form removes NUL (and other control characters) from what was
    typed and says so beside the field, keeping the rest of the text (the help desk's ask
    form: a visitor's long question is not lost to a generic 400 page). The middleware leaves
    that view's posted form to it; its path and query string are still refused."""
    view.cleans_its_form = True  # type: ignore[attr-defined]
    return view


def _view_cleans_its_form(request: HttpRequest) -> bool:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return bool(getattr(match.func, "cleans_its_form", False))


def _pairs(data: QueryDict) -> list[tuple[str, str]]:
    return [(key, value) for key, values in data.lists() for value in values]


def _bad_request_page(request: HttpRequest) -> HttpResponse:
    return render(request, "400.html", status=400)
