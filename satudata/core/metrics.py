"""Prometheus metrics: requests and their latency counted by each web process, and gauges read
from the database when Prometheus scrapes (queue depth, uploads by outcome, failed e-mail).

With several gunicorn processes each one counts its own requests; set
``PROMETHEUS_MULTIPROC_DIR`` (an empty folder, emptied at each start: ``config/gunicorn.py``
does it) and prometheus_client keeps the counts in files there, which any process sums at a
scrape. The database gauges need no such thing: they are computed on the scrape itself.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

from satudata.core.health import queue_state
from satudata.core.middleware import client_ip
from satudata.core.models import Heartbeat, MailStatus, OutgoingMail
from satudata.core.scheduler import SCHEDULER_HEARTBEAT

logger = logging.getLogger(__name__)

# The *_created series (when each counter was first touched) add a line per series and say
# nothing a restart's reset of the counters does not already show.
disable_created_metrics()

# This process's request metrics; never prometheus_client's global registry, which would add
# process metrics that mean nothing summed over several processes.
REGISTRY = CollectorRegistry()
REQUESTS = Counter(
    "satudata_http_requests",
    "HTTP requests answered, by method and status class (2xx, 3xx, 4xx, 5xx).",
    ["method", "status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "satudata_http_request_duration_seconds",
    "Time from a request's arrival at Django to its answer (before a streamed body is sent).",
    ["method"],
    registry=REGISTRY,
)
# Any other method string is one label, so a client cannot grow the series without bound.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class MetricsMiddleware:
    """Counts every answer and how long it took; first in MIDDLEWARE, so it times them all."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        method = request.method if request.method in METHODS else "other"
        REQUESTS.labels(method, f"{response.status_code // 100}xx").inc()
        LATENCY.labels(method).observe(time.perf_counter() - started)
        return response


def queue_gauges() -> Iterator[Metric]:
    state = queue_state()
    waiting = GaugeMetricFamily(
        "satudata_tasks_waiting", "Background tasks waiting to run now.", labels=["backend"]
    )
    waiting.add_metric([state.backend], state.waiting)
    yield waiting
    oldest = GaugeMetricFamily(
        "satudata_tasks_oldest_wait_seconds",
        "How long the oldest waiting task has waited.",
        labels=["backend"],
    )
    oldest.add_metric([state.backend], max(state.oldest_wait_seconds, 0.0))
    yield oldest


def scheduler_gauges() -> Iterator[Metric]:
    last = Heartbeat.objects.filter(name=SCHEDULER_HEARTBEAT).values_list("at", flat=True).first()
    if last is not None:
        yield GaugeMetricFamily(
            "satudata_scheduler_last_tick_timestamp_seconds",
            "When the scheduler last enqueued due periodic jobs (Unix time).",
            value=last.timestamp(),
        )


def mail_failure_gauges() -> Iterator[Metric]:
    """E-mails given up on after every retry (the outbox's failed messages)."""
    yield GaugeMetricFamily(
        "satudata_mail_failed",
        "E-mail messages that could not be delivered after every retry.",
        value=OutgoingMail.objects.filter(status=MailStatus.FAILED).count(),
    )


class ScrapeCollector:
    """Runs the gauges named in ``METRICS_SCRAPE_GAUGES`` at each scrape; one that fails is left
    out (and logged) instead of failing the scrape."""

    def collect(self) -> Iterable[Metric]:
        for path in settings.METRICS_SCRAPE_GAUGES:
            try:
                gauges = list(import_string(path)())
            except Exception as error:
                logger.warning("Metric %s not collected: %r", path, error)
                continue
            yield from gauges


def exposition() -> bytes:
    """Every metric in Prometheus's text format."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(REGISTRY)  # type: ignore[arg-type]
    registry.register(ScrapeCollector())  # type: ignore[arg-type]
    return generate_latest(registry)


@lru_cache(maxsize=8)
def _networks(
    entries: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def may_scrape(request: HttpRequest) -> bool:
    """From an allowed address or network, or with the configured bearer token."""
    token = settings.METRICS_TOKEN
    sent = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        return True
    address = client_ip(request)
    if address is None:
        return False
    ip = ipaddress.ip_address(address)
    return any(ip in network for network in _networks(tuple(settings.METRICS_ALLOWED_IPS)))
