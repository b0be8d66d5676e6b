"""A boundary profile in plain words: what a performer (or their coordinator) reads.

Acts are named by their taxonomy labels, people by their names, directions as who does what
to whom. Nothing here shows an act id, a field name, a list index or a pattern.

Every text is in the page's language: Django's catalogs for the sentences, the taxonomy and
core words (`lang=current_language()`) for labels, names and levels. Outside English an act
is "doer → receiver: label", so no name is ever declined (docs/translation.md).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from closedset.core.errors import BadInput, close_matches, excerpt
from closedset.core.profile import Boundary
from closedset.core.profile import BoundaryProfile as CoreProfile
from closedset.core.taxonomy import ANSWERS, BARRIERS, Intensity, Taxonomy, load_taxonomy
from closedset.core.words import Words, words_in
from closedset.lib.i18n import current_language

DIRECTION_LABELS: dict[str, str | Promise] = {
    "give": gettext_lazy("You do it to a partner"),
    "receive": gettext_lazy("A partner does it to you"),
    "self": gettext_lazy("You, on camera"),
}
ANSWER_LABELS: dict[str, str | Promise] = {
    "yes": gettext_lazy("Yes"),
    "no": gettext_lazy("No"),
    "maybe": gettext_lazy("Maybe"),
    "": gettext_lazy("Not discussed"),
}
BARRIER_LABELS: dict[str, str | Promise] = {
    "none": gettext_lazy("Nothing required"),
    "condom": gettext_lazy("A condom"),
    "barrier": gettext_lazy("A barrier (condom or dental dam)"),
}
BARRIER_SENTENCES: dict[str, str | Promise] = {
    "none": gettext_lazy("Partners need no condom or barrier for oral and penetrative acts."),
    "condom": gettext_lazy("Partners must use a condom for oral and penetrative acts."),
    "barrier": gettext_lazy(
        "Partners must use a barrier (condom or dental dam) for oral and penetrative acts."
    ),
}
LIMIT_LABELS: dict[str, str | Promise] = {
    "hard": gettext_lazy("a hard limit (never negotiable)"),
    "soft": gettext_lazy("a soft limit (open to talking it through)"),
}


def taxonomy() -> Taxonomy:
    """The taxonomy in the page's language."""
    return load_taxonomy(lang=current_language())


def core_words() -> Words:
    """core.words' texts ("you", "a partner", levels, "and") in the page's language."""
    return words_in(current_language())


def answer_in_sentence(answer: str) -> str:
    """yes / no / maybe as a word inside a sentence ("You say no to …")."""
    found = {
        "yes": pgettext("an answer inside a sentence", "yes"),
        "no": pgettext("an answer inside a sentence", "no"),
        "maybe": pgettext("an answer inside a sentence", "maybe"),
    }
    return found.get(answer, answer)


def level_word(level: Intensity) -> str:
    """light / medium / hard in the page's language (core words, the same as a beat's)."""
    return core_words()(f"level:{level.name}")


def _lower_first(text: str) -> str:
    # "Slap" -> "slap", but "Mutual oral sex (69)" keeps its own words; labels are nouns.
    return text[:1].lower() + text[1:] if text[1:2].islower() or len(text) == 1 else text


def act_label(act_id: str) -> str:
    act = taxonomy().acts.get(act_id)
    return act.label if act else _("an act no longer in the list")


def zone_label(zone_id: str) -> str:
    zone = taxonomy().zones.get(zone_id)
    return zone.label.lower() if zone else _("a body part no longer in the list")


def act_phrase(act_id: str, direction: str, who: str | None = None) -> str:
    """'slap, done to you' / 'kiss, done by you to a partner' / 'topless nudity'.

    `who` is a person's name for a reader other than the performer (the coordinator).
    """
    label = _lower_first(act_label(act_id))
    if current_language() != "en":
        # "partner/ka → ty: plácnutí": names stay in the nominative (docs/translation.md).
        said = core_words()
        person = who or said.you
        if direction == "receive":
            return f"{said('a-partner')} → {person}: {label}"
        if direction == "give":
            return f"{person} → {said('a-partner')}: {label}"
        return label
    person = who or "you"
    if direction == "receive":
        return f"{label}, done to {person}"
    if direction == "give":
        return f"{label}, done by {person} to a partner"
    return label


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def people(handles: tuple[str, ...] | list[str], names: Mapping[str, str]) -> str:
    said = core_words()
    if not handles:
        return said("no-one")
    outside = _("a performer outside your productions")
    return said.join([names.get(h, outside) for h in handles])


