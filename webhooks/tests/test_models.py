"""What a hook may be: http(s) URLs only, a strong generated secret, known events."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError

from tickets.choices import Action
from webhooks.models import Webhook

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", ["ftp://example.com/hook", "javascript:alert(1)", "file:///etc/passwd", "not a url", "//example.com/x"]
)
def test_only_http_and_https_urls_are_accepted(url):
    with pytest.raises(ValidationError) as refused:
        Webhook(name="Integráció", url=url).full_clean()
    assert "url" in refused.value.message_dict


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/hook", "https://integracio.example.hu/pult?x=1"])
def test_http_and_https_urls_are_accepted(url):
    Webhook(name="Integráció", url=url).full_clean()


def test_each_hook_gets_its_own_strong_url_safe_secret():
    first = Webhook.objects.create(name="A", url="https://a.example/hook")
    second = Webhook.objects.create(name="B", url="https://b.example/hook")
    assert first.secret != second.secret
    assert len(first.secret) >= 43 and re.fullmatch(r"[A-Za-z0-9_-]+", first.secret)


def test_unknown_events_are_refused_and_known_ones_filter():
    with pytest.raises(ValidationError):
        Webhook(name="A", url="https://a.example/hook", events=["register", "explode"]).full_clean()
    with pytest.raises(ValidationError):
        Webhook(name="A", url="https://a.example/hook", events="register").full_clean()
    hook = Webhook(name="A", url="https://a.example/hook", events=[Action.REGISTER])
    hook.full_clean()
    assert hook.wants(Action.REGISTER) and not hook.wants(Action.CLOSE)
    assert Webhook(name="B", url="https://b.example/hook").wants(Action.CLOSE)  # no list: every event
