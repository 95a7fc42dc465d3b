from django.contrib import admin
from django.http import HttpRequest

from common.admin_dates import BoundedDates
from common.admin_search import FoldedSearch
from retention.models import DeletionLogEntry


@admin.register(DeletionLogEntry)
class DeletionLogEntryAdmin(BoundedDates, FoldedSearch):
    """Read only: the log is written by erasure and the retention task, never by hand."""

    list_display = ("at", "kind", "what", "count", "reference", "actor", "dry_run")
    list_filter = ("kind", "what", "dry_run")
    search_fields = ("reference", "reason")
    date_hierarchy = "at"
    list_select_related = ("actor",)

    def get_readonly_fields(self, request: HttpRequest, obj: DeletionLogEntry | None = None) -> list[str]:
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: DeletionLogEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: DeletionLogEntry | None = None) -> bool:
        return False
