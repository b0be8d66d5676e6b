"""Issue 12's done-when walk: Ines (coordinator, laptop) uploads a Fountain screenplay from the
production page, reads the flagged scenes with their evidence lines, confirms two, dismisses
one, makes a scene and draft plan of one confirmed scene and opens its plan; the scene is
scheduled and she downloads the day's closed-set call sheet (page 1 rendered to PNG and read
with pdftotext); Mara (performer, phone 390 x 844) makes her calendar address and a plain
HTTP client, with no cookies, reads the feed with a standard ICS parser.

Scheduling is done with the services (plans, consent, compliance), not the pages: casting,
marking final, both performers' consent, identity records and clearances is a long path that
other walks already cover; the compliance gate still runs for real."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import urllib.request
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from closedset.breakdown.models import FlaggedScene
from closedset.browser_tests.conftest import LAPTOP, PHONE
from closedset.browser_tests.helpers import assert_no_other_errors

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

OUT = Path("/tmp/walk-12")  # noqa: S108 (the lead looks at the PDF and PNG here)

# Five scenes: two clearly intimate (a kiss that becomes undressing; nudity in a shower), one
# borderline the flagger flags but that is not intimate (a shirt off to show a scar), and two
# plain ones (a walk, a bar fight).
SCREENPLAY = """\
Title: Low Tide
Author: Northlight Films

INT. BOATHOUSE - NIGHT

ELIN and TOMAS stand close in the dark.

ELIN
You came back.

TOMAS
I never left.

Elin kisses Tomas on the mouth. The kiss deepens. She unbuttons his shirt and pulls it off; \
he unzips her dress and it falls to the floor.

EXT. HARBOUR WALL - DAY

Tomas walks along the wall with a coffee, looking at the boats.

TOMAS
Fine weather for it.

INT. ELIN'S BATHROOM - MORNING

Elin stands naked in the shower, water running over her bare breasts.

ELIN
(to herself)
Not again.

INT. DOCTOR'S OFFICE - DAY

Tomas takes off his shirt to show the scar on his back.

DOCTOR
That healed well.

INT. BAR - NIGHT

Tomas fights a drunk sailor. He shoves him against the bar and punches him.

