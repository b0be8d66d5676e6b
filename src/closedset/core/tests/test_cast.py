"""Casting: filling a plan's open roles from a pool (docs/formats.md, `closedset cast`).

Hand examples pin the behaviour; the property tests prove the array search and the plain
reference (every permutation, each run through the check) give the same answers.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from closedset.core.cast import CastIndex, reference_search, search
from closedset.core.check import Status, check
from closedset.core.errors import BadInput
from closedset.core.plan import Beat, ScenePlan
from closedset.core.profile import Boundary, BoundaryProfile
from closedset.core.taxonomy import Intensity, load_taxonomy

from .conftest import plan, profile

TAXONOMY = load_taxonomy()


def both(scene, pool, allow_discussion=False, limit=None):
    """The fast result, after asserting the reference agrees with it."""
    fast = search(scene, pool, allow_discussion=allow_discussion, limit=limit)
    slow = reference_search(scene, pool, allow_discussion=allow_discussion, limit=limit)
    assert (fast.count, fast.assignments) == (slow.count, slow.assignments)
    return fast


def slapper(performer, give="answer: yes", receive="answer: yes"):
    """Gives and takes slaps; `give` and `receive` are the rest of each entry."""
    return profile(
        f"""
performer: {performer}
boundaries:
  - {{act: slap, direction: give, {give}}}
  - {{act: slap, direction: receive, {receive}}}
"""
    )


SLAP = """
scene: s1
cast: {A: null, B: null}
beats:
  - {id: b1, act: slap, by: B, to: A, zone: buttocks}
"""


def test_two_open_roles_take_every_willing_pair_in_order():
    pool = [slapper(name) for name in ("cy", "ada", "bea", "dov")]
    result = both(plan(SLAP), pool)
    assert result.count == 12
    pairs = [(a["A"], a["B"]) for a in result.assignments]
    assert pairs == sorted(pairs)
    assert pairs[:3] == [("ada", "bea"), ("ada", "cy"), ("ada", "dov")]
    assert all(set(a) == {"A", "B"} and a["A"] != a["B"] for a in result.assignments)


def test_roles_only_go_to_those_whose_answers_fit_the_direction():
    taker = profile(
        "performer: tam\nboundaries:\n  - {act: slap, direction: receive, answer: yes}\n"
    )
    giver = profile("performer: gil\nboundaries:\n  - {act: slap, direction: give, answer: yes}\n")
    result = both(plan(SLAP), [taker, giver])
    assert (result.count, result.assignments) == (1, [{"A": "tam", "B": "gil"}])


def test_limit_keeps_the_first_assignments_in_role_name_order():
    # Role names are compared sorted, whatever their order in the plan's cast.
    scene = plan(SLAP.replace("{A: null, B: null}", "{B: null, A: null}"))
    pool = [slapper(name) for name in ("zed", "ada", "bea", "cy")]
    result = both(scene, pool, limit=4)
    assert result.count == 12
    assert result.assignments == [
        {"A": "ada", "B": "bea"},
        {"A": "ada", "B": "cy"},
        {"A": "ada", "B": "zed"},
        {"A": "bea", "B": "ada"},
    ]
    assert both(scene, pool, limit=0).assignments == []


def test_partners_on_an_open_role_restrict_the_other_open_role():
    pool = [
        slapper("ada"),
        slapper("bea"),
        profile(
            """
performer: cy
boundaries:
  - {act: slap, direction: give, answer: yes}
  - {act: slap, direction: receive, answer: yes, partners: [bea]}
"""
        ),
    ]
    result = both(plan(SLAP), pool)
    # cy receives (role A) only from bea; every other pair is fine.
    assert {"A": "cy", "B": "ada"} not in result.assignments
    assert {"A": "cy", "B": "bea"} in result.assignments
    assert result.count == 5


def test_partners_that_exclude_each_other_both_ways_count_once():
    pool = [
        profile(
            """
performer: ada
boundaries:
  - {act: slap, direction: give, answer: yes, partners: [cy]}
  - {act: slap, direction: receive, answer: yes, partners: [cy]}
"""
        ),
        profile(
            """
performer: bea
boundaries:
  - {act: slap, direction: give, answer: yes, partners: [cy]}
  - {act: slap, direction: receive, answer: yes, partners: [cy]}
