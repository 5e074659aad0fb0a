from __future__ import annotations

from django.contrib import admin

from satudata.core.admin import AuditedModelAdmin
from satudata.sop.models import Holiday


@admin.register(Holiday)
class HolidayAdmin(AuditedModelAdmin):
    list_display = ["date", "name", "kind"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["name"]
