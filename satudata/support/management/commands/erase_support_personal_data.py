"""Erase requesters' and visitors' personal data past SUPPORT_RETENTION_DAYS (the periodic job
``support-retention`` does this daily; the command is for an operator who wants it now)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from satudata.support import retention


class Command(BaseCommand):
    help = "Erase personal data of tickets and guest-book entries past the retention period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count what would be erased."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["dry_run"]:
            tickets, guests = retention.expired()
            self.stdout.write(f"Akan dihapus: {tickets} tiket, {guests} entri buku tamu.")
            return
        changed = retention.erase_expired()
        self.stdout.write(f"Data pribadi dihapus dari {changed} catatan.")
