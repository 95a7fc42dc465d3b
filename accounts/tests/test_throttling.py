"""The throttle counters in the database: atomic under concurrent attempts, restarted after their window, purged."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from accounts import throttling
from accounts.models import ThrottleCounter
from accounts.tasks import throttle_counter_purge_task


@pytest.mark.django_db(transaction=True)
def test_attempts_counted_from_eight_threads_at_once_are_all_counted():
    key = throttling.throttle_key("login-account", "kiss.anna")
    barrier = threading.Barrier(8)
    seen: list[int] = []

    def attempts() -> None:
        try:
            barrier.wait()
            for _n in range(25):
                seen.append(throttling.count_attempt(key, window_seconds=600))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempts) for _n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(seen) == list(range(1, 201))  # no count lost, none given twice
    assert ThrottleCounter.objects.get(key=key).count == 200


@pytest.mark.django_db
def test_a_count_starts_again_once_its_window_has_passed():
    key = throttling.throttle_key("reset-target", "anna@alfa.example")
    assert [throttling.count_attempt(key, window_seconds=600) for _n in range(3)] == [1, 2, 3]
    ThrottleCounter.objects.filter(key=key).update(window_ends=time.time() - 1)
    assert throttling.count_attempt(key, window_seconds=600) == 1
    assert ThrottleCounter.objects.get(key=key).window_ends > time.time() + 590


@pytest.mark.django_db
def test_no_name_or_address_is_stored_in_a_counter():
    throttling.count_attempt(throttling.throttle_key("login-address", "203.0.113.9"), window_seconds=60)
    [key] = ThrottleCounter.objects.values_list("key", flat=True)
    assert key.startswith("login-address:") and "203.0.113.9" not in key


@pytest.mark.django_db
def test_the_hourly_purge_removes_expired_counters_and_keeps_running_windows_and_locks():
    now = time.time()
    ThrottleCounter.objects.bulk_create(
        [
            ThrottleCounter(key="expired", count=3, window_ends=now - 10),
            ThrottleCounter(key="lock-over", count=0, window_ends=now - 10, locked_until=now - 5),
            ThrottleCounter(key="counting", count=2, window_ends=now + 300),
            ThrottleCounter(key="locked", count=0, window_ends=now - 10, locked_until=now + 300),
        ]
    )
    throttle_counter_purge_task.call_local()
    assert set(ThrottleCounter.objects.values_list("key", flat=True)) == {"counting", "locked"}
