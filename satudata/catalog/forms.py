from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from satudata.accounts.models import Agency, User
from satudata.accounts.roles import Role
from satudata.catalog.models import DataList, Upload, Variable
from satudata.catalog.storage import size_problem


def checked_size(upload: Any) -> Any:
    problem = size_problem(upload.size)
    if problem:
        raise forms.ValidationError(problem)
    return upload


class DaftarImportForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "XLSX, XLS, ODS or CSV with a header row: NO, PRODUSEN DATA, NAMA DATA, "
            "SATUAN, PERIODE DATA, LEVEL PENYAJIAN, JADWAL RILIS, SIFAT DATA, PRIORITAS."
        ),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["year"].initial = timezone.localdate().year + 1

    def clean_file(self) -> object:
        return checked_size(self.cleaned_data["file"])


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV, TSV, XLSX, XLS or ODS as your agency keeps it; titles, totals and notes "
            "below the table are recognised."
        ),
    )

    def clean_file(self) -> object:
        return checked_size(self.cleaned_data["file"])


class MappingForm(forms.Form):
    """Which variable each column of the file is, which columns form the key, which sheet.

    One select and one key box per column the check read, offered with the agency's variables.
    """

    def __init__(self, *args: Any, upload: Upload, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.upload = upload
        variables = Variable.objects.filter(agency=upload.dataset.agency).order_by("name")
        choices = [("", _("— not published —"))] + [
            (str(v.pk), f"{v.name} ({v.get_data_type_display()})") for v in variables
        ]
        self.columns: list[tuple[str, forms.BoundField, forms.BoundField]] = []
        for index, column in enumerate(upload.columns):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=column, choices=choices, required=False
            )
            self.fields[f"key_{index}"] = forms.BooleanField(
                label=_("key"), required=False, initial=column in upload.key_columns
            )
            mapped = upload.mapping.get(column)
            self.fields[f"col_{index}"].initial = str(mapped) if mapped else ""
        if upload.sheets:
            self.fields["sheet"] = forms.ChoiceField(
                label=_("Sheet"),
                choices=[(name, name) for name in upload.sheets],
                initial=upload.sheet,
            )
        self.fields["unpivot"] = forms.BooleanField(
            label=_("Years run across the columns: turn them into rows"),
            required=False,
            initial=upload.unpivot,
        )

    def rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [
            (column, self[f"col_{i}"], self[f"key_{i}"])
            for i, column in enumerate(self.upload.columns)
        ]

    def mapping(self) -> dict[str, int | None]:
        """Column -> variable id; None for a column the producer chose not to publish."""
        return {
            column: int(self.cleaned_data[f"col_{i}"])
            if self.cleaned_data.get(f"col_{i}")
            else None
            for i, column in enumerate(self.upload.columns)
        }

    def key_columns(self) -> list[str]:
        return [
            column
            for i, column in enumerate(self.upload.columns)
            if self.cleaned_data.get(f"key_{i}")
        ]


class LetterForm(forms.Form):
    data_list = forms.ModelChoiceField(label=_("Daftar Data"), queryset=DataList.objects.all())
    agency = forms.ModelChoiceField(label=_("Addressee agency"), queryset=Agency.objects.active())
    signatory = forms.ModelChoiceField(
        label=_("Signatory"),
        queryset=User.objects.filter(
            is_active=True, role__in=[Role.KEPALA_DINAS, Role.KEPALA_BIDANG]
        ),
    )
