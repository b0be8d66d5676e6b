"""The breakdown's rules: import, decisions, re-import, and from a flag to a plan."""

from __future__ import annotations

import pytest

from closedset.breakdown import services
from closedset.breakdown.models import FlaggedScene, ScriptImport
from closedset.breakdown.tests.scripts import BINARY, CORPUS, NIGHT, NIGHT_REVISED, XML_BOMB
from closedset.core import script as core_script
from closedset.core.plan import parse_plan
from closedset.lib.errors import Conflict, Forbidden, InvalidInput, NotFound
from closedset.notices.models import Notice
from closedset.plans.models import PlanVersion, ScenePlan
from closedset.plans.services import plan_data


def _upload(world, who="ines", data=NIGHT, name="night.fountain") -> ScriptImport:
    return services.upload(world.users[who], world.production.pk, data, name)


def _row(script: ScriptImport, number: str) -> FlaggedScene:
    return script.scenes.get(number=number)


def test_import_reads_every_scene_and_flags_with_evidence(world) -> None:
    script = _upload(world)
    assert (script.version, script.format, script.title) == (1, "fountain", "Test Night")
    rows = list(script.scenes.all())
    assert [r.number for r in rows] == ["1", "2", "3"]
    bedroom = rows[1]
    assert bedroom.intimate and bedroom.decision == "pending"
    assert "kiss" in bedroom.acts
    assert bedroom.evidence[0]["line"] == 12
    assert "kisses" in bedroom.evidence[0]["text"]
    assert bedroom.characters == ["ANA", "DANI"]
    assert not rows[0].intimate and rows[0].decision == ""
    # The file itself is kept sealed and opens for the coordinator as it was.
    assert bytes(script.sealed) != NIGHT
    assert services.original(world.ines, world.production.pk, script.pk) == (
        "night.fountain",
        NIGHT,
    )


def test_every_corpus_script_imports(world) -> None:
    for path in sorted(CORPUS.glob("*.f*")):
        script = _upload(world, data=path.read_bytes(), name=path.name)
        assert script.scenes.count() == len(script.parsed["scenes"]) > 0
    assert ScriptImport.objects.filter(production=world.production).count() == 9


def test_producer_uploads_but_never_decides(world) -> None:
    script = _upload(world, "petra")
    row = _row(script, "2")
    with pytest.raises(Forbidden):
        services.decide(world.petra, world.production.pk, script.pk, row.pk, "confirmed")
    with pytest.raises(Forbidden):
        services.to_plan(world.petra, world.production.pk, script.pk, row.pk)
    view = services.breakdown(world.petra, world.production.pk, script.pk)
    assert all(not s.evidence and not s.acts for s in view.scenes)
    assert services.breakdown_json(world.petra, world.production.pk, script.pk)["scenes"][
        1
    ].keys() >= {
        "intimate",
        "decision",
    }
    assert (
        "evidence"
        not in services.breakdown_json(world.petra, world.production.pk, script.pk)["scenes"][1]
    )


@pytest.mark.parametrize("who", ["dario", "mara", "cora", "oscar"])
def test_others_find_nothing(world, who) -> None:
    with pytest.raises(NotFound):
        _upload(world, who)
    script = _upload(world)
    with pytest.raises(NotFound):
        services.breakdown(world.users[who], world.production.pk, script.pk)


def test_decisions(world) -> None:
    script = _upload(world)
    row = _row(script, "2")
    services.decide(world.ines, world.production.pk, script.pk, row.pk, "dismissed")
    row.refresh_from_db()
    assert (row.decision, row.decided_by) == ("dismissed", world.ines)
    services.decide(world.ines, world.production.pk, script.pk, row.pk, "confirmed")
    assert _row(script, "2").decision == "confirmed"
    # A scene that was not flagged can be confirmed too: nothing is missed for want of a flag.
    services.decide(world.ines, world.production.pk, script.pk, _row(script, "1").pk, "confirmed")
    assert _row(script, "1").decision == "confirmed"
    with pytest.raises(InvalidInput):
        services.decide(world.ines, world.production.pk, script.pk, row.pk, "maybe")
    other = _upload(world)
    with pytest.raises(Conflict):  # only the newest version is decided on
        services.decide(world.ines, world.production.pk, script.pk, row.pk, "dismissed")
    with pytest.raises(Conflict):  # nor made into plans
        services.to_plan(world.ines, world.production.pk, script.pk, row.pk)
    assert not services.breakdown(world.ines, world.production.pk, script.pk).deciding
    with pytest.raises(NotFound):  # a scene of another import
        services.decide(world.ines, world.production.pk, other.pk, row.pk, "dismissed")


