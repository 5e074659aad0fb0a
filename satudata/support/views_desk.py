"""The staff desk: tickets, their steps, canned replies, objections, guest book (part A)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def desk(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def ticket_new(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def ticket(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def ticket_action(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def ticket_attachment(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def canned_replies(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def objection_decide(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def guestbook(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def guestbook_export(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404
