"""Forms of the staff desk (part A): the desk's filters, the ticket's steps, recording a
request that came by another channel, canned replies, objections and the guest book.

Forms only read and check input; every change goes through ``satudata.support.services``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from satudata.accounts.models import Agency, User
from satudata.accounts.roles import Role
from satudata.support import attachments
from satudata.support.forms_dates import DayField, MomentField
from satudata.support.models import (
    CannedReply,
    Category,
    Channel,
    GuestVisit,
    InstitutionType,
    KipOutcome,
    ObjectionDecision,
    RefusalReason,
)
from satudata.support.services import MAX_MESSAGE, NewFile, SupportError

VIEWS = (
    ("", _("All open")),
    ("today", _("Due today")),
    ("overdue", _("Overdue")),
    ("waiting", _("Waiting for the requester")),
)
HANDLER_ROLES = (Role.WALIDATA, Role.KEPALA_BIDANG, Role.ADMINISTRATOR, Role.PRODUSEN)


def handlers() -> Any:
    """People a ticket can be assigned to: Walidata staff and producers."""
    return User.objects.filter(is_active=True, role__in=HANDLER_ROLES).order_by("full_name")


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name or obj.username} ({obj.get_role_display()})"


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.short_name})" if obj.short_name else str(obj.name)


class DeskFilterForm(forms.Form):
    tampil = forms.ChoiceField(label=_("Show"), choices=VIEWS, required=False)
    petugas = UserChoiceField(label=_("Assigned to"), queryset=User.objects.none(), required=False)
    opd = AgencyChoiceField(label=_("Agency"), queryset=Agency.objects.none(), required=False)
    kategori = forms.ChoiceField(
        label=_("Category"), choices=[("", _("All")), *Category.choices], required=False
    )
    kanal = forms.ChoiceField(
        label=_("Channel"), choices=[("", _("All")), *Channel.choices], required=False
    )
    q = forms.CharField(label=_("Number or subject"), max_length=100, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["petugas"].queryset = handlers()  # type: ignore[attr-defined]
        self.fields["opd"].queryset = Agency.objects.order_by("name")  # type: ignore[attr-defined]


# --- Files ----------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[NewFile]:
        uploads = data if isinstance(data, list | tuple) else [data] if data else []
        try:
            # Checked exactly as the requester's are: how many, how large, what the content is.
            return attachments.check_all(uploads)
        except SupportError as error:
            raise forms.ValidationError(error.message) from error


# --- Steps of a ticket ----------------------------------------------------------------------


class StepForm(forms.Form):
    """Every step carries the ticket's ``updated_at`` as seen when the page was opened."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)


class BodyField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Message"))
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 5}))
        kwargs.setdefault("max_length", MAX_MESSAGE)
        super().__init__(**kwargs)


class ReplyForm(StepForm):
    canned = forms.ModelChoiceField(
        label=_("Canned reply"),
        queryset=CannedReply.objects.filter(is_active=True),
        required=False,
        help_text=_("Its text is put in the message when the message is left empty."),
    )
    body = BodyField(required=False)
    wait = forms.BooleanField(
        label=_("Ask the requester and wait for their answer (the clocks stop)"), required=False
    )
    lampiran = MultipleFileField(label=_("Attachments"))

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if not (data.get("body") or "").strip() and data.get("canned"):
            data["body"] = data["canned"].body
        if not (data.get("body") or "").strip() and "body" not in self.errors:
            self.add_error("body", gettext("Write a message; it cannot be empty."))
        return data


class NoteForm(StepForm):
    body = BodyField(label=_("Internal note"))
    lampiran = MultipleFileField(label=_("Attachments"))


