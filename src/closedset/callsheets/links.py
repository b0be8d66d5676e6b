"""Where the coordinators, producers and directors find the call sheets from the production
page (the same shape as closedset.breakdown.links: a label and a URL per door)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext

from closedset.callsheets.services import READERS
from closedset.lib.doors import Door
from closedset.productions.models import Production
from closedset.productions.services import role_in


def doors(user: Any, production: Production) -> list[Door]:
    if not role_in(user, production) & READERS:
        return []
    return [
        Door(
            gettext("Closed-set call sheets for the shoot days"),
            reverse("callsheets:page", args=[production.pk]),
        )
    ]
