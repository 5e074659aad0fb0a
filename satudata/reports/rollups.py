"""Daily rollups of the raw usage events: what the dashboard, the KPIs and the report read.

``roll_day(day)`` rebuilds every rollup row of one WIB day (``DailyUsage``, ``DailySite``,
``DailyReferrer``, ``DailySearch``, ``DailyCampaign``) from that day's raw events, in one
transaction, deleting the day's rows and inserting them again: run twice, it gives the same
rows. Every count is a GROUP BY in the database (portable SQLite/PostgreSQL ORM queries); only
the grouped rows come to Python.

**What each table counts**

- ``DailyUsage``: every request, per kind × channel × page × format × dataset × product ×
  robot × signed in. ``events`` are answered requests (status < 400), ``failed`` the others,
  ``visitors`` the distinct daily hashes among the answered ones. A REST address may name a
  dataset by its identifier: it is counted under the dataset's name. Each dataset's agency and
  sector (catalog ``Dataset``) and each product's agency and sector (``Product`` by slug, or the
  release-calendar entry by key) are looked up once per day, as they are then.
- ``DailySite``: the whole site's day, one row for the public's people (signed-in staff left
  out) and one for robots (``bot=True``).
- ``DailyReferrer`` (page views, downloads and searches: API calls have no referring page),
  ``DailySearch`` and ``DailyCampaign``: the public's people only, answered requests only.

**Robots** (see ``satudata.reports.bots``): an event whose user agent declared a robot, and
every event of a daily visitor hash that made more than ``USAGE_BOT_DAILY_REQUESTS`` requests
that day or more than ``USAGE_BOT_BURST`` in one minute, rolls up with ``bot=True``.

``roll_pending()`` (the scheduler, every 15 minutes) rolls what is not yet rolled as complete:
from the day after the last complete day (the first raw event's day at the start) to today.
Today, and yesterday until ``USAGE_ROLLUP_MARGIN_MINUTES`` after midnight (the usage buffer
may still hold some of its events), are rolled as incomplete and rolled again at the next run.
Complete days of the last ``USAGE_ROLLUP_RECHECK_DAYS`` whose raw events grew since (late
events) are rolled again too.
"""

# The SQL here names only our own tables and columns; every value goes as a parameter.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When
from django.db.models.functions import TruncMinute
from django.utils import timezone

from satudata.reports import bots
from satudata.reports.models import (
    DailyCampaign,
    DailyReferrer,
    DailySearch,
    DailySite,
    DailyUsage,
    EventKind,
    MonthlyUsage,
    RolledDay,
    UsageEvent,
)
from satudata.reports.periods import moments

logger = logging.getLogger(__name__)

OK = Q(status__lt=400)
PUBLIC_HUMAN = Q(is_robot=False, signed_in=False)


def bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The first moment of the WIB day and the first of the next."""
    return moments(day, day)


def margin() -> dt.timedelta:
    """How long after midnight a day counts as over: the usage buffer's last flush included."""
    return dt.timedelta(minutes=float(getattr(settings, "USAGE_ROLLUP_MARGIN_MINUTES", 10)))


def behaviour_robots(events: QuerySet[UsageEvent]) -> set[str]:
    """The day's visitor hashes that behaved as robots: more requests in the day than the daily
    limit, or more in one minute than the burst limit."""
    daily, burst = bots.daily_limit(), bots.burst_limit()
    per_visitor = events.values("visitor").annotate(n=Count("pk"))
    found = {row["visitor"] for row in per_visitor.filter(n__gt=daily)}
    # Only a hash with more requests in the day than the burst limit can burst: look at those.
    candidates = [
        row["visitor"] for row in per_visitor.filter(n__gt=burst) if row["visitor"] not in found
    ]
    for start in range(0, len(candidates), 500):
        chunk = candidates[start : start + 500]
        bursts = (
            events.filter(visitor__in=chunk)
            # Minutes are the same in UTC and WIB (a whole-hour offset): no time zone to convert.
            .annotate(minute=TruncMinute("at", tzinfo=dt.UTC))
            .values("visitor", "minute")
            .annotate(n=Count("pk"))
            .filter(n__gt=burst)
            .values_list("visitor", flat=True)
        )
        found.update(bursts)
    return found


