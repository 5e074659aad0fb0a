"""Recording usage without making requests wait, and reading it back for the report.

The middleware turns a finished request of the data server into an event and hands it to an
in-process buffer; the buffer is written with one bulk insert when it holds ``USAGE_BATCH``
events or when ``USAGE_FLUSH_SECONDS`` have passed (a background thread), and when the process
ends. A crash can lose at most one unwritten batch of counts, never data. One hostile request
loses nothing else: each event is cleaned (NUL bytes, lengths, number ranges) before the insert,
and a row the database still refuses is skipped alone, with a count in the log.
Views add what only they know (a search's words and result count) to ``request.usage``.

**Campaign tags, without a cookie.** A link spread by a promotion action, a release e-mail or a
widget carries ``?k=<tag>`` (``PROMOTION_CAMPAIGN_PARAMETER``); the page view or download it
lands on keeps the tag (letters, digits, ``-`` and ``_``, at most 40; anything else is ignored).
What the visitor does next carries no tag, so ``campaign_visits`` attributes it when read: an
untagged page view or download by the **same daily visitor hash** within ``CAMPAIGN_WINDOW``
(30 minutes) **after** a tagged landing, on the same day, counts for that landing's campaign
(the latest landing before it, when there are several). Nothing is stored on the visitor's
device and nothing links a visitor across days: the hash's salt changes every day.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import close_old_connections, models, transaction
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from satudata.core.middleware import client_ip
from satudata.reports import bots, counts, referrers
from satudata.reports.models import Channel, DailySalt, EventKind, UsageEvent

logger = logging.getLogger(__name__)

# URL name -> (kind, channel). Names not listed (staff pages, log-in, …) are not counted.
ROUTES: dict[str, tuple[str, str]] = {
    "portal:home": (EventKind.PAGE_VIEW, Channel.PORTAL),
    "portal:search": (EventKind.SEARCH, Channel.PORTAL),
    "portal:search-file": (EventKind.SEARCH, Channel.PORTAL),
    "portal:dataset": (EventKind.PAGE_VIEW, Channel.PORTAL),
    "portal:dataset-version": (EventKind.PAGE_VIEW, Channel.PORTAL),
    "portal:dataset-file": (EventKind.DOWNLOAD, Channel.PORTAL),
    "portal:download": (EventKind.DOWNLOAD, Channel.PORTAL),
    "portal:download-version": (EventKind.DOWNLOAD, Channel.PORTAL),
    "accounts:agency-list": (EventKind.PAGE_VIEW, Channel.PORTAL),
    "accounts:agency-detail": (EventKind.PAGE_VIEW, Channel.PORTAL),
    "regions:region-index": (EventKind.PAGE_VIEW, Channel.PORTAL),
    "regions:region-detail": (EventKind.PAGE_VIEW, Channel.PORTAL),
    "catalog:datalist-list": (EventKind.PAGE_VIEW, Channel.PORTAL),
    "catalog:datalist-detail": (EventKind.PAGE_VIEW, Channel.PORTAL),
    "catalog:metadata-index": (EventKind.PAGE_VIEW, Channel.PORTAL),
    "catalog:metadata-detail": (EventKind.PAGE_VIEW, Channel.PORTAL),
    # The table builder (issue 18): its page, and each table downloaded from it, for the dataset.
    "builder:table": (EventKind.PAGE_VIEW, Channel.PORTAL),
    "builder:download": (EventKind.DOWNLOAD, Channel.BUILDER),
    # Dissemination products (activity 2) and the release calendar's entries (activity 3): the
    # pages promotion links point at. Their slug or key is not a dataset's (NOT_DATASET).
    "products:detail": (EventKind.PAGE_VIEW, Channel.PORTAL),
    "products:version": (EventKind.PAGE_VIEW, Channel.PORTAL),
    "products:file": (EventKind.DOWNLOAD, Channel.PORTAL),
    "releases:entry": (EventKind.PAGE_VIEW, Channel.PORTAL),
    "api:ckan-action": (EventKind.API_CALL, Channel.CKAN),
    "api:ckan-action-unversioned": (EventKind.API_CALL, Channel.CKAN),
    "api:dcat-catalog": (EventKind.API_CALL, Channel.DCAT),
    "api:dcat-dataset": (EventKind.API_CALL, Channel.DCAT),
    "api:data-json": (EventKind.API_CALL, Channel.DATA_JSON),
    "api:datapackage": (EventKind.API_CALL, Channel.DATAPACKAGE),
}

# Routes whose ``slug`` or ``key`` names a dissemination product or a release-calendar entry, not
# a dataset: it is kept as the event's ``product``.
NOT_DATASET = frozenset({"products:detail", "products:version", "products:file", "releases:entry"})

CAMPAIGN = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
# How long after a tagged landing the same visitor's page views and downloads count for it.
CAMPAIGN_WINDOW = timedelta(minutes=30)


def campaign_of(request: HttpRequest, kind: str) -> str:
    """The request's valid campaign tag (lower case) for a page view or download, else ""."""
    if kind == EventKind.API_CALL:
        return ""
    tag = request.GET.get(settings.PROMOTION_CAMPAIGN_PARAMETER, "")
    return tag.lower() if CAMPAIGN.match(tag) else ""


