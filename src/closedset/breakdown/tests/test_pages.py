"""The breakdown pages: upload, read, decide, make a plan; bad files; Czech."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from closedset.breakdown.models import FlaggedScene, ScriptImport
from closedset.breakdown.tests.scripts import BINARY, NIGHT, NIGHT_REVISED, XML_BOMB
from closedset.conftest import speaks
from closedset.core import script as core_script
from closedset.plans.models import ScenePlan


def _post(client, world, data: bytes, name: str = "night.fountain"):
    return client.post(
        f"/breakdown/{world.production.pk}/", {"upload": SimpleUploadedFile(name, data)}
    )


def test_coordinator_walk(world, client_as) -> None:
    client = client_as("ines")
    page = client.get(f"/breakdown/{world.production.pk}/")
    assert page.status_code == 200 and "No script has been uploaded yet." in page.content.decode()
    response = _post(client, world, NIGHT)
    script = ScriptImport.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/imports/{script.pk}/")
    page = client.get(response["Location"]).content.decode()
    # Every scene in order; the flag with its evidence, quoted with its line number.
    assert page.index("INT. KITCHEN") < page.index("INT. BEDROOM") < page.index("EXT. STREET")
    assert "line 12" in page and "kisses her deeply" in page
    assert "Kiss" in page or "kiss" in page
    assert 'name="decision" value="confirmed"' in page
    row = script.scenes.get(number="2")
    base = f"/breakdown/{world.production.pk}/imports/{script.pk}/scenes/{row.pk}/"
    assert client.post(base + "decide/", {"decision": "confirmed"}).status_code == 302
    page = client.get(f"/breakdown/{world.production.pk}/imports/{script.pk}/").content.decode()
    assert "Make a scene and draft plan" in page
    made = client.post(base + "plan/")
    scene = ScenePlan.objects.get().scene
    assert made["Location"] == f"/plans/{world.production.pk}/scenes/{scene.pk}/"
    assert client.get(made["Location"]).status_code == 200
    # A revised script: what changed, and the plan to check.
    _post(client, world, NIGHT_REVISED)
    revised = ScriptImport.objects.first()
    page = client.get(f"/breakdown/{world.production.pk}/imports/{revised.pk}/").content.decode()
    assert "Changes since version 1" in page and "Scene 2 changed" in page
    assert "changed since version 1" in page and "Scene 4 is new" in page
    assert "Check the plan against the new text." in page and "Until morning." in page


def test_producer_sees_flags_without_evidence_or_buttons(world, client_as) -> None:
    client = client_as("petra")
    _post(client, world, NIGHT)
    script = ScriptImport.objects.get()
    page = client.get(f"/breakdown/{world.production.pk}/imports/{script.pk}/").content.decode()
    assert "flagged, waiting for the coordinator" in page
    assert "kisses her deeply" not in page and "decision" not in page
    assert "Make a scene" not in page


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (BINARY, "x.fountain", "it is not text"),
        (XML_BOMB, "bomb.fdx", "document type declaration (DTD)"),
        (b"", "empty.fountain", "This file is empty"),
    ],
)
def test_bad_files_say_why_and_store_nothing(world, client_as, data, name, words) -> None:
    response = _post(client_as("ines"), world, data, name)
    assert response.status_code == 422
    page = response.content.decode()
    assert words in page and "The script was not imported. Nothing was saved." in page
    assert "Traceback" not in page
    assert not ScriptImport.objects.exists() and not FlaggedScene.objects.exists()


def test_no_file_and_too_large(world, client_as, monkeypatch) -> None:
    client = client_as("ines")
    response = client.post(f"/breakdown/{world.production.pk}/", {})
    assert response.status_code == 422 and "Choose a screenplay file" in response.content.decode()
    monkeypatch.setattr("closedset.breakdown.services.MAX_BYTES", 100)
    monkeypatch.setattr(core_script, "MAX_BYTES", 100)
    response = _post(client, world, NIGHT)
    assert response.status_code == 422 and "too large" in response.content.decode()
    assert not ScriptImport.objects.exists()


def test_pages_in_czech(world, client_as) -> None:
    speaks(world.ines, "cs")
    client = client_as("ines")
    page = client.get(f"/breakdown/{world.production.pk}/").content.decode()
    assert "Scénář" in page and "Script of" not in page
    _post(client, world, NIGHT)
    script = ScriptImport.objects.get()
    page = client.get(f"/breakdown/{world.production.pk}/imports/{script.pk}/").content.decode()
    assert "řádek 12" in page and "Potvrdit" in page and "Confirm" not in page
    # Acts in the reader's language, from the taxonomy's labels.
    from closedset.core.taxonomy import load_taxonomy

    assert load_taxonomy(lang="cs").acts["kiss"].label in page


def test_doors_for_the_production_page(world) -> None:
    from closedset.breakdown.links import doors

    url = f"/breakdown/{world.production.pk}/"
    assert [d.url for d in doors(world.ines, world.production)] == [url]
    assert [d.url for d in doors(world.petra, world.production)] == [url]
    for who in ("dario", "mara", "cora", "oscar"):
        assert doors(world.users[who], world.production) == []


def test_a_changed_scene_with_a_plan_is_confirmed_again(world, client_as) -> None:
    client = client_as("ines")
    _post(client, world, NIGHT)
    first = ScriptImport.objects.get()
    row = first.scenes.get(number="2")
    base = f"/breakdown/{world.production.pk}/imports/{first.pk}/scenes/{row.pk}/"
    client.post(base + "decide/", {"decision": "confirmed"})
    client.post(base + "plan/")
    _post(client, world, NIGHT_REVISED)
    revised = ScriptImport.objects.first()
    changed = revised.scenes.get(number="2")
    page = client.get(f"/breakdown/{world.production.pk}/imports/{revised.pk}/").content.decode()
    section = page[page.index(f'id="scene-{changed.pk}"') :]
    section = section[: section.index("</article>")]
    assert 'value="confirmed"' in section and 'value="dismissed"' not in section
    base = f"/breakdown/{world.production.pk}/imports/{revised.pk}/scenes/{changed.pk}/"
    assert client.post(base + "decide/", {"decision": "confirmed"}).status_code == 302
    assert client.post(base + "plan-checked/").status_code == 302
    changed.refresh_from_db()
    assert changed.decision == "confirmed" and not changed.plan_outdated
    page = client.get(f"/breakdown/{world.production.pk}/imports/{revised.pk}/").content.decode()
    assert "Check the plan against the new text." not in page


def test_the_original_file_for_the_coordinator(world, client_as) -> None:
    _post(client_as("petra"), world, NIGHT, "Night Shift.fountain")
    script = ScriptImport.objects.get()
    url = f"/breakdown/{world.production.pk}/imports/{script.pk}/original/"
    response = client_as("ines").get(url)
    assert response.status_code == 200 and response.content == NIGHT
    assert "Night Shift.fountain" in response["Content-Disposition"]
    assert client_as("petra").get(url).status_code == 403
