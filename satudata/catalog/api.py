"""Machine channel for producers: send a table with a personal token and get the report back.

``POST /api/v1/item-data/<id>/unggahan`` with ``Authorization: Bearer <token>`` (scope
``write``) and the file in the multipart field ``file``. The answer is the synchronisation report
as JSON; 201 when a new version was stored, 422 when the upload was kept but not synchronised,
202 while the worker is still checking it (a large file): then poll ``GET /api/v1/unggahan/<id>``
(the ``Location`` header) with the same token until the status is final.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from satudata.accounts.permissions import acts_for_agency
from satudata.accounts.roles import TokenScope
from satudata.accounts.services import authenticate_token
from satudata.catalog import services
from satudata.catalog.models import DataItem, DatasetVersion, Upload, UploadStatus
from satudata.core.http import json_error, not_authenticated


def upload_report(upload: Upload) -> dict[str, Any]:
    version = DatasetVersion.objects.filter(upload=upload).first()
    return {
        "upload": upload.pk,
        "url": reverse("catalog:api-upload", args=[upload.pk]),
        "dataset": upload.dataset.slug,
        "filename": upload.filename,
        "status": upload.status,
        "progress": upload.progress,
        "rows_read": upload.row_count,
        "notices": upload.notices,
        "errors": upload.error_count,
        "warnings": upload.warning_count,
        "version": version.number if version else None,
        "rows": version.row_count if version else None,
        "findings": upload.findings,
    }


@csrf_exempt  # token-authenticated, no cookies involved
@require_POST
def item_upload(request: HttpRequest, pk: int) -> JsonResponse:
    token = authenticate_token(request)
    if token is None:
        return not_authenticated()
    if not token.has_scope(TokenScope.WRITE):
        return json_error(
            403, "scope", _("This token may only read; create one with the write scope.")
        )
    item = get_object_or_404(DataItem.objects.select_related("agency", "data_list"), pk=pk)
    if not acts_for_agency(token.user, item.agency):
        return json_error(403, "forbidden", _("Your account does not act for this item's agency."))
    upload_file = request.FILES.get("file")
    if upload_file is None:
        return json_error(400, "no_file", _("Send the table in the multipart form field 'file'."))
    dataset = services.create_dataset(actor=token.user, item=item)
    try:
        upload = services.receive_upload(
            actor=token.user,
            dataset=dataset,
            filename=upload_file.name or "upload",
            chunks=upload_file.chunks(),
        )
    except services.UploadRefused as refused:
        return json_error(400, "refused", str(refused))
    upload.refresh_from_db()
    return _report_response(upload)


def _report_response(upload: Upload) -> JsonResponse:
    """201 when stored, 422 when not synchronised, 202 while the worker is still checking."""
    status = {UploadStatus.SYNCHRONISED: 201, UploadStatus.REJECTED: 422}.get(
        UploadStatus(upload.status), 202
    )
    response = JsonResponse(upload_report(upload), status=status)
    if status == 202:
        response["Location"] = reverse("catalog:api-upload", args=[upload.pk])
    return response


@require_GET
def upload_detail(request: HttpRequest, pk: int) -> JsonResponse:
    """An upload's check: poll it after a 202 until the status is final."""
    token = authenticate_token(request)
    if token is None:
        return not_authenticated()
    upload = get_object_or_404(Upload.objects.select_related("dataset__agency"), pk=pk)
    if not acts_for_agency(token.user, upload.dataset.agency):
        return json_error(
            403, "forbidden", _("Your account does not act for this upload's agency.")
        )
    return _report_response(upload)
