"""Rules across the columns of a row, in a small safe language, compiled to DuckDB SQL.

A rule is a condition each row must meet, written with the stored names of the table's
variables: ``jumlah == laki_laki + perempuan``, ``abs(rasio - laki_laki / perempuan * 100) <=
0.5``, ``awal_periode <= tanggal <= akhir_periode``, ``hari_hujan <= days_in_month(tahun,
bulan)``, ``in_period(tanggal)``. Python's own parser reads the text (``ast.parse`` in ``eval``
mode); the tree is then walked against a whitelist of node types — names, numbers, quoted text,
``+ - * /``, comparisons, ``and``/``or``/``not`` and a handful of functions — and anything else
is refused. Nothing is ever evaluated in Python: the tree becomes one SQL expression over the
``typed`` table, so a million rows cost one scan.

A row whose values are missing does not break a rule (NULL is not FALSE): missing values are
reported by the required rule, not twice.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

MAX_LENGTH = 500
MAX_DEPTH = 40  # nesting; the compiler and the message walk the tree recursively
INTEGER, NUMBER, DATE, TEXT = "integer", "number", "date", "text"
# Arity of each function (min, max).
FUNCTIONS: dict[str, tuple[int, int]] = {
    "abs": (1, 1),
    "round": (1, 2),
    "year": (1, 1),
    "month": (1, 1),
    "days_in_month": (1, 2),
    "in_period": (1, 1),
}
_COMPARE_SQL = {
    ast.Eq: "=",
    ast.NotEq: "<>",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
}
# What a broken comparison says: "jumlah (120) ≠ laki_laki (60) + perempuan (59)".
_BROKEN = {ast.Eq: "≠", ast.NotEq: "=", ast.Lt: "≥", ast.LtE: ">", ast.Gt: "≤", ast.GtE: "<"}
_ARITHMETIC = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_ALLOWED = (
    ast.Expression,
    ast.BoolOp,
    ast.And,
    ast.Or,
    ast.UnaryOp,
    ast.Not,
    ast.USub,
    ast.UAdd,
    ast.BinOp,
    ast.Compare,
    ast.Call,
    ast.Name,
    ast.Load,
    ast.Constant,
    *_COMPARE_SQL,
    *_ARITHMETIC,
)
# How people write what Python spells otherwise: ≤, a single "=", "dan", "antara … dan …".
_SPELLINGS = (
    ("≤", "<="),
    ("≥", ">="),
    ("≠", "!="),
    ("<>", "!="),
    ("×", "*"),
    ("÷", "/"),
    ("−", "-"),
)
_OPERAND = r"[\w.]+(?:\([^()]*\))?"
_BETWEEN = re.compile(
    rf"({_OPERAND})\s+(?:between|antara)\s+({_OPERAND})\s+(?:and|dan)\s+({_OPERAND})", re.I
)
_WORDS = {"dan": "and", "atau": "or", "tidak": "not", "bukan": "not"}


class RuleSyntaxError(ValueError):
    """A rule that cannot be read or uses what the language does not allow."""


def name_key(name: str) -> str:
    """The key a column name is known by in rules: ``Laki-laki``, ``laki_laki`` and ``LAKILAKI``
    are one name."""
    return re.sub(r"[^a-z0-9]+", "", name.lower())


def _spelled_as_python(text: str) -> str:
    for written, python in _SPELLINGS:
        text = text.replace(written, python)
    text = re.sub(r"(?<![=!<>])=(?!=)", "==", text)
    text = _BETWEEN.sub(r"\2 <= \1 <= \3", text)
    return re.sub(r"\b(dan|atau|tidak|bukan)\b", lambda m: _WORDS[m[1].lower()], text, flags=re.I)


@dataclass(frozen=True)
class CrossRule:
    """One parsed rule: its text as written, the checked tree and the column names it uses."""

    text: str
    tree: ast.Expression
    names: tuple[str, ...]


def parse_rule(text: str) -> CrossRule:
    """The rule in ``text``, or ``RuleSyntaxError`` saying why it is not one."""
    text = " ".join(str(text).split())
    if not text:
        raise RuleSyntaxError(_("The rule is empty."))
    if len(text) > MAX_LENGTH:
        raise RuleSyntaxError(_("A rule may have at most %(n)s characters.") % {"n": MAX_LENGTH})
    try:
        tree = ast.parse(_spelled_as_python(text), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise RuleSyntaxError(
            _("“%(rule)s” is not a rule the machine can read.") % {"rule": text}
        ) from None
    if _depth(tree) > MAX_DEPTH:
        raise RuleSyntaxError(
            _("“%(rule)s” is nested too deeply; write it more simply.") % {"rule": text}
        )
    names: list[ast.Name] = []
    _mark_functions(tree)
    for node in ast.walk(tree):
        _allow(node, names)
    names.sort(key=lambda n: n.col_offset)
    if not _is_condition(tree.body):
        raise RuleSyntaxError(
            _("“%(rule)s” is a value, not a condition: compare it with ==, <=, >= or similar.")
            % {"rule": text}
        )
    return CrossRule(text, tree, tuple(dict.fromkeys(n.id for n in names)))


def _depth(tree: ast.AST) -> int:
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest


def _allow(node: ast.AST, names: list[ast.Name]) -> None:
    if not isinstance(node, _ALLOWED):
        raise RuleSyntaxError(
            _(
                "A rule may use only column names, numbers, + - * /, comparisons, and, or, not "
                "and the functions %(functions)s."
            )
            % {"functions": ", ".join(FUNCTIONS)}
        )
    if isinstance(node, ast.Constant) and (
        isinstance(node.value, bool) or not isinstance(node.value, int | float | str)
    ):
        raise RuleSyntaxError(_("A rule may use only numbers and quoted text as values."))
    if isinstance(node, ast.Call):
        function = node.func.id if isinstance(node.func, ast.Name) else ""
        if function not in FUNCTIONS or node.keywords:
            raise RuleSyntaxError(
                _("Unknown function %(name)s; a rule may use %(functions)s.")
                % {"name": function or ast.unparse(node.func), "functions": ", ".join(FUNCTIONS)}
            )
        low, high = FUNCTIONS[function]
        if not low <= len(node.args) <= high:
            raise RuleSyntaxError(
                _("The function %(name)s takes %(low)s to %(high)s values.")
                % {"name": function, "low": low, "high": high}
            )
    elif isinstance(node, ast.Name) and not _is_function_name(node):
        names.append(node)


def _is_function_name(node: ast.Name) -> bool:
    # ``ast.walk`` visits the ``func`` of a call as a Name too; mark it while checking calls.
    return getattr(node, "_is_function", False)


def _is_condition(node: ast.expr) -> bool:
    if isinstance(node, ast.Compare | ast.BoolOp):
        return True
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return True
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and (node.func.id == "in_period")
    )


def _mark_functions(tree: ast.AST) -> None:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            node.func._is_function = True  # type: ignore[attr-defined]


def looks_like_rule(text: str) -> bool:
    """Whether ``text`` reads as a rule (its column names are not looked at)."""
    try:
        parse_rule(text)
    except RuleSyntaxError:
        return False
    return True


def unknown_names(rule: CrossRule, known: Iterable[str]) -> list[str]:
    """The names ``rule`` uses that are none of ``known`` (compared by ``name_key``)."""
    keys = {name_key(k) for k in known}
    return [n for n in rule.names if name_key(n) not in keys]


# --- SQL ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """How a rule's name is read in SQL: the column expression and what kind of value it is."""

    sql: str
    kind: str


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class _Compiler:
    def __init__(self, columns: Mapping[str, Column], period_year: int | None) -> None:
        self.columns = {name_key(k): c for k, c in columns.items()}
        self.period_year = period_year

    def condition(self, node: ast.expr) -> str:
        sql, _kind = self.expr(node)
        return sql

    def expr(self, node: ast.expr) -> tuple[str, str]:
        if isinstance(node, ast.Name):
            column = self.columns.get(name_key(node.id))
            if column is None:
                raise RuleSyntaxError(_("Unknown column %(name)s.") % {"name": node.id})
            return column.sql, column.kind
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str):
                return _text(node.value), TEXT
            kind = INTEGER if isinstance(node.value, int) else NUMBER
            return repr(node.value), kind
        if isinstance(node, ast.BoolOp):
            glue = " AND " if isinstance(node.op, ast.And) else " OR "
            return "(" + glue.join(self.condition(v) for v in node.values) + ")", INTEGER
        if isinstance(node, ast.UnaryOp):
            sql, kind = self.expr(node.operand)
            if isinstance(node.op, ast.Not):
                return f"(NOT {sql})", INTEGER
            return (f"(-{sql})" if isinstance(node.op, ast.USub) else sql), kind
        if isinstance(node, ast.BinOp):
            return self.arithmetic(node)
        if isinstance(node, ast.Compare):
            return self.compare(node), INTEGER
        assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        return self.call(node.func.id, node.args)

    def arithmetic(self, node: ast.BinOp) -> tuple[str, str]:
        left, left_kind = self.expr(node.left)
        right, right_kind = self.expr(node.right)
        for kind, side in ((left_kind, node.left), (right_kind, node.right)):
            if kind == TEXT:
                raise RuleSyntaxError(
                    _("%(name)s is text; only numbers can be added or divided.")
                    % {"name": ast.unparse(side)}
                )
        if isinstance(node.op, ast.Div):
            # Dividing by zero leaves the rule unknown for that row, never an error.
            return f"(CAST({left} AS DOUBLE) / nullif(CAST({right} AS DOUBLE), 0))", NUMBER
        kind = INTEGER if left_kind == right_kind == INTEGER else NUMBER
        if DATE in (left_kind, right_kind):
            kind = DATE if isinstance(node.op, ast.Add | ast.Sub) and kind != INTEGER else INTEGER
        return f"({left} {_ARITHMETIC[type(node.op)]} {right})", kind

    def compare(self, node: ast.Compare) -> str:
        parts, left = [], self.expr(node.left)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = self.expr(comparator)
            parts.append(self._pair(left, type(op), right))
            left = right
        return "(" + " AND ".join(parts) + ")"

    @staticmethod
    def _pair(left: tuple[str, str], op: type[ast.cmpop], right: tuple[str, str]) -> str:
        (a, a_kind), (b, b_kind) = left, right
        if op in (ast.Eq, ast.NotEq) and NUMBER in (a_kind, b_kind):
            # Decimals are compared to a part in a billion: 0.1 + 0.2 == 0.3 holds.
            near = (
                f"abs(CAST({a} AS DOUBLE) - CAST({b} AS DOUBLE)) <= "
                f"1e-9 * greatest(1.0, abs(CAST({a} AS DOUBLE)), abs(CAST({b} AS DOUBLE)))"
            )
            return f"({near})" if op is ast.Eq else f"(NOT ({near}))"
        return f"({a} {_COMPARE_SQL[op]} {b})"

    def call(self, name: str, args: list[ast.expr]) -> tuple[str, str]:
        values = [self.expr(a) for a in args]
        if name == "abs":
            return f"abs({values[0][0]})", values[0][1]
        if name == "round":
            digits = args[1].value if len(args) == 2 and isinstance(args[1], ast.Constant) else 0
            if not isinstance(digits, int):
                raise RuleSyntaxError(_("round() takes a whole number of digits."))
            return f"round({values[0][0]}, {digits})", NUMBER
        if name in ("year", "month"):
            return f"{name}({values[0][0]})", INTEGER
        if name == "days_in_month":
            return self.days_in_month(values), INTEGER
        return self.in_period(values[0]), INTEGER

    @staticmethod
    def days_in_month(values: list[tuple[str, str]]) -> str:
        if len(values) == 1:
            return f"day(last_day({values[0][0]}))"
        year, month = (f"TRY_CAST({v} AS BIGINT)" for v, _k in values)
        return (
            f"(CASE WHEN {month} BETWEEN 1 AND 12 AND {year} BETWEEN 1 AND 9999 "
            f"THEN day(last_day(make_date({year}, {month}, 1))) END)"
        )

    def in_period(self, value: tuple[str, str]) -> str:
        if self.period_year is None:
            return "NULL"  # no period known: the rule says nothing
        sql, kind = value
        year = f"year({sql})" if kind == DATE else sql
        return f"({year} = {int(self.period_year)})"


