"""The performer's scene pages say what she answered (her consent), not what her profile
matches: a declined beat reads "You declined", never "You said yes"; a partner's answers never
show. The profile match is worded as a match ("Fits the boundaries you set")."""

from __future__ import annotations

import pytest
from django.urls import reverse

from closedset.consent import answers
from closedset.consent import services as consent
from closedset.consent.tests.conftest import CONSENT_PLAN, request_of, save_version
from closedset.plans import services as plans
from closedset.plans.tests.test_performer_scenes import assert_no_internals, visible_text
from closedset.rider.tests.terms import seed_rider_terms

pytestmark = pytest.mark.django_db


def text_of(client_as, who, url):
    response = client_as(who).get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert_no_internals(page)
    return " ".join(visible_text(page).split())


def scene_url(world):
    return reverse("scenes:scene", args=[world.production.pk, world.scene.pk])


def sign(user, given, password):
    consent.decide(user, request_of(user).pk, given, {}, password_or_code=password)


@pytest.fixture
def final(shared):
    """CONSENT_PLAN (two slaps Mara receives from Jonas, both within her boundaries), marked
    final; nobody has answered yet."""
    seed_rider_terms(shared)  # adult: each rider says the expected length and pay first
    return consent.mark_final(shared.ines, save_version(shared, CONSENT_PLAN))


def test_a_declined_beat_reads_declined_never_yes(shared, final, client_as, persona_password):
    sign(shared.mara, {"b1": "consent", "b2": "decline"}, persona_password)
    for url in (scene_url(shared), reverse("scenes:mine")):
        text = text_of(client_as, "mara", url)
        assert text.count("You consented.") == 1
        assert text.count("You declined.") == 1
        assert "You consented to 1 of your 2 beats. You declined 1 beat." in text
        # Both slaps fit her profile: said as a match, never as a yes.
        assert text.count("Fits the boundaries you set.") == 2
        assert "You said yes" not in text
        assert "Everything here fits the boundaries you set." in text


def test_every_beat_consented_reads_consented(shared, final, client_as, persona_password):
    sign(shared.mara, {"b1": "consent", "b2": "consent"}, persona_password)
    text = text_of(client_as, "mara", scene_url(shared))
    assert "You consented to every beat here." in text
    assert text.count("You consented.") == 2


def test_a_partners_answers_never_show(shared, final, client_as, persona_password):
    sign(shared.jonas, {"b1": "decline", "b2": "decline"}, persona_password)
    text = text_of(client_as, "mara", scene_url(shared))
    # Jonas declined both; Mara has answered nothing: she reads her own silence only.
    assert text.count("Waiting for your answer.") == 2
    assert "2 beats wait for your answer." in text
    assert "declined" not in text.lower()
    sign(shared.mara, {"b1": "consent", "b2": "consent"}, persona_password)
    text = text_of(client_as, "mara", scene_url(shared))
    assert "declined" not in text.lower()
    assert text.count("You consented.") == 2
    # And the other way round: Jonas reads his declines, never her consents.
    text = text_of(client_as, "jonas", scene_url(shared))
    assert text.count("You declined.") == 2
    assert "You consented" not in text


def test_a_withdrawn_consent_reads_withdrawn(shared, final, client_as, persona_password):
    sign(shared.mara, {"b1": "consent", "b2": "consent"}, persona_password)
    first = request_of(shared.mara).decisions.get(beat_id="b1")
    consent.withdraw(shared.mara, first.pk)
    text = text_of(client_as, "mara", scene_url(shared))
    assert text.count("You withdrew your consent.") == 1
    assert text.count("You consented.") == 1
    assert "You withdrew your consent to 1 beat." in text
    assert answers.answers_for(shared.mara, shared.scene) == {
        "b1": answers.WITHDRAWN,
        "b2": answers.CONSENTED,
    }


def test_a_beat_voided_by_a_change_waits_for_her_answer(shared, final, client_as, persona_password):
    sign(shared.mara, {"b1": "consent", "b2": "consent"}, persona_password)
    beats = [dict(CONSENT_PLAN["beats"][0]), dict(CONSENT_PLAN["beats"][1], intensity="medium")]
    consent.mark_final(shared.ines, save_version(shared, dict(CONSENT_PLAN, beats=beats)))
    assert answers.answers_for(shared.mara, shared.scene) == {
        "b1": answers.CONSENTED,  # carried over: the same beat
        "b2": answers.WAITING,  # changed: her consent was voided
    }
    text = text_of(client_as, "mara", scene_url(shared))
    assert text.count("You consented.") == 1
    assert text.count("Waiting for your answer.") == 1


def test_a_beat_changed_after_the_final_was_not_asked(shared, final, client_as, persona_password):
    sign(shared.mara, {"b1": "consent", "b2": "consent"}, persona_password)
    # The working plan changes, no new final yet: her consent was to the old beat.
    beats = [dict(CONSENT_PLAN["beats"][0]), dict(CONSENT_PLAN["beats"][1], zone="face")]
    plans.replace_plan(
        shared.ines, shared.production.pk, shared.scene.pk, dict(CONSENT_PLAN, beats=beats)
    )
    text = text_of(client_as, "mara", scene_url(shared))
    assert text.count("You consented.") == 1
    assert "Not asked yet: this beat is not in the version you were asked to agree to." in text
    # Her face is a hard limit: said as the profile's, with her coordinator's name.
    assert "Outside the boundaries you set: Ines will go through this with you:" in text
    assert "You said no to a partner slapping your face: a hard limit." in text


def test_before_any_final_no_answer_is_claimed(slap_plan, client_as):
    text = text_of(client_as, "mara", scene_url(slap_plan))
    assert "You have not been asked for your consent yet" in text
    for claimed in ("You consented", "You declined", "You said yes", "Waiting for your answer"):
        assert claimed not in text
    assert answers.answers_for(slap_plan.mara, slap_plan.scene) == {}


def test_answers_for_reads_only_her_own_request(shared, final, persona_password):
    sign(shared.jonas, {"b1": "consent", "b2": "decline"}, persona_password)
    assert answers.answers_for(shared.mara, shared.scene) == {
        "b1": answers.WAITING,
        "b2": answers.WAITING,
    }
    assert answers.answers_for(shared.jonas, shared.scene) == {
        "b1": answers.CONSENTED,
        "b2": answers.DECLINED,
    }
    # Not in the final at all: nothing.
    assert answers.answers_for(shared.ines, shared.scene) == {}
