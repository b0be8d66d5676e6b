"""The footer's language picker."""

from __future__ import annotations

from django import template

from closedset.accounts.language import offered

register = template.Library()


@register.simple_tag
def offered_languages() -> list[tuple[str, str]]:
    """(code, name) pairs, each name in its own language and never translated: Django's
    get_available_languages would show "Inglés" to a Spanish reader looking for English."""
    return list(offered().items())
