"""Administration-site base that writes every add, change and delete to the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.forms import ModelForm
from django.http import HttpRequest

from satudata.core.audit import diff, record, snapshot
from satudata.core.models import AuditEvent, ScheduledRun, SiteProfile


def _fields(obj: models.Model) -> list[str]:
    return [
        f.attname
        for f in obj._meta.concrete_fields
        if f.attname not in {"password", "key_hash", "last_login"}
    ]


class AuditedModelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        with transaction.atomic():
            before: dict[str, Any] = {}
            if change and obj.pk is not None:
                old = type(obj)._default_manager.filter(pk=obj.pk).first()
                before = snapshot(old, _fields(old)) if old is not None else {}
            super().save_model(request, obj, form, change)
            after = snapshot(obj, _fields(obj))
            record(
                "admin.changed" if change else "admin.created",
                actor=request.user,
                obj=obj,
                changes=diff(before, after),
                summary=f"{obj._meta.verbose_name} {'diubah' if change else 'dibuat'} "
                "di halaman administrasi",
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            record(
                "admin.deleted",
                actor=request.user,
                obj=obj,
                changes=diff(snapshot(obj, _fields(obj)), {}),
                summary=f"{obj._meta.verbose_name} dihapus di halaman administrasi",
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["at", "actor_label", "action", "object_repr", "ip_address"]
    list_filter = ["action"]
    search_fields = ["actor_label", "object_repr", "summary"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SiteProfile)
class SiteProfileAdmin(AuditedModelAdmin):
    list_display = ["site_name", "regency_name", "region_code"]


@admin.register(ScheduledRun)
class ScheduledRunAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "slot_start", "enqueued_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
