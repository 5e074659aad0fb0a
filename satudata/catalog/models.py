"""SOP activity 1's records. The Daftar Data: each year's list of data items, per agency, with
its release schedule (Perpres 39/2019 art. 27(3))."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DataListStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved and frozen")


class DataListQuerySet(models.QuerySet["DataList"]):
    def visible_to(self, user: Any) -> DataListQuerySet:
        """Approved lists are public (Perpres 39/2019 art. 36(4)); drafts are for the staff
        who prepare or approve them."""
        from satudata.accounts.permissions import can
        from satudata.accounts.roles import Capability

        if can(user, Capability.MANAGE_DATA_LIST) or can(user, Capability.APPROVE_DATA_LIST):
            return self.all()
        return self.filter(status=DataListStatus.APPROVED)


class DataList(models.Model):
    """The Daftar Data of one year. Once the Kepala Bidang approves it, it is frozen."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DataListStatus.choices, default=DataListStatus.DRAFT
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[DataListQuerySet] = DataListQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-year"]
        verbose_name = _("Daftar Data")
        verbose_name_plural = _("Daftar Data")

    def __str__(self) -> str:
        return f"Daftar Data {self.year}"

    @property
    def is_frozen(self) -> bool:
        return self.status == DataListStatus.APPROVED


class Frequency(models.TextChoices):
    ANNUAL = "tahunan", _("Annual")
    SEMESTER = "semesteran", _("Half-yearly")
    QUARTERLY = "triwulanan", _("Quarterly")
    MONTHLY = "bulanan", _("Monthly")
    SCHOOL_YEAR = "tahun_ajaran", _("Per school year")
    FIVE_YEARLY = "lima_tahunan", _("Five-yearly")
    AD_HOC = "sewaktu", _("When needed")


class PresentationLevel(models.TextChoices):
    KABUPATEN = "kabupaten", _("Regency")
    KECAMATAN = "kecamatan", _("District (kecamatan)")
    DESA = "desa", _("Village (desa/kelurahan)")


class Access(models.TextChoices):
    OPEN = "terbuka", _("Open")
    RESTRICTED = "terbatas", _("Restricted")
    CLOSED = "tertutup", _("Excluded (not public)")


