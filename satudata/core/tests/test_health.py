from __future__ import annotations

import datetime as dt
import shutil
import socket
import subprocess
import time
import unittest
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from django.core.files.storage import default_storage
from django.db import OperationalError
from django.test import TestCase, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from redis import Redis
from rq import Queue

from satudata.core.models import Heartbeat
from satudata.core.scheduler import SCHEDULER_HEARTBEAT, tick
from satudata.sop.tasks import send_due_reminders

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def redis_server() -> Iterator[str]:
    """A throw-away Redis on a free port (Debian's redis-server), stopped afterwards."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    port = _free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        for _ in range(100):
            try:
                Redis.from_url(url).ping()
                break
            except Exception:
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@override_settings(TASKS=DB_TASKS, TASKS_BACKEND="database")
class HealthzTests(TestCase):
    def setUp(self) -> None:
        Heartbeat.beat(SCHEDULER_HEARTBEAT, timezone.now())  # the scheduler has just run

    def get(self, query: str = "") -> Any:
        response = self.client.get("/healthz" + query)
        return response.status_code, response.json()

    def test_it_answers_200_with_each_part_and_its_state(self) -> None:
        status, body = self.get()
        self.assertEqual(status, 200)
        self.assertEqual(body["status"], "ok")
        self.assertEqual(list(body["checks"]), ["database", "queue", "storage", "scheduler"])
        self.assertTrue(all(part["status"] == "ok" for part in body["checks"].values()))
        self.assertEqual(body["checks"]["queue"]["backend"], "database")
        self.assertNotIn("failing", body)

    def test_it_names_the_database_when_it_cannot_be_reached(self) -> None:
        error = OperationalError('connection to "db.internal" failed: password=rahasia')
        with mock.patch("satudata.core.health.connection.cursor", side_effect=error):
            response = self.client.get("/healthz?check=database")
        self.assertEqual(response.status_code, 503)
        body = response.json()
        self.assertEqual(body["failing"], ["database"])
        self.assertEqual(body["checks"]["database"]["error"], "OperationalError")
        self.assertNotIn(b"rahasia", response.content)
        self.assertNotIn(b"db.internal", response.content)

    def test_it_fails_the_scheduler_when_its_last_tick_is_stale(self) -> None:
        Heartbeat.beat(SCHEDULER_HEARTBEAT, timezone.now() - dt.timedelta(minutes=6))
        status, body = self.get()
        self.assertEqual(status, 503)
        self.assertEqual(body["failing"], ["scheduler"])
        self.assertGreaterEqual(body["checks"]["scheduler"]["age_seconds"], 360)
        self.assertIn("+07:00", body["checks"]["scheduler"]["last_tick"])

    def test_it_fails_the_scheduler_that_never_ran(self) -> None:
        Heartbeat.objects.all().delete()
        status, body = self.get()
        self.assertEqual((status, body["failing"]), (503, ["scheduler"]))
        self.assertEqual(body["checks"]["scheduler"]["error"], "never ran")

    def test_each_tick_moves_the_scheduler_heartbeat(self) -> None:
        Heartbeat.beat(SCHEDULER_HEARTBEAT, timezone.now() - dt.timedelta(hours=1))
        self.assertEqual(self.get("?check=scheduler")[0], 503)
        tick()
        self.assertEqual(self.get("?check=scheduler")[0], 200)

    def test_it_fails_the_queue_when_the_oldest_task_waited_too_long(self) -> None:
        send_due_reminders.enqueue()
        self.assertEqual(self.get()[0], 200)
        DBTaskResult.objects.update(enqueued_at=timezone.now() - dt.timedelta(minutes=10))
        status, body = self.get()
        self.assertEqual(status, 503)
        self.assertEqual(body["failing"], ["queue"])
        self.assertEqual(body["checks"]["queue"]["waiting"], 1)
        self.assertGreaterEqual(body["checks"]["queue"]["oldest_wait_seconds"], 600)

    def test_a_task_held_back_until_later_is_not_waiting(self) -> None:
        send_due_reminders.using(run_after=timezone.now() + dt.timedelta(hours=1)).enqueue()
        DBTaskResult.objects.update(enqueued_at=timezone.now() - dt.timedelta(hours=2))
        status, body = self.get()
        self.assertEqual((status, body["checks"]["queue"]["waiting"]), (200, 0))

    @override_settings(HEALTH_QUEUE_MAX_WAIT_SECONDS=3600)
    def test_the_queue_threshold_is_configurable(self) -> None:
        send_due_reminders.enqueue()
        DBTaskResult.objects.update(enqueued_at=timezone.now() - dt.timedelta(minutes=10))
        self.assertEqual(self.get()[0], 200)

    def test_it_names_the_storage_when_a_file_cannot_be_written(self) -> None:
        with mock.patch.object(default_storage, "save", side_effect=OSError("disk full")):
            status, body = self.get()
        self.assertEqual(status, 503)
        self.assertEqual(body["failing"], ["storage"])
        self.assertEqual(body["checks"]["storage"]["error"], "OSError")

    def test_the_storage_check_leaves_no_file_behind(self) -> None:
        self.get("?check=storage")
        self.assertEqual(default_storage.listdir("healthz")[1], [])

    def test_it_names_every_failing_part_and_never_answers_500(self) -> None:
        with (
            mock.patch("satudata.core.health.connection.cursor", side_effect=OperationalError),
            mock.patch.object(default_storage, "save", side_effect=RuntimeError),
            mock.patch("satudata.core.health.queue_state", side_effect=ValueError),
            mock.patch("satudata.core.health.Heartbeat.objects.filter", side_effect=KeyError),
        ):
            status, body = self.get()
        self.assertEqual(status, 503)
        self.assertEqual(body["failing"], ["database", "queue", "storage", "scheduler"])

    def test_a_load_balancer_can_ask_for_some_parts_only(self) -> None:
        Heartbeat.objects.all().delete()
        status, body = self.get("?check=database,storage")
        self.assertEqual(status, 200)
        self.assertEqual(list(body["checks"]), ["database", "storage"])

    def test_it_answers_get_and_head_only(self) -> None:
        self.assertEqual(self.client.head("/healthz").status_code, 200)
        self.assertEqual(self.client.post("/healthz").status_code, 405)

    def test_an_unknown_part_is_a_400_in_json(self) -> None:
        status, body = self.get("?check=database," + "x" * 500)
        self.assertEqual(status, 400)
        self.assertEqual(body["known"], ["database", "queue", "storage", "scheduler"])
        self.assertLessEqual(len(body["unknown"][0]), 40)

    def test_a_nul_character_is_refused_in_json_before_the_checks(self) -> None:
        status, body = self.get("?check=database,%00")
        self.assertEqual(status, 400)
        self.assertEqual(body["error"]["code"], "invalid")


@unittest.skipUnless(shutil.which("redis-server"), "redis-server is not installed")
class RedisQueueHealthTests(TestCase):
    def setUp(self) -> None:
        Heartbeat.beat(SCHEDULER_HEARTBEAT, timezone.now())

    def test_it_reads_the_age_of_the_oldest_job_on_the_rq_queue(self) -> None:
        with (
            redis_server() as url,
            self.settings(TASKS_BACKEND="rq", RQ_QUEUES={"default": {"URL": url}}),
        ):
            queue = Queue("default", connection=Redis.from_url(url))
            job = queue.enqueue("builtins.print", "x")
            response = self.client.get("/healthz?check=queue")
            self.assertEqual(response.status_code, 200, response.content)
            self.assertEqual(response.json()["checks"]["queue"]["waiting"], 1)
            job.enqueued_at = timezone.now() - dt.timedelta(minutes=10)
            job.save()
            response = self.client.get("/healthz?check=queue")
        self.assertEqual(response.status_code, 503)
        queue_part = response.json()["checks"]["queue"]
        self.assertEqual((queue_part["backend"], queue_part["waiting"]), ("rq", 1))
        self.assertGreaterEqual(queue_part["oldest_wait_seconds"], 600)

    def test_a_redis_that_is_down_fails_the_queue_quickly(self) -> None:
        url = f"redis://127.0.0.1:{_free_port()}/0"
        with self.settings(TASKS_BACKEND="rq", RQ_QUEUES={"default": {"URL": url}}):
            started = time.monotonic()
            response = self.client.get("/healthz")
        self.assertLess(time.monotonic() - started, 5)
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["failing"], ["queue"])
        self.assertEqual(response.json()["checks"]["queue"]["error"], "ConnectionError")
