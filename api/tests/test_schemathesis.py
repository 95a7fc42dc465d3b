"""Schemathesis against the served OpenAPI document: no server error, no answer that breaks the schema.

The live server shares the test database (transactional test), so the manager's token created here is
real; writes are allowed, it is a test database.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from accounts.roles import Role
from api.services import token_create
from testkit.factories import ContactFactory, ModuleFactory, user_with_role
from testkit.workflow import register

LIVE: dict[str, str] = {}  # the live server's address and the token, set by the fixture for each operation

pytestmark = [pytest.mark.xdist_group("schemathesis"), pytest.mark.django_db(transaction=True)]


@pytest.fixture
def api_schema(live_server: Any, transactional_db: Any, settings: Any) -> Any:
    settings.PULT_API_REQUESTS_PER_MINUTE = 100_000
    manager = user_with_role(Role.MANAGER, username="schemathesis")
    contact = ContactFactory()
    ModuleFactory()
    register({"agent": user_with_role(Role.AGENT)}, contact)
    token = token_create(user=manager, name="schemathesis").plain
    LIVE.update(token=token, base_url=live_server.url)
    return schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_api_answers_every_generated_request_within_its_schema(case: Any) -> None:
    case.call_and_validate(
        base_url=LIVE["base_url"],
        headers={"Authorization": f"Bearer {LIVE['token']}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
