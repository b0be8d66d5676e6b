"""A boundary profile in plain words: what a performer (or their coordinator) reads.

Acts are named by their taxonomy labels, people by their names, directions as who does what
to whom. Nothing here shows an act id, a field name, a list index or a pattern.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from closedset.core.errors import BadInput, close_matches, excerpt
from closedset.core.profile import Boundary
from closedset.core.profile import BoundaryProfile as CoreProfile
from closedset.core.taxonomy import ANSWERS, BARRIERS, Intensity, load_taxonomy

DIRECTION_LABELS = {
    "give": "You do it to a partner",
    "receive": "A partner does it to you",
    "self": "You, on camera",
}
ANSWER_LABELS = {"yes": "Yes", "no": "No", "maybe": "Maybe", "": "Not discussed"}
BARRIER_LABELS = {
    "none": "Nothing required",
    "condom": "A condom",
    "barrier": "A barrier (condom or dental dam)",
}
BARRIER_SENTENCES = {
    "none": "Partners need no condom or barrier for oral and penetrative acts.",
    "condom": "Partners must use a condom for oral and penetrative acts.",
    "barrier": "Partners must use a barrier (condom or dental dam) for oral and penetrative acts.",
}
LIMIT_LABELS = {
    "hard": "a hard limit (never negotiable)",
    "soft": "a soft limit (open to talking it through)",
}


def _lower_first(text: str) -> str:
    # "Slap" -> "slap", but "Mutual oral sex (69)" keeps its own words; labels are nouns.
    return text[:1].lower() + text[1:] if text[1:2].islower() or len(text) == 1 else text


def act_label(act_id: str) -> str:
    act = load_taxonomy().acts.get(act_id)
    return act.label if act else "an act no longer in the list"


def zone_label(zone_id: str) -> str:
    zone = load_taxonomy().zones.get(zone_id)
    return zone.label.lower() if zone else "a body part no longer in the list"


def act_phrase(act_id: str, direction: str, who: str | None = None) -> str:
    """'slap, done to you' / 'kiss, done by you to a partner' / 'topless nudity'.

    `who` is a person's name for a reader other than the performer (the coordinator).
    """
    label = _lower_first(act_label(act_id))
    person = who or "you"
    if direction == "receive":
        return f"{label}, done to {person}"
    if direction == "give":
        return f"{label}, done by {person} to a partner"
    return label


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def people(handles: tuple[str, ...] | list[str], names: Mapping[str, str]) -> str:
    if not handles:
        return "no one"
    shown = [names.get(h, "a performer outside your productions") for h in handles]
    return ", ".join(shown[:-1]) + " and " + shown[-1] if len(shown) > 1 else shown[0]


def zones_phrase(zones: Mapping[str, str]) -> str:
    """'no on the face, maybe on the buttocks'"""
    return ", ".join(f"{answer} on the {zone_label(zone)}" for zone, answer in zones.items())


def entry_sentence(entry: Boundary, names: Mapping[str, str]) -> str:
    """One answer as the performer reads it: 'You say yes to slap, done to you; no on the
    face. At most light. Only with Jonas.'"""
    phrase = act_phrase(entry.act, entry.direction)
    text = f"You say {entry.answer} to {phrase}"
    if entry.zones:
        text += "; " + zones_phrase(entry.zones)
    text += "."
    return text + "".join(" " + part for part in entry_details(entry, names))


def entry_details(entry: Boundary, names: Mapping[str, str]) -> list[str]:
    """The refinements of an answer, each a short sentence."""
    parts = []
    if entry.max_intensity is not None:
        parts.append(f"At most {entry.max_intensity.name}.")
    if entry.answer == "no" or "no" in entry.zones.values():
        parts.append(f"Your no is {LIMIT_LABELS[entry.limit]}.")
    if entry.partners is not None:
        parts.append(f"Only with {people(entry.partners, names)}.")
    if entry.note:
        parts.append("You left a note for the coordinator.")
    return parts


# ---------------------------------------------------------------- what changed


def changes(old: CoreProfile | None, new: CoreProfile, names: Mapping[str, str]) -> list[str]:
    """What a version changed against the one before it, one sentence a change."""
    lines: list[str] = []
    old_barrier = old.barrier if old else "none"
    if new.barrier != old_barrier:
        lines.append("You changed what partners must use: " + BARRIER_LABELS[new.barrier] + ".")
    order = {a: i for i, a in enumerate(load_taxonomy().acts)}
    keys = {(e.act, e.direction) for e in new.boundaries}
    if old:
        keys |= {(e.act, e.direction) for e in old.boundaries}
    for act, direction in sorted(keys, key=lambda k: (order.get(k[0], 0), k[1])):
        before = old.boundary(act, direction) if old else None
        after = new.boundary(act, direction)
        lines.extend(_entry_changes(act, direction, before, after, names))
    return lines


