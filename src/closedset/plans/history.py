"""A plan's saved versions as people read them: what changed, in words; two versions side by
side; an old version restored as a new one; the working plan's unsaved changes.

`plan_diff` is pure: two formats.md plan dicts and a way to name people give a list of
sentences ("Beat b3 added: Jonas slaps Mara's buttocks, lightly"). The rest reads versions
through plans.services, so the same access rules hold. Nothing here runs the check: the
director may compare versions' beats but never learns a status from these pages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext, pgettext

from closedset.accounts.models import User
from closedset.core.plan import Beat as CoreBeat
from closedset.core.taxonomy import BARRIERS, Intensity, Taxonomy, load_taxonomy
from closedset.core.words import Persons, beat_sentence, words_in
from closedset.lib.errors import Forbidden, InvalidInput, require_known_ids
from closedset.lib.i18n import current_language
from closedset.plans import services
from closedset.plans.models import PlanVersion, ScenePlan
from closedset.productions.models import Scene
from closedset.productions.services import get_scene

Names = Callable[[str], str]

BEAT_FIELDS = ("act", "by", "to", "zone", "intensity", "barrier")


# ---------------------------------------------------------------- words for one plan


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _act_label(act: str, taxonomy: Taxonomy) -> str:
    found = taxonomy.acts.get(act)
    return found.label if found else act


def _zone_label(zone: str | None, taxonomy: Taxonomy) -> str:
    if not zone:
        return ""
    found = taxonomy.zones.get(zone)
    return _lower_first(found.label) if found else zone


def _persons(cast: Mapping[str, Any], names: Names) -> Persons:
    return Persons({role: names(str(h)) if h else None for role, h in cast.items()})


def _taxonomy(taxonomy: Taxonomy | None) -> Taxonomy:
    """The taxonomy given, else the one in the reader's language (the page's)."""
    return taxonomy or load_taxonomy(current_language())


def _person(role: str, cast: Mapping[str, Any], names: Names, lang: str = "en") -> str:
    return _persons(cast, names).name(role, lang)


def _people(roles: list[str], cast: Mapping[str, Any], names: Names, lang: str = "en") -> str:
    people = [_person(role, cast, names, lang) for role in roles]
    if not people:
        return "nobody" if lang == "en" else words_in(lang)("no-one")
    if lang != "en":
        return words_in(lang).join(people)
    return people[0] if len(people) == 1 else ", ".join(people[:-1]) + " and " + people[-1]


def _level(value: str, lang: str) -> str:
    """An intensity or barrier name as the reader's language says it ("medium" in English)."""
    if lang == "en":
        return value
    key = f"level:{value}" if value in Intensity.names() else f"barrier:{value}"
    if value not in Intensity.names() and value not in BARRIERS:
        return value
    return words_in(lang)(key)


def normal_beat(beat: Mapping[str, Any]) -> dict[str, Any]:
    """A beat with its defaults filled in, so that equal beats compare equal."""
    to = beat.get("to") or []
    return {
        "id": str(beat.get("id", "")),
        "act": str(beat.get("act", "")),
        "by": str(beat.get("by", "")),
        "to": [str(r) for r in ([to] if isinstance(to, str) else to)],
        "zone": beat.get("zone") or None,
        "intensity": beat.get("intensity") or "light",
        "barrier": beat.get("barrier") or "none",
    }


def describe_beat(
    beat: Mapping[str, Any],
    cast: Mapping[str, Any],
    names: Names,
    taxonomy: Taxonomy | None = None,
) -> str:
    """One beat in words, as core.words says it: "Jonas slaps Mara's buttocks, lightly" (in
    the taxonomy's language: "Jonas → Mara: plácnutí (zadek), lehce")."""
    taxonomy = _taxonomy(taxonomy)
    data = normal_beat(beat)
    if data["act"] not in taxonomy.acts:
        # Not an act of today's taxonomy: say what the version holds.
        return f"{data['act']}: {_person(data['by'], cast, names, taxonomy.lang)}"
    core = CoreBeat(
        id=data["id"],
        act=data["act"],
        by=data["by"],
        to=tuple(data["to"]),
        zone=data["zone"],
        intensity=Intensity[data["intensity"]]
        if data["intensity"] in Intensity.names()
        else Intensity.light,
        barrier=data["barrier"] if data["barrier"] in BARRIERS else "none",
    )
    return beat_sentence(core, _persons(cast, names), taxonomy, lang=taxonomy.lang)


