"""Work the worker does for publications: making them again when their data change."""

from __future__ import annotations

from django_tasks import task

from satudata.products.publications import regenerate_publications


@task()
def regenerate_stale_publications() -> int:
    """A new version of every publication that reads a dataset with a newer released version
    (every 15 minutes, so a release scheduled for a later time is caught once it is out)."""
    return len(regenerate_publications())
