"""Plans: built beat by beat, checked live, and shown to each role only as far as it may see."""

from __future__ import annotations

import json

import pytest

from closedset.boundaries import services as boundaries
from closedset.lib.errors import Forbidden, NotFound
from closedset.plans import services
from closedset.plans.models import Beat

pytestmark = pytest.mark.django_db


def ids(world):
    return world.production.pk, world.scene.pk


def beat(beat_id, act, by, to, zone=None, intensity="light"):
    return services.BeatInput(beat_id, act, by, to, zone or "", intensity)


def test_the_coordinator_sees_the_face_beat_blocked_with_its_reason(slap_plan):
    view = services.plan_view(slap_plan.ines, *ids(slap_plan))
    b1, b2 = view.beats
    assert (b1.status, b2.status) == ("clear", "blocked")
    assert "mara: slap to face is a hard limit" in [f.reason for f in b2.findings]
    assert view.status == "blocked"


def test_the_producer_sees_the_gate_and_no_beats(slap_plan):
    view = services.plan_view(slap_plan.petra, *ids(slap_plan))
    assert view.beats == []
    assert view.status_label == "needs the coordinator"
    data = services.check_json(slap_plan.petra, *ids(slap_plan))
    assert data == {"scene": "12B", "status": "not_cleared"}


def test_a_performer_sees_their_beats_and_only_their_own_findings(slap_plan):
    view = services.plan_view(slap_plan.jonas, *ids(slap_plan))
    assert [b.beat_id for b in view.beats] == ["b1", "b2"]
    # Jonas's own answers clear both beats; Mara's limit is hers, not his to read.
    assert [b.status for b in view.beats] == ["clear", "clear"]
    text = json.dumps(view.to_json())
    assert "hard limit" not in text
    assert "mara" not in text


def test_a_performer_not_in_a_beat_does_not_see_it(slap_plan):
    services.add_role(slap_plan.ines, *ids(slap_plan), "C")
    services.add_beat(slap_plan.ines, *ids(slap_plan), beat("b3", "nudity-topless", "C", []))
    view = services.plan_view(slap_plan.mara, *ids(slap_plan))
    assert [b.beat_id for b in view.beats] == ["b1", "b2"]


def test_the_custodian_has_no_plan_view(slap_plan):
    with pytest.raises(Forbidden):
        services.plan_view(slap_plan.cora, *ids(slap_plan))


def test_an_outsider_gets_not_found(slap_plan):
    with pytest.raises(NotFound):
        services.plan_view(slap_plan.oscar, *ids(slap_plan))


def test_an_unshared_profile_needs_discussion(slap_plan):
    boundaries.revoke(slap_plan.mara, slap_plan.production.pk)
    view = services.plan_view(slap_plan.ines, *ids(slap_plan))
    b2 = view.beats[1]
    assert b2.status == "needs_discussion"
    assert "mara: profile not shared with this production" in [f.reason for f in b2.findings]


def test_an_open_role_needs_discussion(slap_plan):
    services.cast_role(slap_plan.ines, *ids(slap_plan), "A", "")
    view = services.plan_view(slap_plan.ines, *ids(slap_plan))
    assert view.beats[1].status == "needs_discussion"


def test_only_the_coordinator_changes_the_plan_and_the_director_proposes(slap_plan):
    for who in ("petra", "mara", "cora"):
        with pytest.raises(Forbidden):
            services.add_beat(
                slap_plan.users[who], *ids(slap_plan), beat("b9", "kiss", "A", ["B"], "mouth")
            )
    services.add_beat(slap_plan.dario, *ids(slap_plan), beat("b9", "kiss", "A", ["B"], "mouth"))
    assert not Beat.objects.filter(beat_id="b9").exists()
    services.add_beat(slap_plan.ines, *ids(slap_plan), beat("b9", "kiss", "A", ["B"], "mouth"))
    assert Beat.objects.filter(beat_id="b9").exists()


def test_a_zone_the_act_does_not_have_is_refused_at_the_zone_field(slap_plan):
    with pytest.raises(services.PlanInvalid) as caught:
        services.add_beat(slap_plan.ines, *ids(slap_plan), beat("b3", "slap", "B", ["A"], "feet"))
    assert "zone" in caught.value.fields
    assert Beat.objects.count() == 2


def test_a_duplicate_beat_id_is_refused(slap_plan):
    with pytest.raises(services.PlanInvalid) as caught:
        services.add_beat(slap_plan.ines, *ids(slap_plan), beat("b1", "kiss", "A", ["B"], "mouth"))
    assert "beat_id" in caught.value.fields


def test_beats_move_up_and_down(slap_plan):
    services.move_beat(slap_plan.ines, *ids(slap_plan), "up", beat_id="b2")
    view = services.plan_view(slap_plan.ines, *ids(slap_plan))
    assert [b.beat_id for b in view.beats] == ["b2", "b1"]
    services.move_beat(slap_plan.ines, *ids(slap_plan), "down", beat_id="b2")
    assert [b.beat_id for b in services.plan_view(slap_plan.ines, *ids(slap_plan)).beats] == [
        "b1",
        "b2",
    ]


