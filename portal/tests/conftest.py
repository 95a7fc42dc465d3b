from __future__ import annotations

from typing import Any

import pytest

from portal.tests.factories import portal_account
from testkit.factories import ContactFactory


@pytest.fixture
def customer_a(db: Any) -> Any:
    """A contact of one customer, with a portal account."""
    return portal_account(ContactFactory(name="Kiss Anna", customer__name="Alfa Kft."))


@pytest.fixture
def customer_b(db: Any) -> Any:
    """A contact of another customer, with a portal account."""
    return portal_account(ContactFactory(name="Nagy Béla", customer__name="Béta Bt."))
