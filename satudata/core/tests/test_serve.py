"""`manage.py serve` (web server and worker together) stops both on SIGTERM, and says which
one died when one does."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.test import TransactionTestCase

from satudata.core.testing_engines import ROOT, child_env, free_port


def _alive(pid: int) -> bool:
    """Whether ``pid`` still runs (a zombie nobody reaped yet does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _wait(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return True
        time.sleep(0.2)
    return False


class ServeTests(TransactionTestCase):
    def _serve(self) -> tuple[subprocess.Popen[str], dict[str, int], int]:
        port = free_port()
        serve = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "serve", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=child_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.addCleanup(serve.kill)  # harmless once it has ended
        assert serve.stdout is not None
        first = (
            serve.stdout.readline()
        )  # "server web (runserver): pid 1; worker (run_worker): pid 2"
        pids = {part.split(" (")[0]: int(part.rsplit(" ", 1)[1]) for part in first.split("; ")}
        self.assertEqual(set(pids), {"server web", "worker"}, first)
        self.assertTrue(_wait(lambda: _listening(port), 60), "the web server did not start")
        return serve, pids, port

    def test_sigterm_stops_the_web_server_and_the_worker(self) -> None:
        serve, pids, port = self._serve()

        serve.send_signal(signal.SIGTERM)

        self.assertEqual(serve.wait(timeout=30), 0)
        self.assertTrue(_wait(lambda: not any(_alive(pid) for pid in pids.values()), 10))
        self.assertTrue(_wait(lambda: not _listening(port), 10), "the web server still answers")

    def test_it_says_when_the_worker_dies_and_stops_the_web_server(self) -> None:
        serve, pids, port = self._serve()

        os.kill(pids["worker"], signal.SIGKILL)

        self.assertEqual(serve.wait(timeout=30), 1)
        assert serve.stderr is not None
        said = serve.stderr.read()
        self.assertIn(f"worker (run_worker) (pid {pids['worker']}) berhenti", said)
        self.assertIn("-9 (SIGKILL)", said)
        self.assertTrue(_wait(lambda: not _alive(pids["server web"]), 10))
        self.assertTrue(_wait(lambda: not _listening(port), 10), "the web server still answers")
