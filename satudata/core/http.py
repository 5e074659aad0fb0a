"""The one error shape of the JSON endpoints."""

from __future__ import annotations

from django.http import JsonResponse
from django.utils.translation import gettext as _


def json_error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


def not_authenticated() -> JsonResponse:
    """401 for a call without a usable personal API token."""
    return json_error(
        401,
        "not_authenticated",
        _(
            "Send a valid personal API token in the Authorization header: "
            "'Authorization: Bearer <token>'."
        ),
    )
