"""Portal accounts: invited by e-mail, set their password, reset it, and stay apart from the staff pages."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import User
from portal.services import PortalError, invitation_tokens, invite_contact
from portal.tests.factories import PASSWORD, client_for
from testkit.factories import ContactFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Tavaszi-Szel-2026"


def link_in(message, path_start: str) -> str:
    body = message.get_body(("plain",)).get_content()
    match = re.search(rf"https?://\S+{re.escape(path_start)}\S+", body)
    assert match, body
    return urlsplit(match.group(0)).path


def hu(text: str) -> str:
    """A message as the Hungarian page shows it (the default language)."""
    with translation.override("hu"):
        return gettext(text)


def without_csrf(content: bytes) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content.decode())


def test_an_invited_contact_follows_the_link_sets_a_password_and_is_logged_in(smtp_server, users):
    contact = ContactFactory(name="Kiss Anna", email="anna@alfa.example")
    user = invite_contact(contact=contact, actor=users["administrator"])
    assert user.contact == contact and not user.has_usable_password()
    assert not user.groups.exists() and not user.user_permissions.exists()

    [message] = smtp_server.messages
    assert message["X-Envelope-To"] == "anna@alfa.example"
    path = link_in(message, "/portal/invitation/")

    client = Client()
    page = client.get(path)
    assert page.status_code == 200 and "Kiss Anna" in page.content.decode()
    weak = client.post(path, {"new_password1": "123", "new_password2": "123"})
    assert weak.status_code == 200 and "new_password2" in weak.context["form"].errors
    response = client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/portal/"
    assert response.context["user"] == user
    assert [message.level_tag for message in response.context["messages"]] == ["success"]

    # The link works once: with the password set it is refused.
    again = Client().get(path)
    assert again.status_code == 400 and hu("This link cannot be used") in again.content.decode()
    # And the contact logs in with the e-mail address and the new password.
    login = Client().post("/portal/login/", {"username": "ANNA@alfa.example", "password": NEW_PASSWORD})
    assert login.status_code == 302 and login["Location"] == "/portal/"


def test_an_invitation_link_expires_after_the_configured_days(smtp_server, users, settings, monkeypatch):
    settings.PULT_PORTAL_INVITATION_DAYS = 7
    user = invite_contact(contact=ContactFactory(), actor=users["administrator"])
    path = link_in(smtp_server.messages[0], "/portal/invitation/")
    token = path.rstrip("/").rsplit("/", 1)[1]
    real_now = invitation_tokens._now
    monkeypatch.setattr(invitation_tokens, "_now", lambda: real_now() + dt.timedelta(days=6))
    assert Client().get(path).status_code == 200
    monkeypatch.setattr(invitation_tokens, "_now", lambda: real_now() + dt.timedelta(days=7, minutes=1))
    assert not invitation_tokens.check_token(user, token)
    response = Client().post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 400
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_a_tampered_invitation_link_is_refused(smtp_server, users):
    invite_contact(contact=ContactFactory(), actor=users["administrator"])
    path = link_in(smtp_server.messages[0], "/portal/invitation/")
    assert Client().get(path[:-3] + "xx/").status_code == 400
    assert Client().get("/portal/invitation/!!!/abc-def/").status_code == 400


def test_inviting_again_reuses_the_account_and_a_contact_without_e_mail_is_refused(smtp_server, users):
    contact = ContactFactory()
    first = invite_contact(contact=contact, actor=users["administrator"])
    second = invite_contact(contact=contact, actor=users["administrator"])
    assert first.pk == second.pk and User.objects.filter(contact=contact).count() == 1
    assert len(smtp_server.messages) == 2
    with pytest.raises(PortalError) as refused:
        invite_contact(contact=ContactFactory(email=""), actor=users["administrator"])
    assert "nincs e-mail-címe" in str(refused.value.message)
    assert len(smtp_server.messages) == 2


def test_the_admin_action_invites_contacts_and_refuses_those_without_e_mail(smtp_server, db):
    admin = User.objects.create_superuser("boss", "boss@pult.example", PASSWORD)
    with_mail, without = ContactFactory(name="Van Címe"), ContactFactory(name="Nincs Címe", email="")
    response = client_for(admin).post(
        "/admin/customers/contact/",
        {"action": "invite_to_portal", "_selected_action": [with_mail.pk, without.pk]},
        follow=True,
    )
    text = response.content.decode()
    assert User.objects.filter(contact=with_mail).exists()
    assert not User.objects.filter(contact=without).exists()
    assert "Nincs Címe" in text
    assert [m["X-Envelope-To"] for m in smtp_server.messages] == [with_mail.email]


def test_the_contact_page_saves_and_invites(smtp_server, db):
    admin = User.objects.create_superuser("boss", "boss@pult.example", PASSWORD)
    contact = ContactFactory(name="Oldal Olga")
    client = client_for(admin)
    url = f"/admin/customers/contact/{contact.pk}/change/"
    assert 'name="_invite_portal"' in client.get(url).content.decode()
    data = {
        "customer": contact.customer_id,
        "name": "Oldal Olga",
        "email": "olga@alfa.example",
        "preferred_channel": contact.preferred_channel,
        "is_active": "on",
        "_invite_portal": "1",
    }
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == url
    assert User.objects.get(contact=contact).email == "olga@alfa.example"
    assert [m["X-Envelope-To"] for m in smtp_server.messages] == ["olga@alfa.example"]


def test_password_reset_mails_a_portal_link_and_an_unknown_address_gets_the_same_page(smtp_server, customer_a):
    client = Client()
    known = client.post("/portal/password-reset/", {"email": customer_a.email.upper()}, follow=True)
    unknown = client.post("/portal/password-reset/", {"email": "senki@sehol.example"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain == [("/portal/password-reset/done/", 302)]
    assert without_csrf(known.content) == without_csrf(unknown.content)
    [message] = smtp_server.messages
    assert message["X-Envelope-To"] == customer_a.email
    path = link_in(message, "/portal/password-reset/")

    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/portal/password-reset/complete/"
    assert Client().login(username=customer_a.username, password=NEW_PASSWORD)
    assert not Client().get(path, follow=True).context["validlink"]


def test_a_staff_account_gets_no_portal_reset_mail(smtp_server, users):
    staff = users["agent"]
    response = Client().post("/portal/password-reset/", {"email": staff.email}, follow=True)
    assert response.redirect_chain == [("/portal/password-reset/done/", 302)]
    assert smtp_server.messages == []


def test_a_staff_account_cannot_log_in_to_the_portal(users):
    response = Client().post("/portal/login/", {"username": users["agent"].username, "password": PASSWORD})
    assert response.status_code == 200
    assert hu("This is a staff account. Staff log in on the staff login page.") in response.content.decode()
    assert "_auth_user_id" not in response.client.session


def test_a_logged_in_staff_member_is_told_to_use_the_staff_pages(users):
    response = client_for(users["agent"]).get("/portal/")
    assert response.status_code == 403
    assert 'href="/"' in response.content.decode()


def test_an_inactive_contact_cannot_log_in(customer_a):
    customer_a.contact.is_active = False
    customer_a.contact.save()
    response = Client().post("/portal/login/", {"username": customer_a.email, "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in response.client.session
    assert hu("This portal account is no longer active. Please call the service desk.") in response.content.decode()


def test_anonymous_visitors_go_to_the_portal_login(db):
    response = Client().get("/portal/requests/new/")
    assert response.status_code == 302 and response["Location"] == "/portal/login/?next=/portal/requests/new/"
    login = Client().get("/portal/login/")
    assert login.status_code == 200 and '<table class="hours">' in login.content.decode()


def test_a_portal_account_cannot_use_the_staff_login_or_reach_staff_pages(customer_a):
    staff_login = Client().post("/login/", {"username": customer_a.username, "password": PASSWORD})
    assert staff_login.status_code == 200 and "_auth_user_id" not in staff_login.client.session
    client = client_for(customer_a)
    for path in ("/tickets/", "/admin/", "/", "/complaints/", "/report/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == "/portal/", path
    api = client.get("/api/v1/tickets/")
    assert api.status_code == 403 and api["Content-Type"].startswith("application/json")
    assert client.post("/tickets/").status_code == 403


def test_logging_out_ends_the_portal_session(customer_a):
    client = client_for(customer_a)
    response = client.post("/portal/logout/")
    assert response.status_code == 302 and response["Location"] == "/portal/login/"
    assert client.get("/portal/").status_code == 302


def test_the_portal_speaks_hungarian_by_default_and_english_when_chosen(customer_a):
    client = client_for(customer_a)
    assert '<html lang="hu">' in client.get("/portal/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/portal/"})
    page = client.get("/portal/").content.decode()
    assert '<html lang="en">' in page and "My requests" in page