def to_sql(rule: CrossRule, columns: Mapping[str, Column], *, period_year: int | None) -> str:
    """The SQL condition a row meets when it keeps ``rule``; NULL when its values are missing.

    ``columns`` maps each name the rule may use to its SQL column; an unknown name raises
    ``RuleSyntaxError`` naming it.
    """
    return _Compiler(columns, period_year).condition(rule.tree.body)


# --- What a broken rule says ---------------------------------------------------------------------


def shown(value: Any) -> str:
    if value is None:
        return _("empty")
    if isinstance(value, float):
        return format(int(value), "d") if value.is_integer() else format(value, "g")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class _WithValues(ast.NodeTransformer):
    def __init__(self, values: Mapping[str, Any]) -> None:
        self.values = {name_key(k): v for k, v in values.items()}

    def visit_Call(self, node: ast.Call) -> ast.AST:
        node.args = [self.visit(a) for a in node.args]
        return node

    def visit_Name(self, node: ast.Name) -> ast.AST:
        value = self.values.get(name_key(node.id))
        return ast.Name(id=f"{node.id} ({shown(value)})", ctx=ast.Load())


def broken(rule: CrossRule, values: Mapping[str, Any]) -> str:
    """What a row that breaks ``rule`` shows: the rule with the row's values, its comparison
    turned round — "jumlah (120) ≠ laki_laki (60) + perempuan (59)"."""
    tree = _WithValues(values).visit(ast.parse(ast.unparse(rule.tree), mode="eval"))
    body = tree.body
    if isinstance(body, ast.Compare) and len(body.ops) == 1 and type(body.ops[0]) in _BROKEN:
        symbol = _BROKEN[type(body.ops[0])]
        return f"{ast.unparse(body.left)} {symbol} {ast.unparse(body.comparators[0])}"
    return _("not met: %(rule)s") % {"rule": ast.unparse(body)}
