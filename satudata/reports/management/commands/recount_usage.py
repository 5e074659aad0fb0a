from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from satudata.reports import counts


class Command(BaseCommand):
    help = (
        "Rebuild each dataset's view and download totals (shown on its page and in search "
        "results) from the usage events."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        found = counts.recount()
        self.stdout.write(f"Jumlah dilihat dan diunduh dihitung ulang untuk {found} dataset.")
