from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "satudata.accounts"
    label = "accounts"
    verbose_name = _("Accounts and agencies")

    def ready(self) -> None:
        from satudata.accounts import audit_hooks  # noqa: F401  (connects log-in auditing)
        from satudata.core.audit import register_labels

        register_labels(
            {
                "accounts.token_created": _("API token created"),
                "accounts.token_revoked": _("API token revoked"),
                "accounts.password_changed": _("Password changed"),
                "accounts.password_reset": _("Password reset by e-mail"),
            }
        )
