"""The roles of the service desk, as groups with permissions. The code here is the only definition."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENT = "agent", _("Agent")
    MANAGER = "manager", _("Service-desk manager")
    DISPATCHER = "dispatcher", _("Dispatcher")
    EXECUTOR = "executor", _("Executor")
    COMPLAINT_OFFICER = "complaint_officer", _("Complaint officer")
    # Steps in when no complaint officer may handle a complaint (every one of them is concerned, or absent).
    COMPLAINT_DEPUTY = "complaint_deputy", _("Deputy complaint officer")
    EXECUTIVE = "executive", _("Executive")
    # Decides on complaints when no executive may (every executive is concerned, or proposed it).
    COMPLAINT_BOARD = "complaint_board", _("Member of the complaint decision body")
    ADMINISTRATOR = "administrator", _("Administrator")
    DATA_PROTECTION_OFFICER = "data_protection_officer", _("Data-protection officer")


_AGENT_WORK = [
    "tickets.view_all_tickets",
    "tickets.register_ticket",
    "tickets.verify_ticket",
    "tickets.route_ticket",
    "tickets.work_on_ticket",
    "tickets.answer_question",
    "tickets.test_ticket",
    "tickets.consult_user",
    "tickets.notify_user",
    "tickets.close_ticket",
    "tickets.register_feedback",
    "tickets.attach_file",
    "customers.view_contact",
    "customers.add_contact",
    "customers.view_customer",
    "customers.view_module",
    "library.view_document",
    "library.manage_documents",
    "library.link_document",
]
_REFERENCE_DATA = [
    *(
        f"customers.{verb}_{model}"
        for model in ("customer", "contact", "module")
        for verb in ("view", "add", "change", "delete")
    ),
    *(f"mail.{verb}_mailbox" for verb in ("view", "add", "change")),
    "mail.view_inboundmessage",
    "mail.view_outboundmessage",
    "mail.view_messagetemplate",
    "mail.change_messagetemplate",
    "complaints.view_redressbody",
    "complaints.change_redressbody",
    "worktime.view_openinghours",
    "worktime.change_openinghours",
    *(f"library.{verb}_category" for verb in ("view", "add", "change")),
    *(
        f"worktime.{verb}_{model}"
        for model in ("calendarexception", "servicelevel")
        for verb in ("view", "add", "change", "delete")
    ),
]

_RECORD_COMPLAINTS = ["complaints.register_complaint"]
_HANDLE_COMPLAINTS = [
    "tickets.view_all_tickets",
    "customers.view_module",
    "complaints.view_complaints",
    "complaints.register_complaint",
    "complaints.investigate_complaint",
    "complaints.view_complaint_statistics",
    "complaints.export_complaints",
    "complaints.view_redressbody",
    "complaints.change_redressbody",
    "complaints.view_purgelogentry",
    "library.view_document",
]
_DECIDE_COMPLAINTS = [
    "complaints.view_complaints",
    "complaints.decide_complaint",
    "complaints.view_complaint_statistics",
    "complaints.export_complaints",
    "library.view_document",
]

ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.AGENT: [*_AGENT_WORK, *_RECORD_COMPLAINTS],
    Role.MANAGER: [
        *_AGENT_WORK,
        *_REFERENCE_DATA,
        *_RECORD_COMPLAINTS,
        "tickets.view_reports",
        "complaints.view_complaint_statistics",
    ],
    Role.DISPATCHER: [
        "tickets.view_all_tickets",
        "tickets.dispatch_ticket",
        "customers.view_module",
        "library.view_document",
    ],
    Role.EXECUTOR: [
        "tickets.work_on_ticket",
        "tickets.attach_file",  # a screenshot of the fix, a log; on their own tickets, the only ones they see
        "customers.view_module",
        "library.view_document",
        "library.link_document",
    ],
    Role.COMPLAINT_OFFICER: _HANDLE_COMPLAINTS,
    Role.COMPLAINT_DEPUTY: _HANDLE_COMPLAINTS,
    Role.EXECUTIVE: ["tickets.view_reports", *_DECIDE_COMPLAINTS],
    Role.COMPLAINT_BOARD: _DECIDE_COMPLAINTS,
    Role.ADMINISTRATOR: [
        *_REFERENCE_DATA,
        *(f"accounts.{verb}_user" for verb in ("view", "add", "change")),
        *(f"auth.{verb}_group" for verb in ("view",)),
        *(f"webhooks.{verb}_webhook" for verb in ("view", "add", "change", "delete")),
        "webhooks.view_webhookdelivery",
        # Sensitive roles given by another administrator wait for this one's approval (accounts.grants).
        "accounts.view_rolegrant",
        "accounts.decide_role_grant",
    ],
    # The access log and data-subject requests. Reading tickets or complaints is not part of it.
    Role.DATA_PROTECTION_OFFICER: [
        "privacy.view_accesslogentry",
        "retention.view_deletionlogentry",
        "privacy.handle_subject_request",
    ],
}

# Roles that reach what an administrator must not reach on their own say-so: the access log and data-subject
# requests, and the complaint register. Giving one in the admin needs a second administrator (accounts.grants).
SEPARATED_ROLES = frozenset(
    {
        Role.DATA_PROTECTION_OFFICER,
        Role.COMPLAINT_OFFICER,
        Role.COMPLAINT_DEPUTY,
        Role.COMPLAINT_BOARD,
        Role.EXECUTIVE,
    }
)

# Roles whose members use the Django admin (reference data, users; the deletion log for the data-protection officer).
STAFF_ROLES = frozenset(
    {Role.MANAGER, Role.ADMINISTRATOR, Role.COMPLAINT_OFFICER, Role.COMPLAINT_DEPUTY, Role.DATA_PROTECTION_OFFICER}
)


def roles_of(user: Any) -> frozenset[str]:
    """The role names of a user, read once per request and kept on the user object."""
    cached = getattr(user, "_pult_roles", None)
    if cached is None:
        if not getattr(user, "is_authenticated", False):
            cached = frozenset()
        else:
            # The permission backend (accounts.backends) reads the roles with the permissions, at once.
            user.get_all_permissions()
            cached = getattr(user, "_pult_roles", None)
            if cached is None:  # a superuser, or another backend
                cached = frozenset(user.groups.values_list("name", flat=True))
        user._pult_roles = cached
    return cached


def has_role(user: Any, *roles: Role) -> bool:
    return bool(roles_of(user) & {role.value for role in roles})


def sync_roles() -> None:
    """Create every role's group and give it exactly the permissions listed above (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    for role, names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role.value)
        wanted = []
        for name in names:
            app_label, codename = name.split(".", 1)
            wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)
