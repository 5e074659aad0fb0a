"""Scrape-time metrics of activity 1: synchronisations by outcome (see core/metrics.py)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily, Metric

from satudata.catalog.models import Upload, UploadStatus


def upload_gauges() -> Iterator[Metric]:
    """Uploads in each state: received and being checked (waiting on the worker), rejected
    (not synchronised) and synchronised. Rates come from Prometheus (``delta()``)."""
    counts = dict(Upload.objects.values_list("status").annotate(n=Count("id")).order_by())
    gauge = GaugeMetricFamily(
        "satudata_uploads", "Uploads (synchronisations) by state.", labels=["status"]
    )
    for status in UploadStatus.values:
        gauge.add_metric([status], counts.get(status, 0))
    yield gauge
