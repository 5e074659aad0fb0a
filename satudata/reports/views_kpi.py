"""The KPI page, SOP compliance and the KPI targets (staff; targets: the administrator).

Every page has its JSON and CSV twin (``/laporan/kpi.json``, ``.csv`` or ``?format=``). A
period that is not one answers 400 with the reason in the user's language, never a 500.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from satudata.accounts.permissions import can, capability_required
from satudata.accounts.roles import Capability
from satudata.core.spreadsheets import CSV_MEDIA_TYPE, csv_bytes
from satudata.reports import compliance, kpis, periods
from satudata.reports.forms_kpi import KpiFilterForm, PeriodForm, TargetForm
from satudata.reports.models import KPI_DEFINITIONS

FORMATS = ("html", "csv", "json")


def _format(request: HttpRequest, default: str) -> str:
    wanted = request.GET.get("format") or default
    return wanted if wanted in FORMATS else "html"


def _errors(form: Any) -> str:
    return " ".join(str(m) for errors in form.errors.values() for m in errors)


def _csv(name: str, header: Sequence[str], rows: list[list[Any]]) -> HttpResponse:
    response = HttpResponse(csv_bytes(header, rows), content_type=CSV_MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _json(data: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


# --- KPIs --------------------------------------------------------------------------------------


def _with_period(request: HttpRequest) -> Any:
    """The query, its period filled with the current quarter when none is asked for, so that
    the form shows the period the page reads."""
    data = request.GET.copy()
    if not (data.get("periode") or "").strip():
        data["periode"] = periods.current(periods.QUARTER).code
    return data


@capability_required(Capability.VIEW_REPORTS)
def kpi_page(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    """The KPI table of a period, optionally of one agency and product type."""
    fmt = _format(request, fmt)
    form = KpiFilterForm(_with_period(request))
    if not form.is_valid():
        if fmt != "html":
            return _json({"error": _errors(form)}, status=400)
        return render(request, "reports/kpi/kpi_table.html", {"form": form}, status=400)
    period = form.cleaned_data["periode"]
    agency = form.cleaned_data["opd"]
    product_type = form.cleaned_data["jenis"] or None
    rows = kpis.kpi_table(
        period.start,
        period.end,
        agency_id=agency.pk if agency else None,
        product_type=product_type,
    )
    meta = {
        "period": period.code,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "agency": agency.pk if agency else None,
        "agency_name": agency.name if agency else None,
        "product_type": product_type,
    }
    if fmt == "json":
        return _json({**meta, "kpis": rows})
    if fmt == "csv":
        return _csv(f"kpi-{period.code}", *_kpi_csv(rows))
    return render(
        request,
        "reports/kpi/kpi_table.html",
        {
            "form": form,
            "period": period,
            "agency": agency,
            "product_type": product_type,
            "rows": rows,
            "query": request.GET.urlencode(),
            "perms_targets": can(request.user, Capability.SET_KPI_TARGETS),
        },
    )


def _kpi_csv(rows: list[dict[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    header = [
        "no",
        "kode",
        "kpi",
        "satuan",
        "nilai",
        "tersedia",
        "target",
        "arah",
        "periode_lalu",
        "tahun_lalu",
        "memenuhi_target",
        "catatan",
        "rincian",
    ]
    body = [
        [
            row["number"],
            row["code"],
            row["name"],
            row["unit"],
            row["value"],
            row["available"],
            row["target"],
            row["direction"],
            row["last_period"],
            row["last_year"],
            row["meets_target"],
            row["note"],
            json.dumps(row["details"], ensure_ascii=False, default=str),
        ]
        for row in rows
    ]
    return header, body


# --- SOP compliance ----------------------------------------------------------------------------


@capability_required(Capability.VIEW_REPORTS)
def compliance_page(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    """Compliance with the SOP's six activities in a period, per activity, person and agency."""
    fmt = _format(request, fmt)
    form = PeriodForm(_with_period(request))
    if not form.is_valid():
        if fmt != "html":
            return _json({"error": _errors(form)}, status=400)
        return render(request, "reports/kpi/compliance.html", {"form": form}, status=400)
    period = form.cleaned_data["periode"]
    table = compliance.compliance_table(period.start, period.end)
    if fmt == "json":
        return _json({"period": period.code, **table})
    if fmt == "csv":
        return _csv(f"kepatuhan-sop-{period.code}", *_compliance_csv(table))
    return render(
        request,
        "reports/kpi/compliance.html",
        {"form": form, "period": period, "table": table, "query": request.GET.urlencode()},
    )


COMPLIANCE_FIELDS = (
    "opened",
    "finished",
    "on_time",
    "on_time_share",
    "mean_late_days",
    "overdue",
)


def _compliance_csv(table: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    header = [
        "kelompok",
        "kode",
        "nama",
        "dibuka",
        "selesai",
        "tepat_waktu",
        "persen_tepat_waktu",
        "rata_rata_terlambat_hari_kerja",
        "lewat_tenggat",
    ]
    body: list[list[Any]] = []
    groups = (
        ("kegiatan", "activities", "code"),
        ("orang", "people", "user"),
        ("opd", "agencies", "agency"),
    )
    for group, part, key in groups:
        for row in table[part]:
            body.append([group, row[key], row["name"], *(row[f] for f in COMPLIANCE_FIELDS)])
    return header, body


# --- Targets -----------------------------------------------------------------------------------


@capability_required(Capability.SET_KPI_TARGETS)
def targets_page(request: HttpRequest) -> HttpResponse:
    """The administrator sets each KPI's target; every change is audited."""
    stored = dict(kpis.KpiTarget.objects.values_list("code", "target"))
    form = TargetForm(request.POST or None, current=stored)
    if request.method == "POST" and form.is_valid():
        changed = 0
        for definition in KPI_DEFINITIONS:
            wanted = form.cleaned_data.get(definition.code)
            if wanted != stored.get(definition.code):
                kpis.set_target(actor=request.user, code=definition.code, target=wanted)
                changed += 1
        messages.success(
            request, _("%(n)s targets changed.") % {"n": changed} if changed else _("No change.")
        )
        return redirect("kpi:targets")
    return render(
        request,
        "reports/kpi/targets.html",
        {"form": form, "definitions": KPI_DEFINITIONS},
        status=400 if form.errors else 200,
    )
