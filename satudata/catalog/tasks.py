"""Work the worker does for SOP activity 1: checking an upload, however long it takes."""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _
from django_tasks import task

from satudata.accounts.models import User
from satudata.catalog.models import Upload, UploadStatus

logger = logging.getLogger(__name__)


@task()
def check_upload(upload_pk: int, actor_pk: int) -> str:
    """Synchronise one upload. A failure is written on the upload, never lost, and the worker
    goes on with the next task."""
    from satudata.catalog.services import synchronise_upload

    upload = Upload.objects.select_related("dataset", "dataset__agency").get(pk=upload_pk)
    if upload.status not in (UploadStatus.CHECKING, UploadStatus.RECEIVED):
        return upload.status
    actor = User.objects.get(pk=actor_pk)
    try:
        return synchronise_upload(actor=actor, upload=upload).status
    except Exception:
        logger.exception("Checking upload %s failed", upload_pk)
        Upload.objects.filter(pk=upload_pk).update(
            status=UploadStatus.REJECTED,
            error_count=1,
            progress={},
            findings=[
                {
                    "severity": "error",
                    "sheet": "",
                    "row": None,
                    "column": "",
                    "value": "",
                    "message": _(
                        "The check stopped on an unexpected error. The file is kept: check it "
                        "again later, or send it to the Walidata."
                    ),
                    "suggestion": "",
                }
            ],
        )
        return UploadStatus.REJECTED
