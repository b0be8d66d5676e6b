from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from closedset.accounts.models import User
from closedset.lib.errors import Forbidden
from closedset.productions import services
from closedset.productions.models import Invitation, Membership


def _invite(world, email="newperson@example.org", role="performer"):
    return services.invite(world.petra, world.production, email=email, role=role)


def test_the_producer_invites_and_only_a_hash_is_stored(world):
    invitation, key = _invite(world)
    assert invitation.expires_at - timezone.now() > timedelta(days=6, hours=23)
    assert key not in invitation.token_hash
    stored = Invitation.objects.get(pk=invitation.pk)
    assert len(stored.token_hash) == 64


def test_only_the_producer_may_invite(world):
    with pytest.raises(Forbidden):
        services.invite(world.ines, world.production, email="x@example.org", role="performer")


def test_accepting_creates_the_account_and_membership(world, client, persona_password):
    _, key = _invite(world)
    url = reverse("productions:invitation", args=[key])
    assert "Harbour Lights" in client.get(url).content.decode()
    response = client.post(
        url, {"display_name": "Nell", "handle": "nell", "password": persona_password}
    )
    assert response.status_code == 302
    nell = User.objects.get(handle="nell")
    assert services.role_in(nell, world.production) == {"performer"}
    assert client.get(reverse("productions:home")).status_code == 200


def test_a_link_works_once(world, client, persona_password):
    _, key = _invite(world)
    url = reverse("productions:invitation", args=[key])
    client.post(url, {"display_name": "Nell", "handle": "nell", "password": persona_password})
    again = type(client)().get(url)
    assert again.status_code == 410
    assert "already been used" in again.content.decode()


def test_an_expired_link_is_refused(world, client):
    invitation, key = _invite(world)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(reverse("productions:invitation", args=[key]))
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_a_tampered_link_is_not_found(world, client):
    _, key = _invite(world)
    tampered = key[:-2] + ("AA" if key[-2:] != "AA" else "BB")
    assert client.get(reverse("productions:invitation", args=[tampered])).status_code == 404
    assert client.get(reverse("productions:invitation", args=["nonsense"])).status_code == 404


def test_a_link_for_another_invitation_does_not_open_this_one(world, client):
    # A validly signed key whose token belongs to nothing stored.
    from django.core import signing

    invitation, _ = _invite(world)
    forged = signing.dumps(
        {"i": invitation.pk, "t": "guess"}, salt=services.INVITATION_SALT, compress=True
    )
    assert client.get(reverse("productions:invitation", args=[forged])).status_code == 404


def test_bad_account_details_are_field_errors_and_nothing_is_created(world, client):
    _, key = _invite(world)
    response = client.post(
        reverse("productions:invitation", args=[key]),
        {"display_name": "Nell", "handle": "Not Valid", "password": "short"},
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "lower-case" in body
    assert "Nell" in body  # what was typed is kept
    assert not User.objects.filter(email="newperson@example.org").exists()


def test_an_existing_person_accepts_while_logged_in(world, client_as):
    _, key = _invite(world, email="jonas@example.org", role="director")
    client = client_as("jonas")
    response = client.post(reverse("productions:invitation", args=[key]))
    assert response.status_code == 302
    assert services.role_in(world.jonas, world.production) == {"performer", "director"}


def test_someone_else_cannot_use_a_link_sent_to_another_address(world, client_as):
    _, key = _invite(world, email="newperson@example.org")
    response = client_as("mara").post(reverse("productions:invitation", args=[key]))
    assert response.status_code == 403
    assert not Membership.objects.filter(user=world.mara, role="director").exists()
    assert Invitation.objects.get().accepted_at is None


def test_someone_with_an_account_is_asked_to_log_in_first(world, client, persona_password):
    _, key = _invite(world, email="jonas@example.org", role="director")
    url = reverse("productions:invitation", args=[key])
    page = client.get(url).content.decode()
    assert "already have an account" in page
    assert 'name="password"' not in page
    response = client.post(
        reverse("accounts:login") + f"?next={url}",
        {"username": "jonas@example.org", "password": persona_password, "next": url},
    )
    assert response["Location"] == url
    client.post(url)
    assert services.role_in(world.jonas, world.production) == {"performer", "director"}
