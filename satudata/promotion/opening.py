"""The SOP's activity-4 task of a release: opened when the release is scheduled (or released at
once), due the step's time standard (2 working days) after the release time, since promotion
starts when the data is out. The promotion plan's page finishes it (``plan``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction

from satudata.releases.models import Release

STEP = "promosi"


def open_promotion_task(release: Release, actor: Any) -> None:
    """Open (or keep) the release's promotion task, starting at its release time."""
    from satudata.sop.models import SopTask
    from satudata.sop.services import open_task

    if release.release_at is None:
        return
    task = open_task(
        actor=actor,
        step=STEP,
        title=f"Promosi: {release.title}",
        subject=release,
        agency=release.agency,
        start_at=release.release_at,
    )
    from satudata.sop.services import current_step
    from satudata.sop.workdays import due_at

    due = due_at(release.release_at, current_step(STEP).effective_working_days)
    if task.due_at != due:  # rescheduled: promotion starts at the new release time
        SopTask.objects.filter(pk=task.pk).update(due_at=due)


def on_release_scheduled(sender: Any, release: Release, actor: Any, **kwargs: Any) -> None:
    """Open the promotion task, and have the worker make the share kit (cards and press
    release) once the scheduling commits, so the staff can prepare their posts before the
    release time (the kit stays under the release's embargo)."""
    open_promotion_task(release, actor)
    if settings.PROMOTION_SHARE_ON_SCHEDULE:
        from satudata.promotion.sharekit import make_share_kit_task

        release_id = release.pk
        transaction.on_commit(lambda: make_share_kit_task.enqueue(release_id))
