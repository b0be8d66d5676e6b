"""What the persona walk of consent found, fixed on the pages: the board keeps what the
coordinator typed and links the riders to fill in; the performer's sign step, lockout, two
tabs, portal, receipts and rider say plainly what happened and what to do next."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from closedset.consent import services
from closedset.consent.tests.conftest import CONSENT_PLAN, request_of, save_version
from closedset.rider.models import RiderTerms


@pytest.fixture
def mara_page(world, final, client_as):
    return client_as("mara"), reverse("consent:request", args=[request_of(world.mara).pk])


def sign_url(world):
    return reverse("consent:sign", args=[request_of(world.mara).pk])


def sign(world, answers, password, reasons=None):
    return services.decide(
        world.mara, request_of(world.mara).pk, answers, reasons or {}, password_or_code=password
    )


def board(world):
    return reverse("consent:scene", args=[world.production.pk, world.scene.pk])


def mark(world):
    return reverse("consent:mark_final", args=[world.production.pk, world.scene.pk])


# --- 2. the board's form ------------------------------------------------------------------------


def test_a_deadline_after_the_call_keeps_what_was_typed(world, version, client_as):
    from closedset.compliance.models import Schedule

    call = timezone.localtime(timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    Schedule.objects.create(scene=world.scene, call_at=call)
    typed = (call + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client_as("ines").post(mark(world), {"number": "1", "deadline": typed})
    page = response.content.decode()
    assert response.status_code == 422
    assert f"The call time is {call:%d %B %Y, %H:%M}" in page
    assert f'value="{typed}"' in page


def test_with_several_versions_the_button_names_the_chosen_one(world, version, client_as):
    save_version(world, dict(CONSENT_PLAN, beats=CONSENT_PLAN["beats"][:1]))
    page = client_as("ines").get(board(world)).content.decode()
    assert "Mark the chosen version final and ask for consent" in page
    # After an error the radio she chose stays chosen.
    response = client_as("ines").post(mark(world), {"number": "1", "deadline": "soon"})
    assert response.status_code == 422
    assert 'value="1" checked' in response.content.decode()
    assert 'value="2" checked' not in response.content.decode()


# --- 3. the riders to fill in -------------------------------------------------------------------


def test_the_board_links_each_rider_that_lacks_length_or_pay(world, version, client_as):
    RiderTerms.objects.filter(performer=world.jonas).update(expected_length="")
    response = client_as("ines").post(mark(world), {"number": "1"})
    page = response.content.decode()
    assert response.status_code == 422
    assert "Jonas&#x27;s rider lacks expected length" in page
    rider = reverse("rider:rider", args=[world.production.pk, world.scene.pk, "jonas"])
    assert f'href="{rider}"' in page
    assert "Mara&#x27;s rider lacks" not in page


# --- 4. two tabs --------------------------------------------------------------------------------


def test_an_answer_from_another_tab_is_named_and_no_password_box_is_left(
    world, mara_page, persona_password
):
    client, url = mara_page
    sign(world, {"b1": "consent"}, persona_password)
    response = client.post(
        sign_url(world), {"answer-b1": "decline", "password_or_code": persona_password}
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "You already consented to: Jonas slaps your buttocks, lightly, at " in page
    assert 'name="password_or_code"' not in page
    assert f'href="{url}"' in page and "Open the request again" in page


# --- 5. the lockout -----------------------------------------------------------------------------


def test_locked_out_the_sign_page_hides_the_password_and_points_to_a_reset(
    world, mara_page, persona_password
):
    client, url = mara_page
    (made,) = sign(world, {"b1": "consent"}, persona_password)
    for left in range(services.SIGN_FAILURES, 0, -1):
        wrong = client.post(sign_url(world), {"answer-b2": "consent", "password_or_code": "x"})
        assert wrong.status_code == 422
        assert ("One more wrong try" if left == 1 else f"{left} more wrong tries") in (
            wrong.content.decode()
        )
    locked = client.post(sign_url(world), {"answer-b2": "consent", "password_or_code": "x"})
    page = locked.content.decode()
    assert locked.status_code == 429
    assert 'name="password_or_code"' not in page
    assert "signing is locked until" in page
    assert reverse("accounts:password_reset") in page
    assert "ask your intimacy coordinator" in page
    # The request page says so too, and withdrawing still works.
    assert "signing is locked until" in client.get(url).content.decode()
    assert client.post(reverse("consent:withdraw", args=[made.pk])).status_code == 302


# --- 6. the sign step ---------------------------------------------------------------------------


def test_the_sign_step_lists_the_unanswered_and_shows_her_reason(world, mara_page):
    client, url = mara_page
    review = client.post(url, {"answer-b2": "decline", "reason-b2": "not my thighs"})
    page = review.content.decode()
    assert "You have not answered: Jonas slaps your buttocks, lightly. You can answer" in page
    assert "not my thighs" in page
    assert "Your password</label>" in page
    assert "authenticator" not in page


def test_with_an_authenticator_the_sign_step_offers_the_code(world, final, client_as):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=world.mara, name="phone", confirmed=True)
    url = reverse("consent:request", args=[request_of(world.mara).pk])
    page = client_as("mara").post(url, {"answer-b1": "consent"}).content.decode()
    assert "Your password, or the code from your authenticator app" in page


def test_continue_to_sign_stands_near_the_answers_too(world, mara_page):
    client, url = mara_page
    page = client.get(url).content.decode()
    first = page.index("Continue to sign")
    assert first < page.index('id="rider-h"')
    # And once more below the rider, for whoever reads it all first.
    assert "I have read my rider: go on to sign" in page[page.index('id="rider-h"') :]


# --- 7. taking back a decline -------------------------------------------------------------------


def test_taking_back_a_decline_says_so_and_its_receipt_is_named_for_it(
    world, mara_page, persona_password
):
    client, url = mara_page
    (made,) = sign(world, {"b2": "decline"}, persona_password)
    response = client.post(reverse("consent:withdraw", args=[made.pk]), follow=True)
    page = response.content.decode()
    assert "Your decline is taken back. You can answer this beat again whenever you like." in page
    assert "Withdrawn." not in page
    assert "receipt for taking back your decline" in page


# --- 8. the portal ------------------------------------------------------------------------------


def test_the_portal_shows_each_beat_once_with_earlier_answers_folded(
    world, final, client_as, persona_password
):
    (made,) = sign(world, {"b1": "consent"}, persona_password)
    services.withdraw(world.mara, made.pk)
    sign(world, {"b1": "decline"}, persona_password)
    page = client_as("mara").get(reverse("consent:mine")).content.decode()
    assert page.count("Jonas slaps your buttocks, lightly") == 1
    cut = page.index("Jonas slaps your buttocks, lightly")
    card = page[cut : page.index("</li>", cut)]
    assert card.index("You declined.") < card.index("<details")
    assert "You withdrew your consent." in card[card.index("<details") :]


def test_after_a_withdrawal_the_portal_does_not_ask_again(
    world, final, client_as, persona_password
):
    made = sign(world, {"b1": "consent", "b2": "consent"}, persona_password)
    withdrawn = services.withdraw(world.mara, made[0].pk)
    page = client_as("mara").get(reverse("consent:mine")).content.decode()
    assert "You withdrew. You don't have to answer again." in page
    assert "Read and answer" not in page
    assert "Nothing waits for your answer." in page and "beat waits" not in page
    assert f'datetime="{withdrawn.withdrawn_at.isoformat()}' in page or (
        f"{timezone.localtime(withdrawn.withdrawn_at):%H:%M}" in page
    )


def test_receipts_download_with_speaking_names(world, mara_page, persona_password):
    client, _ = mara_page
    (made,) = sign(world, {"b1": "consent"}, persona_password)
    day = f"{timezone.localtime(made.decided_at):%Y-%m-%d}"
    response = client.get(reverse("consent:receipt", args=[made.pk]))
    assert f'filename="12B-consent-{day}.json"' in response["Content-Disposition"]
    pdf = client.get(reverse("consent:receipt_pdf", args=[made.pk]))
    assert f'filename="12B-consent-{day}.pdf"' in pdf["Content-Disposition"]


# --- 9. voided by the rider ---------------------------------------------------------------------


def test_answers_voided_by_rider_terms_ask_her_to_read_them(
    world, mara_page, persona_password, client_as
):
    client, url = mara_page
    sign(world, {"b1": "consent"}, persona_password)
    rider = reverse("rider:rider", args=[world.production.pk, world.scene.pk, "mara"])
    terms = {"expected_length": "All day", "pay": "Double", "use_film": "on", "closed_set": "on"}
    assert client_as("ines").post(rider, terms).status_code == 302
    page = client.get(url).content.decode()
    assert "Your rider terms changed (pay, length or use of footage)" in page
    assert "this beat changed" not in page
    assert "unchanged from an earlier version" not in page


# --- 10. the rider marks what she declined or withdrew ------------------------------------------


def test_her_rider_marks_what_she_declined_and_withdrew(world, final, client_as, persona_password):
    made = sign(world, {"b1": "consent", "b2": "decline"}, persona_password)
    services.withdraw(world.mara, made[0].pk)
    rider = reverse("rider:rider", args=[world.production.pk, world.scene.pk, "mara"])
    page = client_as("mara").get(rider).content.decode()
    assert "You withdrew this." in page and "You declined this." in page
    # Hers alone: the coordinator's view of the same rider has no marks.
    staff = client_as("ines").get(rider).content.decode()
    assert "You declined this" not in staff and "You withdrew this" not in staff


def test_the_marks_leave_the_fingerprint_alone(world, final, persona_password):
    from closedset.rider import services as rider

    version = final.plan_version
    before = rider.rider_for(version, world.mara)
    sign(world, {"b2": "decline"}, persona_password)
    marked = rider.rider_for(version, world.mara, marks=services.beat_marks(version, world.mara))
    assert marked.sha256 == before.sha256
    assert "You declined this." in marked.shown and "declined" not in marked.html
