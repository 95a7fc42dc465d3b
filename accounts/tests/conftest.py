from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_login_counters() -> Any:
    """Failed-login counters live in the process's cache; each test starts (and leaves) it empty."""
    cache.clear()
    yield
    cache.clear()
