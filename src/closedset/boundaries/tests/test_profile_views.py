"""Access transparency: each look by a coordinator at a shared profile is written down, and
the performer reads who looked, where and when."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from closedset.boundaries import services
from closedset.boundaries.models import ProfileView
from closedset.plans.tests.scenario import MARA

pytestmark = pytest.mark.django_db


@pytest.fixture
def mara_shares(world):
    services.replace_profile(world.mara, MARA)
    services.share(world.mara, world.production.pk)
    return world


def profile_url(world, handle="mara"):
    return reverse("boundaries:production_profile", args=[world.production.pk, handle])


def looks(owner):
    return list(ProfileView.objects.filter(owner=owner).values_list("viewer__handle", "via"))


def test_opening_a_shared_profile_is_a_look_the_performer_sees(mara_shares, client_as):
    world = mara_shares
    assert client_as("ines").get(profile_url(world)).status_code == 200
    assert looks(world.mara) == [("ines", "page")]
    html = client_as("mara").get(reverse("boundaries:sharing")).content.decode()
    assert "<strong>Ines</strong> looked at your profile" in html
    assert "Intimacy coordinator · Harbour Lights · through the profile page" in html


def test_each_opening_is_its_own_look(mara_shares, client_as):
    client = client_as("ines")
    client.get(profile_url(mara_shares))
    client.get(profile_url(mara_shares))
    assert looks(mara_shares.mara) == [("ines", "page"), ("ines", "page")]


def test_the_api_list_is_a_look_at_each_shared_profile_only(mara_shares, client_as):
    world = mara_shares
    response = client_as("ines").get(f"/api/v1/boundaries/productions/{world.production.pk}")
    assert response.status_code == 200
    assert looks(world.mara) == [("ines", "api")]
    # Jonas shares nothing: nothing of his was read.
    assert looks(world.jonas) == []


def test_the_coordinator_list_page_shows_no_profile_and_is_no_look(mara_shares, client_as):
    url = reverse("boundaries:production", args=[mara_shares.production.pk])
    assert client_as("ines").get(url).status_code == 200
    assert looks(mara_shares.mara) == []


def test_a_refused_read_is_no_look(mara_shares, client_as):
    world = mara_shares
    for who, status in (("dario", 403), ("petra", 403), ("jonas", 403), ("oscar", 404)):
        assert client_as(who).get(profile_url(world)).status_code == status
    services.revoke(world.mara, world.production.pk)
    assert client_as("ines").get(profile_url(world)).status_code == 404
    assert looks(world.mara) == []


def test_a_performer_reading_her_own_profile_is_no_look(mara_shares, client_as):
    """Mara is also a coordinator of the production: opening her own profile is not a look."""
    from closedset.productions.models import Membership

    world = mara_shares
    Membership.objects.create(user=world.mara, production=world.production, role="coordinator")
    services.revoke(world.mara, world.production.pk)
    services.share(world.mara, world.production.pk)
    assert client_as("mara").get(profile_url(world)).status_code == 200
    assert looks(world.mara) == []


def test_the_looks_page_is_newest_first_fifty_a_page(mara_shares, client_as):
    world = mara_shares
    for _ in range(55):
        services.record_profile_view(world.ines, world.mara, world.production, "page")
    client = client_as("mara")
    first = client.get(reverse("boundaries:looks")).content.decode()
    assert first.count("</strong> looked at your profile") == 50
    assert "55 looks, newest first. Page 1 of 2." in first
    second = client.get(reverse("boundaries:looks") + "?page=2").content.decode()
    assert second.count("</strong> looked at your profile") == 5
    # A page that is no number is the first; one past the end is the last.
    assert "Page 1 of 2" in client.get(reverse("boundaries:looks") + "?page=x").content.decode()
    assert "Page 2 of 2" in client.get(reverse("boundaries:looks") + "?page=9").content.decode()


def test_the_newest_look_comes_first(mara_shares):
    world = mara_shares
    services.record_profile_view(world.ines, world.mara, world.production, "page")
    services.record_profile_view(world.ines, world.mara, world.production, "api")
    ProfileView.objects.filter(via="page").update(viewed_at=timezone.now() + timedelta(hours=1))
    assert [look.via for look in services.who_looked(world.mara).items] == [
        "the profile page",
        "the API",
    ]


def test_nobody_else_sees_the_looks_at_maras_profile(mara_shares, client_as):
    client_as("ines").get(profile_url(mara_shares))
    for who in ("jonas", "ines", "dario", "oscar"):
        html = client_as(who).get(reverse("boundaries:looks")).content.decode()
        assert "</strong> looked at your profile" not in html
        assert "Nobody has looked at your profile yet." in html
