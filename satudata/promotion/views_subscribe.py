"""Subscription pages (placeholder: filled by the subscriptions part)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def subscribe(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


def confirm(request: HttpRequest, token: str) -> HttpResponse:
    return HttpResponse("")


def manage(request: HttpRequest, token: str) -> HttpResponse:
    return HttpResponse("")


def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    return HttpResponse("")
