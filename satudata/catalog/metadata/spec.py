"""Metadata forms as data: one description of a BPS form (its questions, their INDAH keys, answer
types, code lists and skip rules) drives the web form, validation, the completeness score, and
the JSON and XLSX interchange, so the four never disagree.

Answers are kept as INDAH v2 shapes: a nested dict keyed by the INDAH names, a single choice as
its enum name, a multi-select as ``{option_key: bool, …, other_key: text}``, a repeating group as
a list of dicts, dates as ISO strings.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from satudata.catalog.sinkronisasi.reading.values import MISSING, parse_date

TEXT = "text"  # one line
LONG = "long"  # paragraphs
INT = "int"
DATE = "date"
DATES = "dates"  # a list of dates
CHOICE = "choice"  # one of ``choices``
MULTI = "multi"  # any of ``choices``, each a bit (1, 2, 4, …) on the paper form
BOOL = "bool"  # Ya / Tidak
ROWS = "rows"  # a repeating group of ``columns``

YES = ("ya", "y", "yes", "true", "1", "benar")
NO = ("tidak", "t", "no", "false", "0", "2", "salah")


@dataclass(frozen=True)
class Choice:
    """An answer of a code list. ``key`` is what INDAH stores (an enum name, or the option's key
    inside a multi-select object); ``code`` is the number printed on the paper form."""

    key: str
    code: int
    label: str

    def matches(self, text: str) -> bool:
        wanted = " ".join(text.split()).casefold()
        return wanted in (
            self.key.casefold(),
            str(self.code),
            self.label.casefold(),
            f"{self.code}. {self.label}".casefold(),
            self.key.replace("_", " ").casefold(),
        )


@dataclass(frozen=True)
class When:
    """A skip rule: the question applies only when the answer at ``key`` is one of ``values``
    (for a multi-select, when one of those options is ticked)."""

    key: str
    values: tuple[Any, ...]

    def holds(self, answers: Mapping[str, Any]) -> bool:
        value = get(answers, self.key)
        if isinstance(value, dict):
            return any(value.get(v) is True for v in self.values)
        return value in self.values


@dataclass(frozen=True)
class Field:
    key: str
    number: str
    label: str
    kind: str = TEXT
    choices: tuple[Choice, ...] = ()
    required: bool = True
    when: When | None = None
    columns: tuple[Field, ...] = ()
    other_key: str = ""  # MULTI: the key of the "lainnya, sebutkan" text
    other_option: str = "lainnya"
    help: str = ""

    def choice(self, text: Any) -> Choice | None:
        if isinstance(text, bool):
            return None
        return next((c for c in self.choices if c.matches(str(text))), None)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    fields: tuple[Field, ...]
    when: When | None = None
    note: str = ""


@dataclass(frozen=True)
class Form:
    name: str
    sections: tuple[Section, ...]
    # Consistency rules across questions, each giving messages that block submission.
    rules: tuple[Callable[[Mapping[str, Any]], list[Problem]], ...] = ()

    def fields(self) -> Iterator[tuple[Section, Field]]:
        for section in self.sections:
            for item in section.fields:
                yield section, item

    def field(self, key: str) -> Field | None:
        return next((f for _s, f in self.fields() if f.key == key), None)


@dataclass
class Problem:
    """A validation message about one question (``key`` may carry a row: ``a.b.2.nama``)."""

    key: str
    number: str
    label: str
    message: str

    def __str__(self) -> str:
        return f"{self.number} {self.label}: {self.message}".strip()


@dataclass
class Checked:
    answers: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)  # malformed answers: never saved
    blocking: list[Problem] = field(default_factory=list)  # empty or inconsistent: blocks submit
    applicable: int = 0
    filled: int = 0

    @property
    def completeness(self) -> int:
        return round(100 * self.filled / self.applicable) if self.applicable else 100


# --- Nested keys ------------------------------------------------------------------------------


def get(answers: Mapping[str, Any], key: str) -> Any:
    value: Any = answers
    for part in key.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def put(answers: dict[str, Any], key: str, value: Any) -> None:
    parts = key.split(".")
    target = answers
    for part in parts[:-1]:
        target = target.setdefault(part, {})
    target[parts[-1]] = value


# --- Reading one answer -------------------------------------------------------------------------


class Invalid(ValueError):
    pass


def text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):  # INDAH keeps konsep etc. as arrays of paragraphs
        return "\n".join(str(v).strip() for v in value if str(v).strip())
    return str(value).strip()


def _date(value: Any) -> str | None:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = text_of(value)
    if not text or text == "-":
        return None
    parsed = parse_date(text[:10] if re.match(r"^\d{4}-\d{2}-\d{2}T", text) else text)
    if parsed is None or parsed is MISSING:
        raise Invalid(
            _("%(value)r is not a date; write it as 17/08/2025 or 2025-08-17.") % {"value": text}
        )
    return parsed.isoformat()  # type: ignore[union-attr]


def yes_no(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = text_of(value).casefold()
    if not text or text == "-":
        return None
    if text in YES:
        return True
    if text in NO:
        return False
    raise Invalid(_("Answer Ya or Tidak, not %(value)r.") % {"value": text_of(value)})


def _choice_list(item: Field) -> str:
    return "; ".join(f"{c.code} {c.label}" for c in item.choices)


def _multi(item: Field, value: Any) -> dict[str, Any]:
    """A multi-select from an INDAH object, a list of options, a text list, or the paper form's
    sum of codes (1 + 8 = 9)."""
    ticked: set[str] = set()
    other = ""
    if isinstance(value, Mapping):
        for choice in item.choices:
            if yes_no(value.get(choice.key)):
                ticked.add(choice.key)
        other = text_of(value.get(item.other_key)) if item.other_key else ""
    elif (isinstance(value, int) and not isinstance(value, bool)) or (
        isinstance(value, str) and value.strip().isdigit()
    ):
        total = int(value)
        for choice in item.choices:
            if total & choice.code:
                ticked.add(choice.key)
                total &= ~choice.code
        if total:
            raise Invalid(
                _("%(value)s is not a sum of this question's codes (%(codes)s).")
                % {"value": value, "codes": _choice_list(item)}
            )
    else:
        parts = value if isinstance(value, list) else re.split(r"[;,\n]", text_of(value))
        for part in parts:
            text = text_of(part)
            if not text:
                continue
            found = item.choice(text)
            if found is None:
                raise Invalid(
                    _("%(value)r is not one of: %(codes)s.")
                    % {"value": text, "codes": _choice_list(item)}
                )
            ticked.add(found.key)
    result: dict[str, Any] = {c.key: c.key in ticked for c in item.choices}
    if item.other_key:
        result[item.other_key] = other
    return result


def read_value(item: Field, value: Any) -> Any:
    """The stored form of one answer, from what a form, a JSON file or a spreadsheet gives."""
    if item.kind in (TEXT, LONG):
        return text_of(value)
    if item.kind == INT:
        text = text_of(value).replace(".", "") if not isinstance(value, int) else str(value)
        if not text or text == "-":
            return None
        if not re.fullmatch(r"-?\d+", text):
            raise Invalid(_("%(value)r is not a whole number.") % {"value": text_of(value)})
        return int(text)
    if item.kind == DATE:
        return _date(value)
    if item.kind == DATES:
        parts = value if isinstance(value, list) else re.split(r"[;\n]", text_of(value))
        return [d for d in (_date(p) for p in parts) if d]
    if item.kind == BOOL:
        return yes_no(value)
    if item.kind == CHOICE:
        text = text_of(value)
        if not text or text == "-":
            return None
        found = item.choice(text)
        if found is None:
            raise Invalid(
                _("%(value)r is not one of: %(codes)s.")
                % {"value": text, "codes": _choice_list(item)}
            )
        return found.key
    if item.kind == MULTI:
        return _multi(item, value)
    raise AssertionError(item.kind)  # ROWS are read by ``check``


def is_filled(item: Field, value: Any) -> bool:
    if item.kind == MULTI:
        return isinstance(value, dict) and any(value.get(c.key) is True for c in item.choices)
    if item.kind in (ROWS, DATES):
        return bool(value)
    return value not in (None, "")


# --- Checking a whole record ---------------------------------------------------------------------


def _rows(item: Field, value: Any, checked: Checked) -> list[dict[str, Any]]:
    if value in (None, "", []):
        return []
    if isinstance(value, Mapping):
        value = [value]
    if not isinstance(value, list):
        checked.problems.append(
            Problem(item.key, item.number, item.label, _("Expected a list of rows."))
        )
        return []
    rows = []
    for index, raw in enumerate(value, start=1):
        if not isinstance(raw, Mapping):
            continue
        row: dict[str, Any] = {}
        for column in item.columns:
            try:
                row[column.key] = read_value(column, raw.get(column.key))
            except Invalid as error:
                checked.problems.append(
                    Problem(
                        f"{item.key}.{index}.{column.key}",
                        f"{item.number} ({index})",
                        f"{item.label} – {column.label}",
                        str(error),
                    )
                )
        if any(is_filled(c, row.get(c.key)) for c in item.columns):
            rows.append(row)
    return rows


def check(form: Form, raw: Mapping[str, Any]) -> Checked:
    """Read every answer of ``raw`` through the form: malformed answers become ``problems``,
    required applicable ones left empty, and answers the form's
    consistency rules refuse, ``blocking``; answers to skipped questions are dropped,
    as the paper form skips them. Keys the form does not know are kept as they came."""
    checked = Checked(answers={})
    known = {f.key.split(".")[0] for _s, f in form.fields()}
    for key, value in raw.items():
        if key not in known:
            checked.answers[key] = value
    # Skip rules read answers already converted, so read every answer first.
    for _section, item in form.fields():
        value = get(raw, item.key)
        try:
            converted = (
                _rows(item, value, checked) if item.kind == ROWS else read_value(item, value)
            )
        except Invalid as error:
            checked.problems.append(Problem(item.key, item.number, item.label, str(error)))
            converted = None
        put(checked.answers, item.key, converted)
    for section, item in form.fields():
        value = get(checked.answers, item.key)
        applies = all(w is None or w.holds(checked.answers) for w in (section.when, item.when))
        if not applies:
            put(checked.answers, item.key, [] if item.kind in (ROWS, DATES) else None)
            continue
        checked.applicable += 1
        if is_filled(item, value):
            checked.filled += 1
            other_unnamed = item.kind == MULTI and item.other_key and value.get(item.other_option)
            if other_unnamed and not value.get(item.other_key):
                checked.blocking.append(
                    Problem(
                        item.key, item.number, item.label, _("Name the other answer ('lainnya').")
                    )
                )
            if item.kind == ROWS:
                _missing_cells(item, value, checked)
        elif item.required:
            checked.blocking.append(Problem(item.key, item.number, item.label, _("Required.")))
    if not checked.problems:
        for rule in form.rules:
            checked.blocking.extend(rule(checked.answers))
    return checked


def _missing_cells(item: Field, rows: list[dict[str, Any]], checked: Checked) -> None:
    for index, row in enumerate(rows, start=1):
        for column in item.columns:
            if column.required and not is_filled(column, row.get(column.key)):
                checked.blocking.append(
                    Problem(
                        f"{item.key}.{index}.{column.key}",
                        f"{item.number} ({index})",
                        f"{item.label} – {column.label}",
                        _("Required."),
                    )
                )


# --- Showing answers -----------------------------------------------------------------------------


def display(item: Field, value: Any) -> str:
    """An answer as a reader sees it: labels for codes, yes or no in the active language (read
    back either way), dates as written in Indonesia."""
    from satudata.catalog.letters import tanggal

    if value in (None, "", [], {}):
        return ""
    if item.kind == CHOICE:
        found = item.choice(value)
        return f"{found.code}. {found.label}" if found else str(value)
    if item.kind == MULTI:
        labels = [c.label for c in item.choices if value.get(c.key) is True]
        if item.other_key and value.get(item.other_key):
            labels.append(str(value[item.other_key]))
        return "; ".join(labels)
    if item.kind == BOOL:
        return _("Yes") if value else pgettext("answer", "No")
    if item.kind == DATE:
        return tanggal(dt.date.fromisoformat(value))
    if item.kind == DATES:
        return "; ".join(tanggal(dt.date.fromisoformat(v)) for v in value)
    return str(value)


def flatten(form: Form, answers: Mapping[str, Any]) -> Iterable[tuple[str, str, str, str]]:
    """(number, question, key, answer) for every question, a row per cell of a repeating group,
    as the XLSX form sheet lists them; the key is what ``unflatten`` reads back."""
    for _section, item in form.fields():
        value = get(answers, item.key)
        if item.kind == ROWS:
            rows = value or [{}]
            for index, row in enumerate(rows, start=1):
                for column in item.columns:
                    yield (
                        f"{item.number} ({index})",
                        f"{item.label} – {column.label}",
                        f"{item.key}.{index}.{column.key}",
                        display(column, row.get(column.key)),
                    )
        elif item.kind == MULTI:
            # One line per option, as the paper form's boxes; "lainnya" text on its own line.
            for choice in item.choices:
                ticked = isinstance(value, dict) and value.get(choice.key) is True
                yield (
                    item.number,
                    f"{item.label} – {choice.label}",
                    f"{item.key}.{choice.key}",
                    _("Yes") if ticked else pgettext("answer", "No"),
                )
            if item.other_key:
                other = value.get(item.other_key, "") if isinstance(value, dict) else ""
                yield (
                    item.number,
                    f"{item.label} – lainnya, sebutkan",
                    f"{item.key}.{item.other_key}",
                    str(other or ""),
                )
        else:
            yield item.number, item.label, item.key, display(item, value)


_ROW_KEY = re.compile(r"^(?P<base>.+)\.(?P<index>\d+)\.(?P<column>[a-z_0-9]+)$")


def unflatten(form: Form, pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """The nested answers from ``(key, cell)`` pairs written by ``flatten`` (or by hand)."""
    answers: dict[str, Any] = {}
    groups: dict[str, dict[int, dict[str, Any]]] = {}
    for key, cell in pairs:
        key = str(key or "").strip()
        if not key:
            continue
        match = _ROW_KEY.match(key)
        if match and (item := form.field(match["base"])) is not None and item.kind == ROWS:
            groups.setdefault(item.key, {}).setdefault(int(match["index"]), {})[match["column"]] = (
                cell
            )
            continue
        put(answers, key, cell)
    for key, rows in groups.items():
        put(answers, key, [rows[i] for i in sorted(rows)])
    return answers
