"""Close the academy's offers that ran out and pass their places on (run it from cron, e.g.
hourly; pages run the same sweep whenever staff or an applicant look)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from closedset.academy import enrolment


class Command(BaseCommand):
    help = (
        "Mark academy offers past their end as expired and offer their places to the next in line."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        results = enrolment.sweep_all()
        ended = sum(len(result.expired) for result in results.values())
        passed = sum(len(result.improved) for result in results.values())
        for cohort, result in results.items():
            if result.expired or result.improved:
                self.stdout.write(
                    f"{cohort}: {len(result.expired)} ended, {len(result.improved)} new offers"
                )
        offers = "offer" if ended == 1 else "offers"
        places = "place" if passed == 1 else "places"
        self.stdout.write(f"{ended} {offers} ended, {passed} {places} passed on.")
