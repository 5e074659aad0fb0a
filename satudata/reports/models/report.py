"""The periodic dissemination report (Laporan Diseminasi, SOP activity 6) and its narrative.

A report is one *version* for one period: its figures frozen at generation (``snapshot``, never
changed afterwards), its three files (PDF, DOCX, XLSX) and its way through the workflow: draft →
submitted → reviewed by the Kepala Bidang (or returned) → signed by the Kepala Dinas → handed to
the release workflow as a publication. Regenerating makes a new version; an older version is
marked superseded when a newer one of the same period is signed, and is never changed otherwise.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from satudata.accounts.models import nip_validator
from satudata.products.models import Generation

__all__ = [
    "NarrativeKey",
    "NarrativeSection",
    "PeriodKind",
    "Report",
    "ReportState",
]


class PeriodKind(models.TextChoices):
    MONTH = "bulan", _("Month")
    QUARTER = "triwulan", _("Quarter")
    YEAR = "tahun", _("Year")


class ReportState(models.TextChoices):
    DRAFT = "draf", _("Draft")
    SUBMITTED = "diajukan", _("Waiting for review")
    RETURNED = "dikembalikan", _("Returned with a note")
    REVIEWED = "ditinjau", _("Reviewed by the Kepala Bidang")
    SIGNED = "ditandatangani", _("Signed by the Kepala Dinas")
    PUBLISHED = "diterbitkan", _("Handed to the release workflow")
    SUPERSEDED = "digantikan", _("Superseded by a newer version")


# States in which the figures and the narrative may still be worked on.
EDITABLE_STATES = frozenset({ReportState.DRAFT, ReportState.RETURNED})


class NarrativeKey(models.TextChoices):
    """The report's sections (dissemination.md §4.4), each with a text written by the staff."""

    RINGKASAN = "ringkasan", _("Summary")
    KALENDER = "kalender", _("Release calendar")
    PRODUK = "produk", _("Products released")
    PEMANFAATAN = "pemanfaatan", _("Use of the data")
    PROMOSI = "promosi", _("Promotion")
    LAYANAN = "layanan", _("User support")
    TRANSPARANSI = "transparansi", _("Pre-release transparency")
    KEPATUHAN = "kepatuhan", _("SOP compliance")
    TINDAK_LANJUT = "tindak_lanjut", _("Follow-up plan")


class ReportQuerySet(models.QuerySet["Report"]):
    def of_period(self, label: str) -> ReportQuerySet:
        return self.filter(period_label=label)

    def in_review(self) -> ReportQuerySet:
        return self.filter(state=ReportState.SUBMITTED)


def _file_path(instance: Report, filename: str) -> str:
    return f"laporan/{instance.period_label}/v{instance.version}/{filename}"


class Report(models.Model):
    """One version of the dissemination report of one period."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    period_kind = models.CharField(_("period kind"), max_length=10, choices=PeriodKind.choices)
    period_label = models.CharField(_("period"), max_length=10, db_index=True)
    start_on = models.DateField(_("first day"))
    end_on = models.DateField(_("last day"))
    version = models.PositiveIntegerField(_("version"))
    state = models.CharField(
        _("state"), max_length=15, choices=ReportState.choices, default=ReportState.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    # As typed on the signature block (prefilled from the Walidata agency's head).
    signer_name = models.CharField(_("signer's name"), max_length=200, blank=True)
    signer_nip = models.CharField(
        _("signer's NIP"), max_length=18, blank=True, validators=[nip_validator]
    )
    signer_title = models.CharField(_("signer's title"), max_length=200, blank=True)
    signed_on = models.DateField(_("date of signature"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    # The publication product version the signed report became (released through activity 3).
    product_version = models.OneToOneField(
        "products.ProductVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dissemination_report",
    )
    # Every figure of the report, frozen when the version is generated; never written again.
    snapshot = models.JSONField(_("figures"), null=True, blank=True)
    is_sample = models.BooleanField(_("holds sample data"), default=False)
    generation = models.CharField(
        _("generation"), max_length=10, choices=Generation.choices, default=Generation.WAITING
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    progress_text = models.CharField(_("step"), max_length=200, blank=True)
    generation_error = models.TextField(_("generation error"), blank=True)
    generated_at = models.DateTimeField(_("generated"), null=True, blank=True)
    pdf = models.FileField(_("PDF"), upload_to=_file_path, max_length=300, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    docx = models.FileField(_("DOCX"), upload_to=_file_path, max_length=300, blank=True)
    docx_sha256 = models.CharField(max_length=64, blank=True)
    xlsx = models.FileField(_("XLSX"), upload_to=_file_path, max_length=300, blank=True)
    xlsx_sha256 = models.CharField(max_length=64, blank=True)

    objects: ClassVar[ReportQuerySet] = ReportQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-start_on", "period_kind", "-version"]
        verbose_name = _("dissemination report")
        verbose_name_plural = _("dissemination reports")
        constraints = [
            models.UniqueConstraint(
                fields=["period_label", "version"], name="one_report_version_number"
            )
        ]

    def __str__(self) -> str:
        return f"Laporan Diseminasi {self.period_label} v{self.version}"

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def is_ready(self) -> bool:
        return self.generation == Generation.DONE

    def file_for(self, fmt: str) -> Any:
        return {"pdf": self.pdf, "docx": self.docx, "xlsx": self.xlsx}.get(fmt)


class NarrativeSection(models.Model):
    """The staff's text of one section of one report version, in a Markdown subset (rendered
    sanitised; markup never runs). A new version starts with the previous version's texts."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="narrative")
    key = models.CharField(_("section"), max_length=20, choices=NarrativeKey.choices)
    text = models.TextField(_("text"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["report", "key"]
        verbose_name = _("narrative section")
        verbose_name_plural = _("narrative sections")
        constraints = [
            models.UniqueConstraint(fields=["report", "key"], name="one_narrative_per_section")
        ]

    def __str__(self) -> str:
        return f"{self.report}: {self.key}"
