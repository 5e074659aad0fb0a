"""Usage events and their daily and monthly rollups as Parquet files, for analysts (DuckDB,
pandas, R).

Rows are read in chunks of ``CHUNK`` by primary key (keyset pages, never all rows in memory)
and written as row groups with pyarrow. The raw events hold no personal data beyond the daily
visitor hash (its salt is deleted the next day), which is included; referrers are host names
only. Times are UTC instants (``timestamp[us, tz=UTC]``); ``day`` columns are WIB days,
``month`` columns the first day of a month (a period gives the months it touches).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
from django.db.models import Model, Q

from satudata.reports.models import (
    DailyCampaign,
    DailyReferrer,
    DailySearch,
    DailySite,
    DailyUsage,
    MonthlyUsage,
    RolledDay,
    UsageEvent,
)
from satudata.reports.rollups import bounds

CHUNK = 50_000

TIME = pa.timestamp("us", tz="UTC")


@dataclass(frozen=True)
class Table:
    """One exported table: its model, the columns (ORM lookups) and their Arrow types."""

    name: str
    model: type[Model]
    columns: tuple[tuple[str, str, pa.DataType], ...]  # (column, lookup, type)
    day_field: str = "day"

    @property
    def schema(self) -> pa.Schema:
        return pa.schema([(column, kind) for column, _lookup, kind in self.columns])


def _text(name: str) -> tuple[str, str, pa.DataType]:
    return (name, name, pa.string())


EVENTS = Table(
    "usage_events",
    UsageEvent,
    (
        ("id", "pk", pa.int64()),
        ("at", "at", TIME),
        _text("kind"),
        _text("channel"),
        _text("name"),
        _text("dataset"),
        _text("product"),
        _text("format"),
        _text("query"),
        ("results", "results", pa.int64()),
        ("status", "status", pa.int32()),
        _text("visitor"),
        ("signed_in", "signed_in", pa.bool_()),
        _text("campaign"),
        _text("referrer"),
        _text("referrer_host"),
        ("bot", "bot", pa.bool_()),
        ("sample", "sample", pa.bool_()),
    ),
    day_field="at",
)
_DAY = ("day", "day", pa.date32())
ROLLUPS = {
    table.name: table
    for table in (
        Table(
            "daily_usage",
            DailyUsage,
            (
                ("id", "pk", pa.int64()),
                _DAY,
                _text("kind"),
                _text("channel"),
                _text("name"),
                _text("format"),
                _text("dataset"),
                _text("product"),
                ("agency_id", "agency_id", pa.int64()),
                ("agency", "agency__name", pa.string()),
                _text("sector"),
                ("bot", "bot", pa.bool_()),
                ("signed_in", "signed_in", pa.bool_()),
                ("events", "events", pa.int64()),
                ("visitors", "visitors", pa.int64()),
                ("failed", "failed", pa.int64()),
            ),
        ),
        Table(
            "monthly_usage",
            MonthlyUsage,
            (
                ("id", "pk", pa.int64()),
                ("month", "month", pa.date32()),
                _text("kind"),
                _text("channel"),
                _text("name"),
                _text("format"),
                _text("dataset"),
                _text("product"),
                ("agency_id", "agency_id", pa.int64()),
                ("agency", "agency__name", pa.string()),
                _text("sector"),
                ("bot", "bot", pa.bool_()),
                ("signed_in", "signed_in", pa.bool_()),
                ("events", "events", pa.int64()),
                ("visitors", "visitors", pa.int64()),
                ("failed", "failed", pa.int64()),
                ("days", "days", pa.int64()),
            ),
            day_field="month",
        ),
        Table(
            "daily_site",
            DailySite,
            (
                ("id", "pk", pa.int64()),
                _DAY,
                ("bot", "bot", pa.bool_()),
                *(
                    (name, name, pa.int64())
                    for name in (
                        "visitors",
                        "page_views",
                        "downloads",
                        "api_calls",
                        "searches",
                        "zero_result_searches",
                        "events",
                    )
                ),
                ("sample", "sample", pa.bool_()),
            ),
        ),
        Table(
            "daily_referrer",
            DailyReferrer,
            (
                ("id", "pk", pa.int64()),
                _DAY,
                _text("kind"),
                _text("host"),
                ("events", "events", pa.int64()),
                ("visitors", "visitors", pa.int64()),
            ),
        ),
        Table(
            "daily_search",
            DailySearch,
            (
                ("id", "pk", pa.int64()),
                _DAY,
                _text("query"),
                ("searches", "searches", pa.int64()),
                ("zero_results", "zero_results", pa.int64()),
            ),
        ),
        Table(
            "daily_campaign",
            DailyCampaign,
            (
                ("id", "pk", pa.int64()),
                _DAY,
                _text("campaign"),
                ("landings", "landings", pa.int64()),
                ("visitors", "visitors", pa.int64()),
            ),
        ),
        Table(
            "rolled_days",
            RolledDay,
            (
                _DAY,
                ("rolled_at", "rolled_at", TIME),
                ("raw_events", "raw_events", pa.int64()),
                ("complete", "complete", pa.bool_()),
            ),
        ),
    )
}


def _period(table: Table, first: dt.date | None, last: dt.date | None) -> Q:
    query = Q()
    if table.day_field == "at":
        if first:
            query &= Q(at__gte=bounds(first)[0])
        if last:
            query &= Q(at__lt=bounds(last)[1])
    elif table.day_field == "month":  # the months the period touches
        if first:
            query &= Q(month__gte=first.replace(day=1))
        if last:
            query &= Q(month__lte=last)
    else:
        if first:
            query &= Q(day__gte=first)
        if last:
            query &= Q(day__lte=last)
    return query


def _batches(
    table: Table, first: dt.date | None, last: dt.date | None, chunk: int
) -> Iterator[pa.RecordBatch]:
    lookups = [lookup for _column, lookup, _kind in table.columns]
    rows = table.model._default_manager.filter(_period(table, first, last)).order_by("pk")
    after: Any = None
    while True:
        page = rows if after is None else rows.filter(pk__gt=after)
        values = list(page.values_list("pk", *lookups)[:chunk])
        if not values:
            return
        after = values[-1][0]
        columns = list(zip(*values, strict=True))[1:]
        yield pa.RecordBatch.from_arrays(
            [
                pa.array(list(column), type=kind)
                for column, (_name, _lookup, kind) in zip(columns, table.columns, strict=True)
            ],
            schema=table.schema,
        )
        if len(values) < chunk:
            return


def write_table(
    table: Table,
    where: str | Path | IO[bytes],
    first: dt.date | None = None,
    last: dt.date | None = None,
    *,
    chunk: int = CHUNK,
) -> int:
    """Write one table (between two WIB days, inclusive, when given) to ``where``; rows written."""
    written = 0
    sink = str(where) if isinstance(where, Path) else where
    with pq.ParquetWriter(sink, table.schema, compression="zstd") as writer:
        for batch in _batches(table, first, last, chunk):
            writer.write_batch(batch)
            written += batch.num_rows
    return written


def export_all(
    folder: Path, first: dt.date | None = None, last: dt.date | None = None
) -> dict[str, int]:
    """The raw events and every rollup table into ``folder`` (one ``<name>.parquet`` each)."""
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for table in (EVENTS, *ROLLUPS.values()):
        counts[table.name] = write_table(table, folder / f"{table.name}.parquet", first, last)
    return counts
