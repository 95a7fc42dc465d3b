"""Retention rules: how long each kind of record keeps personal data, and what happens after.

Each rule finds its candidates with one query (what a dry run lists) and applies itself to them (what the
daily task does), writing one DeletionLogEntry per rule that changed something. A contact with a legal hold
keeps everything. Running again changes nothing more: each rule's query excludes what it already did.

- closed tickets, PULT_RETENTION_CLOSED_TICKET_YEARS after closing: the contact's identifying values leave
  the ticket's texts, events, records and e-mails;
- raw e-mails, PULT_RETENTION_RAW_EMAIL_DAYS after receipt: the raw bytes are blanked, the row and the read
  text stay;
- attachments, PULT_RETENTION_ATTACHMENT_YEARS after the ticket's closing: the file is deleted, the row (name,
  size) stays;
- access log, PULT_RETENTION_ACCESS_LOG_YEARS: the entries are deleted;
- complaints, PULT_COMPLAINT_RETENTION_YEARS after the answer: purged by complaints.retention, listed here only.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from retention.choices import DeletionKind, Record
from retention.models import AnonymisedTicket, DeletionLogEntry

MAX_LISTED = 200


def years_before(now: dt.datetime, years: int) -> dt.datetime:
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)


@dataclass
class Finding:
    """What one rule found (dry run) or did (real run)."""

    what: Record
    label: str
    period: str
    count: int = 0
    references: list[str] = field(default_factory=list)
    applied: bool = False


@dataclass(frozen=True)
class Rule:
    what: Record
    label: Any
    period: Callable[[], str]
    candidates: Callable[[dt.datetime], models.QuerySet[Any]]
    reference: Callable[[Any], str]
    apply: Callable[[models.QuerySet[Any], dt.datetime], int] | None


def _held_emails() -> list[str]:
    from customers.models import Contact

    return [
        email.lower()
        for email in Contact.objects.filter(legal_hold=True).exclude(email="").values_list("email", flat=True)
    ]


# Closed tickets --------------------------------------------------------------------------------------------


def closed_ticket_candidates(now: dt.datetime) -> models.QuerySet[Any]:
    from tickets.choices import State
    from tickets.models import Ticket

    cutoff = years_before(now, settings.PULT_RETENTION_CLOSED_TICKET_YEARS)
    done = AnonymisedTicket.objects.values("ticket_id")
    return (
        Ticket.objects.filter(state=State.CLOSED, closed_at__lte=cutoff, contact__legal_hold=False)
        .exclude(pk__in=done)
        .order_by("number")
    )


def anonymise_closed_tickets(tickets: models.QuerySet[Any], now: dt.datetime) -> int:
    from retention.erasure import identifiers_of, is_erased, redact_tickets
    from search.indexing import reindex_tickets

    done = 0
    for ticket in tickets.select_related("contact"):
        with transaction.atomic():
            counts: Counter[str] = Counter()
            if not is_erased(ticket.contact):
                redact_tickets(
                    {ticket.pk}, identifiers_of(ticket.contact), counts, own_contact=ticket.contact, now=now,
                    delete_files=False,
                )  # fmt: skip
                _blank_messages_of(ticket, identifiers_of(ticket.contact))
                reindex_tickets([ticket.pk])  # the search index must not keep the words just removed
            AnonymisedTicket.objects.create(ticket=ticket, at=now)
            done += 1
    return done


def _blank_messages_of(ticket: Any, identifiers: Any) -> None:
    """The ticket's e-mails lose the contact's values too (the raw bytes go by their own rule)."""
    from mail.models import InboundMessage, OutboundMessage
    from retention.redaction import ERASED_EMAIL, scrub_rows

    scrub_rows(
        InboundMessage.objects.filter(ticket=ticket),
        ["subject", "sender_name", "sender_address", "text", "html"],
        identifiers,
    )
    for message in OutboundMessage.objects.filter(ticket=ticket):
        fixed = {"to": ERASED_EMAIL} if identifiers.found_in(message.to) else {}
        scrub_rows([message], ["subject", "body", "attachment_name"], identifiers, **fixed)


# Raw e-mails -----------------------------------------------------------------------------------------------


def raw_email_candidates(now: dt.datetime) -> models.QuerySet[Any]:
    from mail.models import InboundMessage

    cutoff = now - dt.timedelta(days=settings.PULT_RETENTION_RAW_EMAIL_DAYS)
    messages = (
        InboundMessage.objects.filter(received_at__lte=cutoff)
        .exclude(raw=b"")
        .exclude(ticket__contact__legal_hold=True)
    )
    held = _held_emails()
    if held:
        messages = messages.exclude(sender_address__in=held)
    return messages.order_by("received_at", "pk")


def blank_raw_emails(messages: models.QuerySet[Any], now: dt.datetime) -> int:
    from mail.models import InboundMessage

    ids = list(messages.values_list("pk", flat=True))
    with transaction.atomic():
        return InboundMessage.objects.filter(pk__in=ids).update(raw=b"")


def raw_email_reference(message: Any) -> str:
    return f"#{message.pk}" + (f" ({message.ticket.number})" if message.ticket_id else "")


# Attachments -----------------------------------------------------------------------------------------------


def attachment_candidates(now: dt.datetime) -> models.QuerySet[Any]:
    from tickets.choices import State
    from tickets.models import Attachment

    cutoff = years_before(now, settings.PULT_RETENTION_ATTACHMENT_YEARS)
    return (
        Attachment.objects.filter(ticket__state=State.CLOSED, ticket__closed_at__lte=cutoff)
        .exclude(file="")
        .exclude(ticket__contact__legal_hold=True)
        .select_related("ticket")
        .order_by("ticket__number", "pk")
    )


def delete_attachment_files(attachments: models.QuerySet[Any], now: dt.datetime) -> int:
    from retention.erasure import _delete_after_commit
    from tickets.models import Attachment

    rows = list(attachments)
    with transaction.atomic():
        Attachment.objects.filter(pk__in=[row.pk for row in rows]).update(file="")
        _delete_after_commit([row.file for row in rows])
    return len(rows)


# Access log ------------------------------------------------------------------------------------------------


def access_log_candidates(now: dt.datetime) -> models.QuerySet[Any]:
    from privacy.models import AccessLogEntry

    cutoff = years_before(now, settings.PULT_RETENTION_ACCESS_LOG_YEARS)
    return AccessLogEntry.objects.filter(at__lte=cutoff).order_by("at", "pk")


def delete_access_log(entries: models.QuerySet[Any], now: dt.datetime) -> int:
    """The log refuses DELETE at the model and (on PostgreSQL) in the database: this is the one way past."""
    from privacy.models import AccessLogEntry
    from retention.redaction import triggers_suspended

    ids = list(entries.values_list("pk", flat=True))
    with transaction.atomic(), triggers_suspended("privacy_accesslogentry", ["accesslogentry_no_delete"]):
        deleted, _by_model = models.QuerySet.delete(AccessLogEntry.objects.filter(pk__in=ids))
    return deleted


# Complaints ------------------------------------------------------------------------------------------------


def complaint_candidates(now: dt.datetime) -> models.QuerySet[Any]:
    from complaints.retention import due_for_purge

    return due_for_purge(now).order_by("number")


RULES = [
    Rule(
        what=Record.CLOSED_TICKET,
        label=_("Closed tickets: the contact's identifying data"),
        period=lambda: _("%(n)d years after closing") % {"n": settings.PULT_RETENTION_CLOSED_TICKET_YEARS},
        candidates=closed_ticket_candidates,
        reference=lambda ticket: ticket.number,
        apply=anonymise_closed_tickets,
    ),
    Rule(
        what=Record.RAW_EMAIL,
        label=_("Raw e-mails"),
        period=lambda: _("%(n)d days after receipt") % {"n": settings.PULT_RETENTION_RAW_EMAIL_DAYS},
        candidates=raw_email_candidates,
        reference=raw_email_reference,
        apply=blank_raw_emails,
    ),
    Rule(
        what=Record.ATTACHMENT,
        label=_("Files attached to closed tickets"),
        period=lambda: _("%(n)d years after closing") % {"n": settings.PULT_RETENTION_ATTACHMENT_YEARS},
        candidates=attachment_candidates,
        reference=lambda attachment: f"{attachment.ticket.number} #{attachment.pk}",
        apply=delete_attachment_files,
    ),
    Rule(
        what=Record.ACCESS_LOG,
        label=_("Access log entries"),
        period=lambda: _("%(n)d years") % {"n": settings.PULT_RETENTION_ACCESS_LOG_YEARS},
        candidates=access_log_candidates,
        reference=lambda entry: f"#{entry.pk}",
        apply=delete_access_log,
    ),
    Rule(
        what=Record.COMPLAINT,
        label=_("Complaints (purged by the complaint register's own nightly task)"),
        period=lambda: _("%(n)d years after the answer") % {"n": settings.PULT_COMPLAINT_RETENTION_YEARS},
        candidates=complaint_candidates,
        reference=lambda complaint: complaint.number,
        apply=None,
    ),
]


def _find(rule: Rule, now: dt.datetime) -> tuple[Finding, models.QuerySet[Any]]:
    candidates = rule.candidates(now)
    count = candidates.count()
    listed = [rule.reference(row) for row in candidates[:MAX_LISTED]]
    finding = Finding(what=rule.what, label=str(rule.label), period=str(rule.period()), count=count, references=listed)
    return finding, candidates


def plan(now: dt.datetime | None = None) -> list[Finding]:
    """The dry run: what each rule would remove now. Changes nothing."""
    now = now or timezone.now()
    return [_find(rule, now)[0] for rule in RULES]


def apply_rules(now: dt.datetime | None = None) -> list[Finding]:
    """The real run: apply every rule and log what each changed. Safe to run again."""
    now = now or timezone.now()
    findings = []
    for rule in RULES:
        finding, candidates = _find(rule, now)
        if rule.apply is not None and finding.count:
            finding.count = rule.apply(candidates, now)
            finding.applied = True
            if finding.count:
                more = finding.count - len(finding.references)
                reference = ", ".join(finding.references) + (f" (+{more})" if more > 0 else "")
                DeletionLogEntry.objects.create(
                    at=now,
                    actor=None,
                    kind=DeletionKind.RETENTION,
                    what=rule.what,
                    count=finding.count,
                    reference=reference,
                    reason=f"{finding.label}: {finding.period}",
                )
        findings.append(finding)
    return findings
