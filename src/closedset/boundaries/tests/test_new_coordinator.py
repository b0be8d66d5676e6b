"""A profile is shared with the coordinators the performer knows of: one who joins later sees
nothing of it (list, profile, API, plan check) until the performer confirms them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from closedset.accounts.models import User
from closedset.boundaries import services
from closedset.boundaries.tests.authz import MARA_PROFILE
from closedset.lib.errors import NotFound
from closedset.plans import services as plans
from closedset.plans.tests.scenario import JONAS, MARA, PLAN
from closedset.productions import services as productions
from closedset.productions.models import Membership


def _nina_joins(world, capture=None):
    """Petra invites Nina as coordinator; Nina accepts, making her account."""
    _, key = productions.invite(
        world.petra, world.production, email="nina@example.org", role="coordinator"
    )
    if capture is None:
        return productions.accept_invitation(
            key, None, display_name="Nina", handle="nina", password="a long enough password"
        )
    with capture(execute=True):
        return productions.accept_invitation(
            key, None, display_name="Nina", handle="nina", password="a long enough password"
        )


@pytest.fixture
def mara_shares(world):
    services.replace_profile(world.mara, MARA_PROFILE)
    services.share(world.mara, world.production.pk)
    return world


def _waiting(world):
    [state] = [s for s in services.my_shares(world.mara) if s.production == world.production]
    return state


def test_a_coordinator_who_joins_later_sees_nothing_until_the_performer_confirms(mara_shares):
    world = mara_shares
    nina = _nina_joins(world)
    _, cast = services.production_profiles(nina, world.production.pk)
    assert {c.performer.handle: c.profile for c in cast} == {"mara": None, "jonas": None}
    with pytest.raises(NotFound):
        services.production_profile(nina, world.production.pk, "mara")
    # Ines was there when Mara shared: she still reads it.
    assert services.production_profile(world.ines, world.production.pk, "mara")[2].boundaries

    state = _waiting(world)
    assert [c.display_name for c in state.coordinators] == ["Ines"]
    [waiting] = state.waiting
    assert (waiting.display_name, waiting.role) == ("Nina", "Intimacy coordinator")
    services.confirm_coordinator(world.mara, world.production.pk, waiting.membership_id)
    _, _, profile = services.production_profile(nina, world.production.pk, "mara")
    assert profile.boundary("slap", "receive").zones == {"face": "no"}
    assert _waiting(world).waiting == ()


def test_the_pages_and_api_hide_the_profile_from_the_new_coordinator_until_confirmed(
    mara_shares, client_as
):
    world = mara_shares
    nina = client_as(_nina_joins(world))
    profile_url = reverse("boundaries:production_profile", args=[world.production.pk, "mara"])
    list_url = reverse("boundaries:production", args=[world.production.pk])
    api_url = f"/api/v1/boundaries/productions/{world.production.pk}"
    assert nina.get(profile_url).status_code == 404
    assert profile_url not in nina.get(list_url).content.decode()
    [mara_row] = [row for row in nina.get(api_url).json() if row["handle"] == "mara"]
    assert mara_row == {
        "handle": "mara",
        "display_name": "Mara",
        "shared": False,
        "profile": None,
    }

    mara = client_as("mara")
    page = mara.get(reverse("boundaries:sharing")).content.decode()
    assert "New since you shared" in page and "Confirm Nina" in page
    waiting = _waiting(world).waiting[0]
    confirm = reverse("boundaries:confirm", args=[world.production.pk, waiting.membership_id])
    assert mara.post(confirm).status_code == 302

    assert nina.get(profile_url).status_code == 200
    assert "face" in nina.get(profile_url).content.decode()
    [mara_row] = [row for row in nina.get(api_url).json() if row["handle"] == "mara"]
    assert mara_row["shared"] is True and mara_row["profile"]["boundaries"]
    assert "New since you shared" not in mara.get(reverse("boundaries:sharing")).content.decode()


def test_the_performer_confirms_through_the_api_too(mara_shares, client_as):
    world = mara_shares
    nina = _nina_joins(world)
    mara = client_as("mara")
    [share] = mara.get("/api/v1/boundaries/me/shares").json()
    assert [c["display_name"] for c in share["coordinators"]] == ["Ines"]
    [waiting] = share["waiting"]
    assert waiting["display_name"] == "Nina" and waiting["joined_at"]
    url = (
        f"/api/v1/boundaries/me/shares/{world.production.pk}"
        f"/coordinators/{waiting['membership_id']}"
    )
    assert client_as("jonas").post(url).status_code == 404  # Jonas shares nothing
    response = mara.post(url)
    assert response.status_code == 200
    assert response.json()["waiting"] == []
    assert services.covers(world.mara, world.production, nina)


def test_the_performer_is_told_by_email_without_a_link(
    mara_shares, mailoutbox, django_capture_on_commit_callbacks
):
    world = mara_shares
    _nina_joins(world, capture=django_capture_on_commit_callbacks)
    [mail] = mailoutbox  # Jonas shares nothing: he is not written to
    assert mail.to == ["mara@example.org"]
    assert "Nina" in mail.body and "Harbour Lights" in mail.body and "Sign in" in mail.body
    assert "http" not in mail.body and "/boundaries/" not in mail.body
    assert "face" not in mail.body  # nothing of the profile


def test_stop_sharing_from_the_notice_hides_it_from_everyone(mara_shares, client_as):
    world = mara_shares
    _nina_joins(world)
    mara = client_as("mara")
    mara.post(reverse("boundaries:revoke", args=[world.production.pk]))
    with pytest.raises(NotFound):
        services.production_profile(world.ines, world.production.pk, "mara")


def test_sharing_again_covers_the_coordinators_there_now(mara_shares):
    world = mara_shares
    nina = _nina_joins(world)
    services.revoke(world.mara, world.production.pk)
    state = services.share(world.mara, world.production.pk)
    assert [c.display_name for c in state.coordinators] == ["Ines", "Nina"]
    assert state.waiting == ()
    assert services.production_profile(nina, world.production.pk, "mara")


def test_the_sharing_page_names_whom_a_share_would_reach(world, client_as):
    page = client_as("mara").get(reverse("boundaries:sharing")).content.decode()
    assert "Sharing now shows it to: Ines (intimacy coordinator)" in page


def test_leaving_and_rejoining_needs_a_new_confirm(mara_shares):
    world = mara_shares
    Membership.objects.filter(user=world.ines, role="coordinator").delete()
    productions.add_member(world.ines, world.production, "coordinator")
    with pytest.raises(NotFound):
        services.production_profile(world.ines, world.production.pk, "mara")


@pytest.mark.parametrize("which", ["jonas", "dario", "other-production"])
def test_only_a_waiting_coordinator_can_be_confirmed(mara_shares, which):
    world = mara_shares
    if which == "other-production":
        person = world.cora
        membership = productions.add_member(person, world.other_production, "coordinator")
    else:
        person = world.users[which]
        membership = Membership.objects.get(user=person, production=world.production)
    with pytest.raises(NotFound):
        services.confirm_coordinator(world.mara, world.production.pk, membership.pk)
    assert not services.covers(world.mara, world.production, person)


def test_nobody_but_the_performer_confirms(mara_shares):
    world = mara_shares
    nina = _nina_joins(world)
    membership = Membership.objects.get(user=nina)
    for who in ("jonas", "ines", "petra"):
        with pytest.raises(NotFound):
            services.confirm_coordinator(world.users[who], world.production.pk, membership.pk)
    assert not services.covers(world.mara, world.production, nina)


def test_the_plan_check_gives_the_new_coordinator_no_reasons_until_confirmed(world):
    for user, data in ((world.mara, MARA), (world.jonas, JONAS)):
        services.replace_profile(user, data)
        services.share(user, world.production.pk)
    plans.replace_plan(world.ines, world.production.pk, world.scene.pk, PLAN)
    nina = _nina_joins(world)

    def reasons(who: User) -> dict[str, list[str]]:
        view = plans.plan_view(who, world.production.pk, world.scene.pk)
        return {b.beat_id: [f.reason for f in b.findings] for b in view.beats}

    seen = reasons(nina)
    text = " ".join(reason for beat in seen.values() for reason in beat)
    assert "mara: profile not shared with this production" in seen["b2"]
    assert "hard limit" not in text and "ear" not in text
    assert any("hard limit" in reason for reason in reasons(world.ines)["b2"])
    check = plans.check_json(nina, world.production.pk, world.scene.pk)
    assert "hard limit" not in str(check)

    for state in (services.my_shares(world.mara)[0], services.my_shares(world.jonas)[0]):
        owner = world.mara if state in services.my_shares(world.mara) else world.jonas
        services.confirm_coordinator(owner, world.production.pk, state.waiting[0].membership_id)
    assert reasons(nina) == reasons(world.ines)
