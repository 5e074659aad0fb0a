"""What a publication version's page shows, read from its frozen definition."""

from __future__ import annotations

from typing import Any

from django import template

from satudata.accounts.permissions import can
from satudata.accounts.roles import Capability
from satudata.products import publications

register = template.Library()


@register.simple_tag
def publication_outline(version: Any, user: Any = None) -> dict[str, Any]:
    """The version's chapters with their numbered tables and figures, and, for the staff who
    compose products, the warnings of its generation (``publications.outline``)."""
    if version is None:
        return {"chapters": [], "warnings": []}
    outline = publications.outline(version)
    if not can(user, Capability.COMPOSE_PRODUCTS):
        outline["warnings"] = []
    return outline
