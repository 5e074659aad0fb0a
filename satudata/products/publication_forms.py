"""Forms of the publication editor."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from satudata.accounts.models import Agency
from satudata.products.models import Product

PAPER_CHOICES = [("a4", _("A4 (21 × 29.7 cm)")), ("b5", _("B5 (17.6 × 25 cm), as BPS books"))]


class NewPublicationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    agency = forms.ModelChoiceField(
        label=_("Agency"), queryset=Agency.objects.order_by("name"), empty_label=None
    )


class TitlePageForm(forms.Form):
    """The title and the title page of a "Dalam Angka" (satudata.md §6.1)."""

    title = forms.CharField(label=_("Title"), max_length=300)
    title_en = forms.CharField(label=_("Title in English"), max_length=300, required=False)
    subtitle = forms.CharField(label=_("Subtitle"), max_length=300, required=False)
    issn = forms.CharField(label="ISSN", max_length=20, required=False)
    publication_number = forms.CharField(
        label=_("Publication number"), max_length=60, required=False
    )
    catalogue_number = forms.CharField(
        label=_("Catalogue number"), max_length=60, required=False, help_text=_("e.g. 1102001.1810")
    )
    paper = forms.ChoiceField(label=_("Paper"), choices=PAPER_CHOICES)
    size = forms.CharField(
        label=_("Book size"),
        max_length=60,
        required=False,
        help_text=_("Left empty: the paper's size."),
    )
    authors = forms.CharField(label=_("Manuscript by"), max_length=300, required=False)
    editors = forms.CharField(label=_("Editors"), max_length=300, required=False)
    cover_design = forms.CharField(label=_("Cover design"), max_length=300, required=False)
    publisher = forms.CharField(
        label=_("Published by"),
        max_length=300,
        required=False,
        help_text=_("Left empty: the Walidata named in the site profile."),
    )
    printer = forms.CharField(label=_("Printed by"), max_length=300, required=False)
    foreword = forms.CharField(
        label=_("Foreword"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown: **bold**, *italic*, lists. No HTML, no images."),
    )
    place_date = forms.CharField(
        label=_("Place and date of the foreword"), max_length=120, required=False
    )
    signatory = forms.CharField(label=_("Signed by"), max_length=200, required=False)
    signatory_position = forms.CharField(
        label=_("Position of the signatory"), max_length=200, required=False
    )
    signatory_nip = forms.CharField(label="NIP", max_length=30, required=False)
    sample_label = forms.CharField(
        label=_("Sample data label"),
        max_length=60,
        required=False,
        help_text=_("Printed on the cover and title page when the numbers are not official."),
    )
    english = forms.BooleanField(
        label=_("Print English labels beside the Indonesian"), required=False
    )

    @classmethod
    def for_product(cls, product: Product, data: Any = None) -> TitlePageForm:
        page = dict(product.spec.get("title_page") or {})
        initial = {**page, "title": product.title, "title_en": product.title_en}
        return cls(data, initial=initial)


class ChapterForm(forms.Form):
    title = forms.CharField(label=_("Chapter title"), max_length=300)
    title_en = forms.CharField(label=_("Title in English"), max_length=300, required=False)
    text = forms.CharField(
        label=_("Text (Markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_(
            "# Section, **bold**, *italic*, - list, > quote, [link](https://…). HTML and images "
            "are dropped: figures come from the charts placed below."
        ),
    )


class AddChapterForm(forms.Form):
    title = forms.CharField(label=_("New chapter's title"), max_length=300)


def _kind_and_title(product: Product) -> str:
    return f"{product.get_kind_display()}: {product.title}"


class BindForm(forms.Form):
    bound = forms.ModelChoiceField(label=_("Table or chart"), queryset=Product.objects.none())
    caption = forms.CharField(
        label=_("Caption"),
        max_length=300,
        required=False,
        help_text=_("Left empty: the product's title."),
    )

    def __init__(self, *args: Any, choices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["bound"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = choices.order_by("kind", "title")
        field.label_from_instance = _kind_and_title  # type: ignore[method-assign,assignment]
