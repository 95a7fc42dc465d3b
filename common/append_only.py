"""Logs that are only ever added to: timelines, the access log, the deletion log.

The model refuses to save an existing row or delete one, and its queryset refuses bulk `update` and
`delete`; database triggers refuse the same from any SQL where a migration adds them. The one deliberate
way past, for redaction under the retention rules, is `retention.redaction.triggers_suspended` with a plain
`QuerySet.update`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError(self.model.APPEND_ONLY_MESSAGE)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError(self.model.APPEND_ONLY_MESSAGE)


class AppendOnlyModel(models.Model):
    APPEND_ONLY_MESSAGE: ClassVar[str] = "This log is append-only."

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise PermissionError(self.APPEND_ONLY_MESSAGE)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError(self.APPEND_ONLY_MESSAGE)
