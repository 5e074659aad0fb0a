"""Forms of part E: the erratum a confirmed data correction starts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from satudata.releases.models import Release
from satudata.support.models import Ticket


class ErratumForm(forms.Form):
    release = forms.ModelChoiceField(
        label=_("Release with the error"), queryset=Release.objects.none()
    )
    note = forms.CharField(
        label=_("What was wrong and what changed"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )
    significant = forms.BooleanField(
        label=_("Significant: the error could mislead users"), required=False
    )
    confirmed = forms.BooleanField(
        label=_("The agency that holds the data has confirmed the error"),
        error_messages={"required": _("Confirm that the agency has checked the error first.")},
    )

    def __init__(self, *args: Any, ticket: Ticket, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        published = Release.objects.published().order_by("-release_at")
        field = self.fields["release"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = published
        if ticket.release_id is not None:
            field.initial = ticket.release_id
