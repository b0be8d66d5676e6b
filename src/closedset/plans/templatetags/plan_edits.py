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
