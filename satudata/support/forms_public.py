"""The visitor's forms: asking (with the spam checks' hidden fields), replying on a ticket and
objecting to a KIP request's handling. The services check again; these give early, per-field
errors and keep what was typed."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from satudata.support.models import Category, Delivery, InstitutionType, ObjectionReason
from satudata.support.services import MAX_MESSAGE

PHONE = re.compile(r"^\+?[0-9 ()./-]{6,25}$")
# Control characters no one means to type (NUL, escape, bell…); tab, line feed and carriage
# return are text. PostgreSQL refuses NUL outright; the others garble the staff's pages.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CONTROL_ERROR = _(
    "This field contained invisible control characters (such as NUL); they have been removed. "
    "Check the text, then send again."
)


def without_control_characters(data: QueryDict) -> tuple[QueryDict, list[str]]:
    """The posted form without control characters, and the names of the fields that had some
    (the form is then sent back with the cleaned text and an error beside each of them)."""
    cleaned, dirty = QueryDict(mutable=True), []
    for key, values in data.lists():
        name = CONTROL.sub("", key)
        kept = [CONTROL.sub("", value) for value in values]
        if name != key or kept != values:
            dirty.append(name)
        cleaned.setlist(name, kept)
    return cleaned, dirty


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; each is checked by ``attachments.check_all`` later, which
    also refuses an empty file (by its name: Django's own error would not say which file)."""

    widget = MultipleFileInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class SpentHiddenInput(forms.HiddenInput):
    """Never sends its value back: a proof of work is spent (or refused) once the form is
    posted, and the page's script must fetch and solve a new one before the next send."""

    def format_value(self, value: Any) -> None:
        return None


class HiddenText(forms.CharField):
    """A hidden field the page's script fills in (the proof of work, what the search box looked
    for). The visitor cannot see or correct it, so it never raises a field error: an over-long
    value is cut to ``max_chars`` and the check that uses it (``pow.verify``) says what to do."""

    widget = forms.HiddenInput

    def __init__(self, *, max_chars: int, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.max_chars = max_chars

    def to_python(self, value: Any) -> str:
        return str(super().to_python(value))[: self.max_chars]


class HiddenCount(forms.Field):
    """A hidden count (suggestions shown): anything that is not a number in range counts 0."""

    widget = forms.HiddenInput

    def __init__(self, *, most: int, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.most = most

    def to_python(self, value: Any) -> int:
        text = str(value or "").strip()[:6]
        return min(int(text), self.most) if text.isdigit() else 0


ATTACHMENT_HELP = _(
    "Optional. PDF, PNG, JPEG, CSV, TXT, XLSX or DOCX; up to %(n)s files of at most %(mb)s MB each."
)


def attachment_help() -> str:
    from django.conf import settings

    return str(ATTACHMENT_HELP) % {
        "n": settings.SUPPORT_ATTACHMENTS_PER_MESSAGE,
        "mb": f"{settings.SUPPORT_ATTACHMENT_MAX_BYTES / 2**20:.0f}",
    }


class AskForm(forms.Form):
    subject = forms.CharField(
        label=_("Your question, in a few words"),
        max_length=200,
        help_text=_("Answers from the FAQ and the data catalogue appear below as you type."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-suggest": "1"}),
    )
    category = forms.ChoiceField(label=_("What kind of request is it?"), choices=Category.choices)
    message = forms.CharField(
        label=_("Your question or request in full"),
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Which data, which region and years, and what you need it for."),
    )
    requester_name = forms.CharField(label=_("Your name"), max_length=150)
    requester_email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        help_text=_("The private link to follow your request is sent here. It is never published."),
    )
    requester_phone = forms.CharField(
        label=_("Telephone (optional)"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    institution_type = forms.ChoiceField(
        label=_("You ask as"), choices=InstitutionType.choices, initial=InstitutionType.PUBLIC
    )
    institution_name = forms.CharField(
        label=_("Institution (optional)"), max_length=200, required=False
    )
    purpose = forms.CharField(
        label=_("What the information is for"),
        max_length=300,
        required=False,
        help_text=_("Required for a public information request (UU 14/2008 Pasal 4)."),
    )
    requested_format = forms.CharField(
        label=_("Form of the information"),
        max_length=100,
        required=False,
        help_text=_("For example: a table in XLSX, a copy of a document in PDF."),
    )
    delivery = forms.ChoiceField(
        label=_("How you want to receive it"), choices=Delivery.choices, initial=Delivery.EMAIL
    )
    attachments = MultipleFileField(label=_("Attachments"))
    # Spam checks: a field people never see (bots fill it), and the proof of work.
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)
    pow_challenge = HiddenText(max_chars=301, widget=SpentHiddenInput)
    pow_nonce = HiddenText(max_chars=41, widget=SpentHiddenInput)
    # What the search-first box last looked for, and how many suggestions it showed.
    search_query = HiddenText(max_chars=300)
    search_results = HiddenCount(most=100)
    dataset = HiddenText(max_chars=64)
    product = HiddenText(max_chars=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = attachment_help()
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        self.fields["requester_name"].widget.attrs["autocomplete"] = "name"
        self.fields["requester_email"].widget.attrs["autocomplete"] = "email"

    def clean_message(self) -> str:
        text = self.cleaned_data["message"].replace("\x00", "").strip()
        if not text:
            raise forms.ValidationError(_("Write your question or request."))
        return str(text)

    def clean_requester_phone(self) -> str:
        phone = self.cleaned_data["requester_phone"].strip()
        if phone and not PHONE.match(phone):
            raise forms.ValidationError(
                _("Write the telephone number with digits only, e.g. 0812 3456 7890.")
            )
        return str(phone)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("category") == Category.KIP and not (data.get("purpose") or "").strip():
            self.add_error(
                "purpose",
                _("A public information request must say what the information is for."),
            )
        return data


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"), max_length=MAX_MESSAGE, widget=forms.Textarea(attrs={"rows": 5})
    )
    attachments = MultipleFileField(label=_("Attachments"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = attachment_help()


class ObjectionForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Ground of the objection (UU 14/2008 Pasal 35)"),
        choices=ObjectionReason.choices,
        widget=forms.RadioSelect,
    )
    statement = forms.CharField(
        label=_("Your objection"),
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What was wrong with the answer, and what you ask for."),
    )

    def __init__(self, *args: Any, grounds: tuple[str, ...] = (), **kwargs: Any) -> None:
        """``grounds``: the grounds open to this request (``services.objection_grounds``)."""
        super().__init__(*args, **kwargs)
        if grounds:
            field = self.fields["reason"]
            field.choices = [c for c in ObjectionReason.choices if c[0] in grounds]  # type: ignore[attr-defined]
