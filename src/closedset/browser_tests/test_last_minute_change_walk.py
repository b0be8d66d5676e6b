"""The last-minute change, the seed's second failure, in browsers: Dario asks on the day for a
new act; Mara (on her phone, 390 x 844) and Jonas get private prompts; one of them says no.
Dario's page says "waiting" until the reflection period is over, then "not approved", and the
page is the same bytes as when the other one says no. Time is moved on by a setting
(the rules' clock moved on), never waited out."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from closedset.boundaries import services as boundaries
from closedset.browser_tests.conftest import LAPTOP, PHONE
from closedset.browser_tests.helpers import assert_no_other_errors, propose_a_slap
from closedset.compliance import services as compliance
from closedset.compliance.tests.helpers import ready_scene
from closedset.conftest import without_tokens
from closedset.onset import changes, services
from closedset.onset.models import ChangeAnswer, ChangeRequest
from closedset.plans.tests.scenario import JONAS, MARA

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PAST_THE_PERIOD = 10 * 60 + 1


# Each reads the change in her or his own words.
WORDS = {"mara": "Jonas slaps your buttocks, lightly", "jonas": "You slap Mara's buttocks, lightly"}


def answer(page: Any, who: str, said: str) -> None:
    prompt = page.locator("#phone-changes")
    expect(prompt.get_by_text("The director asks for a change")).to_be_visible(timeout=8_000)
    expect(prompt).to_contain_text(WORDS[who])
    name = "Yes, I agree" if said == "yes" else "No, I don't"
    prompt.get_by_role("button", name=name, exact=True).click()
    expect(page.locator("#phone-changes")).to_contain_text(f"You said {said}", timeout=8_000)


def director_bytes(page: Any, url: str) -> bytes:
    body = page.request.get(url).body()
    return without_tokens(body.decode()).encode()


def test_one_declines_and_the_director_sees_only_not_approved(
    staff_devices: Any, navigator: Any, persona_password: str, monkeypatch: Any
) -> None:
    world = staff_devices
    # The live server runs in this process: moving the rules' clock moves it for the pages.
    ahead = [0]
    monkeypatch.setattr(changes, "clock", lambda: timezone.now() + timedelta(seconds=ahead[0]))
    ready_scene(world)
    for user, data in ((world.mara, MARA), (world.jonas, JONAS)):
        boundaries.replace_profile(user, data)
        boundaries.share(user, world.production.pk)
    compliance.schedule(world.ines, world.scene, timezone.now() + timedelta(hours=1))
    run = services.start(world.ines, world.scene)
    director_url = f"/onset/runs/{run.pk}/director/"

    mara = navigator(PHONE)
    mara.log_in(world.mara, persona_password, then=f"/onset/runs/{run.pk}/")
    jonas = navigator(PHONE)
    jonas.log_in(world.jonas, persona_password, then=f"/onset/runs/{run.pk}/")
    dario = navigator(LAPTOP)
    dario.log_in(world.dario, persona_password, then=director_url)
    page = dario.page
    expect(page.locator("#director-word")).to_have_text("continue")
    dario.assert_accessible()
    dario.screenshot("change-director-form")

    names = {mara: "mara", jonas: "jonas"}
    seen: dict[str, bytes] = {}
    for declines, agrees in ((mara, jonas), (jonas, mara)):
        ahead[0] = 0
        ChangeRequest.objects.filter(run=run).delete()
        dario.go(director_url)
        propose_a_slap(page)
        outcome = page.locator(".onset-outcome")
        expect(outcome).to_have_text("waiting")

        # The prompts reach both phones by themselves (the partial reloads itself).
        if declines is mara:
            expect(mara.page.locator("#phone-changes")).to_contain_text(
                "The director asks for a change", timeout=8_000
            )
            mara.assert_accessible()
            mara.screenshot("change-mara-prompt-phone")
        answer(declines.page, names[declines], "no")
        answer(agrees.page, names[agrees], "yes")
        assert sorted(ChangeAnswer.objects.values_list("answer", flat=True)) == ["no", "yes"]

        # Both have answered, one said no: still "waiting" until the period is over.
        dario.go(director_url)
        expect(outcome).to_have_text("waiting")
        if declines is mara:
            dario.screenshot("change-director-waiting")
            mara.screenshot("change-mara-said-no-phone")

        ahead[0] = PAST_THE_PERIOD
        # The list reloads itself: "not approved" shows without anyone touching the page.
        expect(outcome).to_have_text("not approved", timeout=8_000)
        expect(page.locator("#director-changes")).not_to_contain_text("Mara said")
        seen["mara" if declines is mara else "jonas"] = director_bytes(
            page, dario.base_url + director_url
        )
        dario.screenshot(f"change-director-not-approved-{'mara' if declines is mara else 'jonas'}")

    assert b"not approved" in seen["mara"]
    assert seen["mara"] == seen["jonas"]

    ines = navigator(LAPTOP)
    ines.log_in(world.ines, persona_password, then=f"/onset/runs/{run.pk}/console/")
    expect(ines.page.locator("#console-changes")).to_contain_text("not approved")
    ines.screenshot("change-console-not-approved")

    for who in (mara, jonas, dario, ines):
        assert_no_other_errors(who.page)
