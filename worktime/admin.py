from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from common.admin_dates import BoundedDates
from common.admin_search import FoldedSearch
from worktime.models import CalendarException, OpeningHours, ServiceLevel


@admin.register(OpeningHours)
class OpeningHoursAdmin(admin.ModelAdmin):
    """One row per weekday, created by the migration: edited, never added or deleted."""

    list_display = ("weekday", "opens", "closes")
    list_editable = ("opens", "closes")
    ordering = ("weekday",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("weekday",)


@admin.register(CalendarException)
class CalendarExceptionAdmin(BoundedDates, FoldedSearch):
    list_display = ("date", "opens", "closes", "reason")
    date_hierarchy = "date"
    search_fields = ("reason",)


@admin.register(ServiceLevel)
class ServiceLevelAdmin(admin.ModelAdmin):
    list_display = (
        "priority",
        "customer",
        "module",
        "verify_minutes",
        "route_minutes",
        "resolve_minutes",
        "notify_minutes",
        "warn_percent",
    )
    list_filter = ("priority",)
    list_select_related = ("customer", "module")
    autocomplete_fields = ("customer",)
