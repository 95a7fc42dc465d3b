from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from api.ratelimit import WINDOW_SECONDS


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Any:
    """Each test starts with empty rate-limit windows (the counters live in the process's cache)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def fresh_window() -> None:
    """Start a rate-limit test well inside a minute window, so the window cannot roll over mid-test."""
    import time

    left = WINDOW_SECONDS - time.time() % WINDOW_SECONDS
    if left < 5:
        time.sleep(left + 0.1)
