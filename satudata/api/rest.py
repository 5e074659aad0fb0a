"""REST API v1 (``/api/v1/``) with its OpenAPI 3 description at ``/api/v1/openapi.json`` and
interactive docs at ``/api/v1/docs`` (served from this site's own static files).

Reads are for everyone and go through the one gate; a personal token (``Authorization: Bearer
<token>``) reads as its owner. Writes need a token with the *write* scope and the role the
service asks for. Every error has one shape: ``{"error": {"code", "message", "fields"?}}``.
Parameters are typed: a wrong type or a value out of range is a 400 naming the parameter.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, NinjaAPI, Path, Query, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.files import UploadedFile
from pydantic import Field

from satudata.accounts.models import Agency, ApiToken
from satudata.accounts.permissions import acts_for_agency, can
from satudata.accounts.roles import Capability, TokenScope
from satudata.accounts.services import authenticate_token
from satudata.api import packages
from satudata.catalog import search, services
from satudata.catalog.metadata import interchange
from satudata.catalog.models import (
    Activity,
    DataItem,
    DataList,
    Dataset,
    DatasetVersion,
    Indicator,
    License,
    Topic,
    Upload,
    UploadStatus,
    Variable,
)
from satudata.catalog.search import SORTS
from satudata.core.http import not_authenticated
from satudata.core.input_limits import INTEGER_MAX
from satudata.core.taskqueue import RETRY_AFTER_SECONDS, QueueUnavailable, unavailable_message
from satudata.datastore import exports
from satudata.datastore import query as datastore
from satudata.regions.models import Region
from satudata.releases import access
from satudata.reports import usage

MAX_PAGE = 1000


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, fields: Any = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields


class ErrorBody(Schema):
    code: str
    message: str
    fields: list[dict[str, str]] | None = None


class ErrorOut(Schema):
    error: ErrorBody


ERROR_REF = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
COMMON_ANSWERS = {
    "400": "Invalid request: a parameter out of its bounds or pattern, or a NUL character.",
    "429": "Too many requests from this client; the Retry-After header says when to try again.",
}


class SatuDataApi(NinjaAPI):
    """The REST API, whose description lists the answers every operation can give: each
    refuses a malformed request (400) and is rate limited (429), besides its own answers."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                answers = operation.setdefault("responses", {})
                for status, description in COMMON_ANSWERS.items():
                    # Ninja keys its own answers by int: a second "400" would be a duplicate key.
                    if int(status) not in answers and status not in answers:
                        answers[int(status)] = {"description": description, "content": ERROR_REF}
        return schema


api = SatuDataApi(
    title="Satu Data — API v1",
    version="1",
    description=(
        "Data, metadata and the Daftar Data of the regency. Reads are public; a personal "
        "token reads as its owner and is needed for writes. Errors: "
        '`{"error": {"code", "message", "fields"}}`.'
    ),
    urls_namespace="api-v1",
    docs_url="/docs",
)


def _error(request: HttpRequest, status: int, code: str, message: str, fields: Any = None) -> Any:
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return api.create_response(request, {"error": body}, status=status)


MESSAGES = {
    "missing": lambda ctx: _("This parameter is required."),
    "int_parsing": lambda ctx: _("Give a whole number."),
    "int_type": lambda ctx: _("Give a whole number."),
    "bool_parsing": lambda ctx: _("Give true or false."),
    "greater_than_equal": lambda ctx: _("Give at least %(n)s.") % {"n": ctx.get("ge")},
    "less_than_equal": lambda ctx: _("Give at most %(n)s.") % {"n": ctx.get("le")},
    "string_too_long": lambda ctx: (
        _("Give at most %(n)s characters.") % {"n": ctx.get("max_length")}
    ),
    "literal_error": lambda ctx: _("Give one of: %(values)s.") % {"values": ctx.get("expected")},
    "string_pattern_mismatch": lambda ctx: _("The value does not have the expected form."),
}


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> Any:
    fields = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("query", "body")]
        name = ".".join(location[-1:]) or "request"
        explain = MESSAGES.get(error.get("type", ""))
        message = explain(error.get("ctx") or {}) if explain else str(error.get("msg", ""))
        fields.append({"field": name, "message": message})
    summary = "; ".join(f"{f['field']}: {f['message']}" for f in fields)
    return _error(request, 400, "invalid", _("Invalid request: %(s)s") % {"s": summary}, fields)


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> Any:
    return _error(request, exc.status, exc.code, exc.message, exc.fields)


