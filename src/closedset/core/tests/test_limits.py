"""Hostile input: aliases that expand to billions of values, huge values, deep nesting.

A 467-byte profile of nested aliases once made an 835 MB error message. Every test here bounds
what comes back (a refusal, or a message of a few hundred characters), never the time taken.
"""

import pytest

from closedset.core.check import check
from closedset.core.errors import BadInput, excerpt, hint
from closedset.core.files import read_plan, read_profiles
from closedset.core.plan import load_plan, parse_plan
from closedset.core.profile import load_profile, parse_profile
from closedset.core.yamlio import MAX_DEPTH, load

SHORT = 300  # the longest error message any of these may give
MEGABYTE = 1_000_000


def laughs(levels: int = 10, width: int = 10) -> str:
    """Anchors a..: each a list of `width` aliases to the one before ("billion laughs")."""
    names = "abcdefghijklmnopqrstuvwxyz"
    lines = ["a: &a [" + ", ".join(["lol"] * width) + "]"]
    for level in range(1, levels):
        name, previous = names[level], names[level - 1]
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * width) + "]")
    return "\n".join(lines) + "\n"


def bomb_under(key: str) -> str:
    """The laughs as the value of `key:` (a field of a plan or profile)."""
    return f"{key}:\n" + "".join("  " + line + "\n" for line in laughs().splitlines())


BOMB_PROFILE = (
    "performer: mara\n"
    + bomb_under("name")
    + "boundaries:\n  - {act: slap, direction: receive, answer: yes}\n"
)
BOMB_PLAN = (
    "scene: 12B\ncast: {A: mara, B: jonas}\n"
    + bomb_under("title")
    + "beats:\n  - {id: b1, act: kiss, by: A, to: B, zone: mouth}\n"
)


def refusal(text: str, parse) -> BadInput:
    with pytest.raises(BadInput) as caught:
        parse(text)
    return caught.value


def bad(text: str, parse) -> str:
    message = str(refusal(text, parse))
    assert len(message) < SHORT, message[:500]
    assert "\n" not in message
    return message


def profile(text: str):
    return parse_profile(load(text, "mara.yaml"), "mara.yaml")


def plan(text: str):
    return parse_plan(load(text, "plan.yaml"), "plan.yaml")


# Billion laughs


def test_billion_laughs_is_refused_by_load_naming_the_alias_line():
    error = refusal(laughs(), lambda text: load(text, "laughs.yaml"))
    assert "repeats parts of itself too many times (YAML aliases)" in error.message
    assert error.source == "laughs.yaml"
    # The line where the aliases first add up to too much: one of the alias lines.
    assert error.line is not None and 2 <= error.line <= 10
    assert len(str(error)) < SHORT


@pytest.mark.parametrize(
    "text,parse",
    [
        (BOMB_PROFILE, profile),
        (BOMB_PROFILE, lambda text: load_profile(text, "mara.yaml")),
        (BOMB_PLAN, plan),
        (BOMB_PLAN, lambda text: load_plan(text, "plan.yaml")),
    ],
    ids=["parse_profile", "load_profile", "parse_plan", "load_plan"],
)
def test_billion_laughs_in_a_profile_or_plan_is_refused(text, parse):
    message = bad(text, parse)
    assert "YAML aliases" in message and "write the values out" in message


def test_billion_laughs_is_refused_when_read_from_files(tmp_path):
    (tmp_path / "plan.yaml").write_text(BOMB_PLAN)
    (tmp_path / "mara.yaml").write_text(BOMB_PROFILE)
    with pytest.raises(BadInput, match="YAML aliases") as caught:
        read_plan(tmp_path / "plan.yaml")
    assert caught.value.source == str(tmp_path / "plan.yaml")
    with pytest.raises(BadInput, match="YAML aliases"):
        read_profiles([tmp_path / "mara.yaml"])


def test_an_alias_inside_its_own_anchor_is_refused():
    message = bad("performer: mara\nboundaries: &b [*b]\n", profile)
    assert "YAML alias" in message


