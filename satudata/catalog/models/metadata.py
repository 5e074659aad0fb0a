"""Statistical metadata to the BPS standard: MS-Keg (activities), MS-Ind (indicators), MS-Var
(variables and their code lists), and BPS's reviews of them."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from satudata.regions.models import RegionLevel


class DataType(models.TextChoices):
    INTEGER = "integer", _("Whole number")
    DECIMAL = "decimal", _("Decimal number")
    TEXT = "text", _("Text")
    DATE = "date", _("Date")
    YEAR = "year", _("Year")
    REGION = "region", _("Region code (Kemendagri)")
    CATEGORY = "category", _("Category from the code list")


RULE_KINDS = ("required", "range", "pattern", "max_length", "note", "expression")


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    RETURNED = "returned", _("Returned with comments")
    APPROVED = "approved", _("Approved by the Pembina Data")


class MetadataQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> MetadataQuerySet:
        """Approved metadata are public; drafts are seen by their agency, the Walidata and the
        Pembina Data (BPS) who reviews them."""
        from satudata.accounts.permissions import can, role_of
        from satudata.accounts.roles import Capability, Role

        if can(user, Capability.VIEW_UNPUBLISHED) or can(user, Capability.REVIEW_METADATA):
            return self.all()
        if role_of(user) == Role.PRODUSEN:
            return self.filter(
                models.Q(review_status=ReviewStatus.APPROVED)
                | models.Q(agency_id__in=user.agency_ids())
            )
        return self.filter(review_status=ReviewStatus.APPROVED)


class Reviewed(models.Model):
    """What every statistical metadata record carries for the Pembina Data's review: its state,
    how complete it is (percent of the questions that apply, answered), and the last decision."""

    review_status = models.CharField(
        _("review status"),
        max_length=10,
        choices=ReviewStatus.choices,
        default=ReviewStatus.DRAFT,
    )
    completeness = models.PositiveSmallIntegerField(_("completeness (%)"), default=0)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects: ClassVar[MetadataQuerySet] = MetadataQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        abstract = True


class Activity(Reviewed):
    """A statistical activity's metadata (MS-Keg, Peraturan BPS 5/2020): who runs it, how data
    are collected, processed and disseminated. ``answers`` holds the form as INDAH v2 keys; the
    questions are described in ``metadata.standard.MS_KEG``."""

    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("agency"),
    )
    title = models.CharField(_("activity title"), max_length=300)
    year = models.PositiveSmallIntegerField(_("year"))
    code = models.CharField(
        _("activity code"),
        max_length=40,
        blank=True,
        help_text=_("Given by BPS (Romantik), e.g. V-23.1600.004."),
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "title"]
        verbose_name = _("statistical activity (MS-Keg)")
        verbose_name_plural = _("statistical activities (MS-Keg)")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "title", "year"], name="one_activity_per_title_and_year"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Indicator(Reviewed):
    """An indicator's metadata (MS-Ind): what is computed from which variables or indicators.
    ``building_variables`` are the MS-Var rows the non-composite form names (matched by name or
    alias when saved); an upload for an item with this indicator must carry them all."""

    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="indicators",
        verbose_name=_("agency"),
    )
    name = models.CharField(_("indicator name"), max_length=300)
    activity = models.ForeignKey(
        Activity,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicators",
        verbose_name=_("statistical activity (MS-Keg)"),
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    building_variables: models.ManyToManyField[Variable, Any] = models.ManyToManyField(
        "Variable", blank=True, related_name="indicators", verbose_name=_("building variables")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("indicator (MS-Ind)")
        verbose_name_plural = _("indicators (MS-Ind)")
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="one_indicator_name_per_agency")
        ]

    def __str__(self) -> str:
        return self.name


class Variable(Reviewed):
    """A variable's statistical metadata (MS-Var, Peraturan BPS 5/2020): what a column of an
    agency's table means and which values it may hold.

    ``rules`` is a list of machine-checkable validation rules (``aturan validasi``), each one
    of ``{"kind": "required"}``, ``{"kind": "range", "min": 0, "max": 100}``,
    ``{"kind": "pattern", "regex": "^[0-9]{4}$"}``, ``{"kind": "max_length", "value": 50}``, or
    ``{"kind": "note", "text": …}`` for a rule written in words that no machine can check, or
    ``{"kind": "expression", "text": "jumlah == laki_laki + perempuan"}`` for a rule across the
    columns of a row (see ``rule_language``).
    ``region_level`` is the level the values of a region column are at (a kecamatan table's
    "Ambarawa" is the kecamatan, not a desa of the same name).
    The code list (``klasifikasi isian``) is in ``CodeValue``.
    """

    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="variables",
        verbose_name=_("agency"),
    )
    name = models.CharField(_("variable name"), max_length=200)
    alias = models.CharField(
        _("alias"),
        max_length=100,
        blank=True,
        help_text=_("Short name; also matched against column headers."),
    )
    # Other ways agencies write this variable's column header ("Jml Penduduk", "Penduduk
    # (jiwa)"): matched exactly, like the name and the alias, when a file is mapped.
    header_spellings = models.JSONField(
        _("other header spellings"),
        default=list,
        blank=True,
        help_text=_("Other column headers that mean this variable, one per line."),
    )
    concept = models.TextField(_("concept"), blank=True)
    definition = models.TextField(_("definition"), blank=True)
    selection_reference = models.TextField(_("selection reference"), blank=True)
    time_reference = models.CharField(_("time reference"), max_length=200, blank=True)
    measure = models.CharField(_("measure"), max_length=100, blank=True)
    unit = models.CharField(_("unit"), max_length=100, blank=True)
    data_type = models.CharField(_("data type"), max_length=10, choices=DataType.choices)
    classification_reference = models.CharField(
        _("reference classification"), max_length=200, blank=True
    )
    rules = models.JSONField(_("validation rules"), default=list, blank=True)
    region_level = models.PositiveSmallIntegerField(
        _("region level"),
        null=True,
        blank=True,
        choices=RegionLevel.choices,
        help_text=_(
            "For a region column: the level its names and codes are at. Names are matched "
            "only against regions of this level."
        ),
    )
    question_text = models.TextField(_("question wording"), blank=True)
    is_public = models.BooleanField(_("publicly accessible"), default=True)
    activity = models.ForeignKey(
        Activity,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="variables",
        verbose_name=_("statistical activity (MS-Keg)"),
    )

    class Meta:
        ordering = ["agency", "name"]
        verbose_name = _("variable (MS-Var)")
        verbose_name_plural = _("variables (MS-Var)")
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="one_variable_name_per_agency")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from satudata.catalog.sinkronisasi.rules import RuleError, compile_rules

        try:
            compile_rules(self.rules)
        except RuleError as error:
            raise ValidationError({"rules": str(error)}) from None


class CodeValue(models.Model):
    """One allowed answer of a variable's code list (klasifikasi isian)."""

    variable = models.ForeignKey(Variable, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(_("code"), max_length=20)
    label = models.CharField(_("label"), max_length=200)

    class Meta:
        ordering = ["variable", "code"]
        verbose_name = _("code list value")
        verbose_name_plural = _("code list values")
        constraints = [
            models.UniqueConstraint(fields=["variable", "code"], name="one_code_per_variable")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class MetadataKind(models.TextChoices):
    ACTIVITY = "ms_keg", _("MS-Keg")
    VARIABLE = "ms_var", _("MS-Var")
    INDICATOR = "ms_ind", _("MS-Ind")


class ReviewDecision(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted for review")
    RETURNED = "returned", _("Returned with comments")
    APPROVED = "approved", _("Approved")
    REOPENED = "reopened", _("Changed after approval: back to draft")


class MetadataReview(models.Model):
    """One step of a metadata record's review, kept so the producer and the reviewer see the
    whole conversation, not only the last comment."""

    kind = models.CharField(max_length=6, choices=MetadataKind.choices)
    object_id = models.PositiveBigIntegerField()
    decision = models.CharField(_("decision"), max_length=10, choices=ReviewDecision.choices)
    comment = models.TextField(_("comment"), blank=True)
    # The record as it stood at this step (INDAH v2 data), so an approved text is never lost
    # when the record is changed afterwards.
    answers = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["kind", "object_id"])]
        verbose_name = _("metadata review step")
        verbose_name_plural = _("metadata review steps")

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.decision}"
