"""Writes of the customer portal: invitations, and what a contact does there (requests, replies, feedback,
ratings, complaints).

A portal account holds no permission of its own. What the contact submits is registered by the system
actor through the same workflow steps the mail intake uses, so it is on the ticket's timeline like any
other message; every write runs in one transaction and a refusal raises a PortalError with a translated
message before anything is saved.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.services import system_user
from customers.models import Contact, Module
from tickets import workflow
from tickets.choices import Channel, State
from tickets.models import Feedback, SatisfactionRating, Ticket

MAX_FILES = 10


class PortalError(Exception):
    """A portal action was refused. ``message`` is translatable and safe to show to the contact."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


def desk_text(message: Any, **values: Any) -> str:
    """Text stored for the service desk to read, in the desk's language (it is data, not a page)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(message) % values if values else str(message)


PORTAL_UPLOAD = _("Uploaded in the customer portal")


# --- tokens ----------------------------------------------------------------------------------------


class _PortalTokenGenerator(PasswordResetTokenGenerator):
    """A one-use link for a portal account: invalid once the password changes or the account logs in."""

    def timeout_seconds(self) -> int:
        return settings.PASSWORD_RESET_TIMEOUT

    def check_token(self, user: Any, token: str | None) -> bool:
        # Django's check uses the global PASSWORD_RESET_TIMEOUT: the same check, with this generator's timeout.
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            timestamp = base36_to_int(ts_b36)
        except ValueError:
            return False
        valid = any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )
        return valid and (self._num_seconds(self._now()) - timestamp) <= self.timeout_seconds()


class InvitationTokenGenerator(_PortalTokenGenerator):
    key_salt = "portal.services.InvitationTokenGenerator"

    def timeout_seconds(self) -> int:
        return settings.PULT_PORTAL_INVITATION_DAYS * 24 * 3600


class PortalPasswordResetTokenGenerator(_PortalTokenGenerator):
    key_salt = "portal.services.PortalPasswordResetTokenGenerator"


invitation_tokens = InvitationTokenGenerator()
password_reset_tokens = PortalPasswordResetTokenGenerator()


# --- invitations -----------------------------------------------------------------------------------


def _free_username(email: str) -> str:
    base = email.lower()[:140]
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def invitation_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("portal:invitation", kwargs={"uidb64": uid, "token": invitation_tokens.make_token(user)})
    return f"{settings.PULT_BASE_URL}{path}"


def invite_contact(*, contact: Contact, actor: Any) -> User:
    """Create (or reuse) the contact's portal account and e-mail them a link to set their password."""
    email = (contact.email or "").strip()
    if not email:
        raise PortalError(_("The contact “%(name)s” has no e-mail address.") % {"name": contact.name})
    if not contact.is_active:
        raise PortalError(_("The contact “%(name)s” is not active.") % {"name": contact.name})
    if actor is None or not actor.is_active or actor.is_portal_user:
        raise PortalError(_("Only the company's staff can invite contacts to the portal."))
    with transaction.atomic():
        contact = Contact.objects.select_for_update().select_related("customer").get(pk=contact.pk)
        user = User.objects.filter(contact=contact).first()
        taken = User.objects.filter(contact__isnull=False, email__iexact=email)
        if user is not None:
            taken = taken.exclude(pk=user.pk)
        if taken.exists():
            raise PortalError(_("Another portal account already uses the e-mail address %(email)s.") % {"email": email})
        if user is None:
            user = User(username=_free_username(email), contact=contact)
            user.set_unusable_password()
        user.email = email
        user.first_name, user.last_name = "", contact.name[:150]
        user.is_active, user.is_staff, user.is_superuser = True, False, False
        user.save()
        user.groups.clear()
        user.user_permissions.clear()
    _send_invitation(user, contact)
    return user


def _send_invitation(user: User, contact: Contact) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "contact": contact,
            "link": invitation_link(user),
            "days": settings.PULT_PORTAL_INVITATION_DAYS,
            "company_name": settings.PULT_COMPANY_NAME,
            "login_url": f"{settings.PULT_BASE_URL}{reverse('portal:login')}",
        }
        subject = " ".join(render_to_string("portal/email/invitation_subject.txt", context).split())
        body = render_to_string("portal/email/invitation.txt", context)
    EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email]).send()


# --- who is acting ---------------------------------------------------------------------------------


def portal_contact(user: Any) -> Contact:
    """The active contact behind a portal account, or a refusal."""
    contact = getattr(user, "contact", None) if getattr(user, "contact_id", None) else None
    if contact is None or not user.is_active:
        raise PortalError(_("Only customer portal accounts can do this."))
    if not contact.is_active:
        raise PortalError(_("Your contact record is no longer active. Please call the service desk."))
    return contact


def _visible(user: Any, ticket: Ticket) -> Ticket:
    from portal.selectors import requests_for

    if not requests_for(user).filter(pk=ticket.pk).exists():
        raise PortalError(_("There is no such request."))
    return ticket


