"""Writes with a token: describing a dataset, publishing a version, uploading a file, and who
the token is."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from satudata.accounts.models import ApiToken
from satudata.accounts.permissions import acts_for_agency, can
from satudata.accounts.roles import Capability
from satudata.api.rest.base import ApiError, ErrorOut, api, token_auth, writer
from satudata.api.rest.datasets import Number, dataset_of, get_dataset, version_of
from satudata.api.rest.datasets import router as datasets_router
from satudata.api.rest.shapes import DatasetDetail, VersionOut, version_out
from satudata.catalog import services
from satudata.catalog.forms import read_limits
from satudata.catalog.metadata.spec import Invalid
from satudata.catalog.models import (
    DataItem,
    Dataset,
    DatasetVersion,
    License,
    Topic,
    Upload,
    UploadStatus,
    Variable,
)
from satudata.catalog.sinkronisasi import services as sinkronisasi

router = Router()

# --- writes -----------------------------------------------------------------------------------


class DatasetChange(Schema):
    title: str | None = Field(None, min_length=3, max_length=300)
    description: str | None = Field(None, max_length=20_000)
    sector: str | None = None
    license_id: License | None = None
    tags: list[Annotated[str, Field(min_length=1, max_length=60)]] | None = Field(
        None, max_length=30
    )
    topics: list[str] | None = Field(None, max_length=20, description="Topic names.")
    key_variables: list[Annotated[str, Field(min_length=1, max_length=200)]] | None = Field(
        None,
        max_length=50,
        description="The variables (MS-Var names or aliases of the dataset's agency) that "
        "identify a row; the next upload is checked for rows sharing them. [] declares none.",
    )
    limits: str | None = Field(
        None,
        max_length=20_000,
        description="This table's own limits, one line per variable: `Variable: rule; rule` "
        "in the words of the MS-Var form (e.g. `Jumlah: Nilai antara 0 dan 500`, "
        "`Keterangan: Tidak wajib`). An empty text removes them.",
    )


# On the datasets router: ninja joins the methods of one path only within a router, so a PATCH
# on another router's copy of the path would meet the GET's 405.
@datasets_router.patch(
    "/datasets/{key}",
    response={200: DatasetDetail, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    tags=["datasets"],
    auth=token_auth,
)
def change_dataset(request: HttpRequest, key: str, change: DatasetChange) -> dict:
    """Change what the portal says about a dataset (its producing agency or the Walidata)."""
    token = writer(request)
    dataset = dataset_of(request, key)
    if not acts_for_agency(token.user, dataset.agency):
        raise ApiError(403, "forbidden", _("Your account does not act for this dataset's agency."))
    sectors = dict(Dataset._meta.get_field("sector").choices or [])
    if change.sector not in (None, "") and change.sector not in sectors:
        raise ApiError(
            400,
            "invalid",
            _("Unknown sector; use one of the BPS sector codes."),
            [{"field": "sector", "message": ", ".join(sorted(map(str, sectors)))}],
        )
    topics = list(dataset.topics.all())
    if change.topics is not None:
        topics = list(Topic.objects.filter(slug__in=change.topics))
        unknown = set(change.topics) - {t.slug for t in topics}
        if unknown:
            raise ApiError(
                400,
                "invalid",
                _("Unknown topics: %(names)s.") % {"names": ", ".join(sorted(unknown))},
                [{"field": "topics", "message": ", ".join(sorted(unknown))}],
            )
    variables = list(Variable.objects.filter(agency_id=dataset.agency_id))
    keys = None
    if change.key_variables is not None:
        keys = [_variable_named(variables, name) for name in change.key_variables]
    overrides = None
    if change.limits is not None:
        try:
            overrides = read_limits(change.limits, variables)
        except Invalid as error:
            raise ApiError(
                400, "invalid", str(error), [{"field": "limits", "message": str(error)}]
            ) from None
    services.describe_dataset(
        actor=token.user,
        dataset=dataset,
        title=change.title if change.title is not None else dataset.title,
        description=change.description if change.description is not None else dataset.description,
        sector=change.sector if change.sector is not None else dataset.sector,
        license_id=change.license_id or dataset.license_id,
        tags=change.tags if change.tags is not None else [t.name for t in dataset.tags.all()],
        topics=topics,
        key_variables=keys,
        rule_overrides=overrides,
    )
    return get_dataset(request, str(dataset.uuid))


def _label(text: str) -> str:
    return " ".join(text.split()).casefold()


def _variable_named(variables: list[Variable], name: str) -> Variable:
    """The variable of this name, or else of this alias; a 400 naming the field when there is
    none or when the alias is shared."""
    for kind in ("name", "alias"):
        found = [v for v in variables if _label(getattr(v, kind)) == _label(name)]
        if len(found) == 1 or (found and kind == "name"):
            return found[0]
        if found:
            message = _("“%(name)s” is the alias of several variables: %(names)s.") % {
                "name": name,
                "names": ", ".join(v.name for v in found),
            }
            raise ApiError(
                400, "invalid", message, [{"field": "key_variables", "message": message}]
            )
    message = _("Not variables of this agency: %(names)s.") % {"names": name}
    raise ApiError(400, "invalid", message, [{"field": "key_variables", "message": message}])


class PublishIn(Schema):
    reason: str = Field(
        min_length=1, description="Why the version goes out now, not on an announced date."
    )


@router.post(
    "/datasets/{key}/versions/{number}/publish",
    response={200: VersionOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    tags=["datasets"],
    auth=token_auth,
)
def publish(request: HttpRequest, key: str, number: Number, body: PublishIn) -> dict:
    """Release a synchronised version now, outside the release calendar (the Kepala Bidang,
    with the reason the calendar shows). Scheduled releases go through the release workflow."""
    from satudata.releases.services import ReleaseRefused, release_at_once

    token = writer(request)
    if not can(token.user, Capability.APPROVE_RELEASES):
        raise ApiError(403, "forbidden", _("Only the Kepala Bidang publishes data."))
    dataset = dataset_of(request, key)
    version = version_of(request, dataset, number)
    try:
        release_at_once(actor=token.user, content=version, reason=body.reason)
    except ReleaseRefused as error:
        raise ApiError(409, "conflict", str(error)) from None
    version.refresh_from_db()
    return version_out(request, dataset, version)


class UploadOut(Schema):
    upload: int
    url: str
    dataset: str
    filename: str
    status: str
    progress: dict[str, Any]
    rows_read: int | None
    notices: list[Any]
    errors: int
    warnings: int
    version: int | None
    rows: int | None
    findings: list[Any]
    # Per column: {"count", "markers": [{"marker", "count"}], "places": [{"sheet", "row"}]}.
    missing: dict[str, Any]
    sheets_read: list[str]


def upload_report(upload: Upload) -> dict[str, Any]:
    version = DatasetVersion.objects.filter(upload=upload).first()
    return {
        "upload": upload.pk,
        "url": reverse("api-v1:upload", kwargs={"pk": upload.pk}),
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
        "missing": {m.pop("column"): m for m in upload.missing_by_column()},
        "sheets_read": upload.read_sheets or ([upload.sheet] if upload.sheet else []),
    }


def _report(request: HttpRequest, upload: Upload) -> HttpResponse:
    """201 when stored, 422 when not synchronised, 202 while the worker is still checking."""
    status = {UploadStatus.SYNCHRONISED: 201, UploadStatus.REJECTED: 422}.get(
        UploadStatus(upload.status), 202
    )
    response: HttpResponse = api.create_response(request, upload_report(upload), status=status)
    if status == 202:
        response["Location"] = reverse("api-v1:upload", kwargs={"pk": upload.pk})
    return response


@router.post(
    "/item-data/{pk}/unggahan",
    response={
        201: UploadOut,
        202: UploadOut,
        422: UploadOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        503: ErrorOut,
    },
    tags=["uploads"],
    auth=token_auth,
    url_name="item-upload",
)
def item_upload(request: HttpRequest, pk: Number, file: File[UploadedFile]) -> HttpResponse:
    """Send a Daftar Data item's table (CSV or Excel, multipart field ``file``). The answer is
    the synchronisation report: 201 stored as a new version, 422 kept but not synchronised,
    202 still being checked (poll the ``Location``); 503 with ``Retry-After`` when the checking
    queue is down (nothing was saved: send again)."""
    token = writer(request)
    item = get_object_or_404(DataItem.objects.select_related("agency", "data_list"), pk=pk)
    if not acts_for_agency(token.user, item.agency):
        raise ApiError(403, "forbidden", _("Your account does not act for this item's agency."))
    dataset = services.create_dataset(actor=token.user, item=item)
    try:
        upload = sinkronisasi.receive_upload(
            actor=token.user, dataset=dataset, filename=file.name or "upload", chunks=file.chunks()
        )
    except sinkronisasi.UploadRefused as refused:
        raise ApiError(400, "refused", str(refused)) from None
    upload.refresh_from_db()
    return _report(request, upload)


@router.get(
    "/unggahan/{pk}",
    response={201: UploadOut, 202: UploadOut, 422: UploadOut, 401: ErrorOut, 403: ErrorOut},
    tags=["uploads"],
    auth=token_auth,
    url_name="upload",
)
def upload_detail(request: HttpRequest, pk: Number) -> HttpResponse:
    """An upload's check: poll it after a 202 until the status is final."""
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    upload = get_object_or_404(Upload.objects.select_related("dataset__agency"), pk=pk)
    if not acts_for_agency(token.user, upload.dataset.agency):
        raise ApiError(403, "forbidden", _("Your account does not act for this upload's agency."))
    return _report(request, upload)


class MeOut(Schema):
    username: str
    full_name: str
    role: str
    agencies: list[str]
    token: dict[str, Any]


@router.get(
    "/me", response={200: MeOut, 401: ErrorOut}, tags=["account"], auth=token_auth, url_name="me"
)
def me(request: HttpRequest) -> dict:
    """Who a token belongs to: the smallest call for checking a token works."""
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    user = token.user
    return {
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role,
        "agencies": [m.agency.slug for m in user.memberships.select_related("agency")],
        "token": {
            "prefix": token.prefix,
            "scopes": token.scopes,
            "expires_at": token.expires_at.isoformat() if token.expires_at else None,
        },
    }
