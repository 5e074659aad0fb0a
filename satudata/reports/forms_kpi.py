"""Forms of the KPI pages: the period and filters (GET, so a view can be shared by its
address) and the administrator's targets."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from satudata.accounts.models import Agency
from satudata.releases.models import ProductType
from satudata.reports import periods
from satudata.reports.models import KPI_DEFINITIONS
from satudata.reports.models.kpi import check_target
from satudata.reports.snapshot import unit_label


class PeriodForm(forms.Form):
    """``periode`` only: what the compliance page asks."""

    periode = forms.CharField(
        label=_("Period"),
        required=False,
        max_length=20,
        help_text=_("A month 2026-03, a quarter 2026-Q1 or a year 2026."),
    )

    def clean_periode(self) -> periods.Period:
        text = self.cleaned_data.get("periode") or ""
        if not text.strip():
            return periods.current(periods.QUARTER)
        try:
            return periods.parse(text)
        except periods.PeriodError as error:
            raise ValidationError(str(error), code="period") from error


class KpiFilterForm(PeriodForm):
    """The KPI page's period, producing agency (``opd``) and product type (``jenis``)."""

    opd = forms.ModelChoiceField(
        label=_("Agency (OPD)"),
        queryset=Agency.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label=_("All agencies"),
        error_messages={"invalid_choice": _("There is no such agency; choose one from the list.")},
    )
    jenis = forms.ChoiceField(
        label=_("Product type"),
        choices=[("", _("All product types")), *ProductType.choices],
        required=False,
        error_messages={
            "invalid_choice": _("There is no such product type; choose one from the list.")
        },
    )


class TargetForm(forms.Form):
    """One field per KPI; empty means the default target of ``KPI_DEFINITIONS``."""

    def __init__(self, *args: Any, current: Mapping[str, Decimal | None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for definition in KPI_DEFINITIONS:
            default = definition.default_target
            self.fields[definition.code] = forms.DecimalField(
                label=f"{definition.number}. {definition.name}",
                required=False,
                max_digits=12,
                decimal_places=2,
                localize=True,
                initial=current.get(definition.code),
                help_text=(
                    _("Unit: %(unit)s. Default: %(default)s. Empty: the default.")
                    % {
                        "unit": unit_label(definition.unit),
                        "default": number_format(default) if default is not None else _("none"),
                    }
                ),
                error_messages={
                    "invalid": _("Write a number, e.g. 95 or 88,31."),
                    "max_decimal_places": _("At most two decimals."),
                    "max_digits": _("The number is too long."),
                },
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for definition in KPI_DEFINITIONS:
            value = cleaned.get(definition.code)
            if value is None:
                continue
            try:
                check_target(definition.unit, value)
            except ValidationError as error:
                self.add_error(definition.code, error)
        return cleaned
