"""Errors of the productions app (all DomainError, so pages and API map them in one place)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from closedset.lib.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound

__all__ = [
    "Conflict",
    "DomainError",
    "Forbidden",
    "InvalidInput",
    "NotFound",
    "InvitationInvalid",
    "InvitationExpired",
    "InvitationUsed",
    "InvitationWithdrawn",
    "InvitationNotSent",
    "RolesConflict",
    "WrongAccount",
]

INDEPENDENCE = gettext_lazy(
    "In one production the intimacy coordinator cannot also be producer or director, "
    "so performers can trust the coordinator's independence."
)


class InvitationInvalid(NotFound):
    def __init__(self) -> None:
        super().__init__(_("This invitation link is not valid. Ask for a new one."))


class InvitationExpired(DomainError):
    status = 410

    def __init__(self) -> None:
        super().__init__(_("This invitation has expired. Ask the producer for a new one."))


class InvitationUsed(DomainError):
    status = 410

    def __init__(self) -> None:
        super().__init__(_("This invitation has already been used. Each link works once."))


class InvitationWithdrawn(DomainError):
    status = 410

    def __init__(self) -> None:
        super().__init__(_("This invitation was withdrawn. Ask the producer if that is a mistake."))


class WrongAccount(Forbidden):
    def __init__(self) -> None:
        super().__init__(
            _(
                "This invitation was sent to another email address. Log out, then open the link "
                "again, or ask for an invitation to your own address."
            )
        )


class RolesConflict(InvalidInput):
    """Coordinator together with producer or director in one production (domain.md §1)."""

    def __init__(self) -> None:
        super().__init__(str(INDEPENDENCE), {"role": str(INDEPENDENCE)})


class InvitationNotSent(DomainError):
    status = 503

    def __init__(self) -> None:
        super().__init__(
            _(
                "The invitation e-mail could not be sent, so no invitation was made. "
                "Please try again in a few minutes."
            )
        )
