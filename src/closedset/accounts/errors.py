"""Errors of the accounts app (DomainError, so pages and the API map them in one place)."""

from __future__ import annotations

from django.utils.translation import gettext

from closedset.lib.errors import DomainError


class RateLimited(DomainError):
    """Too many e-mails (or attempts) were asked for in a short time."""

    status = 429


class MailNotSent(DomainError):
    """The mail server did not take the message; nothing was sent."""

    status = 503

    def __init__(self) -> None:
        super().__init__(
            gettext("We could not send the e-mail just now. Please try again in a few minutes.")
        )


# --- API tokens and sessions ---


class TokenNotValid(DomainError):
    status = 401

    def __init__(self) -> None:
        super().__init__(
            gettext(
                "This token is not valid: it was revoked or mistyped. "
                "Create a new one on your API tokens page."
            )
        )


class TokenExpired(DomainError):
    status = 401

    def __init__(self, expired_at: str) -> None:
        super().__init__(
            gettext("This token expired on %(day)s. Create a new one on your API tokens page.")
            % {"day": expired_at}
        )


class TokenNeedsSecondFactor(DomainError):
    """The token's owner holds a role that needs a second factor and has none set up."""

    status = 403

    def __init__(self) -> None:
        super().__init__(
            gettext("Set up your second factor in the browser, then use this token again.")
        )


class TokenNeedsEmail(DomainError):
    status = 403

    def __init__(self) -> None:
        super().__init__(
            gettext("Confirm your e-mail address in the browser, then use this token again.")
        )


class TokenReadOnly(DomainError):
    status = 403

    def __init__(self) -> None:
        super().__init__(
            gettext(
                "This token can only read. "
                "To make changes, create a token that may also change things."
            )
        )
