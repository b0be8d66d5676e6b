"""API authentication: the browser session (with CSRF) or a personal Bearer token.

A token is checked by accounts.services.check_api_token (valid, not expired, its owner's second
factor in place, read-only tokens only read). A production-scoped token narrows the request's
production scope (closedset.lib.scope), which every service's role check consults: one place
keeps the token inside its production. Every authenticated caller is held to a fixed-window
request limit per minute.
"""

from __future__ import annotations

import math
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from closedset.accounts import services
from closedset.accounts.errors import RateLimited
from closedset.lib import scope

WINDOW_SECONDS = 60
# The clock of the request limit; tests replace it to stay inside one window.
clock = time.time


class ApiRateLimited(RateLimited):
    """Too many API requests this minute; `retry_after` seconds until the next window."""

    def __init__(self, limit: int, retry_after: int) -> None:
        super().__init__(
            f"Too many requests: at most {limit} a minute. "
            f"Wait {retry_after} seconds, then try again."
        )
        self.retry_after = retry_after


def limit_requests(who: str) -> None:
    """Count one request for `who` in the current minute; ApiRateLimited past the limit."""
    limit = int(settings.CLOSEDSET_API_REQUESTS_PER_MINUTE)
    if limit <= 0:
        return
    now = clock()
    window = int(now // WINDOW_SECONDS)
    key = f"closedset:api-rate:{who}:{window}"
    # A little longer than the window, so the count cannot vanish while the window is open.
    if cache.add(key, 1, WINDOW_SECONDS + 5):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.add(key, 1, WINDOW_SECONDS + 5)
            count = 1
    if count > limit:
        retry_after = max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))
        raise ApiRateLimited(limit, retry_after)


class Session(SessionAuth):
    """Session cookie; ninja checks CSRF for it. The second-factor middleware has already
    refused sessions that must be verified and are not."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is None or not user.is_active:
            return None
        limit_requests(f"user:{user.pk}")
        return user


class Token(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        # Raises a DomainError (401/403) that the API answers in its usual shape.
        api_token = services.check_api_token(token, method=request.method or "GET")
        limit_requests(f"token:{api_token.pk}")
        if api_token.production_id is not None:
            scope.restrict_to({api_token.production_id})
        request.api_token = api_token  # type: ignore[attr-defined]
        request.user = api_token.user
        return api_token.user


AUTH = [Token(), Session()]
