"""Receiving a file whose name is thousands of characters long, on the views that take files.

Django reads at most 1,024 bytes of one multipart part's headers (``MAX_TOTAL_HEADER_SIZE`` in
``django.http.multipartparser``); a part past that fails the whole request ("Unable to parse
request body", a bare 400), so a file name of about 950 characters or more, fewer beyond ASCII,
never reached the code that shortens it to 255 characters with its extension kept (issue 15).
On the views named in ``settings.LONG_FILE_NAME_VIEWS`` a part's headers may be up to
``PART_HEADER_BYTES``; Django's parser still truncates the name to 255 characters on receipt
and ``catalog.storage.clean_filename`` cleans it.

Both of Django's reasons for its bound stay bounded: memory (a part's headers are read in one
chunk, at most 64 KiB) and time. Python's header parsing (``email.message``, which Django
calls) costs the number of semicolons times the header's length, five seconds for 64 KiB of
them; a part's headers past Django's own bound may hold at most ``PART_HEADER_SEMICOLONS``
(a file's part needs two, before its name and its file name), so parsing them costs a few
passes over their bytes: under a millisecond for 64 KiB.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http import multipartparser as django_multipart
from django.urls import Resolver404, resolve
from django.utils.datastructures import ImmutableList

PART_HEADER_BYTES = 64 * 1024
PART_HEADER_SEMICOLONS = 8
# Django's parsing internals, which django-stubs does not describe.
_django: Any = django_multipart


class _Parts:
    """What Django's ``Parser`` is: the parts of a body, each with its type, its headers and
    its stream; here each part's headers are bounded by ``PART_HEADER_BYTES``."""

    def __init__(self, stream: Any, boundary: bytes) -> None:
        self.stream, self.separator = stream, b"--" + boundary

    def __iter__(self) -> Iterator[tuple[str, dict[str, Any], Any]]:
        for part in _django.InterBoundaryIter(self.stream, self.separator):
            _refuse_slow_headers(part)
            yield _django.parse_boundary_stream(part, PART_HEADER_BYTES)


def _refuse_slow_headers(part: Any) -> None:
    """Look at the start of ``part`` (given back unread) and refuse headers past Django's bound
    that hold more semicolons than a file name needs (see the module's docstring)."""
    head = part.read(PART_HEADER_BYTES)
    part.unget(head)
    end = head.find(b"\r\n\r\n")
    headers = head if end == -1 else head[:end]
    if (
        len(headers) > _django.MAX_TOTAL_HEADER_SIZE
        and headers.count(b";") > PART_HEADER_SEMICOLONS
    ):
        raise django_multipart.MultiPartParserError("Part headers with too many parameters.")


# Django's ``_parse`` finds the parts through the name ``Parser``; if an upgrade changes that,
# long names would fail again: this says why before any request does.
_DJANGO_PARSE = _django.MultiPartParser._parse
assert "Parser" in _DJANGO_PARSE.__code__.co_names


class LongHeaderMultiPartParser(django_multipart.MultiPartParser):
    """Django's multipart parser, its own code, reading the parts through ``_Parts``: the
    method is Django's ``_parse`` with the name ``Parser`` bound to ``_Parts`` (nothing of
    Django's module is changed, so every other view keeps Django's bound)."""

    _parse = types.FunctionType(
        _DJANGO_PARSE.__code__, {**vars(django_multipart), "Parser": _Parts}, "_parse"
    )


def _parse_file_upload(request: HttpRequest, meta: dict[str, Any], data: Any) -> Any:
    """``HttpRequest.parse_file_upload`` with ``LongHeaderMultiPartParser``."""
    request.upload_handlers = ImmutableList(
        request.upload_handlers,
        warning="You cannot alter upload handlers after the upload has been processed.",
    )
    parser = LongHeaderMultiPartParser(meta, data, request.upload_handlers, request.encoding)
    return parser.parse()


class LongFileNameMiddleware:
    """On the views of ``settings.LONG_FILE_NAME_VIEWS``, the request's multipart body is read by
    ``LongHeaderMultiPartParser``. Before any middleware reads the form (the NUL check and the
    CSRF check do); the body is still read only when something asks for it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.views = frozenset(settings.LONG_FILE_NAME_VIEWS)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.content_type == "multipart/form-data":
            try:
                view = resolve(request.path_info).view_name
            except Resolver404:
                view = ""
            if view in self.views:
                request.parse_file_upload = types.MethodType(  # type: ignore[method-assign]
                    _parse_file_upload, request
                )
        return self.get_response(request)
