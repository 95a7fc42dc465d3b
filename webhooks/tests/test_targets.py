"""Webhooks reach public addresses only: an internal target is refused when the hook is saved (in the admin
and by the model's validation) and again when a delivery is sent, on the addresses the name resolves to then,
unless the operator allows it (PULT_WEBHOOK_ALLOW_PRIVATE, PULT_WEBHOOK_ALLOWED_NETWORKS)."""

from __future__ import annotations

import datetime as dt
import ssl

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from webhooks import services, targets
from webhooks.choices import DeliveryStatus
from webhooks.models import Webhook, WebhookDelivery
from webhooks.tests.conftest import WebhookReceiver
from webhooks.tests.factories import WebhookFactory

pytestmark = pytest.mark.django_db

NOTHING_ALLOWED = override_settings(PULT_WEBHOOK_ALLOW_PRIVATE=False, PULT_WEBHOOK_ALLOWED_NETWORKS=[])
TAIL = "Webhooks are not sent to addresses inside the network unless the operator allows them"

FORBIDDEN = [
    ("http://127.0.0.1/hooks", "127.0.0.1 is a loopback address (this machine)."),
    ("http://127.8.9.10:8080/hooks", "127.8.9.10 is a loopback address (this machine)."),
    ("http://10.1.2.3/hooks", "10.1.2.3 is a private network address."),
    ("http://172.16.0.1/hooks", "172.16.0.1 is a private network address."),
    ("https://192.168.1.10:8443/hooks", "192.168.1.10 is a private network address."),
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address."),
    ("http://224.0.0.1/hooks", "224.0.0.1 is a multicast address."),
    ("http://240.0.0.1/hooks", "240.0.0.1 is a reserved address."),
    ("http://0.0.0.0:8000/hooks", "0.0.0.0 is the unspecified address."),
    ("http://100.64.0.1/hooks", "100.64.0.1 is not a public internet address."),
    ("http://[::1]:8000/hooks", "::1 is a loopback address (this machine)."),
    ("http://[::]/hooks", ":: is the unspecified address."),
    ("http://[fe80::1]/hooks", "fe80::1 is a link-local address."),
    ("http://[fd12:3456::1]/hooks", "fd12:3456::1 is a private network address."),
    ("http://[ff02::1]/hooks", "ff02::1 is a multicast address."),
    ("http://[::ffff:127.0.0.1]/hooks", "::ffff:7f00:1 is a loopback address (this machine)."),  # IPv4-mapped
    ("http://[::ffff:10.0.0.1]/hooks", "::ffff:a00:1 is a private network address."),
    ("http://[2002:c0a8:101::1]/hooks", "2002:c0a8:101::1 is a private network address."),  # 6to4 of 192.168.1.1
    ("http://[64:ff9b::a9fe:a9fe]/hooks", "64:ff9b::a9fe:a9fe is a link-local address."),  # NAT64 of 169.254.169.254
    ("http://2130706433/hooks", "127.0.0.1 is a loopback address (this machine)."),  # decimal
    ("http://0177.0.0.1/hooks", "127.0.0.1 is a loopback address (this machine)."),  # octal
    ("http://0x7f.0.0.1/hooks", "127.0.0.1 is a loopback address (this machine)."),  # hexadecimal
    ("http://127.1/hooks", "127.0.0.1 is a loopback address (this machine)."),  # short form
    ("http://012.0.0.1/hooks", "10.0.0.1 is a private network address."),  # octal 012 = 10
    ("http://localhost:8000/hooks", "localhost resolves to 127.0.0.1, which is a loopback address (this machine)."),
]


@pytest.fixture
def admin_client(users) -> Client:
    administrator = users["administrator"]
    administrator.is_staff = True
    administrator.save()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    client.force_login(administrator)
    return client


@NOTHING_ALLOWED
@pytest.mark.parametrize(("url", "message"), FORBIDDEN)
def test_an_internal_target_is_refused_in_the_admin_with_the_reason(admin_client, url, message):
    response = admin_client.post(
        reverse("admin:webhooks_webhook_add"), {"name": "Belső", "url": url, "events": [], "is_active": "on"}
    )
    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["url"]
    assert error.startswith(message) and TAIL in error
    assert not Webhook.objects.exists()


@NOTHING_ALLOWED
@pytest.mark.parametrize(("url", "message"), FORBIDDEN)
def test_an_internal_target_fails_the_models_validation(url, message):
    hook = Webhook(name="Belső", url=url)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        hook.full_clean()
    assert any(text.startswith(message) for text in refused.value.message_dict["url"])


@NOTHING_ALLOWED
def test_a_public_address_is_accepted():
    Webhook(name="Nyilvános", url="https://93.184.216.34/hooks").full_clean()
    Webhook(name="Nyilvános", url="https://[2606:2800:220:1:248:1893:25c8:1946]/hooks").full_clean()


