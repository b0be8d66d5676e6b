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
  performers (lock the log row, insert the entry and its salts, update the compact range,
  sign and insert a checkpoint).
The two kinds run in five interleaved rounds; it prints requests per second of each, side by
side, and the cost of the record per request.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

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
        run(args.count, args.people)
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


def run(count: int, people_count: int) -> None:
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

    def timed(step: object, start_at: int, n: int) -> float:
        assert callable(step)
        start = time.perf_counter()
        for i in range(start_at, start_at + n):
            step(i)
        return time.perf_counter() - start

    for n in range(min(20, count)):  # warm up: connections, the log row, caches
        bare(-1 - n)
        recorded(-1 - n)
    # Interleaved rounds, so a busy moment on the machine falls on both sides alike.
    rounds = 5
    per_round = max(1, count // rounds)
    count = per_round * rounds
    bare_s = recorded_s = 0.0
    for r in range(rounds):
        bare_s += timed(bare, r * per_round, per_round)
        recorded_s += timed(recorded, r * per_round, per_round)
    problems = services.audit_verify()
    if problems:
        raise SystemExit(f"the log does not verify after the benchmark: {problems[0]}")

    print(
        f"database: {connection.vendor} {connection.settings_dict.get('NAME')}; "
        f"python {platform.python_version()}; {os.cpu_count()} CPUs"
    )
    print(f"requests: {count} of each, one transaction each; {people_count} people per entry")
    print(f"{'':<34}{'req/s':>10}{'ms/req':>10}")
    print(f"{'bare row insert':<34}{count / bare_s:>10.0f}{1000 * bare_s / count:>10.2f}")
    print(
        f"{'row insert + log append + checkpoint':<34}"
        f"{count / recorded_s:>10.0f}{1000 * recorded_s / count:>10.2f}"
    )
    print(
        f"the record costs {1000 * (recorded_s - bare_s) / count:.2f} ms per request "
        f"({recorded_s / bare_s:.1f}x the bare insert); log verified: "
        f"{services.log_for(org).size} entries"
    )


if __name__ == "__main__":
    main()