def test_aliases_that_add_a_little_still_work():
    data = load("base: &b [one, two]\nx: *b\ny: [*b, *b]\n")
    assert data == {"base": ["one", "two"], "x": ["one", "two"], "y": [["one", "two"]] * 2}
    # A middling expansion (about 11,000 values) is within the budget.
    assert len(load(laughs(levels=4))["d"]) == 10


def test_merge_keys_still_work_in_profiles_and_plans():
    text = (
        "performer: mara\nboundaries:\n"
        "  - &slap {act: slap, direction: receive, answer: 'no', zones: {face: 'no'}}\n"
        "  - <<: *slap\n    direction: give\n    answer: yes\n"
    )
    given = profile(text).boundary("slap", "give")
    assert given is not None and given.answer == "yes" and given.zones == {"face": "no"}
    scene = plan(
        "scene: 1\ncast: {A: mara, B: jonas}\nbeats:\n"
        "  - &kiss {id: b1, act: kiss, by: A, to: B, zone: mouth, intensity: medium}\n"
        "  - {<<: *kiss, id: b2, by: B, to: A}\n"
    )
    assert [(beat.by, beat.intensity.name) for beat in scene.beats] == [
        ("A", "medium"),
        ("B", "medium"),
    ]


# Deep nesting


def test_deep_nesting_is_bad_input_not_a_recursion_error():
    for depth in (MAX_DEPTH + 1, 5_000):
        text = "performer: mara\nboundaries: " + "[" * depth + "]" * depth + "\n"
        message = bad(text, profile)
        assert "levels deep" in message and "mara.yaml:2:" in message


def test_deep_nesting_in_block_style_is_bad_input():
    text = "".join("  " * level + f"k{level}:\n" for level in range(200)) + "  " * 200 + "x\n"
    assert "levels deep" in bad(text, plan)


def test_nesting_made_deep_by_aliases_is_bad_input():
    levels = 30
    lines = [f"x0: &x0 {'[' * levels}{']' * levels}"]
    for n in range(1, 6):
        lines.append(f"x{n}: &x{n} {'[' * levels}*x{n - 1}{']' * levels}")
    message = bad("\n".join(lines) + "\n", plan)
    assert "levels deep" in message and "YAML aliases" in message


def test_nesting_up_to_the_limit_reads():
    data = load("[" * MAX_DEPTH + "x" + "]" * MAX_DEPTH)
    for _ in range(MAX_DEPTH - 1):
        data = data[0]
    assert data == ["x"]
    with pytest.raises(BadInput, match="levels deep"):
        load("[" * (MAX_DEPTH + 1) + "x" + "]" * (MAX_DEPTH + 1))


# Huge values: the message quotes a short excerpt, never the value


def test_a_megabyte_performer_id_gives_a_short_message():
    message = bad(f"performer: '{'Mara X' * (MEGABYTE // 6)}'\n", profile)
    assert "'performer' 'Mara XMara X" in message and "…" in message


def test_a_megabyte_version_gives_a_short_message():
    # The field whose error once printed the value with repr().
    message = bad(f"performer: mara\nversion: '{'9a' * (MEGABYTE // 2)}'\n", profile)
    assert "whole number" in message and "'9a9a" in message


def laughs_list(levels: int) -> str:
    """The laughs as one flow list of anchored lists, to put in any field."""
    names = "abcdefghijklmnopqrstuvwxyz"
    items = ["&a [" + ", ".join(["lol"] * 10) + "]"]
    for level in range(1, levels):
        items.append(f"&{names[level]} [" + ", ".join([f"*{names[level - 1]}"] * 10) + "]")
    return "[" + ", ".join(items) + "]"


@pytest.mark.parametrize(
    "text,parse",
    [
        (f"performer: mara\nversion: {laughs_list(4)}\n", profile),
        (f"scene: 1\ncast: {{A: {laughs_list(4)}}}\nbeats: []\n", plan),
        (
            "scene: 1\ncast: {A: mara, B: jonas}\nbeats:\n"
            f"  - {{id: b1, act: kiss, by: A, to: [{laughs_list(4)}], zone: mouth}}\n",
            plan,
        ),
    ],
    ids=["profile version", "plan cast", "plan to"],
)
def test_a_value_that_aliases_expand_is_never_printed(text, parse):
    # About 11,000 values: within the alias budget, but far too many to print.
    message = bad(text, parse)
    assert "a list" in message


