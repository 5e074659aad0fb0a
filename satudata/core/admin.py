"""Administration-site base that writes every add, change and delete to the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import models, transaction
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from satudata.core import mail
from satudata.core.audit import diff, record, snapshot
from satudata.core.models import (
    AuditEvent,
    MailStatus,
    OutgoingMail,
    OutgoingMailAttachment,
    ScheduledRun,
    SiteProfile,
)


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


class OutgoingMailAttachmentInline(admin.TabularInline):  # type: ignore[type-arg]
    model = OutgoingMailAttachment
    fields = ["filename", "mimetype"]
    readonly_fields = ["filename", "mimetype"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Every message the platform sent or tried to send: failures, their errors, and a way to
    send them again once the mail server is fixed."""

    list_display = ["created_at", "kind", "subject", "recipients", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["subject", "to", "last_error"]
    date_hierarchy = "created_at"
    inlines = [OutgoingMailAttachmentInline]
    actions = ["send_again"]
    readonly_fields = [
        "kind",
        "to",
        "reply_to",
        "subject",
        "body",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "enqueued_at",
        "claimed_at",
        "sent_at",
    ]

    @admin.display(description=_("recipients"))
    def recipients(self, obj: OutgoingMail) -> str:
        return ", ".join(obj.to)

    @admin.action(description=_("Send the selected e-mails again"), permissions=["change"])
    def send_again(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            chosen = list(queryset.filter(status__in=[MailStatus.FAILED, MailStatus.QUEUED]))
            count = mail.send_again(chosen)
            for item in chosen:
                record(
                    "core.mail_send_again",
                    actor=request.user,
                    obj=item,
                    summary=f"E-mail dikirim ulang: {item.subject}"[:500],
                )
        self.message_user(
            request,
            ngettext(
                "%(count)d e-mail queued to be sent again.",
                "%(count)d e-mails queued to be sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # the list and its action need it; a message itself is read-only
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
