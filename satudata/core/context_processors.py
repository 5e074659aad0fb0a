from __future__ import annotations

from django.http import HttpRequest

from satudata.accounts.permissions import can
from satudata.accounts.roles import Capability
from satudata.core.models import SiteProfile


def site(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    return {
        "portal": SiteProfile.current(),
        "nav": {
            "dashboard": can(user, Capability.VIEW_TASK_DASHBOARD),
            "audit": can(user, Capability.VIEW_AUDIT),
            "admin": can(user, Capability.ADMINISTER),
        },
    }
