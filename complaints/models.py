"""The complaint register (panasznyilvántartás): complaints, their records, investigation, decisions, answers.

A complaint is separate from the ticket registry but may be linked to a ticket. State changes only in
complaints.services. The timeline (ComplaintEvent) is append-only; the one exception is the retention
purge, which blanks the personal data in it and leaves a PurgeLogEntry.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.append_only import AppendOnlyModel
from complaints.choices import (
    Action,
    AnswerMethod,
    ComplaintState,
    County,
    Decision,
    EntryKind,
    MessageKind,
    MessageStatus,
    OralOutcome,
    Outcome,
    RedressKind,
    SetAsideReason,
)
from tickets.choices import Channel

User = settings.AUTH_USER_MODEL


class ComplaintNumberSequence(models.Model):
    """The last complaint number given out in a year; locked while a number is taken, so numbers have no gaps."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("complaint number sequence")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


def format_complaint_number(year: int, sequence: int) -> str:
    return f"P-{year}/{sequence:05d}"


class Complaint(models.Model):
    """One entry of the complaint register."""

    year = models.PositiveIntegerField(_("year"), editable=False)
    sequence = models.PositiveIntegerField(_("sequence"), editable=False)
    number = models.CharField(_("complaint number"), max_length=20, unique=True, editable=False)

    channel = models.CharField(_("way of submission"), max_length=20, choices=Channel)
    received_at = models.DateTimeField(_("received"))
    place_received = models.CharField(_("place of submission"), max_length=200, blank=True)
    # §17/A(5) a): name, and address or e-mail.
    complainant_name = models.CharField(_("complainant's name"), max_length=200, blank=True)
    complainant_address = models.CharField(_("complainant's address"), max_length=300, blank=True)
    complainant_email = models.EmailField(_("complainant's e-mail"), blank=True)
    complainant_phone = models.CharField(_("complainant's phone"), max_length=40, blank=True)
    county = models.CharField(_("county of residence"), max_length=30, choices=County, blank=True)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("customer"),
    )  # fmt: skip
    contact = models.ForeignKey(
        "customers.Contact", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("contact"),
    )  # fmt: skip
    module = models.ForeignKey(
        "customers.Module", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("module"),
    )  # fmt: skip
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.PROTECT, null=True, blank=True, related_name="complaints",
        verbose_name=_("linked ticket"),
    )  # fmt: skip
    # §17/A(5) c): detailed description, and the documents and other evidence presented.
    subject = models.CharField(_("subject"), max_length=250)
    description = models.TextField(_("description of the complaint"))
    evidence = models.TextField(_("documents and other evidence presented"), blank=True)
    oral_outcome = models.CharField(_("at the desk"), max_length=20, choices=OralOutcome, blank=True)
    # §17/A(5) d): the company's statement, when the complaint could be examined at once.
    immediate_statement = models.TextField(_("our statement at the desk"), blank=True)

    state = models.CharField(
        _("state"), max_length=20, choices=ComplaintState, default=ComplaintState.RECORDED, editable=False
    )
    officer = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="complaints_handled",
        verbose_name=_("complaint officer"), editable=False,
    )  # fmt: skip
    # The employees the complaint concerns: until the decision they cannot see, handle or decide it.
    concerned: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        User, blank=True, related_name="complaints_about", verbose_name=_("employees concerned")
    )
    concerned_may_see = models.BooleanField(_("employees concerned may see it after the decision"), default=False)
    set_aside_reason = models.CharField(
        _("closed without investigation because"), max_length=20, choices=SetAsideReason, blank=True
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome, blank=True, editable=False)

    registered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by"))
    registered_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True, editable=False)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    # The answer deadline (calendar days from receipt); the sweep looks at next_check_at.
    due_at = models.DateTimeField(_("answer due"), null=True, blank=True, editable=False)
    warn_at = models.DateTimeField(_("warning from"), null=True, blank=True, editable=False)
    next_check_at = models.DateTimeField(null=True, blank=True, editable=False)
    warned_at = models.DateTimeField(_("warning sent"), null=True, blank=True, editable=False)
    breached_at = models.DateTimeField(_("escalated"), null=True, blank=True, editable=False)
    # Retention: kept until then from the answer (or the closing), then anonymised.
    retain_until = models.DateTimeField(_("kept until"), null=True, blank=True, editable=False)
    purged_at = models.DateTimeField(_("personal data removed"), null=True, blank=True, editable=False)

    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(_("last change"), auto_now=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["year", "sequence"], name="complaint_number_unique_per_year")]
        indexes = [
            models.Index(fields=["-received_at", "-id"]),
            models.Index(fields=["state", "-received_at"]),
            models.Index(fields=["due_at"], condition=models.Q(due_at__isnull=False), name="complaint_due_at"),
            models.Index(
                fields=["next_check_at"], condition=models.Q(next_check_at__isnull=False), name="complaint_next_check"
            ),
            models.Index(
                fields=["retain_until"],
                condition=models.Q(retain_until__isnull=False, purged_at__isnull=True),
                name="complaint_retention",
            ),
        ]
        default_permissions = ()
        permissions = [
            ("view_complaints", _("Can see the complaint register")),
            ("register_complaint", _("Can record complaints")),
            ("investigate_complaint", _("Can investigate complaints (complaint officer)")),
            ("decide_complaint", _("Can decide on proposed resolutions (executive)")),
            ("view_complaint_statistics", _("Can see complaint statistics")),
            ("export_complaints", _("Can export the complaint register for inspection")),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.year and self.sequence and not self.number:
            self.number = format_complaint_number(self.year, self.sequence)
        super().save(*args, **kwargs)

    @property
    def is_oral(self) -> bool:
        return self.channel in (Channel.PHONE, Channel.IN_PERSON)

    @property
    def is_pending(self) -> bool:
        from complaints.choices import PENDING_STATES

        return self.state in PENDING_STATES

    @property
    def is_decided(self) -> bool:
        return self.decided_at is not None


class ComplaintRecord(models.Model):
    """The record (jegyzőkönyv) of an oral complaint, with what §17/A(5) e)–f) adds to the complaint itself."""

    complaint = models.OneToOneField(Complaint, on_delete=models.PROTECT, related_name="record")
    place = models.CharField(_("place of the record"), max_length=200)
    taken_at = models.DateTimeField(_("time of the record"), default=timezone.now)
    taken_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by"))
    complainant_signed = models.BooleanField(_("signed by the complainant"), default=False)
    handed_over_at = models.DateTimeField(_("copy handed over"), null=True, blank=True)
    sent_at = models.DateTimeField(_("copy sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("complaint record")
        verbose_name_plural = _("complaint records")

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.taken_at:%Y-%m-%d}"


def redact_events(events: models.QuerySet[Any]) -> int:
    """The retention purge only: blank the notes and details (personal data), keep what happened when."""
    return models.QuerySet.update(events, note="", data={})


class ComplaintEvent(AppendOnlyModel):
    APPEND_ONLY_MESSAGE = "The complaint timeline is append-only."

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True, verbose_name=_("by"))
    at = models.DateTimeField(_("time"), default=timezone.now)
    action = models.CharField(_("action"), max_length=30, choices=Action)
    from_state = models.CharField(_("from state"), max_length=20, choices=ComplaintState, blank=True)
    to_state = models.CharField(_("to state"), max_length=20, choices=ComplaintState, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["complaint", "at", "id"])]
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