def test_the_settings_let_internal_targets_through():
    with override_settings(PULT_WEBHOOK_ALLOW_PRIVATE=True, PULT_WEBHOOK_ALLOWED_NETWORKS=[]):
        Webhook(name="Belső", url="http://10.1.2.3/hooks").full_clean()
        Webhook(name="Belső", url="http://localhost:8000/hooks").full_clean()
    with override_settings(PULT_WEBHOOK_ALLOW_PRIVATE=False, PULT_WEBHOOK_ALLOWED_NETWORKS=["10.20.0.0/16"]):
        Webhook(name="Belső", url="http://10.20.30.40/hooks").full_clean()
        Webhook(name="Belső", url="http://[::ffff:10.20.30.40]/hooks").full_clean()
        with pytest.raises(ValidationError):
            Webhook(name="Belső", url="http://10.21.0.1/hooks").full_clean()


def ping(hook: Webhook, capture) -> WebhookDelivery:
    with capture(execute=True):
        delivery = services.webhook_ping(webhook=hook)
    delivery.refresh_from_db()
    return delivery


@NOTHING_ALLOWED
def test_a_name_that_resolves_to_loopback_is_refused_when_the_delivery_is_sent(
    receiver, django_capture_on_commit_callbacks
):
    # Saved when the name pointed elsewhere (or before this check): the delivery checks what it resolves to now.
    hook = WebhookFactory(url=f"http://localhost:{receiver.port}/hooks/pult")
    delivery = ping(hook, django_capture_on_commit_callbacks)

    assert receiver.requests == []
    assert (delivery.status, delivery.attempts, delivery.response_status) == (DeliveryStatus.FAILED, 1, None)
    with translation.override(settings.LANGUAGE_CODE):  # the history is kept in the desk's language
        expected = str(targets.NAME_REFUSED) % {
            "host": "localhost",
            "address": "127.0.0.1",
            "kind": targets.KIND_LOOPBACK,
        }
    assert delivery.error == expected
    assert delivery.attempt_log.get().error == expected


@NOTHING_ALLOWED
def test_a_loopback_address_is_refused_when_the_delivery_is_sent(receiver, django_capture_on_commit_callbacks):
    delivery = ping(WebhookFactory(url=receiver.url), django_capture_on_commit_callbacks)
    assert receiver.requests == [] and delivery.status == DeliveryStatus.FAILED
    assert "127.0.0.1" in delivery.error and "PULT_WEBHOOK_ALLOW_PRIVATE" in delivery.error


@override_settings(PULT_WEBHOOK_ALLOW_PRIVATE=True, PULT_WEBHOOK_ALLOWED_NETWORKS=[])
def test_a_delivery_to_an_allowed_internal_name_is_sent(receiver, django_capture_on_commit_callbacks):
    hook = WebhookFactory(url=f"http://localhost:{receiver.port}/hooks/pult")
    delivery = ping(hook, django_capture_on_commit_callbacks)
    assert delivery.status == DeliveryStatus.SUCCEEDED, delivery.error
    [request] = receiver.requests
    assert request.signed_by(hook.secret) and request.headers["Host"] == f"localhost:{receiver.port}"


@override_settings(PULT_WEBHOOK_ALLOW_PRIVATE=False, PULT_WEBHOOK_ALLOWED_NETWORKS=["127.0.0.1/32"])
def test_a_delivery_to_an_allowed_network_is_sent(receiver, django_capture_on_commit_callbacks):
    delivery = ping(WebhookFactory(url=receiver.url), django_capture_on_commit_callbacks)
    assert delivery.status == DeliveryStatus.SUCCEEDED and len(receiver.requests) == 1


def self_signed_certificate(directory, name: str) -> tuple[str, str]:
    """A key and a certificate for `name` (PEM files), made with `cryptography`."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = directory / "key.pem", directory / "cert.pem"
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return str(key_path), str(cert_path)


@override_settings(PULT_WEBHOOK_ALLOW_PRIVATE=True, PULT_WEBHOOK_ALLOWED_NETWORKS=[])
def test_an_https_delivery_goes_to_the_checked_address_and_verifies_the_certificate_for_the_name(
    tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    key_path, cert_path = self_signed_certificate(tmp_path, "localhost")
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert_path, key_path)
    receiver = WebhookReceiver()
    receiver.server.socket = server_context.wrap_socket(receiver.server.socket, server_side=True)
    receiver.start()
    monkeypatch.setenv("SSL_CERT_FILE", cert_path)  # the receiver's certificate is the one trusted
    try:
        hook = WebhookFactory(url=f"https://localhost:{receiver.port}/hooks/pult")
        delivered = ping(hook, django_capture_on_commit_callbacks)
        assert delivered.status == DeliveryStatus.SUCCEEDED, delivered.error
        [request] = receiver.requests
        assert request.signed_by(hook.secret)

        # The same server by its address: the certificate names "localhost", so TLS refuses it.
        by_address = ping(
            WebhookFactory(url=f"https://127.0.0.1:{receiver.port}/hooks/pult"), django_capture_on_commit_callbacks
        )
        assert by_address.status == DeliveryStatus.FAILED and "certificate" in by_address.error.lower()
        assert len(receiver.requests) == 1
    finally:
        receiver.stop()
