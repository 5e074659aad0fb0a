from __future__ import annotations

from django.contrib import admin

from satudata.core.admin import AuditedModelAdmin
from satudata.regions.models import Region


@admin.register(Region)
class RegionAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "kind", "bps_code"]
    list_filter = ["level", "kind"]
    search_fields = ["code", "name", "bps_code"]
    readonly_fields = ["code", "level", "kind", "parent"]

    def has_add_permission(self, request: object) -> bool:
        # New codes come from the Kemendagri list through ``manage.py import_regions``.
        return False
