"""A coordinator's plan check reads the cast's shared profiles: a look, once a day."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from closedset.boundaries.models import ProfileView

pytestmark = pytest.mark.django_db


def looks(owner):
    return list(ProfileView.objects.filter(owner=owner).values_list("viewer__handle", "via"))


def test_a_coordinators_plan_check_is_one_look_a_day(slap_plan, client_as):
    world = slap_plan
    url = reverse("plans:plan", args=[world.production.pk, world.scene.pk])
    client = client_as("ines")
    for _ in range(3):  # the page, then two HTMX refreshes
        assert client.get(url, HTTP_HX_REQUEST="true").status_code == 200
    assert looks(world.mara) == [("ines", "plan")]
    assert looks(world.jonas) == [("ines", "plan")]
    # The next day it counts again.
    yesterday = timezone.localdate() - timedelta(days=1)
    ProfileView.objects.update(viewed_on=yesterday)
    client.get(url)
    assert looks(world.mara) == [("ines", "plan"), ("ines", "plan")]


def test_the_director_and_performers_plan_views_are_no_look(slap_plan, client_as):
    world = slap_plan
    url = reverse("plans:plan", args=[world.production.pk, world.scene.pk])
    for who in ("dario", "petra", "mara", "jonas"):
        assert client_as(who).get(url, follow=True).status_code == 200
    assert not ProfileView.objects.exists()
