"""Forms around the metadata records: the MS-Var form (with its code list and validation rules
as a producer writes them), the agency and Daftar Data links of MS-Keg and MS-Ind, the review
decision, and the import."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from satudata.accounts.models import Agency, User
from satudata.accounts.permissions import acts_for_agency
from satudata.catalog.forms import checked_size
from satudata.catalog.metadata import variables as msvar
from satudata.catalog.metadata.spec import Invalid
from satudata.catalog.models import Activity, DataItem, DataType, Variable
from satudata.catalog.sinkronisasi.rule_language import RuleSyntaxError, parse_rule, unknown_names


def choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """A form's model choice field, typed, to narrow its queryset."""
    return cast("forms.ModelChoiceField[Any]", form.fields[name])


def agencies_for(user: User) -> Any:
    return Agency.objects.active().filter(
        pk__in=[a.pk for a in Agency.objects.active() if acts_for_agency(user, a)]
    )


class ItemChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        agency = obj.agency.short_name or obj.agency.name
        return f"{obj.data_list.year} · {obj.number}. {obj.name} ({agency})"


class LinksForm(forms.Form):
    """Which agency writes the record (when the user acts for several) and which Daftar Data
    items it describes."""

    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none())
    items = ItemChoiceField(
        label=_("Daftar Data items it describes"),
        queryset=DataItem.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args: Any, user: User, agency: Agency | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = agencies_for(user)
        choice_field(self, "agency").queryset = choices
        if agency is not None:
            choice_field(self, "agency").initial = agency.pk
            choice_field(self, "agency").disabled = True
            choice_field(self, "agency").queryset = Agency.objects.filter(pk=agency.pk)
        elif choices.count() == 1:
            choice_field(self, "agency").initial = choices.first().pk
        choice_field(self, "items").queryset = (
            DataItem.objects.filter(agency__in=choice_field(self, "agency").queryset)
            .select_related("data_list", "agency")
            .order_by("-data_list__year", "number")
        )


class ActivityCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Activity code (from BPS)"),
        required=False,
        max_length=40,
        help_text=_("Given by BPS through Romantik, e.g. V-23.1600.004; leave empty if none yet."),
    )


