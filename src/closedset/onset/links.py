"""Where each person finds the shoot day from the production page: only the doors their
roles open (a performer her own phone page for scenes she is cast in, the coordinator the
day pages and consoles, the director his screens, the producer "today on set"), and for
everyone in the production the place to report an incident."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext

from closedset.lib.doors import Door
from closedset.onset.models import Run
from closedset.productions.models import Production, Role
from closedset.productions.services import role_in

# The coordinator's reports of the newest shoot days offered here (a week of shooting).
REPORT_DAYS = 7


def doors(user: Any, production: Production) -> list[Door]:
    from closedset.onset.services import current_runs, run_for

    roles = role_in(user, production)
    if not roles:
        return []
    found: list[Door] = []
    current = current_runs(production)
    for run in current.select_related("scene").order_by("scene__number", "day", "pk"):
        number = {"number": run.scene.number}
        if Role.COORDINATOR in roles:
            label = gettext("Console for scene %(number)s") % number
            found.append(Door(label, reverse("onset:console", args=[run.pk])))
        if Role.PERFORMER in roles and "performer" in run_for(user, run.pk)[1]:
            label = gettext("PAUSE and STOP for scene %(number)s") % number
            found.append(Door(label, reverse("onset:phone", args=[run.pk])))
        if Role.DIRECTOR in roles:
            label = gettext("Director's screen for scene %(number)s") % number
            found.append(Door(label, reverse("onset:director", args=[run.pk])))
    if Role.COORDINATOR in roles:
        for scene in production.scenes.order_by("number", "pk"):
            found.append(
                Door(
                    gettext("The day for scene %(number)s: closed set, checklists, start")
                    % {"number": scene.number},
                    reverse("onset:day", args=[production.pk, scene.pk]),
                )
            )
        shot = Run.objects.filter(scene__production=production).values_list("day", flat=True)
        for day in shot.distinct().order_by("-day")[:REPORT_DAYS]:
            found.append(
                Door(
                    gettext("Report of the day, %(day)s (PDF)")
                    % {
                        "day": date_format(
                            day, pgettext("date format: Thursday 26 November 2026", "l j E Y")
                        )
                    },
                    reverse("onset:report_day", args=[production.pk, day.isoformat()]),
                )
            )
    if Role.PRODUCER in roles:
        found.append(Door(gettext("Today on set"), reverse("onset:today", args=[production.pk])))
    if roles & {Role.COORDINATOR, Role.PRODUCER}:
        found.append(
            Door(gettext("Shoot-day settings"), reverse("onset:day_settings", args=[production.pk]))
        )
    found.append(
        Door(
            gettext("Incidents: report one, or follow yours"),
            reverse("onset:incidents", args=[production.pk]),
        )
    )
    return found
