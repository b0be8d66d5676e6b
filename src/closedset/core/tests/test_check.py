"""The five rules, the mainstream rule and worst-status aggregation of docs/formats.md."""

import pytest

from closedset.core.check import MAINSTREAM_REASON, Status, check
from closedset.core.errors import BadInput

from .conftest import plan, profile

MARA = """
performer: mara
name: Mara K.
boundaries:
  - act: slap
    direction: receive
    answer: yes
    zones: {face: no}
    max_intensity: light
    note: my left ear is sensitive
"""
JONAS = """
performer: jonas
boundaries:
  - act: slap
    direction: give
    answer: yes
"""


def slap_plan(zone="buttocks", intensity="light", kind="adult", extra=""):
    return plan(f"""
scene: 12B
kind: {kind}
cast: {{A: mara, B: jonas}}
beats:
  - id: b1
    act: slap
    by: B
    to: A
    zone: {zone}
    intensity: {intensity}
{extra}""")


def run(scene, *texts):
    return check(scene, [profile(t) for t in texts])


def finding(result, beat, role):
    return next(f for f in result.findings if f.beat == beat and f.role == role)


def test_it_clears_a_yes():
    result = run(slap_plan(), MARA, JONAS)
    assert result.status is Status.clear
    assert [(f.role, f.direction) for f in result.findings] == [("B", "give"), ("A", "receive")]


def test_a_zone_no_is_a_hard_limit():
    result = run(slap_plan(zone="face"), MARA, JONAS)
    mara = finding(result, "b1", "A")
    assert mara.status is Status.blocked
    assert mara.reason == "mara: slap to face is a hard limit"
    assert finding(result, "b1", "B").status is Status.clear
    assert result.status is Status.blocked


def test_a_soft_limit_blocks_but_says_so():
    soft = MARA.replace("max_intensity: light", "limit: soft")
    result = run(slap_plan(zone="face"), soft, JONAS)
    assert finding(result, "b1", "A").status is Status.blocked
    assert "soft limit" in finding(result, "b1", "A").reason


def test_silence_is_never_consent():
    result = run(slap_plan(), MARA, "performer: jonas\nboundaries: []")
    jonas = finding(result, "b1", "B")
    assert jonas.status is Status.needs_discussion
    assert jonas.reason == "jonas: giving slap to buttocks was not discussed"


def test_a_maybe_needs_discussion():
    maybe = MARA.replace("answer: yes", "answer: maybe")
    result = run(slap_plan(), maybe, JONAS)
    assert finding(result, "b1", "A").status is Status.needs_discussion


def test_intensity_above_the_limit_is_blocked():
    result = run(slap_plan(intensity="medium"), MARA, JONAS)
    mara = finding(result, "b1", "A")
    assert mara.status is Status.blocked
    assert "above their limit of light" in mara.reason


def test_partners_limit_who():
    only_kai = MARA + "    partners: [kai]\n"
    result = run(slap_plan(), only_kai, JONAS)
    mara = finding(result, "b1", "A")
    assert mara.status is Status.blocked
    assert "only with kai, not with jonas" in mara.reason
    with_jonas = MARA + "    partners: [jonas]\n"
    assert run(slap_plan(), with_jonas, JONAS).status is Status.clear


def test_the_note_is_never_quoted():
    for zone in ("face", "buttocks"):
        result = run(slap_plan(zone=zone, intensity="hard"), MARA, JONAS)
        for f in result.findings:
            assert "ear" not in f.reason
        assert "sensitive" not in str(result.to_json())


ORAL_PLAN = """
scene: 3
cast: {{A: mara, B: jonas}}
beats:
  - id: b1
    act: oral
    by: A
    to: B
    zone: genitals
    barrier: {barrier}
"""
ORAL_MARA = """
performer: mara
barrier: {need}
boundaries:
  - {{act: oral, direction: give, answer: yes}}
"""
ORAL_JONAS = """
performer: jonas
boundaries:
  - {act: oral, direction: receive, answer: yes}
"""


@pytest.mark.parametrize(
    "need,barrier,status",
    [
        ("none", "none", Status.clear),
        ("condom", "none", Status.blocked),
        ("condom", "barrier", Status.blocked),
        ("condom", "condom", Status.clear),
        ("barrier", "barrier", Status.clear),
        ("barrier", "condom", Status.clear),
        ("barrier", "none", Status.blocked),
    ],
)
def test_each_performer_barrier_binds_the_beat(need, barrier, status):
    result = run(plan(ORAL_PLAN.format(barrier=barrier)), ORAL_MARA.format(need=need), ORAL_JONAS)
    assert finding(result, "b1", "A").status is status
    # jonas requires nothing, so his own finding stays clear
    assert finding(result, "b1", "B").status is Status.clear