def zones_phrase(zones: Mapping[str, str]) -> str:
    """'no on the face, maybe on the buttocks'"""
    return ", ".join(
        _("%(answer)s on the %(zone)s")
        % {"answer": answer_in_sentence(answer), "zone": zone_label(zone)}
        for zone, answer in zones.items()
    )


def entry_sentence(entry: Boundary, names: Mapping[str, str]) -> str:
    """One answer as the performer reads it: 'You say yes to slap, done to you; no on the
    face. At most light. Only with Jonas.'"""
    phrase = act_phrase(entry.act, entry.direction)
    text = _("You say %(answer)s to %(what)s") % {
        "answer": answer_in_sentence(entry.answer),
        "what": phrase,
    }
    if entry.zones:
        text += "; " + zones_phrase(entry.zones)
    text += "."
    return text + "".join(" " + part for part in entry_details(entry, names))


def entry_details(entry: Boundary, names: Mapping[str, str]) -> list[str]:
    """The refinements of an answer, each a short sentence."""
    parts = []
    if entry.max_intensity is not None:
        parts.append(_("At most %(level)s.") % {"level": level_word(entry.max_intensity)})
    if entry.answer == "no" or "no" in entry.zones.values():
        parts.append(_("Your no is %(limit)s.") % {"limit": LIMIT_LABELS[entry.limit]})
    if entry.partners is not None:
        parts.append(_("Only with %(people)s.") % {"people": people(entry.partners, names)})
    if entry.note:
        parts.append(_("You left a note for the coordinator."))
    return parts


# ---------------------------------------------------------------- what changed


def changes(old: CoreProfile | None, new: CoreProfile, names: Mapping[str, str]) -> list[str]:
    """What a version changed against the one before it, one sentence a change."""
    lines: list[str] = []
    old_barrier = old.barrier if old else "none"
    if new.barrier != old_barrier:
        lines.append(
            _("You changed what partners must use: %(barrier)s.")
            % {"barrier": BARRIER_LABELS[new.barrier]}
        )
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
    what = {"what": phrase}
    if after is None:
        return [_("You took back your answer to %(what)s: it is not discussed again.") % what]
    lines = []
    if before is None or before.answer != after.answer:
        lines.append(
            _("You now say %(answer)s to %(what)s.")
            % (what | {"answer": answer_in_sentence(after.answer)})
        )
    old_zones = before.zones if before else {}
    for zone, answer in after.zones.items():
        if old_zones.get(zone) != answer:
            lines.append(
                _("You now say %(answer)s to %(what)s, on the %(zone)s.")
                % (what | {"answer": answer_in_sentence(answer), "zone": zone_label(zone)})
            )
    for zone in old_zones:
        if zone not in after.zones:
            lines.append(
                _("Your answer to %(what)s on the %(zone)s is now the same as for the rest.")
                % (what | {"zone": zone_label(zone)})
            )
    old_intensity = before.max_intensity if before else None
    if after.max_intensity != old_intensity:
        if after.max_intensity is None:
            lines.append(_("You no longer limit how intense %(what)s may be.") % what)
        else:
            lines.append(
                _("For %(what)s you now accept at most %(level)s.")
                % (what | {"level": level_word(after.max_intensity)})
            )
    had_no = before is not None and (before.answer == "no" or "no" in before.zones.values())
    has_no = after.answer == "no" or "no" in after.zones.values()
    if has_no and had_no and before is not None and before.limit != after.limit:
        lines.append(
            _("Your no to %(what)s is now %(limit)s.")
            % (what | {"limit": LIMIT_LABELS[after.limit]})
        )
    elif has_no and not had_no and after.limit == "soft":
        lines.append(
            _("Your no to %(what)s is %(limit)s.") % (what | {"limit": LIMIT_LABELS["soft"]})
        )
    old_partners = before.partners if before else None
    if after.partners != old_partners:
        if after.partners is None:
            lines.append(_("%(what)s: now with any partner.") % {"what": _capital(phrase)})
        else:
            lines.append(
                _("%(what)s: now only with %(people)s.")
                % {"what": _capital(phrase), "people": people(after.partners, names)}
            )
    old_note = before.note if before else None
    if after.note != old_note:
        if not after.note:
            lines.append(_("You removed your note for the coordinator about %(what)s.") % what)
        elif not old_note:
            lines.append(_("You added a note for the coordinator about %(what)s.") % what)
        else:
            lines.append(_("You changed your note for the coordinator about %(what)s.") % what)
    return lines


