from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from satudata.accounts.models import Agency, User
from satudata.accounts.roles import Role
from satudata.catalog.models import DataList
from satudata.catalog.storage import size_problem


def _checked_size(upload: Any) -> Any:
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
        return _checked_size(self.cleaned_data["file"])


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV, TSV, XLSX, XLS or ODS as your agency keeps it; titles, totals and notes "
            "below the table are recognised."
        ),
    )

    def clean_file(self) -> object:
        return _checked_size(self.cleaned_data["file"])


class LetterForm(forms.Form):
    data_list = forms.ModelChoiceField(label=_("Daftar Data"), queryset=DataList.objects.all())
    agency = forms.ModelChoiceField(label=_("Addressee agency"), queryset=Agency.objects.active())
    signatory = forms.ModelChoiceField(
        label=_("Signatory"),
        queryset=User.objects.filter(
            is_active=True, role__in=[Role.KEPALA_DINAS, Role.KEPALA_BIDANG]
        ),
    )