"""
        ),
        slapper("cy"),
    ]
    result = both(plan(SLAP), pool)
    assert result.assignments == [
        {"A": "ada", "B": "cy"},
        {"A": "bea", "B": "cy"},
        {"A": "cy", "B": "ada"},
        {"A": "cy", "B": "bea"},
    ]


def test_partners_naming_each_other_are_one_pair_not_two():
    pool = [
        slapper("ada", give="answer: yes, partners: [bea]", receive="answer: yes, partners: [bea]"),
        slapper("bea", give="answer: yes, partners: [ada]", receive="answer: yes, partners: [ada]"),
        slapper("cy"),
    ]
    result = both(plan(SLAP), pool)
    assert result.assignments == [{"A": "ada", "B": "bea"}, {"A": "bea", "B": "ada"}]


def test_performers_listing_themselves_are_still_one_person():
    listing = "answer: yes, partners: [ada, bea]"
    pool = [
        slapper("ada", give=listing, receive=listing),
        slapper("bea", give=listing, receive=listing),
        slapper("cy"),
    ]
    result = both(plan(SLAP), pool)
    assert result.assignments == [{"A": "ada", "B": "bea"}, {"A": "bea", "B": "ada"}]


def test_a_fixed_performers_partners_restrict_the_open_role():
    scene = plan(SLAP.replace("{A: null, B: null}", "{A: mara, B: null}"))
    mara = profile(
        """
performer: mara
boundaries:
  - {act: slap, direction: receive, answer: yes, partners: [jonas]}
"""
    )
    pool = [mara, slapper("ada"), slapper("jonas"), slapper("zoe")]
    result = both(scene, pool)
    assert (result.count, result.assignments) == (1, [{"B": "jonas"}])


def test_an_open_roles_partners_must_name_the_fixed_performer():
    scene = plan(SLAP.replace("{A: null, B: null}", "{A: null, B: jonas}"))
    pool = [
        slapper("jonas"),
        slapper("ada", receive="answer: yes, partners: [dov]"),
        slapper("bea", receive="answer: yes, partners: [jonas]"),
    ]
    result = both(scene, pool)
    assert (result.count, result.assignments) == (1, [{"A": "bea"}])


def test_barrier_requirements_bind_both_participants():
    scene = plan(
        """
scene: s2
cast: {A: null, B: null}
beats:
  - {id: b1, act: oral, by: A, to: B, zone: genitals, barrier: barrier}
"""
    )

    def oral(performer, barrier):
        return profile(
            f"""
performer: {performer}
barrier: {barrier}
boundaries:
  - {{act: oral, direction: give, answer: yes}}
  - {{act: oral, direction: receive, answer: yes}}
"""
        )

    pool = [oral("ada", "condom"), oral("bea", "barrier"), oral("cy", "none")]
    result = both(scene, pool)
    # A dental dam or similar satisfies "barrier" and "none" but not a condom requirement.
    assert result.assignments == [{"A": "bea", "B": "cy"}, {"A": "cy", "B": "bea"}]
    with_condom = both(plan(scene_text_with_condom()), pool)
    assert with_condom.count == 6


def scene_text_with_condom():
    return """
scene: s2
cast: {A: null, B: null}
beats:
  - {id: b1, act: oral, by: A, to: B, zone: genitals, barrier: condom}
"""


def test_maybe_and_not_discussed_need_the_discussion_flag():
    pool = [
        slapper("ada"),
        profile("performer: bea\nboundaries:\n  - {act: slap, direction: give, answer: maybe}\n"),
        profile("performer: cy\nboundaries: []\n"),
    ]
    strict = both(plan(SLAP), pool)
    assert strict.assignments == []
    relaxed = both(plan(SLAP), pool, allow_discussion=True)
    # Everyone can be talked to, but a maybe never outranks a no: nobody has a no here.
    assert relaxed.count == 6
    for assignment in relaxed.assignments:
        status = check(plan(SLAP).with_cast(assignment), pool).status
        assert status <= Status.needs_discussion


def test_hard_limits_and_intensity_ceilings_block_even_with_the_flag():
    scene = plan(
        """
scene: s3
cast: {A: null, B: null}
beats:
  - {id: b1, act: slap, by: B, to: A, zone: face, intensity: medium}
"""
    )
    pool = [
        slapper("ada"),
        slapper("bea"),
        slapper("cy", receive="answer: yes, zones: {face: no}"),
        slapper("dov", receive="answer: yes, max_intensity: light"),
    ]
    result = both(scene, pool, allow_discussion=True)
    assert {a["A"] for a in result.assignments} == {"ada", "bea"}
    assert result.count == 6


def test_three_open_roles():
    scene = plan(
        """
