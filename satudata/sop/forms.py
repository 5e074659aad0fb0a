from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from satudata.accounts.models import User
from satudata.accounts.roles import STAFF_ROLES, Role
from satudata.sop.models import SopDocument, SopStep
from satudata.sop.services import DOC_FIELDS

EXECUTOR_CHOICES = [(r.value, r.label) for r in Role if r in STAFF_ROLES]


class SopHeaderForm(forms.ModelForm):  # type: ignore[type-arg]
    legal_basis_text = forms.CharField(
        label=_("Legal basis"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One regulation per line."),
    )
    revision_note = forms.CharField(
        label=_("What changed in this revision"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
    )

    class Meta:
        model = SopDocument
        # Legal basis is edited as text, one regulation per line (legal_basis_text).
        fields = [f for f in DOC_FIELDS if f != "legal_basis"]
        widgets = {
            "made_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "revised_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "related": forms.Textarea(attrs={"rows": 2}),
            "warning": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["legal_basis_text"] = "\n".join(self.instance.legal_basis)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        made, revised = data.get("made_on"), data.get("revised_on")
        if made and revised and revised < made:
            self.add_error("revised_on", _("The revision date cannot be before the date made."))
        return data

    def changes(self) -> dict[str, Any]:
        data = {k: self.cleaned_data[k] for k in self.Meta.fields}
        lines = self.cleaned_data["legal_basis_text"].splitlines()
        data["legal_basis"] = [line.strip() for line in lines if line.strip()]
        return data


class SopStepForm(forms.ModelForm):  # type: ignore[type-arg]
    executors = forms.MultipleChoiceField(
        label=_("Executors"), choices=EXECUTOR_CHOICES, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = SopStep
        fields = [
            "number",
            "activity",
            "activity_en",
            "executors",
            "inputs",
            "time_standard",
            "working_days",
            "output",
            "note",
        ]
        widgets = {"number": forms.HiddenInput()}

    def step_data(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in self.Meta.fields}


class TaskActionForm(forms.Form):
    ACTIONS = [
        ("start", _("Start")),
        ("complete", _("Mark done")),
        ("cancel", _("Cancel")),
        ("reassign", _("Reassign")),
    ]
    action = forms.ChoiceField(choices=ACTIONS)
    note = forms.CharField(
        label=_("Note or reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    executor = forms.ModelChoiceField(
        label=_("New executor"),
        required=False,
        queryset=User.objects.filter(is_active=True, role__in=[r.value for r in STAFF_ROLES]),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "cancel" and not data.get("note", "").strip():
            self.add_error("note", _("Say why the task is cancelled."))
        if data.get("action") == "reassign" and not data.get("executor"):
            self.add_error("executor", _("Choose who takes the task over."))
        return data
