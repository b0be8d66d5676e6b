"""Script breakdown flags: does a scene need an intimacy coordinator, and which acts to suggest.

Explainable by design: every flag quotes the lines that led to it, and every rule is a line of
`flags.yaml` (the lexicon), written in the taxonomy's own vocabulary. The coordinator confirms
or dismisses each flag; nothing here decides anything for her.

How a scene is read:

1. Only stage business counts by default: action lines and parentheticals. Dialogue feeds only
   the verbal acts (dirty talk, commands, praise, threats), and only in a scene something else
   made intimate: sex talked about is not sex performed. Notes and the boneyard never reach
   here (the parser keeps them out of a scene's lines).
2. Other senses are masked first ("kiss of death", "Kiss FM", "strip lights", "naked eye").
3. Each line is cut into sentences (at . ! ? ; and a spaced dash); every cue is matched inside
   one sentence. A cue right after a negator in the same clause ("They do not kiss", "never
   touches", "without kissing", "nearly kiss") is dropped. A cue can cancel others in its
   sentence: a peck, a kiss on the forehead or a kiss for a child cancels the kiss.
4. Cue levels: an `alone` cue makes the scene intimate by itself (nudity, sex, a real kiss,
   straddling...); an `intimate` cue only adds its act to a scene already intimate (a slap, a
   choke, a hug, hand-holding: in a fight or a family scene they are not intimate); a `sex` cue
   only counts where sex is named ("she cries out"); a `fade` cue (heading to bed, any kiss)
   makes the scene intimate when the scene then fades out or cuts to black.
5. In a mainstream production real sex acts are suggested as their simulated counterparts
   ("oral sex" becomes simulated oral); pass `adult=True` for an adult production.

This module is pure Python: it must never import Django.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from closedset.core.script import Line, Scene
from closedset.core.taxonomy import Taxonomy

LEVELS = ("alone", "intimate", "sex", "fade", "none")
STAGE_KINDS = ("action", "parenthetical")
FADE_KINDS = ("transition", "action", "centered")
# How many words before a cue a negator may stand ("they do not quite kiss").
NEGATION_WINDOW = 4

_SENTENCE = re.compile(r"(?<=[.!?;])\s+|;|\s[-\u2013\u2014]{1,2}\s|\s*\u2014\s*")
_CLAUSE = re.compile(r"[,:()]|\s(?:then|but|and then)\s", re.IGNORECASE)
_WORD = re.compile(r"[\w'\u2019]+")
_DEF = re.compile(r"%([A-Z]+)%")
_PRONOUN_GENDER = {"she": "f", "her": "f", "herself": "f", "he": "m", "his": "m", "him": "m"}
_PRONOUN_GENDER.update({"himself": "m", "they": "p", "their": "p", "them": "p"})
_NAME = re.compile(r"^(?:(?:A|An|The)\s+)?([A-Z][\w'\u2019-]+)")


@dataclass(frozen=True)
class Evidence:
    """A line that led to a flag: its number, its whole text, and the acts it suggested."""

    line: int
    text: str
    acts: tuple[str, ...]


@dataclass(frozen=True)
class Flag:
    """The verdict on one scene: `acts` in taxonomy order; no acts when not intimate."""

    intimate: bool
    acts: tuple[str, ...]
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class Cue:
    id: str
    pattern: re.Pattern[str]
    acts: tuple[str, ...]
    level: str
    kinds: frozenset[str]
    negatable: bool = True
    cancels: tuple[str, ...] = ()
    with_: tuple[str, ...] = ()
    sex: bool = False
    fade: bool = False
    who: str = ""
    why: str = ""


@dataclass(frozen=True)
class Lexicon:
    cues: tuple[Cue, ...]
    masks: tuple[re.Pattern[str], ...]
    negators: frozenset[str]
    fades: re.Pattern[str]
    simulated: dict[str, str]
    # Per line kind, one pattern that matches wherever any cue for that kind could: most lines
    # of a script match no cue, and this skips them in one pass.
    prefilter: dict[str, re.Pattern[str]]

    def act_ids(self) -> set[str]:
        ids = {act for cue in self.cues for act in cue.acts}
        ids.update(self.simulated)
        ids.update(self.simulated.values())
        ids.update(("undressing-self", "undressing-partner"))
        return ids


def _expand(pattern: str, defs: dict[str, str]) -> str:
    for _ in range(3):  # definitions may use definitions
        pattern = _DEF.sub(lambda m: defs[m.group(1)], pattern)
    return pattern


def _compile(pattern: str, defs: dict[str, str], flags: int = 0) -> re.Pattern[str]:
    """A cue's pattern, bounded by word edges. Cues are matched on lower-cased text (faster
    than ignoring case); masks and fades on the text as written, ignoring case."""
    return re.compile(rf"(?<!\w)(?:{_lower(_expand(pattern, defs))})(?!\w)", flags)


def _lower(pattern: str) -> str:
    """The pattern in lower case, its named groups kept: (?P<name>...) and (?P=name)."""
    return pattern.lower().replace("(?p<", "(?P<").replace("(?p=", "(?P=")


def _prefilter(patterns: list[str]) -> re.Pattern[str]:
    """One pattern matching wherever any of `patterns` does (or more often: back-references
    become any word, anchors are dropped), for skipping lines that no cue can match."""
    loose = []
    for pattern in patterns:
        pattern = re.sub(r"\(\?P<\w+>", "(?:", pattern)
        pattern = re.sub(r"\(\?P=\w+\)", r"\\w+", pattern)
        loose.append(_lower(pattern.lstrip("^")))
    if not loose:
        return re.compile(r"(?!x)x")
    return re.compile("(?<!\\w)(?:" + "|".join(f"(?:{p})" for p in loose) + ")")


def _kinds(raw: dict[str, Any]) -> frozenset[str]:
    return frozenset(raw.get("kinds") or STAGE_KINDS)


def lexicon_from_data(data: dict[str, Any]) -> Lexicon:
    defs = {str(k): str(v) for k, v in (data.get("defs") or {}).items()}
    cues = []
    for raw in data["cues"]:
        level = raw.get("level", "alone")
        if level not in LEVELS:
            raise ValueError(f"cue {raw['id']}: level must be one of {', '.join(LEVELS)}")
        cues.append(
            Cue(
                id=raw["id"],
                pattern=_compile(raw["pattern"], defs),
                acts=tuple(raw.get("acts") or ()),
                level=level,
                kinds=_kinds(raw),
                negatable=bool(raw.get("negatable", True)),
                cancels=tuple(raw.get("cancels") or ()),
                with_=tuple(raw.get("with") or ()),
                sex=bool(raw.get("sex", False)),
                fade=bool(raw.get("fade", False)),
                who=str(raw.get("who", "")),
                why=str(raw.get("why", "")),
            )
        )
    raw_patterns = [(raw, _expand(raw["pattern"], defs)) for raw in data["cues"]]
    kinds = {kind for cue in cues for kind in cue.kinds}
    prefilter = {
        kind: _prefilter(
            [p for raw, p in raw_patterns if kind in (raw.get("kinds") or STAGE_KINDS)]
        )
        for kind in kinds
    }
    return Lexicon(
        prefilter=prefilter,
        cues=tuple(cues),
        masks=tuple(_compile(p, defs, re.IGNORECASE) for p in data.get("masks") or ()),
        negators=frozenset(str(w).lower() for w in data.get("negators") or ()),
        fades=_compile(data["fades"], defs, re.IGNORECASE),
        simulated={str(k): str(v) for k, v in (data.get("simulated") or {}).items()},
    )


@cache
def load_lexicon() -> Lexicon:
    """The lexicon shipped with the package (core/flags.yaml)."""
    text = resources.files("closedset.core").joinpath("flags.yaml").read_text("utf-8")
    return lexicon_from_data(yaml.safe_load(text))


def lexicon_problems(lexicon: Lexicon, taxonomy: Taxonomy) -> list[str]:
    """What in the lexicon does not fit the taxonomy or itself: unknown act ids, cues that
    cancel or require cues that do not exist. Empty when all is well."""
    problems = [f"unknown act id {a!r}" for a in sorted(lexicon.act_ids() - set(taxonomy.acts))]
    ids = [cue.id for cue in lexicon.cues]
    problems += [
        f"cue id {i!r} is used twice" for i in sorted({i for i in ids if ids.count(i) > 1})
    ]
    for cue in lexicon.cues:
        for other in (*cue.cancels, *cue.with_):
            if other not in ids:
                problems.append(f"cue {cue.id!r} names cue {other!r}, which does not exist")
    return problems


# ---------------------------------------------------------------------------------------------
# Reading a scene


@dataclass(frozen=True)
class _Hit:
    cue: Cue
    index: int  # position of the line in scene.lines
    acts: tuple[str, ...]


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


def _negated(sentence: str, start: int, negators: frozenset[str]) -> bool:
    clause = _CLAUSE.split(sentence[:start])[-1]
    words = [w.lower().replace("\u2019", "'") for w in _WORD.findall(clause)][-NEGATION_WINDOW:]
    return any(w in negators or w.endswith("n't") for w in words)


def _mask(text: str, masks: Iterable[re.Pattern[str]]) -> str:
    for mask in masks:
        text = mask.sub(lambda m: " " * len(m.group(0)), text)
    return text


def _subject_gender(sentence: str, genders: dict[str, str]) -> str:
    """'f', 'm', 'p' (they) or '' for who does what the sentence says: its first word."""
    words = _WORD.findall(sentence)
    if not words:
        return ""
    first = words[0].lower()
    if first in ("she", "he", "they"):
        return _PRONOUN_GENDER[first]
    name = _NAME.match(sentence)
    if name:
        return genders.get(name.group(1).upper(), "")
    return ""


def _learn_genders(lines: Iterable[Line]) -> dict[str, str]:
    """Guess each named person's pronoun from the scene: a sentence that starts with a name and
    is followed by one starting with He or She, or that names the person and then says his/her
    before any other name. Guesses that disagree are dropped."""
    votes: dict[str, set[str]] = {}
    for line in lines:
        if line.kind != "action":
            continue
        sentences = _sentences(line.text)
        for i, sentence in enumerate(sentences):
            name = _NAME.match(sentence)
            if not name or name.group(1).lower() in _PRONOUN_GENDER:
                continue
            key = name.group(1).upper()
            rest = _WORD.findall(sentence[name.end() :])
            for word in rest:
                if word[:1].isupper():
                    break
                if word.lower() in ("his", "her", "himself", "herself"):
                    votes.setdefault(key, set()).add(_PRONOUN_GENDER[word.lower()])
                    break
            if i + 1 < len(sentences):
                nxt = _WORD.findall(sentences[i + 1])[:1]
                if nxt and nxt[0] in ("He", "She"):
                    votes.setdefault(key, set()).add(_PRONOUN_GENDER[nxt[0].lower()])
    return {k: next(iter(v)) for k, v in votes.items() if len(v) == 1}


def _garment_acts(
    cue: Cue, match: re.Match[str], sentence: str, genders: dict[str, str]
) -> tuple[str, ...] | None:
    """undressing-self or undressing-partner, from whose clothes they are (her/his) and who
    acts (the sentence's subject); None when a `who: partner` cue turns out to be one's own."""
    groups = match.groupdict()
    poss = groups.get("poss") or groups.get("poss2") or groups.get("poss3") or groups.get("poss4")
    if not poss:
        return ("undressing-self",)
    subject = _subject_gender(sentence, genders)
    owner = _PRONOUN_GENDER.get(poss.lower(), "")
    if subject and subject == owner:
        return None if cue.who == "partner" else ("undressing-self",)
    return ("undressing-partner",)


def _read_line(line: Line, index: int, lexicon: Lexicon, genders: dict[str, str]) -> list[_Hit]:
    quick = lexicon.prefilter.get(line.kind)
    if quick is None or not quick.search(line.text.lower()):
        return []
    cues = [cue for cue in lexicon.cues if line.kind in cue.kinds]
    hits: list[_Hit] = []
    for sentence in _sentences(_mask(line.text, lexicon.masks)):
        found: dict[str, _Hit] = {}
        lowered = sentence.lower()
        if len(lowered) != len(sentence):  # a rare letter whose lower case is longer
            lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in sentence)
        for cue in cues:
            for match in cue.pattern.finditer(lowered):
                if cue.negatable and _negated(lowered, match.start(), lexicon.negators):
                    continue
                acts = cue.acts
                if cue.who:
                    whose = _garment_acts(cue, match, sentence, genders)
                    if whose is None:
                        continue
                    acts = whose
                found[cue.id] = _Hit(cue, index, acts)
                break
        cancelled = {c for hit in found.values() for c in hit.cue.cancels}
        for cue_id, hit in found.items():
            if cue_id in cancelled:
                continue
            if hit.cue.with_ and not any(w in found and w not in cancelled for w in hit.cue.with_):
                continue
            hits.append(hit)
    return hits


def flag_scene(
    scene: Scene,
    taxonomy: Taxonomy,
    *,
    adult: bool = False,
    lexicon: Lexicon | None = None,
) -> Flag:
    """Whether `scene` needs an intimacy coordinator, the acts to suggest (taxonomy ids, in
    taxonomy order) and the evidence: each line that led there, whole, with its acts."""
    lexicon = lexicon or load_lexicon()
    lines = scene.lines
    genders = _learn_genders(lines)
    hits = [hit for i, line in enumerate(lines) for hit in _read_line(line, i, lexicon, genders)]

    fade_lines = [
        i
        for i, line in enumerate(lines)
        if line.kind in FADE_KINDS and lexicon.fades.search(line.text)
    ]
    faded = [
        hit
        for hit in hits
        if (hit.cue.fade or hit.cue.level == "fade") and any(f > hit.index for f in fade_lines)
    ]
    intimate = any(hit.cue.level == "alone" for hit in hits) or bool(faded)
    if not intimate:
        return Flag(intimate=False, acts=(), evidence=())

    sex = any(hit.cue.sex for hit in hits)
    kept = [
        hit
        for hit in hits
        if hit.cue.level in ("alone", "intimate")
        or (hit.cue.level == "sex" and sex)
        or hit in faded
    ]
    by_line: dict[int, set[str]] = {}
    for hit in kept:
        acts = by_line.setdefault(hit.index, set())
        for act in hit.acts:
            if not adult and taxonomy.acts.get(act) is not None and taxonomy.acts[act].real_sex:
                act = lexicon.simulated.get(act, act)
            if act in taxonomy.acts:
                acts.add(act)
    if faded and not any(h.cue.level == "alone" for h in hits):
        last = max(h.index for h in faded)
        for f in fade_lines:
            if f > last:
                by_line.setdefault(f, set())
                break

    order = {act_id: n for n, act_id in enumerate(taxonomy.acts)}
    evidence = tuple(
        Evidence(
            line=lines[i].number,
            text=lines[i].text,
            acts=tuple(sorted(by_line[i], key=order.__getitem__)),
        )
        for i in sorted(by_line)
    )
    all_acts = {act for acts in by_line.values() for act in acts}
    return Flag(
        intimate=True,
        acts=tuple(sorted(all_acts, key=order.__getitem__)),
        evidence=evidence,
    )
