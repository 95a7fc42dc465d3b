"""Reference data Pult ships with survives a database emptied by `flush` (a reset, a test harness)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from complaints.models import RedressBody
from library.models import Category
from mail.models import MessageTemplate
from worktime.models import OpeningHours


@pytest.mark.django_db(transaction=True)
def test_flush_brings_back_the_shipped_reference_data_but_keeps_an_edited_list() -> None:
    call_command("flush", interactive=False, verbosity=0)
    # The seed's opening hours: Monday 7:30–16:30, Friday 8:00–14:00, closed on Sunday.
    assert OpeningHours.objects.get(weekday=0).opens.strftime("%H:%M") == "07:30"
    assert OpeningHours.objects.get(weekday=4).closes.strftime("%H:%M") == "14:00"
    assert OpeningHours.objects.get(weekday=6).opens is None
    # The acknowledgement texts, in their latest shipped wording (with when a request will be handled).
    acknowledgement = MessageTemplate.objects.get(key="acknowledgement", language="hu")
    assert "{{ number }} számon rögzítettük.{% if handling %}" in acknowledgement.body
    # A refusal can name the Budapest conciliation body and the authority; documents can be shelved.
    assert RedressBody.objects.filter(kind="conciliation", county="budapest").exists()
    assert RedressBody.objects.filter(kind="authority", county="budapest").exists()
    assert set(Category.objects.values_list("slug", flat=True)) >= {"module-documentation", "complaint-handling"}

    # An administrator's own list is never overwritten by the next migrate.
    RedressBody.objects.exclude(county="budapest").delete()
    Category.objects.exclude(slug="module-documentation").delete()
    call_command("migrate", verbosity=0)
    assert set(RedressBody.objects.values_list("county", flat=True)) == {"budapest"}
    assert list(Category.objects.values_list("slug", flat=True)) == ["module-documentation"]
