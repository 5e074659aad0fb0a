"""The dataset page's table as people read it: measures in the page's language's number format
(Indonesian "1.234,5"; English "1,234.5") and each region code with its name beside it. The
raw values travel beside these, so JSON users and the page's own filters keep the data as
stored."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils.formats import number_format

from satudata.catalog.models import DataType
from satudata.regions.models import Region

MEASURES = (DataType.INTEGER, DataType.DECIMAL)


def shown_value(value: Any, data_type: str) -> str | None:
    """A measure in the active language's format, thousands grouped; ``None`` for every other
    value, which the page shows as it is (years and codes are never grouped: "2.025" would be
    wrong). Grouping is forced rather than switched on site-wide with USE_THOUSAND_SEPARATOR,
    which would group every year and number in every template too."""
    if data_type not in MEASURES or isinstance(value, bool):
        return None
    if not isinstance(value, int | float | Decimal):
        return None
    return number_format(value, use_l10n=True, force_grouping=True)


def shown_rows(
    fields: Sequence[dict[str, Any]], types: dict[str, str], rows: Sequence[Sequence[Any]]
) -> list[list[str | None]]:
    """Each row's cells as the page shows them (``None``: show the value itself)."""
    kinds = [types.get(f["id"], "") for f in fields]
    return [[shown_value(v, kind) for v, kind in zip(row, kinds, strict=False)] for row in rows]


def region_names(
    fields: Sequence[dict[str, Any]], types: dict[str, str], rows: Sequence[Sequence[Any]]
) -> dict[str, str]:
    """The names of the region codes on this page, read in one query."""
    positions = [i for i, f in enumerate(fields) if types.get(f["id"]) == DataType.REGION]
    codes = {str(row[i]) for row in rows for i in positions if row[i] not in (None, "")}
    if not codes:
        return {}
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
