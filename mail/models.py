"""Mailboxes and every message that came in, kept byte for byte."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.collation import hungarian
from customers.choices import NotificationChannel
from mail.choices import ImapSecurity, InboundStatus, MailboxPurpose, OutboundKind, OutboundStatus, TemplateKey
from mail.credentials import ENV_NAME_PATTERN
from tickets.choices import Channel


class Mailbox(models.Model):
    """An address the service desk receives mail at; a fax gateway's mailbox has the fax channel."""

    name = models.CharField(_("name"), max_length=100)
    address = models.EmailField(_("address"), unique=True)
    channel = models.CharField(
        _("channel"),
        max_length=20,
        choices=[(Channel.EMAIL.value, Channel.EMAIL.label), (Channel.FAX.value, Channel.FAX.label)],
        default=Channel.EMAIL,
    )
    default_module = models.ForeignKey(
        "customers.Module", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("default module")
    )
    purpose = models.CharField(
        _("purpose"),
        max_length=20,
        choices=MailboxPurpose,
        default=MailboxPurpose.REQUESTS,
        help_text=_("A complaints mailbox records every new message in the complaint register, not as a ticket."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # A fax gateway's mail: where the sender's fax number is (the pattern's first group, or all of it).
    fax_number_pattern = models.CharField(
        _("fax number pattern"),
        max_length=200,
        default=r"(\+?\d[\d\s/()-]{5,}\d)",
        help_text=_("A regular expression; its first group (or the whole match) is the sender's fax number."),
    )
    fax_number_headers = models.CharField(
        _("headers with the fax number"),
        max_length=200,
        default="Subject, X-Fax-From, X-Remote-Station-Id",
        help_text=_("Searched in this order, comma-separated."),
    )

    # IMAP: leave the host empty for a mailbox that only receives through `manage.py mailgate`.
    imap_host = models.CharField(_("IMAP server"), max_length=200, blank=True)
    imap_port = models.PositiveIntegerField(_("IMAP port"), default=993)
    imap_security = models.CharField(
        _("connection security"), max_length=10, choices=ImapSecurity, default=ImapSecurity.TLS
    )
    imap_username = models.CharField(_("IMAP user"), max_length=200, blank=True)
    # Never the password itself: the name of the environment variable (or `<NAME>_FILE`) that holds it.
    imap_password_env = models.CharField(
        _("environment variable with the IMAP password"),
        max_length=64,
        blank=True,
        validators=[
            RegexValidator(
                ENV_NAME_PATTERN,
                _(
                    "Use the name of an environment variable starting with PULT_IMAP_, in capital letters, "
                    "digits and underscores, e.g. PULT_IMAP_PASSWORD_SUPPORT."
                ),
            )
        ],
        help_text=_(
            "The password is not stored in Pult. Set this variable (or NAME_FILE, the path of a file holding "
            "the password) in the environment of the web server and the worker, e.g. PULT_IMAP_PASSWORD_SUPPORT."
        ),
    )
    imap_folder = models.CharField(_("folder"), max_length=200, default="INBOX")
    # The fetch lag is measured from here until the first successful fetch, so a mailbox that never worked
    # shows a growing lag (and the alert fires) instead of no figure at all.
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    last_fetch_at = models.DateTimeField(_("last successful fetch"), null=True, blank=True, editable=False)
    last_fetch_count = models.PositiveIntegerField(_("messages in the last fetch"), default=0, editable=False)
    last_fetch_error = models.TextField(_("last fetch error"), blank=True, editable=False)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        ordering = [hungarian("name")]

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"

    def clean(self) -> None:
        import re

        from django.core.exceptions import ValidationError

        try:
            re.compile(self.fax_number_pattern)
        except re.error as exc:
            raise ValidationError({"fax_number_pattern": _("Not a valid regular expression: %s") % exc}) from exc
        loopback = self.imap_host in ("127.0.0.1", "localhost", "::1")
        if self.imap_host and self.imap_security == ImapSecurity.NONE and not loopback:
            raise ValidationError(
                {"imap_security": _("An unencrypted connection is allowed only to this machine (127.0.0.1).")}
            )
        if self.imap_host and not self.imap_password_env:
            raise ValidationError(
                {"imap_password_env": _("Name the environment variable that holds the IMAP password.")}
            )


class InboundMessage(models.Model):
    """One delivered message: the raw bytes unchanged, what was read from them, and what became of it."""

    mailbox = models.ForeignKey(Mailbox, on_delete=models.PROTECT, null=True, blank=True, related_name="messages")
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    raw = models.BinaryField(_("raw message"))
    size = models.PositiveIntegerField(_("size"))
    content_hash = models.CharField(max_length=64, unique=True)
    # mail.parsing.content_key: the same Message-ID and the same content is a duplicate; another message that
    # reuses a Message-ID is kept and registered.
    content_key = models.CharField(max_length=64, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=250, blank=True)
    subject = models.CharField(_("subject"), max_length=1000, blank=True)
    sender_name = models.CharField(_("sender's name"), max_length=250, blank=True)
    sender_address = models.CharField(_("sender's address"), max_length=250, blank=True, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)
    html = models.TextField(_("HTML (sanitised)"), blank=True)
    status = models.CharField(_("outcome"), max_length=20, choices=InboundStatus)
    reason = models.TextField(_("reason"), blank=True)
    problems = models.TextField(_("reading problems"), blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.PROTECT, null=True, blank=True, related_name="inbound_messages"
    )

    class Meta:
        verbose_name = _("incoming message")
        verbose_name_plural = _("incoming messages")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["message_id", "content_key"],
                condition=~Q(message_id=""),
                name="inbound_message_id_content_unique",
            )
        ]
        indexes = [models.Index(fields=["status", "-received_at"])]

    def __str__(self) -> str:
        return f"{self.sender_address}: {self.subject[:60]}"


