"""The subscriber's forms: subscribing (the address and what to follow) and the preference page.
The services check again (``satudata.promotion.subscriptions``); these give per-field errors,
keep what was typed and link each error to its field for screen readers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from satudata.accounts.models import Agency
from satudata.catalog.metadata.standard import SECTORS
from satudata.promotion import subscriptions
from satudata.promotion.models import Frequency, Language, TopicKind

EVERYTHING, CHOSEN = "semua", "pilihan"


class PreferencesForm(forms.Form):
    """What to follow and how to be told; ``followed`` are the datasets and products offered
    as ``(kind, uuid, title)`` (the one whose page linked here, or those already followed)."""

    scope = forms.ChoiceField(
        label=_("What do you want to hear about?"),
        choices=[
            (EVERYTHING, _("Every release")),
            (CHOSEN, _("Only the topics I choose below")),
        ],
        initial=CHOSEN,
        widget=forms.RadioSelect,
    )
    sectors = forms.MultipleChoiceField(
        label=_("Sectors"),
        required=False,
        choices=[(c.key, c.label) for c in SECTORS],
        widget=forms.CheckboxSelectMultiple,
    )
    agencies = forms.MultipleChoiceField(
        label=_("Agencies"), required=False, choices=[], widget=forms.CheckboxSelectMultiple
    )
    items = forms.MultipleChoiceField(
        label=_("This data"), required=False, choices=[], widget=forms.CheckboxSelectMultiple
    )
    calendar_changes = forms.BooleanField(
        label=_("Also tell me when a release I follow is postponed or cancelled"),
        required=False,
        initial=True,
    )
    frequency = forms.ChoiceField(
        label=_("How often?"),
        choices=Frequency.choices,
        initial=Frequency.IMMEDIATE,
        widget=forms.RadioSelect,
    )
    language = forms.ChoiceField(
        label=_("Language of the e-mails"), choices=Language.choices, widget=forms.RadioSelect
    )

    def __init__(
        self, *args: Any, followed: Iterable[tuple[str, str, str]] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agencies"].choices = list(  # type: ignore[attr-defined]
            Agency.objects.filter(is_active=True).order_by("name").values_list("slug", "name")
        )
        self.fields["items"].choices = [  # type: ignore[attr-defined]
            (f"{kind}:{value}", title) for kind, value, title in followed
        ]
        language = (get_language() or "id")[:2]
        self.fields["language"].initial = (
            language if language in Language.values else Language.INDONESIAN
        )

    def full_clean(self) -> None:
        super().full_clean()
        self.mark_errors()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("scope") == CHOSEN and not (self.topics(data) or data.get("calendar_changes")):
            raise forms.ValidationError(
                _(
                    "Choose what to follow: every release, at least one sector, agency or item "
                    "of data, or the release calendar's changes."
                )
            )
        return data

    def topics(self, data: dict[str, Any] | None = None) -> list[tuple[str, str]]:
        data = self.cleaned_data if data is None else data
        chosen = [(TopicKind.SECTOR.value, key) for key in data.get("sectors", [])]
        chosen += [(TopicKind.AGENCY.value, slug) for slug in data.get("agencies", [])]
        for item in data.get("items", []):
            kind, _sep, value = item.partition(":")
            chosen.append((kind, value))
        return chosen

    def everything(self) -> bool:
        return bool(self.cleaned_data.get("scope") == EVERYTHING)

    def mark_errors(self) -> None:
        """Each field in error says so (``aria-invalid``) and points at its message
        (``aria-describedby``); the message's id is ``<field id>_error``."""
        for name in self.errors:
            if name not in self.fields:
                continue
            widget = self.fields[name].widget
            error_id = f"{self[name].auto_id}_error"
            described = " ".join(filter(None, [widget.attrs.get("aria-describedby"), error_id]))
            widget.attrs.update({"aria-invalid": "true", "aria-describedby": described})

    def apply(self, initial: subscriptions.Preferences) -> None:
        """Start from a subscriber's current choices (the preference page)."""
        self.initial.update(
            scope=EVERYTHING if initial.everything else CHOSEN,
            sectors=[v for k, v in initial.topics if k == TopicKind.SECTOR],
            agencies=[v for k, v in initial.topics if k == TopicKind.AGENCY],
            items=[f"{k}:{v}" for k, v in initial.topics if k in {"dataset", "produk"}],
            calendar_changes=initial.calendar_changes,
            frequency=initial.frequency,
            language=initial.language,
        )


class SubscribeForm(PreferencesForm):
    email = forms.CharField(
        label=_("Your e-mail address"),
        max_length=254,
        help_text=_("We send a link to confirm it. It is never published or shared."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )

    field_order = ["email"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["aria-describedby"] = f"{self['email'].auto_id}_helptext"

    def clean_email(self) -> str:
        try:
            return subscriptions.clean_address(self.cleaned_data["email"])
        except subscriptions.SubscriptionError as error:
            raise forms.ValidationError(error.message) from error
