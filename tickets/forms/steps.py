"""One small form per workflow step.

Each step form carries the ticket version it was shown with and knows which workflow function it
submits to; the view only validates and calls ``submit``.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from common.forms import TextForm
from customers.choices import NotificationChannel
from customers.models import Contact, Module
from tickets import workflow
from tickets.choices import ConsultationKind, NotificationOutcome, Priority, RouteDecision, State
from tickets.choices import TestOutcome as Outcome
from tickets.forms.fields import ExecutorLoadChoiceField, MultipleFileField, executors_with_load
from tickets.models import Consultation, Ticket

User = get_user_model()


class StepForm(TextForm):
    """Base of every step form: the version the ticket had when the form was shown."""

    step: str = ""
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, ticket: Ticket, user: Any = None, **kwargs: Any) -> None:
        self.ticket = ticket
        self.user = user  # who the form is shown to (for what it offers); the actor is given to `submit`
        kwargs.setdefault("prefix", self.step)
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["version"].initial = ticket.version

    def submit(self, actor: Any) -> Any:
        raise NotImplementedError  # every subclass names its workflow function

    @property
    def label(self) -> Any:
        return workflow.TRANSITIONS[self.step].label

    def common(self, actor: Any) -> dict[str, Any]:
        return {"ticket": self.ticket, "actor": actor, "expected_version": self.cleaned_data["version"]}


def _text(label: Any, *, required: bool = False, rows: int = 3) -> forms.CharField:
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}))


class VerifyForm(StepForm):
    step = "verify"
    call_summary = _text(_("Phone consultation with the user (if there was one)"))
    note = _text(_("Note"), rows=2)

    def submit(self, actor: Any) -> Any:
        data = self.cleaned_data
        return workflow.verify_ticket(**self.common(actor), note=data["note"], call_summary=data["call_summary"])


class RejectForm(StepForm):
    step = "reject"
    reason = _text(_("Why it is not genuine (spam, duplicate, mistaken)"), required=True)

    def submit(self, actor: Any) -> Any:
        return workflow.reject_ticket(**self.common(actor), reason=self.cleaned_data["reason"])


class RoutePersonallyForm(StepForm):
    step = "route_personally"
    note = _text(_("Note"), rows=2)

    def submit(self, actor: Any) -> Any:
        return workflow.route_ticket(
            **self.common(actor), decision=RouteDecision.PERSONALLY, note=self.cleaned_data["note"]
        )


class RouteToExecutorForm(StepForm):
    step = "route_to_executor"
    executor = ExecutorLoadChoiceField(label=_("Executor"), queryset=User.objects.none())
    note = _text(_("Note"), rows=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["executor"].queryset = executors_with_load()  # type: ignore[attr-defined]

    def submit(self, actor: Any) -> Any:
        data = self.cleaned_data
        return workflow.route_ticket(
            **self.common(actor), decision=RouteDecision.EXECUTOR, executor=data["executor"], note=data["note"]
        )


class RouteToDispatcherForm(StepForm):
    step = "route_to_dispatcher"
    note = _text(_("Why you could not decide"), rows=2)

    def submit(self, actor: Any) -> Any:
        return workflow.route_ticket(
            **self.common(actor), decision=RouteDecision.DISPATCHER, note=self.cleaned_data["note"]
        )


class DispatchForm(RouteToExecutorForm):
    step = "dispatch"

    def submit(self, actor: Any) -> Any:
        data = self.cleaned_data
        return workflow.dispatch_ticket(**self.common(actor), executor=data["executor"], note=data["note"])


class StartForm(StepForm):
    step = "start"

    def submit(self, actor: Any) -> Any:
        return workflow.start_work(**self.common(actor))


class LogWorkForm(StepForm):
    step = "log_work"
    minutes = forms.IntegerField(label=_("Minutes spent"), min_value=1, max_value=24 * 60)
    note = _text(_("What was done"), required=True)

    def submit(self, actor: Any) -> Any:
        data = self.cleaned_data
        return workflow.log_work(**self.common(actor), minutes=data["minutes"], note=data["note"])


class AskAgentForm(StepForm):
    step = "ask_agent"
    question = _text(_("Question to the agent"), required=True)

    def submit(self, actor: Any) -> Any:
        return workflow.ask_agent(**self.common(actor), question=self.cleaned_data["question"])


class QuestionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.text[:120]


class AnswerExecutorForm(StepForm):
    step = "answer_executor"
    consultation = QuestionChoiceField(label=_("Question"), queryset=Consultation.objects.none(), empty_label=None)
    answer = _text(_("Answer"), required=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consultation"].queryset = Consultation.objects.filter(  # type: ignore[attr-defined]
            ticket=self.ticket, kind=ConsultationKind.EXECUTOR_QUESTION, answered_at__isnull=True
        )

    def submit(self, actor: Any) -> Any:
        data = self.cleaned_data
        return workflow.answer_executor(**self.common(actor), consultation=data["consultation"], answer=data["answer"])


class CompleteForm(StepForm):
    step = "complete"
    note = _text(_("What was done (for the tester)"), required=True)

    def submit(self, actor: Any) -> Any:
        return workflow.complete_work(**self.common(actor), note=self.cleaned_data["note"])


class LogTestForm(StepForm):
    step = "log_test"
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices, initial=Outcome.NOTE)
    note = _text(_("What was tested and seen"), required=True)

    def submit(self, actor: Any) -> Any:
        data = self.cleaned_data
        return workflow.log_test(**self.common(actor), note=data["note"], outcome=data["outcome"])


class ReturnToExecutorForm(StepForm):
    step = "return_to_executor"
    reason = _text(_("Why it goes back"), required=True)

    def submit(self, actor: Any) -> Any:
        return workflow.return_to_executor(**self.common(actor), reason=self.cleaned_data["reason"])


class ConsultUserForm(StepForm):
    step = "consult_user"
    summary = _text(_("What was discussed on the phone"), required=True)

    def submit(self, actor: Any) -> Any:
        return workflow.consult_user(**self.common(actor), summary=self.cleaned_data["summary"])


class AskUserForm(StepForm):
    """Seed c/h: the agent needs something from the user; the service-level clock waits for the answer."""

    step = "ask_user"
    question = _text(_("What the user was asked"), required=True)
    send_email = forms.BooleanField(label=_("Also send the question to the contact by e-mail"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.ticket.contact.email:
            del self.fields["send_email"]
        elif not self.is_bound:
            self.fields["send_email"].initial = True

    def submit(self, actor: Any) -> Any:
        from django.db import transaction

        from mail.outbound import email_user

        data = self.cleaned_data
        with transaction.atomic():
            ticket = workflow.ask_user(**self.common(actor), question=data["question"])
            if data.get("send_email"):
                email_user(
                    ticket=ticket,
                    actor=actor,
                    to=ticket.contact.email,
                    subject=ticket.subject,
                    body=data["question"],
                    as_notification=False,
                )
        return ticket


class UserAnsweredForm(StepForm):
    step = "user_answered"
    answer = _text(_("The user's answer"), required=True)

    def submit(self, actor: Any) -> Any:
        return workflow.user_answered(**self.common(actor), answer=self.cleaned_data["answer"])


class AcceptSolvedForm(StepForm):
    step = "accept_solved"
    test_note = _text(_("Test result (logged as a passed test)"))
    note = _text(_("Note"), rows=2)

    def submit(self, actor: Any) -> Any:
        data = self.cleaned_data
        return workflow.accept_solved(**self.common(actor), test_note=data["test_note"], note=data["note"])


class RecordNotificationForm(StepForm):
    step = "record_notification"
    channel = forms.ChoiceField(label=_("How the user was notified"), choices=NotificationChannel.choices)
    recipient = forms.CharField(label=_("To (phone number, address, fax number or e-mail)"), max_length=300)
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=NotificationOutcome.choices,
        initial=NotificationOutcome.DELIVERED,
        help_text=_("A call that did not reach the user is logged; the ticket stays on the call-back list."),
    )
    message = _text(_("What the user was told or sent"), required=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        contact = self.ticket.contact
        if not self.is_bound:
            self.fields["channel"].initial = contact.preferred_channel
            self.fields["recipient"].initial = contact.address_for(contact.preferred_channel)
        self.fields["recipient"].widget.attrs["data-addresses"] = "|".join(
            f"{value}={contact.address_for(value)}" for value in NotificationChannel.values
        )

    def submit(self, actor: Any) -> Any:
        data = self.cleaned_data
        return workflow.record_notification(
            **self.common(actor),
            channel=data["channel"],
            recipient=data["recipient"],
            message=data["message"],
            outcome=data["outcome"],
        )


class EmailUserForm(StepForm):
    step = "email_user"
    to = forms.EmailField(label=_("To"))
    subject = forms.CharField(label=_("Subject"), max_length=250)
    body = _text(_("Text"), required=True, rows=8)
    as_notification = forms.BooleanField(
        label=_("This e-mail notifies the user of the result (recorded once it is sent)"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["to"].initial = self.ticket.contact.email
            self.fields["subject"].initial = self.ticket.subject
            if self._notifies():  # the notification starts from the administrator's text
                from mail.choices import TemplateKey
                from mail.outbound import template_text

                subject, body = template_text(TemplateKey.NOTIFICATION, self.ticket)
                self.fields["subject"].initial, self.fields["body"].initial = subject, body
                self.fields["as_notification"].initial = True
        # Not offered while a notification is on its way; sent anyway (an old tab), the workflow refuses it.
        if self.ticket.state != State.SOLVED or (not self.is_bound and not self._notifies()):
            del self.fields["as_notification"]

    def _notifies(self) -> bool:
        """A solved ticket's e-mail may be its notification, unless one is already on its way."""
        return self.ticket.state == State.SOLVED and self.ticket.notification_sending_since is None

    def submit(self, actor: Any) -> Any:
        from mail.outbound import email_user  # the mail channel builds on the registry, not the reverse

        data = self.cleaned_data
        return email_user(
            ticket=self.ticket,
            actor=actor,
            to=data["to"],
            subject=data["subject"],
            body=data["body"],
            as_notification=bool(data.get("as_notification")),
            expected_version=data["version"],
        )


