"""Separation of duties: in one production the intimacy coordinator is neither producer nor
director (domain.md §1), unless a one-person crew has every performer's agreement."""

from __future__ import annotations

import pytest
from django.urls import reverse

from closedset.boundaries import services as boundaries
from closedset.lib.errors import Conflict, Forbidden
from closedset.productions import services
from closedset.productions.errors import INDEPENDENCE, RolesConflict
from closedset.productions.models import Invitation, Membership, OnePersonCrewAgreement


def _agree_all(world):
    services.set_one_person_crew(world.petra, world.production, allow=True)
    for performer in (world.mara, world.jonas):
        services.agree_one_person_crew(performer, world.production, agree=True)


@pytest.mark.parametrize("address", ["petra@example.org", "  PETRA@Example.org "])
def test_the_producer_cannot_invite_herself_as_coordinator(world, address):
    with pytest.raises(RolesConflict) as caught:
        services.invite(world.petra, world.production, email=address, role="coordinator")
    assert caught.value.message == INDEPENDENCE
    assert caught.value.fields == {"role": INDEPENDENCE}
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("who", "role"), [("dario", "coordinator"), ("ines", "producer"), ("ines", "director")]
)
def test_no_member_is_invited_into_a_conflicting_role(world, who, role):
    with pytest.raises(RolesConflict):
        services.invite(world.petra, world.production, email=world.users[who].email, role=role)


def test_roles_that_do_not_touch_independence_are_still_fine(world):
    # Producer and director together, or a coordinator who also performs: not this rule.
    services.invite(world.petra, world.production, email="petra@example.org", role="director")
    services.invite(world.petra, world.production, email="ines@example.org", role="performer")
    assert Invitation.objects.count() == 2


def test_an_address_invited_as_director_is_not_also_invited_as_coordinator(world):
    services.invite(world.petra, world.production, email="nell@example.org", role="director")
    with pytest.raises(RolesConflict):
        services.invite(world.petra, world.production, email="nell@example.org", role="coordinator")


def test_the_page_refuses_with_the_reason_and_sends_nothing(world, client_as, mailoutbox):
    url = reverse("productions:invitations", args=[world.production.pk])
    response = client_as("petra").post(url, {"email": "petra@example.org", "role": "coordinator"})
    assert response.status_code == 422
    assert "trust the coordinator&#x27;s independence" in response.content.decode()
    assert mailoutbox == []
    assert not Invitation.objects.exists()


