"""The KPI set of the dissemination report (domain/dissemination.md §4.3): each KPI's stable
code, unit, direction and default target, and the targets the administrator sets.

The defaults, and why:

- punctuality, advance notice, Daftar Data coverage, error-free releases, answers within the
  SLA and machine-readable availability: **100 %** — the ABS target for error-free releases,
  and EPSS 20302/20403's top level asks every release on time, announced and offered in
  open formats;
- mean delay: **0 days** (every late day counts);
- satisfaction: **88.31**, the lower bound of band A ("Sangat baik") of PermenPAN-RB 14/2017;
- channel index: **100**, i.e. at least the base year's use;
- the counts (calendar changes, corrections, output, use, promotion, pre-release access) and
  timeliness have no default target: what is right depends on the year's plan, so the
  administrator sets one when the Renstra gives it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

__all__ = ["KPI_DEFINITIONS", "KpiDefinition", "KpiTarget", "Unit", "definition_of"]


class Unit(models.TextChoices):
    PERCENT = "%", _("percent")
    DAYS = "days", _("days")
    COUNT = "count", _("count")
    INDEX = "index", _("index")
    SCORE = "score", _("score (IKM)")


# (low, high) a target of each unit may take; None: no bound.
UNIT_RANGES: dict[str, tuple[Decimal, Decimal | None]] = {
    Unit.PERCENT: (Decimal(0), Decimal(100)),
    Unit.DAYS: (Decimal(0), None),
    Unit.COUNT: (Decimal(0), None),
    Unit.INDEX: (Decimal(0), None),
    Unit.SCORE: (Decimal(25), Decimal(100)),
}


@dataclass(frozen=True)
class KpiDefinition:
    """One KPI of §4.3: number, stable code, name, unit, whether higher is better, and the
    target used until the administrator sets one."""

    number: int
    code: str
    name: Promise
    unit: str
    direction: str  # "higher" or "lower": which way is better
    default_target: Decimal | None


def _kpi(
    number: int, code: str, name: Promise, unit: str, direction: str, target: str | None = None
) -> KpiDefinition:
    return KpiDefinition(
        number, code, name, unit, direction, Decimal(target) if target is not None else None
    )


KPI_DEFINITIONS: tuple[KpiDefinition, ...] = (
    _kpi(1, "punctuality", _("Punctuality"), Unit.PERCENT, "higher", "100"),
    _kpi(2, "delay", _("Mean and maximum delay"), Unit.DAYS, "lower", "0"),
    _kpi(3, "advance_notice", _("Advance notice"), Unit.PERCENT, "higher", "100"),
    _kpi(4, "calendar_changes", _("Calendar changes"), Unit.COUNT, "lower"),
    _kpi(5, "timeliness", _("Timeliness"), Unit.DAYS, "lower"),
    _kpi(6, "daftar_data_coverage", _("Daftar Data coverage"), Unit.PERCENT, "higher", "100"),
    _kpi(7, "error_free", _("Error-free releases"), Unit.PERCENT, "higher", "100"),
    _kpi(8, "corrections", _("Corrections and revisions"), Unit.COUNT, "lower"),
    _kpi(9, "output", _("Output volume"), Unit.COUNT, "higher"),
    _kpi(10, "web_use", _("Use: web"), Unit.COUNT, "higher"),
    _kpi(11, "downloads", _("Use: downloads"), Unit.COUNT, "higher"),
    _kpi(12, "api_use", _("Use: API"), Unit.COUNT, "higher"),
    _kpi(13, "channel_index", _("Channel index"), Unit.INDEX, "higher", "100"),
    _kpi(14, "promotion_reach", _("Promotion reach"), Unit.COUNT, "higher"),
    _kpi(
        15,
        "requests_sla",
        _("User requests answered within the SLA"),
        Unit.PERCENT,
        "higher",
        "100",
    ),
    _kpi(16, "satisfaction", _("Satisfaction (IKM)"), Unit.SCORE, "higher", "88.31"),
    _kpi(17, "prerelease", _("Pre-release transparency"), Unit.COUNT, "lower"),
    _kpi(18, "machine_readable", _("Machine-readable availability"), Unit.PERCENT, "higher", "100"),
)
_BY_CODE = {d.code: d for d in KPI_DEFINITIONS}


def definition_of(code: str) -> KpiDefinition:
    """The KPI with this code; KeyError when there is none."""
    return _BY_CODE[code]


def check_target(unit: str, value: Decimal) -> None:
    """Raise ``ValidationError`` (in the user's language) when ``value`` is out of the range
    of ``unit``: a percentage 0–100, days and counts ≥ 0, an IKM 25–100."""
    low, high = UNIT_RANGES[unit]
    if value < low or (high is not None and value > high):
        if high is None:
            message = _("The target must be %(low)s or more.") % {"low": low}
        else:
            message = _("The target must be from %(low)s to %(high)s.") % {
                "low": low,
                "high": high,
            }
        raise ValidationError(message, code="out_of_range")


class KpiTarget(models.Model):
    """The administrator's target for one KPI, replacing the default in ``KPI_DEFINITIONS``.
    Every change is written to the audit log (``satudata.reports.kpis.set_target``)."""

    code = models.CharField(_("KPI"), max_length=40, unique=True)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("set by"),
    )
    updated_at = models.DateTimeField(_("set at"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("KPI target")
        verbose_name_plural = _("KPI targets")

    def __str__(self) -> str:
        return f"{self.code}: {self.target}"

    def clean(self) -> None:
        if self.code not in _BY_CODE:
            raise ValidationError({"code": _("There is no KPI with this code.")})
        try:
            check_target(_BY_CODE[self.code].unit, Decimal(self.target))
        except ValidationError as error:
            raise ValidationError({"target": error.messages}) from error
