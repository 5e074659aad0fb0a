from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


class Stopped(Exception):
    """SIGTERM or SIGHUP reached this process (a supervisor, `kill`, a closed terminal)."""


def _stop(signum: int, frame: FrameType | None) -> None:
    raise Stopped(signal.Signals(signum).name)


def describe_exit(code: int) -> str:
    """An exit code as people read it: a number, or the signal that ended the process."""
    if code < 0:
        return f"{code} ({signal.Signals(-code).name})"
    return str(code)


class Command(BaseCommand):
    help = (
        "Development: run the web server and the task worker together. Ctrl-C or SIGTERM stops "
        "both; if one of them dies the other is stopped too, and which one died is said."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        # Fixed argument lists of this project's own commands; nothing comes from a user.
        commands = {
            "server web (runserver)": [sys.executable, manage, "runserver", options["addrport"]],
            "worker (run_worker)": [sys.executable, manage, "run_worker"],
        }
        # Without these handlers SIGTERM would end this process alone and leave both running.
        for signum in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, _stop)
        children = {name: subprocess.Popen(command) for name, command in commands.items()}  # noqa: S603
        self.stdout.write(
            "; ".join(f"{name}: pid {child.pid}" for name, child in children.items()), ending="\n"
        )
        self.stdout.flush()
        code = 0
        try:
            code = self._watch(children)
        except (KeyboardInterrupt, Stopped):
            self.stdout.write("\nMenghentikan server web dan worker…")
        finally:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM must not cut this
            self._stop_all(children)
        if code:
            sys.exit(code)

    def _watch(self, children: dict[str, subprocess.Popen[bytes]]) -> int:
        """Wait until one child ends; say which and how; the exit code for this process."""
        while True:
            for name, child in children.items():
                returned = child.poll()
                if returned is not None:
                    self.stderr.write(
                        f"{name} (pid {child.pid}) berhenti dengan kode "
                        f"{describe_exit(returned)}; menghentikan yang lain."
                    )
                    return returned if returned > 0 else 1
            time.sleep(0.5)

    def _stop_all(self, children: dict[str, subprocess.Popen[bytes]]) -> None:
        for child in children.values():
            if child.poll() is None:
                child.terminate()
        for name, child in children.items():
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.stderr.write(f"{name} (pid {child.pid}) tidak berhenti; dihentikan paksa.")
                child.kill()
                child.wait()