class DataItem(models.Model):
    """One data item of a year's Daftar Data: who produces it, its standard data components
    (concept, definition, classification, measure, unit), how often, at what level, when."""

    data_list = models.ForeignKey(DataList, on_delete=models.PROTECT, related_name="items")
    number = models.PositiveIntegerField(_("no."))
    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="data_items",
        verbose_name=_("producing agency"),
    )
    name = models.CharField(_("data name"), max_length=300)
    concept = models.TextField(_("concept"), blank=True)
    definition = models.TextField(_("definition"), blank=True)
    classification = models.TextField(_("classification"), blank=True)
    measure = models.CharField(_("measure"), max_length=100, blank=True)
    unit = models.CharField(_("unit"), max_length=100, blank=True)
    frequency = models.CharField(_("frequency"), max_length=20, choices=Frequency.choices)
    level = models.CharField(
        _("level of presentation"),
        max_length=20,
        choices=PresentationLevel.choices,
        default=PresentationLevel.KABUPATEN,
    )
    release_schedule = models.CharField(
        _("release schedule as written"),
        max_length=100,
        blank=True,
        help_text=_("As the list writes it, e.g. 'Maret n+1' (March of the next year)."),
    )
    release_month = models.PositiveSmallIntegerField(_("release month"), null=True, blank=True)
    release_year_offset = models.PositiveSmallIntegerField(
        _("release year offset"),
        default=0,
        help_text=_("0: the data year itself (n); 1: the following year (n+1)."),
    )
    access = models.CharField(
        _("access"), max_length=10, choices=Access.choices, default=Access.OPEN
    )
    is_priority = models.BooleanField(_("priority data"), default=False)
    sds_code = models.CharField(_("SDS code"), max_length=20, blank=True)

    class Meta:
        ordering = ["data_list", "number"]
        verbose_name = _("data item")
        verbose_name_plural = _("data items")
        constraints = [
            models.UniqueConstraint(
                fields=["data_list", "agency", "name"], name="one_item_per_agency_and_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class DataType(models.TextChoices):
    INTEGER = "integer", _("Whole number")
    DECIMAL = "decimal", _("Decimal number")
    TEXT = "text", _("Text")
    DATE = "date", _("Date")
    YEAR = "year", _("Year")
    REGION = "region", _("Region code (Kemendagri)")
    CATEGORY = "category", _("Category from the code list")


RULE_KINDS = ("required", "range", "pattern", "max_length")


class Variable(models.Model):
    """A variable's statistical metadata (MS-Var, Peraturan BPS 5/2020): what a column of an
    agency's table means and which values it may hold.

    ``rules`` is a list of machine-checkable validation rules (``aturan validasi``), each one
    of ``{"kind": "required"}``, ``{"kind": "range", "min": 0, "max": 100}``,
    ``{"kind": "pattern", "regex": "^[0-9]{4}$"}`` or ``{"kind": "max_length", "value": 50}``.
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
    question_text = models.TextField(_("question wording"), blank=True)
    is_public = models.BooleanField(_("publicly accessible"), default=True)

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

        from satudata.catalog.rules import RuleError, compile_rules

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


class Dataset(models.Model):
    """The data of one Daftar Data item, produced by its agency, kept as versions."""

    item = models.OneToOneField(
        DataItem, on_delete=models.PROTECT, related_name="dataset", verbose_name=_("data item")
    )
    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="datasets",
        verbose_name=_("agency"),
    )
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=300)
    # The column mapping last confirmed by the producer (column name -> variable id) and the
    # key columns, used for the next upload of the same item.
    mapping = models.JSONField(_("remembered column mapping"), default=dict, blank=True)
    key_columns = models.JSONField(_("key columns"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")

    def __str__(self) -> str:
        return self.title


class UploadStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    CHECKING = "checking", _("Being checked")
    REJECTED = "rejected", _("Not synchronised")
    SYNCHRONISED = "synchronised", _("Synchronised")


class Upload(models.Model):
    """One check of a file as an agency sent it. The original is kept by its hash, whatever the
    outcome; checking the same file again with another mapping is a new row (``based_on``), so
    no earlier result is overwritten."""

    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="uploads")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    filename = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    status = models.CharField(
        _("status"), max_length=20, choices=UploadStatus.choices, default=UploadStatus.RECEIVED
    )
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    key_columns = models.JSONField(_("key columns"), default=list, blank=True)
    unpivot = models.BooleanField(_("years as columns turned into rows"), default=False)
    based_on = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rechecks",
        verbose_name=_("check of the same file before"),
    )
    row_count = models.PositiveBigIntegerField(_("rows read"), null=True, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    findings = models.JSONField(default=list, blank=True)
    notices = models.JSONField(_("what was understood"), default=list, blank=True)
    missing = models.JSONField(_("missing values per column"), default=dict, blank=True)
    columns = models.JSONField(_("columns read"), default=list, blank=True)
    sheets = models.JSONField(_("sheets in the file"), default=list, blank=True)
    # {"stage": "read"|"load"|"check"|"store", "done": n, "total": n} while the check runs.
    progress = models.JSONField(default=dict, blank=True)
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")

    def __str__(self) -> str:
        return f"{self.filename} ({self.uploaded_at:%Y-%m-%d %H:%M})"


class DatasetVersion(models.Model):
    """A synchronised upload stored as typed Parquet. Versions are never overwritten."""

    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    upload = models.OneToOneField(Upload, on_delete=models.PROTECT, related_name="version")
    path = models.CharField(max_length=300)
    row_count = models.PositiveBigIntegerField(_("rows"))
    columns = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["dataset", "-number"]
        verbose_name = _("dataset version")
        verbose_name_plural = _("dataset versions")
        constraints = [
            models.UniqueConstraint(fields=["dataset", "number"], name="one_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.dataset} v{self.number}"


class LetterSequence(models.Model):
    """The last letter number used in a year. Numbers are taken under a row lock, never reused."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("letter number sequence")
        verbose_name_plural = _("letter number sequences")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class LetterQuerySet(models.QuerySet["Letter"]):
    def visible_to(self, user: Any) -> LetterQuerySet:
        """Walidata staff see every letter; a producer sees the letters to its agencies."""
        from satudata.accounts.permissions import can, role_of
        from satudata.accounts.roles import Capability, Role

        if can(user, Capability.VIEW_TASK_DASHBOARD):
            return self.all()
        if role_of(user) == Role.PRODUSEN:
            return self.filter(agency_id__in=user.agency_ids())
        return self.none()


class Letter(models.Model):
    """A nota dinas from the Walidata to an agency about its items missing or not synchronised."""

    number = models.CharField(_("letter number"), max_length=100, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="letters",
        verbose_name=_("addressee"),
    )
    data_list = models.ForeignKey(DataList, on_delete=models.PROTECT, related_name="letters")
    issued_on = models.DateField(_("date"))
    subject = models.CharField(_("subject"), max_length=300)
    signatory = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signatory"),
    )
    items = models.JSONField(default=list)
    pdf_path = models.CharField(max_length=300)
    docx_path = models.CharField(max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[LetterQuerySet] = LetterQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-year", "-sequence"]
        verbose_name = _("nota dinas")
        verbose_name_plural = _("nota dinas")
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="one_letter_per_sequence")
        ]

    def __str__(self) -> str:
        return self.number