@api.exception_handler(QueueUnavailable)
def _queue_unavailable(request: HttpRequest, exc: QueueUnavailable) -> HttpResponse:
    """Redis is down: nothing was saved, the client sends again after Retry-After."""
    response: HttpResponse = _error(request, 503, "queue_unavailable", unavailable_message())
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@api.exception_handler(AuthenticationError)
def _not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return not_authenticated()


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> Any:
    code = {401: "not_authenticated", 403: "forbidden", 405: "method"}.get(exc.status_code, "http")
    return _error(request, exc.status_code, code, str(exc))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> Any:
    return _error(request, 404, "not_found", str(exc) or _("Not found."))


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> Any:
    return _error(request, 403, "forbidden", _("Your account may not do this."))


@api.exception_handler(datastore.QueryError)
def _query_error(request: HttpRequest, exc: datastore.QueryError) -> Any:
    if isinstance(exc, datastore.QueryTimeout):
        return _error(request, 503, "timeout", exc.message)
    return _error(
        request,
        400,
        "invalid",
        exc.message,
        [{"field": exc.field or "query", "message": exc.message}],
    )


# --- who is asking ----------------------------------------------------------------------------


def viewer(request: HttpRequest) -> Any:
    """The user a read is for: a token's owner, the session's user, or anonymous. A token that
    is sent but unusable is refused rather than read as anonymous. Looked up once a request."""
    known = getattr(request, "_api_viewer", None)
    if known is not None:
        return known
    user: Any = request.user
    if request.headers.get("Authorization") or request.headers.get("X-CKAN-API-Key"):
        token = authenticate_token(request)
        if token is None:
            raise ApiError(
                401,
                "not_authenticated",
                _("The token is not valid (unknown, revoked or expired)."),
            )
        user = token.user
    request._api_viewer = user  # type: ignore[attr-defined]
    return user


def writer(request: HttpRequest) -> ApiToken:
    """The token of a write (found by the operation's ``auth``), if it has the write scope."""
    token: ApiToken | None = getattr(request, "auth", None)
    if token is None:
        raise AuthenticationError()
    if not token.has_scope(TokenScope.WRITE):
        raise ApiError(
            403, "scope", _("This token may only read; create one with the write scope.")
        )
    return token


def _token_auth(request: HttpRequest) -> ApiToken | None:
    return authenticate_token(request)


_token_auth.openapi_type = "http"  # type: ignore[attr-defined]
_token_auth.openapi_scheme = "bearer"  # type: ignore[attr-defined]


# --- shapes -----------------------------------------------------------------------------------


class Page(Schema):
    count: int
    limit: int
    offset: int
    next: str | None
    previous: str | None


def page_links(request: HttpRequest, count: int, limit: int, offset: int) -> dict[str, Any]:
    def link(new_offset: int) -> str:
        params = request.GET.copy()
        params["offset"] = str(new_offset)
        params["limit"] = str(limit)
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    return {
        "count": count,
        "limit": limit,
        "offset": offset,
        "next": link(offset + limit) if offset + limit < count else None,
        "previous": link(max(0, offset - limit)) if offset > 0 else None,
    }


class Paging(Schema):
    limit: int = Field(20, ge=1, le=MAX_PAGE, description="Items per page (at most 1000).")
    offset: int = Field(0, ge=0, le=10_000_000, description="Items to skip.")


class AgencyRef(Schema):
    name: str
    title: str


class DatasetOut(Schema):
    id: str
    name: str
    title: str
    description: str
    agency: AgencyRef
    sector: str
    topics: list[str]
    tags: list[str]
    license_id: str
    year: int
    frequency: str
    level: str
    version: int | None
    published_at: datetime | None
    # When the first version was released, and when the dataset last changed as the caller
    # sees it (the newest release it may see, or a later edit of its description).
    issued_at: datetime | None
    modified_at: datetime
    url: str
    api_url: str


