"""Forms of part E: the erratum a confirmed data correction starts, and the ad hoc table a
answered data request becomes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from satudata.products.models import Generation, Product, ProductKind
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


class TableChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} ({obj.agency})"


class AdhocTableForm(forms.Form):
    product = TableChoice(
        label=_("Table that answers the request"),
        queryset=Product.objects.none(),
        help_text=_(
            "A table product with a version whose files are made: build it with the table "
            "builder of the dataset, save it, and make its version on the table's page."
        ),
        error_messages={
            "required": _("Choose the table that answers the request."),
            "invalid_choice": _("That table is not on the list; choose one from the list."),
        },
    )
    note = forms.CharField(
        label=_("Note to the requester (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )

    def __init__(self, *args: Any, ticket: Ticket, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tables = (
            Product.objects.filter(
                kind=ProductKind.TABLE,
                versions__generation=Generation.DONE,
                versions__withdrawn_at__isnull=True,
            )
            .select_related("agency")
            .distinct()
            .order_by("-updated_at", "title")
        )
        field = self.fields["product"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = tables
        if ticket.product_id is not None:
            field.initial = ticket.product_id
