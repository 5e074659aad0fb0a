"""Path converters shared by the apps' URL lists."""

from __future__ import annotations

import re


def words(*allowed: str) -> type:
    """A converter matching exactly one of ``allowed`` (e.g. a file format in a URL)."""

    class Words:
        regex = "|".join(re.escape(word) for word in allowed)

        def to_python(self, value: str) -> str:
            return value

        def to_url(self, value: str) -> str:
            return value

    return Words
