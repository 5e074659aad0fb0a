"""The IKM recap as the page shows it and as the official rekapitulasi (XLSX and PDF).

The XLSX has every respondent's nine answers in the official order, then the sum, NRR and
weighted NRR per unsur and the index with its band, as the regulation's recap table lays
them out; a second sheet gives the index per service. The PDF is the one-page summary (the
per-unsur table and the index) for signing and filing; the respondents' rows are in the XLSX.
Numbers are written as numbers (the spreadsheet formats them); text goes through the
formula-safe writer.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from satudata.catalog.exports import table_pdf
from satudata.core.spreadsheets import Workbook
from satudata.support import ikm
from satudata.support.forms_ikm import RecapForm
from satudata.support.models import Category

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _number(value: float | None, places: int) -> str:
    if value is None:
        return "–"
    return formats.number_format(Decimal(str(value)), places, use_l10n=True, force_grouping=True)


def _period(figures: dict[str, Any]) -> str:
    start = formats.date_format(_date(figures["start"]), "j F Y")
    end = formats.date_format(_date(figures["end"]), "j F Y")
    return f"{start} – {end}"


def _date(iso: str) -> Any:
    import datetime as dt

    return dt.date.fromisoformat(iso)


def _service(figures: dict[str, Any]) -> str:
    service = figures.get("service")
    if service is None:
        return _("All services")
    return str(dict(Category.choices).get(service, _("Not stated")))


def page_figures(figures: dict[str, Any], form: RecapForm) -> dict[str, Any]:
    """What the recap page prints: the period and weight in words, each unsur's row with
    its Indonesian-formatted figures and whether it is the lowest."""
    lowest = set(figures["lowest"])
    return {
        "period": _period(figures),
        "service": _service(figures),
        "weight": str(ikm.WEIGHT_LABELS[figures["weight"]]),
        "unsur": [
            {
                **row,
                "nrr_text": _number(row["nrr"], 4) if row["answered"] else "–",
                "weighted_text": _number(row["weighted"], 4) if row["answered"] else "–",
                "lowest": row["code"] in lowest,
            }
            for row in figures["unsur"]
        ],
        "ikm_text": _number(figures["ikm"], 4),
        "converted_text": _number(figures["ikm_converted"], 2),
    }


def filename(figures: dict[str, Any], fmt: str) -> str:
    return f"rekap-ikm-{figures['start']}-{figures['end']}.{fmt}"


def _heading(figures: dict[str, Any]) -> list[str]:
    return [
        _("Recapitulation of the Community Satisfaction Index (IKM)"),
        f"{_('Period')}: {_period(figures)} · {_('Service')}: {_service(figures)}",
        f"{_('Weight')}: {ikm.WEIGHT_LABELS[figures['weight']]}",
    ]


def _xlsx(form: RecapForm, figures: dict[str, Any]) -> bytes:
    book = Workbook()
    bold = book.style(bold=True)
    sheet = book.add_sheet(_("Recapitulation"))
    for row, line in enumerate(_heading(figures)):
        sheet.write(row, 0, line, bold if row == 0 else book.style())
    top = 4
    sheet.write_row(
        top, 0, [_("No."), _("Submitted"), _("Service"), *[u.code for u in ikm.UNSUR]], bold
    )
    sheet.write_row(top + 1, 3, [u.official for u in ikm.UNSUR], bold)
    start, end = form.cleaned_data["range"]
    labels = dict(Category.choices)
    row = top + 2
    for number, (submitted, service, *scores) in enumerate(
        ikm.respondent_rows(ikm.period_queryset(start, end, form.service_filter)), start=1
    ):
        sheet.write_row(
            row,
            0,
            [number, timezone.localtime(submitted), str(labels.get(service, "")), *scores],
        )
        row += 1
    units = figures["unsur"]
    for label, key in (
        (_("Sum of scores"), "sum"),
        (_("Respondents answering"), "answered"),
        ("NRR", "nrr"),
        (_("Weighted NRR"), "weighted"),
    ):
        sheet.write(row, 2, label, bold)
        sheet.write_row(row, 3, [u[key] for u in units], bold)
        row += 1
    row += 1
    for label, value in (
        (_("Respondents"), figures["respondents"]),
        (_("IKM (1–4)"), figures["ikm"]),
        (_("IKM converted (× 25)"), figures["ikm_converted"]),
        (_("Service quality (mutu)"), figures["mutu"]),
        (_("Service performance (kinerja)"), figures["kinerja"]),
        (_("Lowest unsur"), ", ".join(figures["lowest"])),
    ):
        sheet.write(row, 2, label, bold)
        sheet.write(row, 3, value)
        row += 1
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 1, 20)
    sheet.set_column(2, 2, 30)
    sheet.freeze_panes(top + 2, 3)
    services = book.add_sheet(_("Per service"))
    services.write_row(
        0, 0, [_("Service"), _("Respondents"), "IKM", _("IKM converted (× 25)"), "Mutu"], bold
    )
    for index, item in enumerate(figures["services"], start=1):
        services.write_row(
            index,
            0,
            [item["label"], item["respondents"], item["ikm"], item["ikm_converted"], item["mutu"]],
        )
    services.set_column(0, 0, 40)
    return book.to_bytes()


def _pdf(figures: dict[str, Any]) -> bytes:
    rows = [
        [
            u["code"],
            u["name"],
            u["sum"],
            u["answered"],
            _number(u["nrr"], 4) if u["answered"] else "–",
            _number(u["weighted"], 4) if u["answered"] else "–",
        ]
        for u in figures["unsur"]
    ]
    rows.append(["", _("IKM (1–4)"), "", "", "", _number(figures["ikm"], 4)])
    rows.append(["", _("IKM converted (× 25)"), "", "", "", _number(figures["ikm_converted"], 2)])
    rows.append(
        [
            "",
            _("Service quality (mutu)"),
            "",
            "",
            "",
            f"{figures['mutu'] or '–'} ({figures['kinerja'] or '–'})",
        ]
    )
    intro = [
        f"{_('Respondents')}: {figures['respondents']}",
        f"{_('Lowest unsur')}: {', '.join(figures['lowest']) or '–'}",
    ]
    headers = [
        _("Code"),
        "Unsur",
        _("Sum of scores"),
        _("Respondents answering"),
        "NRR",
        _("Weighted NRR"),
    ]
    return table_pdf(_heading(figures), intro, headers, [[str(v) for v in r] for r in rows])


def render(fmt: str, form: RecapForm, figures: dict[str, Any]) -> tuple[bytes, str]:
    if fmt == "xlsx":
        return _xlsx(form, figures), XLSX
    return _pdf(figures), "application/pdf"
