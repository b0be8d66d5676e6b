"""Text no database can hold (a lone surrogate) is refused as a bad body, never a 500."""

from __future__ import annotations

import pytest
from django.test import Client

from closedset.accounts import services as accounts
from closedset.productions.models import Invitation, Scene

SURROGATE_BODIES = [
    ("scenes", '{"number": "\\ud800"}'),
    ("invitations", '{"email": "\\ud800@example.org", "role": "performer"}'),
]


@pytest.mark.parametrize(("kind", "body"), SURROGATE_BODIES, ids=[k for k, _ in SURROGATE_BODIES])
def test_a_lone_surrogate_is_a_bad_body(world, kind, body):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=world.petra, name="phone", confirmed=True)
    _, secret = accounts.create_api_token(
        world.petra, "tools", access="write", session_verified=True
    )
    scenes, invitations = Scene.objects.count(), Invitation.objects.count()
    response = Client().post(
        f"/api/v1/productions/{world.production.pk}/{kind}",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 400
    assert "detail" in response.json()
    assert (Scene.objects.count(), Invitation.objects.count()) == (scenes, invitations)
