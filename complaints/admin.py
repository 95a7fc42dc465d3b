"""The admin holds the complaint register's reference data and its deletion log, never the complaints:
those are reached only through the pages, which keep them from the employees they concern."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from common.admin_search import FoldedSearch
from complaints.models import PurgeLogEntry, RedressBody


@admin.register(RedressBody)
class RedressBodyAdmin(FoldedSearch):
    list_display = ("county", "kind", "name", "seat", "phone", "web", "updated_at")
    list_filter = ("kind",)
    search_fields = ("name", "seat", "county")
    ordering = ("kind", "county")


@admin.register(PurgeLogEntry)
class PurgeLogEntryAdmin(FoldedSearch):
    list_display = ("number", "retained_until", "purged_at")
    search_fields = ("number",)
    readonly_fields = ("complaint", "number", "retained_until", "purged_at", "removed")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
