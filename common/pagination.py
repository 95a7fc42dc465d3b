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
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


def capped_count(rows: QuerySet[Any], cap: int) -> int:
    """How many rows `rows` holds, counting no more than `cap` + 1 (any rows will do: no ordering).

    A search decides by such a count whether to rank its matches, and its pager shows one: the count is
    remembered with the query, by its SQL, so querysets made from it (a narrower `.only()`, another
    ordering) count once between them, and one with another filter counts anew.
    """
    counting = rows.order_by().values("pk")[: cap + 1]
    try:
        key = str(counting.query)
    except EmptyResultSet:  # a query that can match nothing (`.none()`, an empty IN): no SQL to run
        return 0
    remembered: dict[str, int] = rows.query.__dict__.setdefault("pult_capped_counts", {})
    if key not in remembered:
        remembered[key] = counting.count()
    return remembered[key]


class LargeListPaginator(Paginator):
    object_list: QuerySet[Any]

    def __init__(self, object_list: QuerySet[Any], per_page: int, *, cap: int | None = None) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap if cap is not None else settings.PULT_LIST_COUNT_CAP

    @cached_property
    def count(self) -> int:
        """The number of rows, but no more than `cap` + 1: any rows will do, so the ordering is dropped."""
        return capped_count(self.object_list, self.cap)

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
