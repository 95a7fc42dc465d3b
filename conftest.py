from __future__ import annotations

from typing import Any

import pytest

from accounts.roles import Role
from common.testing.factories import ContactFactory, ModuleFactory, user_with_role


@pytest.fixture
def users(db: Any) -> dict[str, Any]:
    """One user per role, keyed by the role's value; plus a second executor."""
    result = {role.value: user_with_role(role, username=role.value) for role in Role}
    result["other_executor"] = user_with_role(Role.EXECUTOR, username="other_executor")
    return result


@pytest.fixture
def contact(db: Any) -> Any:
    return ContactFactory()


@pytest.fixture
def module(db: Any) -> Any:
    return ModuleFactory()
