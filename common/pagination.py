"""A pager for lists that can hold a million rows.

Counting every matching row and skipping thousands of joined rows are what make deep pages slow, so
this pager counts at most `cap` rows (PULT_LIST_COUNT_CAP; the list then says "more than 10 000") and
fetches a page in two steps: the page's primary keys first, through the ordering's index alone, then
those rows with their joined columns.
Three queries per page whatever the size of the table.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


class LargeListPaginator(Paginator):
    object_list: QuerySet[Any]

    def __init__(self, object_list: QuerySet[Any], per_page: int, *, cap: int | None = None) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap if cap is not None else settings.PULT_LIST_COUNT_CAP

    @cached_property
    def count(self) -> int:
        """The number of rows, but no more than `cap` + 1: any rows will do, so the ordering is dropped."""
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        """True when there are more rows than were counted; the list then says "more than …"."""
        return self.count > self.cap

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        keys = list(self.object_list.values_list("pk", flat=True)[bottom : bottom + self.per_page])
        rows = list(self.object_list.filter(pk__in=keys)) if keys else []
        return Page(rows, number, self)