def test_reimport_carries_decisions_and_marks_changes(world) -> None:
    first = _upload(world)
    bedroom = _row(first, "2")
    services.decide(world.ines, world.production.pk, first.pk, bedroom.pk, "confirmed")
    services.decide(world.ines, world.production.pk, first.pk, _row(first, "1").pk, "dismissed")
    scene = services.to_plan(world.ines, world.production.pk, first.pk, bedroom.pk)

    same = _upload(world)
    assert same.version == 2
    assert [(r.change, r.decision) for r in same.scenes.all()] == [
        ("same", "dismissed"),
        ("same", "confirmed"),
        ("same", ""),
    ]
    assert _row(same, "2").scene == scene and not _row(same, "2").plan_outdated
    assert not Notice.objects.filter(recipient=world.ines).exists()

    revised = _upload(world, data=NIGHT_REVISED)
    rows = {r.number: r for r in revised.scenes.all()}
    assert rows["1"].change == "same" and rows["1"].decision == "dismissed"
    assert rows["2"].change == "changed" and rows["2"].decision == "pending"
    assert rows["2"].scene == scene and rows["2"].plan_outdated
    assert rows["4"].change == "new"
    view = services.breakdown(world.ines, world.production.pk, revised.pk)
    changed = next(s for s in view.scenes if s.number == "2")
    assert changed.changed_since == 2
    assert changed.added == ["Until morning."] and changed.removed == ["Always."]
    assert [s.number for s in view.changed] == ["2", "4"]
    notice = Notice.objects.get(recipient=world.ines)
    assert "2" in notice.subject and f"/imports/{revised.pk}/" in notice.url
    # The coordinator checks the plan: the mark goes.
    services.plan_outdated_seen(world.ines, world.production.pk, revised.pk, rows["2"].pk)
    assert not _row(revised, "2").plan_outdated


def test_removed_scene_is_listed(world) -> None:
    _upload(world, data=NIGHT_REVISED)
    second = _upload(world)
    view = services.breakdown(world.ines, world.production.pk, second.pk)
    assert view.removed == [("4", "INT. CAR - NIGHT")]


def test_to_plan_makes_a_scene_and_a_draft_plan(world) -> None:
    script = _upload(world)
    row = _row(script, "2")
    with pytest.raises(Conflict):  # confirm first
        services.to_plan(world.ines, world.production.pk, script.pk, row.pk)
    services.decide(world.ines, world.production.pk, script.pk, row.pk, "confirmed")
    scene = services.to_plan(world.ines, world.production.pk, script.pk, row.pk)
    assert (scene.production, scene.number, scene.title) == (
        world.production,
        "2",
        "INT. BEDROOM - NIGHT",
    )
    plan = ScenePlan.objects.get(scene=scene)
    data = plan_data(plan)
    assert list(data["cast"]) == ["ANA", "DANI"]
    assert all(v is None for v in data["cast"].values())
    assert [b["act"] for b in data["beats"]] == list(row.acts)
    kiss = data["beats"][0]
    assert (kiss["by"], kiss["to"]) == ("ANA", ["DANI"])
    parse_plan(data)  # a valid formats.md plan
    assert PlanVersion.objects.filter(plan=plan, number=1).exists()
    row.refresh_from_db()
    assert row.scene == scene
    with pytest.raises(Conflict):
        services.to_plan(world.ines, world.production.pk, script.pk, row.pk)
    with pytest.raises(Conflict):  # a scene with a plan is not dismissed
        services.decide(world.ines, world.production.pk, script.pk, row.pk, "dismissed")


def test_draft_roles_from_any_name() -> None:
    assert services.draft_roles(["ZOË", "MRS. O'NEIL", "ZOË", "!!"]) == {
        "ZOE": "ZOË",
        "MRS_O_NEIL": "MRS. O'NEIL",
    }


def test_to_plan_on_a_mainstream_production(world) -> None:
    from closedset.productions.models import Membership

    Membership.objects.create(
        user=world.ines, production=world.other_production, role="coordinator"
    )
    script = services.upload(world.ines, world.other_production.pk, NIGHT, "n.fountain")
    row = _row(script, "2")
    services.decide(world.ines, world.other_production.pk, script.pk, row.pk, "confirmed")
    scene = services.to_plan(world.ines, world.other_production.pk, script.pk, row.pk)
    assert plan_data(ScenePlan.objects.get(scene=scene))["kind"] == "mainstream"


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (BINARY, "x.fountain", "not text"),
        (XML_BOMB, "bomb.fdx", "document type declaration"),
        (b"", "empty.fountain", "empty"),
        (b"\n  \n", "blank.fdx", "empty"),
    ],
)
def test_bad_files_store_nothing(world, data, name, words) -> None:
    with pytest.raises(InvalidInput) as error:
        _upload(world, data=data, name=name)
    assert words in error.value.message and error.value.fields["file"] == error.value.message
    assert not ScriptImport.objects.exists()


def test_too_large_stores_nothing(world, monkeypatch) -> None:
    monkeypatch.setattr(services, "MAX_BYTES", 100)
    monkeypatch.setattr(core_script, "MAX_BYTES", 100)
    with pytest.raises(InvalidInput) as error:
        _upload(world)
    assert "too large" in error.value.message
    assert not ScriptImport.objects.exists()
