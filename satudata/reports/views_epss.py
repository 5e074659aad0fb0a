"""The EPSS evidence page and its files (``/laporan/epss/?tahun=2026``, ``.xlsx``, ``.pdf``),
for staff (VIEW_REPORTS). A ``tahun`` that is not a year up to this one answers 400 with the
reason, never a 500."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from satudata.accounts.permissions import capability_required
from satudata.accounts.roles import Capability
from satudata.core import spreadsheets
from satudata.reports import epss, epss_export

FIRST_YEAR = 2000


class YearError(ValueError):
    pass


def year_of(request: HttpRequest) -> int:
    """The year asked for (default: this year, WIB)."""
    this_year = timezone.localdate().year
    raw = (request.GET.get("tahun") or str(this_year)).strip()
    if not raw.isdigit() or not FIRST_YEAR <= int(raw) <= this_year:
        raise YearError(
            _("The year (tahun) must be a year from %(first)s to %(last)s.")
            % {"first": FIRST_YEAR, "last": this_year}
        )
    return int(raw)


def _error(request: HttpRequest, error: YearError) -> HttpResponse:
    context = {"error": str(error), "years": _years()}
    return render(request, "reports/epss/evidence.html", context, status=400)


def _years() -> range:
    this_year = timezone.localdate().year
    return range(this_year, this_year - 6, -1)


@capability_required(Capability.VIEW_REPORTS)
def evidence_page(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    try:
        year = year_of(request)
    except YearError as error:
        return _error(request, error)
    found = epss.evidence(year, request.user)
    rows = [
        {"indicator": ind, "figures": [(f, epss_export.shown(f)) for f in ind.figures]}
        for ind in found.indicators
    ]
    return render(
        request,
        "reports/epss/evidence.html",
        {"evidence": found, "rows": rows, "year": year, "years": _years()},
    )


@capability_required(Capability.VIEW_REPORTS)
def evidence_xlsx(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    try:
        year = year_of(request)
    except YearError as error:
        return _error(request, error)
    found = epss.evidence(year, request.user)
    body = epss_export.xlsx(found, request.build_absolute_uri)
    response = HttpResponse(body, content_type=spreadsheets.XLSX_MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="bukti-epss-{year}.xlsx"'
    return response


@capability_required(Capability.VIEW_REPORTS)
def evidence_pdf(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    try:
        year = year_of(request)
    except YearError as error:
        return _error(request, error)
    found = epss.evidence(year, request.user)
    body = epss_export.pdf(found, request.build_absolute_uri)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bukti-epss-{year}.pdf"'
    return response