scene: s4
cast: {A: null, B: null, C: null}
beats:
  - {id: b1, act: slap, by: B, to: A, zone: buttocks}
  - {id: b2, act: slap, by: C, to: [A, B], zone: thighs}
"""
    )
    pool = [
        slapper("ada"),
        slapper("bea", give="answer: yes, partners: [ada, cy]"),
        slapper("cy"),
        slapper("dov", receive="answer: no"),
        slapper("eve"),
    ]
    result = both(scene, pool)
    assert result.count > 0
    for assignment in result.assignments:
        assert len(set(assignment.values())) == 3
        assert "dov" not in (assignment["A"], assignment["B"])
    assert {"A": "ada", "B": "bea", "C": "cy"} in result.assignments
    # bea giving to A and B (as C) needs both on her list.
    assert {"A": "ada", "B": "eve", "C": "bea"} not in result.assignments


def test_a_plan_with_no_open_roles_is_one_assignment_or_none():
    fixed = plan(SLAP.replace("{A: null, B: null}", "{A: ada, B: bea}"))
    pool = [slapper("ada"), slapper("bea"), slapper("cy")]
    assert (both(fixed, pool).count, both(fixed, pool).assignments) == (1, [{}])
    refusing = [slapper("ada", receive="answer: no"), slapper("bea")]
    assert (both(fixed, refusing).count, both(fixed, refusing).assignments) == (0, [])


def test_roles_in_no_beat_take_anyone_left():
    scene = plan(SLAP.replace("{A: null, B: null}", "{A: null, B: null, C: null}"))
    pool = [slapper("ada"), slapper("bea"), slapper("cy")]
    assert both(scene, pool).count == 6


def test_a_fixed_performer_without_a_profile_is_bad_input():
    scene = plan(SLAP.replace("{A: null, B: null}", "{A: mara, B: null}"))
    with pytest.raises(BadInput) as raised:
        search(scene, [slapper("ada"), slapper("bea")])
    assert "mara" in raised.value.message and "role A" in raised.value.message
    with pytest.raises(BadInput):
        reference_search(scene, [slapper("ada")])


def test_mainstream_never_casts_real_sex():
    scene = plan(
        """
scene: s5
kind: mainstream
cast: {A: null, B: null}
beats:
  - {id: b1, act: touch, by: A, to: B, zone: genitals}
"""
    )
    everyone = [
        profile(
            f"""
performer: {name}
boundaries:
  - {{act: touch, direction: give, answer: yes}}
  - {{act: touch, direction: receive, answer: yes}}
"""
        )
        for name in ("ada", "bea")
    ]
    assert both(scene, everyone, allow_discussion=True).count == 0
    simulated = plan(
        """
scene: s5
kind: mainstream
cast: {A: null, B: null}
beats:
  - {id: b1, act: touch, by: A, to: B, zone: genitals, barrier: barrier}