# ---------------------------------------------------------------- the coordinator's summary


def is_no(entry: Boundary) -> bool:
    return entry.answer == "no" or "no" in entry.zones.values()


def limit_sentence(entry: Boundary, who: str) -> str:
    """'Slap, done to Mara: no on the face.' for a hard or soft no."""
    phrase = _capital(act_phrase(entry.act, entry.direction, who))
    if entry.answer == "no":
        if not entry.zones:
            return _("%(what)s: no.") % {"what": phrase}
        return _("%(what)s: no, %(zones)s.") % {"what": phrase, "zones": zones_phrase(entry.zones)}
    nos = [zone_label(z) for z, a in entry.zones.items() if a == "no"]
    return _("%(what)s: no on the %(zones)s.") % {"what": phrase, "zones": ", ".join(nos)}


def maybe_sentence(entry: Boundary, who: str) -> str:
    phrase = _capital(act_phrase(entry.act, entry.direction, who))
    if entry.answer == "maybe":
        return _("%(what)s: maybe.") % {"what": phrase}
    maybes = [zone_label(z) for z, a in entry.zones.items() if a == "maybe"]
    return _("%(what)s: maybe on the %(zones)s.") % {"what": phrase, "zones": ", ".join(maybes)}


def condition_sentences(entry: Boundary, who: str, names: Mapping[str, str]) -> list[str]:
    phrase = _capital(act_phrase(entry.act, entry.direction, who))
    found = []
    if entry.max_intensity is not None:
        found.append(
            _("%(what)s: at most %(level)s.")
            % {"what": phrase, "level": level_word(entry.max_intensity)}
        )
    if entry.partners is not None:
        found_people = people(entry.partners, names).replace(
            _("a performer outside your productions"), _("a performer outside this production")
        )
        found.append(
            _("%(what)s: only with %(people)s.") % {"what": phrase, "people": found_people}
        )
    return found


# ---------------------------------------------------------------- errors, for the performer

_INDEX = re.compile(r"boundaries\[(\d+)\]:?\s*")
_QUOTED = re.compile(r"'([^']*)'")


def _quoted(message: str) -> str:
    found = _QUOTED.search(message)
    return found.group(1) if found else ""


