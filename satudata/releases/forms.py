"""The forms of the release desk: one per step, each asking only what its service needs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from satudata.accounts.models import User
from satudata.releases.dates import at_release_time
from satudata.releases.models import Precision


class TextForm(forms.Form):
    """A step that needs a sentence: comments, a reason."""

    text = forms.CharField(label=_("Reason or comments"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, required: bool = True, label: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["text"].required = required
        if label is not None:
            self.fields["text"].label = label


class DateForm(forms.Form):
    day = forms.DateField(label=_("Release date"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(
        label=_("Release time (WIB)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("Empty: the standard release time."),
    )
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown on the public calendar."),
    )

    def moment(self) -> Any:
        return at_release_time(self.cleaned_data["day"], self.cleaned_data["time"] or None)


class RescheduleForm(DateForm):
    precision = forms.ChoiceField(
        label=_("Precision"), choices=Precision.choices, initial=Precision.EXACT
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = True


class ScheduleForm(forms.Form):
    """Scheduling asks nothing: a release goes out on its own calendar entry, on the date the
    Kepala Bidang approved."""


class DateRequestForm(forms.Form):
    """The Walidata asking the Kepala Bidang for a new release date."""

    day = forms.DateField(
        label=_("New release date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    time = forms.TimeField(
        label=_("Release time (WIB)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("Empty: the standard release time."),
    )
    reason = forms.CharField(
        label=_("Why this date"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown on the public calendar as the reason for the change."),
    )


class PlanForm(forms.Form):
    """A calendar entry for a release that has none (a planned revision)."""

    title = forms.CharField(label=_("Title"), max_length=300)
    month = forms.DateField(
        label=_("Planned month"),
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        help_text=_("Announced as provisional; confirm the exact date afterwards."),
    )
    reference_period = forms.CharField(label=_("Reference period"), max_length=60, required=False)


class ErratumForm(forms.Form):
    note = forms.CharField(
        label=_("What was wrong and what changed"), widget=forms.Textarea(attrs={"rows": 3})
    )
    significant = forms.BooleanField(
        label=_("Significant: it could mislead a user about a value"), required=False
    )


class GrantForm(forms.Form):
    person = forms.CharField(label=_("User name of the person"), max_length=150)
    organisation = forms.CharField(label=_("Organisation"), max_length=200)
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    justification = forms.CharField(
        label=_("Why access is needed"), widget=forms.Textarea(attrs={"rows": 2})
    )
    access_from = forms.DateTimeField(
        label=_("Access from (WIB)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def clean_person(self) -> User:
        name = self.cleaned_data["person"].strip()
        person = User.objects.filter(username=name, is_active=True).first()
        if person is None:
            raise forms.ValidationError(_("No active account has this user name."))
        return person
