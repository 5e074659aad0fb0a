from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from satudata.core.scheduler import tick


class Command(BaseCommand):
    help = "Enqueue periodic jobs (SOP reminders and the like) on time. Runs until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=30.0, help="Seconds between checks.")
        parser.add_argument("--once", action="store_true", help="Check once, then exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            close_old_connections()
            for name in tick():
                self.stdout.write(f"enqueued {name}")
            if options["once"]:
                return
            time.sleep(options["interval"])
