"""Leaving: a person downloads everything about them, and erases their account for good."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

from closedset.accounts import services
from closedset.accounts.errors import TokenNotValid
from closedset.accounts.models import ApiToken, User, UserSession
from closedset.boundaries import services as boundaries
from closedset.boundaries.models import BoundaryProfile, ProfileShare, ProfileVersion, ProfileView
from closedset.conftest import verified_client
from closedset.lib import crypto
from closedset.lib.errors import InvalidInput
from closedset.plans import services as plans
from closedset.plans.models import BeatEdit, RoleSlot
from closedset.plans.tests.scenario import JONAS, MARA, PLAN
from closedset.productions.models import Invitation, Membership

pytestmark = pytest.mark.django_db

EXPORT = reverse("accounts:export")
ERASE = reverse("accounts:erase")


@pytest.fixture
def harbour(world):
    """Both performers share; Ines built the slap plan and opened Mara's profile once."""
    for user, data in ((world.mara, MARA), (world.jonas, JONAS)):
        boundaries.replace_profile(user, data)
        boundaries.share(user, world.production.pk)
    plans.replace_plan(world.ines, world.production.pk, world.scene.pk, PLAN)
    boundaries.production_profile(world.ines, world.production.pk, "mara")
    return world


def download(client, password):
    return client.post(EXPORT, {"password": password})


def erase(client, password, confirm="ERASE"):
    return client.post(ERASE, {"password": password, "confirm": confirm})


# --- export ----------------------------------------------------------------------------------


def test_the_export_asks_for_the_password_again(harbour, client_as):
    client = client_as("mara")
    page = client.get(EXPORT)
    assert page.status_code == 200
    assert 'autocomplete="current-password"' in page.content.decode()
    wrong = download(client, "not-her-password")
    assert wrong.status_code == 422
    assert "Content-Disposition" not in wrong
    assert "That is not your password." in wrong.content.decode()
    empty = client.post(EXPORT, {})
    assert empty.status_code == 422
    assert "Type the password you log in with." in empty.content.decode()


def test_guessing_the_password_on_the_export_stops(harbour, client_as, persona_password):
    client = client_as("mara")
    for _ in range(services.PASSWORD_CHANGE_FAILURES):
        assert download(client, "guess").status_code == 422
    # Locked now, even with the right password.
    locked = download(client, persona_password)
    assert locked.status_code == 429
    assert "Wait an hour" in locked.content.decode()


def test_the_export_holds_everything_about_the_person(harbour, client_as, persona_password):
    world = harbour
    token, secret = services.create_api_token(world.mara, "laptop", session_verified=True)
    Invitation.objects.create(
        production=world.production,
        email="mara@example.org",
        role="performer",
        token_hash="1" * 64,
        expires_at=token.expires_at,
        accepted_at=token.created_at,
        accepted_by=world.mara,
    )
    client = client_as("mara")
    UserSession.objects.create(user=world.mara, key_hash="2" * 64, browser="Firefox on Android")
    response = download(client, persona_password)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="closedset-mara-')
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert data["account"]["email"] == "mara@example.org"
    assert data["account"]["handle"] == "mara"
    assert [(m["production"], m["role"]) for m in data["memberships"]] == [
        ("Harbour Lights", "Performer")
    ]
    [version] = data["profile_versions"]
    assert version["profile"]["boundaries"][0]["note"] == MARA["boundaries"][0]["note"]
    assert [(s["production"], s["revoked_at"]) for s in data["shares"]] == [
        ("Harbour Lights", None)
    ]
    assert [(v["viewer"], v["via"]) for v in data["profile_views"]] == [("Ines", "page")]
    assert [i["production"] for i in data["invitations_accepted"]] == ["Harbour Lights"]
    assert data["cast_in"] == [{"production": "Harbour Lights", "scene": "12B", "role": "A"}]
    [exported_token] = data["api_tokens"]
    assert exported_token["prefix"] == token.prefix
    assert "Firefox on Android" in [s["browser"] for s in data["sessions"]]
    # Never a secret, nor what would check one.
    text = response.content.decode()
    for never in (secret, token.token_hash, world.mara.password, "token_hash", "sealed"):
        assert never not in text


