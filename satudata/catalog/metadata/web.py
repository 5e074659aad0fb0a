"""A ``spec.Form`` on a web page: its questions bound to answers and messages for the template,
and posted values gathered back into the nested shape ``spec.check`` reads."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from django.http import QueryDict

from satudata.catalog.metadata.spec import (
    BOOL,
    DATES,
    MULTI,
    ROWS,
    Field,
    Form,
    Problem,
    When,
    display,
    get,
    put,
)


def from_post(form: Form, post: QueryDict) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    for _section, item in form.fields():
        value: Any
        if item.kind == MULTI:
            chosen = set(post.getlist(item.key))
            value = {c.key: c.key in chosen for c in item.choices}
            if item.other_key:
                value[item.other_key] = post.get(f"{item.key}.{item.other_key}", "")
        elif item.kind == ROWS:
            pattern = re.compile(rf"^{re.escape(item.key)}\.(\d+)\.")
            indexes = sorted({int(m[1]) for k in post if (m := pattern.match(k))})
            value = [
                {c.key: post.get(f"{item.key}.{i}.{c.key}", "") for c in item.columns}
                for i in indexes
            ]
        else:
            value = post.get(item.key, "")
        put(raw, item.key, value)
    return raw


def _input_value(item: Field, value: Any) -> Any:
    if item.kind == BOOL:
        return {True: "ya", False: "tidak"}.get(value, value or "")
    if item.kind == DATES and isinstance(value, list):
        return "\n".join(str(v) for v in value)
    if item.kind == MULTI:
        return value if isinstance(value, Mapping) else {}
    return "" if value is None else str(value)


def _when(condition: When | None) -> str:
    if condition is None:
        return ""
    values = [{True: "ya", False: "tidak"}.get(v, v) for v in condition.values]
    return json.dumps({"key": condition.key, "values": values})


def _messages(key: str, problems: list[Problem]) -> list[str]:
    return [
        p.message if p.key == key else str(p)
        for p in problems
        if p.key == key or p.key.startswith(key + ".")
    ]


def bind(form: Form, values: Mapping[str, Any], problems: list[Problem]) -> list[dict[str, Any]]:
    """Sections of questions with their current values and messages, for the form template."""
    sections = []
    for section in form.sections:
        fields = []
        for item in section.fields:
            value = get(values, item.key)
            bound: dict[str, Any] = {
                "field": item,
                "id": "f-" + item.key.replace(".", "-"),
                "value": _input_value(item, value),
                "errors": _messages(item.key, problems),
                "when": _when(item.when),
            }
            if item.kind == ROWS:
                rows = [r for r in (value or []) if isinstance(r, Mapping)]
                bound["rows"] = [
                    (index, [(c, _input_value(c, row.get(c.key))) for c in item.columns])
                    for index, row in enumerate([*rows, {}], start=1)
                ]
            fields.append(bound)
        sections.append({"section": section, "fields": fields, "when": _when(section.when)})
    return sections


def readable(form: Form, answers: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Sections with each applicable answer as text, for the record's page."""
    sections = []
    for section in form.sections:
        if section.when is not None and not section.when.holds(answers):
            continue
        rows = []
        for item in section.fields:
            if item.when is not None and not item.when.holds(answers):
                continue
            value = get(answers, item.key)
            if item.kind == ROWS:
                table = [[display(c, r.get(c.key)) for c in item.columns] for r in value or []]
                rows.append({"field": item, "table": table, "text": ""})
            else:
                rows.append({"field": item, "text": display(item, value), "table": None})
        sections.append({"section": section, "rows": rows})
    return sections
