"""No naming of concerned employees can leave a complaint that nobody may move (the 30-day legal answer).

For several ways a company can staff the complaint roles, every combination of concerned people is named
on a fresh complaint. Either the naming is refused, saying which step would be left with nobody (and
then, counted by brute force, no officer-and-other-decider pair is indeed left), or the complaint is
walked to its answer by people the pages offer the steps to, and at every state the deadline warning
goes only to people who can take the next step.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from accounts.roles import Role
from complaints import eligibility, services
from complaints.choices import ComplaintState, Decision, Outcome
from complaints.forms import offered_steps
from complaints.models import Complaint
from complaints.selectors import visible_to
from testkit.complaints import phone_complaint, written_answer
from testkit.factories import user_with_role

pytestmark = pytest.mark.django_db

# Each staffing: the extra people beside the standard complaint officer and executive, with their roles.
STAFFINGS = {
    "two officers, two executives": {"officer2": Role.COMPLAINT_OFFICER, "executive2": Role.EXECUTIVE},
    "deputy and decision body": {"complaint_deputy": Role.COMPLAINT_DEPUTY, "complaint_board": Role.COMPLAINT_BOARD},
    "one of each": {},
    "all of them": {
        "complaint_deputy": Role.COMPLAINT_DEPUTY,
        "executive2": Role.EXECUTIVE,
        "complaint_board": Role.COMPLAINT_BOARD,
    },
}
# Someone who is an officer and an executive at once: they may not decide on their own proposal.
BOTH = "officer_and_executive"


def staff(users: dict[str, Any], extra: dict[str, Role]) -> dict[str, Any]:
    """The standard officer and executive and `extra`; the standard deputy and board member leave if not in it."""
    people = {"complaint_officer": users["complaint_officer"], "executive": users["executive"]}
    for name in ("complaint_deputy", "complaint_board"):
        if name not in extra:
            users[name].is_active = False
            users[name].save()
    for name, role in extra.items():
        people[name] = users[name] if name in users else user_with_role(role, username=name)
    return people


def handlers(people: dict[str, Any]) -> list[str]:
    return [
        name
        for name, person in people.items()
        if person.has_perm(eligibility.INVESTIGATE) or person.has_perm(eligibility.DECIDE)
    ]


def someone_can_finish(people: dict[str, Any], concerned: set[str], officer: str | None) -> bool:
    """Brute force: an investigator and another person who decides, both outside the concerned."""
    free = [name for name in people if name not in concerned]
    investigators = [
        name for name in free if people[name].has_perm(eligibility.INVESTIGATE) and officer in (None, name)
    ]
    deciders = [name for name in free if people[name].has_perm(eligibility.DECIDE)]
    return any(i != d for i in investigators for d in deciders)


def actor_for(step: str, complaint: Complaint, people: dict[str, Any]) -> Any:
    for person in people.values():
        person = type(person).objects.get(pk=person.pk)  # fresh permission caches
        if visible_to(person).filter(pk=complaint.pk).exists() and step in offered_steps(person, complaint):
            return person
    return None


def warned_can_act(complaint: Complaint, step: str) -> None:
    told = eligibility.who_may_act(complaint)
    assert told, f"nobody is told of {complaint.number} in state {complaint.state}"
    for person in told:
        assert step in offered_steps(person, complaint), f"{person} is told but cannot {step}"


def walk_to_answer(complaint: Complaint, people: dict[str, Any], label: str) -> None:
    """Propose, decide and answer, each by someone the pages offer the step to."""
    warned_can_act(complaint, "propose")
    officer = actor_for("propose", complaint, people)
    assert officer is not None, f"{label}: nobody can propose"
    complaint = services.propose(
        complaint=complaint, actor=officer, outcome=Outcome.REJECTED, resolution="Elutasítjuk.", reasons="Indok."
    )
    warned_can_act(complaint, "decide")
    executive = actor_for("decide", complaint, people)
    assert executive is not None, f"{label}: nobody can decide"
    complaint = services.decide(complaint=complaint, actor=executive, decision=Decision.APPROVED, reason="Jó.")
    warned_can_act(complaint, "answer")
    answering = actor_for("answer", complaint, people)
    assert answering is not None, f"{label}: nobody can answer"
    answer = written_answer(complaint, answering)
    complaint = services.answer_posted(answer=answer, actor=answering)
    assert complaint.state == ComplaintState.ANSWERED, label


@pytest.mark.parametrize("staffing", list(STAFFINGS))
@pytest.mark.parametrize("recorded_by", ["agent", "complaint_officer"])
def test_no_naming_of_concerned_people_leaves_a_complaint_nobody_can_move(
    users: dict[str, Any], staffing: str, recorded_by: str
) -> None:
    people = staff(users, STAFFINGS[staffing])
    concernable = [*handlers(people), "agent"]
    people["agent"] = users["agent"]
    accepted = refused = 0
    for size in range(len(concernable) + 1):
        for names in itertools.combinations(concernable, size):
            concerned = set(names)
            complaint = phone_complaint(users, actor=users[recorded_by], complainant_email="")
            officer = "complaint_officer" if complaint.officer_id else None
            label = f"{staffing}, recorded by {recorded_by}, concerning {sorted(concerned)}"
            namers = [name for name in handlers(people) if name not in concerned] or handlers(people)
            try:
                services.set_concerned(
                    complaint=complaint, actor=people[namers[0]], employees=[people[name] for name in names]
                )
            except services.InvalidInput as refusal:
                refused += 1
                message = str(refusal)
                if officer in concerned or namers[0] in concerned:
                    continue  # the officer must be replaced first; nobody names themselves
                assert not someone_can_finish(people, concerned, officer), f"{label}: refused ({message})"
                assert str(eligibility.NOBODY_TO_DECIDE) in message or str(eligibility.NOBODY_TO_INVESTIGATE) in message
                continue
            accepted += 1
            assert someone_can_finish(people, concerned, officer), f"{label}: accepted"
            walk_to_answer(Complaint.objects.get(pk=complaint.pk), people, label)
    assert accepted and refused


def test_a_refused_naming_says_who_is_missing_and_a_designated_deputy_makes_it_possible(
    users: dict[str, Any],
) -> None:
    """The standard staff has one officer and one executive: naming the executive leaves nobody to decide."""
    board = users["complaint_board"]
    board.is_active = False  # not designated yet
    board.save()
    complaint = phone_complaint(users, complainant_email="")
    officer, executive = users["complaint_officer"], users["executive"]
    with pytest.raises(services.InvalidInput) as refusal:
        services.set_concerned(complaint=complaint, actor=officer, employees=[executive])
    assert str(refusal.value) == str(eligibility.NOBODY_TO_DECIDE)
    assert not Complaint.objects.get(pk=complaint.pk).concerned.exists()

    board.is_active = True  # the administrator designates a member of the decision body
    board.save()
    complaint = services.set_concerned(complaint=complaint, actor=officer, employees=[executive])
    complaint = services.propose(
        complaint=complaint, actor=officer, outcome=Outcome.UPHELD, resolution="Jóváírjuk.", reasons="Indok."
    )
    assert eligibility.who_may_act(complaint) == [board]
    assert offered_steps(executive, complaint) == [] and not visible_to(executive).filter(pk=complaint.pk).exists()
    services.decide(complaint=complaint, actor=board, decision=Decision.APPROVED, reason="Rendben.")


def test_the_officer_cannot_name_herself(users: dict[str, Any]) -> None:
    user_with_role(Role.COMPLAINT_OFFICER, username="officer2")  # someone could still handle it
    complaint = phone_complaint(users, complainant_email="")
    officer = users["complaint_officer"]
    with pytest.raises(services.InvalidInput, match="Saját magát nem nevezheti meg"):
        services.set_concerned(complaint=complaint, actor=officer, employees=[officer])


def test_an_officer_who_is_also_an_executive_cannot_be_the_only_decider_of_her_own_proposal(
    users: dict[str, Any],
) -> None:
    users["complaint_board"].is_active = False
    users["complaint_board"].save()
    both = user_with_role(Role.COMPLAINT_OFFICER, username=BOTH)
    both.groups.add(*type(users["executive"].groups.first()).objects.filter(name=Role.EXECUTIVE.value))
    complaint = phone_complaint(users, complainant_email="")
    services.assign_officer(complaint=complaint, actor=both, officer=both)
    with pytest.raises(services.InvalidInput) as refusal:
        services.set_concerned(complaint=complaint, actor=both, employees=[users["executive"]])
    assert str(refusal.value) == str(eligibility.NOBODY_TO_DECIDE)


def test_the_warning_reaches_the_administrator_when_everyone_who_could_act_has_left(
    users: dict[str, Any],
) -> None:
    complaint = phone_complaint(users, actor=users["complaint_officer"], complainant_email="")
    for name in ("complaint_officer", "complaint_deputy"):
        users[name].is_active = False
        users[name].save()
    assert eligibility.who_may_act(complaint) == [users["administrator"]]
