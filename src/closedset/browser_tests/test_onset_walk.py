"""The shoot day in two browsers: Mara presses PAUSE on her phone (390 x 844), Ines's console
shows it by polling, Ines acknowledges, Mara's phone says "Seen by Ines". Then Mara's phone
loses its network, she presses STOP: it says "Not sent yet" (and still does after a reload
from the service worker's copy) until the network is back, and exactly one STOP is stored."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from closedset.browser_tests.conftest import LAPTOP, PHONE
from closedset.browser_tests.helpers import assert_no_other_errors, started_run
from closedset.onset.models import Signal

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

# No socket server runs under the test server: its refusal, and the browser's own notes about
# requests made while offline, are expected; nothing else may show up as an error.
# The page's live parts (check-ins, change prompts) poll with HTMX, which logs each request that
# fails while the phone is offline.
EXPECTED_NOISE = (
    "WebSocket",
    "ERR_INTERNET_DISCONNECTED",
    "Failed to fetch",
    "htmx:sendError",
    "htmx:afterRequest",
)


def assert_big(page: Any, name: str) -> None:
    box = page.get_by_role("button", name=name, exact=True).bounding_box()
    assert box and box["height"] >= 120 and box["width"] >= 300, (name, box)


def test_pause_is_seen_and_stop_survives_a_lost_network(
    staff_devices: Any, navigator: Any, persona_password: str
) -> None:
    world = staff_devices
    run = started_run(world)

    mara = navigator(PHONE)
    mara.log_in(world.mara, persona_password, then=f"/onset/runs/{run.pk}/")
    phone = mara.page
    status = phone.locator("#phone-status")
    assert_big(phone, "PAUSE")
    assert_big(phone, "STOP")
    mara.assert_accessible()
    # The service worker takes the page (and keeps a copy of it) before anything goes wrong.
    phone.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller")
    mara.screenshot("onset-phone-ready")

    ines = navigator(LAPTOP)
    ines.log_in(world.ines, persona_password, then=f"/onset/runs/{run.pk}/console/")
    console = ines.page
    expect(console.get_by_text("No one has pressed PAUSE or STOP")).to_be_visible()

    # PAUSE: stored, then shown as sent; the console finds it by polling.
    phone.get_by_role("button", name="PAUSE", exact=True).click()
    expect(status).to_contain_text("Sent — waiting for the coordinator")
    alert = console.get_by_role("alert")
    expect(alert).to_contain_text("PAUSE from Mara", timeout=8_000)
    expect(console.locator("#run-state")).to_have_text("on hold")
    # Unseen, it repeats: the tab's title says so until someone acknowledges it.
    expect(console).to_have_title(re.compile(r"^\(!\) PAUSE — "), timeout=8_000)
    ines.assert_accessible()
    ines.screenshot("onset-console-pause")
    mara.screenshot("onset-phone-pause-sent")

    console.get_by_role("button", name="I have seen it").click()
    console.wait_for_load_state()
    expect(console.get_by_text("seen by Ines at")).to_be_visible()
    expect(console.locator("#onset-alert")).to_be_hidden()
    expect(console).not_to_have_title(re.compile(r"^\(!\)"), timeout=8_000)
    expect(status).to_contain_text("Seen by Ines at", timeout=8_000)
    mara.screenshot("onset-phone-pause-seen")

    # STOP with no network: kept on the phone, never claimed as sent.
    phone.context.set_offline(True)
    phone.get_by_role("button", name="STOP", exact=True).click()
    expect(status).to_contain_text("STOP: Not sent yet")
    phone.wait_for_timeout(3_500)  # one replay has been tried and failed
    expect(status).to_contain_text("Not sent yet")
    assert not Signal.objects.filter(kind="stop").exists()
    mara.screenshot("onset-phone-stop-not-sent")

    # A reload without a network opens the service worker's copy, with the outbox's state.
    phone.reload()
    expect(phone.get_by_role("button", name="STOP", exact=True)).to_be_visible()
    expect(status).to_contain_text("STOP: Not sent yet")
    mara.screenshot("onset-phone-offline-reload")

    phone.context.set_offline(False)
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    expect(status).to_contain_text("STOP: Sent — waiting for the coordinator", timeout=8_000)
    phone.wait_for_timeout(3_500)  # later replays change nothing
    assert Signal.objects.filter(kind="stop").count() == 1
    assert Signal.objects.count() == 2
    expect(alert).to_contain_text("STOP from Mara", timeout=8_000)
    expect(console.locator("#run-state")).to_have_text("stopped")
    ines.screenshot("onset-console-stop")
    mara.screenshot("onset-phone-stop-sent")

    assert_no_other_errors(phone, EXPECTED_NOISE)
    assert_no_other_errors(console, EXPECTED_NOISE)
