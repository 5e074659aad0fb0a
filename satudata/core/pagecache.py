"""Rendered public pages, kept for a short while so a busy page is served without re-rendering.

Only a visitor who carries no cookie and no token gets a kept page (the public gets no cookie
from this site; anyone signed in, or with a message or a form token waiting, is rendered
afresh). The caller builds the key from what the page shows, read through the gate on every
request: a page keyed by the versions the gate lets the visitor see changes the moment a release
is due, so an embargo never leaks through the cache. What the key leaves out (the site's name, a
Daftar Data item's fields, a variable's definition) shows after at most ``PAGE_CACHE_SECONDS``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse


def cacheable(request: HttpRequest) -> bool:
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and not request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


def page(
    request: HttpRequest, parts: Sequence[Any], render: Callable[[], HttpResponse]
) -> HttpResponse:
    """``render()``'s answer, or the one kept under ``parts`` (with the address, language and
    host the page was rendered for) when the request may share it."""
    if not cacheable(request):
        return render()
    identity = (
        *parts,
        request.get_full_path(),
        request.get_host(),
        request.scheme,
        getattr(request, "LANGUAGE_CODE", ""),
    )
    key = "page:" + hashlib.sha256(repr(identity).encode()).hexdigest()
    kept = cache.get(key)
    if kept is not None:
        content, content_type = kept
        return HttpResponse(content, content_type=content_type)
    response = render()
    if response.status_code == 200 and not response.cookies and not response.streaming:
        cache.set(key, (response.content, response["Content-Type"]), settings.PAGE_CACHE_SECONDS)
    return response