# ---------------------------------------------------------------- what changed


def _cast(data: Mapping[str, Any]) -> dict[str, Any]:
    cast = data.get("cast") or {}
    return dict(cast) if isinstance(cast, Mapping) else {}


def _beats(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    beats = data.get("beats") or []
    return [normal_beat(b) for b in beats if isinstance(b, Mapping)]


def cast_changes(before: Mapping[str, Any], after: Mapping[str, Any], names: Names) -> list[str]:
    old, new = _cast(before), _cast(after)
    lines = []
    for role in new:
        if role not in old:
            lines.append(
                gettext("Role %(role)s added: %(name)s")
                % {"role": role, "name": names(str(new[role]))}
                if new[role]
                else gettext("Role %(role)s added, not cast yet") % {"role": role}
            )
        elif old[role] != new[role]:
            if not old[role]:
                lines.append(
                    gettext("Role %(role)s cast: %(name)s")
                    % {"role": role, "name": names(str(new[role]))}
                )
            elif not new[role]:
                lines.append(
                    gettext("Role %(role)s is open again: %(name)s is not cast")
                    % {"role": role, "name": names(str(old[role]))}
                )
            else:
                lines.append(
                    gettext("Role %(role)s recast: %(name)s instead of %(was)s")
                    % {"role": role, "name": names(str(new[role])), "was": names(str(old[role]))}
                )
    for role in old:
        if role not in new:
            lines.append(
                gettext("Role %(role)s removed (was %(name)s)")
                % {"role": role, "name": names(str(old[role]))}
                if old[role]
                else gettext("Role %(role)s removed") % {"role": role}
            )
    return lines


def _field_change(
    name: str,
    old: dict[str, Any],
    new: dict[str, Any],
    old_cast: Mapping[str, Any],
    new_cast: Mapping[str, Any],
    names: Names,
    taxonomy: Taxonomy,
) -> str:
    lang = taxonomy.lang
    if name == "act":
        return gettext("act changed from %(before)s to %(after)s") % {
            "before": _lower_first(_act_label(old["act"], taxonomy)),
            "after": _lower_first(_act_label(new["act"], taxonomy)),
        }
    if name == "zone":
        before, after = _zone_label(old["zone"], taxonomy), _zone_label(new["zone"], taxonomy)
        if not before:
            return gettext("zone set to %(after)s") % {"after": after}
        if not after:
            return gettext("no zone now (was %(before)s)") % {"before": before}
        return gettext("zone changed from %(before)s to %(after)s") % {
            "before": before,
            "after": after,
        }
    if name == "by":
        return gettext("done by %(after)s instead of %(before)s") % {
            "after": _person(new["by"], new_cast, names, lang),
            "before": _person(old["by"], old_cast, names, lang),
        }
    if name == "to":
        return gettext("to %(after)s instead of %(before)s") % {
            "after": _people(new["to"], new_cast, names, lang),
            "before": _people(old["to"], old_cast, names, lang),
        }
    if name == "intensity":
        return gettext("intensity changed from %(before)s to %(after)s") % {
            "before": _level(str(old[name]), lang),
            "after": _level(str(new[name]), lang),
        }
    if name == "barrier":
        return gettext("barrier changed from %(before)s to %(after)s") % {
            "before": _level(str(old[name]), lang),
            "after": _level(str(new[name]), lang),
        }
    return f"{name} changed from {old[name]} to {new[name]}"


def beat_change(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    old_cast: Mapping[str, Any],
    new_cast: Mapping[str, Any],
    names: Names,
    taxonomy: Taxonomy | None = None,
) -> str:
    """ "zone changed from buttocks to face; intensity changed from light to medium", or ""."""
    taxonomy = _taxonomy(taxonomy)
    a, b = normal_beat(old), normal_beat(new)
    parts = []
    for name in BEAT_FIELDS:
        if a[name] == b[name]:
            continue
        parts.append(_field_change(name, a, b, old_cast, new_cast, names, taxonomy))
    return "; ".join(parts)


def plan_diff(
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    names: Names,
    taxonomy: Taxonomy | None = None,
) -> list[str]:
    """What changed from `before` to `after` (formats.md plan dicts), one sentence a line:
    the title, the cast, then the beats in the later version's order, removed beats, and a
    new order of the beats both hold. Empty when nothing changed."""
    taxonomy = _taxonomy(taxonomy)
    lines: list[str] = []
    old_title, new_title = before.get("title") or "", after.get("title") or ""
    if old_title != new_title:
        if not old_title:
            lines.append(gettext("Title set: “%(title)s”") % {"title": new_title})
        elif not new_title:
            lines.append(gettext("Title removed (was “%(title)s”)") % {"title": old_title})
        else:
            lines.append(
                gettext("Title changed from “%(before)s” to “%(after)s”")
                % {"before": old_title, "after": new_title}
            )
    lines += cast_changes(before, after, names)
    old_cast, new_cast = _cast(before), _cast(after)
    old_beats = {b["id"]: b for b in _beats(before)}
    new_beats = {b["id"]: b for b in _beats(after)}
    for beat_id, beat in new_beats.items():
        if beat_id not in old_beats:
            words = describe_beat(beat, new_cast, names, taxonomy)
            lines.append(
                gettext("Beat %(beat)s added: %(words)s") % {"beat": beat_id, "words": words}
            )
            continue
        change = beat_change(old_beats[beat_id], beat, old_cast, new_cast, names, taxonomy)
        if change:
            lines.append(
                pgettext("a beat's changes", "Beat %(beat)s: %(change)s")
                % {"beat": beat_id, "change": change}
            )
    for beat_id, beat in old_beats.items():
        if beat_id not in new_beats:
            words = describe_beat(beat, old_cast, names, taxonomy)
            lines.append(
                gettext("Beat %(beat)s removed (was: %(words)s)")
                % {"beat": beat_id, "words": words}
            )
    kept_before = [i for i in old_beats if i in new_beats]
    kept_after = [i for i in new_beats if i in old_beats]
    if kept_before != kept_after:
        lines.append(gettext("Beats in a new order: %(beats)s") % {"beats": ", ".join(kept_after)})
    return lines


@dataclass(frozen=True)
class BeatPair:
    """One beat as each of two versions has it (None: not in that version)."""

    beat_id: str
    before: str | None
    after: str | None
    change: str

    @property
    def kind(self) -> str:
        if self.before is None:
            return "added"
        if self.after is None:
            return "removed"
        return "changed" if self.change else "same"


def side_by_side(
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    names: Names,
    taxonomy: Taxonomy | None = None,
) -> list[BeatPair]:
    """Every beat of either version, in the later version's order, each removed beat after
    the beat it followed."""
    taxonomy = _taxonomy(taxonomy)
    old_cast, new_cast = _cast(before), _cast(after)
    old_list, new_list = _beats(before), _beats(after)
    old_beats = {b["id"]: b for b in old_list}
    new_ids = {b["id"] for b in new_list}
    pairs: list[BeatPair] = []
    removed_after: dict[str | None, list[dict[str, Any]]] = {}
    previous: str | None = None
    for beat in old_list:
        if beat["id"] not in new_ids:
            removed_after.setdefault(previous, []).append(beat)
        else:
            previous = beat["id"]

    def removed(anchor: str | None) -> None:
        for beat in removed_after.get(anchor, []):
            words = describe_beat(beat, old_cast, names, taxonomy)
            pairs.append(BeatPair(beat["id"], words, None, ""))

    removed(None)
    for beat in new_list:
        old = old_beats.get(beat["id"])
        after_words = describe_beat(beat, new_cast, names, taxonomy)
        if old is None:
            pairs.append(BeatPair(beat["id"], None, after_words, ""))
        else:
            before_words = describe_beat(old, old_cast, names, taxonomy)
            change = beat_change(old, beat, old_cast, new_cast, names, taxonomy)
            pairs.append(BeatPair(beat["id"], before_words, after_words, change))
        removed(beat["id"])
    return pairs


# ---------------------------------------------------------------- people's names


def display_names(*plans: Mapping[str, Any]) -> Names:
    """Handles in these plans -> display names; a handle nobody holds any more stays as is."""
    handles = {str(h) for plan in plans for h in _cast(plan).values() if h}
    known = dict(User.objects.filter(handle__in=handles).values_list("handle", "display_name"))

    def name(handle: str) -> str:
        return known.get(handle) or handle

    return name


# ---------------------------------------------------------------- reading versions


@dataclass(frozen=True)
class CastPair:
    role: str
    before: str | None
    after: str | None


@dataclass
class Comparison:
    """Two versions of one scene's plan, as the compare page shows them."""

    scene: Scene
    numbers: list[int]
    a: int | None = None
    b: int | None = None
    changes: list[str] | None = None
    beats: list[BeatPair] | None = None
    cast: list[CastPair] | None = None
    error: str = ""
    can_restore: bool = False


def _who(user: Any, production_id: int, scene_id: int) -> tuple[Scene, str]:
    require_known_ids(production_id, scene_id)
    scene = get_scene(user, production_id, scene_id)
    return scene, services.audience(user, scene.production)


def _number(text: str | None, which: str, numbers: list[int]) -> int:
    """A version number from the address ("from" or "to"), or a message saying what to do."""
    listed = _listed(numbers)
    value = (text or "").strip()
    if not value:
        message = (
            gettext("Choose which version to compare from: %(listed)s.")
            if which == "from"
            else gettext("Choose which version to compare to: %(listed)s.")
        ) % {"listed": listed}
        raise InvalidInput(message, {which: gettext("choose a version")})
    if not (value.isascii() and value.isdigit()) or int(value) not in numbers:
        message = gettext(
            "There is no version “%(value)s” of this plan; choose from %(listed)s."
        ) % {"value": value[:20], "listed": listed}
        raise InvalidInput(message, {which: gettext("no such version")})
    return int(value)


def _listed(numbers: list[int]) -> str:
    ordered = sorted(numbers)
    if len(ordered) == 1:
        return gettext("version %(number)s") % {"number": ordered[0]}
    if ordered == list(range(ordered[0], ordered[-1] + 1)):
        return gettext("versions %(first)s to %(last)s") % {
            "first": ordered[0],
            "last": ordered[-1],
        }
    return gettext("versions %(numbers)s") % {"numbers": ", ".join(str(n) for n in ordered)}


def compare(
    user: Any, production_id: int, scene_id: int, a: str | None, b: str | None
) -> Comparison:
    """Versions a and b of the plan (coordinator and director). Missing or unknown numbers
    give a Comparison with an error message and the numbers that exist."""
    scene, who = _who(user, production_id, scene_id)
    numbers = [v.number for v in services.versions(user, production_id, scene_id)]
    found = Comparison(scene=scene, numbers=numbers, can_restore=who == services.COORDINATOR)
    if len(numbers) < 2:
        found.error = gettext(
            "This plan has fewer than two saved versions, so there is nothing to compare yet. "
            "Save a version from the versions page first."
        )
        return found
    if a is None and b is None:
        # Straight from a link: the latest version against the one before it.
        found.a, found.b = numbers[1], numbers[0]
    else:
        try:
            found.a = _number(a, "from", numbers)
            found.b = _number(b, "to", numbers)
        except InvalidInput as error:
            found.error = error.message
            return found
    before = services.version(user, production_id, scene_id, found.a)
    after = services.version(user, production_id, scene_id, found.b)
    names = display_names(before, after)
    found.changes = plan_diff(before, after, names)
    found.beats = side_by_side(before, after, names)
    old_cast, new_cast = _cast(before), _cast(after)
    lang = current_language()
    found.cast = [
        CastPair(
            role,
            _person(role, old_cast, names, lang) if role in old_cast else None,
            _person(role, new_cast, names, lang) if role in new_cast else None,
        )
        for role in [*new_cast, *(r for r in old_cast if r not in new_cast)]
    ]
    return found


@dataclass(frozen=True)
class VersionSummary:
    """A saved version and what changed in it from the one before."""

    number: int
    created_at: datetime
    created_by: str | None
    changes: list[str]


def _new_plan(like: Mapping[str, Any]) -> dict[str, Any]:
    """What a plan was before anything was planned: the default roles, open, and no beats."""
    return {"title": like.get("title"), "cast": dict.fromkeys(services.DEFAULT_ROLES), "beats": []}


def version_summaries(user: Any, production_id: int, scene_id: int) -> list[VersionSummary]:
    """Every version this person may read, newest first, each with its changes from the one
    before it that they may read (the first from a new plan): the director, who reads
    released versions only, never sees a change measured against one he may not read."""
    listed = services.versions(user, production_id, scene_id)
    readable = {info.number for info in listed}
    scene, _ = _who(user, production_id, scene_id)
    rows = PlanVersion.objects.filter(plan__scene=scene, number__in=readable).order_by("number")
    data = {row.number: row.data for row in rows}
    names = display_names(*data.values())
    changes: dict[int, list[str]] = {}
    previous: Mapping[str, Any] | None = None
    for number, current in data.items():
        changes[number] = plan_diff(previous or _new_plan(current), current, names)
        previous = current
    return [
        VersionSummary(info.number, info.created_at, info.created_by, changes.get(info.number, []))
        for info in listed
    ]


# ---------------------------------------------------------------- unsaved changes


def unsaved_changes(plan: ScenePlan) -> list[str]:
    """How the working plan differs from its latest saved version, in words; empty when it
    does not (or when nothing has been planned yet)."""
    if plan.pk is None:
        return []
    current = services.plan_data(plan)
    latest = plan.versions.order_by("-number").first()
    if latest is not None:
        saved: Mapping[str, Any] = latest.data
    else:
        saved = _new_plan(current)
    return plan_diff(saved, current, display_names(saved, current))


def unsaved_for(user: Any, production_id: int, scene_id: int) -> list[str]:
    """The plan page's marker, for the coordinator who saves versions; empty for everyone
    else (the director reads released versions, never the working plan)."""
    scene, who = _who(user, production_id, scene_id)
    if who != services.COORDINATOR:
        return []
    plan = ScenePlan.objects.filter(scene=scene).first()
    return unsaved_changes(plan) if plan is not None else []


# ---------------------------------------------------------------- restoring


def _coordinator(user: Any, production_id: int, scene_id: int) -> Scene:
    scene, who = _who(user, production_id, scene_id)
    if who != services.COORDINATOR:
        raise Forbidden(
            gettext("Only the intimacy coordinator restores an earlier version of the plan.")
        )
    return scene


@dataclass(frozen=True)
class RestorePreview:
    scene: Scene
    number: int
    # What the working plan would become: the changes from it to the version.
    changes: list[str]
    # Changes not saved as a version yet; restoring saves them first, so nothing is lost.
    unsaved: list[str]


def restore_preview(user: Any, production_id: int, scene_id: int, number: int) -> RestorePreview:
    scene = _coordinator(user, production_id, scene_id)
    data = services.version(user, production_id, scene_id, number)
    plan = ScenePlan.objects.get(scene=scene)  # a saved version means a saved plan
    current = services.plan_data(plan)
    changes = plan_diff(current, data, display_names(current, data))
    return RestorePreview(scene, number, changes, unsaved_changes(plan))


@dataclass(frozen=True)
class Restored:
    number: int
    # The version the unsaved working plan was kept as first, if there were unsaved changes.
    kept: int | None


def restore(user: Any, production_id: int, scene_id: int, number: int) -> Restored:
    """Version `number` becomes the working plan and is saved as a new version. Unsaved
    changes are saved as their own version first. A version that no longer fits the
    production (a performer left it) changes nothing and says why."""
    scene = _coordinator(user, production_id, scene_id)
    data = services.version(user, production_id, scene_id, number)
    with transaction.atomic():
        plan = ScenePlan.objects.get(scene=scene)
        kept = None
        if unsaved_changes(plan):
            kept = services.save_version(user, production_id, scene_id)
        try:
            services.replace_plan(user, production_id, scene_id, data)
        except services.PlanInvalid as error:
            raise services.PlanInvalid(
                gettext(
                    "Version %(number)s cannot be restored as it is: %(error)s. "
                    "Nothing was changed."
                )
                % {"number": number, "error": error.message.rstrip(".")},
                error.fields,
            ) from None
        saved = services.save_version(user, production_id, scene_id)
    return Restored(saved, kept)
