"""The breakdown API: upload (multipart), list, read, decide, make a plan; errors as usual."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from closedset.breakdown.models import ScriptImport
from closedset.breakdown.tests.scripts import NIGHT, XML_BOMB
from closedset.plans.models import ScenePlan


def _base(world) -> str:
    return f"/api/v1/breakdown/{world.production.pk}/imports"


def test_api_walk(world, client_as) -> None:
    client = client_as("ines")
    created = client.post(_base(world), {"file": SimpleUploadedFile("n.fountain", NIGHT)})
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["version"], data["title"], data["flagged"]) == (1, "Test Night", 1)
    bedroom = data["scenes"][1]
    assert bedroom["intimate"] and bedroom["decision"] == "pending"
    assert bedroom["evidence"][0]["line"] == 12 and "kiss" in bedroom["acts"]
    listed = client.get(_base(world)).json()
    assert [item["version"] for item in listed] == [1]
    one = client.get(f"{_base(world)}/{data['id']}").json()
    assert one["scenes"] == data["scenes"]
    scene_url = f"{_base(world)}/{data['id']}/scenes/{bedroom['id']}"
    early = client.post(scene_url + "/plan")
    assert early.status_code == 409 and set(early.json()) == {"detail", "fields"}
    wrong = client.post(scene_url + "/decision", {"decision": "perhaps"}, "application/json")
    assert wrong.status_code == 422 and "decision" in wrong.json()["fields"]
    decided = client.post(scene_url + "/decision", {"decision": "confirmed"}, "application/json")
    assert decided.json()["decision"] == "confirmed"
    made = client.post(scene_url + "/plan")
    assert made.status_code == 201
    plan = ScenePlan.objects.get(scene_id=made.json()["scene_id"])
    assert client.get(made.json()["plan"]).status_code == 200
    assert list(plan.roles.values_list("name", flat=True)) == ["ANA", "DANI"]


def test_api_bad_file_in_the_usual_shape(world, client_as) -> None:
    response = client_as("petra").post(
        _base(world), {"file": SimpleUploadedFile("bomb.fdx", XML_BOMB)}
    )
    assert response.status_code == 422
    body = response.json()
    assert "document type declaration" in body["detail"] and body["fields"]["file"]
    assert not ScriptImport.objects.exists()


def test_api_producer_reads_without_evidence(world, client_as) -> None:
    client = client_as("petra")
    data = client.post(_base(world), {"file": SimpleUploadedFile("n.fountain", NIGHT)}).json()
    assert data["scenes"][1]["intimate"] and "evidence" not in data["scenes"][1]
    scene_url = f"{_base(world)}/{data['id']}/scenes/{data['scenes'][1]['id']}"
    refused = client.post(scene_url + "/decision", {"decision": "confirmed"}, "application/json")
    assert refused.status_code == 403 and refused.json()["detail"]
