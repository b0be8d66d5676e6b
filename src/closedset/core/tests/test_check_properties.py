"""Invariants of the check, over random plans and profiles."""

from hypothesis import given, settings
from hypothesis import strategies as st

from closedset.core.check import Status, check, participants
from closedset.core.plan import Beat, ScenePlan
from closedset.core.profile import Boundary, BoundaryProfile
from closedset.core.taxonomy import Intensity, load_taxonomy

TAXONOMY = load_taxonomy()
ACTS = sorted(TAXONOMY.acts)
PERFORMERS = ["ada", "bea", "cy", "dov"]


@st.composite
def plans(draw):
    roles = draw(st.lists(st.sampled_from("ABCD"), min_size=2, max_size=4, unique=True))
    cast = dict(zip(roles, PERFORMERS, strict=False))
    beats = []
    for index in range(draw(st.integers(1, 6))):
        act = TAXONOMY.acts[draw(st.sampled_from(ACTS))]
        by = draw(st.sampled_from(roles))
        to: tuple[str, ...] = ()
        if not act.is_self:
            others = [r for r in roles if r != by]
            to = tuple(draw(st.lists(st.sampled_from(others), min_size=1, max_size=2, unique=True)))
        zone = draw(st.sampled_from(act.zones)) if act.zones else None
        beats.append(
            Beat(
                id=f"b{index}",
                act=act.id,
                by=by,
                to=to,
                zone=zone,
                intensity=draw(st.sampled_from(list(Intensity))),
                barrier=draw(st.sampled_from(["none", "condom", "barrier"])),
            )
        )
    return ScenePlan(scene="s", cast=cast, beats=tuple(beats), kind="adult")


def yes_profiles(plan):
    """Profiles that say an unconditional yes to exactly what the plan asks of each performer."""
    wanted = {performer: set() for performer in plan.cast.values()}
    for beat in plan.beats:
        for p in participants(beat, TAXONOMY.acts[beat.act]):
            wanted[plan.cast[p.role]].add((beat.act, p.direction))
    return [
        BoundaryProfile(
            performer=performer,
            name=performer,
            boundaries=tuple(Boundary(act=a, direction=d, answer="yes") for a, d in sorted(keys)),
        )
        for performer, keys in wanted.items()
    ]


def replace_entry(profiles, performer, act, direction, **changes):
    result = []
    for profile in profiles:
        if profile.performer == performer:
            entries = tuple(
                Boundary(**{**e.__dict__, **changes})
                if (e.act, e.direction) == (act, direction)
                else e
                for e in profile.boundaries
            )
            profile = BoundaryProfile(performer=performer, name=performer, boundaries=entries)
        result.append(profile)
    return result


@settings(max_examples=200, deadline=None)
@given(plans())
def test_only_yes_plans_are_clear(plan):
    result = check(plan, yes_profiles(plan))
    assert result.status is Status.clear
    assert all(f.status is Status.clear for f in result.findings)


@settings(max_examples=200, deadline=None)
@given(plans(), st.data())
def test_adding_any_no_blocks(plan, data):
    findings = check(plan, yes_profiles(plan)).findings
    target = data.draw(st.sampled_from(findings))
    by_zone = data.draw(st.booleans()) and target.zone is not None
    changes = {"zones": {target.zone: "no"}} if by_zone else {"answer": "no"}
    profiles = replace_entry(
        yes_profiles(plan), target.performer, target.act, target.direction, **changes
    )
    result = check(plan, profiles)
    assert result.status is Status.blocked
    hit = [f for f in result.findings if f.beat == target.beat and f.role == target.role]
    assert hit[0].status is Status.blocked


@settings(max_examples=200, deadline=None)
@given(plans(), st.randoms(use_true_random=False), st.data())
def test_order_of_beats_and_files_does_not_change_findings(plan, rnd, data):
    profiles = yes_profiles(plan)
    # make some answers interesting so the findings differ
    for _ in range(data.draw(st.integers(0, 3))):
        finding = data.draw(st.sampled_from(check(plan, profiles).findings))
        answer = data.draw(st.sampled_from(["no", "maybe"]))
        profiles = replace_entry(
            profiles, finding.performer, finding.act, finding.direction, answer=answer
        )
    before = check(plan, profiles)
    beats = list(plan.beats)
    rnd.shuffle(beats)
    shuffled_profiles = list(profiles)
    rnd.shuffle(shuffled_profiles)
    shuffled = ScenePlan(scene=plan.scene, cast=plan.cast, beats=tuple(beats), kind=plan.kind)
    after = check(shuffled, shuffled_profiles)
    assert after.status == before.status
    per_beat = lambda result: {  # noqa: E731
        beat: [f for f in result.findings if f.beat == beat] for beat in {b.id for b in beats}
    }
    assert per_beat(after) == per_beat(before)
    # findings stay in the (new) beat order
    order = [b.id for b in beats]
    seen = [f.beat for f in after.findings]
    assert seen == sorted(seen, key=order.index)
