"""Public pages of the help desk: asking (search first), following a ticket (part B)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def ask(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def suggest(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def suggest_answered(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def challenge(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def follow(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def follow_attachment(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def objection(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404
