"""Health check, the audit log view and the error pages."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.dateparse import parse_date
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST

from satudata.accounts.permissions import capability_required
from satudata.accounts.roles import Capability
from satudata.core import health
from satudata.core import metrics as scrape
from satudata.core.audit import action_label, change_rows, known_actions, record
from satudata.core.models import AuditEvent


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Each part's state; 503 naming the failing parts. ``?check=database,storage`` checks only
    those, so a load balancer can ask about what this web process needs while monitoring asks
    about everything (a stopped scheduler should page someone, not take the site offline)."""
    asked = [part.strip() for part in request.GET.get("check", "").split(",") if part.strip()]
    unknown = sorted(set(asked) - set(health.CHECKS))
    if unknown:
        return JsonResponse(
            {
                "error": "unknown check",
                "unknown": [name[:40] for name in unknown[:10]],
                "known": list(health.CHECKS),
            },
            status=400,
        )
    results = health.run_checks(asked or list(health.CHECKS))
    failing = [name for name, result in results.items() if not result.ok]
    body: dict[str, Any] = {
        "status": "fail" if failing else "ok",
        "checks": {name: result.as_json() for name, result in results.items()},
    }
    if failing:
        body["failing"] = failing
    return JsonResponse(body, status=503 if failing else 200)


@require_safe
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus's text format, for the configured addresses or token only (403 otherwise)."""
    if not scrape.may_scrape(request):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain; charset=utf-8")
    return HttpResponse(scrape.exposition(), content_type=CONTENT_TYPE_LATEST)


AUDIT_PAGE_SIZE = 50


@capability_required(Capability.VIEW_AUDIT)
def audit_log(request: HttpRequest) -> HttpResponse:
    events = AuditEvent.objects.select_related("actor")
    filters = {
        "aksi": request.GET.get("aksi", "").strip(),
        "pelaku": request.GET.get("pelaku", "").strip()[:150],
        "objek": request.GET.get("objek", "").strip()[:100],
        "dari": request.GET.get("dari", "").strip(),
        "sampai": request.GET.get("sampai", "").strip(),
    }
    if filters["aksi"]:
        events = events.filter(action=filters["aksi"])
    if filters["pelaku"]:
        events = events.filter(actor_label__icontains=filters["pelaku"])
    if filters["objek"]:
        events = events.filter(object_repr__icontains=filters["objek"])
    start, end = parse_date(filters["dari"] or ""), parse_date(filters["sampai"] or "")
    if start:
        events = events.filter(at__date__gte=start)
    if end:
        events = events.filter(at__date__lte=end)
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("halaman"))
    query = request.GET.copy()
    query.pop("halaman", None)
    return render(
        request,
        "core/audit_log.html",
        {
            "page": page,
            "filters": filters,
            "actions": known_actions(),
            "rows": [
                (event, action_label(event.action), change_rows(event.changes)) for event in page
            ],
            "query": query.urlencode(),
        },
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 403 page. Every refusal passes through here, so here it is recorded."""
    user = (
        request.user if getattr(request, "user", None) and request.user.is_authenticated else None
    )
    record(
        "auth.permission_denied",
        actor=user,
        summary=f"Akses ditolak: {request.method} {request.path[:200]}",
        changes={"capability": [None, str(exception or "")[:100]]},
    )
    return render(request, "403.html", status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors here: the fault may be in the database they read.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render(), status=500)