def _required(value: str, message: Any) -> str:
    value = (value or "").strip()
    if not value:
        raise PortalError(message)
    return value


def _files(files: Iterable[UploadedFile]) -> list[UploadedFile]:
    uploads = list(files)
    if len(uploads) > MAX_FILES:
        raise PortalError(_("Attach at most %(n)s files at once.") % {"n": MAX_FILES})
    return uploads


def _refusal(error: workflow.WorkflowError) -> PortalError:
    return PortalError(error.message)


# --- requests --------------------------------------------------------------------------------------


def submit_request(
    *, user: Any, module: Module | None, subject: str, description: str, files: Iterable[UploadedFile] = ()
) -> Ticket:
    """A new request from the portal: registered with the web channel and acknowledged by e-mail at once."""
    from mail.outbound import acknowledgement_queue

    contact = portal_contact(user)
    subject = _required(subject, _("The subject is required."))
    description = _required(description, _("Describe your request."))
    if module is not None and not module.is_active:
        raise PortalError(_("Choose an active module."))
    uploads = _files(files)
    actor = system_user()
    try:
        with transaction.atomic():
            ticket = workflow.register_ticket(
                actor=actor,
                contact=contact,
                subject=subject[:250],
                description=description,
                channel=Channel.WEB,
                module=module,
                note=desk_text(_("Submitted in the customer portal by %(name)s."), name=contact.name),
            )
            if uploads:
                ticket = workflow.attach_files(
                    ticket=ticket, actor=actor, files=uploads, description=desk_text(PORTAL_UPLOAD)
                )
            if contact.email:
                acknowledgement_queue(ticket=ticket, to=contact.email, in_reply_to="")
    except workflow.WorkflowError as error:
        raise _refusal(error) from error
    return ticket


def reply(*, user: Any, ticket: Ticket, text: str, files: Iterable[UploadedFile] = ()) -> Ticket:
    """The contact's message on an open request: on the timeline and in the agents' "replies" queue."""
    contact = portal_contact(user)
    _visible(user, ticket)
    text = _required(text, _("Write your message."))
    uploads = _files(files)
    if not ticket.is_open:
        raise PortalError(_("This request is closed: you can send feedback on it instead."))
    actor = system_user()
    try:
        with transaction.atomic():
            # Files first: the message is the last event, so the agents' "replies" queue shows the ticket.
            if uploads:
                workflow.attach_files(ticket=ticket, actor=actor, files=uploads, description=desk_text(PORTAL_UPLOAD))
            ticket = workflow.receive_message(
                ticket=ticket,
                actor=actor,
                text=text,
                sender=contact.email or contact.name,
                channel=Channel.WEB,
                details={"portal": True, "contact": contact.name},
            )
    except workflow.WorkflowError as error:
        raise _refusal(error) from error
    return ticket


def give_feedback(*, user: Any, ticket: Ticket, text: str) -> Feedback:
    """Feedback on a closed (or rejected) request (seed l): it waits for an agent to reopen or record it."""
    contact = portal_contact(user)
    _visible(user, ticket)
    text = _required(text, _("Write your feedback."))
    if ticket.state not in (State.CLOSED, State.REJECTED):
        raise PortalError(_("Feedback can be given on a closed request; on an open one, send a message."))
    try:
        return workflow.receive_feedback(
            ticket=ticket,
            actor=system_user(),
            text=text,
            channel=Channel.WEB,
            received_at=timezone.now(),
            details={"portal": True, "contact": contact.name},
        )
    except workflow.WorkflowError as error:
        raise _refusal(error) from error


def rate(*, user: Any, ticket: Ticket, score: int, comment: str = "") -> SatisfactionRating:
    """The contact's satisfaction with a closed request, once per closing."""
    contact = portal_contact(user)
    _visible(user, ticket)
    try:
        return workflow.rate_ticket(
            ticket=ticket, actor=system_user(), contact=contact, score=score, comment=comment[:2000]
        )
    except workflow.WorkflowError as error:
        raise _refusal(error) from error


def submit_complaint(
    *, user: Any, subject: str, description: str, module: Module | None = None, evidence: str = "", county: str = ""
) -> Any:
    """A complaint from the portal: recorded in the complaint register with the contact's details."""
    from complaints import services as complaints

    contact = portal_contact(user)
    data = complaints.ComplaintInput(
        channel=Channel.WEB,
        subject=_required(subject, _("The subject is required."))[:250],
        description=_required(description, _("Describe your complaint.")),
        complainant_name=contact.name,
        complainant_email=contact.email,
        complainant_address=contact.postal_address,
        complainant_phone=contact.phone,
        county=county,
        customer=contact.customer,
        contact=contact,
        module=module,
        evidence=evidence,
        place_received=desk_text(_("customer portal")),
    )
    try:
        return complaints.complaint_record(actor=system_user(), data=data)
    except complaints.WorkflowError as error:
        raise PortalError(error.message) from error
