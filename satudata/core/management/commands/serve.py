from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Development: run the web server and the task worker together; Ctrl-C stops both."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        # Fixed argument lists of this project's own commands; nothing comes from a user.
        commands = [
            [sys.executable, manage, "runserver", options["addrport"]],
            [sys.executable, manage, "run_worker"],
        ]
        children = [subprocess.Popen(command) for command in commands]  # noqa: S603
        code = 0
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
            code = next(child.returncode for child in children if child.poll() is not None)
            self.stderr.write("Satu proses berhenti; menghentikan yang lain.")
        except KeyboardInterrupt:
            self.stdout.write("\nMenghentikan server web dan worker…")
        finally:
            for child in children:
                if child.poll() is None:
                    child.terminate()
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
        if code:
            sys.exit(code)
