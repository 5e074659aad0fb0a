"""Request context for the audit log, the client address, and headers Django does not set."""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from satudata.core.context import RequestInfo, reset_request_info, set_request_info

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
