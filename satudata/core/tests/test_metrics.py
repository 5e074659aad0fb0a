from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.test import TestCase, override_settings
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from satudata.catalog.models import DataItem, DataList, DataListStatus, UploadStatus
from satudata.catalog.services import create_dataset
from satudata.catalog.sinkronisasi.services import receive_upload
from satudata.core.testing import PersonaTestCase

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def samples(text: str) -> dict[str, list[Sample]]:
    """Every family in Prometheus's text format, read by prometheus_client's own parser."""
    return {family.name: family.samples for family in text_string_to_metric_families(text)}


def value(found: dict[str, list[Sample]], name: str, **labels: str) -> float:
    every = [sample for family in found.values() for sample in family]
    matches = [s.value for s in every if s.name == name and s.labels == labels]
    return matches[0] if matches else 0.0


@override_settings(TASKS=DB_TASKS, TASKS_BACKEND="database")
class MetricsTests(PersonaTestCase):
    def scrape(self) -> dict[str, list[Sample]]:
        response = self.client.get("/metrics")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("text/plain; version="))
        return samples(response.content.decode())

    def test_it_counts_requests_by_method_and_status_class(self) -> None:
        before = self.scrape()
        self.client.get("/tidak-ada/")
        self.client.post("/tidak-ada/")
        after = self.scrape()
        for method, status in (("GET", "4xx"), ("POST", "4xx"), ("GET", "2xx")):
            name, labels = "satudata_http_requests_total", {"method": method, "status": status}
            self.assertEqual(value(after, name, **labels) - value(before, name, **labels), 1)

    def test_it_measures_latency_in_a_histogram(self) -> None:
        self.client.get("/")
        found = self.scrape()
        count = value(found, "satudata_http_request_duration_seconds_count", method="GET")
        infinite = value(
            found, "satudata_http_request_duration_seconds_bucket", method="GET", le="+Inf"
        )
        self.assertGreaterEqual(count, 1)
        self.assertEqual(count, infinite)
        self.assertGreater(
            value(found, "satudata_http_request_duration_seconds_sum", method="GET"), 0
        )

    def test_an_unusual_method_is_one_label(self) -> None:
        before = self.scrape()
        self.client.generic("BREW", "/tidak-ada/")
        self.client.generic("PROPFIND", "/tidak-ada/")
        after = self.scrape()
        labels = {"method": "other", "status": "4xx"}
        name = "satudata_http_requests_total"
        self.assertEqual(value(after, name, **labels) - value(before, name, **labels), 2)
        self.assertFalse(
            any(s.labels.get("method") == "BREW" for s in after["satudata_http_requests"])
        )

    def test_it_reads_queue_depth_and_uploads_by_outcome_from_the_database(self) -> None:
        data_list = DataList.objects.create(year=2026, status=DataListStatus.APPROVED)
        item = DataItem.objects.create(
            data_list=data_list, number=1, agency=self.p.agency, name="Jumlah Puskesmas"
        )
        dataset = create_dataset(actor=self.p.walidata, item=item)
        with self.captureOnCommitCallbacks(execute=True):
            for check in (True, True, False):  # two queued for the worker, one left received
                receive_upload(
                    actor=self.p.walidata,
                    dataset=dataset,
                    filename="a.csv",
                    chunks=[b"a;b\n1;2\n"],
                    check=check,
                )
        found = self.scrape()
        self.assertEqual(value(found, "satudata_uploads", status=UploadStatus.CHECKING), 2)
        self.assertEqual(value(found, "satudata_uploads", status=UploadStatus.RECEIVED), 1)
        self.assertEqual(value(found, "satudata_uploads", status=UploadStatus.SYNCHRONISED), 0)
        self.assertEqual(value(found, "satudata_tasks_waiting", backend="database"), 2)
        self.assertIn("satudata_tasks_oldest_wait_seconds", found)

    def test_the_mail_failure_gauge_is_absent_until_the_outbox_exists(self) -> None:
        from django.apps import apps

        found = self.scrape()
        has_outbox = any(
            m.__name__ == "OutgoingMail" for m in apps.get_app_config("core").get_models()
        )
        self.assertEqual("satudata_mail_failed" in found, has_outbox)

    def test_a_failing_gauge_is_left_out_and_the_rest_still_answer(self) -> None:
        gauges = [*settings.METRICS_SCRAPE_GAUGES, "satudata.core.tests.test_metrics.broken"]
        with self.settings(METRICS_SCRAPE_GAUGES=gauges):
            found = self.scrape()
        self.assertIn("satudata_uploads", found)


