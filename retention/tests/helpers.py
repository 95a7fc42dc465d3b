"""A person with a history in every part of Pult, and a scan of every table for what identifies them."""

from __future__ import annotations

import json
import re
from email.header import Header
from typing import Any

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models

from retention.redaction import fold
from testkit.factories import ContactFactory, CustomerFactory
from testkit.workflow import advance, register
from tickets import workflow
from tickets.choices import State

NAME = "Bodnár Zsófia"
EMAIL = "zsofia.bodnar@kekvilag.example"
PHONE = "+36 30 987 6543"
PHONE_DIGITS = "309876543"
FAX = "+36 52 444 1122"
ADDRESS = "4025 Debrecen, Piac utca 12."


def person(**kwargs: Any) -> Any:
    values = {
        "customer": CustomerFactory(name="Kék Világ Kft."),
        "name": NAME,
        "email": EMAIL,
        "phone": PHONE,
        "fax": FAX,
        "postal_address": ADDRESS,
        "notes": f"Hívható: {PHONE}",
    }
    values.update(kwargs)
    return ContactFactory(**values)


def raw_mail(*, subject: str, body: str, message_id: str, sender: str = f"{NAME} <{EMAIL}>") -> bytes:
    lines = [
        f"From: {Header(sender, 'utf-8').encode()}",
        "To: ugyfelszolgalat@pult.example",
        f"Subject: {Header(subject, 'utf-8').encode()}",
        "Date: Tue, 24 Nov 2026 07:30:00 +0100",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
        f"Message-ID: <{message_id}>",
    ]
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode("utf-8")


def closed_phone_ticket(users: dict[str, Any], contact: Any, **kwargs: Any) -> Any:
    ticket = register(
        users,
        contact,
        description=f"{contact.name} hívott ({contact.phone}): a számlázó nem nyomtat. Visszahívás: 06-30/987-6543.",
        **kwargs,
    )
    workflow.attach_files(
        ticket=ticket,
        actor=users["agent"],
        files=[SimpleUploadedFile("bodnar_zsofia_level.pdf", b"%PDF-1.4 Bodnar Zsofia levele", "application/pdf")],
        description=f"{contact.name} levele",
    )
    return advance(ticket, State.CLOSED, users)


def _needles() -> list[re.Pattern[str]]:
    words = [NAME, "Bodnár", "Zsófia", EMAIL, ADDRESS, "Piac utca 12"]
    patterns = [re.escape(fold(word).lower()) for word in words]
    for digits in (PHONE_DIGITS, "524441122"):
        patterns.append(r"\D{0,3}".join(digits))
    return [re.compile(pattern) for pattern in patterns]


def _text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField, models.BinaryField, models.FileField)


def identifying_values() -> list[str]:
    """Every `table.column = value` in the whole database that still names the person."""
    needles = _needles()
    found = []
    for model in apps.get_models():
        fields = [field for field in model._meta.concrete_fields if isinstance(field, TEXT_FIELDS)]
        if not fields:
            continue
        for row in model._base_manager.values_list("pk", *[field.attname for field in fields]):
            for field, value in zip(fields, row[1:], strict=True):
                text = fold(_text_of(value)).lower()
                if any(needle.search(text) for needle in needles):
                    found.append(f"{model._meta.db_table}.{field.attname} #{row[0]} = {text[:120]!r}")
    return found
