from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from satudata.catalog.models import Dataset, DatasetVersion
from satudata.catalog.search import reindex_all
from satudata.catalog.sinkronisasi.services import cover_regions


class Command(BaseCommand):
    help = (
        "Rebuild the full-text search entries of every dataset, when each becomes public (what "
        "the visibility gate reads) and the regions each version covers (after an upgrade, or "
        "to repair any of them)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = reindex_all()
        self.stdout.write(f"{count} datasets indexed.")
        Dataset.objects.all().refresh_public_from()
        Dataset.objects.all().refresh_release_times()
        self.stdout.write("Publication times read again from the versions.")
        versions = 0
        for version in DatasetVersion.objects.iterator():
            cover_regions(version)
            versions += 1
        self.stdout.write(f"{versions} versions' regions recorded.")