def broken() -> list[object]:
    raise RuntimeError("the gauge cannot be read")


class MetricsAccessTests(TestCase):
    def test_it_refuses_an_address_outside_the_allowed_list(self) -> None:
        response = self.client.get("/metrics", REMOTE_ADDR="203.0.113.9")
        self.assertEqual(response.status_code, 403)
        self.assertNotIn(b"satudata_", response.content)

    def test_loopback_is_allowed_by_default(self) -> None:
        self.assertEqual(self.client.get("/metrics", REMOTE_ADDR="::1").status_code, 200)

    @override_settings(METRICS_ALLOWED_IPS=["10.8.0.0/16"])
    def test_it_allows_a_configured_network(self) -> None:
        self.assertEqual(self.client.get("/metrics", REMOTE_ADDR="10.8.3.4").status_code, 200)
        self.assertEqual(self.client.get("/metrics", REMOTE_ADDR="10.9.0.1").status_code, 403)
        self.assertEqual(self.client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code, 403)

    @override_settings(METRICS_TOKEN="s3cret-token-for-prometheus")
    def test_a_bearer_token_opens_it_from_anywhere(self) -> None:
        good = "Bearer s3cret-token-for-prometheus"
        for sent, expected in (
            (good, 200),
            ("Bearer wrong", 403),
            ("s3cret-token-for-prometheus", 403),
        ):
            response = self.client.get(
                "/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION=sent
            )
            self.assertEqual(response.status_code, expected, sent)

    def test_no_token_means_no_token_opens_it(self) -> None:
        response = self.client.get(
            "/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer "
        )
        self.assertEqual(response.status_code, 403)

    @override_settings(TRUSTED_PROXIES=[])
    def test_a_forged_forwarded_address_does_not_open_it(self) -> None:
        response = self.client.get(
            "/metrics", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="127.0.0.1"
        )
        self.assertEqual(response.status_code, 403)

    @override_settings(TRUSTED_PROXIES=["127.0.0.1"])
    def test_behind_the_proxy_the_client_address_decides(self) -> None:
        response = self.client.get(
            "/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="127.0.0.1, 203.0.113.9"
        )
        self.assertEqual(response.status_code, 403)


SCRIPT = """
import django, os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
django.setup()
from django.test import Client
from satudata.core import metrics
if sys.argv[1] == "serve":
    for _ in range(int(sys.argv[2])):
        Client().get("/healthz?check=storage")
else:
    sys.stdout.write(metrics.exposition().decode())
"""


class MultiprocessMetricsTests(TestCase):
    def test_requests_counted_by_several_processes_are_summed_at_a_scrape(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": folder, "DATA_DIR": folder}

            def run(*args: str) -> str:
                done = subprocess.run(
                    [sys.executable, "-c", SCRIPT, *args],
                    cwd=Path(settings.BASE_DIR),
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=120,
                    check=True,
                )
                return done.stdout

            run("serve", "2")
            run("serve", "3")
            found = samples(run("scrape"))
        name = "satudata_http_requests_total"
        self.assertEqual(value(found, name, method="GET", status="2xx"), 5)
        self.assertEqual(
            value(found, "satudata_http_request_duration_seconds_count", method="GET"), 5
        )
