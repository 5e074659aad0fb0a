"""The dataset page's table as people read it: measures in the page's language's number format
(Indonesian "1.234,5"; English "1,234.5"), dates as the site writes them ("1 Maret 2025") and
each region code with its name beside it. The raw values travel beside these, so JSON users and
the page's own filters keep the data as stored."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils.formats import date_format, number_format

from satudata.catalog.models import DataType
from satudata.regions.models import Region

MEASURES = (DataType.INTEGER, DataType.DECIMAL)
# Decimal places a column is shown with at most: a float's binary noise (0.30000000000000004)
# must not become seventeen digits on the page.
MAX_PLACES = 6


def shown_value(value: Any, data_type: str, places: int | None = None) -> str | None:
    """A measure in the active language's format, thousands grouped, with ``places`` decimals
    when given; a date as the site writes dates ("1 Maret 2025"); ``None`` for every other
    value, which the page shows as it is (years and codes are never grouped: "2.025" would be
    wrong). Grouping is forced rather than switched on site-wide with USE_THOUSAND_SEPARATOR,
    which would group every year and number in every template too."""
    if data_type == DataType.DATE and isinstance(value, dt.date):
        return date_format(value, "j F Y")
    if data_type not in MEASURES or isinstance(value, bool):
        return None
    if not isinstance(value, int | float | Decimal):
        return None
    if not math.isfinite(value):  # NaN and infinity are no measure: an empty cell
        return ""
    if places is not None:  # Django's number_format cuts extra decimals off; round them
        value = round(value, places)
    return number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


def decimal_places(values: Sequence[Any]) -> int:
    """The decimals a decimal column needs on this page: as many as its most precise value
    has (up to ``MAX_PLACES``), so 50 and 30 show without a ",0" and 50 beside 12,5 shows as
    50,0."""
    places = 0
    for value in values:
        if isinstance(value, float | Decimal) and math.isfinite(value):
            places = max(
                places,
                next(
                    n for n in range(MAX_PLACES + 1) if round(value, n) == round(value, MAX_PLACES)
                ),
            )
    return places


def shown_rows(
    fields: Sequence[dict[str, Any]], types: dict[str, str], rows: Sequence[Sequence[Any]]
) -> list[list[str | None]]:
    """Each row's cells as the page shows them (``None``: show the value itself); a decimal
    column has the same number of decimals in every row of the page."""
    kinds = [types.get(f["id"], "") for f in fields]
    places = [
        decimal_places([row[i] for row in rows]) if kind == DataType.DECIMAL else None
        for i, kind in enumerate(kinds)
    ]
    return [
        [shown_value(v, kind, n) for v, kind, n in zip(row, kinds, places, strict=False)]
        for row in rows
    ]


def region_names(
    fields: Sequence[dict[str, Any]], types: dict[str, str], rows: Sequence[Sequence[Any]]
) -> dict[str, str]:
    """The names of the region codes on this page, read in one query."""
    positions = [i for i, f in enumerate(fields) if types.get(f["id"]) == DataType.REGION]
    codes = {str(row[i]) for row in rows for i in positions if row[i] not in (None, "")}
    if not codes:
        return {}
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