def _uuid_keys(keys: Iterable[str]) -> dict[str, uuid.UUID]:
    found = {}
    for key in keys:
        try:
            found[key] = uuid.UUID(key)
        except ValueError:
            continue
    return found


def _dataset_names(events: QuerySet[UsageEvent]) -> dict[str, str]:
    """The day's dataset keys that are identifiers, each with its dataset's name."""
    from satudata.catalog.models import Dataset

    keys = events.exclude(dataset="").order_by().values_list("dataset", flat=True).distinct()
    ids = _uuid_keys(keys)
    if not ids:
        return {}
    slugs = dict(Dataset.objects.filter(uuid__in=ids.values()).values_list("uuid", "slug"))
    return {key: slugs[value] for key, value in ids.items() if value in slugs}


def _dataset_facts(slugs: set[str]) -> dict[str, tuple[int | None, str]]:
    from satudata.catalog.models import Dataset

    rows = Dataset.objects.filter(slug__in=slugs).values_list("slug", "agency_id", "sector")
    return {slug: (agency, sector or "") for slug, agency, sector in rows}


def _product_facts(keys: set[str]) -> dict[str, tuple[int | None, str]]:
    from satudata.products.models import Product
    from satudata.releases.models import ReleaseEntry

    rows = Product.objects.filter(slug__in=keys).values_list("slug", "agency_id", "sector")
    found: dict[str, tuple[int | None, str]] = {
        slug: (agency, sector or "") for slug, agency, sector in rows
    }
    ids = _uuid_keys(keys)
    if ids:
        entries = ReleaseEntry.objects.filter(uuid__in=ids.values()).values_list(
            "uuid", "agency_id", "sector"
        )
        by_id = {value: (agency, sector or "") for value, agency, sector in entries}
        found.update({key: by_id[value] for key, value in ids.items() if value in by_id})
    return found