def dataset_out(request: HttpRequest, dataset: Dataset, version: DatasetVersion | None) -> dict:
    item = dataset.item
    return {
        "id": str(dataset.uuid),
        "name": dataset.slug,
        "title": dataset.title,
        "description": dataset.description,
        "agency": {"name": dataset.agency.slug, "title": dataset.agency.name},
        "sector": dataset.sector,
        "topics": [topic.slug for topic in dataset.topics.all()],
        "tags": [tag.name for tag in dataset.tags.all()],
        "license_id": dataset.license_id,
        "year": item.data_list.year,
        "frequency": item.frequency,
        "level": item.level,
        "version": version.number if version else None,
        "published_at": version.published_at if version else None,
        "issued_at": dataset.issued_at,
        "modified_at": dataset.shown_modified_at,
        "url": request.build_absolute_uri(reverse("portal:dataset", args=[dataset.slug])),
        "api_url": request.build_absolute_uri(
            reverse("api-v1:dataset", kwargs={"key": dataset.slug})
        ),
    }


class DatasetPage(Page):
    results: list[DatasetOut]
    facets: dict[str, list[dict[str, Any]]] = {}


class ColumnOut(Schema):
    name: str
    type: str
    variable: str = ""
    unit: str = ""


class ResourceOut(Schema):
    id: str
    format: str
    url: str
    media_type: str


class VersionOut(Schema):
    number: int
    rows: int
    published_at: datetime | None
    created_at: datetime
    columns: list[ColumnOut]
    url: str
    data_url: str


def version_out(request: HttpRequest, dataset: Dataset, version: DatasetVersion) -> dict:
    return {
        "number": version.number,
        "rows": version.row_count,
        "published_at": version.published_at,
        "created_at": version.created_at,
        "columns": [
            {
                "name": column["name"],
                "type": column.get("data_type") or "text",
                "variable": column.get("variable", ""),
                "unit": column.get("unit", ""),
            }
            for column in version.columns
        ],
        "url": request.build_absolute_uri(
            reverse("portal:dataset-version", args=[dataset.slug, version.number])
        ),
        "data_url": request.build_absolute_uri(
            reverse("api-v1:data", kwargs={"key": dataset.slug}) + f"?version={version.number}"
        ),
    }


class DatasetDetail(DatasetOut):
    versions: list[VersionOut]
    resources: list[ResourceOut]


# --- datasets ---------------------------------------------------------------------------------

# Path numbers are bounded: one past 64 bits reached the database and answered 500.
Number = Annotated[int, Path(ge=1, le=INTEGER_MAX, description="A number from 1.")]
Year = Annotated[int, Path(ge=1900, le=2999, description="A year.")]

SortKey = Annotated[str, Field(pattern=r"^-?(" + "|".join(SORTS) + ")$")]


class DatasetFilters(Paging):
    q: str = Field("", max_length=200, description="Words; each matches a word's start or root.")
    organization: list[str] = Field([], description="Agency names (any of).")
    sector: list[str] = Field([], description="BPS sector codes (any of).")
    groups: list[str] = Field([], description="Topic names (any of).")
    tags: list[str] = Field([], description="Tags (any of).")
    year: list[str] = Field([], description="Daftar Data years (any of).")
    frequency: list[str] = []
    level: list[str] = []
    res_format: list[str] = []
    license_id: list[str] = []
    sort: SortKey = Field(
        "-modified",
        description="One of score, modified, created, title, name, id; - for descending.",
    )
    facets: bool = Field(False, description="Also count the matches per facet value.")


def _visible(request: HttpRequest, key: str) -> Dataset:
    return access.dataset_for(request, key, viewer(request))


def _version(request: HttpRequest, dataset: Dataset, number: int | None) -> DatasetVersion:
    return access.version_for(request, dataset, number, viewer(request))


@api.get("/datasets", response={200: DatasetPage, 400: ErrorOut}, tags=["datasets"])
def list_datasets(request: HttpRequest, filters: Query[DatasetFilters]) -> dict:
    """Search and list the datasets the caller may see."""
    user = viewer(request)
    criteria = search.Criteria(q=filters.q)
    for name in search.FACETS:
        values = [v[:200] for v in getattr(filters, name, [])][:50]
        if values:
            criteria.include.append((name, values))
    sort_key = filters.sort.lstrip("-")
    result = search.search(
        user,
        criteria,
        sort=[(sort_key, filters.sort.startswith("-"))],
        start=filters.offset,
        rows=filters.limit,
        facets=search.FACETS if filters.facets else (),
    )
    usage.note_search(request, criteria, result.count)
    return {
        **page_links(request, result.count, filters.limit, filters.offset),
        "results": [
            dataset_out(request, dataset, version)
            for dataset, version in access.newest_versions(request, result.datasets, user)
        ],
        "facets": {
            name: [{"value": f.name, "label": f.display_name, "count": f.count} for f in counts]
            for name, counts in result.facets.items()
        },
    }


