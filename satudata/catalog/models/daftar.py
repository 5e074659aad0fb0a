"""The Daftar Data: each year's list of data items, per agency, with its release schedule
(Perpres 39/2019 art. 27(3))."""

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
    activity = models.ForeignKey(
        "Activity",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
        verbose_name=_("statistical activity (MS-Keg)"),
    )
    indicator = models.ForeignKey(
        "Indicator",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
        verbose_name=_("indicator (MS-Ind)"),
    )

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

    def save(self, *args: Any, **kwargs: Any) -> None:
        new = self._state.adding
        super().save(*args, **kwargs)
        if not new:  # a new item has no dataset yet
            # Whether the item is open decides whether its dataset is public (the gate).
            from satudata.catalog.models.datasets import Dataset  # datasets import this module

            Dataset.objects.filter(item_id=self.pk).refresh_public_from()
