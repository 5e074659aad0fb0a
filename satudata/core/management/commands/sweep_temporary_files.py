from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from satudata.core.recovery import sweep_temporary_files, temporary_folders


class Command(BaseCommand):
    help = (
        "Remove temporary files that killed processes left (uploads, check workspaces) older "
        "than TEMP_MAX_AGE_HOURS. The scheduler does it every 15 minutes on the worker's "
        "machine; run this from cron on web machines that have no worker."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        removed = sweep_temporary_files()
        folders = ", ".join(str(folder) for folder, _prefix in temporary_folders())
        self.stdout.write(f"{len(removed)} berkas sementara dihapus dari {folders}.")
