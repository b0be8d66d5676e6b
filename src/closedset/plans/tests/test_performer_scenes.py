"""The performer's scene pages: their beats in plain words, their own answers, no internals."""

from __future__ import annotations

import html as htmllib
import re

import pytest
from django.urls import reverse

from closedset.accounts import services as accounts
from closedset.api.tests.authz_matrix import PERSONAS, observe
from closedset.boundaries import services as boundaries
from closedset.core.taxonomy import load_taxonomy
from closedset.plans import performer, services
from closedset.plans.tests import authz_performer
from closedset.productions.models import Membership, Production, Scene

pytestmark = pytest.mark.django_db

ACT_IDS = [act_id for act_id in load_taxonomy().acts if "-" in act_id]
ROLE_LETTER = re.compile(r"(^|\s)[A-D](\s|[.,:;·]|$)|\byou are [A-D]\b|\b[A-D] to [A-D]\b")
FIELD_INDEX = re.compile(r"\w+\[\d+\]")


def scene_url(world, scene=None):
    scene = scene or world.scene
    return reverse("scenes:scene", args=[world.production.pk, scene.pk])


def visible_text(page: str) -> str:
    """What a person reads: the page without tags, scripts and attribute values."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", page))


def assert_no_internals(page: str) -> None:
    text = visible_text(page)
    for act_id in ACT_IDS:
        assert act_id not in page, f"act id {act_id!r} on the page"
    assert not ROLE_LETTER.search(text), ROLE_LETTER.search(text)
    assert not FIELD_INDEX.search(text), FIELD_INDEX.search(text)
    # The check's reason strings ("mara: slap to face is a hard limit") never reach it.
    assert "mara:" not in text and "jonas:" not in text
    assert " is a yes" not in text


def get(client_as, who, url):
    response = client_as(who).get(url)
    return response, response.content.decode()


# ---------------------------------------------------------------- the scene page


def test_mara_reads_her_beats_in_her_words(slap_plan, client_as):
    response, page = get(client_as, "mara", scene_url(slap_plan))
    assert response.status_code == 200
    text = " ".join(visible_text(page).split())
    assert "Jonas slaps your buttocks, lightly" in text
    assert "Jonas slaps your face, lightly" in text
    assert (
        "Not everything here fits the boundaries you set: your coordinator will go through "
        "these with you:"
    ) in text
    assert "Outside the boundaries you set: Ines will go through this with you:" in text
    assert "You said yes" not in text
    assert "You said no to a partner slapping your face: a hard limit." in text
    assert "Your partners in this scene: Jonas." in text
    assert "Your intimacy coordinator: Ines." in text
    assert "Scene 12B: The boathouse" in text and "Harbour Lights" in text
    assert_no_internals(page)


def test_jonas_reads_his_side_and_nothing_of_maras_answers(slap_plan, client_as):
    response, page = get(client_as, "jonas", scene_url(slap_plan))
    assert response.status_code == 200
    text = " ".join(visible_text(page).split())
    assert "You slap Mara's buttocks, lightly" in text
    assert "You slap Mara's face, lightly" in text
    assert "Everything here fits the boundaries you set." in text
    assert "You said yes" not in text
    # Mara's no is Mara's: her partner reads neither her answer nor her note.
    for secret in ("hard limit", "left ear", "said no", "go through"):
        assert secret not in text
    assert_no_internals(page)


def test_an_unshared_profile_is_said_once_with_the_way_to_share(slap_plan, client_as):
    boundaries.revoke(slap_plan.mara, slap_plan.production.pk)
    _, page = get(client_as, "mara", scene_url(slap_plan))
    text = " ".join(visible_text(page).split())
    assert text.count("You have not shared your profile with this production's coordinator.") == 1
    assert reverse("boundaries:sharing") in page
    # Without a shared profile the check read nothing: no answer of hers is quoted.
    assert "hard limit" not in text
    assert_no_internals(page)


def test_a_beat_alone_and_a_condom_read_in_words(slap_plan, client_as):
    ids = (slap_plan.production.pk, slap_plan.scene.pk)
    services.add_beat(
        slap_plan.ines, *ids, services.BeatInput(beat_id="b3", act="nudity-topless", by="A")
    )
    services.add_beat(
        slap_plan.ines,
        *ids,
        services.BeatInput(
            beat_id="b4", act="oral", by="A", to=["B"], zone="genitals", barrier="condom"
        ),
    )
    _, page = get(client_as, "mara", scene_url(slap_plan))
    text = " ".join(visible_text(page).split())
    assert "You: topless nudity" in text
    assert "You give Jonas oral sex, lightly, with a condom" in text
    # Mara never answered either: silence is not a yes, said in her words.
    assert "You have not said yes, no or maybe to topless nudity yet." in text
    assert_no_internals(page)


def test_a_scene_with_no_beats_for_her_yet(shared, client_as):
    ids = (shared.production.pk, shared.scene.pk)
    services.replace_plan(shared.ines, *ids, {"cast": {"A": "mara", "B": "jonas"}, "beats": []})
    _, page = get(client_as, "mara", scene_url(shared))
    text = " ".join(visible_text(page).split())
    assert "There are no beats for you in this scene yet." in text
    assert "Everything here fits the boundaries you set." not in text


# ---------------------------------------------------------------- access


def test_only_the_cast_performers_see_the_scene_page(slap_plan, client_as):
    """Every persona gets the matrix's outcome (the same entries the whole-site matrix reads)."""
    from django.db import transaction

    for key, expected in authz_performer.EXPECTED.items():
        method, path = key.split(" ", 1)
        url = path
        for name, make in authz_performer.ROUTE_PARAMS.get(key, {}).items():
            url = url.replace(f"<{name}>", str(make(slap_plan)))
        for persona in PERSONAS:
            with transaction.atomic():
                client = client_as(persona)
                response = client.get(url) if method == "GET" else client.post(url, {})
                transaction.set_rollback(True)
            assert observe(response) == expected[persona], (key, persona, response.status_code)


