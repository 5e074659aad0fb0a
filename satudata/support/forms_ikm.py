"""The IKM questionnaire and the recap's period form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.dates import MONTHS as MONTH_NAMES
from django.utils.translation import gettext_lazy as _

from satudata.support import ikm
from satudata.support.forms_dates import DayField
from satudata.support.forms_public import HiddenText, SpentHiddenInput
from satudata.support.models import Category, Education, Occupation, Sex

MAX_SUGGESTION = 2000


class SurveyForm(forms.Form):
    """The nine questions in the official order (radio answers showing their labels), the
    respondent profile (optional) and a suggestion. ``with_service`` asks which service was
    rated (the open survey); a ticket's survey takes it from the ticket. ``with_challenge``
    adds the proof of work's hidden fields (the open survey)."""

    service = forms.ChoiceField(
        label=_("Which service are you rating?"),
        choices=[("", _("General / not stated")), *Category.choices],
        required=False,
    )
    age = forms.IntegerField(label=_("Age (years)"), required=False, min_value=10, max_value=120)
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=[("", _("Prefer not to say")), *Sex.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    education = forms.ChoiceField(
        label=_("Highest education"),
        choices=[("", _("Prefer not to say")), *Education.choices],
        required=False,
    )
    occupation = forms.ChoiceField(
        label=_("Main occupation"),
        choices=[("", _("Prefer not to say")), *Occupation.choices],
        required=False,
    )
    suggestion = forms.CharField(
        label=_("Suggestions to improve our service (optional)"),
        required=False,
        max_length=MAX_SUGGESTION,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(
        self, *args: Any, with_service: bool = True, with_challenge: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if not with_service:
            del self.fields["service"]
        if with_challenge:
            # The open survey's spam check, the ask form's (``satudata.support.pow``).
            self.fields["pow_challenge"] = HiddenText(max_chars=301, widget=SpentHiddenInput)
            self.fields["pow_nonce"] = HiddenText(max_chars=41, widget=SpentHiddenInput)
        for unsur in ikm.UNSUR:
            self.fields[unsur.field] = forms.TypedChoiceField(
                label=str(unsur.question),
                choices=[(str(n), label) for n, label in enumerate(unsur.answers, start=1)],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose one answer for question %(code)s.")
                    % {"code": unsur.code},
                    "invalid_choice": _(
                        "Question %(code)s takes one of the four answers shown (1 to 4)."
                    )
                    % {"code": unsur.code},
                },
            )

    def questions(self) -> list[tuple[ikm.Unsur, forms.BoundField]]:
        return [(unsur, self[unsur.field]) for unsur in ikm.UNSUR]

    def clean_suggestion(self) -> str:
        return str(self.cleaned_data.get("suggestion") or "").strip()


PERIODS = [
    ("year", _("Year")),
    ("quarter", _("Quarter")),
    ("month", _("Month")),
    ("custom", _("Custom dates")),
]
MONTHS = list(MONTH_NAMES.items())


class RecapForm(forms.Form):
    """Which answers the recap sums: a year, quarter, month or custom dates, one service or
    all, and the weight."""

    period = forms.ChoiceField(label=_("Period"), choices=PERIODS, initial="year")
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        choices=[(q, f"Triwulan {['I', 'II', 'III', 'IV'][q - 1]}") for q in range(1, 5)],
        coerce=int,
        required=False,
    )
    month = forms.TypedChoiceField(label=_("Month"), choices=MONTHS, coerce=int, required=False)
    start = DayField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = DayField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    service = forms.ChoiceField(
        label=_("Service"),
        choices=[("*", _("All services")), ("", _("Not stated")), *Category.choices],
        required=False,
    )
    weight = forms.ChoiceField(
        label=_("Weight"), choices=list(ikm.WEIGHT_LABELS.items()), initial="exact"
    )

    MAX_DAYS = 3 * 366

    @classmethod
    def from_query(cls, data: Any) -> RecapForm:
        today = timezone.localdate()
        defaults = {
            "period": "year",
            "year": today.year,
            "quarter": (today.month - 1) // 3 + 1,
            "month": today.month,
            "weight": "exact",
            "service": "*",
        }
        merged = {**defaults, **{k: v for k, v in data.items() if v not in ("", None)}}
        if "service" in data and data.get("service") == "":
            merged["service"] = ""
        return cls(merged)

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        period, year = data.get("period"), data.get("year")
        if not period or not year:
            return data
        if period == "year":
            start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        elif period == "quarter":
            quarter = data.get("quarter") or 1
            start = dt.date(year, 3 * quarter - 2, 1)
            end = _month_end(year, 3 * quarter)
        elif period == "month":
            month = data.get("month") or 1
            start, end = dt.date(year, month, 1), _month_end(year, month)
        else:
            first, last = data.get("start"), data.get("end")
            if not first or not last:
                raise forms.ValidationError(_("Give both dates of the custom period."))
            start, end = first, last
            if end < start:
                raise forms.ValidationError(_("The end date comes before the start date."))
            if (end - start).days > self.MAX_DAYS:
                raise forms.ValidationError(_("A custom period spans at most three years."))
        data["range"] = (start, end)
        return data

    @property
    def service_filter(self) -> str | None:
        value = self.cleaned_data.get("service", "*")
        return None if value in ("*", None) else str(value)


def _month_end(year: int, month: int) -> dt.date:
    first_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)