TOMAS
Get out.
"""

# Words of the script and the plan that must never reach a calendar.
INTIMATE_WORDS = ("kiss", "undress", "nud", "naked", "shower", "breast", "Elin", "Tomas")


def _scene(page: Any, number: str) -> Any:
    heading = page.get_by_role("heading", name=re.compile(rf"^Scene {number}:"))
    return page.locator("article", has=heading)


def _stop(person: Any, name: str) -> None:
    """Every stop of the walk: a screenshot, axe and no script errors."""
    person.screenshot(f"breakdown-walk-{name}")
    person.assert_accessible()
    assert_no_other_errors(person.page)


def _ready_to_shoot(world: Any, scene: Any) -> None:
    """Cast Mara and Jonas in the draft's roles, mark it final, both consent; verified records
    and fresh clearances (through the services; see the module's docstring)."""
    from closedset.compliance.tests.helpers import (
        clear,
        consent_all,
        mark_final,
        verified_record,
    )
    from closedset.plans import services as plans
    from closedset.plans.models import PlanVersion

    here = dataclasses.replace(world, scene=scene)
    draft = PlanVersion.objects.filter(plan__scene=scene).order_by("-number").first().data
    roles = list(draft["cast"])
    data = dict(draft, cast={roles[0]: "mara", roles[1]: "jonas"})
    plans.replace_plan(world.ines, world.production.pk, scene.pk, data)
    plans.save_version(world.ines, world.production.pk, scene.pk)
    version = PlanVersion.objects.filter(plan__scene=scene).order_by("-number").first()
    mark_final(here, version)
    consent_all(here)
    for handle in ("mara", "jonas"):
        verified_record(here, handle, date(1995, 5, 17))
        clear(here, handle, timezone.localdate())


def _text(pdf: Path) -> str:
    done = subprocess.run(  # noqa: S603 (our own file)
        ["/usr/bin/pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    )
    return done.stdout


def test_script_to_plan_call_sheet_and_calendar(
    staff_devices: Any, navigator: Any, persona_password: str
) -> None:
    world = staff_devices
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)

    # --- Ines: the production page, the script link, the upload.
    ines = navigator(LAPTOP)
    ines.log_in(world.ines, persona_password, then="/")
    page = ines.page
    page.get_by_role("link", name="Harbour Lights").click()
    page.wait_for_load_state()
    _stop(ines, "01-production")
    page.get_by_role("link", name="The script: upload it, see the flagged scenes").click()
    expect(page.get_by_role("heading", name="Script of Harbour Lights")).to_be_visible()
    expect(page.get_by_text("No script has been uploaded yet.")).to_be_visible()
    _stop(ines, "02-script-empty")

    page.get_by_label("Screenplay file").set_input_files(
        {
            "name": "low-tide.fountain",
            "mimeType": "text/plain",
            "buffer": SCREENPLAY.encode(),
        }
    )
    page.get_by_role("button", name="Upload and read the script").click()
    page.wait_for_url(re.compile(r"/imports/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Script version 1: Low Tide")
    expect(page.get_by_text("5 scenes · 3 flagged · 0 confirmed")).to_be_visible()

    # The flags, with the lines that led to them and their line numbers.
    kiss, walk, shower, scar, fight = (_scene(page, n) for n in "12345")
    expect(kiss).to_contain_text("flagged, waiting for the coordinator")
    expect(kiss.locator(".evidence")).to_contain_text("line 14")
    expect(kiss.locator(".evidence")).to_contain_text("Elin kisses Tomas on the mouth.")
    expect(kiss).to_contain_text("Suggested acts:")
    expect(shower.locator(".evidence")).to_contain_text("line 25")
    expect(shower.locator(".evidence")).to_contain_text("Elin stands naked in the shower")
    expect(scar.locator(".evidence")).to_contain_text("Tomas takes off his shirt")
    expect(scar.locator(".evidence")).to_contain_text(re.compile(r"line \d+"))
    for plain in (walk, fight):
        expect(plain).to_contain_text("not flagged")
        expect(plain.locator(".evidence")).to_have_count(0)
    _stop(ines, "03-flagged")

    # Two confirmed, the borderline one dismissed.
    kiss.get_by_role("button", name="Confirm", exact=True).click()
    expect(kiss).to_contain_text("confirmed: needs a coordinator")
    shower.get_by_role("button", name="Confirm", exact=True).click()
    expect(shower).to_contain_text("confirmed: needs a coordinator")
    scar.get_by_role("button", name="Dismiss").click()
    expect(scar).to_contain_text("dismissed")
    expect(page.get_by_text("5 scenes · 3 flagged · 2 confirmed")).to_be_visible()
    decisions = dict(FlaggedScene.objects.values_list("number", "decision"))
    assert decisions["1"] == decisions["3"] == "confirmed"
    assert decisions["4"] == "dismissed"
    _stop(ines, "04-decided")

    # The kiss becomes a scene of the production with a draft plan; she opens it.
    kiss.get_by_role("button", name="Make a scene and draft plan").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Scene 1 has a draft plan. Check the roles and beats.")).to_be_visible()
    body = page.locator("main")
    expect(body).to_contain_text(re.compile("Elin", re.I))  # roles from the characters
    expect(body).to_contain_text(re.compile("Tomas", re.I))
    expect(body).to_contain_text(re.compile("kiss", re.I))  # beats from the acts
    expect(body).to_contain_text(re.compile("undress", re.I))
    _stop(ines, "05-draft-plan")
    flagged = FlaggedScene.objects.get(number="1")
    scene = flagged.scene
    assert scene is not None and scene.number == "1"
    from closedset.plans.models import PlanVersion

    draft = PlanVersion.objects.filter(plan__scene=scene).order_by("number").first().data
    assert {"kiss", "open-mouth-kiss", "undressing-partner"} <= {
        beat["act"] for beat in draft.get("beats", [])
    }
    # Back on the breakdown, the scene says where its plan is.
    page.go_back()
    page.reload()
    expect(_scene(page, "1").get_by_role("link", name="Open the plan")).to_be_visible()
    _scene(page, "1").get_by_role("link", name="Open the plan").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Scene 1")

    # --- Scheduled for a shoot day (services; the gate runs for real).
    from closedset.compliance import services as compliance
    from closedset.compliance.tests.helpers import call_on, future_day

    _ready_to_shoot(world, scene)
    day = future_day(5)
    call_at = call_on(day, hour=9)
    scheduled = compliance.schedule(world.ines, scene, call_at)
    assert scheduled is not None and scheduled.call_at == call_at

    # --- The call sheet page and the day's PDF.
    ines.go("/")
    page.get_by_role("link", name="Harbour Lights").click()
    page.get_by_role("link", name="Closed-set call sheets for the shoot days").click()
    expect(page.get_by_role("heading", name="Call sheets of Harbour Lights")).to_be_visible()
    # Her phone number goes on the sheets.
    page.get_by_label("Your phone number on the call sheets").fill("+44 20 7946 0958")
    page.get_by_role("button", name="Save the phone number").click()
    expect(page.get_by_text("Your phone number is on the call sheets now.")).to_be_visible()
    _stop(ines, "06-call-sheets")
    day_link = page.locator(f'a[href$="/{day:%Y-%m-%d}.pdf"]').first
    expect(day_link).to_be_visible()
    with page.expect_download() as download_info:
        day_link.click()
    download = download_info.value
    assert download.suggested_filename == f"call-sheet-harbour-lights-{day:%Y-%m-%d}.pdf"
    pdf = OUT / "call-sheet.pdf"
    download.save_as(str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(  # noqa: S603 (our own file)
        [
            "/usr/bin/pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            str(pdf),
            str(OUT / "call-sheet"),
        ],
        check=True,
    )
    assert list(OUT.glob("call-sheet-*1.png")), "page 1 was not rendered"
    text = _text(pdf)
    flat = " ".join(text.split())
    assert "Closed-set call sheet" in flat
    assert "closed set" in flat.lower()  # the badge is upper case in print
    assert "Scene 1, INT. BOATHOUSE - NIGHT" in flat
    assert "On the closed set" in flat  # the roster
    assert "Needed" in flat and "Modesty garments" in flat and "Robes" in flat
    assert "No personal devices" in flat and "No stills" in flat and "Monitors restricted" in flat
    assert "Rider signed" in flat and "Notice met" in flat
    assert "Ines +44 20 7946 0958" in flat
    assert "Mara" in flat and "Jonas" in flat
    # No boundary detail: neither the plan's acts nor the script's words.
    for word in ("kiss", "undress", "naked", "shower"):
        assert word not in flat.lower(), word
    assert_no_other_errors(page)

    # --- Mara on her phone: her calendar address, read by a plain HTTP client.
    mara = navigator(PHONE)
    mara.log_in(world.mara, persona_password, then="/account/")
    phone = mara.page
    phone.get_by_role("link", name="Your calendar feed").click()
    phone.wait_for_url("**/calendar/")
    expect(phone.get_by_role("heading", name="Your calendar", level=1)).to_be_visible()
    _stop(mara, "07-calendar")
    phone.get_by_role("button", name="Make my calendar address").click()
    phone.wait_for_load_state()
    address = phone.get_by_label(re.compile("Or paste this address"))
    expect(address).to_be_visible()
    url = address.input_value()
    _stop(mara, "08-calendar-address")
    assert re.search(r"/calendar/[^/]+\.ics$", url), url

    from icalendar import Calendar

    # A plain HTTP client: no cookies, no session.
    with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 (http only)
        assert answer.status == 200
        assert answer.headers.get_content_type() == "text/calendar"
        raw = answer.read()
    (OUT / "mara.ics").write_bytes(raw)
    calendar = Calendar.from_ical(raw)
    events = [c for c in calendar.walk("VEVENT")]
    calls = [e for e in events if str(e.get("summary")) == "Scene 1 — closed set"]
    assert len(calls) == 1, [str(e.get("summary")) for e in events]
    assert calls[0].decoded("dtstart") == call_at
    body_text = raw.decode()
    unfolded = body_text.replace("\r\n ", "")
    assert "Harbour Lights" not in unfolded
    assert "Low Tide" not in unfolded
    for word in INTIMATE_WORDS:
        assert word.lower() not in unfolded.lower(), word
