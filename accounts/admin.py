from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Service desk"), {"fields": ("phone",)}),
    )
    list_display = ("username", "last_name", "first_name", "email", "is_active")
    list_filter = ("is_active", "groups")
