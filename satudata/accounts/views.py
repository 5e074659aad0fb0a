"""Log-in, profile and tokens, and the public agency pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from satudata.accounts.forms import ApiTokenForm, LoginForm
from satudata.accounts.models import Agency, ApiToken, Notification, User
from satudata.accounts.permissions import Capability, capability_required
from satudata.accounts.services import (
    TokenLimitReached,
    create_api_token,
    mark_read,
    open_notification,
    revoke_api_token,
)
from satudata.core.audit import record


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user: User = self.request.user  # type: ignore[assignment]
        record(
            "accounts.password_changed",
            actor=user,
            obj=user,
            summary="Kata sandi diganti",
        )
        messages.success(self.request, _("Your password has been changed."))
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        record(
            "accounts.password_reset",
            actor=form.user,
            obj=form.user,
            summary="Kata sandi diatur ulang lewat tautan e-mail",
        )
        return response


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """What a locked-out visitor sees (django-axes calls this)."""
    from django.conf import settings

    username = str((credentials or {}).get("username", ""))[:150]
    record(
        "auth.locked_out",
        actor=None,
        actor_label=username,
        summary=f"Percobaan masuk ditolak: '{username}' sedang dikunci",
    )
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    tokens = ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at")
    return render(
        request,
        "accounts/profile.html",
        {
            "memberships": user.memberships.select_related("agency"),
            "tokens": tokens,
            "form": ApiTokenForm(),
        },
    )


@capability_required(Capability.USE_API_TOKENS)
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    user: User = request.user  # type: ignore[assignment]
    if not form.is_valid():
        tokens = ApiToken.objects.filter(user=user)
        return render(
            request,
            "accounts/profile.html",
            {
                "memberships": user.memberships.select_related("agency"),
                "tokens": tokens,
                "form": form,
            },
            status=400,
        )
    try:
        issued = create_api_token(
            actor=user,
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            expires_at=form.expires_at(),
        )
    except TokenLimitReached:
        messages.error(
            request,
            _(
                "You have too many active tokens. Revoke one you no longer "
                "use, then create the new one."
            ),
        )
        return redirect("accounts:profile")
    # Rendered, not redirected: the raw token must not pass through the session or a URL.
    response = render(request, "accounts/token_created.html", {"issued": issued})
    response.headers["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, prefix: str) -> HttpResponse:
    token = get_object_or_404(ApiToken, prefix=prefix, user=request.user)
    revoke_api_token(actor=request.user, token=token)  # type: ignore[arg-type]
    messages.success(request, _("The token %(name)s has been revoked.") % {"name": token.name})
    return redirect("accounts:profile")


def agency_list(request: HttpRequest) -> HttpResponse:
    from satudata.catalog.models import Dataset

    visible = Dataset.objects.visible_to(request.user)
    agencies = Agency.objects.active().annotate(
        member_count=Count(
            "memberships", filter=Q(memberships__user__is_active=True), distinct=True
        ),
        dataset_count=Count("datasets", filter=Q(datasets__in=visible), distinct=True),
    )
    return render(request, "accounts/agency_list.html", {"agencies": agencies})


def agency_detail(request: HttpRequest, slug: str) -> HttpResponse:
    from satudata.catalog.models import Dataset

    agency = get_object_or_404(Agency.objects.active(), slug=slug)
    datasets = (
        Dataset.objects.visible_to(request.user)
        .filter(agency=agency)
        .select_related("item__data_list")
        .order_by("title")
    )
    return render(request, "accounts/agency_detail.html", {"agency": agency, "datasets": datasets})


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """The signed-in person's in-app notifications, newest first; posting marks them read."""
    user: User = request.user  # type: ignore[assignment]
    if request.method == "POST":
        mark_read(actor=user)
        return redirect("accounts:notifications")
    items = Notification.objects.filter(user=user)[:200]
    return render(request, "accounts/notifications.html", {"items": items})


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Open one notification: it is marked read and the person goes where it points (its link
    is a path on this site; anything else leads back to the inbox)."""
    user: User = request.user  # type: ignore[assignment]
    notification = open_notification(actor=user, pk=pk)
    if notification is None:
        raise Http404
    target = notification.url
    local = target.startswith("/") and not target.startswith("//")
    if local and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return redirect(target)
    return redirect("accounts:notifications")
