"""The API object, its one error shape and who is asking (a token's owner, the session's
user, or anonymous)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from satudata.accounts.models import ApiToken
from satudata.accounts.roles import TokenScope
from satudata.accounts.services import authenticate_token
from satudata.core.http import not_authenticated
from satudata.core.taskqueue import RETRY_AFTER_SECONDS, QueueUnavailable, unavailable_message
from satudata.datastore import query as datastore

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

    def get_openapi_operation_id(self, operation: Any) -> str:
        # The ids published while the API was one module (``rest.py``): clients generated from
        # the description keep their method names.
        return f"satudata_api_rest_{operation.view_func.__name__}"

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


def token_auth(request: HttpRequest) -> ApiToken | None:
    return authenticate_token(request)


token_auth.openapi_type = "http"  # type: ignore[attr-defined]
token_auth.openapi_scheme = "bearer"  # type: ignore[attr-defined]