def classify(request: HttpRequest) -> tuple[str, str, str] | None:
    match = request.resolver_match
    if match is None:
        return None
    name = match.view_name
    if name in ROUTES:
        kind, channel = ROUTES[name]
    elif name.startswith("api-v1:") and not name.startswith("api-v1:openapi"):
        kind, channel = EventKind.API_CALL, Channel.REST
        if name == "api-v1:export_data":
            kind = EventKind.DOWNLOAD
    else:
        return None
    if name.startswith("api:ckan-action"):
        name = f"ckan:{match.kwargs.get('name', '')}"
    return kind, channel, name[:60]


def _salt(day: date) -> str:
    found = DailySalt.objects.filter(day=day).first()
    if found is None:
        DailySalt.objects.filter(day__lt=day).delete()
        found, _ = DailySalt.objects.get_or_create(
            day=day, defaults={"value": secrets.token_hex(32)}
        )
    return found.value


class Buffer:
    def __init__(self) -> None:
        self.events: list[UsageEvent] = []
        self.lock = threading.Lock()
        self.salts: dict[date, str] = {}
        self.thread: threading.Thread | None = None

    def visitor(self, request: HttpRequest, day: date) -> str:
        if day not in self.salts:
            self.salts = {day: _salt(day)}
        agent = request.META.get("HTTP_USER_AGENT", "")[:300]
        raw = f"{self.salts[day]}|{client_ip(request) or ''}|{agent}"
        return hashlib.sha256(raw.encode()).hexdigest()[:16]

    def add(self, event: UsageEvent) -> None:
        with self.lock:
            self.events.append(event)
            full = len(self.events) >= settings.USAGE_BATCH
        if full or settings.USAGE_FLUSH_SECONDS <= 0:
            self.flush()
        else:
            self._start()

    def _start(self) -> None:
        if self.thread is None or not self.thread.is_alive():
            self.thread = threading.Thread(target=self._loop, name="usage-writer", daemon=True)
            self.thread.start()

    def _loop(self) -> None:
        while True:
            time.sleep(settings.USAGE_FLUSH_SECONDS)
            try:
                self.flush()
            finally:
                close_old_connections()

    def flush(self) -> int:
        with self.lock:
            events, self.events = self.events, []
        if not events:
            return 0
        kept = [e for e in map(clean_event, events) if e is not None]
        if len(kept) < len(events):
            logger.warning("skipped %s unusable usage events", len(events) - len(kept))
        try:
            UsageEvent.objects.bulk_create(kept, batch_size=500)
        except Exception:  # one row the database still refuses: write the others one by one
            logger.exception("bulk write of %s usage events failed; writing one by one", len(kept))
            return _write_each(kept)
        _add_to_totals(kept)
        return len(kept)


def _add_to_totals(events: list[UsageEvent]) -> None:
    """The public's view and download totals follow the written events; a failure here costs
    those counts (``counts.recount`` restores them), never the events or the request."""
    try:
        counts.add(events)
    except Exception:
        logger.exception("dataset usage totals not updated for %s events", len(events))


def _write_each(events: list[UsageEvent]) -> int:
    written = 0
    for event in events:
        try:
            with transaction.atomic():
                event.save(force_insert=True)
        except Exception:  # counting must never break serving; the count goes to the log
            logger.debug("usage event refused: %r", event.__dict__, exc_info=True)
            continue
        written += 1
        _add_to_totals([event])
    if written < len(events):
        logger.warning("skipped %s usage events the database refused", len(events) - written)
    return written


_INT_RANGES = BaseDatabaseOperations.integer_field_ranges
# Control characters (NUL included: PostgreSQL refuses it) are not kept in any text of an event:
# search words typed with them would otherwise travel into reports and documents.
CONTROL = re.compile("[\x00-\x1f\x7f]")


