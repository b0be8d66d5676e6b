"""Record benchmark: what writing to the log costs a consent decision.

Run (SQLite, in a scratch folder):
    CLOSEDSET_DEV=1 CLOSEDSET_DATA_DIR=/tmp/benchrec .venv/bin/python bench/consent.py
Run (PostgreSQL): set DATABASE_URL (and CLOSEDSET_DEV=1 or the production secrets) instead.
Options: [--count 500] [--people 1] [--migrate]

Both sides run on the database DATABASE_URL points at (SQLite in CLOSEDSET_DATA_DIR without it),
in a fresh test database that is dropped afterwards; with --migrate its tables come from the
migrations, otherwise straight from the models. Each request is one transaction:
- bare: insert one row (a scene, a row of about the same width as a decision);
- recorded: insert the same row and `record.services.append` a consent entry for PEOPLE
  performers (the entry and its salts, the log row's new head, a signed checkpoint).
Each is measured two ways, all in five interleaved rounds (so a busy moment on the machine falls
on both sides alike):
- as requests: a signed-in POST through the application's whole middleware stack (sessions,
  CSRF, authentication, second factor, production scope) to a view that does the write, as a
  consent arrives;
- as transactions alone, with no request around them (the record's cost laid bare).
It prints requests per second of each, side by side. Goal: recorded requests at least 50 % of
the bare ones; exits 1 when missed.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "closedset.settings")
# Timed as a server runs: without DEBUG's query log.
os.environ["DEBUG"] = "0"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500, help="requests of each kind")
    parser.add_argument(
        "--people", type=int, default=1, help="people per entry (a consent concerns its performer)"
    )
    parser.add_argument("--migrate", action="store_true", help="build tables by migrating")
    args = parser.parse_args()

    import django
    from django.conf import settings

    django.setup()
    from django.db import connection

    test = settings.DATABASES["default"].setdefault("TEST", {})
    test["MIGRATE"] = args.migrate
    if connection.vendor == "sqlite":
        # A file, as in production (WAL, IMMEDIATE), not the test runner's in-memory database.
        test["NAME"] = str(Path(settings.DATA_DIR) / "bench-consent.sqlite3")
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        met = run(args.count, args.people)
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
    raise SystemExit(0 if met else 1)


def run(count: int, people_count: int) -> bool:
    from django.db import connection, transaction

    from closedset.accounts.models import User
    from closedset.productions.models import Organisation, Production, Scene
    from closedset.record import services

    org = Organisation.objects.create(name="Bench Films")
    production = Production.objects.create(organisation=org, name="Bench", kind="adult")
    people = [
        User.objects.create(
            email=f"p{n}@example.org", handle=f"p{n}", display_name=f"P{n}", password="!"
        )
        for n in range(people_count)
    ]

    def bare(n: int) -> None:
        with transaction.atomic():
            Scene.objects.create(production=production, number=f"b{n}", title="bench")

    def recorded(n: int) -> None:
        with transaction.atomic():
            scene = Scene.objects.create(production=production, number=f"r{n}", title="bench")
            services.append(
                org,
                {
                    "type": "consent",
                    "production": production.pk,
                    "scene": scene.pk,
                    "plan_version": 1,
                    "plan_sha256": "ab" * 32,
                    "beats": ["b1", "b2", "b3"],
                },
                people=people,
            )

    client = _signed_in_client(people[0], {"bare": bare, "recorded": recorded})
    serial = iter(range(10**8, 10**9))  # numbers apart from the transactions' own

    def bare_request(n: int) -> None:
        _post(client, "bare", next(serial))

    def recorded_request(n: int) -> None:
        _post(client, "recorded", next(serial))

    kinds = {
        "bare request": bare_request,
        "recorded request": recorded_request,
        "bare transaction": bare,
        "recorded transaction": recorded,
    }
    for n in range(min(20, count)):  # warm up: connections, the log row, caches
        for step in kinds.values():
            step(-1 - n)
    # Interleaved rounds, so a busy moment on the machine falls on all kinds alike.
    rounds = 5
    per_round = max(1, count // rounds)
    count = per_round * rounds
    spent = dict.fromkeys(kinds, 0.0)
    for r in range(rounds):
        for name, step in kinds.items():
            start = time.perf_counter()
            for i in range(r * per_round, (r + 1) * per_round):
                step(i)
            spent[name] += time.perf_counter() - start
    problems = services.audit_verify()
    if problems:
        raise SystemExit(f"the log does not verify after the benchmark: {problems[0]}")

    print(
        f"database: {connection.vendor} {connection.settings_dict.get('NAME')}; "
        f"python {platform.python_version()}; {os.cpu_count()} CPUs"
    )
    print(f"{count} of each kind, one transaction each; {people_count} people per entry")
    print(f"{'':<50}{'req/s':>9}{'ms/req':>9}{'share':>8}")
    shares = {}
    for way in ("request", "transaction"):
        bare_s, recorded_s = spent[f"bare {way}"], spent[f"recorded {way}"]
        shares[way] = bare_s / recorded_s
        label = f"bare row insert, as a {way}"
        print(f"{label:<50}{count / bare_s:>9.0f}{1000 * bare_s / count:>9.2f}")
        print(
            f"{'row insert + log append + checkpoint, as a ' + way:<50}"
            f"{count / recorded_s:>9.0f}{1000 * recorded_s / count:>9.2f}{shares[way]:>8.0%}"
        )
    print(
        f"log verified: {services.log_for(org).size} entries; goal (recorded requests at least "
        f"{GOAL:.0%} of bare ones): {'met' if shares['request'] >= GOAL else 'NOT MET'}"
    )
    return shares["request"] >= GOAL


GOAL = 0.5


def _signed_in_client(user: Any, writes: dict[str, Any]) -> Any:
    """A browser session for `user` on the application's own middleware stack, whose URLs are
    the application's plus one POST view per write (`/bench/<name>/<n>`)."""
    import types

    from django.contrib.auth.decorators import login_required
    from django.http import HttpResponse
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import include, path
    from django.utils import timezone
    from django.views.decorators.http import require_POST

    def view_for(write: Any) -> Any:
        @require_POST
        @login_required
        def view(request: Any, n: int) -> HttpResponse:
            write(n)
            return HttpResponse(status=201)

        return view

    urls = types.ModuleType("bench_consent_urls")
    urls.urlpatterns = [  # type: ignore[attr-defined]
        path(f"bench/{name}/<int:n>", view_for(write)) for name, write in writes.items()
    ] + [path("", include("closedset.urls"))]
    sys.modules[urls.__name__] = urls
    override_settings(ROOT_URLCONF=urls.__name__, ALLOWED_HOSTS=["testserver"]).enable()
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email_verified_at"])
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    from django.conf import settings
    from django.middleware.csrf import _get_new_csrf_string

    # The CSRF cookie, as a browser has it from the page that holds the form.
    client.cookies[settings.CSRF_COOKIE_NAME] = client.csrf_token = _get_new_csrf_string()
    return client


def _post(client: Any, name: str, n: int) -> None:
    response = client.post(f"/bench/{name}/{n}", HTTP_X_CSRFTOKEN=client.csrf_token)
    if response.status_code != 201:
        raise SystemExit(f"the {name} request answered {response.status_code}, not 201")


if __name__ == "__main__":
    main()