class VariableForm(forms.ModelForm):
    """MS-Var, field by field. The code list is written one answer per line ("1 = Laki-laki"),
    the validation rules as fields, with any rule in words kept as a note."""

    headers = forms.CharField(
        label=_("Other header spellings"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "How tables write this column besides the name and alias, one per line, e.g. "
            "“Jml Penduduk” or “Penduduk (jiwa)”. An upload's column with one of these "
            "headers is this variable."
        ),
    )
    codes = forms.CharField(
        label=_("Code list (klasifikasi isian)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One answer per line: code = label, e.g. 1 = Laki-laki."),
    )
    rule_required = forms.BooleanField(label=_("Required (wajib diisi)"), required=False)
    rule_min = forms.DecimalField(label=_("Smallest value"), required=False)
    rule_max = forms.DecimalField(label=_("Largest value"), required=False)
    rule_pattern = forms.CharField(
        label=_("Pattern (regular expression)"),
        required=False,
        help_text=_("E.g. ^[0-9]{16}$ for a 16-digit NIK."),
    )
    rule_max_length = forms.IntegerField(label=_("Longest text"), required=False, min_value=1)
    rule_expressions = forms.CharField(
        label=_("Rules across columns (checked by machine)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "One per line, with the stored names of this agency's variables, e.g. "
            "jumlah == laki_laki + perempuan, abs(rasio - laki_laki / perempuan * 100) <= 0.5, "
            "hari_hujan <= days_in_month(tahun, bulan), in_period(tanggal). Each row of an "
            "uploaded table must meet them."
        ),
    )
    rule_notes = forms.CharField(
        label=_("Other rules in words"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line; shown with the metadata, not checked by machine."),
    )

    class Meta:
        model = Variable
        fields = [
            "name",
            "alias",
            "concept",
            "definition",
            "selection_reference",
            "time_reference",
            "measure",
            "unit",
            "data_type",
            "region_level",
            "classification_reference",
            "question_text",
            "is_public",
            "activity",
        ]
        widgets = {
            "concept": forms.Textarea(attrs={"rows": 3}),
            "definition": forms.Textarea(attrs={"rows": 3}),
            "selection_reference": forms.Textarea(attrs={"rows": 2}),
            "question_text": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "activity").queryset = Activity.objects.filter(agency=agency)
        self.agency = agency
        variable: Variable | None = kwargs.get("instance")
        if variable is not None and variable.pk is not None and not self.is_bound:
            self.initial["headers"] = "\n".join(variable.header_spellings)
            self.initial["codes"] = msvar.codes_text(
                [(c.code, c.label) for c in variable.codes.all()]
            )
            notes, expressions = [], []
            for rule in variable.rules:
                kind = rule.get("kind")
                if kind == "required":
                    self.initial["rule_required"] = True
                elif kind == "range":
                    self.initial["rule_min"] = rule.get("min")
                    self.initial["rule_max"] = rule.get("max")
                elif kind == "pattern":
                    self.initial["rule_pattern"] = rule.get("regex")
                elif kind == "max_length":
                    self.initial["rule_max_length"] = rule.get("value")
                elif kind == "expression":
                    expressions.append(rule.get("text", ""))
                else:
                    notes.append(rule.get("text", ""))
            self.initial["rule_notes"] = "\n".join(notes)
            self.initial["rule_expressions"] = "\n".join(expressions)

    def clean_codes(self) -> list[tuple[str, str]]:
        try:
            return msvar.read_codes(self.cleaned_data.get("codes", ""))
        except Invalid as error:
            raise forms.ValidationError(str(error)) from None

    def clean_rule_expressions(self) -> list[str]:
        """Each line a rule the machine reads, naming only variables this agency has."""
        lines = [
            line.strip()
            for line in self.cleaned_data.get("rule_expressions", "").splitlines()
            if line.strip()
        ]
        # A rule names variables by their stored name (``laki_laki``), their name or alias;
        # ``name_key`` makes "Laki-laki", "laki_laki" and "LAKILAKI" one name.
        known = [
            name
            for variable in Variable.objects.filter(agency=self.agency)
            for name in (variable.name, variable.alias)
            if name
        ]
        known += [str(self.data.get(self.add_prefix(f), "")) for f in ("name", "alias")]
        problems = []
        for line in lines:
            try:
                rule = parse_rule(line)
            except RuleSyntaxError as error:
                problems.append(str(error))
                continue
            unknown = unknown_names(rule, known)
            if unknown:
                problems.append(
                    _(
                        "“%(rule)s”: no variable is named %(names)s; use the stored names of "
                        "this agency's variables."
                    )
                    % {"rule": line, "names": ", ".join(unknown)}
                )
        if problems:
            raise forms.ValidationError(problems)
        return lines

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("rule_min"), data.get("rule_max")
        if low is not None and high is not None and low > high:
            self.add_error("rule_max", _("The largest value is below the smallest."))
        if data.get("data_type") == DataType.CATEGORY and not data.get("codes"):
            self.add_error("codes", _("A category needs its code list."))
        return data

    def rules(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        rules: list[dict[str, Any]] = []
        if data.get("rule_required"):
            rules.append({"kind": "required"})
        low, high = data.get("rule_min"), data.get("rule_max")
        if low is not None or high is not None:
            rules.append({"kind": "range", "min": _plain(low), "max": _plain(high)})
        if data.get("rule_pattern"):
            rules.append({"kind": "pattern", "regex": data["rule_pattern"]})
        if data.get("rule_max_length"):
            rules.append({"kind": "max_length", "value": data["rule_max_length"]})
        for text in data.get("rule_expressions") or []:
            rules.append({"kind": "expression", "text": text})
        for line in (data.get("rule_notes") or "").splitlines():
            if line.strip():
                rules.append({"kind": "note", "text": line.strip()})
        return rules

    def values(self) -> dict[str, Any]:
        values = {name: self.cleaned_data[name] for name in self.Meta.fields}
        values["rules"] = self.rules()
        values["header_spellings"] = msvar.read_spellings(self.cleaned_data.get("headers", ""))
        return values


def _plain(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("return", _("Return with comments"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when returning: say what the agency should change."),
    )


class MetadataImportForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none())
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "JSON with INDAH v2 keys (one record, a list, or an export of this platform), or "
            "XLSX with sheets MS-Keg, MS-Var, MS-Ind as this platform exports them."
        ),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = agencies_for(user)
        choice_field(self, "agency").queryset = choices
        if choices.count() == 1:
            choice_field(self, "agency").initial = choices.first().pk

    def clean_file(self) -> Any:
        return checked_size(self.cleaned_data["file"])
