"""The coordinator's desk: the cast's profiles beside the plan, each note beside its beats."""

from __future__ import annotations

import pytest

from closedset.boundaries import services as boundaries
from closedset.plans.tests.test_views import beat_html, url

pytestmark = pytest.mark.django_db


def test_the_coordinator_reads_each_note_beside_the_beats_it_concerns(slap_plan, client_as):
    html = client_as("ines").get(url(slap_plan)).content.decode()
    # Mara's note is about receiving slaps: it sits by both slap beats.
    for beat_id in ("b1", "b2"):
        assert "ask before any contact near the left ear" in beat_html(html, beat_id)
    aside = html[html.index('<aside class="desk-cast"') :]
    assert "Hard limits" in aside
    assert "Mara" in aside and "Jonas" in aside


def test_an_unshared_profile_reads_as_not_shared_on_the_desk(slap_plan, client_as):
    boundaries.revoke(slap_plan.mara, slap_plan.production.pk)
    html = client_as("ines").get(url(slap_plan)).content.decode()
    aside = html[html.index('<aside class="desk-cast"') :]
    assert "Not shared with you yet" in aside
    assert "left ear" not in html


def test_nobody_else_gets_the_desk(slap_plan, client_as):
    for who in ("dario", "petra"):
        html = client_as(who).get(url(slap_plan)).content.decode()
        assert "desk-cast" not in html
        assert "left ear" not in html


def test_the_coordinators_profile_page_opens_with_the_summary(slap_plan, client_as):
    from django.urls import reverse

    path = reverse("boundaries:production_profile", args=[slap_plan.production.pk, "mara"])
    html = client_as("ines").get(path).content.decode()
    first, _, rest = html.partition("Every answer")
    assert "Hard limits" in first and "no on the face" in first
    assert rest  # the full list of answers follows


def test_the_coordinators_reasons_name_people_and_acts_in_words(world, client_as):
    from closedset.plans import services

    boundaries.replace_profile(
        world.mara,
        {
            "performer": "mara",
            "name": "Mara K.",
            "boundaries": [{"act": "nudity-topless", "direction": "self", "answer": "no"}],
        },
    )
    boundaries.share(world.mara, world.production.pk)
    ids = (world.production.pk, world.scene.pk)
    services.cast_role(world.ines, *ids, "A", "mara")
    services.add_beat(world.ines, *ids, services.BeatInput("t1", "nudity-topless", "A", []))
    html = client_as("ines").get(url(world)).content.decode()
    assert "Mara: topless nudity is a hard limit" in beat_html(html, "t1")
    assert "nudity-topless is" not in html
    # The API keeps the formats.md reason.
    check = services.check_json(world.ines, *ids)
    assert check["beats"][0]["findings"][0]["reason"] == "mara: nudity-topless is a hard limit"