def test_jonass_export_has_nothing_of_mara(harbour, client_as, persona_password):
    text = download(client_as("jonas"), persona_password).content.decode()
    data = json.loads(text)
    assert data["account"]["handle"] == "jonas"
    assert data["profile_views"] == []
    for trace in ("mara", "Mara", "left ear", "face"):
        assert trace not in text


def test_a_coordinators_export_lists_her_own_looks(harbour, client_as, persona_password):
    data = json.loads(download(client_as("ines"), persona_password).content)
    assert [(v["performer"], v["via"]) for v in data["profile_views_made"]] == [("Mara", "page")]
    assert data["profile_versions"] == []
    assert {c["beat"] for c in data["beat_changes"]} == {"b1", "b2"}


# --- erasure ---------------------------------------------------------------------------------


def test_erasing_needs_the_password_and_the_word(harbour, client_as, persona_password):
    client = client_as("mara")
    assert client.get(ERASE).status_code == 200
    for password, confirm in (
        ("wrong", "ERASE"),
        (persona_password, "erase please"),
        (persona_password, ""),
    ):
        response = erase(client, password, confirm)
        assert response.status_code == 422
    assert "Type ERASE in capital letters" in response.content.decode()
    assert User.objects.get(pk=harbour.mara.pk).is_active
    assert boundaries.my_profile(harbour.mara)[1] == 1


def test_erasure_makes_maras_sealed_data_unreadable_for_good(harbour, client_as, persona_password):
    world = harbour
    version = ProfileVersion.objects.get(profile__owner=world.mara)
    # A copy, as a backup would hold it.
    blob, context = bytes(version.sealed), f"boundaries.profile:{world.mara.pk}:v1"
    assert crypto.unseal_json(world.mara, blob, context)["performer"] == "mara"
    response = erase(client_as("mara"), persona_password)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    with pytest.raises(crypto.CryptoError):
        crypto.unseal_json(world.mara, blob, context)
    assert not BoundaryProfile.objects.filter(owner=world.mara).exists()
    assert not ProfileVersion.objects.filter(pk=version.pk).exists()
    assert not ProfileShare.objects.filter(profile__owner=world.mara).exists()


def test_the_erased_account_keeps_no_name_address_or_way_in(harbour, persona_password):
    world = harbour
    token, secret = services.create_api_token(world.mara, "laptop", session_verified=True)
    TOTPDevice.objects.create(user=world.mara, name="phone", confirmed=True)
    services.new_recovery_codes(world.mara)
    elsewhere = verified_client(world.mara)  # Mara signed in on another device
    assert elsewhere.get(reverse("boundaries:mine")).status_code == 200
    services.erase_account(world.mara, persona_password, "mara@example.org")
    row = User.objects.get(pk=world.mara.pk)
    assert row.display_name == "Erased account"
    assert row.email.endswith("@erased.invalid") and "mara" not in row.email
    assert "mara" not in row.handle
    assert not row.is_active and not row.has_usable_password()
    assert row.wrapped_data_key is None
    assert not Membership.objects.filter(user=row).exists()
    # No login, no token, no session anywhere.
    login = Client().post(
        reverse("accounts:login"), {"username": "mara@example.org", "password": persona_password}
    )
    assert login.status_code == 200 and SESSION_KEY not in login.client.session
    with pytest.raises(TokenNotValid):
        services.check_api_token(secret)
    assert not ApiToken.objects.filter(user=row).exists()
    assert elsewhere.get(reverse("boundaries:mine")).status_code == 302
    assert not UserSession.objects.filter(user=row).exists()
    assert list(devices_for_user(row, confirmed=None)) == []


