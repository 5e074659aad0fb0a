"""Forms of the promotion plan's staff pages (``views_plan``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from satudata.accounts.models import Agency, User
from satudata.accounts.roles import STAFF_ROLES
from satudata.core.input_limits import FIRST_YEAR, LAST_YEAR
from satudata.promotion.models import ActionChannel, ReachKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def staff_people() -> Any:
    return User.objects.filter(is_active=True, role__in=list(STAFF_ROLES)).order_by("full_name")


class ActionForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=ActionChannel.choices)
    title = forms.CharField(label=_("What"), max_length=200)
    planned_on = forms.DateField(label=_("Planned date"), widget=DATE)
    person = forms.ModelChoiceField(
        label=_("Person in charge"), queryset=User.objects.none(), required=False
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = staff_people()  # type: ignore[attr-defined]


class DoneForm(forms.Form):
    evidence_url = forms.URLField(
        label=_("Evidence link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("The address of the post, the news item or the recording."),
    )
    evidence_file = forms.FileField(
        label=_("Or an evidence file"),
        required=False,
        help_text=_("A screenshot or photo (PNG, JPEG, WebP) or a PDF, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".png,.jpg,.jpeg,.webp,.pdf"}),
    )
    reach = forms.IntegerField(label=_("Reach"), min_value=0, max_value=10**9, required=False)
    reach_kind = forms.ChoiceField(
        label=_("Reach counted as"), choices=[("", "—"), *ReachKind.choices], required=False
    )
    done_on = forms.DateField(label=_("Done on"), widget=DATE, required=False)
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("reach") is not None and not data.get("reach_kind"):
            self.add_error("reach_kind", _("Say what the reach counts."))
        done_on = data.get("done_on")
        if done_on and done_on > timezone.localdate():
            self.add_error("done_on", _("An action cannot be done in the future."))
        return data

    def done_at(self) -> dt.datetime | None:
        day = self.cleaned_data.get("done_on")
        if not day:
            return None
        if day == timezone.localdate():
            return timezone.now()
        return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=500, required=False)


class CompleteForm(forms.Form):
    note = forms.CharField(
        label=_("Note for the SOP task"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ListFilterForm(forms.Form):
    WHEN = [("", _("All")), ("akan", _("Upcoming")), ("keluar", _("Released"))]
    PLAN = [
        ("", _("All")),
        ("kosong", _("No plan yet")),
        ("berjalan", _("In progress")),
        ("lengkap", _("Complete")),
    ]
    waktu = forms.ChoiceField(label=_("Release"), choices=WHEN, required=False)
    rencana = forms.ChoiceField(label=_("Promotion plan"), choices=PLAN, required=False)
    instansi = forms.ModelChoiceField(
        label=_("Agency"), queryset=Agency.objects.order_by("name"), required=False
    )
    terlambat = forms.BooleanField(label=_("Overdue task only"), required=False)
    q = forms.CharField(label=_("Title"), max_length=100, required=False)


class PeriodForm(forms.Form):
    """``?dari=YYYY-MM-DD&sampai=YYYY-MM-DD``: both days included."""

    dari = forms.DateField(label=_("From"), widget=DATE, required=False, input_formats=["%Y-%m-%d"])
    sampai = forms.DateField(label=_("To"), widget=DATE, required=False, input_formats=["%Y-%m-%d"])
    MAX_DAYS = 3 * 366

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("dari", "sampai"):
            day = data.get(name)
            if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
                raise forms.ValidationError(
                    _("Choose days between the years %(first)s and %(last)s.")
                    % {"first": FIRST_YEAR, "last": LAST_YEAR}
                )
        today = timezone.localdate()
        end = data.get("sampai") or today
        start = data.get("dari") or end - dt.timedelta(days=29)
        if start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        if (end - start).days > self.MAX_DAYS:
            raise forms.ValidationError(_("Choose a period of at most three years."))
        data["dari"], data["sampai"] = start, end
        return data
