"""The administration site's view of promotion: subscribers (personal data: only the site's
administrators see the addresses) and what each was sent. Nothing here is deleted: a subscriber
who leaves is kept as unsubscribed, deliveries are the record of what went out."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from satudata.core.admin import AuditedModelAdmin
from satudata.promotion.models import Delivery, Dispatch, Subscriber, Topic


class TopicInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Topic
    extra = 0


@admin.register(Subscriber)
class SubscriberAdmin(AuditedModelAdmin):
    list_display = ["email", "state", "frequency", "language", "everything", "created_at"]
    list_filter = ["state", "frequency", "language", "everything"]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    readonly_fields = ["nonce", "created_at", "confirmed_at", "unsubscribed_at", "suspended_at"]
    inlines = [TopicInline]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Dispatch)
class DispatchAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["pk", "kind", "release", "entry", "created_at", "recipients", "finished_at"]
    list_filter = ["kind"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(DispatchAdmin):
    list_display = ["pk", "dispatch", "subscriber", "state", "attempts", "sent_at", "error"]
    list_filter = ["state", "dispatch__kind"]
    date_hierarchy = "sent_at"
    list_select_related = ["dispatch", "subscriber"]
