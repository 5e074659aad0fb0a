"""Log-in, log-out and failed log-ins into the audit log.

Django reports these only through its auth signals, so this is the one place that listens to
signals; everything else calls ``satudata.core.audit.record`` from a service function.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from satudata.core.audit import record


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    record("auth.login", actor=user, obj=user, summary="Masuk ke sistem")


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record("auth.logout", actor=user, obj=user, summary="Keluar dari sistem")


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))[:150]
    record(
        "auth.login_failed",
        actor=None,
        actor_label=username,
        summary=f"Gagal masuk dengan nama pengguna '{username}'",
    )