def test_the_api_refuses_with_a_field_message(world, client_as):
    response = client_as("petra").post(
        f"/api/v1/productions/{world.production.pk}/invitations",
        {"email": "petra@example.org", "role": "coordinator"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json() == {"detail": INDEPENDENCE, "fields": {"role": INDEPENDENCE}}


def test_add_member_refuses_the_combination(world):
    with pytest.raises(RolesConflict):
        services.add_member(world.dario, world.production, "coordinator")
    with pytest.raises(RolesConflict):
        services.add_member(world.ines, world.production, "producer")
    assert services.role_in(world.ines, world.production) == {"coordinator"}


def test_accepting_a_conflicting_invitation_fails_and_says_why(world, client_as):
    # Invited while a one-person crew was agreed; Jonas withdrew before Dario accepted.
    _agree_all(world)
    _, key = services.invite(
        world.petra, world.production, email="dario@example.org", role="coordinator"
    )
    services.agree_one_person_crew(world.jonas, world.production, agree=False)
    response = client_as("dario").post(reverse("productions:invitation", args=[key]))
    assert response.status_code == 422
    assert "independence" in response.content.decode()
    assert services.role_in(world.dario, world.production) == {"director"}
    assert Invitation.objects.get().accepted_at is None


def test_a_combination_made_around_the_services_gives_no_coordinator_powers(world, mara):
    # E.g. through the admin: the membership exists, the coordinator role does not count.
    boundaries.share(mara, world.production.pk)
    Membership.objects.create(user=world.dario, production=world.production, role="coordinator")
    assert services.role_in(world.dario, world.production) == {"director"}
    with pytest.raises(Forbidden):
        boundaries.production_profiles(world.dario, world.production.pk)


# --- the one-person crew ------------------------------------------------------------------


def test_a_one_person_crew_needs_every_performer_to_agree(world):
    services.set_one_person_crew(world.petra, world.production, allow=True)
    services.agree_one_person_crew(world.mara, world.production, agree=True)
    with pytest.raises(RolesConflict):
        services.invite(
            world.petra, world.production, email="petra@example.org", role="coordinator"
        )
    services.agree_one_person_crew(world.jonas, world.production, agree=True)
    _, key = services.invite(
        world.petra, world.production, email="petra@example.org", role="coordinator"
    )
    services.accept_invitation(key, world.petra)
    assert services.role_in(world.petra, world.production) == {"producer", "coordinator"}


def test_withdrawing_ends_the_permission_at_once(world, mara):
    _agree_all(world)
    services.add_member(world.petra, world.production, "coordinator")
    boundaries.share(mara, world.production.pk)
    boundaries.production_profiles(world.petra, world.production.pk)  # allowed now
    services.agree_one_person_crew(world.jonas, world.production, agree=False)
    assert services.role_in(world.petra, world.production) == {"producer"}
    with pytest.raises(Forbidden):
        boundaries.production_profiles(world.petra, world.production.pk)
    assert OnePersonCrewAgreement.objects.get(performer=world.jonas).withdrawn_at is not None


def test_a_performer_who_joins_later_must_agree_too(world):
    _agree_all(world)
    services.add_member(world.petra, world.production, "coordinator")
    services.add_member(world.oscar, world.production, "performer")
    assert "coordinator" not in services.role_in(world.petra, world.production)
    services.agree_one_person_crew(world.oscar, world.production, agree=True)
    assert "coordinator" in services.role_in(world.petra, world.production)


def test_stopping_the_request_clears_every_agreement(world):
    _agree_all(world)
    services.set_one_person_crew(world.petra, world.production, allow=False)
    services.set_one_person_crew(world.petra, world.production, allow=True)
    assert not services.one_person_crew_allowed(world.production)
    with pytest.raises(RolesConflict):
        services.add_member(world.petra, world.production, "coordinator")


def test_there_is_nothing_to_agree_to_until_the_producer_asks(world, client_as):
    with pytest.raises(Conflict):
        services.agree_one_person_crew(world.mara, world.production, agree=True)
    url = reverse("productions:one_person_crew_agreement", args=[world.production.pk])
    response = client_as("mara").post(url, {"agree": "yes"})
    assert response.status_code == 409
    assert "nothing to agree to" in response.content.decode()
    assert not OnePersonCrewAgreement.objects.exists()


def test_only_the_producer_asks_and_only_performers_agree(world):
    with pytest.raises(Forbidden):
        services.set_one_person_crew(world.ines, world.production, allow=True)
    services.set_one_person_crew(world.petra, world.production, allow=True)
    for who in ("petra", "ines", "dario", "cora"):
        with pytest.raises(Forbidden):
            services.agree_one_person_crew(world.users[who], world.production, agree=True)


def test_performers_agree_and_withdraw_on_their_page(world, client_as):
    services.set_one_person_crew(world.petra, world.production, allow=True)
    client = client_as("mara")
    page = reverse("productions:one_person_crew", args=[world.production.pk])
    assert "I agree" in client.get(page).content.decode()
    action = reverse("productions:one_person_crew_agreement", args=[world.production.pk])
    assert client.post(action, {"agree": "yes"}).status_code == 302
    assert "Withdraw my agreement" in client.get(page).content.decode()
    assert client.post(action, {"agree": "no"}).status_code == 302
    assert not OnePersonCrewAgreement.objects.filter(withdrawn_at__isnull=True).exists()


def test_the_producer_never_learns_who_has_not_agreed(world, client_as):
    services.set_one_person_crew(world.petra, world.production, allow=True)
    services.agree_one_person_crew(world.mara, world.production, agree=True)
    page = (
        client_as("petra")
        .get(reverse("productions:one_person_crew", args=[world.production.pk]))
        .content.decode()
    )
    assert "not yet" in page
    assert "Mara" not in page and "Jonas" not in page


def test_the_producer_asks_on_the_page(world, client_as):
    url = reverse("productions:one_person_crew_setting", args=[world.production.pk])
    assert client_as("dario").post(url, {"allow": "yes"}).status_code == 403
    assert client_as("petra").post(url, {"allow": "yes"}).status_code == 302
    world.production.refresh_from_db()
    assert world.production.allow_one_person_crew