def test_barrier_rule_applies_even_when_not_discussed():
    result = run(
        plan(ORAL_PLAN.format(barrier="none")), "performer: mara\nbarrier: condom", ORAL_JONAS
    )
    mara = finding(result, "b1", "A")
    assert mara.status is Status.blocked
    assert "condom" in mara.reason


def test_mainstream_blocks_real_sex_whatever_the_profiles_say():
    scene = plan(
        ORAL_PLAN.format(barrier="condom").replace("scene: 3", "scene: 3\nkind: mainstream")
    )
    result = run(scene, ORAL_MARA.format(need="none"), ORAL_JONAS)
    assert result.status is Status.blocked
    assert all(f.status is Status.blocked for f in result.findings)
    assert all(f.reason == MAINSTREAM_REASON for f in result.findings)


def test_mainstream_blocks_bare_genital_contact_but_not_with_a_barrier():
    touch = """
scene: 9
kind: mainstream
cast: {{A: mara, B: jonas}}
beats:
  - {{id: b1, act: touch, by: B, to: A, zone: genitals, barrier: {barrier}}}
"""
    mara = "performer: mara\nboundaries:\n  - {act: touch, direction: receive, answer: yes}"
    jonas = "performer: jonas\nboundaries:\n  - {act: touch, direction: give, answer: yes}"
    assert run(plan(touch.format(barrier="none")), mara, jonas).status is Status.blocked
    assert run(plan(touch.format(barrier="barrier")), mara, jonas).status is Status.clear


def test_the_worst_rule_names_the_reason():
    # not discussed (rule 1) and a barrier shortfall (rule 5): the block wins and is named
    result = run(
        plan(ORAL_PLAN.format(barrier="none")), "performer: mara\nbarrier: barrier", ORAL_JONAS
    )
    assert (
        finding(result, "b1", "A").reason
        == "mara: giving oral to genitals needs a barrier or condom; the beat has none"
    )


def test_self_acts_are_checked_under_self():
    scene = plan("""
scene: 1
cast: {A: mara}
beats:
  - {id: b1, act: nudity-topless, by: A}
""")
    result = run(
        scene,
        "performer: mara\nboundaries:\n  - {act: nudity-topless, direction: self, answer: no}",
    )
    (only,) = result.findings
    assert (only.direction, only.zone, only.status) == ("self", None, Status.blocked)
    assert only.reason == "mara: nudity-topless is a hard limit"


def test_a_beat_to_several_receivers_checks_each():
    scene = plan("""
scene: 2
cast: {A: mara, B: jonas, C: kai}
beats:
  - {id: b1, act: spit, by: A, to: [B, C], zone: chest}
""")
    mara = (
        "performer: mara\nboundaries:\n"
        "  - {act: spit, direction: give, answer: yes, partners: [jonas]}"
    )
    jonas = "performer: jonas\nboundaries:\n  - {act: spit, direction: receive, answer: yes}"
    kai = "performer: kai\nboundaries:\n  - {act: spit, direction: receive, answer: maybe}"
    result = run(scene, mara, jonas, kai)
    assert [f.role for f in result.findings] == ["A", "B", "C"]
    assert finding(result, "b1", "A").status is Status.blocked  # kai is not among mara's partners
    assert finding(result, "b1", "C").status is Status.needs_discussion


def test_an_uncast_role_needs_discussion():
    scene = plan(
        "scene: 2\ncast: {A: mara, B: null}\nbeats:\n"
        "  - {id: b1, act: kiss, by: A, to: B, zone: mouth}"
    )
    mara = "performer: mara\nboundaries:\n  - {act: kiss, direction: give, answer: yes}"
    result = run(scene, mara)
    b = finding(result, "b1", "B")
    assert (b.performer, b.status) == (None, Status.needs_discussion)


def test_a_performer_without_a_profile_is_bad_input():
    with pytest.raises(BadInput, match="no boundary profile for performer 'jonas'"):
        run(slap_plan(), MARA)


def test_json_shape_matches_the_contract():
    data = run(slap_plan(zone="face"), MARA, JONAS).to_json()
    assert data["scene"] == "12B" and data["status"] == "blocked"
    assert data["findings"][1] == {
        "beat": "b1",
        "role": "A",
        "performer": "mara",
        "direction": "receive",
        "act": "slap",
        "zone": "face",
        "intensity": "light",
        "status": "blocked",
        "reason": "mara: slap to face is a hard limit",
    }