def test_the_erased_account_keeps_no_notices(harbour, persona_password):
    from closedset.notices import services as notices
    from closedset.notices.models import MailPreference, Notice

    world = harbour
    notices.notify(world.mara, "cast", production=world.production, subject="s", body="b")
    notices.set_mail_preferences(world.mara, [])
    assert services.export_data(world.mara)["notices"]
    services.erase_account(world.mara, persona_password, "mara@example.org")
    assert not Notice.objects.filter(recipient=world.mara).exists()
    assert not MailPreference.objects.filter(user=world.mara).exists()


def test_erasure_leaves_everyone_elses_data_and_history(harbour, client_as, persona_password):
    world = harbour
    erase(client_as("mara"), persona_password)
    # Jonas's profile, share and the coordinator's view of it are untouched.
    assert boundaries.my_profile(world.jonas)[1] == 1
    assert boundaries.is_shared(world.jonas, world.production)
    url = reverse("boundaries:production_profile", args=[world.production.pk, "jonas"])
    assert client_as("ines").get(url).status_code == 200
    # Ines's look at Mara's profile stays on record, now of an erased account.
    look = ProfileView.objects.get(viewer=world.ines, via="page", owner_id=world.mara.pk)
    assert look.owner.display_name == "Erased account"


def test_an_erased_performers_role_opens_and_the_plan_needs_discussion(
    harbour, client_as, persona_password
):
    world = harbour
    erase(client_as("mara"), persona_password)
    assert RoleSlot.objects.get(plan__scene=world.scene, name="A").performer is None
    response = client_as("ines").get(
        reverse("plans:plan", args=[world.production.pk, world.scene.pk])
    )
    assert response.status_code == 200
    view = plans.plan_view(world.ines, world.production.pk, world.scene.pk)
    assert view.status == "needs_discussion"
    assert "role A is not cast yet" in [f.reason for b in view.beats for f in b.findings]


def test_a_coordinators_beat_changes_outlive_her_account(harbour, client_as, persona_password):
    world = harbour
    erase(client_as("ines"), persona_password)
    assert set(BeatEdit.objects.values_list("editor_id", flat=True)) == {world.ines.pk}
    assert User.objects.get(pk=world.ines.pk).display_name == "Erased account"


def test_a_sole_producer_may_erase_and_is_told_first(harbour, client_as, persona_password):
    world = harbour
    client = client_as("petra")
    page = client.get(ERASE).content.decode()
    assert "You are the only producer of Harbour Lights." in page
    response = erase(client, persona_password)
    assert response.status_code == 302
    assert not Membership.objects.filter(production=world.production, role="producer").exists()
    # The production and its plan carry on.
    url = reverse("plans:plan", args=[world.production.pk, world.scene.pk])
    assert client_as("ines").get(url).status_code == 200


def test_invitations_to_the_erased_address_lose_it(harbour, persona_password):
    world = harbour
    open_one = Invitation.objects.create(
        production=world.other_production,
        email="mara@example.org",
        role="performer",
        token_hash="3" * 64,
        expires_at=world.mara.date_joined.replace(year=2999),
    )
    services.erase(world.mara)
    open_one.refresh_from_db()
    assert open_one.email.endswith("@erased.invalid")
    assert open_one.revoked_at is not None


def test_two_erased_accounts_do_not_collide(harbour):
    services.erase(harbour.mara)
    services.erase(harbour.jonas)
    erased = User.objects.filter(display_name="Erased account")
    assert erased.count() == 2
    assert len({u.email for u in erased}) == 2


def test_an_erased_handle_is_never_given_to_a_newcomer(harbour):
    # Jonas's profile may say "only with mara": a newcomer must not become that "mara".
    services.erase(harbour.mara)
    with pytest.raises(InvalidInput) as error:
        services.create_user(email="new@example.org", display_name="New", handle="mara")
    assert "taken" in error.value.fields["handle"]
    assert not User.objects.filter(handle="mara").exists()
