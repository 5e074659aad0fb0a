from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from satudata.catalog.search import reindex_all


class Command(BaseCommand):
    help = "Rebuild the full-text search entries of every dataset."

    def handle(self, *args: Any, **options: Any) -> None:
        count = reindex_all()
        self.stdout.write(f"{count} datasets indexed.")
