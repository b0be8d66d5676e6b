"""Template helpers for the coordinator's beat history on the plan page."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def edit_for(edits: Any, pk: Any) -> Any:
    """The latest change of the beat with this pk, from plans.services.last_beat_edits."""
    return edits.get(pk) if isinstance(edits, dict) else None


@register.filter
def notes_for(notes: Any, key: Any) -> Any:
    """notes[key] from a dict (each beat's notes from plans.services.desk; a role's released
    performer), else an empty list."""
    return notes.get(key, []) if isinstance(notes, dict) else []


@register.filter
def in_words(reason: str, names: Any) -> str:
    """A check reason as the coordinator's page shows it: the performer by name and act ids
    as taxonomy labels ("Mara: topless nudity is a yes"). The API and the command keep the
    formats.md reason string."""
    handle, sep, rest = str(reason).partition(": ")
    if sep and isinstance(names, dict) and names.get(handle):
        reason = f"{names[handle]}: {rest}"
    for act_id, label in _act_labels():
        reason = reason.replace(act_id, label)
    return reason


def _act_labels() -> list[tuple[str, str]]:
    # Only ids that read as code (with a hyphen); longest first, so no id eats part of another.
    from closedset.core.taxonomy import load_taxonomy

    acts = load_taxonomy().acts.values()
    found = [(act.id, act.label.lower()) for act in acts if "-" in act.id]
    return sorted(found, key=lambda pair: -len(pair[0]))
