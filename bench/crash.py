"""Crash test of the record: concurrent consent writes against a server killed with SIGKILL.

Run (SQLite, a fresh data folder of its own):
    .venv/bin/python bench/crash.py
Run (PostgreSQL): set DATABASE_URL; a fresh database is created beside it and dropped after.
Options: [--writes 1000] [--concurrency 32] [--kill-after 400] [--beats 2] [--argon2]
         [--no-resend] [--syncdb] [--keep]

What it does:
1. Starts nothing yet: migrates a fresh database and seeds one production, a coordinator and
   WRITES / BEATS performers, two per scene; each scene's plan has BEATS beats between its
   two performers, marked final, so each performer holds one consent request of BEATS beats.
   Every performer gets a write API token; all share one generated password.
2. Starts a real `closedset serve` and sends WRITES consent decisions (one beat each, signed
   with the password as the API asks) from CONCURRENCY threads at once, in random order.
3. SIGKILLs the server as soon as KILL_AFTER decisions were acknowledged (200).
4. Restarts it, then checks: every acknowledged decision is in the database, with its log
   entry, exactly once; no log entry is orphaned; `closedset audit verify` exits 0.
5. Resends every write that was not acknowledged and checks again: each one landed exactly
   once (a write that committed before the kill is answered as the no-op it is).

Passwords: the server keeps its real settings except the password hasher, which is MD5 so
that 1,000 re-authentications do not dominate (Argon2 costs about 0.2 s each here, and the
server runs sync views one at a time); --argon2 keeps the real hasher.
Exits 1 when an invariant fails.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from closedset.lib.tests.served import CLOSEDSET, environment  # noqa: E402

RESEND_ROUNDS = 3

# The server's settings: the real ones, and optionally a fast hasher and tables straight from
# the models (as `pytest --nomigrations` builds them).
SETTINGS = """
from closedset.settings import *  # noqa: F403
{extra}
"""
FAST_HASHER = 'PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]\n'
NO_MIGRATIONS = """
class _NoMigrations(dict):
    def __contains__(self, item):
        return True

    def __getitem__(self, item):
        return None


MIGRATION_MODULES = _NoMigrations()
"""

# Seeds the production, its performers, their requests and tokens; prints one JSON line.
SEED = """
import json, os

from django.contrib.auth.hashers import make_password
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from closedset.accounts.models import User
from closedset.accounts.services import create_api_token
from closedset.consent import services as consent
from closedset.consent.models import ConsentRequest
from closedset.plans import services as plans
from closedset.plans.models import PlanVersion
from closedset.productions.models import Membership, Organisation, OrgMembership, Production, Scene
from closedset.rider.models import RiderTerms

scenes, beats = int(os.environ["CRASH_SCENES"]), int(os.environ["CRASH_BEATS"])
# One hash for every performer: hashing it once keeps seeding fast.
hashed = make_password(os.environ["CRASH_PASSWORD"])
now = timezone.now()
org = Organisation.objects.create(name="Crash Films")
production = Production.objects.create(organisation=org, name="Crash", kind="adult")


def person(handle, role):
    user = User.objects.create(
        email=f"{handle}@example.org", display_name=handle, handle=handle,
        email_verified_at=now, password=hashed,
    )
    OrgMembership.objects.create(user=user, organisation=org)
    Membership.objects.create(user=user, production=production, role=role)
    return user


