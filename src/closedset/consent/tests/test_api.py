"""The consent API: the same rules as the pages, in JSON."""

from __future__ import annotations

import json

from closedset.consent.models import BeatDecision
from closedset.consent.tests.conftest import request_of

API = "/api/v1/consent"


def _post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def test_a_performer_reads_answers_and_withdraws(world, final, client_as, persona_password):
    mara = client_as("mara")
    p = world.production.pk
    listed = mara.get(f"{API}/requests").json()
    assert [r["waiting"] for r in listed] == [2]
    rid = request_of(world.mara).pk
    read = mara.get(f"{API}/{p}/requests/{rid}").json()
    assert [b["words"] for b in read["beats"]] == [
        "Jonas slaps your buttocks, lightly",
        "Jonas slaps your thighs, lightly",
    ]
    assert len(read["rider_sha256"]) == 64

    refused = _post(
        mara,
        f"{API}/{p}/requests/{rid}/decide",
        {
            "answers": {"b1": "consent"},
            "password_or_code": "wrong",
            "rider_sha256": read["rider_sha256"],
        },
    )
    assert refused.status_code == 422
    assert "password_or_code" in refused.json()["fields"]

    body = {
        "answers": {"b1": "consent", "b2": "decline"},
        "reasons": {"b2": "not today"},
        "password_or_code": persona_password,
        "rider_sha256": read["rider_sha256"],
    }
    done = _post(mara, f"{API}/{p}/requests/{rid}/decide", body)
    assert done.status_code == 200
    assert {d["beat"]: d["state"] for d in done.json()["recorded"]} == {
        "b1": "consented",
        "b2": "declined",
    }
    assert "not today" not in done.content.decode()
    again = _post(mara, f"{API}/{p}/requests/{rid}/decide", body)
    assert again.json()["recorded"] == []
    assert BeatDecision.objects.count() == 2

    b1 = BeatDecision.objects.get(beat_id="b1")
    receipt = mara.get(f"{API}/{p}/decisions/{b1.pk}/receipt")
    assert receipt.json()["readable"]["decision"] == "consent"
    withdrawn = _post(mara, f"{API}/{p}/decisions/{b1.pk}/withdraw")
    assert withdrawn.json()["state"] == "withdrawn"
    assert b1.request.events.filter(kind="withdrawn", method="api").exists()


def test_the_coordinator_marks_final_and_reads_the_board(
    world, version, client_as, persona_password
):
    ines = client_as("ines")
    p = world.production.pk
    marked = _post(ines, f"{API}/{p}/plans/{version.pk}/final")
    assert marked.status_code == 200
    assert marked.json()["requests"] == 2
    assert _post(ines, f"{API}/{p}/plans/{version.pk}/final").status_code == 409
    board = ines.get(f"{API}/{p}/scenes/{world.scene.pk}/board").json()
    assert board["state"] == "not agreed"
    assert {row["performer"] for row in board["performers"]} == {"Mara", "Jonas"}
    state = client_as("petra").get(f"{API}/{p}/scenes/{world.scene.pk}/state").json()
    assert state == {"state": "not agreed"}
    assert client_as("petra").get(f"{API}/{p}/scenes/{world.scene.pk}/board").status_code == 404


def test_another_production_in_the_path_finds_nothing(world, final, client_as):
    rid = request_of(world.mara).pk
    other = world.other_production.pk
    assert client_as("mara").get(f"{API}/{other}/requests/{rid}").status_code == 404