def _annotated(events: QuerySet[UsageEvent], robots: set[str]) -> Any:
    """The day's events with ``is_robot`` (user agent, or behaviour: ``robots``)."""
    robot = Q(bot=True)
    if robots:
        robot |= Q(visitor__in=sorted(robots))
    return events.annotate(
        is_robot=Case(
            When(robot, then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    )


# The temporary tables of one roll (per connection; emptied at each roll, dropped after it).
_KEYS = "reports_roll_keys"  # a day's dataset key (name or identifier) -> the dataset's name
_FACTS = "reports_roll_facts"  # ("d", dataset name) or ("p", product key) -> agency, sector
_ROBOTS = "reports_roll_robots"  # the day's visitor hashes that behaved as robots
_TEMPORARY = (
    f"CREATE TEMPORARY TABLE {_KEYS} (k varchar(120) PRIMARY KEY, name varchar(120) NOT NULL)",
    f"CREATE TEMPORARY TABLE {_FACTS} (what char(1) NOT NULL, k varchar(120) NOT NULL, "
    "agency_id integer NULL, sector varchar(60) NOT NULL, PRIMARY KEY (what, k))",
    f"CREATE TEMPORARY TABLE {_ROBOTS} (visitor varchar(16) PRIMARY KEY)",
)

# One pass over the day's events grouped in the database, the object's agency and sector joined
# to the grouped rows: no row is built in Python. GROUP BY by position, since the output names
# are those of the event's own columns. Portable SQLite/PostgreSQL (TRUE/FALSE: SQLite >= 3.23).
_USAGE_SQL = f"""
    INSERT INTO reports_dailyusage (day, kind, channel, name, format, dataset, product,
        agency_id, sector, bot, signed_in, events, visitors, failed)
    SELECT %s, g.kind, g.channel, g.name, g.format, g.dataset, g.product,
        CASE WHEN d.k IS NOT NULL THEN d.agency_id ELSE p.agency_id END,
        CASE WHEN d.k IS NOT NULL THEN d.sector ELSE COALESCE(p.sector, '') END,
        g.bot, g.signed_in, g.events, g.visitors, g.failed
    FROM (
        SELECT e.kind, e.channel, e.name, e.format, COALESCE(n.name, e.dataset) AS dataset,
            e.product,
            CASE WHEN e.bot OR r.visitor IS NOT NULL THEN TRUE ELSE FALSE END AS bot,
            e.signed_in,
            SUM(CASE WHEN e.status < 400 THEN 1 ELSE 0 END) AS events,
            COUNT(DISTINCT CASE WHEN e.status < 400 THEN e.visitor END) AS visitors,
            SUM(CASE WHEN e.status < 400 THEN 0 ELSE 1 END) AS failed
        FROM reports_usageevent e
        LEFT JOIN {_KEYS} n ON n.k = e.dataset
        LEFT JOIN {_ROBOTS} r ON r.visitor = e.visitor
        WHERE e.at >= %s AND e.at < %s
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
    ) g
    LEFT JOIN {_FACTS} d ON d.what = 'd' AND d.k = g.dataset
    LEFT JOIN {_FACTS} p ON p.what = 'p' AND p.k = g.product
"""


def _temporary_tables(cursor: Any) -> None:
    for table, create in zip((_KEYS, _FACTS, _ROBOTS), _TEMPORARY, strict=True):
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(create)


def _drop_temporary_tables(cursor: Any) -> None:
    for table in (_KEYS, _FACTS, _ROBOTS):
        cursor.execute(f"DROP TABLE IF EXISTS {table}")


def _insert_usage(day: dt.date, raw: QuerySet[UsageEvent], robots: set[str]) -> None:
    """The day's ``DailyUsage`` rows, grouped and inserted by the database (``_USAGE_SQL``)
    after the day's lookups are written to temporary tables: dataset identifiers to names,
    each dataset's and product's agency and sector, the robots found by behaviour."""
    names = _dataset_names(raw)
    keys = raw.exclude(dataset="").order_by().values_list("dataset", flat=True).distinct()
    datasets = _dataset_facts({names.get(key, key) for key in keys})
    products = _product_facts(
        set(raw.exclude(product="").order_by().values_list("product", flat=True).distinct())
    )
    facts = [("d", key, agency, sector) for key, (agency, sector) in datasets.items()]
    facts += [("p", key, agency, sector) for key, (agency, sector) in products.items()]
    start, end = bounds(day)
    ops = connection.ops
    with connection.cursor() as cursor:
        _temporary_tables(cursor)
        cursor.executemany(f"INSERT INTO {_KEYS} (k, name) VALUES (%s, %s)", list(names.items()))
        cursor.executemany(
            f"INSERT INTO {_FACTS} (what, k, agency_id, sector) VALUES (%s, %s, %s, %s)", facts
        )
        cursor.executemany(
            f"INSERT INTO {_ROBOTS} (visitor) VALUES (%s)", [(v,) for v in sorted(robots)]
        )
        cursor.execute(
            _USAGE_SQL,
            [
                ops.adapt_datefield_value(day),
                ops.adapt_datetimefield_value(start),
                ops.adapt_datetimefield_value(end),
            ],
        )
        _drop_temporary_tables(cursor)


def _site_rows(day: dt.date, events: Any) -> list[DailySite]:
    def of(kind: str) -> Q:
        return OK & Q(kind=kind)

    figures = {
        "visitors": Count("visitor", filter=OK, distinct=True),
        "page_views": Count("pk", filter=of(EventKind.PAGE_VIEW)),
        "downloads": Count("pk", filter=of(EventKind.DOWNLOAD)),
        "api_calls": Count("pk", filter=of(EventKind.API_CALL)),
        "searches": Count("pk", filter=of(EventKind.SEARCH)),
        "zero_result_searches": Count("pk", filter=of(EventKind.SEARCH) & Q(results=0)),
        "events": Count("pk", filter=OK),
        "samples": Count("pk", filter=Q(sample=True)),
    }
    rows = []
    for robot, chosen in (
        (False, events.filter(PUBLIC_HUMAN)),
        (True, events.filter(is_robot=True)),
    ):
        found = chosen.aggregate(**figures)
        samples = found.pop("samples")
        rows.append(DailySite(day=day, bot=robot, sample=bool(samples), **found))
    return rows


def _referrer_rows(day: dt.date, public: Any) -> list[DailyReferrer]:
    grouped = (
        public.exclude(kind=EventKind.API_CALL)
        .values("referrer", "referrer_host")
        .annotate(n=Count("pk"), v=Count("visitor", distinct=True))
        .order_by()
    )
    return [
        DailyReferrer(
            day=day,
            kind=row["referrer"],
            host=row["referrer_host"],
            events=row["n"],
            visitors=row["v"],
        )
        for row in grouped
    ]


def _search_rows(day: dt.date, public: Any) -> list[DailySearch]:
    grouped = (
        public.filter(kind=EventKind.SEARCH)
        .exclude(query="")
        .values("query")
        .annotate(n=Count("pk"), zero=Count("pk", filter=Q(results=0)))
        .order_by()
    )
    return [
        DailySearch(day=day, query=row["query"], searches=row["n"], zero_results=row["zero"])
        for row in grouped
    ]


def _campaign_rows(day: dt.date, public: Any) -> list[DailyCampaign]:
    grouped = (
        public.exclude(campaign="")
        .values("campaign")
        .annotate(n=Count("pk"), v=Count("visitor", distinct=True))
        .order_by()
    )
    return [
        DailyCampaign(day=day, campaign=row["campaign"], landings=row["n"], visitors=row["v"])
        for row in grouped
    ]


ROLLUP_MODELS = (DailyUsage, DailySite, DailyReferrer, DailySearch, DailyCampaign)

_DIMENSIONS = ", ".join(DailyUsage.DIMENSIONS)
_MONTH_SQL = f"""
    INSERT INTO reports_monthlyusage (month, {_DIMENSIONS}, events, visitors, failed, days)
    SELECT %s, {_DIMENSIONS}, SUM(events), SUM(visitors), SUM(failed), COUNT(*)
    FROM reports_dailyusage WHERE day >= %s AND day < %s
    GROUP BY {_DIMENSIONS}
"""


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1)


def roll_month(month: dt.date) -> int:
    """Rebuild one month's ``MonthlyUsage`` rows from its ``DailyUsage`` rows with one
    INSERT … SELECT … GROUP BY in the database; how many rows. Run in the same transaction as
    the days that changed, so the two tables never disagree."""
    month = month_of(month)
    ops = connection.ops
    with transaction.atomic():
        MonthlyUsage.objects.filter(month=month).delete()
        with connection.cursor() as cursor:
            cursor.execute(
                _MONTH_SQL,
                [ops.adapt_datefield_value(d) for d in (month, month, _next_month(month))],
            )
            return int(cursor.rowcount)


def _roll_one_day(day: dt.date, now: dt.datetime) -> RolledDay:
    start, end = bounds(day)
    raw = UsageEvent.objects.filter(at__gte=start, at__lt=end)
    raw_events = raw.count()
    robots = behaviour_robots(raw)
    for model in ROLLUP_MODELS:
        model.objects.filter(day=day).delete()
    _insert_usage(day, raw, robots)
    events = _annotated(raw, robots)
    public = events.filter(PUBLIC_HUMAN & OK)
    built: list[tuple[Any, list[Any]]] = [
        (DailySite, _site_rows(day, events)),
        (DailyReferrer, _referrer_rows(day, public)),
        (DailySearch, _search_rows(day, public)),
        (DailyCampaign, _campaign_rows(day, public)),
    ]
    for model, rows in built:
        model.objects.bulk_create(rows, batch_size=1000)
    rolled, _ = RolledDay.objects.update_or_create(
        day=day,
        defaults={"rolled_at": now, "raw_events": raw_events, "complete": now >= end + margin()},
    )
    return rolled


def roll_days(days: Iterable[dt.date], *, now: dt.datetime | None = None) -> list[RolledDay]:
    """Rebuild every rollup row of the days from their raw events, and the months they fall in
    (one transaction per month: its days, then its ``MonthlyUsage`` rows once)."""
    now = now or timezone.now()
    by_month: dict[dt.date, list[dt.date]] = {}
    for day in sorted(set(days)):
        if _raw_events_deleted(day, now):
            logger.info("usage of %s kept: its raw events were deleted after the retention", day)
            continue
        by_month.setdefault(month_of(day), []).append(day)
    rolled = []
    for month, chosen in by_month.items():
        with transaction.atomic():
            _lock_month(month)
            rolled += [_roll_one_day(day, now) for day in chosen]
            roll_month(month)
    return rolled


# Two rollups of one month at once (a slow run and the next slot's, two workers) would each
# delete and insert its rows; under PostgreSQL's read-committed isolation both inserts could stay
# and double the month. One transaction-scoped advisory lock per month makes the second wait
# for the first and then rebuild from what the first wrote. SQLite has one writer at a time.
ROLLUP_LOCK = 0x5D_2106


def _lock_month(month: dt.date) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)",
                [ROLLUP_LOCK, month.year * 100 + month.month],
            )