class AssignForm(StepForm):
    assignee = UserChoiceField(
        label=_("Staff member"), queryset=User.objects.none(), required=False
    )
    agency = AgencyChoiceField(label=_("Agency"), queryset=Agency.objects.none(), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = handlers()  # type: ignore[attr-defined]
        self.fields["agency"].queryset = Agency.objects.order_by("name")  # type: ignore[attr-defined]


class ExtendForm(StepForm):
    reason = forms.CharField(
        label=_("Reason for the extension"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Sent to the requester. The deadline can be extended once."),
    )


class AnswerForm(StepForm):
    body = BodyField(label=_("Answer"))
    outcome = forms.ChoiceField(
        label=_("Outcome (public information requests)"),
        choices=[("", "—"), *KipOutcome.choices],
        required=False,
    )
    refusal_reason = forms.ChoiceField(
        label=_("Legal reason for a refusal"),
        choices=[("", "—"), *RefusalReason.choices],
        required=False,
    )
    referred_to = forms.CharField(
        label=_("Referred to (the body that holds the information)"),
        max_length=200,
        required=False,
    )
    lampiran = MultipleFileField(label=_("Attachments"))


class CloseForm(StepForm):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class MergeForm(StepForm):
    into = forms.CharField(
        label=_("Registration number of the ticket to merge into"), max_length=40
    )


# --- Recording a request --------------------------------------------------------------------


class TicketNewForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[c for c in Channel.choices if c[0] != Channel.WEB]
    )
    received_at = MomentField(
        label=_("Received at (WIB)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    requester_name = forms.CharField(label=_("Requester's name"), max_length=150)
    requester_email = forms.EmailField(label=_("E-mail"), required=False)
    requester_phone = forms.CharField(label=_("Telephone"), max_length=40, required=False)
    institution_type = forms.ChoiceField(
        label=_("Institution type"), choices=InstitutionType.choices
    )
    institution_name = forms.CharField(label=_("Institution"), max_length=200, required=False)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    message = forms.CharField(
        label=_("Request"), widget=forms.Textarea(attrs={"rows": 6}), max_length=MAX_MESSAGE
    )
    dataset: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Related dataset"),
        queryset=None,  # type: ignore[arg-type]
        required=False,
    )
    agency = AgencyChoiceField(
        label=_("Agency that holds the data"), queryset=Agency.objects.none(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from satudata.catalog.models import Dataset

        super().__init__(*args, **kwargs)
        self.fields["dataset"].queryset = Dataset.objects.order_by("title")  # type: ignore[attr-defined]
        self.fields["agency"].queryset = Agency.objects.order_by("name")  # type: ignore[attr-defined]
        self.initial.setdefault(
            "received_at", timezone.localtime().replace(second=0, microsecond=0)
        )

    def clean_received_at(self) -> Any:
        value = self.cleaned_data["received_at"]
        if value > timezone.now() + dt.timedelta(minutes=5):
            raise forms.ValidationError(gettext("The time received cannot be in the future."))
        return value


class CannedReplyForm(forms.ModelForm):
    class Meta:
        model = CannedReply
        fields = ["title", "category", "body", "is_active"]
        widgets = {"body": forms.Textarea(attrs={"rows": 6})}


class ObjectionDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=ObjectionDecision.choices)
    note = forms.CharField(
        label=_("Reasons for the decision"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MAX_MESSAGE,
    )


# --- Guest book -----------------------------------------------------------------------------


class GuestRangeForm(forms.Form):
    dari = DayField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    sampai = DayField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("dari") and data.get("sampai") and data["dari"] > data["sampai"]:
            raise forms.ValidationError(gettext("The start date is after the end date."))
        return data


class GuestVisitForm(forms.ModelForm):
    ticket_number = forms.CharField(
        label=_("Ticket number (optional)"), max_length=40, required=False
    )

    class Meta:
        model = GuestVisit
        fields = [
            "name",
            "institution_type",
            "institution_name",
            "contact",
            "purpose",
            "data_requested",
            "visited_at",
            "outcome",
        ]
        widgets = {
            "visited_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "data_requested": forms.Textarea(attrs={"rows": 3}),
            "outcome": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"visited_at": MomentField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("visited_at", timezone.localtime().replace(second=0, microsecond=0))

    def clean_visited_at(self) -> Any:
        value = self.cleaned_data["visited_at"]
        if value > timezone.now() + dt.timedelta(minutes=5):
            raise forms.ValidationError(gettext("The time of the visit cannot be in the future."))
        return value

    def clean_ticket_number(self) -> Any:
        from satudata.support.models import Ticket

        number = (self.cleaned_data.get("ticket_number") or "").strip()
        if not number:
            return None
        ticket = Ticket.objects.filter(number__iexact=number).first()
        if ticket is None:
            raise forms.ValidationError(
                gettext("No ticket has the number %(number)s.") % {"number": number}
            )
        return ticket