ines = person("ines", "coordinator")
TOTPDevice.objects.create(user=ines, name="crash", confirmed=True)
zones = ["buttocks", "thighs"]
out = {"production": production.pk, "writes": []}
for n in range(scenes):
    scene = Scene.objects.create(production=production, number=f"s{n}", title="crash")
    a, b = person(f"pa{n}", "performer"), person(f"pb{n}", "performer")
    data = {
        "cast": {"A": a.handle, "B": b.handle},
        "beats": [
            {"id": f"b{i + 1}", "act": "slap", "by": "B", "to": "A", "zone": zones[i % 2]}
            for i in range(beats)
        ],
    }
    plans.replace_plan(ines, production.pk, scene.pk, data)
    number = plans.save_version(ines, production.pk, scene.pk)
    for user in (a, b):  # an adult plan is final only once each performer knows length and pay
        RiderTerms.objects.create(
            scene=scene, performer=user, expected_length="2 hours", pay="as agreed"
        )
    final = consent.mark_final(ines, PlanVersion.objects.get(plan__scene=scene, number=number))
    for user in (a, b):
        request = ConsentRequest.objects.get(final=final, performer=user)
        _, token = create_api_token(user, "crash", access="write", session_verified=True)
        # The rider the API shows her (GET on the request): an answer names it.
        rider = consent.request_view(request).rider_sha256
        for i in range(beats):
            out["writes"].append(
                {"token": token, "request": request.pk, "beat": f"b{i + 1}", "rider": rider}
            )
print("CRASH-SEED " + json.dumps(out))
"""

# Reads the database after the restart; prints one JSON line.
CHECK = """
import json, os
from collections import Counter

from closedset.consent.models import BeatDecision, ConsentEvent
from closedset.record.models import LogEntry

