"""The dataset page's quick chart: which columns can be drawn, and the grouped numbers to draw.

The server chooses and aggregates (through the datastore, so the preview's filters, the time
limit and the gate apply); the browser only renders the Vega-Lite specification
(``frontend/chart.js``). Region codes are drawn with their names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satudata.catalog.models import DatasetVersion, DataType
from satudata.datastore import query as datastore
from satudata.regions.models import Region

MEASURES = (DataType.INTEGER, DataType.DECIMAL)
# Grouping columns, in the order the default is chosen: a table by region is drawn by region.
DIMENSIONS = (DataType.REGION, DataType.CATEGORY, DataType.TEXT, DataType.YEAR, DataType.DATE)
FUNCTIONS = {
    "sum": gettext_lazy("Sum"),
    "avg": gettext_lazy("Average"),
    "min": gettext_lazy("Minimum"),
    "max": gettext_lazy("Maximum"),
}
MAX_GROUPS = 60  # more bars than this are unreadable; the answer says how many were left out


@dataclass(frozen=True)
class Choices:
    measures: list[dict[str, Any]]
    dimensions: list[dict[str, Any]]

    @property
    def drawable(self) -> bool:
        return bool(self.measures and self.dimensions)

    def default_function(self, measure: Mapping[str, Any]) -> str:
        """Rates and percentages are averaged; counts and amounts summed."""
        unit = str(measure.get("info", {}).get("unit", "")).lower()
        return "avg" if "%" in unit or "persen" in unit or "rasio" in unit else "sum"


def choices(columns: Mapping[str, dict[str, Any]]) -> Choices:
    """The numeric columns to measure and the columns to group by, defaults first."""
    listed = [c for name, c in columns.items() if name != datastore.ROW_ID]
    measures = [c for c in listed if c["data_type"] in MEASURES]
    dimensions = sorted(
        (c for c in listed if c["data_type"] in DIMENSIONS),
        key=lambda c: DIMENSIONS.index(c["data_type"]),
    )
    return Choices(measures, dimensions)


def draw(
    version: DatasetVersion, base: datastore.Query, measure: str, by: str, function: str
) -> dict[str, Any]:
    """``function`` of ``measure`` per value of ``by`` over the rows ``base`` selects.

    Raises ``datastore.QueryError`` naming the parameter when a choice is not drawable."""
    columns = datastore.columns_of(version)
    found = choices(columns)
    chosen_measure = next((c for c in found.measures if c["id"] == measure), None)
    if chosen_measure is None:
        raise datastore.QueryError(_("Choose a numeric column of this table to draw."), "ukuran")
    chosen_by = next((c for c in found.dimensions if c["id"] == by), None)
    if chosen_by is None:
        raise datastore.QueryError(_("Choose a column of this table to group by."), "menurut")
    if function not in FUNCTIONS:
        raise datastore.QueryError(_("Draw the sum, average, minimum or maximum."), "fungsi")
    over_time = chosen_by["data_type"] in (DataType.YEAR, DataType.DATE)
    value = f"{function}_{measure}"
    answer = datastore.run(
        version,
        datastore.Query(
            filters=base.filters,
            conditions=base.conditions,
            q=base.q,
            group_by=[by],
            aggregates=[(function, measure)],
            # A time line keeps its order and its latest points; bars show the largest first.
            sort=[(by, True)] if over_time else [(value, True), (by, False)],
            limit=MAX_GROUPS,
        ),
    )
    keys = [row[0] for row in answer.rows]
    names: dict[Any, str] = {}
    if chosen_by["data_type"] == DataType.REGION:
        names = dict(Region.objects.filter(code__in=keys).values_list("code", "name"))
    values = [
        {"key": key, "label": names.get(key, "—" if key is None else str(key)), "value": number}
        for key, number in answer.rows
    ]
    if over_time:
        values.reverse()
    unit = chosen_measure["info"]["unit"]
    value_title = chosen_measure["info"]["label"] or measure
    return {
        "mark": "line" if over_time and len(values) > 1 else "bar",
        "measure": datastore.public(chosen_measure),
        "by": datastore.public(chosen_by),
        "function": function,
        # Axis titles: region codes are drawn as names; an average of counts is not whole.
        "value_title": f"{value_title} ({unit})" if unit else value_title,
        "by_title": (
            _("Region")
            if chosen_by["data_type"] == DataType.REGION
            else chosen_by["info"]["label"] or by
        ),
        "whole": chosen_measure["data_type"] == DataType.INTEGER and function != "avg",
        "values": values,
        "groups": answer.total,
        "truncated": (answer.total or 0) > len(values),
    }
