from django.contrib import admin

from worker.models import Lease


@admin.register(Lease)
class LeaseAdmin(admin.ModelAdmin):
    """Read-only: who runs which job now. A lease of a dead process is taken over by the next run."""

    list_display = ("name", "holder", "acquired_at", "expires_at")
    readonly_fields = ("name", "holder", "token", "acquired_at", "expires_at")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
