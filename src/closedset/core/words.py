"""Beats and check findings in plain words, for the performer who reads them.

A performer reads their scene in the second person with people's names: "Jonas slaps your
buttocks, lightly", "You: topless nudity", "You said no to a partner slapping your face".
Never an act id, a role letter or a field index. Sentences are built from the taxonomy: each
act between partners has a `phrase` (see taxonomy.yaml), acts done alone use their label.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from closedset.core.catalogs import SOURCE_LANGUAGE, translation
from closedset.core.check import BARRIER_SATISFIED_BY, MAINSTREAM_REASON, Finding, Status
from closedset.core.plan import Beat
from closedset.core.profile import BoundaryProfile
from closedset.core.taxonomy import Act, Intensity, Taxonomy, load_taxonomy, translate_taxonomy

# Every fixed text of this module, by key: the source of the catalogs' "words:<key>"
# messages (core.catalogs). {placeholders} are filled in here; a translation keeps them all.
SENTENCES: dict[str, str] = {
    "you": "you",
    "a-partner": "a partner",
    # Someone in a role nobody plays yet: the performer learns a partner is still to be cast.
    "not-cast": "someone not cast yet",
    "no-one": "no one",
    "body": "body",
    "own-you": "your own",
    "own-their": "their own",
    "and": "{first} and {last}",
    "intensity:light": "lightly",
    "intensity:medium": "moderately",
    "intensity:hard": "hard",
    "level:light": "light",
    "level:medium": "medium",
    "level:hard": "hard",
    "barrier:none": "no barrier",
    "barrier:condom": "a condom",
    "barrier:barrier": "a barrier",
    "with-barrier:condom": "with a condom",
    "with-barrier:barrier": "with a barrier",
    # What a performer's own barrier choice asks of partners, as they chose it on their profile.
    "asked:condom": "a condom",
    "asked:barrier": "a barrier or a condom",
    "not-shared": "You have not shared your profile with this production's coordinator.",
    "mainstream": "Real sex is not permitted on a mainstream production.",
    "talk": "Your coordinator will go through this beat with you.",
    # How a beat matches the reader's boundary profile: a match, never a yes (consent is theirs).
    "fits": "Everything here fits the boundaries you set.",
    "allow": "Your boundaries allow {what}.",
    "not-answered": "You have not said yes, no or maybe to {what} yet.",
    "said-no": "You said no to {what}: {kind}.",
    "soft-limit": "a soft limit you may talk through",
    "hard-limit": "a hard limit",
    "said-maybe": "You said maybe to {what}.",
    "above-intensity": "Your boundaries allow {what} up to {max} only; this beat is {this}.",
    "only-with": "Your boundaries allow {what} only with {allowed}; this beat is with {others}.",
    "asked-barrier": "You asked for {asked} for {what}.",
    "asked-barrier-given": "You asked for {asked} for {what}; this beat has {given}.",
    "no-beats": "You are in no beat of this scene yet.",
    # Never the performer's job to raise it: the coordinator takes it up with them.
    "not-fits": (
        "Not everything here fits the boundaries you set: your coordinator will go through "
        "these with you:"
    ),
    "answer:consented": "You consented.",
    "answer:declined": "You declined.",
    "answer:withdrawn": "You withdrew your consent.",
    "answer:waiting": "Waiting for your answer.",
    "answer:not asked": (
        "Not asked yet: this beat is not in the version you were asked to agree to."
    ),
    "consented-one": "You consented to your beat here.",
    "consented-all": "You consented to every beat here.",
}
# Texts with a count: (one, many); a language's catalog has as many forms as it needs.
PLURALS: dict[str, tuple[str, str]] = {
    "consented-some": (
        "You consented to {n} of your {total} beat.",
        "You consented to {n} of your {total} beats.",
    ),
    "declined": ("You declined {n} beat.", "You declined {n} beats."),
    "withdrawn": (
        "You withdrew your consent to {n} beat.",
        "You withdrew your consent to {n} beats.",
    ),
    "waiting": ("{n} beat waits for your answer.", "{n} beats wait for your answer."),
    "not-asked": (
        "{n} beat is not in the version you were asked to agree to yet.",
        "{n} beats are not in the version you were asked to agree to yet.",
    ),
}

YOU = SENTENCES["you"]
A_PARTNER = SENTENCES["a-partner"]
NOT_CAST = SENTENCES["not-cast"]
INTENSITY_WORDS = {level: SENTENCES[f"intensity:{level.name}"] for level in Intensity}
BARRIER_WORDS = {key: SENTENCES[f"barrier:{key}"] for key in ("none", "condom", "barrier")}
BARRIER_ASKED = {key: SENTENCES[f"asked:{key}"] for key in ("condom", "barrier")}
NOT_SHARED_WORDS = SENTENCES["not-shared"]
MAINSTREAM_WORDS = SENTENCES["mainstream"]
TALK_WORDS = SENTENCES["talk"]
FITS_WORDS = SENTENCES["fits"]
# A performer's own consent answer to one beat (closedset.consent.answers states).
ANSWER_STATES = ("consented", "declined", "withdrawn", "waiting", "not asked")
ANSWER_WORDS = {state: SENTENCES[f"answer:{state}"] for state in ANSWER_STATES}

_VERB = re.compile(r"\[([^|\]]+)\|([^|\]]+)\|([^|\]]+)\]")
# Spanish "y" becomes "e" before a word that starts with the sound i ("Mara e Inés").
_SPANISH_I = re.compile(r"^(h?[iíIÍ])(?![aeoáéó])")


@dataclass(frozen=True)
class Words:
    """This module's texts in one language (core.catalogs); English is the source itself."""

    lang: str
    t: gettext.NullTranslations

    def __call__(self, key: str, **values: object) -> str:
        text = self.t.pgettext(f"words:{key}", SENTENCES[key])
        return text.format(**values) if values else text

    def count(self, key: str, number: int, **values: object) -> str:
        """The text for `number` of something; {n} is `number` unless given."""
        one, many = PLURALS[key]
        values.setdefault("n", number)
        return self.t.npgettext(f"words:{key}", one, many, number).format(**values)

    @property
    def english(self) -> bool:
        return self.lang == SOURCE_LANGUAGE

    @property
    def you(self) -> str:
        return self("you")

    def join(self, items: Sequence[str]) -> str:
        if len(items) <= 1:
            return "".join(items)
        text = self("and", first=", ".join(items[:-1]), last=items[-1])
        if self.lang == "es" and _SPANISH_I.match(items[-1]):
            text = text.replace(" y " + items[-1], " e " + items[-1])
        return text


