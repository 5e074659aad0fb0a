"""The one place where a role becomes a yes or a no. Views and services ask here."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from satudata.accounts.roles import GRANTS, Capability, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from satudata.accounts.models import Agency

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponse])


def role_of(user: AbstractBaseUser | AnonymousUser | None) -> Role | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return Role(getattr(user, "role", Role.PRODUSEN))


def can(user: AbstractBaseUser | AnonymousUser | None, capability: Capability) -> bool:
    role = role_of(user)
    return role is not None and role in GRANTS[capability]


def acts_for_agency(user: AbstractBaseUser | AnonymousUser | None, agency: Agency | int) -> bool:
    """Walidata staff act for every agency; a producer only for its own."""
    role = role_of(user)
    if role is None:
        return False
    if role in {Role.WALIDATA, Role.KEPALA_BIDANG, Role.ADMINISTRATOR}:
        return True
    agency_id = agency if isinstance(agency, int) else agency.pk
    return role == Role.PRODUSEN and agency_id in user.agency_ids()  # type: ignore[union-attr]


def require(user: AbstractBaseUser | AnonymousUser | None, capability: Capability) -> None:
    """For services: raise PermissionDenied unless the user holds the capability."""
    if not can(user, capability):
        raise PermissionDenied(capability.value)


def require_for_agency(user: AbstractBaseUser | AnonymousUser | None, agency: Agency) -> None:
    """For services: raise PermissionDenied unless the user acts for ``agency``."""
    if not acts_for_agency(user, agency):
        raise PermissionDenied("agency")


def capability_required(capability: Capability) -> Callable[[ViewFunc], ViewFunc]:
    """View decorator: anonymous visitors go to log-in, others without the capability get 403.

    The 403 handler (satudata.core.views.permission_denied) writes the audit row.
    """

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            require(request.user, capability)
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
