"""The usage dashboard's filter form: only what is drawn (labels, choices, widgets). The
reading and its errors are ``analytics.Filters.from_query``'s, so the page, the charts and the
CSV/JSON downloads accept exactly the same addresses."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from satudata.accounts.models import Agency
from satudata.catalog.models import Dataset
from satudata.products.models import Product
from satudata.reports import analytics
from satudata.reports.models import Channel


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class UsageFilterForm(forms.Form):
    periode = forms.ChoiceField(label=_("Period"), required=False)
    dari = forms.DateField(label=_("From"), required=False, widget=DateInput())
    sampai = forms.DateField(label=_("To"), required=False, widget=DateInput())
    instansi = forms.ChoiceField(label=_("Agency"), required=False)
    sektor = forms.ChoiceField(label=_("Sector"), required=False)
    dataset = forms.ChoiceField(label=_("Dataset"), required=False)
    produk = forms.ChoiceField(label=_("Product"), required=False)
    kanal = forms.ChoiceField(label=_("Channel"), required=False)
    robot = forms.BooleanField(label=_("Include robots"), required=False)

    def _choice(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        every: list[tuple[str, Any]] = [("", _("All"))]
        self._choice("periode").choices = [
            (key, analytics.preset_label(key)) for key in analytics.PRESETS
        ]
        self._choice("instansi").choices = every + list(
            Agency.objects.order_by("name").values_list("slug", "name")
        )
        self._choice("sektor").choices = every + sorted(
            analytics.sector_labels().items(), key=lambda item: item[1]
        )
        self._choice("dataset").choices = every + list(
            Dataset.objects.order_by("title").values_list("slug", "title")
        )
        self._choice("produk").choices = every + list(
            Product.objects.order_by("title").values_list("slug", "title")
        )
        self._choice("kanal").choices = every + [(c.value, c.label) for c in Channel]
