"""Bounds every request input passes before any view or database sees it.

PostgreSQL refuses a NUL character in text (SQLite stores it), so a ``%00`` in any parameter
or a ``\\u0000`` in a JSON body became a 500 on PostgreSQL only. Integers beyond 64 bits and
JSON nested past Python's recursion limit did the same on both databases. The rules here are
the one place where those are refused, so that no view has to remember them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from django.utils.translation import gettext

# Larger than any count, offset, page or year a caller means; small enough for a 64-bit column.
INTEGER_MAX = 10**9
# Deeper than any filter or CKAN body a client sends; far below the recursion limit.
JSON_DEPTH_MAX = 32
JSON_ESCAPED_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)
# The years a date typed by a user may name (a period's bounds, a visit, a request received):
# far from the calendar's ends, which overflow when a day is stepped, counted in working days
# or turned from WIB into UTC.
FIRST_YEAR, LAST_YEAR = 2000, 2100


class InputRefused(ValueError):
    """Input the platform does not take, with the reason to tell the caller."""


def has_nul(text: str | bytes) -> bool:
    if isinstance(text, bytes):
        return b"\x00" in text or JSON_ESCAPED_NUL.search(text) is not None
    return "\x00" in text


def json_depth(text: str | bytes) -> int:
    """The deepest nesting of arrays and objects in JSON text, read without parsing it."""
    data = text.encode() if isinstance(text, str) else text
    depth = deepest = 0
    in_string = escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def load_json(text: str | bytes) -> Any:
    """Parse JSON a caller sent, refusing what would break a handler or the database."""
    if json_depth(text) > JSON_DEPTH_MAX:
        raise InputRefused(f"JSON nested deeper than {JSON_DEPTH_MAX} levels")
    if has_nul(text if isinstance(text, bytes) else text.encode()):
        raise InputRefused("JSON text contains a NUL character")
    try:
        return json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as error:
        raise InputRefused("not valid JSON") from error


def bounded_int(text: str, *, minimum: int, maximum: int = INTEGER_MAX) -> int:
    """A whole number within bounds; raises InputRefused naming them."""
    stripped = text.strip()
    if len(stripped) > 20:
        raise InputRefused(f"must be between {minimum} and {maximum}")
    try:
        number = int(stripped)
    except ValueError:
        raise InputRefused("not a whole number") from None
    if not minimum <= number <= maximum:
        raise InputRefused(f"must be between {minimum} and {maximum}")
    return number


def year_problem(day: dt.date | None) -> str | None:
    """What to tell the user of a date outside ``FIRST_YEAR``–``LAST_YEAR``, else None."""
    if day is None or FIRST_YEAR <= day.year <= LAST_YEAR:
        return None
    return gettext("Choose a date between %(first)s and %(last)s.") % {
        "first": FIRST_YEAR,
        "last": LAST_YEAR,
    }
