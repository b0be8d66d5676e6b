"""Consent pages: the performer's path from the list to a signed answer, the coordinator's
board and mark-final form, and the two states the director and producer read."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from closedset.conftest import without_tokens
from closedset.consent import services
from closedset.consent.models import BeatDecision, ConsentEvent
from closedset.consent.tests.conftest import request_of, save_version


@pytest.fixture
def mara_page(world, final, client_as):
    return client_as("mara"), reverse("consent:request", args=[request_of(world.mara).pk])


def test_the_portal_lists_the_request(world, final, client_as):
    page = client_as("mara").get(reverse("consent:mine")).content.decode()
    assert "Harbour Lights, Scene 12B: The boathouse" in page
    assert "2 beats wait for your answer" in page


def test_the_portal_is_plain_for_someone_with_no_request(world, client_as):
    page = client_as("dario").get(reverse("consent:mine")).content.decode()
    assert "Nothing to answer" in page


def test_the_request_reads_in_plain_words_with_the_rider(world, mara_page):
    client, url = mara_page
    response = client.get(url, HTTP_USER_AGENT="Phone browser")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Jonas slaps your buttocks, lightly" in page
    assert "Only your coordinator sees this" in page
    assert "Intimacy rider" in page
    assert 'name="answer-b1"' in page
    event = ConsentEvent.objects.get(kind="opened")
    assert (event.method, event.user_agent) == ("page", "Phone browser")


def test_answering_leads_to_a_sign_step_then_signing_records(world, mara_page, persona_password):
    client, url = mara_page
    review = client.post(url, {"answer-b1": "consent", "answer-b2": "decline"})
    page = review.content.decode()
    assert review.status_code == 200
    assert "You consent to" in page and "You decline" in page
    assert not BeatDecision.objects.exists()

    sign_url = reverse("consent:sign", args=[request_of(world.mara).pk])
    form = {"answer-b1": "consent", "answer-b2": "decline", "reason-b2": "not this week"}
    wrong = client.post(sign_url, form | {"password_or_code": "nope"})
    assert wrong.status_code == 422
    assert "That is not your password" in wrong.content.decode()
    assert not BeatDecision.objects.exists()

    done = client.post(sign_url, form | {"password_or_code": persona_password})
    assert done.status_code == 302
    assert {d.beat_id: d.decision for d in BeatDecision.objects.all()} == {
        "b1": "consent",
        "b2": "decline",
    }
    page = client.get(url).content.decode()
    assert "You consented." in page and "You declined." in page
    assert "Withdraw my consent" in page
    assert "Download receipt" in page
    # The reason is the coordinator's alone: not on the performer's page after signing.
    assert "not this week" not in page


def test_nothing_chosen_asks_again(world, mara_page):
    client, url = mara_page
    response = client.post(url, {})
    assert response.status_code == 422
    assert "Choose consent or decline" in response.content.decode()


def test_withdrawing_is_one_tap_and_the_receipt_downloads(world, mara_page, persona_password):
    client, _ = mara_page
    made = services.decide(
        world.mara,
        request_of(world.mara).pk,
        {"b1": "consent"},
        {},
        password_or_code=persona_password,
    )
    receipt = client.get(reverse("consent:receipt", args=[made[0].pk]))
    assert receipt.status_code == 200
    assert "attachment" in receipt["Content-Disposition"]
    assert json.loads(receipt.content)["format"] == "closedset-receipt/1"
    pdf = client.get(reverse("consent:receipt_pdf", args=[made[0].pk]))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    response = client.post(reverse("consent:withdraw", args=[made[0].pk]))
    assert response.status_code == 302
    assert BeatDecision.objects.get().withdrawn_at is not None
    withdrawal = client.get(reverse("consent:receipt", args=[made[0].pk]) + "?withdrawal=1")
    assert json.loads(withdrawal.content)["readable"]["decision"] == "withdrawal"


def test_another_performer_meets_the_same_404_as_for_nothing(world, final, client_as):
    jonas = client_as("jonas")
    theirs = jonas.get(reverse("consent:request", args=[request_of(world.mara).pk]))
    nothing = jonas.get(reverse("consent:request", args=[10**9]))
    assert theirs.status_code == nothing.status_code == 404
    assert without_tokens(theirs.content.decode()) == without_tokens(nothing.content.decode())


def test_the_board_shows_the_coordinator_every_answer_and_reason(
    world, final, client_as, persona_password
):
    services.decide(
        world.mara,
        request_of(world.mara).pk,
        {"b1": "decline"},
        {"b1": "not with this partner"},
        password_or_code=persona_password,
    )
    url = reverse("consent:scene", args=[world.production.pk, world.scene.pk])
    page = client_as("ines").get(url).content.decode()
    assert "not with this partner" in page
    assert "declined" in page and "Mara" in page
    for who in ("dario", "petra"):
        page = client_as(who).get(url).content.decode()
        assert "not agreed" in page
        assert "not with this partner" not in page
        assert "Mara" not in page and "declined" not in page


def test_the_coordinator_marks_a_version_final_from_the_board(world, version, client_as):
    from closedset.consent.models import FinalVersion

    url = reverse("consent:scene", args=[world.production.pk, world.scene.pk])
    ines = client_as("ines")
    page = ines.get(url).content.decode()
    assert "Mark version 1 final and ask for consent" in page
    response = ines.post(
        reverse("consent:mark_final", args=[world.production.pk, world.scene.pk]), {"number": "1"}
    )
    assert response.status_code == 302
    assert FinalVersion.objects.get().plan_version == version
    # Nothing newer to mark now.
    assert "No saved version newer" in ines.get(url).content.decode()


def test_marking_an_unknown_version_says_what_to_do(world, version, client_as):
    url = reverse("consent:mark_final", args=[world.production.pk, world.scene.pk])
    response = client_as("ines").post(url, {"number": "7"})
    assert response.status_code == 422
    assert "There is no saved version with that number" in response.content.decode()


def test_a_late_final_shows_late(world, version, client_as):
    from datetime import timedelta

    from django.utils import timezone

    from closedset.compliance.models import Schedule

    Schedule.objects.create(scene=world.scene, call_at=timezone.now() + timedelta(hours=3))
    services.mark_final(world.ines, version)
    assert "late" in client_as("mara").get(reverse("consent:mine")).content.decode()
    board = reverse("consent:scene", args=[world.production.pk, world.scene.pk])
    assert "late" in client_as("ines").get(board).content.decode()


def test_a_superseded_request_points_to_the_new_one(world, final, client_as):
    old = request_of(world.mara)
    services.mark_final(world.ines, save_version(world, {**_plan(), "beats": _plan()["beats"][:1]}))
    page = client_as("mara").get(reverse("consent:request", args=[old.pk])).content.decode()
    assert "A newer version of this plan replaced this one" in page
    assert 'name="answer-' not in page


def _plan():
    from closedset.consent.tests.conftest import CONSENT_PLAN

    return CONSENT_PLAN
