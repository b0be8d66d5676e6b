"""The coordinator's desk: a shared profile summed up in plain words, for covered
coordinators only."""

from __future__ import annotations

import pytest

from closedset.boundaries import services
from closedset.boundaries.models import ProfileView
from closedset.productions import services as productions

pytestmark = pytest.mark.django_db

MARA = {
    "performer": "mara",
    "name": "Mara",
    "barrier": "condom",
    "boundaries": [
        {
            "act": "slap",
            "direction": "receive",
            "answer": "yes",
            "zones": {"face": "no"},
            "max_intensity": "light",
            "note": "left ear is sensitive",
        },
        {"act": "nudity-topless", "direction": "self", "answer": "no"},
        {"act": "spank", "direction": "receive", "answer": "no", "limit": "soft"},
        {"act": "hair-pull", "direction": "receive", "answer": "maybe"},
        {"act": "kiss", "direction": "give", "answer": "yes", "partners": ["jonas"]},
    ],
}


@pytest.fixture
def shared(world):
    services.replace_profile(world.mara, MARA)
    services.share(world.mara, world.production.pk)
    return world


def test_the_summary_puts_limits_first_in_plain_words(shared):
    world = shared
    summary = services.profile_summary(world.ines, world.mara, world.production)
    assert summary is not None
    assert summary.hard_limits == [
        "Slap, done to Mara: no on the face.",
        "Topless nudity: no.",
    ]
    assert summary.soft_limits_and_maybes == [
        "Spank, done to Mara: no. A soft limit: open to talking it through.",
        "Hair pull, done to Mara: maybe.",
    ]
    assert summary.conditions == [
        "Mara: partners must use a condom for oral and penetrative acts.",
        "Slap, done to Mara: at most light.",
        "Kiss, done by Mara to a partner: only with Jonas.",
    ]
    assert summary.notes == [("slap", "left ear is sensitive")]
    assert summary.acts_no == {"slap", "nudity-topless", "spank"}
    assert summary.acts_maybe == {"hair-pull"}


def test_reading_the_summary_is_a_look_once_a_day(shared):
    world = shared
    services.profile_summary(world.ines, world.mara, world.production)
    services.profile_summary(world.ines, world.mara, world.production)
    assert list(ProfileView.objects.values_list("viewer__handle", "via")) == [("ines", "plan")]


@pytest.mark.parametrize("who", ["dario", "petra", "cora", "jonas", "oscar", "mara"])
def test_nobody_but_a_covered_coordinator_gets_a_summary(shared, who):
    world = shared
    assert services.profile_summary(world.users[who], world.mara, world.production) is None
    assert not ProfileView.objects.exists()


def test_no_summary_before_sharing_or_after_revoking(world):
    services.replace_profile(world.mara, MARA)
    assert services.profile_summary(world.ines, world.mara, world.production) is None
    services.share(world.mara, world.production.pk)
    services.revoke(world.mara, world.production.pk)
    assert services.profile_summary(world.ines, world.mara, world.production) is None


def test_a_coordinator_who_joined_after_sharing_waits_for_the_performers_confirm(shared):
    from closedset.accounts.models import User

    world = shared
    nina = User.objects.create_user(email="nina@example.org", display_name="Nina", handle="nina")
    membership = productions.add_member(nina, world.production, "coordinator")
    assert services.profile_summary(nina, world.mara, world.production) is None
    services.confirm_coordinator(world.mara, world.production.pk, membership.pk)
    assert services.profile_summary(nina, world.mara, world.production) is not None


def test_a_coordinator_of_another_production_gets_nothing(shared):
    from closedset.accounts.models import User

    world = shared
    olga = User.objects.create_user(email="olga@example.org", display_name="Olga", handle="olga")
    productions.add_member(olga, world.other_production, "coordinator")
    assert services.profile_summary(olga, world.mara, world.production) is None
