"""The IKM survey and its recap (part D)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def survey(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def survey_ticket(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def recap(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def recap_export(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404
