"""Background work of the usage figures (Django Tasks API), run by the scheduler."""

from __future__ import annotations

from django_tasks import task


@task()
def rollup_usage() -> int:
    """Roll up the usage days not yet rolled as complete (today again each run)."""
    from satudata.reports.rollups import roll_pending

    return len(roll_pending())


@task()
def delete_expired_usage() -> int:
    """Delete raw usage events older than ``USAGE_RAW_RETENTION_DAYS`` of rolled-up days."""
    from satudata.reports.retention import delete_expired

    return delete_expired()
