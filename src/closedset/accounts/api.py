"""JSON API for the signed-in account."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

router = Router(tags=["accounts"])


class MeOut(Schema):
    email: str
    display_name: str
    handle: str


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> MeOut:
    user = request.user
    return MeOut(email=user.email, display_name=user.display_name, handle=user.handle)  # type: ignore[union-attr]
