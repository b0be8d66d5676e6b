"""Beats and check findings in plain words, for the performer who reads them.

A performer reads their scene in the second person with people's names: "Jonas slaps your
buttocks, lightly", "You: topless nudity", "You said no to a partner slapping your face".
Never an act id, a role letter or a field index. Sentences are built from the taxonomy: each
act between partners has a `phrase` (see taxonomy.yaml), acts done alone use their label.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from closedset.core.check import BARRIER_SATISFIED_BY, MAINSTREAM_REASON, Finding, Status
from closedset.core.plan import Beat
from closedset.core.profile import BoundaryProfile
from closedset.core.taxonomy import Act, Intensity, Taxonomy, load_taxonomy

YOU = "you"
A_PARTNER = "a partner"
# Someone in a role nobody plays yet: the performer learns a partner is still to be cast.
NOT_CAST = "someone not cast yet"
INTENSITY_WORDS = {
    Intensity.light: "lightly",
    Intensity.medium: "moderately",
    Intensity.hard: "hard",
}
BARRIER_WORDS = {"none": "no barrier", "condom": "a condom", "barrier": "a barrier"}
# What a performer's own barrier choice asks of partners, as they chose it on their profile.
BARRIER_ASKED = {"condom": "a condom", "barrier": "a barrier or a condom"}
NOT_SHARED_WORDS = "You have not shared your profile with this production's coordinator."
MAINSTREAM_WORDS = "Real sex is not permitted on a mainstream production."
TALK_WORDS = "Your coordinator will go through this beat with you."
# How a beat matches the reader's boundary profile: a match, never a yes (consent is theirs).
FITS_WORDS = "Everything here fits the boundaries you set."

_VERB = re.compile(r"\[([^|\]]+)\|([^|\]]+)\|([^|\]]+)\]")


@dataclass(frozen=True)
class Persons:
    """Who is who in one scene, for one reader: role -> name, and the reader's own role."""

    names: Mapping[str, str | None]
    me: str | None = None

    def name(self, role: str) -> str:
        if role == self.me:
            return YOU
        return self.names.get(role) or NOT_CAST


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _possessive(name: str) -> str:
    if name == YOU:
        return "your"
    return f"{name}'s"


def _zone_words(taxonomy: Taxonomy, zone: str | None) -> str:
    if zone is None:
        return ""
    found = taxonomy.zones.get(zone)
    return found.label.lower() if found else "body"


def _fill(phrase: str, subject: str | None, objects: Sequence[str], zone: str) -> str:
    """One phrase with its people filled in. subject None: the phrase without a doer,
    as a gerund ("slapping a partner's face")."""
    if subject is None:
        phrase = phrase.replace("{by} ", "", 1)
        form = 3
    else:
        form = 1 if subject == YOU else 2
    text = _VERB.sub(lambda m: m.group(form), phrase)
    text = text.replace("{to's}", _join([_possessive(o) for o in objects]))
    text = text.replace("{to}", _join(list(objects)))
    text = text.replace("{zone}", zone)
    # Without a doer the phrase is about the reader's own answer: their own body.
    text = text.replace("{own}", "your own" if subject in (None, YOU) else "their own")
    if subject is not None:
        text = text.replace("{by}", subject)
    return text


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _self_words(act: Act, zone: str) -> str:
    label = act.label[:1].lower() + act.label[1:]
    return f"{label} ({zone})" if zone else label


def beat_sentence(beat: Beat, persons: Persons, taxonomy: Taxonomy | None = None) -> str:
    """The beat as one sentence for its reader: "Jonas slaps your buttocks, lightly"."""
    taxonomy = taxonomy or load_taxonomy()
    act = taxonomy.acts[beat.act]
    zone = _zone_words(taxonomy, beat.zone)
    doer = persons.name(beat.by)
    if act.phrase is None:
        text = f"{_capital(doer)}: {_self_words(act, zone)}"
    else:
        text = _capital(_fill(act.phrase, doer, [persons.name(r) for r in beat.to], zone))
    # Being seen has no intensity; "topless nudity, lightly" would read as nonsense.
    if act.category != "nudity":
        text += f", {INTENSITY_WORDS[beat.intensity]}"
    if beat.barrier != "none":
        text += f", with {BARRIER_WORDS[beat.barrier]}"
    return text


def act_words(
    act_id: str, direction: str, zone: str | None = None, taxonomy: Taxonomy | None = None
) -> str:
    """The act as the reader answered it on their profile, for "You said no to …" or "Your
    boundaries allow …":
    "slapping a partner's face", "a partner slapping your face", "topless nudity"."""
    taxonomy = taxonomy or load_taxonomy()
    act = taxonomy.acts[act_id]
    zone_text = _zone_words(taxonomy, zone)
    if act.phrase is None:
        return _self_words(act, zone_text)
    if not zone_text:
        zone_text = "body"
    if direction in ("give", "self"):
        return _fill(act.phrase, None, [A_PARTNER], zone_text)
    return f"{A_PARTNER} " + _fill(act.phrase, None, [YOU], zone_text)