LONG = "Q w" * 5_000  # 15,000 characters, not an id, not a known value
LONG_ID = "q" * 15_000  # a valid id pattern, but absurdly long
MANY = "[" + ", ".join(["x"] * 5_000) + "]"  # a list of 5,000 items


def key(text: str) -> str:
    """A flow mapping key of any length (a plain `key:` may be at most 1024 characters)."""
    return f"? '{text}' "


BOUNDARY = "act: slap, direction: receive, answer: yes"
# Each case: the profile, and a piece of the message it must give (so it is the intended one).
PROFILE_CASES = {
    "performer id": (f"performer: '{LONG}'\n", "'performer' 'Q wQ w"),
    "unknown field": (f"{{performer: mara, {key(LONG)}: 1}}\n", "unknown field 'Q w"),
    "barrier": (f"performer: mara\nbarrier: '{LONG}'\n", "barrier 'Q w"),
    "version": (f"performer: mara\nversion: '{LONG}'\n", "whole number, not 'Q w"),
    "unknown act": (
        f"performer: mara\nboundaries:\n  - {{act: '{LONG}'}}\n",
        "unknown act 'Q w",
    ),
    "direction": (
        f"performer: mara\nboundaries:\n  - {{act: slap, direction: '{LONG}'}}\n",
        "direction 'Q w",
    ),
    "answer": (
        f"performer: mara\nboundaries:\n  - {{act: slap, direction: receive, answer: '{LONG}'}}\n",
        "answer 'Q w",
    ),
    "zone": (
        f"performer: mara\nboundaries:\n  - {{{BOUNDARY}, zones: {{{key(LONG)}: 'no'}}}}\n",
        "zone 'Q w",
    ),
    "zone answer": (
        f"performer: mara\nboundaries:\n  - {{{BOUNDARY}, zones: {{face: '{LONG}'}}}}\n",
        "answer 'Q w",
    ),
    "zone answer list": (
        f"performer: mara\nboundaries:\n  - {{{BOUNDARY}, zones: {{face: {MANY}}}}}\n",
        "answer a list",
    ),
    "partner": (
        f"performer: mara\nboundaries:\n  - {{{BOUNDARY}, partners: ['{LONG}']}}\n",
        "partner 'Q w",
    ),
    "partner list": (
        f"performer: mara\nboundaries:\n  - {{{BOUNDARY}, partners: [{MANY}]}}\n",
        "partner a list",
    ),
    "key given twice": (
        f"{{performer: mara, {key(LONG)}: 1, {key(LONG)}: 2}}\n",
        "key 'Q w",
    ),
}


@pytest.mark.parametrize("text,expected", PROFILE_CASES.values(), ids=PROFILE_CASES.keys())
def test_a_long_bad_value_in_a_profile_gives_a_short_message(text, expected):
    assert expected in bad(text, profile)


def cast_plan(cast: str, beats: str) -> str:
    return f"scene: 1\ncast: {cast}\nbeats:\n{beats}"