@api.get(
    "/datasets/{key}",
    response={200: DatasetDetail, 404: ErrorOut},
    tags=["datasets"],
    url_name="dataset",
)
def get_dataset(request: HttpRequest, key: str) -> dict:
    """One dataset by name or identifier, with its visible versions and download resources."""
    dataset = _visible(request, key)
    versions = access.versions_of(request, dataset, viewer(request))
    latest = versions[0] if versions else None
    return {
        **dataset_out(request, dataset, latest),
        "versions": [version_out(request, dataset, v) for v in versions],
        "resources": [
            {
                "id": r["id"],
                "format": r["format"],
                "url": r["url"],
                "media_type": r["mimetype"],
            }
            for r in packages.resource_dicts(request, dataset, latest)
        ],
    }


@api.get(
    "/datasets/{key}/versions",
    response={200: list[VersionOut], 404: ErrorOut},
    tags=["datasets"],
)
def list_versions(request: HttpRequest, key: str) -> list[dict]:
    dataset = _visible(request, key)
    versions = access.versions_of(request, dataset, viewer(request))
    return [version_out(request, dataset, v) for v in versions]


@api.get(
    "/datasets/{key}/versions/{number}",
    response={200: VersionOut, 404: ErrorOut},
    tags=["datasets"],
)
def get_version(request: HttpRequest, key: str, number: Number) -> dict:
    dataset = _visible(request, key)
    return version_out(request, dataset, _version(request, dataset, number))


class ResourceDetail(ResourceOut):
    dataset: str
    version: int


@api.get(
    "/resources/{resource_id}", response={200: ResourceDetail, 404: ErrorOut}, tags=["datasets"]
)
def get_resource(request: HttpRequest, resource_id: str) -> dict:
    """A download resource by the id the CKAN API and the dataset give it."""
    found = packages.visible_resource(request, viewer(request), resource_id)
    if found is None:
        raise Http404(_("No published resource has this id."))
    dataset, version, resource = found
    return {
        "id": resource["id"],
        "format": resource["format"],
        "url": resource["url"],
        "media_type": resource["mimetype"],
        "dataset": dataset.slug,
        "version": version.number,
    }


# --- data -------------------------------------------------------------------------------------

FILTER = re.compile(r"^(?P<column>[^:]{1,100}):(?P<op>eq|ne|gt|gte|lt|lte|in):(?P<value>.{0,500})$")
NAMES = r"^[^,]{1,100}(,[^,]{1,100}){0,49}$"


class DataQuery(Schema):
    version: int | None = Field(
        None, ge=1, le=INTEGER_MAX, description="A version number; the latest if absent."
    )
    filter: list[str] = Field(
        [],
        description=(
            "column:operator:value, repeatable (all must hold); operators eq, ne, gt, gte, lt, "
            "lte, and in (values separated by |)."
        ),
    )
    q: str = Field("", max_length=200, description="Words to find in any text column.")
    fields: str = Field("", max_length=5000, description="Columns to return, comma-separated.")
    sort: str = Field(
        "", max_length=1000, description="Columns, comma-separated; - before one for descending."
    )
    group_by: str = Field("", max_length=1000, description="Columns to group by (at most 5).")
    aggregate: list[str] = Field(
        [],
        description="function:column, repeatable; count, sum, avg, min, max (count:* for rows).",
    )
    limit: int = Field(100, ge=1, le=1_000_000, description="Rows (capped by the server).")
    offset: int = Field(0, ge=0, le=1_000_000_000)
    total: bool = Field(True, description="Count all matching rows.")


def _names(text: str, parameter: str) -> list[str]:
    if not text:
        return []
    if not re.match(NAMES, text):
        raise datastore.QueryError(_("List at most 50 column names, comma-separated."), parameter)
    return [name.strip() for name in text.split(",")]


