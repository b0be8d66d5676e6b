"""Personal API tokens at the API: the second-factor rule, expiry, read/write, production
scope and the request limit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from closedset.accounts import services as accounts
from closedset.accounts.models import ApiToken
from closedset.boundaries import services as boundaries
from closedset.boundaries.models import ProfileShare
from closedset.lib.errors import Forbidden, InvalidInput
from closedset.plans.tests.scenario import JONAS
from closedset.productions.models import Membership, Production


def _token(user, **options) -> tuple[ApiToken, str]:
    options.setdefault("access", ApiToken.Access.WRITE)
    return accounts.create_api_token(user, "cli", session_verified=True, **options)


def _bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def _confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def test_a_token_stops_when_its_owner_becomes_staff_without_a_second_factor(world):
    """The reported case: Dario's old token read a performer's profile in a production he had
    just become coordinator of, while his browser was held at the second-factor setup page."""
    _, secret = _token(world.dario)
    quiet = world.other_production
    Membership.objects.create(user=world.jonas, production=quiet, role="performer")
    boundaries.replace_profile(world.jonas, JONAS)
    boundaries.share(world.jonas, quiet.pk)
    Membership.objects.create(user=world.dario, production=quiet, role="coordinator")
    assert not accounts.has_confirmed_device(world.dario)

    url = f"/api/v1/boundaries/productions/{quiet.pk}"
    response = Client().get(url, headers=_bearer(secret))

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Set up your second factor in the browser, then use this token again.",
        "fields": {},
    }
    assert "jonas" not in response.content.decode()
    # Every other route too: the token is refused as a whole, not per production.
    assert Client().get("/api/v1/me", headers=_bearer(secret)).status_code == 403

    _confirmed_device(world.dario)
    again = Client().get(url, headers=_bearer(secret))
    assert again.status_code == 200
    assert [item["handle"] for item in again.json()] == ["jonas"]


def test_a_token_cannot_be_made_from_a_session_that_skipped_the_second_factor(world):
    with pytest.raises(Forbidden):
        accounts.create_api_token(world.ines, "laptop", session_verified=False)
    # A performer who set one up is held to it as well.
    _confirmed_device(world.mara)
    with pytest.raises(Forbidden):
        accounts.create_api_token(world.mara, "phone", session_verified=False)
    assert not ApiToken.objects.exists()
    # A performer without one needs none.
    accounts.create_api_token(world.jonas, "phone", session_verified=False)


def test_tokens_expire_after_90_days_unless_shorter_is_asked_for(world):
    token, _ = _token(world.mara)
    assert token.expires_at - token.created_at == timedelta(days=90)
    week, _ = _token(world.mara, days=7)
    assert week.expires_at - week.created_at == timedelta(days=7)
    with pytest.raises(InvalidInput) as error:
        _token(world.mara, days=365)
    assert error.value.fields == {"days": "Choose 7, 30 or 90 days."}


def test_the_longest_lifetime_is_a_setting(world, settings):
    settings.CLOSEDSET_TOKEN_DAYS = 30
    assert accounts.token_day_choices() == [7, 30]
    token, _ = _token(world.mara)
    assert token.expires_at - token.created_at == timedelta(days=30)
    with pytest.raises(InvalidInput):
        _token(world.mara, days=90)


def test_an_expired_token_is_refused_in_words(world):
    token, secret = _token(world.mara)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = Client().get("/api/v1/me", headers=_bearer(secret))
    assert response.status_code == 401
    body = response.json()
    assert body["fields"] == {}
    assert body["detail"].startswith("This token expired on ")
    assert "Create a new one" in body["detail"]


def test_an_unknown_token_is_refused_in_the_usual_shape(world):
    _, secret = _token(world.mara)
    response = Client().get("/api/v1/me", headers=_bearer(secret + "x"))
    assert response.status_code == 401
    assert set(response.json()) == {"detail", "fields"}


def test_a_read_token_reads_and_changes_nothing(world):
    _, secret = _token(world.mara, access=ApiToken.Access.READ)
    assert Client().get("/api/v1/boundaries/me", headers=_bearer(secret)).status_code == 200
    url = f"/api/v1/boundaries/me/shares/{world.production.pk}"
    response = Client().post(url, headers=_bearer(secret))
    assert response.status_code == 403
    assert response.json() == {
        "detail": "This token can only read. To make changes, create a token that may also "
        "change things.",
        "fields": {},
    }
    assert not ProfileShare.objects.exists()
    _, writer = _token(world.mara, access=ApiToken.Access.WRITE)
    assert Client().post(url, headers=_bearer(writer)).status_code == 200
    assert ProfileShare.objects.filter(production=world.production).exists()


@pytest.fixture
def side_project(world) -> Production:
    """A second Northlight production Mara performs in."""
    side = Production.objects.create(
        organisation=world.organisation, name="Side Project", kind="adult"
    )
    Membership.objects.create(user=world.mara, production=side, role="performer")
    return side


def test_a_production_token_reaches_only_its_production(world, side_project):
    _, secret = _token(world.mara, production_id=side_project.pk)
    client = Client(headers=_bearer(secret))

    listed = client.get("/api/v1/productions").json()
    assert [p["name"] for p in listed] == ["Side Project"]
    assert client.get(f"/api/v1/productions/{side_project.pk}").status_code == 200
    harbour = client.get(f"/api/v1/productions/{world.production.pk}")
    assert harbour.status_code == 404
    assert harbour.json() == {"detail": "No such production.", "fields": {}}
    shares = client.get("/api/v1/boundaries/me/shares").json()
    assert [s["production"] for s in shares] == ["Side Project"]
    scene = f"/api/v1/plans/{world.production.pk}/scenes/{world.scene.pk}"
    assert client.get(scene).status_code == 404
    assert client.post(f"/api/v1/boundaries/me/shares/{world.production.pk}").status_code == 404
    assert client.post(f"/api/v1/boundaries/me/shares/{side_project.pk}").status_code == 200
    assert list(ProfileShare.objects.values_list("production__name", flat=True)) == ["Side Project"]


def test_a_production_scope_ends_with_its_request(world, side_project, client_as):
    _, secret = _token(world.mara, production_id=side_project.pk)
    session = client_as("mara")
    assert len(Client().get("/api/v1/productions", headers=_bearer(secret)).json()) == 1
    # The next request in this thread (a browser session, then an all-productions token)
    # sees all of Mara's productions again.
    assert len(session.get("/api/v1/productions").json()) == 2
    _, everything = _token(world.mara)
    assert len(Client().get("/api/v1/productions", headers=_bearer(everything)).json()) == 2


def test_a_token_is_scoped_only_to_a_production_of_its_owner(world):
    with pytest.raises(InvalidInput) as error:
        _token(world.mara, production_id=world.other_production.pk)
    assert error.value.fields == {"production": "Choose one of your productions, or all of them."}
    assert not ApiToken.objects.exists()


def test_deleting_the_production_deletes_its_tokens(world, side_project):
    token, _ = _token(world.mara, production_id=side_project.pk)
    side_project.delete()
    # Never an all-productions token by accident.
    assert not ApiToken.objects.filter(pk=token.pk).exists()


def test_last_used_is_noted_at_most_once_a_minute(world):
    token, secret = _token(world.mara)
    assert token.last_used_at is None
    Client().get("/api/v1/me", headers=_bearer(secret))
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    Client().get("/api/v1/me", headers=_bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at == first
    earlier = timezone.now() - timedelta(minutes=2)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=earlier)
    Client().get("/api/v1/me", headers=_bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at > earlier


# --- the request limit ---------------------------------------------------------------------


@pytest.fixture
def three_a_minute(settings, monkeypatch):
    """A limit of 3 and a clock standing 19.5 seconds before the next minute begins."""
    from closedset.api import auth

    settings.CLOSEDSET_API_REQUESTS_PER_MINUTE = 3
    now = {"t": 1000.5}
    monkeypatch.setattr(auth, "clock", lambda: now["t"])
    return now


def test_a_token_past_the_limit_waits_for_the_next_minute(world, three_a_minute):
    _, secret = _token(world.mara)
    client = Client(headers=_bearer(secret))
    assert [client.get("/api/v1/me").status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get("/api/v1/me")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "20"
    assert refused.json() == {
        "detail": "Too many requests: at most 3 a minute. Wait 20 seconds, then try again.",
        "fields": {},
    }
    # Each token counts on its own.
    _, other = _token(world.mara)
    assert Client().get("/api/v1/me", headers=_bearer(other)).status_code == 200
    three_a_minute["t"] = 1020.0
    assert client.get("/api/v1/me").status_code == 200


def test_a_session_past_the_limit_is_refused_too(world, client_as, three_a_minute):
    client = client_as("mara")
    assert [client.get("/api/v1/me").status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get("/api/v1/me")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "20"


def test_no_limit_when_set_to_zero(world, settings, monkeypatch):
    from closedset.api import auth

    settings.CLOSEDSET_API_REQUESTS_PER_MINUTE = 0
    monkeypatch.setattr(auth, "clock", lambda: 1000.0)
    _, secret = _token(world.mara)
    client = Client(headers=_bearer(secret))
    assert {client.get("/api/v1/me").status_code for _ in range(5)} == {200}