@cache
def words_in(lang: str = SOURCE_LANGUAGE) -> Words:
    """The texts in `lang`; an unknown language is a BadInput naming the ones there are."""
    return Words(lang, translation(lang))


def _taxonomy_in(words: Words, taxonomy: Taxonomy | None) -> Taxonomy:
    if taxonomy is None:
        return load_taxonomy(words.lang)
    if taxonomy.lang == words.lang:
        return taxonomy
    # A taxonomy passed in is read in the reader's language all the same; catalogs translate
    # from the English source, so another language's copy is swapped for the shipped one.
    source = taxonomy if taxonomy.lang == SOURCE_LANGUAGE else load_taxonomy()
    return source if words.english else translate_taxonomy(source, words.lang)


@dataclass(frozen=True)
class Persons:
    """Who is who in one scene, for one reader: role -> name, and the reader's own role."""

    names: Mapping[str, str | None]
    me: str | None = None

    def name(self, role: str, lang: str = SOURCE_LANGUAGE) -> str:
        if role == self.me:
            return words_in(lang).you
        return self.names.get(role) or words_in(lang)("not-cast")


def _possessive(name: str) -> str:
    if name == YOU:
        return "your"
    return f"{name}'s"


def _zone_words(words: Words, taxonomy: Taxonomy, zone: str | None) -> str:
    if zone is None:
        return ""
    found = taxonomy.zones.get(zone)
    return found.label.lower() if found else words("body")


