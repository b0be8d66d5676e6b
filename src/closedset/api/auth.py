"""API authentication: the browser session (with CSRF) or a personal Bearer token."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from closedset.accounts import services


class Session(SessionAuth):
    """Session cookie; ninja checks CSRF for it. The second-factor middleware has already
    refused staff sessions that are not verified."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


class Token(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = services.user_for_api_token(token)
        if user is None:
            return None
        request.user = user
        return user


AUTH = [Token(), Session()]
