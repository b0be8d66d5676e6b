"""The shoot day's JSON API: signals and change requests, the same rules as the pages."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from closedset.compliance import services as compliance
from closedset.compliance.tests.helpers import ready_scene
from closedset.onset import services
from closedset.onset.models import ChangeAnswer, Run, Signal

pytestmark = pytest.mark.django_db

SLAP = {"act": "slap", "by": "B", "to": ["A"], "zone": "buttocks"}


@pytest.fixture
def run(world: Any) -> Run:
    ready_scene(world)
    compliance.schedule(world.ines, world.scene, timezone.now() + timedelta(hours=1))
    return services.start(world.ines, world.scene)


def base(world: Any, run: Run, production: Any = None) -> str:
    return f"/api/v1/onset/{(production or world.production).pk}/runs/{run.pk}"


def post(client: Any, url: str, body: Any) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_a_pause_is_sent_read_and_acknowledged(world, run, client_as):
    mara, ines = client_as("mara"), client_as("ines")
    sent = post(mara, f"{base(world, run)}/signals", {"kind": "PAUSE", "key": "api-pause-0001"})
    assert sent.status_code == 201
    assert sent.json()["seq"] == 1 and sent.json()["key"] == "api-pause-0001"
    # A replay is the same signal.
    post(mara, f"{base(world, run)}/signals", {"kind": "pause", "key": "api-pause-0001"})
    assert Signal.objects.count() == 1

    console = ines.get(f"{base(world, run)}/signals?after=0").json()
    assert console["state"] == "on_hold" and console["last_seq"] == 1
    [item] = console["signals"]
    assert item["sender"] == "Mara" and item["key"] is None and item["acknowledged_at"] is None
    assert ines.get(f"{base(world, run)}/signals?after=1").json()["signals"] == []

    seen = post(ines, f"{base(world, run)}/signals/1/acknowledge", {})
    assert seen.status_code == 200 and seen.json()["acknowledged_at"]
    assert post(ines, f"{base(world, run)}/signals/2/acknowledge", {}).status_code == 404
    # Jonas sees none of Mara's signals.
    assert client_as("jonas").get(f"{base(world, run)}/signals").json()["signals"] == []


def test_bad_signals_are_refused_in_words(world, run, client_as):
    mara = client_as("mara")
    bad = post(mara, f"{base(world, run)}/signals", {"kind": "dance", "key": "api-dance-0001"})
    assert bad.status_code == 422 and "PAUSE or STOP" in bad.json()["detail"]
    assert mara.get(f"{base(world, run)}/signals?after=-1").status_code == 422
    assert mara.get(f"{base(world, run)}/signals?after={10**30}").status_code == 422
    ines = client_as("ines")
    assert post(ines, f"{base(world, run)}/signals/{10**30}/acknowledge", {}).status_code == 404
    too_big = post(mara, f"{base(world, run)}/prompts/{10**30}", {"answer": "yes"})
    assert too_big.status_code == 404
    assert not Signal.objects.exists()


def test_another_production_in_the_path_finds_nothing(world, run, client_as):
    other = base(world, run, world.other_production)
    assert client_as("mara").get(f"{other}/signals").status_code == 404
    assert client_as("dario").get(f"{other}/changes").status_code == 404
    assert post(client_as("dario"), f"{other}/changes", SLAP).status_code == 404


def test_the_director_proposes_and_reads_three_words(world, run, client_as):
    dario = client_as("dario")
    made = post(dario, f"{base(world, run)}/changes", SLAP)
    assert made.status_code == 201
    assert made.json()["outcome"] == "waiting"
    assert made.json()["words"] == "Jonas slaps Mara's buttocks, lightly"
    listed = dario.get(f"{base(world, run)}/changes").json()
    assert listed["scene"] == "continue"
    assert [c["outcome"] for c in listed["changes"]] == ["waiting"]
    assert set(listed["changes"][0]) == {
        "number",
        "words",
        "replaces",
        "proposed_at",
        "reflect_until",
        "outcome",
    }
    bad = post(dario, f"{base(world, run)}/changes", {**SLAP, "zone": "mouth"})
    assert bad.status_code == 422 and "zone" in bad.json()["fields"]
    # Performers and the coordinator cannot propose.
    for name in ("mara", "ines"):
        assert post(client_as(name), f"{base(world, run)}/changes", SLAP).status_code == 404


def test_performers_answer_their_prompts(world, run, client_as):
    post(client_as("dario"), f"{base(world, run)}/changes", SLAP)
    mara, jonas = client_as("mara"), client_as("jonas")
    [prompt] = mara.get(f"{base(world, run)}/prompts").json()
    made = {"id": prompt["id"]}  # the performers answer by the id their prompts carry
    assert prompt["words"] == "Jonas slaps your buttocks, lightly"
    assert prompt["open"] and not prompt["alone"] and prompt["minutes"] == 10
    answered = post(mara, f"{base(world, run)}/prompts/{made['id']}", {"answer": "yes"})
    assert answered.status_code == 200 and answered.json()["answer"] == "yes"
    assert (
        post(mara, f"{base(world, run)}/prompts/{made['id']}", {"answer": "no"}).status_code == 409
    )
    bad = post(jonas, f"{base(world, run)}/prompts/{made['id']}", {"answer": "perhaps"})
    assert bad.status_code == 422
    post(jonas, f"{base(world, run)}/prompts/{made['id']}", {"answer": "yes"})
    listed = client_as("dario").get(f"{base(world, run)}/changes").json()
    assert [c["outcome"] for c in listed["changes"]] == ["approved"]
    assert set(ChangeAnswer.objects.values_list("answer", flat=True)) == {"yes"}
    # Nobody else can answer, or learn that the prompt exists.
    for name in ("ines", "dario", "oscar"):
        refused = post(
            client_as(name), f"{base(world, run)}/prompts/{made['id']}", {"answer": "no"}
        )
        assert refused.status_code == 404
