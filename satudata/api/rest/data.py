"""Reading and exporting a version's rows (the datastore)."""

from __future__ import annotations

import re
from typing import Any, Literal

from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from satudata.api.rest.base import ErrorOut
from satudata.api.rest.datasets import dataset_of, version_of
from satudata.core.input_limits import INTEGER_MAX
from satudata.datastore import exports
from satudata.datastore import query as datastore

router = Router()

# --- data -------------------------------------------------------------------------------------

FILTER = re.compile(r"^(?P<column>[^:]{1,100}):(?P<op>eq|ne|gt|gte|lt|lte|in):(?P<value>.{0,500})$")
NAMES = r"^[^,]{1,100}(,[^,]{1,100}){0,49}$"


class DataQuery(Schema):
    version: int | None = Field(
        None, ge=1, le=INTEGER_MAX, description="A version number; the latest if absent."
    )
    filter: list[str] = Field(
        [],
        description=(
            "column:operator:value, repeatable (all must hold); operators eq, ne, gt, gte, lt, "
            "lte, and in (values separated by |)."
        ),
    )
    q: str = Field("", max_length=200, description="Words to find in any text column.")
    fields: str = Field("", max_length=5000, description="Columns to return, comma-separated.")
    sort: str = Field(
        "", max_length=1000, description="Columns, comma-separated; - before one for descending."
    )
    group_by: str = Field("", max_length=1000, description="Columns to group by (at most 5).")
    aggregate: list[str] = Field(
        [],
        description="function:column, repeatable; count, sum, avg, min, max (count:* for rows).",
    )
    limit: int = Field(100, ge=1, le=1_000_000, description="Rows (capped by the server).")
    offset: int = Field(0, ge=0, le=1_000_000_000)
    total: bool = Field(True, description="Count all matching rows.")


def _names(text: str, parameter: str) -> list[str]:
    if not text:
        return []
    if not re.match(NAMES, text):
        raise datastore.QueryError(_("List at most 50 column names, comma-separated."), parameter)
    return [name.strip() for name in text.split(",")]


def data_query(params: DataQuery) -> datastore.Query:
    conditions: list[datastore.Condition] = []
    filters: dict[str, list[str]] = {}
    for text in params.filter[:50]:
        match = FILTER.match(text)
        if match is None:
            raise datastore.QueryError(
                _("Write each filter as column:operator:value, e.g. Kecamatan:eq:Pringsewu."),
                "filter",
            )
        column, op, value = match["column"], match["op"], match["value"]
        if op == "in":
            filters.setdefault(column, []).extend(value.split("|"))
        elif op == "eq":
            filters.setdefault(column, []).append(value)
        else:
            conditions.append(datastore.Condition(column, op, value))
    aggregates = []
    for text in params.aggregate[:20]:
        function, _sep, column = text.partition(":")
        aggregates.append((function, column or "*"))
    return datastore.Query(
        filters=filters,
        conditions=conditions,
        q=params.q,
        fields=_names(params.fields, "fields") or None,
        sort=[(n.lstrip("-"), n.startswith("-")) for n in _names(params.sort, "sort")],
        limit=params.limit,
        offset=params.offset,
        include_total=params.total,
        group_by=_names(params.group_by, "group_by"),
        aggregates=aggregates,
    )


class DataOut(Schema):
    fields: list[dict[str, Any]]
    records: list[dict[str, Any]]
    total: int | None
    limit: int
    offset: int
    truncated: bool
    version: int


@router.get(
    "/datasets/{key}/data",
    response={200: DataOut, 400: ErrorOut, 404: ErrorOut, 503: ErrorOut},
    tags=["data"],
    url_name="data",
)
def get_data(request: HttpRequest, key: str, params: Query[DataQuery]) -> dict:
    """Rows of a table: filter, sort, page, or group with aggregates. The server caps rows per
    call (``truncated`` says when it did) and stops a query that runs too long (503)."""
    dataset = dataset_of(request, key)
    version = version_of(request, dataset, params.version)
    answer = datastore.run(version, data_query(params))
    return {
        "fields": answer.fields,
        "records": answer.records(),
        "total": answer.total,
        "limit": answer.limit,
        "offset": answer.offset,
        "truncated": answer.truncated,
        "version": version.number,
    }


@router.get(
    "/datasets/{key}/export",
    response={200: None, 400: ErrorOut, 404: ErrorOut},
    tags=["data"],
)
def export_data(
    request: HttpRequest,
    key: str,
    params: Query[DataQuery],
    format: Literal["csv", "csv-id", "json", "xlsx", "parquet"] = "csv",
) -> HttpResponseBase:
    """The rows a data query selects, as a file, streamed (CSV and JSON): the whole table in its
    own order, or up to the export cap when filters, words or a sort pick or order the rows;
    ``X-Total-Rows`` and ``X-Truncated`` say how many matched and whether the cap cut them.
    ``csv-id`` is the CSV Excel opens in an Indonesian locale (``;`` between fields, ``,`` in
    decimals); CSV and XLSX cells that a spreadsheet would run as a formula are neutralised,
    JSON and Parquet keep every value as stored."""
    dataset = dataset_of(request, key)
    version = version_of(request, dataset, params.version)
    query = data_query(params)
    if query.group_by or query.aggregates:
        raise datastore.QueryError(_("Exports take rows, not aggregates."), "group_by")
    query.limit, query.offset = 0, 0
    matched = datastore.count(version, query)
    about = {"name": dataset.slug, "title": dataset.title, "version": version.number}
    return exports.download(dataset, version, query, format, about, matched=matched)