def _raw_events_deleted(day: dt.date, now: dt.datetime) -> bool:
    """A complete day older than the retention whose raw events are gone: rebuilding it would
    replace its rollups with nothing (``retention.delete_expired`` keeps only the rollups)."""
    keep = int(getattr(settings, "USAGE_RAW_RETENTION_DAYS", 730))
    if keep <= 0 or day >= timezone.localdate(now) - dt.timedelta(days=keep):
        return False
    rolled = RolledDay.objects.filter(day=day, complete=True, raw_events__gt=0).exists()
    start, end = bounds(day)
    return rolled and not UsageEvent.objects.filter(at__gte=start, at__lt=end).exists()


def roll_day(day: dt.date, *, now: dt.datetime | None = None) -> RolledDay:
    """Rebuild every rollup row of one WIB day from its raw events, and its month's
    ``MonthlyUsage`` rows (see the module's note); a day whose raw events the retention deleted
    keeps its rollups."""
    rolled = roll_days([day], now=now)
    return rolled[0] if rolled else RolledDay.objects.get(day=day)


def first_raw_day() -> dt.date | None:
    first = UsageEvent.objects.order_by("at").values_list("at", flat=True).first()
    return timezone.localdate(first) if first else None


def _late(day: dt.date, rolled: int) -> bool:
    """Whether a complete day's raw events grew after it was rolled (a late flush, an import)."""
    start, end = bounds(day)
    return UsageEvent.objects.filter(at__gte=start, at__lt=end).count() > rolled


