"""The forms of the dissemination report's pages: a new report's period, a section's text, the
review and the signature block. Errors in the user's language, saying what to fix."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from satudata.accounts.models import nip_validator
from satudata.reports.models import PeriodKind
from satudata.reports.report_periods import Period, PeriodError, month, quarter, year


class PeriodForm(forms.Form):
    """The period of a new report: a month, a quarter or a year."""

    kind = forms.ChoiceField(label=_("Period"), choices=PeriodKind.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=_("Month"), min_value=1, max_value=12, required=False)
    quarter = forms.IntegerField(label=_("Quarter"), min_value=1, max_value=4, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["month"].initial = today.month
        self.fields["quarter"].initial = (today.month - 1) // 3 + 1

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, number = data.get("kind"), data.get("year")
        if number is None or kind is None:
            return data
        try:
            data["period"] = self._period(kind, number, data)
        except PeriodError as error:
            raise forms.ValidationError(str(error)) from error
        if data["period"].start > timezone.localdate():
            raise forms.ValidationError(_("This period has not begun yet: choose one that has."))
        return data

    def _period(self, kind: str, number: int, data: dict[str, Any]) -> Period:
        if kind == PeriodKind.MONTH:
            if data.get("month") is None:
                raise PeriodError(str(_("Choose the month.")))
            return month(number, data["month"])
        if kind == PeriodKind.QUARTER:
            if data.get("quarter") is None:
                raise PeriodError(str(_("Choose the quarter.")))
            return quarter(number, data["quarter"])
        return year(number)


class NarrativeForm(forms.Form):
    text = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Plain text with simple Markdown (**bold**, lists). HTML is not kept."),
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("setuju", _("Approve")), ("kembalikan", _("Return with a note"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "kembalikan" and not (data.get("note") or "").strip():
            self.add_error("note", _("Say what should change: the note goes back to the Walidata."))
        return data


class SignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    nip = forms.CharField(
        label=_("NIP"),
        max_length=18,
        min_length=18,
        validators=[nip_validator],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    signed_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean_signed_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["signed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date of signature cannot be in the future."))
        return value
