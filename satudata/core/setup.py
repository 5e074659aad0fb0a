"""The site's set-up: the data a fresh installation loads once (``manage.py setup_site``) before
its first upload, and the clear refusal a feature gives when that step was not run."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

SETUP_COMMAND = "python manage.py setup_site"


class SetupIncomplete(RuntimeError):
    """A feature needs set-up data that is missing (the SOP, the holiday calendar, the site
    profile). ``str()`` is for the operator and names the command that fixes it."""

    def __init__(self, part: str) -> None:
        self.part = part
        super().__init__(
            _("The site is not set up: %(part)s. Run `%(command)s` (see docs/operator.md).")
            % {"part": part, "command": SETUP_COMMAND}
        )


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


class SetupIncompleteMiddleware:
    """Answers a feature that met missing set-up data with 503 and a page (or JSON) that says
    the site is not ready yet, instead of a 500; the operator's log names the command."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, SetupIncomplete):
            return None
        logger.error("%s (%s)", exception, request.path)
        message = _(
            "This site is not fully set up yet (%(part)s). Nothing was saved. Tell the "
            "site's administrator; try again once the set-up is done."
        ) % {"part": exception.part}
        if request.path.startswith("/api/3/"):
            error = {"__type": "Service Unavailable", "message": message}
            return JsonResponse({"success": False, "error": error}, status=503)
        if _wants_json(request):
            body = {"code": "setup_incomplete", "message": message}
            return JsonResponse({"error": body, "errors": [message]}, status=503)
        return render(request, "core/setup_incomplete.html", {"message": message}, status=503)
