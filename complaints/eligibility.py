"""Who may move a complaint on: investigate and answer it, decide on its proposal, or be told of its deadline.

The law gives every complaint a written answer within 30 days, so no naming of concerned employees may
leave a step with nobody: `gaps` says what would be missing, and `complaints.services.set_concerned`
refuses such a naming with that text. The complaint officers investigate and answer, the deputy complaint
officers step in when no officer may; the executives decide, the members of the complaint decision body
when no executive may. The deadline warnings go to `who_may_act`, so they always reach someone who can.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from accounts.selectors import staff_holding
from complaints.choices import ComplaintState

if TYPE_CHECKING:
    from complaints.models import Complaint

INVESTIGATE = "complaints.investigate_complaint"
DECIDE = "complaints.decide_complaint"

NOBODY_TO_INVESTIGATE = _(
    "Nobody would be left to investigate and answer the complaint: every complaint officer and deputy "
    "complaint officer would be concerned. The administrator can designate a deputy complaint officer."
)
NOBODY_TO_DECIDE = _(
    "Nobody would be left to decide on its proposal: every executive and member of the complaint decision "
    "body would be concerned or is the officer who proposes. The administrator can designate a member of "
    "the complaint decision body."
)


def _people(permission: str, primary: Role, concerned: Collection[int]) -> list[Any]:
    """Active staff whose role holds `permission`, outside `concerned`, those of the `primary` role first."""
    in_primary = get_user_model().groups.through.objects.filter(user_id=OuterRef("pk"), group__name=primary.value)
    people = staff_holding(permission).exclude(pk__in=list(concerned)).annotate(primary=Exists(in_primary))
    return list(people.order_by("-primary", "pk"))


def _concerned_ids(complaint: Complaint) -> set[int]:
    return set(complaint.concerned.values_list("pk", flat=True))


def _first_tier(people: list[Any]) -> list[Any]:
    """The primary role's members if any is there; the deputies only when none is."""
    primary = [person for person in people if person.primary]
    return primary or people


def _able_officer(complaint: Complaint, concerned: Collection[int]) -> Any:
    officer = complaint.officer
    if officer is None or not officer.is_active or officer.pk in concerned or not officer.has_perm(INVESTIGATE):
        return None
    return officer


def investigators(complaint: Complaint, concerned: Collection[int] | None = None) -> list[Any]:
    """Its officer while able to act; otherwise the complaint officers, or the deputies when no officer may."""
    concerned = _concerned_ids(complaint) if concerned is None else concerned
    officer = _able_officer(complaint, concerned)
    if officer is not None:
        return [officer]
    return _first_tier(_people(INVESTIGATE, Role.COMPLAINT_OFFICER, concerned))


def deciders(complaint: Complaint, concerned: Collection[int] | None = None, *, proposer: Any = None) -> list[Any]:
    """The executives, or the decision body's members when no executive may; never the proposer."""
    concerned = _concerned_ids(complaint) if concerned is None else concerned
    excluded = set(concerned) | ({proposer.pk} if proposer is not None else set())
    return _first_tier(_people(DECIDE, Role.EXECUTIVE, excluded))


def gaps(complaint: Complaint, concerned: Collection[int]) -> list[Any]:
    """What no one could do if `concerned` were the employees the complaint concerns (empty: all is covered)."""
    officer = _able_officer(complaint, concerned)
    able_investigators = [officer] if officer is not None else _people(INVESTIGATE, Role.COMPLAINT_OFFICER, concerned)
    able_deciders = _people(DECIDE, Role.EXECUTIVE, concerned)
    missing = []
    if not able_investigators:
        missing.append(NOBODY_TO_INVESTIGATE)
    # Whoever proposes cannot decide: there must be a decider other than some investigator.
    if not able_deciders or (
        able_investigators and all(d.pk == i.pk for d in able_deciders for i in able_investigators)
    ):
        missing.append(NOBODY_TO_DECIDE)
    return missing


def administrators() -> list[Any]:
    """They can designate a deputy when nobody else may act."""
    User = get_user_model()
    return list(User.objects.filter(is_active=True, groups__name=Role.ADMINISTRATOR.value).order_by("pk"))


def who_may_act(complaint: Complaint) -> list[Any]:
    """The people who can take the complaint's next step; the administrators if, after all, nobody can."""
    concerned = _concerned_ids(complaint)
    if complaint.state == ComplaintState.PROPOSED:
        pending = complaint.proposals.filter(decision="").select_related("proposed_by").order_by("-id").first()
        people = deciders(complaint, concerned, proposer=pending.proposed_by if pending else None)
    else:
        people = investigators(complaint, concerned)
    return people or administrators()
