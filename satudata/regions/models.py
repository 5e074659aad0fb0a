"""Kemendagri region codes (kode referensi wilayah) with the BPS code where known."""

from __future__ import annotations

import re
from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

CODE_PATTERN = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")


class RegionLevel(models.IntegerChoices):
    PROVINSI = 1, _("Province")
    KABUPATEN = 2, _("Regency / city")
    KECAMATAN = 3, _("District (kecamatan)")
    DESA = 4, _("Village (desa / kelurahan)")


class RegionKind(models.TextChoices):
    PROVINSI = "provinsi", _("Province")
    KABUPATEN = "kabupaten", _("Regency")
    KOTA = "kota", _("City")
    KECAMATAN = "kecamatan", _("District")
    DESA = "desa", _("Village (desa)")
    KELURAHAN = "kelurahan", _("Urban village (kelurahan)")


def level_of(code: str) -> int:
    return code.count(".") + 1


def kind_of(code: str, name: str) -> str:
    """The kind follows from the code; kabupaten and kota differ only in the name."""
    level = level_of(code)
    if level == RegionLevel.PROVINSI:
        return RegionKind.PROVINSI
    if level == RegionLevel.KABUPATEN:
        return RegionKind.KOTA if name.strip().lower().startswith("kota") else RegionKind.KABUPATEN
    if level == RegionLevel.KECAMATAN:
        return RegionKind.KECAMATAN
    # Kemendagri: the village segment starts with 1 for a kelurahan, 2 for a desa.
    return RegionKind.KELURAHAN if code.rsplit(".", 1)[1].startswith("1") else RegionKind.DESA


def parent_code(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


class RegionQuerySet(models.QuerySet["Region"]):
    def under(self, code: str) -> RegionQuerySet:
        """Every region inside ``code``, at any depth."""
        return self.filter(code__startswith=code + ".")


class Region(models.Model):
    """One administrative region. The Kemendagri code is the key; joins never use names."""

    code = models.CharField(_("Kemendagri code"), max_length=13, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=RegionLevel.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=RegionKind.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    name_key = models.CharField(max_length=100, db_index=True, editable=False)
    bps_code = models.CharField(_("BPS code"), max_length=10, blank=True, db_index=True)
    bps_name = models.CharField(_("BPS name"), max_length=100, blank=True)

    objects: ClassVar[RegionQuerySet] = RegionQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args: object, **kwargs: object) -> None:
        from satudata.regions.names import name_key

        self.name_key = name_key(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def is_village(self) -> bool:
        return self.level == RegionLevel.DESA
