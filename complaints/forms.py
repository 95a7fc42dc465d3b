"""Forms of the complaint pages. Each step form names the one service it calls."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from accounts.selectors import staff, staff_holding
from common.forms import TextForm
from complaints import selectors, services
from complaints.choices import (
    AnswerMethod,
    ComplaintState,
    County,
    Decision,
    EntryKind,
    OralOutcome,
    Outcome,
    SetAsideReason,
)
from complaints.models import Complaint
from customers.models import Module
from intake.forms import received_at_field
from tickets.choices import Channel
from tickets.forms import ExecutorChoiceField, MultipleFileField

User = get_user_model()


def _text(label: Any, *, required: bool = False, rows: int = 3, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label, required=required, help_text=help_text, widget=forms.Textarea(attrs={"rows": rows})
    )


class ComplaintForm(forms.Form):
    """Recording a complaint from any channel; the oral part applies to phone and in-person complaints."""

    channel = forms.ChoiceField(label=_("Way of submission"), choices=Channel.choices)
    received_at = received_at_field()
    place_received = forms.CharField(
        label=_("Place of submission"),
        required=False,
        max_length=200,
        help_text=_("Where the complaint was made or arrived, e.g. the customer-service office."),
    )
    complainant_name = forms.CharField(label=_("Complainant's name"), required=False, max_length=200)
    complainant_address = forms.CharField(label=_("Complainant's address"), required=False, max_length=300)
    complainant_email = forms.EmailField(label=_("Complainant's e-mail"), required=False)
    complainant_phone = forms.CharField(label=_("Complainant's phone"), required=False, max_length=40)
    county = forms.ChoiceField(
        label=_("County of residence"),
        choices=[("", "—"), *County.choices],
        required=False,
        help_text=_("Decides which conciliation body a refusal names."),
    )
    module = forms.ModelChoiceField(label=_("Module"), queryset=Module.objects.filter(is_active=True), required=False)
    subject = forms.CharField(label=_("Subject"), max_length=250)
    description = _text(_("Detailed description of the complaint"), required=True, rows=6)
    evidence = _text(_("Documents and other evidence presented"), rows=2)
    documents = MultipleFileField(label=_("Scanned documents"))
    oral_outcome = forms.ChoiceField(
        label=_("At the desk (phone and in person)"), choices=[("", "—"), *OralOutcome.choices], required=False
    )
    immediate_statement = _text(_("Our statement on the complaint, as given at the desk"))
    record_place = forms.CharField(label=_("Place of the record"), required=False, max_length=200)
    complainant_signed = forms.BooleanField(label=_("The complainant signed the record"), required=False)

    def __init__(self, *args: Any, ticket: Any = None, **kwargs: Any) -> None:
        self.ticket = ticket
        super().__init__(*args, **kwargs)
        self.fields["received_at"].label = _("Received")
        if not self.is_bound:
            from intake.forms import _now_local

            self.fields["received_at"].initial = _now_local()
            if ticket is not None:
                contact = ticket.contact
                self.initial.update(
                    {
                        "channel": ticket.channel,
                        "subject": ticket.subject,
                        "module": ticket.module_id,
                        "complainant_name": contact.name,
                        "complainant_email": contact.email,
                        "complainant_phone": contact.phone,
                        "complainant_address": contact.postal_address,
                    }
                )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        oral = cleaned.get("channel") in (Channel.PHONE, Channel.IN_PERSON)
        if oral and not cleaned.get("oral_outcome"):
            self.add_error(
                "oral_outcome", _("Say what happened at the desk: settled on the spot, or a record is taken.")
            )
        return cleaned

    def to_input(self) -> services.ComplaintInput:
        data = self.cleaned_data
        return services.ComplaintInput(
            channel=data["channel"],
            subject=data["subject"],
            description=data["description"],
            received_at=data["received_at"],
            place_received=data["place_received"],
            complainant_name=data["complainant_name"],
            complainant_address=data["complainant_address"],
            complainant_email=data["complainant_email"],
            complainant_phone=data["complainant_phone"],
            county=data["county"],
            evidence=data["evidence"],
            module=data["module"],
            ticket=self.ticket,
            contact=self.ticket.contact if self.ticket is not None else None,
            oral_outcome=data["oral_outcome"],
            immediate_statement=data["immediate_statement"],
            record_place=data["record_place"],
            complainant_signed=data["complainant_signed"],
            documents=data["documents"],
        )


class FilterForm(forms.Form):
    state = forms.MultipleChoiceField(
        label=_("State"), choices=ComplaintState.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    channel = forms.MultipleChoiceField(
        label=_("Way of submission"), choices=Channel.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    overdue = forms.BooleanField(label=_("Answer overdue"), required=False)
    mine = forms.BooleanField(label=_("Mine"), required=False)

    def to_filter(self) -> selectors.ComplaintFilter:
        data = self.cleaned_data if self.is_valid() else {}
        return selectors.ComplaintFilter(
            states=data.get("state") or [],
            channels=data.get("channel") or [],
            text=data.get("q") or "",
            overdue=bool(data.get("overdue")),
            mine=bool(data.get("mine")),
        )


# --- steps -----------------------------------------------------------------------------------------


class StepForm(TextForm):
    step: str = ""
    label: Any = ""
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, complaint: Complaint, **kwargs: Any) -> None:
        self.complaint = complaint
        kwargs.setdefault("prefix", self.step)
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["version"].initial = complaint.version

    def common(self, actor: Any) -> dict[str, Any]:
        return {"complaint": self.complaint, "actor": actor, "expected_version": self.cleaned_data["version"]}

    def submit(self, actor: Any) -> Any:
        raise NotImplementedError  # every step form names its service


def eligible_officers(complaint: Complaint) -> Any:
    """Complaint officers who may handle it: never an employee it concerns."""
    return staff_holding("complaints.investigate_complaint").exclude(pk__in=complaint.concerned.values("pk"))


class AssignForm(StepForm):
    step, label = "assign", _("Assign a complaint officer")
    officer = ExecutorChoiceField(label=_("Complaint officer"), queryset=User.objects.none())

    def __init__(self, *args: Any, complaint: Complaint, **kwargs: Any) -> None:
        super().__init__(*args, complaint=complaint, **kwargs)
        self.fields["officer"].queryset = eligible_officers(complaint)  # type: ignore[attr-defined]

    def submit(self, actor: Any) -> Any:
        return services.assign_officer(**self.common(actor), officer=self.cleaned_data["officer"])


class EmployeeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)

    def clean(self, value: Any) -> Any:
        # An id past the database's integer range is no one's: refuse it like any unknown choice, before the
        # query (SQLite cannot even compare it: OverflowError, a server error).
        for pk in value if isinstance(value, list | tuple) else []:
            try:
                number = int(str(pk))
            except ValueError:
                continue  # not a number at all: the parent refuses it
            if not -(2**63) <= number < 2**63:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super().clean(value)


class ConcernedForm(StepForm):
    step, label = "concerned", _("Employees the complaint concerns")
    employees = EmployeeChoiceField(
        label=_("Employees concerned"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("They will not see the complaint or take part in it until the decision."),
    )

    def __init__(self, *args: Any, complaint: Complaint, **kwargs: Any) -> None:
        super().__init__(*args, complaint=complaint, **kwargs)
        self.fields["employees"].queryset = staff()  # type: ignore[attr-defined]
        if not self.is_bound:
            self.fields["employees"].initial = list(complaint.concerned.values_list("pk", flat=True))

    def submit(self, actor: Any) -> Any:
        return services.set_concerned(**self.common(actor), employees=self.cleaned_data["employees"])


class EntryForm(StepForm):
    step, label = "entry", _("Add to the investigation")
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(k.value, k.label) for k in (EntryKind.FINDING, EntryKind.DOCUMENT, EntryKind.CONSULTATION)],
    )
    text = _text(_("Finding, document description or what was discussed"), required=True)
    file = forms.FileField(label=_("File (for a document)"), required=False)

    def submit(self, actor: Any) -> Any:
        data = self.cleaned_data
        return services.add_entry(**self.common(actor), kind=data["kind"], text=data["text"], upload=data["file"])


class ProposeForm(StepForm):
    step, label = "propose", _("Propose a resolution to the executives")
    outcome = forms.ChoiceField(label=_("Proposed outcome"), choices=Outcome.choices)
    resolution = _text(_("Proposed resolution"), required=True, rows=4)
    reasons = _text(_("Reasons"), required=True, rows=4)

    def submit(self, actor: Any) -> Any:
        data = self.cleaned_data
        return services.propose(
            **self.common(actor), outcome=data["outcome"], resolution=data["resolution"], reasons=data["reasons"]
        )


class DecideForm(StepForm):
    step, label = "decide", _("Decide on the proposal")
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    reason = _text(_("Reason for the decision"), required=True)
    outcome = forms.ChoiceField(label=_("Outcome as amended"), choices=[("", "—"), *Outcome.choices], required=False)
    resolution = _text(_("Resolution as amended"), rows=4)

    def submit(self, actor: Any) -> Any:
        data = self.cleaned_data
        return services.decide(
            **self.common(actor),
            decision=data["decision"],
            reason=data["reason"],
            outcome=data["outcome"],
            resolution=data["resolution"],
        )


class AnswerForm(StepForm):
    step, label = "answer", _("Send the written answer")
    method = forms.ChoiceField(label=_("Send as"), choices=AnswerMethod.choices, widget=forms.RadioSelect)
    email = forms.EmailField(label=_("E-mail address"), required=False)
    postal_address = _text(_("Postal address"), rows=3)
    county = forms.ChoiceField(
        label=_("County of residence"),
        choices=[("", "—"), *County.choices],
        required=False,
        help_text=_("A refusal names the conciliation body of this county."),
    )
    text = _text(_("Answer"), required=True, rows=8)
    reasons = _text(_("Reasons"), required=True, rows=5)

    def __init__(self, *args: Any, complaint: Complaint, **kwargs: Any) -> None:
        super().__init__(*args, complaint=complaint, **kwargs)
        if not self.is_bound:
            decided = complaint.proposals.exclude(final_resolution="").order_by("-decided_at", "-id").first()
            self.initial.update(
                {
                    "method": AnswerMethod.EMAIL if complaint.complainant_email else AnswerMethod.LETTER,
                    "email": complaint.complainant_email,
                    "postal_address": "\n".join(
                        line for line in (complaint.complainant_name, complaint.complainant_address) if line
                    ),
                    "county": complaint.county,
                    "text": decided.final_resolution if decided else "",
                    "reasons": decided.reasons if decided else "",
                }
            )

    def submit(self, actor: Any) -> Any:
        data = self.cleaned_data
        return services.prepare_answer(
            **self.common(actor),
            text=data["text"],
            reasons=data["reasons"],
            method=data["method"],
            email=data["email"],
            postal_address=data["postal_address"],
            county=data["county"],
        )


class SetAsideForm(StepForm):
    step, label = "set_aside", _("Close without investigation")
    reason = forms.ChoiceField(label=_("Because"), choices=SetAsideReason.choices, widget=forms.RadioSelect)
    note = _text(_("Explanation"), required=True, rows=2)

    def submit(self, actor: Any) -> Any:
        data = self.cleaned_data
        return services.set_aside(**self.common(actor), reason=data["reason"], note=data["note"])


class VisibilityForm(StepForm):
    step, label = "visibility", _("Visibility for the employees concerned")
    may_see = forms.BooleanField(label=_("The employees concerned may now see the complaint"), required=False)

    def __init__(self, *args: Any, complaint: Complaint, **kwargs: Any) -> None:
        super().__init__(*args, complaint=complaint, **kwargs)
        if not self.is_bound:
            self.fields["may_see"].initial = complaint.concerned_may_see

    def submit(self, actor: Any) -> Any:
        return services.set_visibility(**self.common(actor), may_see=self.cleaned_data["may_see"])


STEP_FORMS: dict[str, type[StepForm]] = {
    form.step: form
    for form in (
        AssignForm,
        ConcernedForm,
        EntryForm,
        ProposeForm,
        DecideForm,
        AnswerForm,
        SetAsideForm,
        VisibilityForm,
    )
}


def offered_steps(user: Any, complaint: Complaint) -> list[str]:
    """The steps `user` can take on the complaint now (the pages offer only these)."""
    if services.is_concerned(complaint, user):
        return []
    state = complaint.state
    officer = user.has_perm("complaints.investigate_complaint")
    executive = user.has_perm("complaints.decide_complaint")
    own = complaint.officer_id in (None, user.pk)
    steps = []
    pending = state in (
        ComplaintState.RECORDED,
        ComplaintState.INVESTIGATING,
        ComplaintState.PROPOSED,
        ComplaintState.DECIDED,
    )
    if pending and (officer or executive):
        steps += ["assign", "concerned"]
    if officer and own and state in (ComplaintState.RECORDED, ComplaintState.INVESTIGATING):
        steps += ["entry", "propose", "set_aside"]
    if executive and state == ComplaintState.PROPOSED:
        pending_proposal = complaint.proposals.filter(decision="").order_by("-id").first()
        if pending_proposal is not None and pending_proposal.proposed_by_id != user.pk:
            steps.append("decide")
    if officer and own and state == ComplaintState.DECIDED:
        steps.append("answer")
    if officer and own and complaint.decided_at is not None and complaint.concerned.exists():
        steps.append("visibility")
    return steps


class PublicComplaintForm(forms.Form):
    """The public complaint form (web channel): what §17/A needs for a written answer, and nothing more."""

    complainant_name = forms.CharField(label=_("Your name"), max_length=200)
    complainant_email = forms.EmailField(label=_("Your e-mail address"))
    complainant_address = forms.CharField(label=_("Your postal address"), required=False, max_length=300)
    complainant_phone = forms.CharField(label=_("Your phone number"), required=False, max_length=40)
    county = forms.ChoiceField(
        label=_("County of residence"),
        choices=[("", "—"), *County.choices],
        required=False,
        help_text=_("So that we can name the conciliation body competent for you."),
    )
    module = forms.ModelChoiceField(
        label=_("Product concerned"), queryset=Module.objects.filter(is_active=True), required=False
    )
    subject = forms.CharField(label=_("Subject"), max_length=250)
    description = _text(_("Your complaint in detail"), required=True, rows=8)
    evidence = _text(_("Documents you can show (e.g. invoice number)"), rows=2)
    # Left empty by people; robots fill every field they find.
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Leave this field empty."))
        return ""

    def to_input(self) -> services.ComplaintInput:
        data = self.cleaned_data
        return services.ComplaintInput(
            channel=Channel.WEB,
            subject=data["subject"],
            description=data["description"],
            complainant_name=data["complainant_name"],
            complainant_email=data["complainant_email"],
            complainant_address=data["complainant_address"],
            complainant_phone=data["complainant_phone"],
            county=data["county"],
            module=data["module"],
            evidence=data["evidence"],
            place_received=str(_("web form")),
        )
