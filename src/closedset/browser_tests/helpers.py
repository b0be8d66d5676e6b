"""What the shoot-day walks do alike: start the scene, fill the day's forms, check the pages'
errors. Each step reads as the person's own taps."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from closedset.compliance import services as compliance
from closedset.compliance.tests.helpers import ready_scene
from closedset.onset import services
from closedset.onset.models import Run

# No socket server runs under the test server: the console's and phone's refused sockets are
# expected on every shoot-day page.
NO_SOCKET = ("WebSocket",)


def assert_no_other_errors(page: Any, expected: Iterable[str] = NO_SOCKET) -> None:
    """No script, CSP or network error on the page but those containing an expected piece."""
    noise = tuple(expected)
    errors = [e for e in page.js_errors if not any(piece in e for piece in noise)]
    assert not errors, errors


def started_run(world: Any) -> Run:
    """Scene 12B ready for the gate, called in an hour, and started by Ines."""
    ready_scene(world)
    compliance.schedule(world.ines, world.scene, timezone.now() + timedelta(hours=1))
    return services.start(world.ines, world.scene)


def name_kim_and_mara_robe(page: Any) -> None:
    """On the day page: Kim Laurent on the closed set, and a robe on Mara's checklist."""
    page.get_by_label("Name").fill("Kim Laurent")
    page.get_by_label("Job").fill("camera operator")
    page.get_by_role("button", name="Add to the closed set").click()
    expect(page.locator(".messages")).to_contain_text("Kim Laurent is on the closed set.")
    page.get_by_label("Performer").select_option(label="Mara")
    page.get_by_label("What", exact=True).select_option(label="Robe")
    page.get_by_role("button", name="Add to the checklist").click()


def propose_a_slap(page: Any) -> None:
    """Dario's form: Jonas (B) slaps Mara's (A) buttocks, lightly: not in the plan."""
    form = page.locator("#change-form")
    form.get_by_label("Act").select_option("slap")
    form.get_by_label("Done by").select_option("B")
    form.get_by_role("checkbox", name="A: Mara").check()
    form.get_by_label("Body zone").select_option("buttocks")
    form.get_by_label("Intensity").select_option("light")
    form.get_by_role("button", name="Ask the performers").click()
    page.wait_for_load_state()


def rate_the_scene(form: Any, safe: str, respect: str, comfort: str) -> None:
    """The feedback form's three questions, each answered 1 to 5."""
    form.get_by_role("group", name="Did you feel safe?").get_by_label(safe).check()
    form.get_by_role("group", name="Were you treated with respect?").get_by_label(respect).check()
    form.get_by_role("group", name="How comfortable were you?").get_by_label(comfort).check()