wanted = [tuple(w) for w in json.loads(open(os.environ["CRASH_WANTED"]).read())]
rows = list(BeatDecision.objects.values_list("request_id", "beat_id", "log_entry_id"))
entries = {
    pk: json.loads(bytes(data))["type"]
    for pk, data in LogEntry.objects.values_list("pk", "data")
}
per_beat = Counter((r, b) for r, b, _ in rows)
logged = {(r, b) for r, b, e in rows if e is not None and e in entries}
refs = Counter(e for _, _, e in rows if e is not None)
consents = {pk for pk, kind in entries.items() if kind in ("consent", "decline")}
print("CRASH-CHECK " + json.dumps({
    "present": sum(1 for w in wanted if w in logged),
    "missing": [w for w in wanted if w not in logged][:5],
    "duplicates": sum(n - 1 for n in per_beat.values() if n > 1),
    "decisions": len(rows),
    "without_entry": sum(1 for _, _, e in rows if e is None or e not in entries),
    "shared_entries": sum(n - 1 for n in refs.values() if n > 1),
    "orphan_entries": len(consents - set(refs)),
    "events": ConsentEvent.objects.filter(kind="consented").count(),
}))
"""


def manage(env: dict[str, str], code: str, **extra: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own command
        [*CLOSEDSET, "manage", "shell", "-c", code],
        env=env | extra,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        raise SystemExit(f"closedset manage shell failed:\n{done.stderr[-3000:]}")
    return done.stdout


def tagged(output: str, tag: str) -> dict:
    for line in output.splitlines():
        if line.startswith(tag + " "):
            return dict(json.loads(line[len(tag) + 1 :]))
    raise SystemExit(f"no {tag} line in:\n{output[-2000:]}")


@dataclass
class World:
    env: dict[str, str]
    data_dir: Path
    production: int
    writes: list[dict]
    password: str


def prepare(
    data_dir: Path,
    *,
    writes: int,
    beats: int,
    migrations: bool = True,
    fast_hasher: bool = True,
    database_url: str | None = None,
) -> World:
    """A fresh database with performers whose answers add up to `writes` decisions."""
    env = environment(data_dir)
    if database_url:
        env["DATABASE_URL"] = database_url
    extra = (FAST_HASHER if fast_hasher else "") + ("" if migrations else NO_MIGRATIONS)
    (data_dir / "crash_settings.py").write_text(SETTINGS.format(extra=extra))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(data_dir), env.get("PYTHONPATH")]))
    env["DJANGO_SETTINGS_MODULE"] = "crash_settings"
    migrate = ["migrate"] if migrations else ["manage", "migrate", "--run-syncdb"]
    done = subprocess.run(  # noqa: S603 - our own command
        [*CLOSEDSET, *migrate],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        raise SystemExit(f"migrating failed:\n{done.stderr[-3000:]}")
    password = secrets.token_urlsafe(16)
    scenes = max(1, -(-writes // (2 * beats)))
    seeded = tagged(
        manage(
            env, SEED, CRASH_SCENES=str(scenes), CRASH_BEATS=str(beats), CRASH_PASSWORD=password
        ),
        "CRASH-SEED",
    )
    chosen = seeded["writes"][:writes]
    # Mixed order: two beats of one request land in different moments of the run.
    random.Random(writes).shuffle(chosen)
    return World(env, data_dir, int(seeded["production"]), chosen, password)


@dataclass
class Server:
    process: subprocess.Popen
    base: str
    killed: bool = False

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush, no rollback by the server itself."""
        if not self.killed:
            self.killed = True
            os.killpg(self.process.pid, signal.SIGKILL)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def server(world: World, log: Path) -> Iterator[Server]:
    """`closedset serve` in a process group of its own, answering before this yields."""
    port = _free_port()
    with log.open("ab") as sink:
        process = subprocess.Popen(  # noqa: S603 - our own command
            [*CLOSEDSET, "serve", "--port", str(port)],
            env=world.env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    running = Server(process, f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(running.base + "/login/", timeout=2)  # noqa: S310
                break
            except urllib.error.HTTPError:
                break
            except OSError:  # not listening yet
                if process.poll() is not None or time.monotonic() > deadline:
                    message = "closedset serve did not start:\n" + log.read_text()[-3000:]
                    raise SystemExit(message) from None
                time.sleep(0.1)
        yield running
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                running.kill()
        process.wait(timeout=10)


def send(base: str, world: World, write: dict) -> int:
    """One decision through the API: its HTTP status, or 0 when the connection broke."""
    url = f"{base}/api/v1/consent/{world.production}/requests/{write['request']}/decide"
    body = {
        "answers": {write["beat"]: "consent"},
        "password_or_code": world.password,
        "rider_sha256": write["rider"],
    }
    request = urllib.request.Request(  # noqa: S310 - our own server
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {write['token']}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except (OSError, ValueError):  # refused, reset, cut off mid-answer
        return 0


@dataclass
class Fired:
    statuses: list[int] = field(default_factory=list)
    acked_before_kill: int = 0
    seconds: float = 0.0


def fire(running: Server, world: World, concurrency: int, kill_after: int | None) -> Fired:
    """Every write at once from `concurrency` threads; SIGKILL at the kill_after-th 200."""
    lock = threading.Lock()
    fired = Fired(statuses=[-1] * len(world.writes))
    acked = 0

    def one(n: int) -> None:
        nonlocal acked
        status = send(running.base, world, world.writes[n]) if not running.killed else 0
        with lock:
            fired.statuses[n] = status
            if status in (200, 201) and not running.killed:
                acked += 1
                if kill_after is not None and acked >= kill_after:
                    fired.acked_before_kill = acked
                    running.kill()

    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, range(len(world.writes))))
    fired.seconds = time.perf_counter() - start
    if not running.killed:
        fired.acked_before_kill = acked
    return fired


def check(world: World, wanted: list[dict]) -> dict:
    path = world.data_dir / "crash-wanted.json"
    path.write_text(json.dumps([[w["request"], w["beat"]] for w in wanted]))
    return tagged(manage(world.env, CHECK, CRASH_WANTED=str(path)), "CRASH-CHECK")


def audit(world: World) -> tuple[int, str]:
    done = subprocess.run(  # noqa: S603 - our own command
        [*CLOSEDSET, "audit", "verify"], env=world.env, capture_output=True, text=True, timeout=600
    )
    return done.returncode, (done.stdout + done.stderr).strip().splitlines()[-1:][0]


@dataclass
class Outcome:
    sent: int
    acked_before_kill: int
    acked: int
    cut: int
    refused: Counter
    present_after_restart: int
    unacked_landed: int
    after_restart: dict
    audit_code: int
    audit_line: str
    resent: int = 0
    resent_statuses: Counter = field(default_factory=Counter)
    after_resend: dict | None = None
    final_audit_code: int | None = None
    final_audit_line: str = ""
    fire_seconds: float = 0.0
    still_failing: int = 0
    server_errors: Counter = field(default_factory=Counter)

    def problems(self) -> list[str]:
        found = []
        if self.present_after_restart != self.acked:
            found.append(f"{self.acked - self.present_after_restart} acknowledged writes are lost")
        for name, checked in (
            ("after restart", self.after_restart),
            ("after resend", self.after_resend),
        ):
            if checked is None:
                continue
            for key in ("duplicates", "without_entry", "shared_entries", "orphan_entries"):
                if checked[key]:
                    found.append(f"{name}: {key} = {checked[key]}")
            if checked["events"] != checked["decisions"]:
                found.append(
                    f"{name}: {checked['decisions']} decisions, {checked['events']} events"
                )
        if self.audit_code != 0:
            found.append(f"closedset audit verify exited {self.audit_code}: {self.audit_line}")
        if self.final_audit_code not in (None, 0):
            found.append(f"closedset audit verify exited {self.final_audit_code} after resend")
        if self.after_resend is not None and self.after_resend["present"] != self.sent:
            found.append(f"after resend {self.sent - self.after_resend['present']} writes missing")
        return found


def crash(world: World, *, concurrency: int, kill_after: int, resend: bool = True) -> Outcome:
    """Fire, kill, restart, check; resend what was not acknowledged and check again."""
    log = world.data_dir / "server.log"
    with server(world, log) as running:
        fired = fire(running, world, concurrency, kill_after)
    acked = [w for w, s in zip(world.writes, fired.statuses, strict=True) if s in (200, 201)]
    unacked = [w for w, s in zip(world.writes, fired.statuses, strict=True) if s not in (200, 201)]
    refused = Counter(s for s in fired.statuses if s not in (0, 200, 201))
    # Restarted: the server must come up on what the kill left behind.
    with server(world, log) as running:
        after = check(world, acked)
        unacked_landed = check(world, unacked)["present"] if unacked else 0
        code, line = audit(world)
        outcome = Outcome(
            sent=len(world.writes),
            acked_before_kill=fired.acked_before_kill,
            acked=len(acked),
            cut=sum(1 for s in fired.statuses if s == 0),
            refused=refused,
            present_after_restart=after["present"],
            unacked_landed=unacked_landed,
            after_restart=after,
            audit_code=code,
            audit_line=line,
            fire_seconds=fired.seconds,
        )
        if resend and unacked:
            outcome.resent = len(unacked)
            pending = unacked
            # As a client would: what broke or met a server error is sent again, a few times.
            for round_ in range(RESEND_ROUNDS):
                with ThreadPoolExecutor(concurrency) as pool:
                    statuses = list(pool.map(lambda w: send(running.base, world, w), pending))
                if round_ == 0:
                    outcome.resent_statuses = Counter(statuses)
                pending = [w for w, s in zip(pending, statuses, strict=True) if s == 0 or s >= 500]
                outcome.still_failing = len(pending)
                if not pending:
                    break
                time.sleep(1)
            outcome.after_resend = check(world, world.writes)
            outcome.final_audit_code, outcome.final_audit_line = audit(world)
    outcome.server_errors = server_errors(log)
    return outcome


def server_errors(log: Path) -> Counter:
    """The exceptions behind the server's 500s, from its log: the last line of each trace."""
    found: Counter = Counter()
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    for n, line in enumerate(lines):
        if line.startswith("Internal Server Error"):
            last = line
            for later in lines[n + 1 :]:
                if later.startswith("INFO:") or later.startswith("Internal Server Error"):
                    break
                if later and not later[0].isspace() and ": " in later and "Error" in later:
                    last = later
            found[last[:160]] += 1
    return found


def report(outcome: Outcome, where: str) -> None:
    print(f"database: {where}; python {sys.version.split()[0]}; {os.cpu_count()} CPUs")
    print(f"sent                      {outcome.sent:>6}  (in {outcome.fire_seconds:.1f} s)")
    print(f"acknowledged before kill  {outcome.acked_before_kill:>6}")
    print(f"acknowledged in all       {outcome.acked:>6}")
    print(f"cut off (no answer)       {outcome.cut:>6}")
    refused = ", ".join(f"{k}: {v}" for k, v in sorted(outcome.refused.items())) or "none"
    print(f"refused (HTTP status)     {sum(outcome.refused.values()):>6}  ({refused})")
    print(f"acknowledged and present  {outcome.present_after_restart:>6} of {outcome.acked}")
    print(f"unacknowledged yet landed {outcome.unacked_landed:>6}")
    a = outcome.after_restart
    print(
        f"after restart: {a['decisions']} decisions, duplicates {a['duplicates']}, "
        f"without log entry {a['without_entry']}, orphan entries {a['orphan_entries']}"
    )
    print(f"audit verify after restart: exit {outcome.audit_code} ({outcome.audit_line})")
    if outcome.after_resend is not None:
        b = outcome.after_resend
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(outcome.resent_statuses.items()))
        print(f"resent                    {outcome.resent:>6}  ({statuses})")
        print(
            f"after resend: {b['present']} of {outcome.sent} present, {b['decisions']} decisions, "
            f"duplicates {b['duplicates']}, orphan entries {b['orphan_entries']}"
        )
        print(
            f"audit verify after resend: exit {outcome.final_audit_code} "
            f"({outcome.final_audit_line})"
        )
        if outcome.still_failing:
            print(f"still failing after {RESEND_ROUNDS} rounds: {outcome.still_failing}")
    errors = sum(outcome.server_errors.values())
    print(f"server errors (500)       {errors:>6}")
    for line, count in outcome.server_errors.most_common(3):
        print(f"  {count} x {line}")
    problems = outcome.problems()
    print("result: " + ("PASS" if not problems else "FAIL: " + "; ".join(problems)))
    if errors:
        # Not a lost write (the client was told), but a server that fails under load.
        print(f"warning: the server answered {errors} requests with 500; see the errors above")