def test_a_performer_not_cast_in_the_scene_is_refused(slap_plan, client_as):
    eva = type(slap_plan.mara).objects.create_user(
        email="eva@example.org", display_name="Eva", handle="eva"
    )
    accounts.mark_email_verified(eva)
    Membership.objects.create(user=eva, production=slap_plan.production, role="performer")
    response = client_as(eva).get(scene_url(slap_plan))
    assert response.status_code == 403
    assert "You are not cast in this scene." in response.content.decode()


def test_unknown_scenes_and_other_productions_are_not_found(slap_plan, client_as):
    client = client_as("mara")
    assert client.get(f"/scenes/{slap_plan.production.pk}/999999/").status_code == 404
    other = Scene.objects.create(production=slap_plan.other_production, number="1")
    assert client.get(f"/scenes/{slap_plan.production.pk}/{other.pk}/").status_code == 404
    assert client.get(f"/scenes/{slap_plan.other_production.pk}/{other.pk}/").status_code == 404
    assert client.get(f"/scenes/{2**63}/1/").status_code == 404


# ---------------------------------------------------------------- my scenes


def test_my_scenes_lists_every_scene_across_productions(slap_plan, client_as):
    second = Production.objects.create(
        organisation=slap_plan.organisation, name="Tidewater", kind="mainstream"
    )
    Membership.objects.create(user=slap_plan.mara, production=second, role="performer")
    Membership.objects.create(user=slap_plan.ines, production=second, role="coordinator")
    pier = Scene.objects.create(production=second, number="3", title="The pier")
    boundaries.share(slap_plan.mara, second.pk)
    services.replace_plan(
        slap_plan.ines,
        second.pk,
        pier.pk,
        {
            "cast": {"A": "mara"},
            "beats": [{"id": "b1", "act": "nudity-rear", "by": "A"}],
        },
    )
    response, page = get(client_as, "mara", reverse("scenes:mine"))
    assert response.status_code == 200
    text = " ".join(visible_text(page).split())
    assert "Scene 12B: The boathouse" in text and "Harbour Lights" in text
    assert "Scene 3: The pier" in text and "Tidewater" in text
    assert "Jonas slaps your face, lightly" in text
    assert "You: rear nudity" in text
    assert reverse("scenes:scene", args=[slap_plan.production.pk, slap_plan.scene.pk]) in page
    assert reverse("scenes:scene", args=[second.pk, pier.pk]) in page
    assert_no_internals(page)


def test_my_scenes_for_someone_cast_in_nothing(slap_plan, client_as):
    for who in ("ines", "oscar"):
        response, page = get(client_as, who, reverse("scenes:mine"))
        assert response.status_code == 200
        assert "You are cast in no scene yet." in page
        assert "Jonas slaps" not in page


def test_my_scenes_skips_a_production_she_has_left(slap_plan):
    Membership.objects.filter(user=slap_plan.mara, role="performer").delete()
    assert performer.my_scenes(slap_plan.mara) == []
