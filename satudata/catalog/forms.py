from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from satudata.accounts.models import Agency, User
from satudata.accounts.roles import Role
from satudata.catalog.metadata import variables as msvar
from satudata.catalog.metadata.spec import Invalid
from satudata.catalog.metadata.standard import SECTORS
from satudata.catalog.models import DataList, Dataset, License, Topic, Upload, Variable
from satudata.catalog.sinkronisasi.rules import RuleError, compile_rules
from satudata.catalog.storage import size_problem

_NOT_REQUIRED = ("tidak wajib", "tidak wajib diisi", "boleh kosong", "opsional")


def limits_text(overrides: dict[str, list[dict[str, Any]]], variables: list[Variable]) -> str:
    """A table's own limits as the describe form writes them, one line per variable."""
    names = {str(v.pk): v.name for v in variables}
    lines = []
    for key, rules in overrides.items():
        if key in names:
            words = [
                "Tidak wajib" if r.get("kind") == "optional" else msvar.rule_text(r) for r in rules
            ]
            lines.append(f"{names[key]}: {'; '.join(words)}")
    return "\n".join(lines)


def read_limits(text: str, variables: list[Variable]) -> dict[str, list[dict[str, Any]]]:
    """``Dataset.rule_overrides`` from lines ``Variable: rule; rule``; the variable by its name
    or alias, the rules in the words of the MS-Var form. Only limits a machine checks are kept
    (a rule in other words is refused, since it would silently check nothing)."""
    by_name = {
        label.casefold(): v for v in variables for label in (v.name, v.alias) if label.strip()
    }
    overrides: dict[str, list[dict[str, Any]]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, colon, words = line.partition(":")
        variable = by_name.get(" ".join(name.split()).casefold())
        if not colon or variable is None:
            raise Invalid(
                _("Line %(n)s: “%(name)s” is not a variable of this agency.")
                % {"n": number, "name": name.strip()[:80]}
            )
        rules: list[dict[str, Any]] = []
        for part in words.split(";"):
            if " ".join(part.split()).casefold() in _NOT_REQUIRED:
                rules.append({"kind": "optional"})
                continue
            read = msvar.read_rules([part])
            if any(r["kind"] == "note" for r in read):
                raise Invalid(
                    _(
                        "Line %(n)s: “%(rule)s” is not a limit the check can read; write e.g. "
                        "“Nilai antara 0 dan 100”, “Wajib diisi” or “Tidak wajib”."
                    )
                    % {"n": number, "rule": part.strip()[:80]}
                )
            rules += read
        try:
            compile_rules([r for r in rules if r["kind"] != "optional"])
        except RuleError as error:
            raise Invalid(_("Line %(n)s: %(problem)s") % {"n": number, "problem": error}) from None
        overrides[str(variable.pk)] = rules
    return overrides


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
    """Which variable each column of the file is, which sheet, whether to turn years into rows.

    One select per column the check read, offered with the agency's variables. The key is not
    chosen here: it is part of the dataset's description, declared before any upload.
    """

    def __init__(self, *args: Any, upload: Upload, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.upload = upload
        variables = Variable.objects.filter(agency=upload.dataset.agency).order_by("name")
        choices = [("", _("— not published —"))] + [
            (str(v.pk), f"{v.name} ({v.get_data_type_display()})") for v in variables
        ]
        for index, column in enumerate(upload.columns):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=column, choices=choices, required=False
            )
            mapped = upload.mapping.get(column)
            self.fields[f"col_{index}"].initial = str(mapped) if mapped else ""
        if upload.sheets:
            # Several alike sheets are read as one table; the producer may pick others.
            self.fields["sheets"] = forms.MultipleChoiceField(
                label=_("Sheets to read"),
                help_text=_(
                    "Sheets with the same columns are read as one table; the others are left "
                    "out. Choose the sheets that hold this item's data."
                ),
                choices=[(name, name) for name in upload.sheets],
                initial=upload.read_sheets or [upload.sheet],
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
        self.fields["unpivot"] = forms.BooleanField(
            label=_("Years run across the columns: turn them into rows"),
            required=False,
            initial=upload.unpivot,
        )

    def rows(self) -> list[tuple[str, forms.BoundField, bool]]:
        """Each column, its select, and whether it was part of the key in this check."""
        return [
            (column, self[f"col_{i}"], column in self.upload.key_columns)
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


class LetterForm(forms.Form):
    data_list = forms.ModelChoiceField(label=_("Daftar Data"), queryset=DataList.objects.all())
    agency = forms.ModelChoiceField(label=_("Addressee agency"), queryset=Agency.objects.active())
    signatory = forms.ModelChoiceField(
        label=_("Signatory"),
        queryset=User.objects.filter(
            is_active=True, role__in=[Role.KEPALA_DINAS, Role.KEPALA_BIDANG]
        ),
    )


MAX_TAGS = 30
MAX_TAG_LENGTH = 60


class DescribeDatasetForm(forms.Form):
    """What the portal says about a dataset (``services.describe_dataset``), with the time the
    form was opened so that a change made meanwhile by someone else is not overwritten unseen."""

    title = forms.CharField(label=_("Title"), min_length=3, max_length=300)
    description = forms.CharField(
        label=_("Description"),
        max_length=20_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the table holds, its coverage and anything a reader should know."),
    )
    sector = forms.ChoiceField(label=_("BPS sector"), required=False)
    license_id = forms.ChoiceField(label=_("Licence"), choices=License.choices)
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=MAX_TAGS * (MAX_TAG_LENGTH + 2),
        help_text=_("Words people search for, separated by commas (at most 30)."),
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    key_variables = forms.ModelMultipleChoiceField(
        label=_("Key: the variables that together identify a row"),
        queryset=Variable.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "E.g. region code and year. Every upload, the first included, is checked for two "
            "rows with the same key and for rows pasted twice."
        ),
    )
    limits = forms.CharField(
        label=_("Limits of this table"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Only where this table differs from the variable's metadata (MS-Var). One line per "
            "variable: its name, a colon, the rules separated by ';', e.g. “Jumlah Siswa: Nilai "
            "antara 0 dan 5000; Wajib diisi” or “Catatan: Tidak wajib”."
        ),
    )
    seen = forms.CharField(widget=forms.HiddenInput, max_length=40)

    def __init__(self, *args: Any, dataset: Dataset, **kwargs: Any) -> None:
        self.variables = list(Variable.objects.filter(agency=dataset.agency_id).order_by("name"))
        kwargs.setdefault(
            "initial",
            {
                "title": dataset.title,
                "description": dataset.description,
                "sector": dataset.sector,
                "license_id": dataset.license_id,
                "tags": ", ".join(t.name for t in dataset.tags.all()),
                "topics": list(dataset.topics.all()),
                "key_variables": [v.pk for v in dataset.key_variables.all()],
                "limits": limits_text(dataset.rule_overrides, self.variables),
                "seen": dataset.modified_at.isoformat(),
            },
        )
        super().__init__(*args, **kwargs)
        self.dataset = dataset
        keys: forms.ModelMultipleChoiceField = self.fields["key_variables"]  # type: ignore[assignment]
        keys.queryset = Variable.objects.filter(agency=dataset.agency_id).order_by("name")
        sector: forms.ChoiceField = self.fields["sector"]  # type: ignore[assignment]
        sector.choices = [("", _("— none —"))] + [(s.key, s.label) for s in SECTORS]

    def clean_tags(self) -> list[str]:
        tags = [" ".join(t.split()) for t in self.cleaned_data["tags"].split(",") if t.strip()]
        long = [t for t in tags if len(t) > MAX_TAG_LENGTH]
        if long:
            raise forms.ValidationError(
                _("A tag has at most %(n)s characters: shorten “%(tag)s”.")
                % {"n": MAX_TAG_LENGTH, "tag": long[0][:80]}
            )
        if len(tags) > MAX_TAGS:
            raise forms.ValidationError(
                _("At most %(n)s tags; this list has %(found)s.")
                % {"n": MAX_TAGS, "found": len(tags)}
            )
        return tags

    def clean_limits(self) -> dict[str, list[dict[str, Any]]]:
        try:
            return read_limits(self.cleaned_data.get("limits") or "", self.variables)
        except Invalid as error:
            raise forms.ValidationError(str(error)) from None

    def clean_seen(self) -> datetime:
        try:
            return datetime.fromisoformat(self.cleaned_data["seen"])
        except ValueError:
            raise forms.ValidationError(_("Open the form again from the dataset's page.")) from None

    def changed_meanwhile(self, current: datetime) -> None:
        """Say that someone saved first, and show the form again with the newer time, so that
        saving again is a deliberate choice to keep this text."""
        data = self.data.copy()  # type: ignore[attr-defined]  # a QueryDict: the POST
        data["seen"] = current.isoformat()
        self.data = data
        self.add_error(
            None,
            _(
                "Someone saved a change to this dataset after you opened this form. Your text "
                "is still below: compare it with the dataset's page and save again to keep it."
            ),
        )
