"""Beats and findings in plain words: second person, names, taxonomy labels; never an id."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from closedset.core.check import MAINSTREAM_REASON, Status, check
from closedset.core.plan import Beat, ScenePlan
from closedset.core.profile import Boundary, BoundaryProfile
from closedset.core.taxonomy import BARRIERS, Intensity, load_taxonomy
from closedset.core.words import (
    NOT_SHARED_WORDS,
    TALK_WORDS,
    Persons,
    act_words,
    answers_words,
    beat_sentence,
    finding_words,
    status_words,
)

TAXONOMY = load_taxonomy()
ACTS = sorted(TAXONOMY.acts)
HYPHENATED_IDS = [act_id for act_id in ACTS if "-" in act_id]
NAMES = {"A": "Mara", "B": "Jonas", "C": "Eva"}
# Role letters as a reader would meet them: a lone capital between spaces or at an end,
# "you are A", "B to A".
ROLE_LETTER = re.compile(r"(^|\s)[A-D](\s|[.,:;]|$)|\byou are [A-D]\b|\b[A-D] to [A-D]\b")


def assert_plain(text: str) -> None:
    assert text.strip(), "empty sentence"
    for act_id in HYPHENATED_IDS:
        assert act_id not in text.lower(), f"act id {act_id!r} in {text!r}"
    assert not ROLE_LETTER.search(text), f"role letter in {text!r}"
    assert not re.search(r"[{}\[\]|]", text), f"template left in {text!r}"
    assert "[" not in text and "beats" not in text


def mara(*boundaries: Boundary, barrier: str = "none") -> BoundaryProfile:
    return BoundaryProfile(performer="mara", name="Mara", boundaries=boundaries, barrier=barrier)


def jonas_yes_to_everything() -> BoundaryProfile:
    entries = tuple(
        Boundary(act=act.id, direction=d, answer="yes")
        for act in TAXONOMY.acts.values()
        for d in act.directions
    )
    return BoundaryProfile(performer="jonas", name="Jonas", boundaries=entries)


def findings_for_mara(beat: Beat, profile: BoundaryProfile, kind: str = "adult"):
    plan = ScenePlan(scene="12B", cast={"A": "mara", "B": "jonas"}, beats=(beat,), kind=kind)
    result = check(plan, [profile, jonas_yes_to_everything()])
    return [f for f in result.findings if f.role == "A"]


# ---------------------------------------------------------------- beats


def test_a_partner_does_it_to_you_with_names_zone_and_intensity():
    beat = Beat("b1", "slap", "B", ("A",), "buttocks")
    assert beat_sentence(beat, Persons(NAMES, me="A")) == "Jonas slaps your buttocks, lightly"


def test_you_do_it_to_a_partner():
    beat = Beat("b2", "kiss", "A", ("B",), "mouth", Intensity.medium)
    sentence = beat_sentence(beat, Persons(NAMES, me="A"))
    assert sentence == "You kiss Jonas on the mouth, moderately"


def test_nudity_is_yours_alone_and_has_no_intensity():
    beat = Beat("b3", "nudity-topless", "A", intensity=Intensity.hard)
    assert beat_sentence(beat, Persons(NAMES, me="A")) == "You: topless nudity"


def test_a_barrier_is_named_only_when_set():
    oral = Beat("b4", "oral", "B", ("A",), "genitals", Intensity.light, "condom")
    assert beat_sentence(oral, Persons(NAMES, me="A")) == (
        "Jonas gives you oral sex, lightly, with a condom"
    )
    bare = Beat("b5", "oral", "B", ("A",), "genitals")
    assert "with" not in beat_sentence(bare, Persons(NAMES, me="A"))


def test_third_parties_by_name():
    beat = Beat("b6", "kiss", "B", ("C",), "face")
    assert beat_sentence(beat, Persons(NAMES, me="A")) == "Jonas kisses Eva on the face, lightly"


def test_several_receivers_and_you_among_them():
    beat = Beat("b7", "hand-holding", "B", ("A", "C"), "hands", Intensity.hard)
    assert beat_sentence(beat, Persons(NAMES, me="A")) == "Jonas holds hands with you and Eva, hard"


def test_an_open_role_is_someone_not_cast_yet():
    beat = Beat("b8", "slap", "B", ("A",), "face")
    sentence = beat_sentence(beat, Persons({"A": "Mara", "B": None}, me="A"))
    assert sentence == "Someone not cast yet slaps your face, lightly"


def test_alone_with_a_zone_reads_as_your_own_body():
    beat = Beat("b9", "self-touch", "A", (), "breasts")
    assert beat_sentence(beat, Persons(NAMES, me="A")) == "You touch your own breasts, lightly"
    assert beat_sentence(beat, Persons(NAMES)) == "Mara touches their own breasts, lightly"


def test_every_act_between_partners_has_a_phrase_and_names_its_zone():
    for act in TAXONOMY.acts.values():
        if act.is_self:
            continue
        assert act.phrase and act.phrase.startswith("{by} ["), act.id
        if len(act.zones) > 1:
            assert "{zone}" in act.phrase, f"{act.id}: the zone must be in the sentence"


@st.composite
def beats_and_readers(draw):
    act = TAXONOMY.acts[draw(st.sampled_from(ACTS))]
    by = draw(st.sampled_from("ABC"))
    to: tuple[str, ...] = ()
    if not act.is_self:
        others = [r for r in "ABC" if r != by]
        to = tuple(draw(st.lists(st.sampled_from(others), min_size=1, max_size=2, unique=True)))
    beat = Beat(
        id="b1",
        act=act.id,
        by=by,
        to=to,
        zone=draw(st.sampled_from(act.zones)) if act.zones else None,
        intensity=draw(st.sampled_from(list(Intensity))),
        barrier=draw(st.sampled_from(BARRIERS)),
    )
    me = draw(st.sampled_from(["A", "B", "C", None]))
    names = dict(NAMES)
    if draw(st.booleans()):
        names[draw(st.sampled_from("ABC"))] = None  # an open role
    return beat, Persons(names, me=me)


@settings(max_examples=600, deadline=None)
@given(beats_and_readers())
def test_every_beat_reads_in_plain_words(case):
    beat, persons = case
    sentence = beat_sentence(beat, persons)
    assert_plain(sentence)
    assert sentence[0].isupper()
    act = TAXONOMY.acts[beat.act]
    if beat.zone and len(act.zones) > 1:
        assert TAXONOMY.zones[beat.zone].label.lower() in sentence
    if persons.me in (beat.by, *beat.to):
        assert re.search(r"\b(You|you|your)\b", sentence), sentence
    if beat.barrier != "none":
        assert sentence.endswith(("with a condom", "with a barrier"))


def test_every_act_direction_and_zone_reads_in_plain_words():
    for act in TAXONOMY.acts.values():
        for direction in act.directions:
            for zone in act.zones or (None,):
                what = act_words(act.id, direction, zone)
                assert_plain(what)
                if direction == "receive":
                    assert what.startswith("a partner ") and re.search(r"\byou(r)?\b", what)
                if direction == "give":
                    assert "a partner" in what


# ---------------------------------------------------------------- findings


def test_a_hard_no_to_the_face():
    profile = mara(Boundary("slap", "receive", "yes", zones={"face": "no"}))
    (finding,) = findings_for_mara(Beat("b2", "slap", "B", ("A",), "face"), profile)
    assert finding.status is Status.blocked
    assert finding_words(finding, profile) == [
        "You said no to a partner slapping your face: a hard limit."
    ]


def test_a_soft_no_may_be_talked_through():
    profile = mara(Boundary("slap", "receive", "no", limit="soft"))
    (finding,) = findings_for_mara(Beat("b2", "slap", "B", ("A",), "face"), profile)
    assert finding_words(finding, profile) == [
        "You said no to a partner slapping your face: a soft limit you may talk through."
    ]


def test_a_maybe():
    profile = mara(Boundary("nudity-topless", "self", "maybe"))
    (finding,) = findings_for_mara(Beat("b3", "nudity-topless", "A"), profile)
    assert finding.status is Status.needs_discussion
    assert finding_words(finding, profile) == ["You said maybe to topless nudity."]


def test_silence_is_not_a_yes():
    profile = mara()
    (finding,) = findings_for_mara(Beat("b3", "kiss", "A", ("B",), "mouth"), profile)
    assert finding_words(finding, profile) == [
        "You have not said yes, no or maybe to kissing a partner on the mouth yet."
    ]


def test_above_your_intensity():
    profile = mara(Boundary("spank", "receive", "yes", max_intensity=Intensity.light))
    beat = Beat("b4", "spank", "B", ("A",), "buttocks", Intensity.hard)
    (finding,) = findings_for_mara(beat, profile)
    assert finding_words(finding, profile) == [
        "Your boundaries allow a partner spanking you on the buttocks up to light only; "
        "this beat is hard."
    ]


def test_only_with_named_partners_by_their_names():
    profile = mara(Boundary("kiss", "receive", "yes", partners=("eva",)))
    (finding,) = findings_for_mara(Beat("b5", "kiss", "B", ("A",), "mouth"), profile)
    words = finding_words(
        finding, profile, counterparts=["jonas"], names={"eva": "Eva", "jonas": "Jonas"}
    )
    assert words == [
        "Your boundaries allow a partner kissing you on the mouth only with Eva; "
        "this beat is with Jonas."
    ]


def test_your_barrier():
    profile = mara(Boundary("oral", "receive", "yes"), barrier="condom")
    beat = Beat("b6", "oral", "B", ("A",), "genitals")
    (finding,) = findings_for_mara(beat, profile)
    assert finding_words(finding, profile, beat=beat) == [
        "You asked for a condom for a partner giving you oral sex; this beat has no barrier."
    ]


def test_not_shared_and_mainstream_and_yes():
    profile = mara(Boundary("slap", "receive", "yes"))
    beat = Beat("b1", "slap", "B", ("A",), "buttocks")
    (finding,) = findings_for_mara(beat, profile)
    assert finding_words(finding, profile) == [
        "Your boundaries allow a partner slapping your buttocks."
    ]
    assert finding_words(finding, None, shared=False) == [NOT_SHARED_WORDS]
    (real,) = findings_for_mara(Beat("b7", "oral", "B", ("A",), "genitals"), profile, "mainstream")
    assert real.reason == MAINSTREAM_REASON
    assert finding_words(real, profile) == ["Real sex is not permitted on a mainstream production."]


def test_status_in_one_line():
    # A profile match, never a yes: consent is what the performer answers, not their profile.
    assert status_words([Status.clear, Status.clear]) == (
        "Everything here fits the boundaries you set."
    )
    assert status_words([Status.clear, Status.blocked]).startswith(
        "Not everything here fits the boundaries you set"
    )


def test_answers_in_words():
    assert answers_words([]) == ""
    assert answers_words(["consented"]) == "You consented to your beat here."
    assert answers_words(["consented", "consented"]) == "You consented to every beat here."
    assert answers_words(["consented", "declined", "waiting"]) == (
        "You consented to 1 of your 3 beats. You declined 1 beat. 1 beat waits for your answer."
    )
    assert answers_words(["withdrawn", "not asked", "not asked"]) == (
        "You withdrew your consent to 1 beat. 2 beats are not in the version you were asked "
        "to agree to yet."
    )


@st.composite
def answers(draw):
    """Mara's answer to one act in one direction, with any of the refinements."""
    act = TAXONOMY.acts[draw(st.sampled_from(ACTS))]
    direction = draw(st.sampled_from(act.directions))
    zone = draw(st.sampled_from(act.zones)) if act.zones else None
    entry = None
    if draw(st.booleans()):
        zones = {}
        if zone and draw(st.booleans()):
            zones[zone] = draw(st.sampled_from(["yes", "no", "maybe"]))
        partners = draw(st.sampled_from([None, (), ("eva",), ("jonas",)]))
        entry = Boundary(
            act=act.id,
            direction=direction,
            answer=draw(st.sampled_from(["yes", "no", "maybe"])),
            zones=zones,
            max_intensity=draw(st.sampled_from([None, *Intensity])),
            limit=draw(st.sampled_from(["hard", "soft"])),
            partners=partners,
        )
    profile = mara(*([entry] if entry else []), barrier=draw(st.sampled_from(BARRIERS)))
    if direction == "self":
        beat = Beat("b1", act.id, "A", (), zone)
    elif direction == "give":
        beat = Beat("b1", act.id, "A", ("B",), zone)
    else:
        beat = Beat("b1", act.id, "B", ("A",), zone)
    beat = Beat(
        beat.id,
        beat.act,
        beat.by,
        beat.to,
        beat.zone,
        draw(st.sampled_from(list(Intensity))),
        draw(st.sampled_from(BARRIERS)),
    )
    return beat, profile


@settings(max_examples=500, deadline=None)
@given(answers())
def test_every_finding_says_why_in_your_words(case):
    """Whatever the check decides, the words name the reader's own answer behind it: the
    fallback "talk to your coordinator" is never needed for a shared profile."""
    beat, profile = case
    (finding,) = findings_for_mara(beat, profile)
    words = finding_words(finding, profile, counterparts=["jonas"], beat=beat)
    assert words and TALK_WORDS not in words
    for sentence in words:
        assert_plain(sentence)
        # A profile's yes reads as what the boundaries allow, never "you said yes" (consent).
        assert sentence.startswith(("You ", "Your boundaries ")) and sentence.endswith(".")
        assert not sentence.startswith("You said yes")
    if finding.status is Status.clear:
        assert words[0].startswith("Your boundaries allow")


@pytest.mark.parametrize("answer", ["no", "maybe"])
def test_without_the_profile_the_words_send_you_to_your_coordinator(answer):
    profile = mara(Boundary("slap", "receive", answer))
    (finding,) = findings_for_mara(Beat("b2", "slap", "B", ("A",), "face"), profile)
    assert finding.status is not Status.clear
    assert finding_words(finding, None) == [TALK_WORDS]