class OutboundMessage(models.Model):
    """An e-mail we send: to the user about a ticket, or an automatic acknowledgement. Sent by the worker."""

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.PROTECT, related_name="outbound_messages", verbose_name=_("ticket")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OutboundKind)
    # A fax goes as e-mail to the fax gateway: the channel decides how a sent notification is recorded.
    channel = models.CharField(
        _("channel"), max_length=10, choices=NotificationChannel, default=NotificationChannel.EMAIL
    )
    fax_number = models.CharField(_("fax number"), max_length=40, blank=True)
    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    attachment_name = models.CharField(_("attachment"), max_length=200, blank=True)
    attachment = models.BinaryField(_("attachment content"), null=True, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=250, unique=True)
    in_reply_to = models.CharField(max_length=250, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    status = models.CharField(_("status"), max_length=20, choices=OutboundStatus, default=OutboundStatus.QUEUED)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["to", "kind", "created_at"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject[:60]}"


class MessageTemplate(models.Model):
    """The text of an automatic or suggested e-mail, editable by an administrator, per language.

    Django template syntax with plain values only: {{ number }}, {{ subject }}, {{ contact_name }},
    {{ company_name }}, {{ handling }} (acknowledgement only).
    """

    key = models.CharField(_("message"), max_length=30, choices=TemplateKey)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=250)
    body = models.TextField(_("text"))
    updated_at = models.DateTimeField(_("last change"), auto_now=True)

    class Meta:
        verbose_name = _("e-mail template")
        verbose_name_plural = _("e-mail templates")
        ordering = ["key", "language"]
        constraints = [models.UniqueConstraint(fields=["key", "language"], name="message_template_unique")]

    def __str__(self) -> str:
        return f"{self.get_key_display()} ({self.language})"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from mail.templating import TemplateProblem, render_text

        for field in ("subject", "body"):
            try:
                render_text(getattr(self, field), SAMPLE_VALUES)
            except TemplateProblem as problem:
                raise ValidationError({field: str(problem)}) from problem


SAMPLE_VALUES = {
    "number": "2026/000123",
    "subject": "Minta",
    "contact_name": "Minta Márta",
    "company_name": "Cég",
    "handling": "Kérését 2026. november 30-án, hétfőn 7:30-tól dolgozzuk fel.",
}
