"""Which productions the current request may reach: all of the person's, or only some.

A production-scoped API token narrows it (closedset.api.auth); `role_in` in
productions.services consults it, so every service that asks for a role sees no role in a
production outside the scope, exactly as for an outsider. Lists not tied to one production
(my productions, my shares) filter with `only_allowed`. Outside a request (commands, tests,
the demo) nothing is restricted.

The value lives in a context variable: it follows the request through sync and async code
and never leaks into another request, because ProductionScopeMiddleware starts each request
unrestricted and puts the previous value back afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

_allowed: ContextVar[frozenset[int] | None] = ContextVar(
    "closedset_allowed_productions", default=None
)

Q = TypeVar("Q", bound=QuerySet[Any])


def restrict_to(production_ids: Iterable[int]) -> None:
    """From now on in this request, only these productions (narrowing any earlier scope)."""
    ids = frozenset(production_ids)
    current = _allowed.get()
    _allowed.set(ids if current is None else current & ids)


def allowed_productions() -> frozenset[int] | None:
    """The production ids this request may reach, or None for no restriction."""
    return _allowed.get()


def allows(production_id: int) -> bool:
    allowed = _allowed.get()
    return allowed is None or production_id in allowed


def require_whole_account() -> None:
    """Refuse, in a request held to some productions, what belongs to the person across all of
    them (their boundary profile): a token given to one production's tools must not read or
    change it."""
    if _allowed.get() is not None:
        from django.utils.translation import gettext_noop

        from closedset.lib.errors import Forbidden

        # Translated where it is shown (lib.middleware.translated), as every DomainError.
        raise Forbidden(
            gettext_noop(
                "This token is for one production only, and your boundary profile is yours in "
                "every production. Use a token made for all your productions."
            )
        )


def only_allowed(queryset: Q, field: str = "production_id") -> Q:
    """`queryset` cut to the allowed productions (`field` names the production id)."""
    allowed = _allowed.get()
    if allowed is None:
        return queryset
    return queryset.filter(**{f"{field}__in": allowed})


class ProductionScopeMiddleware:
    """Every request starts unrestricted; whatever it narrowed to ends with it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _allowed.set(None)
        try:
            return self.get_response(request)
        finally:
            _allowed.reset(token)