def test_editing_the_face_beat_to_the_thighs_clears_it(slap_plan):
    services.update_beat(
        slap_plan.ines, *ids(slap_plan), beat("b2", "slap", "B", ["A"], "thighs"), beat_id="b2"
    )
    view = services.plan_view(slap_plan.ines, *ids(slap_plan))
    assert view.beats[1].status == "clear"


def test_deleting_a_beat(slap_plan):
    services.delete_beat(slap_plan.ines, *ids(slap_plan), beat_id="b2")
    assert services.plan_view(slap_plan.ines, *ids(slap_plan)).status == "clear"


def test_casting_someone_outside_the_production_is_refused(slap_plan):
    with pytest.raises(services.PlanInvalid):
        services.cast_role(slap_plan.ines, *ids(slap_plan), "A", "oscar")


def test_a_role_in_use_cannot_be_removed(slap_plan):
    with pytest.raises(services.PlanInvalid) as caught:
        services.remove_role(slap_plan.ines, *ids(slap_plan), "A")
    assert "b1" in caught.value.message


def test_export_then_import_round_trips(slap_plan):
    _, text = services.export_plan(slap_plan.ines, *ids(slap_plan))
    services.delete_beat(slap_plan.ines, *ids(slap_plan), beat_id="b1")
    services.import_plan(slap_plan.ines, *ids(slap_plan), text)
    assert services.plan_json(slap_plan.ines, *ids(slap_plan))["beats"][0]["id"] == "b1"


def test_a_bad_import_changes_nothing(slap_plan):
    _, text = services.export_plan(slap_plan.ines, *ids(slap_plan))
    with pytest.raises(services.PlanInvalid) as caught:
        services.import_plan(slap_plan.ines, *ids(slap_plan), text.replace("face", "elbow"))
    assert "elbow" in caught.value.message
    assert "line" in caught.value.message
    assert Beat.objects.count() == 2


def test_importing_a_cast_outside_the_production_is_refused(slap_plan):
    _, text = services.export_plan(slap_plan.ines, *ids(slap_plan))
    with pytest.raises(services.PlanInvalid) as caught:
        services.import_plan(slap_plan.ines, *ids(slap_plan), text.replace("jonas", "oscar"))
    assert "oscar" in caught.value.message


def test_saving_a_version_snapshots_the_plan(slap_plan):
    assert services.save_version(slap_plan.ines, *ids(slap_plan)) == 1
    services.delete_beat(slap_plan.ines, *ids(slap_plan), beat_id="b2")
    with pytest.raises(Forbidden):
        services.save_version(slap_plan.dario, *ids(slap_plan))
    assert services.save_version(slap_plan.ines, *ids(slap_plan)) == 2
    first = services.version(slap_plan.ines, *ids(slap_plan), 1)
    assert [b["id"] for b in first["beats"]] == ["b1", "b2"]
    assert [v.number for v in services.versions(slap_plan.ines, *ids(slap_plan))] == [2, 1]


def test_a_mainstream_production_blocks_real_sex_whatever_the_profiles(slap_plan):
    slap_plan.production.kind = "mainstream"
    slap_plan.production.save()
    services.add_beat(slap_plan.ines, *ids(slap_plan), beat("b3", "oral", "A", ["B"], "genitals"))
    view = services.plan_view(slap_plan.ines, *ids(slap_plan))
    assert view.beats[2].status == "blocked"
    assert "real sex is not permitted on a mainstream production" in [
        f.reason for f in view.beats[2].findings
    ]


@pytest.mark.parametrize(
    "cast,beat_id,field",
    [
        ({"A B": "mara"}, "b1", "cast"),
        ({"A": "mara"}, "b 1", "beats"),
        ({"A" * 41: "mara"}, "b1", "cast"),
    ],
)
def test_an_import_the_pages_cannot_address_is_refused(slap_plan, cast, beat_id, field):
    world = slap_plan
    role = next(iter(cast))
    data = {"cast": cast, "beats": [{"id": beat_id, "act": "nudity-topless", "by": role}]}
    with pytest.raises(services.PlanInvalid) as caught:
        services.replace_plan(world.ines, world.production.pk, world.scene.pk, data)
    assert field in caught.value.fields
    # Nothing was lost: the old plan is still there.
    after = services.check_json(world.ines, world.production.pk, world.scene.pk)
    assert [b["beat"] for b in after["beats"]] == ["b1", "b2"]


def test_a_title_with_a_nul_is_refused(slap_plan):
    world = slap_plan
    data = {"title": "a\x00b", "cast": {"A": "mara"}, "beats": []}
    with pytest.raises(services.PlanInvalid):
        services.replace_plan(world.ines, world.production.pk, world.scene.pk, data)
