"""Bantuan: the user guides in the application and the FAQ (part C)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def help_home(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def faq_list(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def faq_entry(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def guide(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def faq_manage(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def faq_edit(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def faq_from_ticket(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404
