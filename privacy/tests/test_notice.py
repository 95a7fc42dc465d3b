"""The privacy notice in the customer portal: open to anyone, linked from the portal, with the settings' data."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import ngettext

from portal.tests.factories import portal_account
from privacy.tests.helpers import client_for

pytestmark = pytest.mark.django_db


def test_anyone_can_read_the_notice_with_the_company_and_the_retention_periods(settings: Any) -> None:
    settings.PULT_COMPANY_NAME = "Próba Szoftver Zrt."
    settings.PULT_COMPANY_ADDRESS = "6720 Szeged, Dóm tér 1."
    settings.PULT_RETENTION_CLOSED_TICKET_YEARS = 7
    settings.PULT_RETENTION_RAW_EMAIL_DAYS = 180
    settings.PULT_COMPLAINT_RETENTION_YEARS = 4
    settings.PULT_RETENTION_ACCESS_LOG_YEARS = 6
    response = Client().get("/portal/privacy/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Próba Szoftver Zrt." in text and "6720 Szeged, Dóm tér 1." in text
    with translation.override("hu"):
        for count, singular, plural in [
            (7, "%(years)s year", "%(years)s years"),
            (4, "%(years)s year", "%(years)s years"),
            (6, "%(years)s year", "%(years)s years"),
        ]:
            assert ngettext(singular, plural, count) % {"years": count} in text
        assert ngettext("%(days)s day", "%(days)s days", 180) % {"days": 180} in text
    assert "1055 Budapest, Falk Miksa utca 9–11." in text
    assert "ugyfelszolgalat@naih.hu" in text


def test_the_portal_links_the_notice_from_its_login_page_and_every_page(users: Any, contact: Any) -> None:
    login_page = Client().get("/portal/login/").content.decode()
    assert login_page.count('href="/portal/privacy/"') == 2  # the footer and the sentence under the form
    portal_user = portal_account(contact)
    home = client_for(portal_user).get("/portal/")
    assert home.status_code == 200
    assert 'href="/portal/privacy/"' in home.content.decode()
    assert client_for(portal_user).get("/portal/privacy/").status_code == 200
