"""The shoot-day pages and their JSON: starting a scene, the console, the performer's phone,
signals and acknowledging, the manifest and the service worker (docs/shootday.md)."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from closedset.compliance import services as compliance
from closedset.compliance.tests.helpers import ready_scene
from closedset.conftest import without_tokens
from closedset.onset import services
from closedset.onset.models import Run, Signal

pytestmark = pytest.mark.django_db

KEY = "k-0001-pause"
ID_LIKE = re.compile(r"\b(run|signal|seq|key|id)\b\s*[:=#]", re.IGNORECASE)


@pytest.fixture
def run(world: Any) -> Run:
    """Scene 12B, consented, cleared, scheduled and started today by Ines."""
    ready_scene(world)
    compliance.schedule(world.ines, world.scene, timezone.now() + timedelta(hours=1))
    return services.start(world.ines, world.scene)


def start_url(world: Any) -> str:
    return f"/onset/{world.production.pk}/scenes/{world.scene.pk}/"


def post_json(client: Any, url: str, data: Any) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


# --- starting -------------------------------------------------------------------------------


def test_a_closed_gate_is_refused_in_plain_words(world, client_as):
    response = client_as("ines").post(start_url(world))
    assert response.status_code == 409
    text = response.content.decode()
    assert "cannot start yet" in text and "Nothing was started" in text
    assert not Run.objects.exists()


def test_the_coordinator_starts_and_lands_on_the_console(world, client_as):
    ready_scene(world)
    compliance.schedule(world.ines, world.scene, timezone.now() + timedelta(hours=1))
    ines = client_as("ines")
    assert b"Start the scene" in ines.get(start_url(world)).content
    response = ines.post(start_url(world))
    run = Run.objects.get()
    assert response["Location"] == f"/onset/runs/{run.pk}/console/"
    # Today's run is found again, not started twice.
    assert b"Open the console" in ines.get(start_url(world)).content
    assert ines.post(start_url(world))["Location"] == response["Location"]


@pytest.mark.parametrize(
    "who,status", [("dario", 403), ("petra", 403), ("mara", 403), ("oscar", 404)]
)
def test_only_the_coordinator_starts(world, run, client_as, who, status):
    assert client_as(who).post(start_url(world)).status_code == status


# --- the console ----------------------------------------------------------------------------


def test_the_console_shows_signals_newest_first_and_loud(world, run, client_as):
    services.send(world.mara, run.pk, "pause", KEY)
    services.send(world.jonas, run.pk, "stop", "k-0002-stop")
    response = client_as("ines").get(f"/onset/runs/{run.pk}/console/")
    text = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in text and "not yet seen" in text
    assert text.index("from Jonas") < text.index("from Mara")
    assert text.count(">I have seen it</button>") == 2  # (and once in console.js's words)
    assert "stopped" in text
    assert "<script>" not in text and "style=" not in text  # the CSP allows neither


@pytest.mark.parametrize("who", ["mara", "jonas", "dario", "petra", "cora", "oscar"])
def test_the_console_is_the_coordinators_only(world, run, client_as, who):
    assert client_as(who).get(f"/onset/runs/{run.pk}/console/").status_code == 404


def test_acknowledging_from_the_console(world, run, client_as):
    signal = services.send(world.mara, run.pk, "pause", KEY)
    ines = client_as("ines")
    response = ines.post(f"/onset/signals/{signal.pk}/ack/")
    assert response["Location"] == f"/onset/runs/{run.pk}/console/"
    signal.refresh_from_db()
    assert signal.acknowledged_by == world.ines
    text = ines.get(response["Location"]).content.decode()
    assert "seen by Ines" in text and ">I have seen it</button>" not in text
    # A script gets JSON back.
    again = ines.post(f"/onset/signals/{signal.pk}/ack/", HTTP_ACCEPT="application/json")
    assert again.json()["acknowledged_by_name"] == "Ines"


@pytest.mark.parametrize("who", ["mara", "jonas", "dario", "petra", "oscar"])
def test_only_the_coordinator_acknowledges(world, run, client_as, who):
    signal = services.send(world.mara, run.pk, "pause", KEY)
    client = client_as(who)
    assert client.post(f"/onset/signals/{signal.pk}/ack/").status_code == 404
    response = client.post(f"/onset/signals/{signal.pk}/ack/", HTTP_ACCEPT="application/json")
    assert response.status_code == 404 and response.json() == {"detail": services.NO_RUN}
    signal.refresh_from_db()
    assert signal.acknowledged_at is None


# --- the phone ------------------------------------------------------------------------------


def test_the_phone_page_has_two_big_buttons_and_links_the_app(world, run, client_as):
    response = client_as("mara").get(f"/onset/runs/{run.pk}/")
    text = response.content.decode()
    assert response.status_code == 200
    assert ">PAUSE</button>" in text and ">STOP</button>" in text
    assert 'rel="manifest"' in text and "onset/phone.js" in text
    assert "<script>" not in text and "style=" not in text


@pytest.mark.parametrize("who", ["ines", "dario", "petra", "cora", "oscar"])
def test_the_phone_page_is_for_the_cast_only(world, run, client_as, who):
    assert client_as(who).get(f"/onset/runs/{run.pk}/").status_code == 404


def test_a_missing_run_reads_like_a_foreign_one(world, run, client_as):
    missing = client_as("mara").get(f"/onset/runs/{run.pk + 999}/")
    foreign = client_as("oscar").get(f"/onset/runs/{run.pk}/")
    assert missing.status_code == foreign.status_code == 404
    for response in (missing, foreign):
        page = without_tokens(response.content.decode())
        assert "12B" not in page and "Harbour" not in page


def test_without_javascript_a_press_lands_back_with_its_state(world, run, client_as):
    mara = client_as("mara")
    page = mara.get(f"/onset/runs/{run.pk}/").content.decode()
    key = re.search(
        r'name="kind" value="pause">\s*<input type="hidden" name="key" value="(\w+)"', page
    )
    assert key, "the page makes a key for each button"
    response = mara.post(f"/onset/runs/{run.pk}/", {"kind": "pause", "key": key.group(1)})
    assert response["Location"] == f"/onset/runs/{run.pk}/"
    assert "Sent — waiting for the coordinator" in mara.get(response["Location"]).content.decode()
    # Pressing twice with the same page (a double tap, a resend) stores one signal.
    mara.post(f"/onset/runs/{run.pk}/", {"kind": "pause", "key": key.group(1)})
    assert Signal.objects.count() == 1
    services.acknowledge(world.ines, Signal.objects.get().pk)
    assert "Seen by Ines at" in mara.get(f"/onset/runs/{run.pk}/").content.decode()


def test_a_damaged_press_without_javascript_says_what_to_do(world, run, client_as):
    response = client_as("mara").post(f"/onset/runs/{run.pk}/", {"kind": "pause", "key": "x"})
    text = response.content.decode()
    assert response.status_code == 400
    assert "reload the page and press again" in text
    said = re.search(r'<p class="error" role="alert">([^<]*)</p>', text)
    assert said and not ID_LIKE.search(said.group(1)) and "{" not in said.group(1)


# --- JSON -----------------------------------------------------------------------------------


def test_a_signal_is_stored_and_answered_with_its_number(world, run, client_as):
    mara = client_as("mara")
    response = post_json(mara, f"/onset/runs/{run.pk}/signals/", {"kind": "pause", "key": KEY})
    assert response.status_code == 201
    assert response.json() == {"seq": 1, "kind": "pause", "key": KEY, "acknowledged": False}
    # A replay is the same signal.
    again = post_json(mara, f"/onset/runs/{run.pk}/signals/", {"kind": "pause", "key": KEY})
    assert again.json()["seq"] == 1 and Signal.objects.count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "dance", "key": KEY},
        {"kind": "pause", "key": "short"},
        {"kind": "pause"},
        {"kind": 3, "key": KEY},
        [],
        "not json",
    ],
)
def test_bad_signals_are_refused_in_words(world, run, client_as, body):
    url = f"/onset/runs/{run.pk}/signals/"
    client = client_as("mara")
    if body == "not json":
        response = client.post(url, "{nope", content_type="application/json")
    else:
        response = post_json(client, url, body)
    assert response.status_code == 400
    data = response.json()
    assert set(data) == {"detail"} and data["detail"].endswith(".")
    assert "{" not in data["detail"] and "kind" not in data["detail"]
    assert not Signal.objects.exists()


@pytest.mark.parametrize("who", ["ines", "dario", "petra", "cora", "oscar"])
def test_only_the_cast_send(world, run, client_as, who):
    response = post_json(
        client_as(who), f"/onset/runs/{run.pk}/signals/", {"kind": "stop", "key": KEY}
    )
    assert response.status_code == 404 and response.json() == {"detail": services.NO_RUN}


def test_signed_out_phones_are_told_in_words(world, run, client_as):
    response = post_json(
        client_as("anonymous"), f"/onset/runs/{run.pk}/signals/", {"kind": "stop", "key": KEY}
    )
    assert response.status_code == 401 and "Log in again" in response.json()["detail"]


def test_catching_up_the_console_and_the_phone(world, run, client_as):
    services.send(world.mara, run.pk, "pause", KEY)
    services.send(world.jonas, run.pk, "pause", "k-0002-jonas")
    signal = services.send(world.mara, run.pk, "stop", "k-0003-stop")
    services.acknowledge(world.ines, signal.pk)
    console = client_as("ines").get(f"/onset/runs/{run.pk}/signals/?after=1").json()
    assert console["state"] == "stopped" and console["last_seq"] == 3
    assert [s["seq"] for s in console["signals"]] == [2, 3]
    assert console["signals"][1]["acknowledged_by_name"] == "Ines"
    assert console["signals"][0]["sender_name"] == "Jonas"
    phone = client_as("mara").get(f"/onset/runs/{run.pk}/signals/?after=0").json()
    assert [s["seq"] for s in phone["signals"]] == [1, 3]
    stop = phone["signals"][1]
    assert stop["mine"] and stop["key"] == "k-0003-stop" and stop["seen_by"] == "Ines"
    assert re.fullmatch(r"\d\d:\d\d:\d\d", stop["seen_at"])
    # The phone learns nothing about others, and no ids.
    for item in phone["signals"]:
        assert not {"acknowledged_by_name", "sender_name", "ack_url", "id"} & set(item)
    assert client_as("jonas").get(f"/onset/runs/{run.pk}/signals/").json()["signals"][0]["seq"] == 2


@pytest.mark.parametrize("after", ["-1", "x", "1.5", "9" * 30])
def test_a_bad_after_is_refused_in_words(world, run, client_as, after):
    response = client_as("ines").get(f"/onset/runs/{run.pk}/signals/?after={after}")
    assert response.status_code == 400 and "sequence number" in response.json()["detail"]


def test_polling_escalates_what_waited_too_long(world, run, client_as, settings):
    settings.CLOSEDSET_SIGNAL_ESCALATE_SECONDS = 15
    signal = services.send(world.mara, run.pk, "pause", KEY)
    Signal.objects.filter(pk=signal.pk).update(stored_at=timezone.now() - timedelta(seconds=20))
    data = client_as("ines").get(f"/onset/runs/{run.pk}/signals/").json()
    assert data["signals"][0]["escalated"] is True
    assert Signal.objects.get(pk=signal.pk).escalated_at is not None
    page = client_as("ines").get(f"/onset/runs/{run.pk}/console/").content.decode()
    assert "sent on to the producer" in page


# --- installable ----------------------------------------------------------------------------


def test_the_manifest_opens_on_the_run(client):
    response = client.get("/onset/manifest.webmanifest?run=7")
    assert response["Content-Type"] == "application/manifest+json"
    data = response.json()
    assert data["start_url"] == "/onset/runs/7/" and data["scope"] == "/onset/"
    assert client.get("/onset/manifest.webmanifest?run=../x").json()["start_url"] == "/"


def test_the_service_worker_is_served_for_the_onset_scope(client):
    response = client.get("/onset/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert b"closedset-onset-shell" in response.content


def test_the_manifest_names_icons_that_are_served(client):
    import json as _json

    data = _json.loads(client.get("/onset/manifest.webmanifest").content)
    assert [icon["sizes"] for icon in data["icons"]] == ["192x192", "512x512"]
    for icon in data["icons"]:
        response = client.get(icon["src"])
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        assert response.content.startswith(b"\x89PNG")
    assert client.get("/onset/icon-64.png").status_code == 404