def data_query(params: DataQuery) -> datastore.Query:
    conditions: list[datastore.Condition] = []
    filters: dict[str, list[str]] = {}
    for text in params.filter[:50]:
        match = FILTER.match(text)
        if match is None:
            raise datastore.QueryError(
                _("Write each filter as column:operator:value, e.g. Kecamatan:eq:Pringsewu."),
                "filter",
            )
        column, op, value = match["column"], match["op"], match["value"]
        if op == "in":
            filters.setdefault(column, []).extend(value.split("|"))
        elif op == "eq":
            filters.setdefault(column, []).append(value)
        else:
            conditions.append(datastore.Condition(column, op, value))
    aggregates = []
    for text in params.aggregate[:20]:
        function, _sep, column = text.partition(":")
        aggregates.append((function, column or "*"))
    return datastore.Query(
        filters=filters,
        conditions=conditions,
        q=params.q,
        fields=_names(params.fields, "fields") or None,
        sort=[(n.lstrip("-"), n.startswith("-")) for n in _names(params.sort, "sort")],
        limit=params.limit,
        offset=params.offset,
        include_total=params.total,
        group_by=_names(params.group_by, "group_by"),
        aggregates=aggregates,
    )


class DataOut(Schema):
    fields: list[dict[str, Any]]
    records: list[dict[str, Any]]
    total: int | None
    limit: int
    offset: int
    truncated: bool
    version: int


@api.get(
    "/datasets/{key}/data",
    response={200: DataOut, 400: ErrorOut, 404: ErrorOut, 503: ErrorOut},
    tags=["data"],
    url_name="data",
)
def get_data(request: HttpRequest, key: str, params: Query[DataQuery]) -> dict:
    """Rows of a table: filter, sort, page, or group with aggregates. The server caps rows per
    call (``truncated`` says when it did) and stops a query that runs too long (503)."""
    dataset = _visible(request, key)
    version = _version(request, dataset, params.version)
    answer = datastore.run(version, data_query(params))
    return {
        "fields": answer.fields,
        "records": answer.records(),
        "total": answer.total,
        "limit": answer.limit,
        "offset": answer.offset,
        "truncated": answer.truncated,
        "version": version.number,
    }


@api.get(
    "/datasets/{key}/export",
    response={200: None, 400: ErrorOut, 404: ErrorOut},
    tags=["data"],
)
def export_data(
    request: HttpRequest,
    key: str,
    params: Query[DataQuery],
    format: Literal["csv", "csv-id", "json", "xlsx", "parquet"] = "csv",
) -> HttpResponseBase:
    """The rows a data query selects, as a file, streamed (CSV and JSON) up to the export cap;
    ``X-Total-Rows`` and ``X-Truncated`` say how many matched and whether the cap cut them.
    ``csv-id`` is the CSV Excel opens in an Indonesian locale (``;`` between fields, ``,`` in
    decimals); CSV and XLSX cells that a spreadsheet would run as a formula are neutralised,
    JSON and Parquet keep every value as stored."""
    dataset = _visible(request, key)
    version = _version(request, dataset, params.version)
    query = data_query(params)
    if query.group_by or query.aggregates:
        raise datastore.QueryError(_("Exports take rows, not aggregates."), "group_by")
    query.limit, query.offset = 0, 0
    matched = datastore.count(version, query)
    about = {"name": dataset.slug, "title": dataset.title, "version": version.number}
    return exports.download(dataset, version, query, format, about, matched=matched)


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