def roll_pending(now: dt.datetime | None = None) -> list[dt.date]:
    """Roll every day not yet rolled as complete, up to today; the days rolled (see the
    module's note). Run twice at the same moment, the second run only re-rolls today."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    last_complete = (
        RolledDay.objects.filter(complete=True)
        .order_by("-day")
        .values_list("day", flat=True)
        .first()
    )
    if last_complete is not None:
        first: dt.date | None = last_complete + dt.timedelta(days=1)
    else:
        first = first_raw_day()
    days: set[dt.date] = set()
    if first is not None:
        days.update(first + dt.timedelta(days=n) for n in range((today - first).days + 1))
    # Days rolled while they were running, before the last complete one (a manual rebuild).
    days.update(
        RolledDay.objects.filter(complete=False, day__lte=today).values_list("day", flat=True)
    )
    recheck = int(getattr(settings, "USAGE_ROLLUP_RECHECK_DAYS", 7))
    for day, rolled in RolledDay.objects.filter(
        complete=True, day__gte=today - dt.timedelta(days=recheck)
    ).values_list("day", "raw_events"):
        if _late(day, rolled):
            days.add(day)
    done = sorted(days)
    roll_days(done, now=now)
    if done:
        logger.info("usage rolled up for %s day(s), %s to %s", len(done), done[0], done[-1])
    return done


def roll_range(first: dt.date, last: dt.date, *, now: dt.datetime | None = None) -> list[dt.date]:
    """Rebuild the rollups of every day from ``first`` to ``last`` (inclusive)."""
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    roll_days(days, now=now)
    return days
