"""Requests per minute per token (or per session user): a fixed window counted in the Django cache.

Over the limit the API answers 429 with Retry-After (seconds until the window ends); every answer
carries X-RateLimit-Limit and X-RateLimit-Remaining.
"""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from api.auth import caller_key

WINDOW_SECONDS = 60


class PerCallerThrottle(BaseThrottle):
    def allow_request(self, request: HttpRequest) -> bool:
        key = caller_key(request)
        if key is None:
            return True
        limit = settings.PULT_API_REQUESTS_PER_MINUTE
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        cache_key = f"pult-api-rate:{key}:{window}"
        cache.add(cache_key, 0, timeout=WINDOW_SECONDS + 5)
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, 1, timeout=WINDOW_SECONDS + 5)
            count = 1
        request.rate_limit = (limit, max(0, limit - count))  # type: ignore[attr-defined]
        return count <= limit

    def wait(self) -> float:
        """Seconds until the current window ends (the same for every caller in a fixed window)."""
        return max(1.0, math.ceil(WINDOW_SECONDS - time.time() % WINDOW_SECONDS))