def entry_path(instance: InvestigationEntry, filename: str) -> str:
    import uuid

    return f"complaints/{instance.complaint.year}/{uuid.uuid4().hex}"


class InvestigationEntry(models.Model):
    """The officer's investigation: a finding, a document (with its file) or a consultation."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind)
    text = models.TextField(_("text"))
    file = models.FileField(_("file"), upload_to=entry_path, max_length=300, blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("investigation entry")
        verbose_name_plural = _("investigation entries")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind}"


class Proposal(models.Model):
    """The officer's proposed resolution, and the executives' decision on it."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="proposals")
    outcome = models.CharField(_("proposed outcome"), max_length=20, choices=Outcome)
    resolution = models.TextField(_("proposed resolution"))
    reasons = models.TextField(_("reasons"))
    proposed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("proposed by"))
    proposed_at = models.DateTimeField(_("proposed"), default=timezone.now)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True, verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # What the executives decided, when they amended the proposal; otherwise the proposal's own.
    final_outcome = models.CharField(_("decided outcome"), max_length=20, choices=Outcome, blank=True)
    final_resolution = models.TextField(_("decided resolution"), blank=True)

    class Meta:
        verbose_name = _("proposed resolution")
        verbose_name_plural = _("proposed resolutions")
        ordering = ["proposed_at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.outcome} {self.decision or '…'}"


class RedressBody(models.Model):
    """Where a complainant can turn: a conciliation body or the consumer-protection authority of a county."""

    kind = models.CharField(_("kind"), max_length=20, choices=RedressKind)
    county = models.CharField(_("county"), max_length=30, choices=County)
    name = models.CharField(_("name"), max_length=200)
    seat = models.CharField(_("seat"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    postal_address = models.CharField(_("postal address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=100, blank=True)
    email = models.CharField(_("e-mail"), max_length=200, blank=True)
    web = models.CharField(_("web"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("last change"), auto_now=True)

    class Meta:
        verbose_name = _("redress body")
        verbose_name_plural = _("redress bodies")
        ordering = ["kind", "county"]
        constraints = [models.UniqueConstraint(fields=["kind", "county"], name="redress_body_one_per_county")]

    def __str__(self) -> str:
        return self.name

    def contact_lines(self) -> list[str]:
        pairs = [
            (gettext("Seat"), self.seat),
            (gettext("Address"), self.address),
            (gettext("Postal address"), self.postal_address),
            (gettext("Phone"), self.phone),
            (gettext("E-mail"), self.email),
            (gettext("Web"), self.web),
        ]
        return [f"{label}: {value}" for label, value in pairs if value]


class Answer(models.Model):
    """The written, reasoned answer, with where the complainant can turn when something is refused."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="answers")
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome)
    text = models.TextField(_("answer"))
    reasons = models.TextField(_("reasons"))
    method = models.CharField(_("sent as"), max_length=10, choices=AnswerMethod)
    email = models.EmailField(_("e-mail address"), blank=True)
    postal_address = models.TextField(_("postal address"), blank=True)
    conciliation_body = models.ForeignKey(
        RedressBody, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("conciliation body"),
    )  # fmt: skip
    seat_conciliation_body = models.ForeignKey(
        RedressBody, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("conciliation body at the company's seat"),
    )  # fmt: skip
    authority = models.ForeignKey(
        RedressBody, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("consumer-protection authority"),
    )  # fmt: skip
    submission_declared = models.BooleanField(_("general declaration of submission made"), default=False)
    prepared_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("prepared by"))
    prepared_at = models.DateTimeField(_("prepared"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    posted_at = models.DateTimeField(_("posted"), null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["prepared_at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.outcome}"

    @property
    def window_address(self) -> str:
        """The letter's addressee as the envelope's window shows it: the name once, then the address."""
        name, address = self.complaint.complainant_name.strip(), self.postal_address.strip()
        if not name or address.casefold().startswith(name.casefold()):
            return address
        return f"{name}\n{address}"

    @property
    def names_redress(self) -> bool:
        from complaints.choices import REFUSING_OUTCOMES

        return self.outcome in REFUSING_OUTCOMES

    @property
    def redress_list(self) -> list[RedressBody]:
        """The bodies named in the answer, each once (the seat's body may be the county's own)."""
        bodies = [self.conciliation_body, self.seat_conciliation_body, self.authority]
        unique: list[RedressBody] = []
        for body in bodies:
            if body is not None and all(body.name != other.name for other in unique):
                unique.append(body)
        return unique


class ComplaintMessage(models.Model):
    """An e-mail about a complaint (acknowledgement, answer, deadline alert), sent by the worker.

    Kept apart from the ticket mail so that nothing about a complaint appears in the ticket pages or the
    mail worker page, which employees a complaint concerns may see.
    """

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="messages")
    kind = models.CharField(_("kind"), max_length=20, choices=MessageKind)
    answer = models.ForeignKey(Answer, on_delete=models.PROTECT, null=True, blank=True, related_name="messages")
    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    message_id = models.CharField(_("Message-ID"), max_length=250, unique=True)
    attach_record = models.BooleanField(default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    status = models.CharField(_("status"), max_length=20, choices=MessageStatus, default=MessageStatus.QUEUED)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("complaint e-mail")
        verbose_name_plural = _("complaint e-mails")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject[:60]}"


class PurgeLogEntry(models.Model):
    """The deletion log: which complaint's personal data the retention task removed, and when."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("complaint number"), max_length=20)
    retained_until = models.DateTimeField(_("kept until"))
    purged_at = models.DateTimeField(_("removed"), default=timezone.now)
    removed = models.JSONField(_("what was removed"), default=dict)

    class Meta:
        verbose_name = _("deletion log entry")
        verbose_name_plural = _("deletion log")
        ordering = ["-purged_at", "-id"]

    def __str__(self) -> str:
        return f"{self.number} {self.purged_at:%Y-%m-%d}"
