from __future__ import annotations

from django.contrib import admin

from satudata.catalog.models import CodeValue, DataItem, DataList, Variable
from satudata.core.admin import AuditedModelAdmin


class CodeValueInline(admin.TabularInline):  # type: ignore[type-arg]
    model = CodeValue
    extra = 2


@admin.register(Variable)
class VariableAdmin(AuditedModelAdmin):
    list_display = ["name", "agency", "data_type", "unit", "is_public"]
    list_filter = ["data_type", "agency"]
    search_fields = ["name", "alias"]
    inlines = [CodeValueInline]


@admin.register(DataList)
class DataListAdmin(AuditedModelAdmin):
    list_display = ["year", "status", "approved_at"]
    readonly_fields = ["status", "approved_at", "approved_by"]

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(DataItem)
class DataItemAdmin(AuditedModelAdmin):
    list_display = ["name", "agency", "data_list", "frequency", "level", "release_schedule"]
    list_filter = ["data_list", "agency", "frequency"]
    search_fields = ["name"]

    def has_change_permission(self, request: object, obj: DataItem | None = None) -> bool:
        # A frozen list no longer changes, not even in the administration site.
        return obj is None or not obj.data_list.is_frozen

    def has_delete_permission(self, request: object, obj: DataItem | None = None) -> bool:
        return obj is None or not obj.data_list.is_frozen
