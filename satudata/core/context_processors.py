from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from satudata.accounts.permissions import can, role_of
from satudata.accounts.roles import Capability, Role
from satudata.core.models import SiteProfile


def site(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    return {
        "portal": SiteProfile.current(),
        "nav": {
            "dashboard": can(user, Capability.VIEW_TASK_DASHBOARD),
            "audit": can(user, Capability.VIEW_AUDIT),
            "admin": can(user, Capability.ADMINISTER),
            "releases": can(user, Capability.MANAGE_RELEASES),
            # Promotion (activity 4): release plans and the measured reach; producers read
            # their agencies' plans.
            "promotion": can(user, Capability.VIEW_TASK_DASHBOARD)
            or role_of(user) == Role.PRODUSEN,
            # The help desk (activity 5): its staff, and producers for their agencies' tickets.
            "support": can(user, Capability.HANDLE_TICKETS) or role_of(user) == Role.PRODUSEN,
            # A producer's own page (portal:workspace), with its letters and tasks.
            "workspace": role_of(user) == Role.PRODUSEN,
            # The dissemination report (activity 6): usage, KPIs, compliance, EPSS, reports.
            "reports": can(user, Capability.VIEW_REPORTS),
            "kpi_targets": can(user, Capability.SET_KPI_TARGETS),
            "unread": _unread(user),
        },
    }


def _unread(user: Any) -> int:
    """Unread in-app notifications: one indexed count per signed-in page."""
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    from satudata.accounts.models import Notification

    return Notification.objects.filter(user=user, read_at__isnull=True).count()
