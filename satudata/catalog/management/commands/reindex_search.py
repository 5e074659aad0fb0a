from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from satudata.catalog.models import DatasetVersion
from satudata.catalog.search import reindex_all
from satudata.catalog.services import cover_regions


class Command(BaseCommand):
    help = (
        "Rebuild the full-text search entries of every dataset and the regions each version "
        "covers (after an upgrade, or to repair either)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = reindex_all()
        self.stdout.write(f"{count} datasets indexed.")
        versions = 0
        for version in DatasetVersion.objects.iterator():
            cover_regions(version)
            versions += 1
        self.stdout.write(f"{versions} versions' regions recorded.")
