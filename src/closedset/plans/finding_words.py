"""The check's findings said in another language, from each finding's own fields, in the fixed
shape of docs/translation.md ("„partner/ka → Mara: plácnutí (obličej)“ je pevná hranice").

No Django here: the coordinator's pages (plans.reasons, with Django's gettext) and the command
(`closedset check --lang cs`, with its own catalogs) say them from this one place. `gettext` is
passed in; its messages are in the plans catalog.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from closedset.core.check import MAINSTREAM_REASON, Finding
from closedset.core.taxonomy import Intensity, Taxonomy
from closedset.core.words import fill, words_in

_ABOVE = re.compile(r"^ at (\w+) is above their limit of (\w+)$")
_ONLY_WITH = re.compile(r"^ only with (.*), not with (.+)$")
_BARRIER = re.compile(r"^ needs (a condom|a barrier or condom); the beat has (\w+)$")
_NOT_CAST = re.compile(r"^role (.+) is not cast yet$")


def _english_what(finding: Finding) -> str:
    """How core.check names the act in a reason (its _what): 'giving slap to face'."""
    what = finding.act if finding.zone is None else f"{finding.act} to {finding.zone}"
    return f"giving {what}" if finding.direction == "give" else what


def _what(finding: Finding, name: str, taxonomy: Taxonomy) -> str:
    """The act between the performer and a partner, in the fixed shape: "Jonas → partner/ka:
    plácnutí (obličej)", "partner/ka → Mara: plácnutí (obličej)", "Mara: nahoře bez"."""
    words = words_in(taxonomy.lang)
    act = taxonomy.acts[finding.act]
    zone = ""
    if finding.zone is not None:
        found = taxonomy.zones.get(finding.zone)
        zone = found.label.lower() if found else words("body")
    label = act.label[:1].lower() + act.label[1:]
    if act.phrase is None:
        return f"{name}: {label} ({zone})" if zone else f"{name}: {label}"
    partner = words("a-partner")
    doer, receiver = (name, partner) if finding.direction in ("give", "self") else (partner, name)
    values = {
        "to's": receiver,
        "to": receiver,
        "zone": zone or words("body"),
        "own": words("own-their"),
        "by": doer,
    }
    return fill(act.phrase, values)


def _level(name: str, lang: str) -> str:
    return words_in(lang)(f"level:{name}") if name in Intensity.names() else name


def finding_words(
    finding: Finding,
    names: Mapping[str, str],
    taxonomy: Taxonomy,
    gettext: Callable[[str], str],
) -> str:
    """The finding said in the taxonomy's language with `gettext` (which reads that
    language's catalog); "" for a reason this module does not know."""
    lang = taxonomy.lang
    words = words_in(lang)
    reason = finding.reason
    if reason == MAINSTREAM_REASON:
        return words("mainstream")
    not_cast = _NOT_CAST.match(reason)
    if not_cast:
        return gettext("Role %(role)s is not cast yet.") % {"role": not_cast.group(1)}
    handle = finding.performer or ""
    name = names.get(handle) or handle
    head = f"{handle}: {_english_what(finding)}"
    if not reason.startswith(head):
        return ""
    tail = reason[len(head) :]
    what = _what(finding, name, taxonomy)
    simple = {
        " is a yes": gettext("“%(what)s”: yes."),
        " was not discussed": gettext("“%(what)s” was not discussed: talk it through one-on-one."),
        " is a soft limit; talk it through one-on-one": gettext(
            "“%(what)s” is a soft limit: talk it through one-on-one."
        ),
        " is a hard limit": gettext("“%(what)s” is a hard limit."),
        " is a maybe; talk it through one-on-one": gettext(
            "“%(what)s” is a maybe: talk it through one-on-one."
        ),
    }
    if tail in simple:
        return simple[tail] % {"what": what}
    above = _ABOVE.match(tail)
    if above:
        return gettext("“%(what)s” is allowed up to %(max)s only; this beat is %(this)s.") % {
            "what": what,
            "max": _level(above.group(2), lang),
            "this": _level(above.group(1), lang),
        }
    only_with = _ONLY_WITH.match(tail)
    if only_with:
        allowed = [h for h in only_with.group(1).split(", ") if h and h != "no one"]
        return gettext("“%(what)s” only with %(allowed)s; this beat is with %(partner)s.") % {
            "what": what,
            "allowed": words.join([names.get(h, h) for h in allowed])
            if allowed
            else words("no-one"),
            "partner": names.get(only_with.group(2), only_with.group(2)),
        }
    barrier = _BARRIER.match(tail)
    if barrier:
        asked = "asked:condom" if barrier.group(1) == "a condom" else "asked:barrier"
        given = barrier.group(2)
        return gettext("“%(what)s” needs %(asked)s; this beat has %(given)s.") % {
            "what": what,
            "asked": words(asked),
            "given": words(f"barrier:{given}") if given in ("none", "condom", "barrier") else given,
        }
    return ""
