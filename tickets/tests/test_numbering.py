"""Ticket numbers: 2026/000123, unique, increasing and gap-free within a year, also under concurrency."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from testkit.workflow import register
from tickets.models import Ticket, TicketNumberSequence


@pytest.mark.django_db
def test_numbers_are_consecutive_and_formatted_with_the_year(users, contact):
    year = timezone.localtime().year
    numbers = [register(users, contact).number for _ in range(3)]
    assert numbers == [f"{year}/000001", f"{year}/000002", f"{year}/000003"]


@pytest.mark.django_db
def test_a_registration_that_fails_leaves_no_gap(users, contact):
    first = register(users, contact)
    with pytest.raises(RuntimeError), transaction.atomic():
        register(users, contact)
        raise RuntimeError("the intake failed after the number was taken")
    second = register(users, contact)
    assert second.sequence == first.sequence + 1


@pytest.mark.django_db
def test_each_year_starts_from_one(users, contact):
    TicketNumberSequence.objects.create(year=timezone.localtime().year - 1, last_number=4711)
    assert register(users, contact).sequence == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_get_distinct_gap_free_numbers(users, contact):
    workers, per_worker = 8, 5
    errors: list[BaseException] = []
    barrier = threading.Barrier(workers)

    def register_some() -> None:
        try:
            barrier.wait(timeout=30)
            for _ in range(per_worker):
                register(users, contact)
        except BaseException as exc:  # reported below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=register_some) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    sequences = sorted(Ticket.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, workers * per_worker + 1))
    assert Ticket.objects.values("number").distinct().count() == workers * per_worker
