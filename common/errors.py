"""One family of refusals for every register: each error knows its code and HTTP status, so a page and the
API answer the same refusal the same way (api/errors.py maps them in one place, the pages read `status`).

The message is translatable and safe to show to the user; nothing changed when one is raised.
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    """A step or a write was refused."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "refused"

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


class NotAllowed(DomainError):
    """The actor's role (or assignment) does not permit the step."""

    status = 403
    code = "not_allowed"


class IllegalTransition(DomainError):
    """The record's state does not permit the step."""

    status = 409
    code = "illegal_transition"


class ChangedMeanwhile(DomainError):
    """Someone else acted on the record after the form was shown."""

    status = 409
    code = "changed_meanwhile"


class InvalidInput(DomainError):
    """A value the step needs is missing or wrong."""

    status = 422
    code = "invalid_input"