def clean_event(event: UsageEvent) -> UsageEvent | None:
    """Make one event storable on every database: text without NUL bytes (PostgreSQL refuses
    them) and cut to its column, numbers within their column's range. An event that still
    cannot be stored (no time, a kind that is not text) is dropped alone, not with its batch."""
    try:
        for field in UsageEvent._meta.concrete_fields:
            if field.primary_key:
                continue
            value = getattr(event, field.attname)
            if isinstance(field, models.CharField):
                text = CONTROL.sub("", str(value or ""))
                setattr(event, field.attname, text[: field.max_length])
            elif isinstance(field, models.IntegerField) and value is not None:
                low, high = _INT_RANGES[field.get_internal_type()]
                setattr(event, field.attname, min(max(int(value), low), high))
        if not isinstance(event.at, datetime):
            return None
    except (TypeError, ValueError, OverflowError):
        return None
    return event


buffer = Buffer()
atexit.register(buffer.flush)


class UsageMiddleware:
    """Counts data-server requests after they are answered; sets no cookie."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.USAGE_EVENTS and request.method in ("GET", "POST", "HEAD"):
            try:
                self.count(request, response)
            except Exception:
                logger.exception("usage event not recorded")
        return response

    def count(self, request: HttpRequest, response: HttpResponse) -> None:
        found = classify(request)
        if found is None:
            return
        kind, channel, name = found
        extra: dict[str, Any] = getattr(request, "usage", {})
        kwargs = request.resolver_match.kwargs if request.resolver_match else {}
        if kind == EventKind.SEARCH and "query" not in extra:
            kind = EventKind.PAGE_VIEW
        now = timezone.now()
        key = kwargs.get("slug") or kwargs.get("key") or ""
        product, dataset = (key, "") if name in NOT_DATASET else ("", key)
        agent = request.META.get("HTTP_USER_AGENT", "")
        referrer, referrer_host = referrers.classify(
            request.META.get("HTTP_REFERER"),
            request.META.get("HTTP_HOST") or request.META.get("SERVER_NAME", ""),
        )
        buffer.add(
            UsageEvent(
                at=now,
                kind=extra.get("kind", kind),
                channel=channel,
                name=name,
                dataset=str(extra.get("dataset") or dataset or "")[:120],
                format=str(
                    extra.get("format") or kwargs.get("fmt") or request.GET.get("format", "")
                )[:10],
                query=str(extra.get("query", ""))[:200],
                results=extra.get("results"),
                status=response.status_code,
                visitor=buffer.visitor(request, timezone.localdate(now)),
                signed_in=bool(getattr(request, "user", None) and request.user.is_authenticated),
                campaign=campaign_of(request, kind),
                product=str(extra.get("product") or product)[:120],
                referrer=referrer,
                referrer_host=referrer_host[:100],
                bot=bots.is_bot(agent[:500]),
            )
        )


def note(request: HttpRequest, **facts: Any) -> None:
    """For views: add what the middleware cannot see (a search's words and result count)."""
    current = getattr(request, "usage", {})
    current.update(facts)
    request.usage = current  # type: ignore[attr-defined]


def note_search(request: HttpRequest, criteria: Any, count: int) -> None:
    """A search's words (with its filters, as ``field:value``) and how many datasets it found;
    a search with neither words nor filters is a page view of the list."""
    words = [criteria.q.strip()] if criteria.q.strip() else []
    words += [f"{field}:{value}" for field, values in criteria.include for value in values]
    words += [f"-{field}:{value}" for field, values in criteria.exclude for value in values]
    if words:
        note(request, kind=EventKind.SEARCH, query=" ".join(words), results=count)


def summary(start: datetime, end: datetime) -> dict[str, Any]:
    """Usage between two moments, as the dissemination report states it."""
    events = UsageEvent.objects.filter(at__gte=start, at__lt=end, status__lt=400)
    searches = events.filter(kind=EventKind.SEARCH).exclude(query="")

    def counted(rows: Any, key: str) -> dict[str, int]:
        return {
            row[key]: row["n"] for row in rows.values(key).annotate(n=Count("pk")).order_by(key)
        }

    return {
        "events": events.count(),
        "visitors_per_day": _visitors_per_day(events),
        "by_kind": counted(events, "kind"),
        "downloads_by_format": counted(events.filter(kind=EventKind.DOWNLOAD), "format"),
        "api_calls_by_channel": counted(events.exclude(channel=Channel.PORTAL), "channel"),
        "top_datasets": list(
            events.exclude(dataset="")
            .values("dataset")
            .annotate(n=Count("pk"))
            .order_by("-n", "dataset")[:20]
            .values_list("dataset", "n")
        ),
        "searches": searches.count(),
        "zero_result_searches": list(
            searches.filter(results=0)
            .values("query")
            .annotate(n=Count("pk"))
            .order_by("-n", "query")[:50]
            .values_list("query", "n")
        ),
    }


def _visitors_per_day(events: Any) -> float:
    """Mean distinct visitors a day (hashes are only comparable within a day)."""
    from django.db.models.functions import TruncDate

    days = (
        events.annotate(day=TruncDate("at"))
        .values("day")
        .annotate(n=Count("visitor", distinct=True))
        .values_list("n", flat=True)
    )
    counts = list(days)
    return round(sum(counts) / len(counts), 1) if counts else 0.0


@dataclass
class CampaignCount:
    """What one campaign tag brought between two moments."""

    clicks: int = 0  # requests that arrived carrying the tag
    visitors: int = 0  # distinct (day, visitor hash) pairs among them
    views: int = 0  # untagged page views that followed within the window
    downloads: int = 0  # downloads that followed, plus downloads the tagged link led to directly
    datasets: dict[str, int] = field(default_factory=dict)  # downloads per dataset

    def add_download(self, dataset: str) -> None:
        self.downloads += 1
        if dataset:
            self.datasets[dataset] = self.datasets.get(dataset, 0) + 1


def campaign_visits(
    start: datetime, end: datetime, campaigns: list[str] | None = None
) -> dict[str, CampaignCount]:
    """Per campaign tag: its landings between ``start`` and ``end`` and what the same visitors
    did in the ``CAMPAIGN_WINDOW`` after each (see the module's note). Signed-in staff and
    failed requests are not counted. ``campaigns`` limits the tags read (None: all)."""
    landings = UsageEvent.objects.filter(
        at__gte=start, at__lt=end, status__lt=400, signed_in=False
    ).exclude(campaign="")
    if campaigns is not None:
        landings = landings.filter(campaign__in=campaigns)
    rows = landings.order_by("at").values_list("visitor", "at", "campaign", "kind", "dataset")
    tagged = [(visitor, at, tag) for visitor, at, tag, _kind, _dataset in rows]
    found: dict[str, CampaignCount] = {}
    seen: set[tuple[str, date, str]] = set()
    for visitor, at, tag, kind, dataset in rows:
        count = found.setdefault(tag, CampaignCount())
        count.clicks += 1
        if kind == EventKind.DOWNLOAD:
            count.add_download(dataset)
        day = timezone.localdate(at)
        if (tag, day, visitor) not in seen:
            seen.add((tag, day, visitor))
            count.visitors += 1
    _attribute_followers(tagged, found, end)
    return found


def _attribute_followers(
    tagged: list[tuple[str, datetime, str]], found: dict[str, CampaignCount], end: datetime
) -> None:
    """Count each visitor's untagged events in the window after its latest tagged landing."""
    if not tagged:
        return
    by_visitor: dict[str, list[tuple[datetime, str]]] = {}
    for visitor, at, tag in tagged:
        by_visitor.setdefault(visitor, []).append((at, tag))
    followers = (
        UsageEvent.objects.filter(
            visitor__in=list(by_visitor),
            at__gte=tagged[0][1],
            at__lt=end + CAMPAIGN_WINDOW,
            status__lt=400,
            signed_in=False,
            campaign="",
            kind__in=[EventKind.PAGE_VIEW, EventKind.DOWNLOAD],
        )
        .order_by("at")
        .values_list("visitor", "at", "kind", "dataset")
    )
    for visitor, at, kind, dataset in followers.iterator():
        owner = _landing_before(by_visitor[visitor], at)
        if owner is None:
            continue
        if kind == EventKind.DOWNLOAD:
            found[owner].add_download(dataset)
        else:
            found[owner].views += 1


def _landing_before(landings: list[tuple[datetime, str]], at: datetime) -> str | None:
    """The tag of the latest landing at or before ``at`` within the window and on its day."""
    best = None
    for landed, tag in landings:
        if landed > at:
            break
        if at - landed <= CAMPAIGN_WINDOW and timezone.localdate(landed) == timezone.localdate(at):
            best = tag
    return best
