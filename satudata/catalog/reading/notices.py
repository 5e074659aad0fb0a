"""What the reader understood or set aside, said to the user in their language."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Notice:
    """One thing the reader did that the user should see before confirming.

    ``row`` is the row number as the user sees it in the file (1-based); None for the whole file.
    """

    code: str
    message: str
    row: int | None = None
