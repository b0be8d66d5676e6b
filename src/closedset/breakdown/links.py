"""Where the coordinator and the producer find the script breakdown from the production page
(the same shape as closedset.onset.links: a label and a URL per door)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext

from closedset.breakdown.services import READERS
from closedset.lib.doors import Door
from closedset.productions.models import Production
from closedset.productions.services import role_in


def doors(user: Any, production: Production) -> list[Door]:
    if not role_in(user, production) & READERS:
        return []
    return [
        Door(
            gettext("The script: upload it, see the flagged scenes"),
            reverse("breakdown:script", args=[production.pk]),
        )
    ]
