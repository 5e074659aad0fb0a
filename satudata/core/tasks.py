"""Periodic upkeep the scheduler queues: recovering what killed processes left behind."""

from __future__ import annotations

from django_tasks import task

from satudata.core.recovery import fail_stale_tasks, sweep_temporary_files


@task()
def recover_interrupted_tasks() -> dict[str, int]:
    """Fail tasks whose worker was killed; remove temporary files of killed processes."""
    return {"failed": fail_stale_tasks(), "removed": len(sweep_temporary_files())}
