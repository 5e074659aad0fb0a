"""Validation rules (aturan validasi) as data, compiled once and checked per value."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from satudata.catalog.models import RULE_KINDS
from satudata.catalog.sinkronisasi.rule_language import CrossRule, RuleSyntaxError, parse_rule


class RuleError(ValueError):
    """A rule that cannot be checked: unknown kind or bad parameters."""


@dataclass(frozen=True)
class Rules:
    required: bool = False
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    pattern: re.Pattern[str] | None = None
    max_length: int | None = None
    notes: tuple[str, ...] = ()  # rules in words: shown to people, not checked
    # Rules across the columns of a row, checked in one SQL pass (``engine.check_row_rules``).
    across: tuple[CrossRule, ...] = ()

    def check_number(self, value: Decimal) -> str | None:
        if self.minimum is not None and value < self.minimum:
            return _("Below the smallest allowed value, %(min)s.") % {"min": self.minimum}
        if self.maximum is not None and value > self.maximum:
            return _("Above the largest allowed value, %(max)s.") % {"max": self.maximum}
        return None

    def check_text(self, value: str) -> str | None:
        if self.max_length is not None and len(value) > self.max_length:
            return _("Longer than %(n)s characters.") % {"n": self.max_length}
        if self.pattern is not None and not self.pattern.fullmatch(value):
            return _("Does not have the required form (%(pattern)s).") % {
                "pattern": self.pattern.pattern
            }
        return None


def _decimal(value: Any, name: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise RuleError(
            _("The %(name)s of a range rule must be a number.") % {"name": name}
        ) from None


def compile_rules(rules: list[dict[str, Any]]) -> Rules:
    if not isinstance(rules, list):
        raise RuleError(_("Validation rules must be a list."))
    values: dict[str, Any] = {}
    notes: list[str] = []
    across: list[CrossRule] = []
    for rule in rules:
        kind = rule.get("kind") if isinstance(rule, dict) else None
        if kind not in RULE_KINDS:
            raise RuleError(
                _("Unknown rule kind %(kind)r; use one of %(kinds)s.")
                % {"kind": kind, "kinds": ", ".join(RULE_KINDS)}
            )
        if kind == "required":
            values["required"] = True
        elif kind == "range":
            values["minimum"] = _decimal(rule.get("min"), "min")
            values["maximum"] = _decimal(rule.get("max"), "max")
        elif kind == "pattern":
            try:
                values["pattern"] = re.compile(str(rule.get("regex", "")))
            except re.error as error:
                raise RuleError(
                    _("The pattern is not valid: %(error)s.") % {"error": error}
                ) from None
        elif kind == "note":
            text = str(rule.get("text", "")).strip()
            if not text:
                raise RuleError(_("A rule in words needs its text."))
            notes.append(text)
        elif kind == "expression":
            try:
                across.append(parse_rule(str(rule.get("text", ""))))
            except RuleSyntaxError as error:
                raise RuleError(str(error)) from None
        else:
            length = rule.get("value")
            if not isinstance(length, int) or length < 1:
                raise RuleError(_("max_length needs a positive whole number as its value."))
            values["max_length"] = length
    return Rules(**values, notes=tuple(notes), across=tuple(across))