@api.patch(
    "/datasets/{key}",
    response={200: DatasetDetail, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    tags=["datasets"],
    auth=_token_auth,
)
def change_dataset(request: HttpRequest, key: str, change: DatasetChange) -> dict:
    """Change what the portal says about a dataset (its producing agency or the Walidata)."""
    token = writer(request)
    dataset = _visible(request, key)
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
    services.describe_dataset(
        actor=token.user,
        dataset=dataset,
        title=change.title if change.title is not None else dataset.title,
        description=change.description if change.description is not None else dataset.description,
        sector=change.sector if change.sector is not None else dataset.sector,
        license_id=change.license_id or dataset.license_id,
        tags=change.tags if change.tags is not None else [t.name for t in dataset.tags.all()],
        topics=topics,
    )
    return get_dataset(request, str(dataset.uuid))


class PublishIn(Schema):
    reason: str = Field(
        min_length=1, description="Why the version goes out now, not on an announced date."
    )


@api.post(
    "/datasets/{key}/versions/{number}/publish",
    response={200: VersionOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    tags=["datasets"],
    auth=_token_auth,
)
def publish(request: HttpRequest, key: str, number: Number, body: PublishIn) -> dict:
    """Release a synchronised version now, outside the release calendar (the Kepala Bidang,
    with the reason the calendar shows). Scheduled releases go through the release workflow."""
    from satudata.releases.services import ReleaseRefused, release_at_once

    token = writer(request)
    if not can(token.user, Capability.APPROVE_RELEASES):
        raise ApiError(403, "forbidden", _("Only the Kepala Bidang publishes data."))
    dataset = _visible(request, key)
    version = _version(request, dataset, number)
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


@api.post(
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
    auth=_token_auth,
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
        upload = services.receive_upload(
            actor=token.user, dataset=dataset, filename=file.name or "upload", chunks=file.chunks()
        )
    except services.UploadRefused as refused:
        raise ApiError(400, "refused", str(refused)) from None
    upload.refresh_from_db()
    return _report(request, upload)


@api.get(
    "/unggahan/{pk}",
    response={201: UploadOut, 202: UploadOut, 422: UploadOut, 401: ErrorOut, 403: ErrorOut},
    tags=["uploads"],
    auth=_token_auth,
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


@api.get(
    "/me", response={200: MeOut, 401: ErrorOut}, tags=["account"], auth=_token_auth, url_name="me"
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


# --- agencies, regions, metadata, Daftar Data ---------------------------------------------------


class AgencyOut(Schema):
    name: str
    title: str
    short_name: str
    kind: str
    email: str
    datasets: int
    url: str


def _agency_out(request: HttpRequest, agency: Agency, count: int) -> dict:
    return {
        "name": agency.slug,
        "title": agency.name,
        "short_name": agency.short_name,
        "kind": agency.kind,
        "email": agency.email,
        "datasets": count,
        "url": request.build_absolute_uri(reverse("accounts:agency-detail", args=[agency.slug])),
    }


class AgencyPage(Page):
    results: list[AgencyOut]


@api.get("/agencies", response={200: AgencyPage, 400: ErrorOut}, tags=["agencies"])
def list_agencies(request: HttpRequest, paging: Query[Paging]) -> dict:
    counts = packages.package_counts(viewer(request), "agency")
    agencies = Agency.objects.active().order_by("name")
    chosen = agencies[paging.offset : paging.offset + paging.limit]
    return {
        **page_links(request, agencies.count(), paging.limit, paging.offset),
        "results": [_agency_out(request, a, counts.get(a.pk, 0)) for a in chosen],
    }


@api.get("/agencies/{name}", response={200: AgencyOut, 404: ErrorOut}, tags=["agencies"])
def get_agency(request: HttpRequest, name: str) -> dict:
    agency = Agency.objects.active().filter(slug=name[:100]).first()
    if agency is None:
        raise Http404(_("No agency has this name."))
    counts = packages.package_counts(viewer(request), "agency")
    return _agency_out(request, agency, counts.get(agency.pk, 0))


class RegionOut(Schema):
    code: str
    name: str
    level: int
    kind: str
    parent: str | None
    bps_code: str
    url: str


def _region_out(request: HttpRequest, region: Region) -> dict:
    return {
        "code": region.code,
        "name": region.name,
        "level": region.level,
        "kind": region.kind,
        "parent": region.parent_id,
        "bps_code": region.bps_code,
        "url": request.build_absolute_uri(reverse("regions:region-detail", args=[region.code])),
    }


class RegionFilters(Paging):
    parent: str = Field("", max_length=13, description="Children of this code.")
    level: int | None = Field(None, ge=1, le=4, description="1 province … 4 desa/kelurahan.")
    q: str = Field("", max_length=100, description="Start of the name.")


class RegionPage(Page):
    results: list[RegionOut]


@api.get("/regions", response={200: RegionPage, 400: ErrorOut}, tags=["regions"])
def list_regions(request: HttpRequest, filters: Query[RegionFilters]) -> dict:
    """Kemendagri region codes (the national list, as loaded)."""
    regions = Region.objects.all()
    if filters.parent:
        regions = regions.filter(parent_id=filters.parent)
    if filters.level:
        regions = regions.filter(level=filters.level)
    if filters.q:
        regions = regions.filter(name__istartswith=filters.q)
    chosen = regions[filters.offset : filters.offset + filters.limit]
    return {
        **page_links(request, regions.count(), filters.limit, filters.offset),
        "results": [_region_out(request, r) for r in chosen],
    }


@api.get("/regions/{code}", response={200: RegionOut, 404: ErrorOut}, tags=["regions"])
def get_region(request: HttpRequest, code: str) -> dict:
    region = Region.objects.filter(code=code[:13]).first()
    if region is None:
        raise Http404(_("No region has this code."))
    return _region_out(request, region)


KINDS = {"ms-keg": Activity, "ms-var": Variable, "ms-ind": Indicator}


class MetadataPage(Page):
    results: list[dict[str, Any]]


@api.get("/metadata/{kind}", response={200: MetadataPage, 400: ErrorOut}, tags=["metadata"])
def list_metadata(
    request: HttpRequest,
    kind: Literal["ms-keg", "ms-var", "ms-ind"],
    paging: Query[Paging],
    agency: str = "",
) -> dict:
    """BPS metadata records (MS-Keg, MS-Var, MS-Ind) the caller may see, each in INDAH v2 keys."""
    records = KINDS[kind].objects.visible_to(viewer(request)).order_by("pk")
    if kind == "ms-var":
        records = records.prefetch_related("codes")
    if agency:
        records = records.filter(agency__slug=agency[:100])
    chosen = records[paging.offset : paging.offset + paging.limit]
    return {
        **page_links(request, records.count(), paging.limit, paging.offset),
        "results": [interchange.envelope(record) for record in chosen],
    }


@api.get("/metadata/{kind}/{pk}", response={200: dict, 404: ErrorOut}, tags=["metadata"])
def get_metadata(
    request: HttpRequest, kind: Literal["ms-keg", "ms-var", "ms-ind"], pk: Number
) -> dict:
    record = KINDS[kind].objects.visible_to(viewer(request)).filter(pk=pk).first()
    if record is None:
        raise Http404(_("No metadata record you may see has this number."))
    return interchange.envelope(record)


class DataListOut(Schema):
    year: int
    status: str
    items: int
    url: str


class ItemOut(Schema):
    id: int
    number: int
    name: str
    agency: AgencyRef
    concept: str
    definition: str
    classification: str
    measure: str
    unit: str
    frequency: str
    level: str
    release_schedule: str
    access: str
    is_priority: bool
    sds_code: str
    dataset: str | None


@api.get("/daftar-data", response=list[DataListOut], tags=["daftar data"])
def list_data_lists(request: HttpRequest) -> list[dict]:
    """The years' Daftar Data the caller may see (approved lists are public)."""
    lists = DataList.objects.visible_to(viewer(request)).order_by("-year")
    return [
        {
            "year": data_list.year,
            "status": data_list.status,
            "items": data_list.items.count(),
            "url": request.build_absolute_uri(
                reverse("catalog:datalist-detail", args=[data_list.year])
            ),
        }
        for data_list in lists
    ]


@api.get("/daftar-data/{year}", response={200: list[ItemOut], 404: ErrorOut}, tags=["daftar data"])
def get_data_list(request: HttpRequest, year: Year) -> list[dict]:
    user = viewer(request)
    data_list = DataList.objects.visible_to(user).filter(year=year).first()
    if data_list is None:
        raise Http404(_("No Daftar Data you may see for this year."))
    visible = set(Dataset.objects.visible_to(user).values_list("item_id", "slug"))
    slugs = dict(visible)
    return [
        {
            "id": item.pk,
            "number": item.number,
            "name": item.name,
            "agency": {"name": item.agency.slug, "title": item.agency.name},
            "concept": item.concept,
            "definition": item.definition,
            "classification": item.classification,
            "measure": item.measure,
            "unit": item.unit,
            "frequency": item.frequency,
            "level": item.level,
            "release_schedule": item.release_schedule,
            "access": item.access,
            "is_priority": item.is_priority,
            "sds_code": item.sds_code,
            "dataset": slugs.get(item.pk),
        }
        for item in data_list.items.select_related("agency")
    ]
