"""The production page as each role needs it: the overview, inviting and adding scenes, the
custodian's page, and each newcomer's next steps."""

from __future__ import annotations

import re

from django.core import mail
from django.urls import reverse

from closedset.boundaries import services as boundaries
from closedset.plans import services as plans
from closedset.plans.tests.scenario import JONAS, MARA, PLAN
from closedset.productions import services
from closedset.productions.models import Invitation, Scene

# Words that would tell the producer, director or custodian something about a boundary.
BOUNDARY_WORDS = ("blocked", "discussion", "not shared", "hard limit", "maybe", "face")


def _slap_plan(world):
    for user, data in ((world.mara, MARA), (world.jonas, JONAS)):
        boundaries.replace_profile(user, data)
        boundaries.share(user, world.production.pk)
    plans.replace_plan(world.ines, world.production.pk, world.scene.pk, PLAN)


def _page(client_as, who, world):
    response = client_as(who).get(reverse("productions:production", args=[world.production.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _text(page):
    """What a person reads: the page without its tags."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def test_the_coordinator_sees_each_scenes_gate_and_next_action(world, client_as):
    _slap_plan(world)
    text = _text(_page(client_as, "ines", world))
    assert "Overview" in text
    assert "0 of 1 scene cleared to shoot" in text
    assert (
        "12B The boathouse Plan: needs you Consent: not agreed Cleared to shoot: not cleared "
        "Beats: 2 Open: 1 beat blocked" in text
    )


def test_the_producer_sees_cleared_or_not_and_no_boundary_detail(world, client_as):
    _slap_plan(world)
    text = _text(_page(client_as, "petra", world))
    assert (
        "12B The boathouse Plan: needs the coordinator Consent: not agreed "
        "Cleared to shoot: not cleared Open: with the intimacy coordinator" in text
    )
    lowered = text.lower()
    assert not [word for word in BOUNDARY_WORDS if word in lowered]


def test_an_empty_scene_reads_no_beats_yet(world, client_as):
    for who in ("ines", "petra"):
        text = _text(_page(client_as, who, world))
        assert "12B The boathouse Plan: no beats yet" in text
        assert "0 of 1 scene cleared to shoot" in text


def test_director_performer_and_custodian_get_no_overview(world, client_as):
    _slap_plan(world)
    for who in ("dario", "mara", "cora"):
        text = _text(_page(client_as, who, world))
        assert "Overview" not in text
        assert "not cleared" not in text


def test_the_custodian_sees_the_cast_and_what_she_will_keep(world, client_as):
    _slap_plan(world)
    page = _page(client_as, "cora", world)
    text = _text(page)
    assert "Records you keep" in text
    assert "Jonas" in text and "Mara" in text
    assert "identity document" in text
    # Names only: no handles, no plans, no boundaries.
    assert "(mara)" not in text
    assert reverse("plans:plan", args=[world.production.pk, world.scene.pk]) not in page
    assert not [word for word in BOUNDARY_WORDS if word in text.lower()]


def test_the_coordinator_adds_a_scene(world, client_as):
    page = _page(client_as, "ines", world)
    assert 'id="add-scene"' in page
    url = reverse("productions:scene_create", args=[world.production.pk])
    response = client_as("ines").post(url, {"number": "14", "title": "The dock"})
    assert response.status_code == 302
    assert Scene.objects.filter(production=world.production, number="14").exists()


def test_a_bad_scene_number_keeps_the_page_and_says_why(world, client_as):
    url = reverse("productions:scene_create", args=[world.production.pk])
    response = client_as("ines").post(url, {"number": "12B", "title": "Again"})
    assert response.status_code == 422
    text = _text(response.content.decode())
    assert "Scene 12B exists already." in text
    assert "Overview" in text


def test_the_coordinator_invites_performers_only(world, client_as):
    ines = client_as("ines")
    url = reverse("productions:invitations", args=[world.production.pk])
    page = ines.get(url).content.decode()
    assert '<option value="performer"' in page
    assert '<option value="director"' not in page
    assert "The producer invites the crew" in _text(page)
    response = ines.post(url, {"email": "nell@example.org", "role": "director"})
    assert response.status_code == 422
    assert not Invitation.objects.exists()
    response = ines.post(url, {"email": "nell@example.org", "role": "performer"})
    assert response.status_code == 302
    assert Invitation.objects.get().invited_by == world.ines
    assert mail.outbox[0].to == ["nell@example.org"]


def test_the_producer_still_invites_any_role(world, client_as):
    page = (
        client_as("petra")
        .get(reverse("productions:invitations", args=[world.production.pk]))
        .content.decode()
    )
    for role in ("performer", "director", "coordinator", "producer", "custodian"):
        assert f'<option value="{role}"' in page


def test_a_performer_is_pointed_at_filling_in_first(world, client_as):
    page = _page(client_as, "mara", world)
    text = _text(page)
    first = text.index("Fill in your boundary profile")
    assert first < text.index("Read it through") < text.index("Share it with Harbour Lights")
    assert f'href="{reverse("boundaries:mine")}"' in page
    assert "(done)" not in text


def test_a_performer_who_shared_sees_the_steps_done(world, client_as):
    boundaries.replace_profile(world.mara, MARA)
    boundaries.share(world.mara, world.production.pk)
    text = _text(_page(client_as, "mara", world))
    assert text.count("(done)") == 3
    assert "Read the beats you are in" in text


def test_each_other_role_gets_its_own_next_step(world, client_as):
    world.scene.delete()
    producer = _text(_page(client_as, "petra", world))
    assert "Invite an intimacy coordinator (done)" in producer
    assert "Add the scenes with intimate content" in producer
    coordinator = _text(_page(client_as, "ines", world))
    assert "Add the scenes with intimate content (done)" not in coordinator
    assert "Invite the performers (done)" in coordinator
    assert "propose beats" in _text(_page(client_as, "dario", world))
    custodian = _text(_page(client_as, "cora", world))
    assert "Your next steps" not in custodian
    assert "Nothing for you to do yet" not in custodian
    assert "Identity records" in custodian and "Test clearances" in custodian


def test_a_performer_opens_only_the_scenes_she_is_cast_in(world, client_as):
    _slap_plan(world)
    dock = services.create_scene(world.ines, world.production, number="14", title="The dock")
    page = _page(client_as, "mara", world)
    assert reverse("plans:plan", args=[world.production.pk, world.scene.pk]) in page
    assert reverse("plans:plan", args=[world.production.pk, dock.pk]) not in page
    assert "14 The dock (you are not cast in it)" in _text(page)
    director = _page(client_as, "dario", world)
    assert reverse("plans:plan", args=[world.production.pk, dock.pk]) in director


def test_steps_all_taken_are_not_shown(world, client_as):
    assert "Your next steps" not in _text(_page(client_as, "ines", world))


def test_only_a_performer_is_not_offered_to_start_a_production(world, client_as):
    assert "Start a production" not in client_as("mara").get("/").content.decode()
    for who in ("petra", "ines", "cora", "oscar"):
        assert "Start a production" in client_as(who).get("/").content.decode()


def test_a_newcomer_performer_is_told_to_fill_in_first(world, client, persona_password):
    _, key = services.invite(
        world.ines, world.production, email="nell@example.org", role="performer"
    )
    url = reverse("productions:invitation", args=[key])
    response = client.post(
        url, {"display_name": "Nell", "handle": "nell", "password": persona_password}, follow=True
    )
    text = _text(response.content.decode())
    assert "filling in your boundary profile" in text
    assert text.index("Fill in your boundary profile") < text.index("Share it with")
