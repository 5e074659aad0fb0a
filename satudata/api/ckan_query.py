"""The query text CKAN clients send to ``package_search`` (``q``, ``fq``, ``fq_list``, ``sort``):
the subset of Solr's syntax they use, read into the portal's search criteria. A text that
cannot be read raises ``QueryError`` with what to write instead; the action answers it as
CKAN's "Search Query Error".
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from satudata.catalog import search


class QueryError(ValueError):
    """A query text this reader cannot take; the message says what to write instead."""


TOKEN = re.compile(
    r"\s*(?P<sign>[-+]?)(?:(?P<field>[A-Za-z_.]+):)?"
    r'(?P<value>\[[^\]]*\]|\{[^}]*\}|"(?:[^"\\]|\\.)*"|\((?:[^()"]|"(?:[^"\\]|\\.)*")*\)|[^\s()]+)'
)
FIELDS = {
    "organization": "organization",
    "owner_org": "organization",
    "groups": "groups",
    "tags": "tags",
    "res_format": "res_format",
    "license_id": "license_id",
    "name": "name",
    "id": "id",
    "sector": "sector",
    "year": "year",
    "frequency": "frequency",
    "level": "level",
}
# Filters CKAN's own pages and harvesters add; true of every dataset here.
ALWAYS = {
    "dataset_type": {"dataset"},
    "type": {"dataset"},
    "state": {"active"},
    "capacity": {"public"},
    "private": {"false"},
    "site_id": None,
}


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def _range(value: str) -> tuple[datetime | None, datetime | None]:
    inner = value[1:-1].strip()
    parts = re.split(r"\s+TO\s+", inner)
    if len(parts) != 2:
        raise QueryError(f"range {value} must read [FROM TO UNTIL]")
    bounds: list[datetime | None] = []
    for part in parts:
        part = part.strip()
        if part == "*":
            bounds.append(None)
            continue
        text = re.sub(r"(?i)NOW", "", part) if part.upper().startswith("NOW") else part
        moment = parse_datetime(text.replace("Z", "+00:00")) if text else timezone.now()
        if moment is None:
            raise QueryError(f"{part} is not a date and time such as 2024-01-31T00:00:00Z")
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=UTC)
        bounds.append(moment)
    return bounds[0], bounds[1]


def parse_query(text: str, criteria: search.Criteria) -> list[str]:
    """Read ``field:value`` terms of ``q`` or ``fq`` into ``criteria``; the free words left."""
    free: list[str] = []
    position, pending_or = 0, False
    last: tuple[str, str] | None = None  # (sign, field) of the previous term
    text = text.strip()
    if text in ("*:*", "*"):
        return free
    while position < len(text):
        match = TOKEN.match(text, position)
        if not match or match.end() == position:
            raise QueryError(f"cannot read the query from: {text[position:][:60]}")
        position = match.end()
        sign, name, value = match["sign"], match["field"], match["value"]
        if name is None:
            if value in ("AND", "&&"):
                continue
            if value in ("OR", "||"):
                pending_or = True
                continue
            if value == "*:*":
                continue
            free.append(_unquote(value.strip("()")))
            continue
        name = name.lower()
        if name in ALWAYS:
            allowed = ALWAYS[name]
            if allowed is not None and _unquote(value).lower() not in allowed and sign != "-":
                criteria.include.append(("name", []))  # asks for something that never exists
            continue
        if name == "metadata_modified":
            if not value.startswith("["):
                raise QueryError(
                    "metadata_modified takes a range such as [2024-01-01T00:00:00Z TO *]"
                )
            start, end = _range(value)
            criteria.modified_from = start or criteria.modified_from
            criteria.modified_to = end or criteria.modified_to
            continue
        if name not in FIELDS:
            known = ", ".join(sorted({*FIELDS, "metadata_modified"}))
            raise QueryError(f"unknown field {name}; use one of {known}")
        field = FIELDS[name]
        if value.startswith("("):
            values = [
                _unquote(v)
                for v in re.findall(r'"(?:[^"\\]|\\.)*"|[^\s()]+', value[1:-1])
                if v not in ("OR", "||")
            ]
        else:
            values = [_unquote(value)]
        target = criteria.exclude if sign == "-" else criteria.include
        if pending_or and last == (sign, field) and target:
            target[-1][1].extend(values)
        elif pending_or and last is not None:
            raise QueryError(
                "OR joins terms of the same field only, such as organization:a OR organization:b"
            )
        else:
            target.append((field, values))
        pending_or, last = False, (sign, field)
    return free


SORT_KEYS = {
    "score": "score",
    "metadata_modified": "modified",
    "metadata_created": "created",
    "name": "name",
    "title_string": "title",
    "title": "title",
    "id": "id",
}


def parse_sort(text: str) -> list[tuple[str, bool]]:
    found = []
    for part in text.split(","):
        words = part.split()
        if not words:
            continue
        key = SORT_KEYS.get(words[0])
        direction = words[1].lower() if len(words) > 1 else "asc"
        if key is None or direction not in ("asc", "desc") or len(words) > 2:
            raise QueryError(
                f"cannot sort by {part.strip()!r}; use e.g. 'metadata_modified desc' or 'name asc'"
            )
        found.append((key, direction == "desc"))
    return found
