"""Categories are edited in the admin; documents are published through the library pages (their versions,
files and search text are kept by library.services), so the admin only lists them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from common.admin_search import FoldedSearch
from library.models import Category, Document


@admin.register(Category)
class CategoryAdmin(FoldedSearch):
    list_display = ("name", "name_en", "slug", "order")
    list_editable = ("order",)
    search_fields = ("name", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(Document)
class DocumentAdmin(FoldedSearch):
    list_display = ("title", "category", "module", "visibility", "is_archived", "updated_at")
    list_filter = ("category", "visibility", "is_archived")
    list_select_related = ("category", "module")
    search_fields = ("title",)
    fields = ("title", "summary", "category", "module", "visibility", "is_archived", "created_at", "updated_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
