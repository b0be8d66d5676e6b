"""What the persona walk of consent found, fixed in the services: the coordinator is told of
declines and withdrawals, deadlines stay before the call, adult riders give length and pay
first, and what the performer reads says what happened."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from closedset.accounts.errors import RateLimited
from closedset.consent import services
from closedset.consent.tests.conftest import request_of, save_version
from closedset.lib.errors import Conflict, InvalidInput
from closedset.notices.models import Notice
from closedset.rider.models import RiderTerms


def sign(user, answers, password, reasons=None):
    return services.decide(
        user, request_of(user).pk, answers, reasons or {}, password_or_code=password
    )


def coordinator_notices(world):
    return list(Notice.objects.filter(recipient=world.ines).order_by("pk"))


# --- 1. the coordinator is told -----------------------------------------------------------------


def test_a_decline_tells_the_coordinator_who_but_not_what_or_why(
    world, final, persona_password, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign(world.mara, {"b1": "decline"}, persona_password, {"b1": "my back hurts"})
    (notice,) = coordinator_notices(world)
    assert "Mara declined a beat" in notice.subject
    assert notice.kind == "consent_answer"
    text = notice.subject + notice.body
    # An inbox is not the board: no beat, no reason.
    assert "consent board shows which" in notice.body
    assert "slaps" not in text and "buttocks" not in text
    assert "my back hurts" not in text
    assert notice.url.endswith(f"/consent/{world.production.pk}/scenes/{world.scene.pk}/")
    for who in ("dario", "petra", "jonas"):
        assert not Notice.objects.filter(recipient=world.users[who], subject__contains="Mara")


def test_a_consent_alone_tells_the_coordinator_nothing(
    world, final, persona_password, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign(world.mara, {"b1": "consent"}, persona_password)
    assert coordinator_notices(world) == []


def test_a_withdrawal_tells_the_coordinator_and_no_one_else(
    world, final, persona_password, django_capture_on_commit_callbacks
):
    (made,) = sign(world.mara, {"b1": "consent"}, persona_password)
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(world.mara, made.pk)
    (notice,) = coordinator_notices(world)
    assert "Mara withdrew consent" in notice.subject
    assert "slaps" not in notice.subject + notice.body
    assert not Notice.objects.filter(recipient__in=[world.dario, world.petra])


def test_taking_back_a_decline_tells_the_coordinator_in_its_own_words(
    world, final, persona_password, django_capture_on_commit_callbacks
):
    (made,) = sign(world.mara, {"b2": "decline"}, persona_password)
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(world.mara, made.pk)
    (notice,) = coordinator_notices(world)
    assert "took back a decline" in notice.subject


# --- 2. the deadline and the call time --------------------------------------------------------


def test_a_deadline_after_the_call_time_is_refused_naming_the_call(world, version):
    from closedset.compliance.models import Schedule

    call = timezone.now() + timedelta(days=5)
    Schedule.objects.create(scene=world.scene, call_at=call)
    with pytest.raises(InvalidInput) as caught:
        services.mark_final(world.ines, version, deadline=call + timedelta(hours=1))
    assert f"{timezone.localtime(call):%d %B %Y, %H:%M}" in caught.value.message
    assert "deadline" in caught.value.fields
    # At the call time itself is fine.
    assert services.mark_final(world.ines, version, deadline=call).deadline == call


# --- 3. adult riders give length and pay first ------------------------------------------------


def test_an_adult_final_needs_expected_length_and_pay_in_each_rider(world, version):
    RiderTerms.objects.filter(performer=world.jonas).delete()
    RiderTerms.objects.filter(performer=world.mara).update(pay="")
    with pytest.raises(InvalidInput) as caught:
        services.mark_final(world.ines, version)
    message = caught.value.message
    assert "Mara's rider lacks pay" in message
    assert "Jonas's rider lacks expected length and pay" in message
    assert "then mark the version final again" in message
    assert not services.current_final(world.scene)


def test_a_mainstream_final_does_not_need_them(world, version):
    RiderTerms.objects.all().delete()
    world.production.kind = "mainstream"
    world.production.save(update_fields=["kind"])
    assert services.mark_final(world.ines, version)


def test_the_demo_seed_marks_its_adult_plans_final(db, settings):
    from closedset.consent.models import FinalVersion
    from closedset.productions import demo

    settings.CLOSEDSET_DEV = True
    demo.seed_demo()
    assert FinalVersion.objects.exists()


# --- 4. two tabs --------------------------------------------------------------------------------


def test_an_answer_given_in_another_tab_is_named_with_its_time(world, final, persona_password):
    (made,) = sign(world.mara, {"b1": "consent"}, persona_password)
    with pytest.raises(services.AlreadyAnswered) as caught:
        sign(world.mara, {"b1": "decline"}, persona_password)
    at = f"{timezone.localtime(made.decided_at):%H:%M}"
    assert f"You already consented to: Jonas slaps your buttocks, lightly, at {at}" in (
        caught.value.message
    )
    assert "withdraw it there first" in caught.value.message
    assert isinstance(caught.value, Conflict)


# --- 5. the lockout -----------------------------------------------------------------------------


def test_a_wrong_password_says_how_many_tries_are_left(world, final):
    with pytest.raises(InvalidInput) as first:
        sign(world.mara, {"b1": "consent"}, "nope")
    assert f"{services.SIGN_FAILURES} more wrong tries lock signing" in first.value.message
    for _ in range(services.SIGN_FAILURES - 1):
        with pytest.raises(InvalidInput) as last:
            sign(world.mara, {"b1": "consent"}, "nope")
    assert "One more wrong try locks signing" in last.value.message


def test_once_locked_it_says_until_when_and_withdrawing_still_works(world, final, persona_password):
    (made,) = sign(world.mara, {"b1": "consent"}, persona_password)
    for _ in range(services.SIGN_FAILURES):
        with pytest.raises(InvalidInput):
            sign(world.mara, {"b2": "consent"}, "nope")
    with pytest.raises(RateLimited) as caught:
        sign(world.mara, {"b2": "consent"}, "nope")
    until = services.sign_locked_until(world.mara)
    assert until is not None and until > timezone.now()
    assert f"locked until {timezone.localtime(until):%H:%M}" in caught.value.message
    assert "reset it" in caught.value.message
    assert services.withdraw(world.mara, made.pk).withdrawn_at is not None


# --- 6. the password alone unless there is a second factor ------------------------------------


def test_without_an_authenticator_the_error_asks_for_the_password_alone(world, final):
    with pytest.raises(InvalidInput) as caught:
        sign(world.mara, {"b1": "consent"}, "nope")
    assert "code" not in caught.value.message
    assert not services.has_second_factor(world.mara)


# --- 8. the time of the event -------------------------------------------------------------------


def test_a_withdrawal_shows_the_time_it_was_withdrawn(world, final, persona_password):
    (made,) = sign(world.mara, {"b1": "consent"}, persona_password)
    made.decided_at = timezone.now() - timedelta(days=2)
    made.save(update_fields=["decided_at"])
    withdrawn = services.withdraw(world.mara, made.pk)
    (scene,) = services.my_scenes(world.mara)
    card = next(b for b in scene.beats if b.words.beat_id == "b1")
    assert card.latest.at == withdrawn.withdrawn_at
    assert card.withdrew
    # Nothing waits: b2 only.
    assert scene.waiting == 1


def test_the_receipt_file_name_says_scene_decision_and_date(world, final, persona_password):
    (made,) = sign(world.mara, {"b1": "consent"}, persona_password)
    day = f"{timezone.localtime(made.decided_at):%Y-%m-%d}"
    name = services.receipt_file_name(world.mara, made.pk, False, "json")
    assert name == f"12B-consent-{day}.json"
    services.withdraw(world.mara, made.pk)
    assert services.receipt_file_name(world.mara, made.pk, True, "pdf").startswith(
        "12B-withdrawal-"
    )


# --- 9. voided by new rider terms ---------------------------------------------------------------


def test_answers_voided_by_new_rider_terms_say_so(world, final, persona_password):
    from closedset.rider import services as rider

    sign(world.mara, {"b1": "consent"}, persona_password)
    data = {"expected_length": "Three hours", "pay": "More", "use_film": "on", "closed_set": "on"}
    rider.save_terms(world.ines, world.production.pk, world.scene.pk, "mara", data)
    view = services.request_view(request_of(world.mara))
    voided = view.beats[0].latest
    assert voided.state == "voided"
    assert voided.state_words == services.RIDER_VOIDED
    assert not voided.carried


def test_answers_voided_by_a_newer_plan_say_the_plan_changed(world, final, persona_password):
    from closedset.consent.tests.test_services import changed_plan

    sign(world.mara, {"b2": "consent"}, persona_password)
    old = request_of(world.mara)
    services.mark_final(world.ines, save_version(world, changed_plan(zone="buttocks")))
    voided = services.request_view(old).beats[1].latest
    assert voided.state_words == services.PLAN_VOIDED


def test_a_withdrawal_is_not_reminded_as_a_beat_to_answer(world, version, persona_password):
    deadline = timezone.now() + timedelta(days=3)
    services.mark_final(world.ines, version, deadline=deadline)
    made = sign(world.mara, {"b1": "consent", "b2": "consent"}, persona_password)
    services.withdraw(world.mara, made[0].pk)
    assert services.fully_answered(request_of(world.mara))
    assert services.my_decisions(world.mara)[0].waiting == 0
    # Jonas answered nothing: only he is reminded.
    assert services.send_reminders(deadline - timedelta(hours=12)) == 1
    assert request_of(world.mara).reminded_at is None
