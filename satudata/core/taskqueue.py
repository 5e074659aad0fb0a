"""The task queue as seen from a request: is it there to take work?

With the database queue the answer is always yes (the task row is written with the request's
data). With Redis/RQ the queue is another server: when it is down, a request that would hand
work to it answers 503 "try again" and saves nothing, instead of a 500 and work left waiting
for a job that was never queued.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 60


class QueueUnavailable(RuntimeError):
    """The task queue (Redis) cannot take work now."""


def queue_errors() -> tuple[type[BaseException], ...]:
    """The exceptions that mean the queue's server did not answer."""
    if settings.TASKS_BACKEND != "rq":
        return (QueueUnavailable,)
    from redis.exceptions import ConnectionError, TimeoutError

    return (QueueUnavailable, ConnectionError, TimeoutError)


def ensure_queue_available() -> None:
    """Raise QueueUnavailable unless the queue answers now (a ping; Redis/RQ only)."""
    if settings.TASKS_BACKEND != "rq":
        return
    import django_rq

    try:
        django_rq.get_connection("default").ping()
    except queue_errors() as error:
        logger.error("The task queue (Redis) does not answer: %s", error)
        raise QueueUnavailable(str(error)) from error


def unavailable_message() -> str:
    return _(
        "The checking queue cannot be reached right now, so your file was not received. "
        "Nothing was saved: send the file again in a few minutes. If it keeps happening, "
        "tell the Walidata."
    )


def queue_unavailable_response(request: HttpRequest, *, as_json: bool) -> HttpResponse:
    """503 with Retry-After: a page in the site's language, or JSON for scripts."""
    response: HttpResponse
    if as_json:
        body = {"error": {"code": "queue_unavailable", "message": unavailable_message()}}
        response = JsonResponse({**body, "errors": [unavailable_message()]}, status=503)
    else:
        page = loader.render_to_string("503.html", {"message": unavailable_message()}, request)
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