"""
    )
    assert both(simulated, everyone).count == 2


def test_one_index_serves_many_plans():
    index = CastIndex.build([slapper(name) for name in ("ada", "bea", "cy")])
    assert index.search(plan(SLAP)).count == 6
    one_open = plan(SLAP.replace("{A: null, B: null}", "{A: ada, B: null}"))
    assert index.search(one_open, limit=1).assignments == [{"B": "bea"}]


# --------------------------------------------------------------------------------------------
# Properties: the fast search equals the reference on random pools and plans.

IDS = ["ada", "bea", "cy", "dov", "eve", "fay", "gus"]
# A handful of acts covering zones, barriers, real sex and a self act.
ACTS = ["slap", "kiss", "oral", "touch", "nudity-topless", "spank"]
SELF_ACTS = [a for a in ACTS if TAXONOMY.acts[a].is_self]
PAIR_ACTS = [a for a in ACTS if not TAXONOMY.acts[a].is_self]
ANSWER = st.sampled_from(["yes", "yes", "yes", "maybe", "no"])


@st.composite
def boundaries(draw, act_id, direction, partner_odds=4):
    act = TAXONOMY.acts[act_id]
    zones = {}
    if act.zones and draw(st.booleans()):
        chosen = draw(st.lists(st.sampled_from(act.zones[:3]), max_size=2, unique=True))
        zones = {zone: draw(ANSWER) for zone in chosen}
    partners = None
    if draw(st.integers(1, partner_odds)) == 1:
        partners = tuple(draw(st.lists(st.sampled_from([*IDS, "zed"]), max_size=3, unique=True)))
    return Boundary(
        act=act_id,
        direction=direction,
        answer=draw(ANSWER),
        zones=zones,
        max_intensity=draw(st.sampled_from([None, None, *Intensity])),
        limit=draw(st.sampled_from(["hard", "soft"])),
        partners=partners,
    )


@st.composite
def profiles(draw, performer, partner_odds=4):
    keys = [(a, d) for a in ACTS for d in TAXONOMY.acts[a].directions]
    chosen = draw(st.lists(st.sampled_from(keys), min_size=1, max_size=len(keys), unique=True))
    return BoundaryProfile(
        performer=performer,
        name=performer,
        boundaries=tuple(draw(boundaries(a, d, partner_odds)) for a, d in chosen),
        barrier=draw(st.sampled_from(["none", "none", "condom", "barrier"])),
    )


@st.composite
def pools(draw, min_size=2, max_size=7, partner_odds=4):
    names = draw(st.lists(st.sampled_from(IDS), min_size=min_size, max_size=max_size, unique=True))
    return [draw(profiles(name, partner_odds)) for name in names]


@st.composite
def plans_for(draw, pool, max_roles=3):
    roles = draw(
        st.lists(st.sampled_from("ABC"[:max_roles]), min_size=1, max_size=max_roles, unique=True)
    )
    fixed_pool = [p.performer for p in pool]
    cast: dict[str, str | None] = {}
    for role in roles:
        free = [p for p in fixed_pool if p not in cast.values()]
        if free and draw(st.integers(0, 2)) == 0:
            cast[role] = draw(st.sampled_from(free))
        else:
            cast[role] = None
    beats = []
    for index in range(draw(st.integers(1, 4))):
        act_id = draw(st.sampled_from(ACTS if len(roles) > 1 else SELF_ACTS))
        act = TAXONOMY.acts[act_id]
        by = draw(st.sampled_from(roles))
        to: tuple[str, ...] = ()
        if not act.is_self:
            others = [r for r in roles if r != by]
            to = tuple(draw(st.lists(st.sampled_from(others), min_size=1, max_size=2, unique=True)))
        beats.append(
            Beat(
                id=f"b{index}",
                act=act_id,
                by=by,
                to=to,
                zone=draw(st.sampled_from(act.zones)) if act.zones else None,
                intensity=draw(st.sampled_from(list(Intensity))),
                barrier=draw(st.sampled_from(["none", "condom", "barrier"])),
            )
        )
    kind = draw(st.sampled_from(["adult", "adult", "adult", "mainstream"]))
    return ScenePlan(scene="p", cast=cast, beats=tuple(beats), kind=kind)


@st.composite
def cases(draw, min_size=2, max_size=7, max_roles=3, partner_odds=4):
    pool = draw(pools(min_size, max_size, partner_odds))
    return pool, draw(plans_for(pool, max_roles))


def assert_same(pool, scene, allow_discussion, limit):
    fast = search(scene, pool, allow_discussion=allow_discussion, limit=limit)
    slow = reference_search(scene, pool, allow_discussion=allow_discussion, limit=limit)
    assert fast.count == slow.count
    assert fast.assignments == slow.assignments


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(), st.booleans(), st.sampled_from([None, 0, 1, 3]))
def test_fast_search_equals_the_reference(case, allow_discussion, limit):
    pool, scene = case
    assert_same(pool, scene, allow_discussion, limit)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(min_size=7, max_size=7, max_roles=2, partner_odds=2), st.booleans())
def test_fast_search_equals_the_reference_on_every_pair(case, allow_discussion):
    # Partner lists on half the entries, so they often meet, name each other or themselves.
    pool, scene = case
    assert_same(pool, scene, allow_discussion, None)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pools(4, 7), st.booleans())
def test_fast_search_equals_the_reference_with_three_open_roles(pool, allow_discussion):
    # Every role open and every role in a beat: the backtracking path.
    scene = ScenePlan(
        scene="t",
        cast={"A": None, "B": None, "C": None},
        beats=(
            Beat(id="b1", act="slap", by="A", to=("B",), zone="buttocks"),
            Beat(id="b2", act="kiss", by="C", to=("A", "B"), zone="face"),
            Beat(id="b3", act="spank", by="B", to=("C",), zone="thighs"),
        ),
    )
    assert_same(pool, scene, allow_discussion, None)
