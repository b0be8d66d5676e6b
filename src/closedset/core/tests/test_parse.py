"""Bad input: one clear message naming the file, line, bad value and the closest valid ones."""

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from closedset.core.errors import BadInput
from closedset.core.plan import load_plan
from closedset.core.profile import load_profile
from closedset.core.yamlio import load

PLAN = """scene: 12B
cast:
  A: mara
  B: jonas
beats:
  - id: b1
    act: slap
    by: B
    to: A
    zone: buttocks
"""


def plan_error(text):
    with pytest.raises(BadInput) as caught:
        load_plan(text, "plan.yaml")
    return caught.value


def profile_error(text):
    with pytest.raises(BadInput) as caught:
        load_profile(text, "mara.yaml")
    return caught.value


def test_a_good_plan_reads():
    scene = load_plan(PLAN, "plan.yaml")
    assert scene.cast == {"A": "mara", "B": "jonas"}
    assert scene.beats[0].intensity.name == "light" and scene.beats[0].barrier == "none"
    assert scene.kind == "adult"


def test_unknown_act_names_line_and_close_matches():
    error = plan_error(PLAN.replace("act: slap", "act: slapp"))
    assert str(error).startswith("plan.yaml:7: ")
    assert "'slapp'" in str(error) and "slap" in str(error).split("did you mean")[1]


def test_unknown_zone():
    error = plan_error(PLAN.replace("zone: buttocks", "zone: butocks"))
    assert error.line == 10
    assert "butocks" in str(error) and "buttocks" in str(error)


def test_zone_the_act_does_not_apply_to():
    error = plan_error(PLAN.replace("act: slap", "act: hair-pull").replace("buttocks", "face"))
    assert "zone 'face' does not apply to hair-pull" in str(error)


def test_missing_zone():
    error = plan_error(PLAN.replace("    zone: buttocks\n", ""))
    assert "slap needs a 'zone'" in str(error)


def test_role_not_in_cast():
    error = plan_error(PLAN.replace("by: B", "by: C"))
    assert "role 'C' is not in the cast" in str(error) and error.line == 8


def test_duplicate_beat_ids():
    text = PLAN + "  - {id: b1, act: kiss, by: A, to: B, zone: mouth}\n"
    error = plan_error(text)
    assert "beat id 'b1' is already used" in str(error) and error.line == 11


def test_self_act_names_no_to():
    error = plan_error(PLAN + "  - {id: b2, act: nudity-rear, by: A, to: B}\n")
    assert "nudity-rear is done alone" in str(error)


def test_malformed_yaml_gives_its_line():
    error = plan_error("scene: 1\ncast: {A: mara\nbeats: []\n")
    assert str(error).startswith("plan.yaml:")
    assert error.line is not None


def test_wrong_types():
    assert "must be a list" in str(plan_error("scene: 1\ncast: {A: mara}\nbeats: nope\n"))
    assert "mapping" in str(plan_error("- just\n- a list\n"))
    assert "intensity 'extreme' is not one of light, medium, hard" in str(
        plan_error(PLAN + "    intensity: extreme\n")
    )


def test_unknown_field_suggests_the_right_one():
    error = plan_error(PLAN.replace("zone:", "zones:"))
    assert "unknown field 'zones'" in str(error) and "zone" in str(error)


def test_profile_answers_read_as_words_not_booleans():
    profile = load_profile(
        "performer: mara\nboundaries:\n  - act: slap\n    direction: receive\n    answer: no\n"
        "    zones: {face: no, buttocks: yes}\n",
        "mara.yaml",
    )
    entry = profile.boundary("slap", "receive")
    assert entry.answer == "no" and entry.zones == {"face": "no", "buttocks": "yes"}


def test_profile_errors():
    base = "performer: mara\nboundaries:\n  - act: slap\n    direction: receive\n    answer: yes\n"
    assert "direction 'self' does not apply to slap" in str(
        profile_error(base.replace("receive", "self"))
    )
    assert "answer 'perhaps' is not one of yes, no, maybe" in str(
        profile_error(base.replace("answer: yes", "answer: perhaps"))
    )
    error = profile_error(base + "    zones: {fase: no}\n")
    assert "fase" in str(error) and "face" in str(error) and error.line == 6
    assert "answered twice" in str(profile_error(base + base.split("boundaries:\n")[1]))
    assert "a-z, 0-9" in str(profile_error("performer: Mara K\n"))
    assert "'performer' is required" in str(profile_error("name: Mara\n"))
    assert "applies to no body zone" in str(
        profile_error(
            "performer: mara\nboundaries:\n  - {act: nudity-topless, direction: self, "
            "answer: yes, zones: {chest: no}}\n"
        )
    )


def test_an_empty_file_says_what_is_needed():
    assert "empty" in str(plan_error(""))
    assert "empty" in str(profile_error(""))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_garbage_text_never_crashes_the_parser(text):
    for parse in (load_plan, load_profile):
        try:
            parse(text, "x.yaml")
        except BadInput as error:
            assert str(error).startswith("x.yaml")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "scene",
                    "cast",
                    "beats",
                    "id",
                    "act",
                    "by",
                    "to",
                    "zone",
                    "performer",
                    "boundaries",
                    "direction",
                    "answer",
                    "zones",
                    "partners",
                    "A",
                    "B",
                    "kind",
                ]
            ),
            children,
            max_size=6,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_garbage_structures_never_crash_the_parser(data):
    import json

    text = json.dumps(data)
    for parse in (load_plan, load_profile):
        with contextlib.suppress(BadInput):
            parse(text, "x.json")


def test_load_reads_json_too():
    assert load('{"scene": "1", "answer": "no"}') == {"scene": "1", "answer": "no"}


def test_merge_keys_and_anchors_work():
    text = (
        "performer: mara\nboundaries:\n"
        "  - &slap {act: slap, direction: receive, answer: yes}\n"
        "  - {<<: *slap, direction: give}\n"
    )
    profile = load_profile(text, "mara.yaml")
    assert profile.boundary("slap", "give").answer == "yes"


def test_plain_scalars_are_text():
    assert load("a: 0x1F\nb: 12:30\nc: 2024-01-01\nd: 1e3\ne: null\nf: true") == {
        "a": "0x1F",
        "b": "12:30",
        "c": "2024-01-01",
        "d": "1e3",
        "e": None,
        "f": True,
    }


def test_a_key_written_twice_is_bad_input():
    with pytest.raises(BadInput, match="key 'answer' is given twice") as caught:
        load("act: slap\nanswer: yes\nanswer: no\n", "x.yaml")
    assert caught.value.line == 3
