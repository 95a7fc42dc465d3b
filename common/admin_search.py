"""The Django admin's search boxes through the one lookup (`common.lookup`): accents, case and word order
aside, phone numbers in any form. Every ModelAdmin of Pult with a search box is a `FoldedSearch`."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from common.lookup import lookup


class FoldedSearch(admin.ModelAdmin):
    """Searches `search_fields` (folded) and `search_phone_fields` (as digits) instead of Django's icontains."""

    search_phone_fields: tuple[str, ...] = ()

    def get_search_results(self, request: HttpRequest, queryset: Any, search_term: str) -> tuple[Any, bool]:
        if not search_term.strip():
            return queryset, False
        fields = [field.lstrip("^=@") for field in self.search_fields]
        return lookup(queryset, search_term, fields, phone_fields=self.search_phone_fields), False