def _entry_changes(
    act: str,
    direction: str,
    before: Boundary | None,
    after: Boundary | None,
    names: Mapping[str, str],
) -> list[str]:
    phrase = act_phrase(act, direction)
    if after is None:
        return [f"You took back your answer to {phrase}: it is not discussed again."]
    lines = []
    if before is None or before.answer != after.answer:
        lines.append(f"You now say {after.answer} to {phrase}.")
    old_zones = before.zones if before else {}
    for zone, answer in after.zones.items():
        if old_zones.get(zone) != answer:
            lines.append(f"You now say {answer} to {phrase}, on the {zone_label(zone)}.")
    for zone in old_zones:
        if zone not in after.zones:
            lines.append(
                f"Your answer to {phrase} on the {zone_label(zone)} is now the same as "
                "for the rest."
            )
    old_intensity = before.max_intensity if before else None
    if after.max_intensity != old_intensity:
        if after.max_intensity is None:
            lines.append(f"You no longer limit how intense {phrase} may be.")
        else:
            lines.append(f"For {phrase} you now accept at most {after.max_intensity.name}.")
    had_no = before is not None and (before.answer == "no" or "no" in before.zones.values())
    has_no = after.answer == "no" or "no" in after.zones.values()
    if has_no and had_no and before is not None and before.limit != after.limit:
        lines.append(f"Your no to {phrase} is now {LIMIT_LABELS[after.limit]}.")
    elif has_no and not had_no and after.limit == "soft":
        lines.append(f"Your no to {phrase} is {LIMIT_LABELS['soft']}.")
    old_partners = before.partners if before else None
    if after.partners != old_partners:
        if after.partners is None:
            lines.append(f"{_capital(phrase)}: now with any partner.")
        else:
            lines.append(f"{_capital(phrase)}: now only with {people(after.partners, names)}.")
    old_note = before.note if before else None
    if after.note != old_note:
        if not after.note:
            lines.append(f"You removed your note for the coordinator about {phrase}.")
        elif not old_note:
            lines.append(f"You added a note for the coordinator about {phrase}.")
        else:
            lines.append(f"You changed your note for the coordinator about {phrase}.")
    return lines


# ---------------------------------------------------------------- the coordinator's summary


def is_no(entry: Boundary) -> bool:
    return entry.answer == "no" or "no" in entry.zones.values()


def limit_sentence(entry: Boundary, who: str) -> str:
    """'Slap, done to Mara: no on the face.' for a hard or soft no."""
    phrase = _capital(act_phrase(entry.act, entry.direction, who))
    if entry.answer == "no":
        return (
            f"{phrase}: no."
            if not entry.zones
            else f"{phrase}: no, " + (zones_phrase(entry.zones) + ".")
        )
    nos = {z: a for z, a in entry.zones.items() if a == "no"}
    return f"{phrase}: no on the " + ", ".join(zone_label(z) for z in nos) + "."


def maybe_sentence(entry: Boundary, who: str) -> str:
    phrase = _capital(act_phrase(entry.act, entry.direction, who))
    if entry.answer == "maybe":
        return f"{phrase}: maybe."
    maybes = [z for z, a in entry.zones.items() if a == "maybe"]
    return f"{phrase}: maybe on the " + ", ".join(zone_label(z) for z in maybes) + "."


def condition_sentences(entry: Boundary, who: str, names: Mapping[str, str]) -> list[str]:
    phrase = _capital(act_phrase(entry.act, entry.direction, who))
    found = []
    if entry.max_intensity is not None:
        found.append(f"{phrase}: at most {entry.max_intensity.name}.")
    if entry.partners is not None:
        found_people = people(entry.partners, names).replace(
            "a performer outside your productions", "a performer outside this production"
        )
        found.append(f"{phrase}: only with {found_people}.")
    return found


# ---------------------------------------------------------------- errors, for the performer

_INDEX = re.compile(r"boundaries\[(\d+)\]:?\s*")
_QUOTED = re.compile(r"'([^']*)'")


def _quoted(message: str) -> str:
    found = _QUOTED.search(message)
    return found.group(1) if found else ""


def _or(items: list[str]) -> str:
    return ", ".join(items[:-1]) + " or " + items[-1] if len(items) > 1 else "".join(items)


def _raw_entry(data: object, index: int) -> dict[str, object]:
    if isinstance(data, dict):
        entries = data.get("boundaries")
        if isinstance(entries, list) and 0 <= index < len(entries):
            entry = entries[index]
            if isinstance(entry, dict):
                return entry
    return {}