def _fill(words: Words, phrase: str, subject: str | None, objects: Sequence[str], zone: str) -> str:
    """One phrase with its people filled in. subject None (English only): the phrase without
    a doer, as a gerund ("slapping a partner's face")."""
    if subject is None:
        phrase = phrase.replace("{by} ", "", 1)
        form = 3
    else:
        form = 1 if subject == words.you else 2
    text = _VERB.sub(lambda m: m.group(form), phrase)
    # Other languages name the receiver as they are, never declined (docs/translation.md).
    owners = [_possessive(o) for o in objects] if words.english else list(objects)
    values = {
        "to's": words.join(owners),
        "to": words.join(list(objects)),
        "zone": zone,
        # Without a doer the phrase is about the reader's own answer: their own body.
        "own": words("own-you" if subject in (None, words.you) else "own-their"),
    }
    if subject is not None:
        values["by"] = subject
    return fill(text, values)


# The phrase's placeholders, filled in one pass: a name that itself reads "{by}" stays the
# name as written, never a second doer.
_PLACEHOLDER = re.compile(r"\{(to's|to|zone|own|by)\}")


def fill(text: str, values: Mapping[str, str]) -> str:
    """`text` with each {to's} {to} {zone} {own} {by} that `values` names put in, once."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _self_words(act: Act, zone: str) -> str:
    label = act.label[:1].lower() + act.label[1:]
    return f"{label} ({zone})" if zone else label


def beat_sentence(
    beat: Beat, persons: Persons, taxonomy: Taxonomy | None = None, lang: str = SOURCE_LANGUAGE
) -> str:
    """The beat as one sentence for its reader: "Jonas slaps your buttocks, lightly";
    in Czech "Jonas → ty: plácnutí (hýždě), lehce" (docs/translation.md)."""
    words = words_in(lang)
    taxonomy = _taxonomy_in(words, taxonomy)
    act = taxonomy.acts[beat.act]
    zone = _zone_words(words, taxonomy, beat.zone)
    doer = persons.name(beat.by, lang)
    if act.phrase is None:
        text = f"{_capital(doer)}: {_self_words(act, zone)}"
    else:
        receivers = [persons.name(r, lang) for r in beat.to]
        text = _capital(_fill(words, act.phrase, doer, receivers, zone))
    # Being seen has no intensity; "topless nudity, lightly" would read as nonsense.
    if act.category != "nudity":
        text += f", {words(f'intensity:{beat.intensity.name}')}"
    if beat.barrier != "none":
        text += f", {words(f'with-barrier:{beat.barrier}')}"
    return text


def act_words(
    act_id: str,
    direction: str,
    zone: str | None = None,
    taxonomy: Taxonomy | None = None,
    lang: str = SOURCE_LANGUAGE,
) -> str:
    """The act as the reader answered it on their profile, for "You said no to …" or "Your
    boundaries allow …":
    "slapping a partner's face", "a partner slapping your face", "topless nudity"."""
    words = words_in(lang)
    taxonomy = _taxonomy_in(words, taxonomy)
    act = taxonomy.acts[act_id]
    zone_text = _zone_words(words, taxonomy, zone)
    if act.phrase is None:
        return _self_words(act, zone_text)
    if not zone_text:
        zone_text = words("body")
    partner = words("a-partner")
    if not words.english:
        # No gerund: the doer is named, "ty → partner: plácnutí (obličej)".
        if direction in ("give", "self"):
            return _fill(words, act.phrase, words.you, [partner], zone_text)
        return _fill(words, act.phrase, partner, [words.you], zone_text)
    if direction in ("give", "self"):
        return _fill(words, act.phrase, None, [partner], zone_text)
    return f"{partner} " + _fill(words, act.phrase, None, [words.you], zone_text)


# ---------------------------------------------------------------- findings


def _partner_names(words: Words, handles: Sequence[str], names: Mapping[str, str]) -> str:
    return words.join([names.get(h, h) for h in handles]) if handles else words("no-one")


def finding_words(
    finding: Finding,
    profile: BoundaryProfile | None,
    *,
    shared: bool = True,
    counterparts: Sequence[str] = (),
    names: Mapping[str, str] | None = None,
    beat: Beat | None = None,
    taxonomy: Taxonomy | None = None,
    lang: str = SOURCE_LANGUAGE,
) -> list[str]:
    """One of the reader's own findings, in their words; several sentences when several of
    their answers bear on the beat.

    `profile` is the reader's own profile (what the check read), `counterparts` the people
    (handles) they do it with or who do it to them, `names` handle -> name for everyone a
    partners-only answer may name. The status is the check's; the sentences say why.
    """
    words = words_in(lang)
    taxonomy = _taxonomy_in(words, taxonomy)
    names = names or {}
    act = taxonomy.acts[finding.act]
    what = act_words(finding.act, finding.direction, finding.zone, taxonomy, lang)
    if finding.reason == MAINSTREAM_REASON:
        return [words("mainstream")]
    if not shared:
        return [words("not-shared")]
    if finding.status == Status.clear:
        return [words("allow", what=what)]
    if profile is None:
        return [words("talk")]
    said: list[str] = []
    entry = profile.boundary(finding.act, finding.direction)
    intensity = Intensity[finding.intensity]
    if entry is None:
        said.append(words("not-answered", what=what))
    else:
        answer = entry.answer_for(finding.zone)
        if answer == "no":
            kind = words("soft-limit" if entry.limit == "soft" else "hard-limit")
            said.append(words("said-no", what=what, kind=kind))
        elif answer == "maybe":
            said.append(words("said-maybe", what=what))
        if entry.max_intensity is not None and intensity > entry.max_intensity:
            said.append(
                words(
                    "above-intensity",
                    what=what,
                    max=words(f"level:{entry.max_intensity.name}"),
                    this=words(f"level:{intensity.name}"),
                )
            )
        if entry.partners is not None:
            others = [p for p in counterparts if p not in entry.partners]
            if others:
                said.append(
                    words(
                        "only-with",
                        what=what,
                        allowed=_partner_names(words, entry.partners, names),
                        others=_partner_names(words, others, names),
                    )
                )
    if act.barrier and profile.barrier != "none":
        given = beat.barrier if beat is not None else None
        if given is None or given not in BARRIER_SATISFIED_BY[profile.barrier]:
            asked = words(f"asked:{profile.barrier}")
            if given is None:
                said.append(words("asked-barrier", asked=asked, what=what))
            else:
                said.append(
                    words(
                        "asked-barrier-given",
                        asked=asked,
                        what=what,
                        given=words(f"barrier:{given}"),
                    )
                )
    return said or [words("talk")]


def status_words(statuses: Sequence[Status], lang: str = SOURCE_LANGUAGE) -> str:
    """How the reader's beats of a scene match the boundaries they set, in one line. This is
    their profile, never their consent: what they answered is `answers_words`."""
    words = words_in(lang)
    if not statuses:
        return words("no-beats")
    if all(status == Status.clear for status in statuses):
        return words("fits")
    # Never the performer's job to raise it: the coordinator takes it up with them.
    return words("not-fits")


def answer_words(state: str, lang: str = SOURCE_LANGUAGE) -> str:
    """A performer's own consent answer to one beat (ANSWER_WORDS) in `lang`."""
    return words_in(lang)(f"answer:{state}")


def answers_words(states: Sequence[str], lang: str = SOURCE_LANGUAGE) -> str:
    """The reader's consent answers over a scene's beats, in a sentence or a few."""
    if not states:
        return ""
    words = words_in(lang)
    total = len(states)
    count = {state: sum(1 for s in states if s == state) for state in ANSWER_STATES}
    if count["consented"] == total:
        return words("consented-one" if total == 1 else "consented-all")
    said = []
    if count["consented"]:
        said.append(words.count("consented-some", total, n=count["consented"], total=total))
    if count["declined"]:
        said.append(words.count("declined", count["declined"]))
    if count["withdrawn"]:
        said.append(words.count("withdrawn", count["withdrawn"]))
    if count["waiting"]:
        said.append(words.count("waiting", count["waiting"]))
    if count["not asked"]:
        said.append(words.count("not-asked", count["not asked"]))
    return " ".join(said)


__all__ = [
    "ANSWER_WORDS",
    "PLURALS",
    "SENTENCES",
    "Persons",
    "Words",
    "act_words",
    "answer_words",
    "answers_words",
    "beat_sentence",
    "finding_words",
    "status_words",
    "words_in",
]