class FaxUserForm(StepForm):
    step = "fax_user"
    fax_number = forms.CharField(label=_("Fax number"), max_length=40)
    text = _text(_("Text of the fax"), required=True, rows=8)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["fax_number"].initial = self.ticket.contact.fax
            self.fields["text"].initial = letter_frame(self.ticket, self.user)

    def submit(self, actor: Any) -> Any:
        from mail.outbound import fax_user

        data = self.cleaned_data
        return fax_user(
            ticket=self.ticket,
            actor=actor,
            fax_number=data["fax_number"],
            text=data["text"],
            expected_version=data["version"],
        )


def letter_frame(ticket: Ticket, user: Any) -> str:
    """What a letter or fax starts with in the editor: the salutation and the signature, as they will be
    printed (nothing is added to the text on paper), in the desk's language."""
    with translation.override(settings.LANGUAGE_CODE):
        salutation = translation.gettext("Dear %(name)s,") % {"name": ticket.contact.name}
        closing = translation.gettext("Yours sincerely,")
        role = translation.gettext("Customer service")
    name = getattr(user, "display_name", "") or ""
    signature = "\n".join(line for line in (closing, name, f"{settings.PULT_COMPANY_NAME}, {role}") if line)
    return f"{salutation}\n\n\n\n{signature}"