# ---------------------------------------------------------------- findings


def _partner_names(handles: Sequence[str], names: Mapping[str, str]) -> str:
    return _join([names.get(h, h) for h in handles]) if handles else "no one"


def finding_words(
    finding: Finding,
    profile: BoundaryProfile | None,
    *,
    shared: bool = True,
    counterparts: Sequence[str] = (),
    names: Mapping[str, str] | None = None,
    beat: Beat | None = None,
    taxonomy: Taxonomy | None = None,
) -> list[str]:
    """One of the reader's own findings, in their words; several sentences when several of
    their answers bear on the beat.

    `profile` is the reader's own profile (what the check read), `counterparts` the people
    (handles) they do it with or who do it to them, `names` handle -> name for everyone a
    partners-only answer may name. The status is the check's; the sentences say why.
    """
    taxonomy = taxonomy or load_taxonomy()
    names = names or {}
    act = taxonomy.acts[finding.act]
    what = act_words(finding.act, finding.direction, finding.zone, taxonomy)
    if finding.reason == MAINSTREAM_REASON:
        return [MAINSTREAM_WORDS]
    if not shared:
        return [NOT_SHARED_WORDS]
    if finding.status == Status.clear:
        return [f"Your boundaries allow {what}."]
    if profile is None:
        return [TALK_WORDS]
    said: list[str] = []
    entry = profile.boundary(finding.act, finding.direction)
    intensity = Intensity[finding.intensity]
    if entry is None:
        said.append(f"You have not said yes, no or maybe to {what} yet.")
    else:
        answer = entry.answer_for(finding.zone)
        if answer == "no":
            kind = "a soft limit you may talk through" if entry.limit == "soft" else "a hard limit"
            said.append(f"You said no to {what}: {kind}.")
        elif answer == "maybe":
            said.append(f"You said maybe to {what}.")
        if entry.max_intensity is not None and intensity > entry.max_intensity:
            said.append(
                f"Your boundaries allow {what} up to {entry.max_intensity.name} only; "
                f"this beat is {intensity.name}."
            )
        if entry.partners is not None:
            others = [p for p in counterparts if p not in entry.partners]
            if others:
                allowed = _partner_names(entry.partners, names)
                said.append(
                    f"Your boundaries allow {what} only with {allowed}; "
                    f"this beat is with {_partner_names(others, names)}."
                )
    if act.barrier and profile.barrier != "none":
        given = beat.barrier if beat is not None else None
        if given is None or given not in BARRIER_SATISFIED_BY[profile.barrier]:
            has = f"; this beat has {BARRIER_WORDS[given]}" if given is not None else ""
            said.append(f"You asked for {BARRIER_ASKED[profile.barrier]} for {what}{has}.")
    return said or [TALK_WORDS]


def status_words(statuses: Sequence[Status]) -> str:
    """How the reader's beats of a scene match the boundaries they set, in one line. This is
    their profile, never their consent: what they answered is `answers_words`."""
    if not statuses:
        return "You are in no beat of this scene yet."
    if all(status == Status.clear for status in statuses):
        return FITS_WORDS
    # Never the performer's job to raise it: the coordinator takes it up with them.
    return (
        "Not everything here fits the boundaries you set: your coordinator will go through "
        "these with you:"
    )


# A performer's own consent answer to one beat (closedset.consent.answers states).
ANSWER_WORDS = {
    "consented": "You consented.",
    "declined": "You declined.",
    "withdrawn": "You withdrew your consent.",
    "waiting": "Waiting for your answer.",
    "not asked": "Not asked yet: this beat is not in the version you were asked to agree to.",
}


def _beats(n: int) -> str:
    return f"{n} beat" if n == 1 else f"{n} beats"


def answers_words(states: Sequence[str]) -> str:
    """The reader's consent answers over a scene's beats, in a sentence or a few."""
    if not states:
        return ""
    total = len(states)
    count = {state: sum(1 for s in states if s == state) for state in ANSWER_WORDS}
    if count["consented"] == total:
        return (
            "You consented to your beat here."
            if total == 1
            else ("You consented to every beat here.")
        )
    said = []
    if count["consented"]:
        said.append(f"You consented to {count['consented']} of your {_beats(total)}.")
    if count["declined"]:
        said.append(f"You declined {_beats(count['declined'])}.")
    if count["withdrawn"]:
        said.append(f"You withdrew your consent to {_beats(count['withdrawn'])}.")
    if count["waiting"]:
        n = count["waiting"]
        said.append(f"{_beats(n)} {'waits' if n == 1 else 'wait'} for your answer.")
    if count["not asked"]:
        n = count["not asked"]
        said.append(
            f"{_beats(n)} {'is' if n == 1 else 'are'} not in the version you were asked to "
            "agree to yet."
        )
    return " ".join(said)


__all__ = [
    "ANSWER_WORDS",
    "Persons",
    "act_words",
    "answers_words",
    "beat_sentence",
    "finding_words",
    "status_words",
]
