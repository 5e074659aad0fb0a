"""Support figures for activity 6 and publishing what answers produced (part E)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def report(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def report_json(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def adhoc_table(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def erratum(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404
