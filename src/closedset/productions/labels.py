"""Role and kind names in the reader's language.

Role.choices and Production.Kind.choices (models.py) are the English source; pages show these
instead, so an invited performer reads her role in her own language.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from closedset.productions.models import Production, Role

# Lazy texts, keyed by the stored value (a plain str).
ROLE_LABELS: dict[str, Any] = {
    Role.PRODUCER: _("Producer"),
    Role.DIRECTOR: _("Director"),
    Role.COORDINATOR: _("Intimacy coordinator"),
    Role.PERFORMER: _("Performer"),
    Role.CUSTODIAN: _("Custodian of records"),
}

# The short tag beside a name or a production ("performer"), lower case as the pages show it.
ROLE_BADGES: dict[str, Any] = {
    Role.PRODUCER: pgettext_lazy("role badge", "producer"),
    Role.DIRECTOR: pgettext_lazy("role badge", "director"),
    Role.COORDINATOR: pgettext_lazy("role badge", "coordinator"),
    Role.PERFORMER: pgettext_lazy("role badge", "performer"),
    Role.CUSTODIAN: pgettext_lazy("role badge", "custodian"),
}

KIND_LABELS: dict[str, Any] = {
    Production.Kind.ADULT: _("Adult"),
    Production.Kind.MAINSTREAM: _("Mainstream film/TV"),
}


def role_label(role: str) -> str:
    """The role's name as a person reads it; an unknown value as it is."""
    return str(ROLE_LABELS.get(role, role))


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def role_badge(role: str) -> str:
    return str(ROLE_BADGES.get(role, role))