def _or(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return _("%(first)s or %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


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
    acts = taxonomy().acts
    if isinstance(act, str) and act in acts:
        if isinstance(direction, str) and direction in acts[act].directions:
            return _capital(act_phrase(act, direction))
        return acts[act].label
    return ""


def _written(value: object) -> str:
    """ "You wrote 'brutal'; " when there is a value to quote."""
    if value is None or value == "" or isinstance(value, dict | list):
        return ""
    return _("you wrote '%(value)s', but ") % {"value": excerpt(value)}


def plain_error(error: BadInput, data: object = None) -> str:
    """A core format error rewritten for the performer: where (line, act) and what to do."""
    message = error.message
    where = _("On line %(line)s") % {"line": error.line} if error.line else ""
    index_found = _INDEX.search(message)
    raw = _raw_entry(data, int(index_found.group(1))) if index_found else {}
    which = _which(raw)
    text = _plain_reason(error, message, raw)
    prefix = ", ".join(part for part in (where, which) if part)
    return (
        _("%(where)s: %(reason)s") % {"where": prefix, "reason": text} if prefix else _capital(text)
    )


def _plain_reason(error: BadInput, message: str, raw: dict[str, object]) -> str:
    found = taxonomy()
    field = error.field
    body = _INDEX.sub("", message)
    if "is answered twice" in body:
        return _("this act and direction are answered twice; keep one of the two answers.")
    if "unknown field" in body:
        return _(
            "'%(name)s' is not something a profile file can hold; "
            "remove that line or check its spelling."
        ) % {"name": _quoted(body)}
    if "must be a mapping of fields" in body:
        return _("each answer needs its own lines for the act, the direction and the answer.")
    if field == "act":
        value = raw.get("act")
        if not value:
            return _("each answer needs the act it is about.")
        labels = {act.id: act.label for act in found.acts.values()}
        guesses = [labels[m] for m in close_matches(value, labels)]
        return _(
            "there is no act called '%(value)s'. Did you mean %(guesses)s? "
            "In a file, write the act the way your own exported file does."
        ) % {"value": excerpt(value), "guesses": _or(guesses)}
    if field == "direction":
        act = found.acts.get(str(raw.get("act")))
        ways = [str(DIRECTION_LABELS[d]).lower() for d in act.directions] if act else []
        value = excerpt(raw.get("direction"))
        if ways:
            return _(
                "'%(value)s' is not a way to answer this act; it can be answered as "
                "%(ways)s. Your own exported file shows how each is written."
            ) % {"value": value, "ways": _or([f"'{w}'" for w in ways])}
        return _(
            "'%(value)s' is not a way to answer this act. "
            "Your own exported file shows how each is written."
        ) % {"value": value}
    written = _written(raw.get(field or "") if raw else _quoted(body))
    if field == "answer":
        return written + _("the answer must be yes, no or maybe.")
    if field == "zones":
        act = found.acts.get(str(raw.get("act")))
        if act is not None and not act.zones:
            return _("this act is not answered body part by body part; remove the zones.")
        if "answer" in body and "is not one of" in body:
            return _("each body part's answer must be yes, no or maybe.")
        zone = _quoted(body)
        valid = [found.zones[z].label.lower() for z in (act.zones if act else ())]
        return _(
            "'%(zone)s' is not a body part this act can be answered for. Choose from: %(valid)s."
        ) % {"zone": excerpt(zone), "valid": ", ".join(valid)}
    if field == "max_intensity":
        # The file holds the English level names, whatever the page's language.
        return written + _("the most intense you accept must be %(levels)s.") % {
            "levels": _or(Intensity.names())
        }
    if field == "limit":
        return written + _("a no is either a hard limit or a soft limit: write hard or soft.")
    if field == "partners":
        return _(
            "'%(name)s' is not one of the performers you share a "
            "production with. Write their name as it appears in your productions, or "
            "leave the partners out to mean anyone."
        ) % {"name": excerpt(_quoted(body))}
    if field == "barrier":
        return written + _("what partners must use is one of %(choices)s.") % {
            "choices": _or(list(BARRIERS))
        }
    if field == "performer":
        return _("this profile belongs to someone else. Import a file of your own.")
    if field == "version":
        return _("the version must be a whole number, or left out.")
    if field in ("name", "note"):
        return _("this must be plain text.")
    if field == "boundaries":
        return _("the answers must be a list, one answer after another.")
    if "not valid YAML or JSON" in body:
        return _(
            "this file cannot be read as a profile: a bracket, quote or indent is off near "
            "here. Fix that line, or export your profile again and start from that file."
        )
    # Anything else (the file itself could not be read): keep its reason, minus internals.
    body = re.sub(r"\s*\([^)]*a-z[^)]*\)", "", body)
    for act_id, act in found.acts.items():
        body = re.sub(rf"(?<![\w-]){re.escape(act_id)}(?![\w-])", act.label, body)
    return body


def answer_word(answer: str) -> str:
    return str(ANSWER_LABELS.get(answer, answer))


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
