"""Nota dinas letters and their numbering."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from satudata.catalog.models.daftar import DataList


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