KISS = "  - {id: b1, act: kiss, by: A, to: B, zone: mouth}\n"
PLAN_CASES = {
    "performer": (cast_plan(f"{{A: '{LONG}', B: jonas}}", KISS), "not 'Q w"),
    "performer list": (cast_plan(f"{{A: {MANY}, B: jonas}}", KISS), "not a list"),
    "role": (
        cast_plan(f"{{{key(LONG)}: 'Not An Id', B: jonas}}", KISS),
        "role Q w",
    ),
    "cast twice": (
        cast_plan(f"{{{key(LONG)}: {LONG_ID}, B: {LONG_ID}}}", KISS),
        "is cast as both Q w",
    ),
    "beat id twice": (
        cast_plan("{A: mara, B: jonas}", KISS.replace("b1", LONG) * 2),
        "beat id 'Q w",
    ),
    "beat id and unknown act": (
        cast_plan("{A: mara, B: jonas}", f"  - {{id: '{LONG}', act: '{LONG}'}}\n"),
        "unknown act 'Q w",
    ),
    "by": (
        cast_plan("{A: mara, B: jonas}", KISS.replace("by: A", f"by: '{LONG}'")),
        "role 'Q w",
    ),
    "to": (
        cast_plan("{A: mara, B: jonas}", KISS.replace("to: B", f"to: '{LONG}'")),
        "role 'Q w",
    ),
    "to a list": (
        cast_plan("{A: mara, B: jonas}", KISS.replace("to: B", f"to: [{MANY}]")),
        "not a list",
    ),
    "to with long roles": (
        cast_plan(
            f"{{{key(LONG + 'A')}: mara, {key(LONG + 'B')}: jonas}}",
            f"  - {{id: b1, act: kiss, by: '{LONG}A', to: '{LONG}C', zone: mouth}}\n",
        ),
        "did you mean Q w",
    ),
    "to themselves": (
        cast_plan(
            f"{{{key(LONG)}: mara, B: jonas}}",
            f"  - {{id: b1, act: kiss, by: '{LONG}', to: '{LONG}', zone: mouth}}\n",
        ),
        "to themselves",
    ),
    "zone": (
        cast_plan("{A: mara, B: jonas}", KISS.replace("zone: mouth", f"zone: '{LONG}'")),
        "zone 'Q w",
    ),
    "intensity": (
        cast_plan("{A: mara, B: jonas}", KISS.replace("}", f", intensity: '{LONG}'}}")),
        "intensity 'Q w",
    ),
}


@pytest.mark.parametrize("text,expected", PLAN_CASES.values(), ids=PLAN_CASES.keys())
def test_a_long_bad_value_in_a_plan_gives_a_short_message(text, expected):
    assert expected in bad(text, plan)


def test_a_long_performer_with_no_profile_gives_a_short_message():
    scene = plan(cast_plan(f"{{A: {LONG_ID}, B: {LONG_ID}x}}", KISS))
    with pytest.raises(BadInput) as caught:
        check(scene, {})
    assert len(str(caught.value)) < SHORT


@pytest.mark.parametrize(
    "text",
    [f"a: *{LONG_ID}\n", f"a: !{LONG_ID} 1\n", f"&{LONG_ID} a: 1\nb: &{LONG_ID} 2\n"],
    ids=["undefined alias", "unknown tag", "anchor twice"],
)
def test_a_long_name_in_a_yaml_error_gives_a_short_message(text):
    assert "not valid YAML or JSON" in bad(text, lambda text: load(text, "x.yaml"))


def test_a_key_that_is_a_huge_list_gives_a_short_message():
    message = bad(f"? [{', '.join(['x'] * 5_000)}]\n: 1\n", lambda text: load(text))
    assert "a key must be plain text, not a list" in message


# The helper itself


def test_excerpt_is_short_one_line_and_never_walks_a_structure():
    huge: list[object] = []
    huge.append(huge)  # walking this would never end
    assert excerpt(huge) == "a list"
    assert excerpt({"a": huge}) == "a mapping"
    assert excerpt(None) == "nothing" and excerpt(True) == "true" and excerpt(7) == "7"
    assert excerpt("mara") == "mara" and excerpt("mara", quote=True) == "'mara'"
    assert excerpt(["x"], quote=True) == "a list"
    long = excerpt("x" * MEGABYTE)
    assert long == "x" * 40 + "…"
    assert excerpt("one\ntwo\x00") == "one\\ntwo\\x00"
    assert len(excerpt("\x00" * MEGABYTE)) <= 41


def test_hint_suggestions_are_cut_short():
    suggestion = hint("C", [LONG_ID + "A", LONG_ID + "B"])
    assert len(suggestion) < 200 and "…" in suggestion
