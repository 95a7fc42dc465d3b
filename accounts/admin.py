from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role
from common.admin_dates import BoundedDates
from common.admin_search import FoldedSearch


def role_label(group: Group) -> str:
    """A role's name as people say it ("Panaszfelelős-helyettes"); the group's own name is its code."""
    return str(Role(group.name).label) if group.name in Role.values else group.name


@admin.register(User)
class UserAdmin(BoundedDates, FoldedSearch, DjangoUserAdmin):
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Service desk"), {"fields": ("phone", "away_from", "away_until")}),
    )
    list_display = ("username", "last_name", "first_name", "email", "is_active")
    list_filter = ("is_active", "groups")
    search_fields = ("username", "first_name", "last_name", "email")
    search_phone_fields = ("phone",)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "groups" and field is not None:
            field.label_from_instance = role_label  # type: ignore[method-assign,assignment]  # roles by name
        return field

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Roles are given as groups; only a superuser may hand out superuser status or single permissions,
        # so an administrator cannot raise their own (or anyone's) rights past the roles.
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions"]
        return readonly


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(FoldedSearch, DjangoGroupAdmin):
    list_display = ("role", "name")

    @admin.display(description=_("Role"))
    def role(self, group: Group) -> str:
        return role_label(group)
