"""Staff downloads of the daily usage rollups as Parquet (``/laporan/pemanfaatan/parquet/``).

``<table>.parquet?dari=YYYY-MM-DD&sampai=YYYY-MM-DD`` (both optional, WIB days, inclusive):
one rollup table. The file is written to a temporary file that is deleted once sent.
"""

from __future__ import annotations

import datetime as dt
import tempfile

from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
)
from django.urls import reverse
from django.utils.translation import gettext as _

from satudata.accounts.permissions import capability_required
from satudata.accounts.roles import Capability
from satudata.reports import parquet


def _day(request: HttpRequest, name: str) -> dt.date | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValueError(
            _("%(name)s: “%(value)s” is not a date; write YYYY-MM-DD, for example 2026-01-31.")
            % {"name": name, "value": raw[:40]}
        ) from None


@capability_required(Capability.VIEW_REPORTS)
def index(request: HttpRequest) -> HttpResponse:
    """The tables that can be downloaded, with their addresses (JSON)."""
    return JsonResponse(
        {
            "tables": [
                {"name": name, "url": reverse("usage_export:table", args=[name])}
                for name in parquet.ROLLUPS
            ],
            "parameters": {"dari": "YYYY-MM-DD", "sampai": "YYYY-MM-DD"},
        }
    )


@capability_required(Capability.VIEW_REPORTS)
def table(request: HttpRequest, name: str) -> HttpResponse:
    chosen = parquet.ROLLUPS.get(name)
    if chosen is None:
        return HttpResponse(
            _("There is no usage table named “%(name)s”.") % {"name": name[:60]},
            status=404,
            content_type="text/plain; charset=utf-8",
        )
    try:
        first, last = _day(request, "dari"), _day(request, "sampai")
    except ValueError as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    if first and last and last < first:
        return HttpResponseBadRequest(
            _("The end date (sampai) is before the start date (dari)."),
            content_type="text/plain; charset=utf-8",
        )
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes (and so deletes) it
    parquet.write_table(chosen, out, first, last)
    out.seek(0)
    period = "-".join(str(day) for day in (first, last) if day)
    filename = f"pemanfaatan-{name}{'-' + period if period else ''}.parquet"
    response = FileResponse(out, as_attachment=True, filename=filename)
    response["Content-Type"] = "application/vnd.apache.parquet"
    response["Cache-Control"] = "private, no-store"
    return response  # type: ignore[return-value]  # a streaming answer, as for any download
