"""Reference data that ships in data migrations comes back when a database is emptied by `flush`.

`flush` (a reset, a test harness between transactional tests) deletes every row but does not rerun data
migrations; it does send `post_migrate`. A receiver made here reruns the migration's seeding function then,
only when the model's table is empty, so rows an administrator edited or deleted are never touched.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from django.apps import apps as global_apps


def reseed_when_empty(app_label: str, model: str, *steps: tuple[str, str]) -> Callable[..., None]:
    """A post_migrate receiver running the (migration, function) steps in order when `model` has no rows."""

    def receiver(sender: Any, using: str = "default", **kwargs: Any) -> None:
        if global_apps.get_model(app_label, model).objects.using(using).exists():
            return
        for migration, function in steps:
            getattr(importlib.import_module(f"{app_label}.migrations.{migration}"), function)(global_apps, None)

    return receiver