class PrepareLetterForm(StepForm):
    step = "prepare_letter"
    address = forms.CharField(
        label=_("Postal address"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("As it should stand in the envelope's window; empty: the contact's postal address."),
    )
    text = _text(_("Text of the letter"), required=True, rows=8)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            contact = self.ticket.contact
            self.fields["address"].initial = "\n".join(
                line for line in (contact.name, contact.postal_address.replace(", ", "\n")) if line
            )
            self.fields["text"].initial = letter_frame(self.ticket, self.user)

    def submit(self, actor: Any) -> Any:
        data = self.cleaned_data
        return workflow.prepare_letter(**self.common(actor), text=data["text"], address=data["address"])


class CloseForm(StepForm):
    step = "close"
    note = _text(_("Note"), rows=2)

    def submit(self, actor: Any) -> Any:
        return workflow.close_ticket(**self.common(actor), note=self.cleaned_data["note"])


class AttachForm(StepForm):
    step = "attach"
    uploads = MultipleFileField(label=_("Files"))
    description = forms.CharField(label=_("Description"), max_length=250, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["uploads"].required = True

    def submit(self, actor: Any) -> Any:
        data = self.cleaned_data
        return workflow.attach_files(**self.common(actor), files=data["uploads"], description=data["description"])


class ClarifyForm(StepForm):
    step = "clarify"
    subject = forms.CharField(label=_("Subject"), max_length=250)
    module = forms.ModelChoiceField(label=_("Module"), queryset=Module.objects.filter(is_active=True), required=False)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    contact = forms.ModelChoiceField(label=_("Contact"), queryset=Contact.objects.none(), empty_label=None)
    note = _text(_("What was clarified"), rows=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        contact_field = cast(forms.ModelChoiceField, self.fields["contact"])
        contact_field.queryset = (
            Contact.objects.select_related("customer")
            .filter(customer_id=self.ticket.customer_id)
            .filter(Q(is_active=True) | Q(pk=self.ticket.contact_id))
        )
        if not self.is_bound:
            for name in ("subject", "module", "priority", "contact"):
                self.fields[name].initial = getattr(self.ticket, name)

    def submit(self, actor: Any) -> Any:
        data = self.cleaned_data
        return workflow.clarify_ticket(
            **self.common(actor),
            subject=data["subject"],
            module=data["module"],
            priority=data["priority"],
            contact=data["contact"],
            note=data["note"],
        )


class ReassignForm(StepForm):
    step = "reassign"
    executor = ExecutorLoadChoiceField(label=_("New executor"), queryset=User.objects.none())
    reason = _text(_("Why it is reassigned"), required=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        executor_field = cast(forms.ModelChoiceField, self.fields["executor"])
        executor_field.queryset = executors_with_load().exclude(pk=self.ticket.assignee_id)

    def submit(self, actor: Any) -> Any:
        data = self.cleaned_data
        return workflow.reassign_ticket(**self.common(actor), executor=data["executor"], reason=data["reason"])


STEP_FORMS: dict[str, type[StepForm]] = {
    form.step: form
    for form in (
        VerifyForm,
        RejectForm,
        RoutePersonallyForm,
        RouteToExecutorForm,
        RouteToDispatcherForm,
        DispatchForm,
        StartForm,
        LogWorkForm,
        AskAgentForm,
        AnswerExecutorForm,
        CompleteForm,
        LogTestForm,
        ReturnToExecutorForm,
        ConsultUserForm,
        AskUserForm,
        UserAnsweredForm,
        AcceptSolvedForm,
        RecordNotificationForm,
        EmailUserForm,
        FaxUserForm,
        PrepareLetterForm,
        CloseForm,
        AttachForm,
        ClarifyForm,
        ReassignForm,
    )
}
# Feedback steps (record_feedback, reopen) start from the feedback intake sheet, not from a form here.
FEEDBACK_STEPS = ("record_feedback", "reopen")
