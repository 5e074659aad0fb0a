"""What the current request tells the audit log, without passing the request everywhere.

Service functions are called from views, commands and tasks; the audit row wants the client
address and path when there is a request. The middleware sets this context for the duration
of one request; outside a request it is empty.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestInfo:
    ip_address: str | None = None
    path: str = ""


_EMPTY = RequestInfo()
_current: ContextVar[RequestInfo | None] = ContextVar("satudata_request", default=None)


def current_request_info() -> RequestInfo:
    return _current.get() or _EMPTY


def set_request_info(info: RequestInfo) -> object:
    return _current.set(info)


def reset_request_info(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]
