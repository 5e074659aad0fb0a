"""Take requesters' e-mailed replies into their tickets from a Maildir or an mbox file (the
periodic job ``support-inbound`` reads ``SUPPORT_INBOUND_MAILDIR`` by itself; this command is
for an operator importing a mailbox by hand). See ``satudata.support.inbound``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from satudata.support import inbound


class Command(BaseCommand):
    help = "Read e-mailed replies to tickets from a Maildir folder or an mbox file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="A Maildir folder (with new/ and cur/) or an mbox file.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if (path / "new").is_dir() and (path / "cur").is_dir():
            summary = inbound.read_maildir(path)
        elif path.is_file():
            summary = inbound.read_mbox(path)
        else:
            raise CommandError(
                f"{path} bukan folder Maildir (dengan new/ dan cur/) maupun berkas mbox."
            )
        self.stdout.write(
            f"Diterima {summary.taken}, sudah ada {summary.duplicate}, ditolak "
            f"{summary.refused}, gagal dibaca {summary.failed}."
        )
        if summary.failed:
            raise CommandError("Sebagian surat gagal dibaca; lihat log (bertanda F di Maildir).")
