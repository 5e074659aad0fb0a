"""Writing the audit log. Every service function calls ``record`` inside its transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from satudata.core.context import current_request_info
from satudata.core.models import AuditEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

# Human labels for action codes, filled by each app (see ``register_labels``).
_LABELS: dict[str, Promise | str] = {
    "auth.login": _("Logged in"),
    "auth.logout": _("Logged out"),
    "auth.login_failed": _("Failed log-in"),
    "auth.locked_out": _("Locked out after failed log-ins"),
    "auth.permission_denied": _("Permission denied"),
    "admin.created": _("Created in administration"),
    "admin.changed": _("Changed in administration"),
    "admin.deleted": _("Deleted in administration"),
}


def register_labels(labels: Mapping[str, Promise | str]) -> None:
    _LABELS.update(labels)


def action_label(action: str) -> str:
    return str(_LABELS.get(action, action))


def known_actions() -> list[tuple[str, str]]:
    return sorted(((code, str(label)) for code, label in _LABELS.items()), key=lambda x: x[0])


def change_rows(changes: Any) -> list[tuple[str, bool, str, str]]:
    """The ``changes`` of an event as rows to show: ``(field, is_pair, before, after)``. A
    ``[before, after]`` pair is a change; any other value (a note, a list of items) is shown
    as it is, in ``after``. Built here, never by a template looking up attributes on a dict
    whose keys are field names that users' records may share (``items``, ``keys``)."""
    if not isinstance(changes, dict):
        return [("", False, "", _shown(changes))] if changes else []
    rows = []
    for field, value in changes.items():
        if isinstance(value, list) and len(value) == 2:
            rows.append((str(field), True, _shown(value[0]), _shown(value[1])))
        else:
            rows.append((str(field), False, "", _shown(value)))
    return rows


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(_shown(v) for v in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_shown(v)}" for k, v in value.items()) or "—"
    return str(value)


def _plain(value: Any) -> Any:
    """A JSON-safe, short form of a field value for the before/after summary."""
    if value is None or isinstance(value, bool | int | float | str):
        return value[:200] if isinstance(value, str) else value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)[:200]
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value][:50]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in list(value.items())[:50]}
    return str(value)[:200]


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in fields}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed, as ``{field: [before, after]}``."""
    keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def record(
    action: str,
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    obj: models.Model | None = None,
    summary: str = "",
    changes: Mapping[str, Any] | None = None,
    actor_label: str = "",
    at: dt.datetime | None = None,
) -> AuditEvent:
    """Append one audit row. Call it inside the transaction that makes the change. ``at`` is
    for a step taken as of an earlier moment (the demo's history); the log is never changed
    afterwards, so the row is written with that moment."""
    info = current_request_info()
    user: Any = actor if actor is not None and actor.is_authenticated else None
    label = actor_label or (user.get_username() if user is not None else "")
    return AuditEvent.objects.create(
        actor=user,
        actor_label=label[:150],
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:255] if obj is not None else "",
        summary=str(summary)[:500],
        changes=_plain(dict(changes or {})),
        ip_address=info.ip_address,
        path=info.path,
        **({"at": at} if at is not None else {}),
    )
