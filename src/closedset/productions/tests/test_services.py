from __future__ import annotations

import pytest

from closedset.accounts import services as accounts
from closedset.lib.errors import Forbidden, InvalidInput, NotFound
from closedset.productions import services


def test_role_in_gives_each_persona_their_roles(world):
    assert services.role_in(world.mara, world.production) == {"performer"}
    assert services.role_in(world.ines, world.production) == {"coordinator"}
    assert services.role_in(world.oscar, world.production) == set()


def test_a_person_may_hold_several_roles(world):
    services.add_member(world.dario, world.production, "producer")
    assert services.role_in(world.dario, world.production) == {"director", "producer"}


def test_require_role_hides_the_production_from_outsiders(world):
    # Oscar must not even learn that Harbour Lights exists.
    with pytest.raises(NotFound):
        services.require_role(world.oscar, world.production)


def test_require_role_refuses_a_member_without_the_role(world):
    with pytest.raises(Forbidden):
        services.require_role(world.mara, world.production, "producer")
    assert services.require_role(world.petra, world.production, "producer") == {"producer"}


def test_roster_is_for_producer_coordinator_and_director(world):
    for who in ("petra", "ines", "dario"):
        names = [e.user.handle for e in services.roster(world.users[who], world.production)]
        assert names == ["cora", "dario", "ines", "jonas", "mara", "petra"]
    for who in ("mara", "cora"):
        with pytest.raises(Forbidden):
            services.roster(world.users[who], world.production)
    with pytest.raises(NotFound):
        services.roster(world.oscar, world.production)


def test_the_producer_and_the_coordinator_create_scenes(world):
    scene = services.create_scene(world.petra, world.production, number="14", title="Dock")
    assert scene.production == world.production
    assert services.create_scene(world.ines, world.production, number="15").number == "15"
    for who in ("dario", "mara", "cora"):
        with pytest.raises(Forbidden):
            services.create_scene(world.users[who], world.production, number="16")


def test_a_duplicate_scene_number_is_a_field_error(world):
    with pytest.raises(InvalidInput) as caught:
        services.create_scene(world.petra, world.production, number="12B")
    assert "12B" in caught.value.fields["number"]


def test_my_productions_lists_only_my_own(world):
    entries = services.my_productions(world.oscar)
    assert [e.production.name for e in entries] == ["Quiet Water"]
    assert services.my_productions(world.mara)[0].roles == ["performer"]


def test_staff_roles_need_a_second_factor(world):
    assert {h for h, u in world.users.items() if accounts.needs_second_factor(u)} == {
        "ines",
        "dario",
        "petra",
        "cora",
        "oscar",  # Oscar produces his own production
    }


def test_create_user_rejects_a_bad_handle_with_a_field_message(db):
    with pytest.raises(InvalidInput) as caught:
        accounts.create_user(email="a@example.org", display_name="A", handle="Bad Handle")
    assert "lower-case" in caught.value.fields["handle"]


def test_api_tokens_are_stored_hashed_and_found_by_secret(world):
    token, secret = accounts.create_api_token(world.mara, "phone")
    assert secret.startswith("cs_")
    assert secret not in token.token_hash
    assert accounts.user_for_api_token(secret) == world.mara
    assert accounts.user_for_api_token(secret + "x") is None
    accounts.revoke_api_token(world.mara, token.pk)
    assert accounts.user_for_api_token(secret) is None