def _which(raw: dict[str, object]) -> str:
    """The answer an error is about, named by its act and direction where they are valid."""
    act, direction = raw.get("act"), raw.get("direction")
    taxonomy = load_taxonomy()
    if isinstance(act, str) and act in taxonomy.acts:
        if isinstance(direction, str) and direction in taxonomy.acts[act].directions:
            return _capital(act_phrase(act, direction))
        return taxonomy.acts[act].label
    return ""


def _written(value: object) -> str:
    """ "You wrote 'brutal'; " when there is a value to quote."""
    if value is None or value == "" or isinstance(value, dict | list):
        return ""
    return f"you wrote '{excerpt(value)}', but "


def plain_error(error: BadInput, data: object = None) -> str:
    """A core format error rewritten for the performer: where (line, act) and what to do."""
    message = error.message
    where = f"On line {error.line}" if error.line else ""
    index_found = _INDEX.search(message)
    raw = _raw_entry(data, int(index_found.group(1))) if index_found else {}
    which = _which(raw)
    text = _plain_reason(error, message, raw)
    prefix = ", ".join(part for part in (where, which) if part)
    return f"{prefix}: {text}" if prefix else _capital(text)


def _plain_reason(error: BadInput, message: str, raw: dict[str, object]) -> str:
    taxonomy = load_taxonomy()
    field = error.field
    body = _INDEX.sub("", message)
    if "is answered twice" in body:
        return "this act and direction are answered twice; keep one of the two answers."
    if "unknown field" in body:
        return (
            f"'{_quoted(body)}' is not something a profile file can hold; "
            "remove that line or check its spelling."
        )
    if "must be a mapping of fields" in body:
        return "each answer needs its own lines for the act, the direction and the answer."
    if field == "act":
        value = raw.get("act")
        if not value:
            return "each answer needs the act it is about."
        labels = {act.id: act.label for act in taxonomy.acts.values()}
        guesses = [labels[m] for m in close_matches(value, labels)]
        return (
            f"there is no act called '{excerpt(value)}'. Did you mean {_or(guesses)}? "
            "In a file, write the act the way your own exported file does."
        )
    if field == "direction":
        act = taxonomy.acts.get(str(raw.get("act")))
        ways = [DIRECTION_LABELS[d].lower() for d in act.directions] if act else []
        value = excerpt(raw.get("direction"))
        return (
            f"'{value}' is not a way to answer this act; it can be answered as "
            + _or([f"'{w}'" for w in ways])
            if ways
            else f"'{value}' is not a way to answer this act"
        ) + ". Your own exported file shows how each is written."
    written = _written(raw.get(field or "") if raw else _quoted(body))
    if field == "answer":
        return f"{written}the answer must be yes, no or maybe."
    if field == "zones":
        act = taxonomy.acts.get(str(raw.get("act")))
        if act is not None and not act.zones:
            return "this act is not answered body part by body part; remove the zones."
        if "answer" in body and "is not one of" in body:
            return "each body part's answer must be yes, no or maybe."
        zone = _quoted(body)
        valid = [taxonomy.zones[z].label.lower() for z in (act.zones if act else ())]
        return (
            f"'{excerpt(zone)}' is not a body part this act can be answered for. "
            f"Choose from: {', '.join(valid)}."
        )
    if field == "max_intensity":
        return f"{written}the most intense you accept must be " + _or(Intensity.names()) + "."
    if field == "limit":
        return f"{written}a no is either a hard limit or a soft limit: write hard or soft."
    if field == "partners":
        return (
            f"'{excerpt(_quoted(body))}' is not one of the performers you share a "
            "production with. Write their name as it appears in your productions, or "
            "leave the partners out to mean anyone."
        )
    if field == "barrier":
        return f"{written}what partners must use is one of " + _or(list(BARRIERS)) + "."
    if field == "performer":
        return "this profile belongs to someone else. Import a file of your own."
    if field == "version":
        return "the version must be a whole number, or left out."
    if field in ("name", "note"):
        return "this must be plain text."
    if field == "boundaries":
        return "the answers must be a list, one answer after another."
    if "not valid YAML or JSON" in body:
        return (
            "this file cannot be read as a profile: a bracket, quote or indent is off near "
            "here. Fix that line, or export your profile again and start from that file."
        )
    # Anything else (the file itself could not be read): keep its reason, minus internals.
    body = re.sub(r"\s*\([^)]*a-z[^)]*\)", "", body)
    for act_id, act in taxonomy.acts.items():
        body = re.sub(rf"(?<![\w-]){re.escape(act_id)}(?![\w-])", act.label, body)
    return body


def answer_word(answer: str) -> str:
    return ANSWER_LABELS.get(answer, answer)


__all__ = [
    "ANSWERS",
    "ANSWER_LABELS",
    "BARRIER_LABELS",
    "DIRECTION_LABELS",
    "act_phrase",
    "changes",
    "entry_sentence",
    "plain_error",
]
