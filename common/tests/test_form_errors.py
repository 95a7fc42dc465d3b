"""Every form sent empty says what is missing next to the field it concerns, in the page that comes back.

Each ticket step offered along the seed path, each complaint step, the intake sheets, the complaint form
and the portal's request form are sent with nothing filled in; for every field the form refuses, its
error must stand inside that field's own block (`templates/partials/_field.html`), not only at the top.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from complaints.choices import ComplaintState
from complaints.forms import STEP_FORMS as COMPLAINT_STEP_FORMS
from complaints.forms import offered_steps
from portal.tests.factories import portal_account
from testkit.complaints import phone_complaint, walk_to
from testkit.factories import ContactFactory
from testkit.workflow import PATH, advance, register
from tickets import workflow
from tickets.forms import STEP_FORMS as TICKET_STEP_FORMS

pytestmark = pytest.mark.django_db

FIELD_BLOCK = re.compile(
    r'<div class="field[^"]*">(.*?)</div>\s*(?=<div class="field|<button|</form|<fieldset|<p)', re.S
)


def client_of(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def misplaced_errors(page: str, errors: dict[str, list[str]], prefix: str = "") -> list[str]:
    """The field errors of `errors` that do not stand in the block of their own field."""
    blocks = FIELD_BLOCK.findall(page)
    misplaced = []
    for field, messages in errors.items():
        if field == "__all__":
            continue
        name = f"{prefix}-{field}" if prefix else field
        own = [block for block in blocks if f'name="{name}"' in block]
        for message in messages:
            if not any(html.escape(message) in block or message in html.unescape(block) for block in own):
                misplaced.append(f"{name}: {message}")
    return misplaced


def test_every_ticket_step_shows_its_errors_next_to_the_fields(users: dict[str, Any]) -> None:
    contact = ContactFactory()
    checked = set()
    for state in PATH:
        ticket = advance(register(users, contact), state, users)
        for role in ("agent", "dispatcher", "executor"):
            user = users[role]
            for step in workflow.allowed_steps(user, ticket):
                if step in checked or step not in TICKET_STEP_FORMS:
                    continue
                response = client_of(user).post(
                    reverse("tickets:step", args=[ticket.year, ticket.sequence, step]),
                    {f"{step}-version": ticket.version},
                )
                form = response.context["step_forms"][0] if response.status_code == 400 else None
                if form is None or not form.errors:
                    continue  # the step needs nothing (and was taken on a copy of the ticket)
                checked.add(step)
                assert misplaced_errors(response.content.decode(), form.errors, prefix=step) == [], step
    assert {"verify", "route_to_executor", "log_work", "complete", "log_test", "record_notification"} & checked


def test_every_complaint_step_shows_its_errors_next_to_the_fields(users: dict[str, Any]) -> None:
    checked = set()
    for state in (ComplaintState.INVESTIGATING, ComplaintState.PROPOSED, ComplaintState.DECIDED):
        complaint = walk_to(phone_complaint(users), state, users)
        for role in ("complaint_officer", "executive"):
            for step in offered_steps(users[role], complaint):
                if step in checked or step not in COMPLAINT_STEP_FORMS:
                    continue
                response = client_of(users[role]).post(
                    reverse("complaints:step", args=[complaint.year, complaint.sequence, step]),
                    {f"{step}-version": complaint.version},
                )
                if response.status_code != 400:
                    continue
                form = response.context["step_forms"][0]
                checked.add(step)
                assert misplaced_errors(response.content.decode(), form.errors, prefix=step) == [], step
    assert {"entry", "propose", "decide", "answer"} <= checked


@pytest.mark.parametrize(
    "url_name,role",
    [("intake:oral", "agent"), ("intake:written", "agent"), ("complaints:record", "agent")],
)
def test_the_entry_forms_show_their_errors_next_to_the_fields(users: dict[str, Any], url_name: str, role: str) -> None:
    response = client_of(users[role]).post(reverse(url_name), {"subject": ""})  # sent, with nothing in it
    assert response.status_code in (200, 400)
    form = response.context["form"]
    assert form.errors
    assert misplaced_errors(response.content.decode(), form.errors) == []


def test_the_portals_request_form_shows_its_errors_next_to_the_fields(db: Any) -> None:
    response = client_of(portal_account()).post(reverse("portal:new_request"), {"subject": ""})
    form = response.context["form"]
    assert form.errors
    assert misplaced_errors(response.content.decode(), form.errors) == []