@contextmanager
def fresh_postgres(url: str) -> Iterator[str]:
    """A new database beside the one DATABASE_URL names, dropped afterwards."""
    import psycopg

    name = f"closedset_crash_{secrets.token_hex(4)}"
    with psycopg.connect(url, autocommit=True) as db:
        db.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urllib.parse.urlparse(url)._replace(path="/" + name).geturl()
    finally:
        with psycopg.connect(url, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=1000, help="consent decisions to send")
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight")
    parser.add_argument("--kill-after", type=int, default=400, help="acknowledgements, then kill")
    parser.add_argument("--beats", type=int, default=2, help="beats per performer's request")
    parser.add_argument("--argon2", action="store_true", help="keep the real password hasher")
    parser.add_argument("--no-resend", action="store_true", help="do not resend after restart")
    parser.add_argument("--syncdb", action="store_true", help="tables from the models")
    parser.add_argument("--keep", action="store_true", help="keep the data folder")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="closedset-crash-"))
    database_url = os.environ.get("DATABASE_URL")
    try:
        with fresh_postgres(database_url) if database_url else _nothing() as url:
            started = time.perf_counter()
            world = prepare(
                data_dir,
                writes=args.writes,
                beats=args.beats,
                migrations=not args.syncdb,
                fast_hasher=not args.argon2,
                database_url=url,
            )
            seeded = time.perf_counter() - started
            outcome = crash(
                world,
                concurrency=args.concurrency,
                kill_after=args.kill_after,
                resend=not args.no_resend,
            )
            where = "PostgreSQL" if url else "SQLite (WAL)"
            print(
                f"seeded {len(world.writes)} writes for {len(world.writes) // args.beats} "
                f"performers in {seeded:.1f} s; hasher: {'Argon2' if args.argon2 else 'MD5'}; "
                f"{args.concurrency} in flight, SIGKILL after {args.kill_after} acknowledgements"
            )
            report(outcome, where)
    finally:
        if args.keep:
            print(f"data folder kept: {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
    if outcome.problems():
        raise SystemExit(1)


@contextmanager
def _nothing() -> Iterator[None]:
    yield None


if __name__ == "__main__":
    main()
