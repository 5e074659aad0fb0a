from __future__ import annotations

import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

from satudata.core.logformat import JsonFormatter, TextFormatter, logging_config

ROOT = Path(settings.BASE_DIR)
# 2026-03-02 09:10:00.250 UTC, which is 16:10 in WIB.
CREATED = 1772442600.25
WIB_STAMP = "2026-03-02T16:10:00.250+07:00"


def record(
    name: str = "satudata.catalog", msg: str = "Upload %s checked", args: object = (7,)
) -> logging.LogRecord:
    made = logging.LogRecord(name, logging.INFO, __file__, 1, msg, args, None)  # type: ignore[arg-type]
    made.created = CREATED
    return made


class LogFormatTests(SimpleTestCase):
    def test_a_text_line_is_stamped_in_wib_with_its_offset(self) -> None:
        line = TextFormatter(zone="Asia/Jakarta").format(record())
        self.assertEqual(line, f"{WIB_STAMP} INFO satudata.catalog Upload 7 checked")

    def test_the_stamp_does_not_depend_on_the_process_time_zone(self) -> None:
        script = (
            "import logging, sys; from satudata.core.logformat import TextFormatter; "
            "r = logging.LogRecord('x', 20, '', 1, 'm', None, None); r.created = 1772442600.25; "
            "sys.stdout.write(TextFormatter().format(r))"
        )
        for zone in ("UTC", "America/New_York"):
            done = subprocess.run(
                [sys.executable, "-c", script],
                cwd=ROOT,
                env={**os.environ, "TZ": zone},
                capture_output=True,
                text=True,
                check=True,
            )
            self.assertTrue(done.stdout.startswith(WIB_STAMP), done.stdout)

    def test_a_json_line_holds_time_level_logger_and_message(self) -> None:
        entry = json.loads(JsonFormatter(zone="Asia/Jakarta").format(record()))
        self.assertEqual(entry["time"], WIB_STAMP)
        self.assertEqual(
            (entry["level"], entry["logger"], entry["message"]),
            ("INFO", "satudata.catalog", "Upload 7 checked"),
        )

    def test_a_json_line_keeps_the_traceback(self) -> None:
        try:
            raise ValueError("kolom tidak dikenal")
        except ValueError:
            failed = record()
            failed.exc_info = sys.exc_info()
        entry = json.loads(JsonFormatter().format(failed))
        self.assertIn("ValueError: kolom tidak dikenal", entry["exception"])
        self.assertNotIn("\n", JsonFormatter().format(failed))

    def test_a_json_access_line_names_the_request_fields(self) -> None:
        atoms = {"h": "10.0.0.5", "r": "GET /healthz HTTP/1.1", "s": "200", "M": "3", "b": "69"}
        access = record("gunicorn.access", '%(h)s "%(r)s" %(s)s', atoms)
        entry = json.loads(JsonFormatter().format(access))
        self.assertEqual(entry["message"], '10.0.0.5 "GET /healthz HTTP/1.1" 200')
        self.assertEqual(
            (entry["remote"], entry["status"], entry["duration_ms"]), ("10.0.0.5", "200", "3")
        )

    def test_django_uses_the_format_the_environment_chooses(self) -> None:
        self.assertIs(type(logging.getLogger().handlers[0].formatter), TextFormatter)
        config = logging_config(log_format="json", level="INFO", zone="Asia/Jakarta")
        self.assertTrue(config["formatters"]["line"]["()"].endswith("JsonFormatter"))

    def test_a_wrong_log_format_stops_the_start(self) -> None:
        done = subprocess.run(
            [sys.executable, "manage.py", "check"],
            cwd=ROOT,
            env={**os.environ, "LOG_FORMAT": "xml"},
            capture_output=True,
            text=True,
            check=False,
        )
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("LOG_FORMAT must be 'text' or 'json'", done.stderr)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class GunicornLogTests(SimpleTestCase):
    """The documented gunicorn command writes its own lines and the access log in the format
    Django writes, stamped in WIB."""

    def serve(self, log_format: str) -> list[str]:
        port = _free_port()
        with tempfile.TemporaryDirectory() as folder:
            env = {**os.environ, "DATA_DIR": folder, "LOG_FORMAT": log_format, "TZ": "UTC"}
            server = subprocess.Popen(
                [
                    str(Path(sys.executable).parent / "gunicorn"),
                    "config.wsgi",
                    "--config",
                    "config/gunicorn.py",
                    "--workers",
                    "1",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--access-logfile",
                    "-",
                    # Its own control socket, so that two test processes never share one.
                    "--control-socket",
                    f"{folder}/gunicorn.ctl",
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            try:
                self.wait_and_get(f"http://127.0.0.1:{port}/healthz?check=storage")
            finally:
                server.send_signal(signal.SIGTERM)
                output, _ = server.communicate(timeout=30)
        return [line for line in output.splitlines() if line.strip()]

    def wait_and_get(self, url: str) -> None:
        deadline = time.monotonic() + 60
        while True:
            try:
                # A connection accepted while the worker still boots waits in the backlog: a short
                # time-out would ask twice and log two access lines.
                urllib.request.urlopen(url, timeout=30).read()  # noqa: S310
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def test_every_gunicorn_line_is_in_the_text_format_with_a_wib_stamp(self) -> None:
        lines = self.serve("text")
        stamp = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+07:00"
        pattern = re.compile(stamp + r" (DEBUG|INFO|WARNING|ERROR|CRITICAL) [\w.]+ ")
        self.assertTrue(lines)
        self.assertEqual([line for line in lines if not pattern.match(line)], [])
        access = [line for line in lines if " gunicorn.access " in line]
        self.assertEqual(len(access), 1, lines)
        self.assertRegex(
            access[0], r'127\.0\.0\.1 "GET /healthz\?check=storage HTTP/1\.1" 200 \d+ \d+ms'
        )

    def test_with_json_every_gunicorn_line_is_one_object(self) -> None:
        entries = [json.loads(line) for line in self.serve("json")]
        access = [entry for entry in entries if entry["logger"] == "gunicorn.access"]
        self.assertEqual(len(access), 1)
        self.assertEqual((access[0]["status"], access[0]["remote"]), ("200", "127.0.0.1"))
        self.assertTrue(all(entry["time"].endswith("+07:00") for entry in entries))
