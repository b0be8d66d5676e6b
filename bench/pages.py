"""Page weight: every page of every persona of the demo, as a browser on a phone loads it.

Reproduce from the repository root (Debian's Chromium at /usr/bin/chromium):

    .venv/bin/python bench/pages.py   # options: --runs 5 --max-pages 60 --json FILE --no-migrations

A fresh data folder gets the tables and the demo (`closedset migrate`, `closedset demo`), then
`closedset serve` runs as on a real server (not development: static files collected, hashed
and compressed). Chromium logs in as each demo person, follows every link from the home page
(GET only; never logging out, downloads, the admin or the API) and loads each page `--runs`
times with the cache off. Printed per page: bytes transferred up to the load event (headers
and bodies of the page and everything it loads, as they went over the wire) and the time to the
load event, each the median of the runs.

Goal: every page a performer sees <= 100 KB, every page <= 150 KB. Exits 1 and names the pages
that miss it; 2 when the run itself fails.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlparse

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
CLOSEDSET = [sys.executable, "-c", "from closedset.cli import run; run()"]
KB = 1024
PERFORMER_GOAL = 100 * KB
PAGE_GOAL = 150 * KB
# Not pages to weigh: leaving, downloads, the admin and the API.
SKIP = re.compile(r"^/(admin|api)/|/logout/|\.(pdf|yaml|yml|json|csv|zip)$|/export")


@dataclass(frozen=True)
class Login:
    role: str
    email: str
    password: str
    otp_key: str | None


@dataclass
class Measure:
    persona: str
    role: str
    page: str
    bytes: int
    load_ms: float
    requests: int
    goal: int

    @property
    def ok(self) -> bool:
        return self.bytes <= self.goal


def _environment(data_dir: Path) -> dict[str, str]:
    """As on a server, in a folder of its own; only the demo command runs as development."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CLOSEDSET_", "PYTEST", "DATABASE_URL", "SECRET_KEY", "DJANGO"))
    }
    env.update(
        CLOSEDSET_DATA_DIR=str(data_dir),
        SECRET_KEY=secrets.token_urlsafe(50),
        CLOSEDSET_KEK=base64.b64encode(secrets.token_bytes(32)).decode(),
        CLOSEDSET_LOG_KEYS=base64.b64encode(secrets.token_bytes(32)).decode(),
        CLOSEDSET_ACADEMY_KEYS=base64.b64encode(secrets.token_bytes(32)).decode(),
        ALLOWED_HOSTS="127.0.0.1",
        # Plain http on the loopback: no secure-only cookies, no redirect to https.
        CLOSEDSET_SECURE_COOKIES="0",
        LOG_LEVEL="WARNING",
    )
    return env


# --no-migrations: the tables come from the models, as in `pytest --nomigrations`, to weigh a
# working tree whose model changes have no migration yet.
NO_MIGRATIONS_SETTINGS = """
from closedset.settings import *  # noqa: F403


class _NoMigrations(dict):
    def __contains__(self, item):
        return True

    def __getitem__(self, item):
        return None


MIGRATION_MODULES = _NoMigrations()
"""


def _without_migrations(env: dict[str, str], data_dir: Path) -> dict[str, str]:
    (data_dir / "nomigrations_settings.py").write_text(NO_MIGRATIONS_SETTINGS)
    path = os.pathsep.join(filter(None, [str(data_dir), env.get("PYTHONPATH")]))
    return {**env, "PYTHONPATH": path, "DJANGO_SETTINGS_MODULE": "nomigrations_settings"}


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own command
        [*CLOSEDSET, *args], env=env, capture_output=True, text=True, timeout=600
    )
    if done.returncode != 0:
        raise SystemExit(f"pages: closedset {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def _demo_logins(output: str) -> list[Login]:
    logins: list[Login] = []
    for line in output.splitlines():
        login = re.match(r"\s+(\w+)\s+(\S+@\S+)\s+password: (\S+)", line)
        if login:
            logins.append(Login(login[1], login[2], login[3], None))
            continue
        key = re.search(r"authenticator key: ([A-Z2-7]+)", line)
        if key and logins:
            last = logins[-1]
            logins[-1] = Login(last.role, last.email, last.password, key[1])
    if not logins:
        raise SystemExit("pages: `closedset demo` printed no logins")
    return logins


def _totp(key: str, at: float | None = None) -> str:
    """The code an authenticator app shows now (RFC 6238: SHA-1, 30 s, 6 digits)."""
    secret = base64.b32decode(key + "=" * (-len(key) % 8))
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(secret, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_up(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 300  # the first start collects and compresses static files
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/login/", timeout=2)  # noqa: S310 - our server
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            if process.poll() is not None:
                raise SystemExit("pages: closedset serve stopped: " + log.read_text()) from None
            time.sleep(0.2)
    raise SystemExit("pages: closedset serve did not answer")


def _log_in(page: Any, base: str, login: Login) -> None:
    page.goto(base + "/login/")
    page.get_by_label("Email").fill(login.email)
    page.get_by_label("Password").fill(login.password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    if "/second-factor/" in page.url:
        if not login.otp_key:
            raise SystemExit(f"pages: {login.email} is asked for a code and has no key")
        page.get_by_label("Code").fill(_totp(login.otp_key))
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()
    if "/login/" in page.url or "/second-factor/" in page.url:
        raise SystemExit(f"pages: could not log in as {login.email}")


def _pages(page: Any, base: str, limit: int, broken: list[str]) -> list[str]:
    """Every page reachable from home by links, breadth first, as the person sees them.
    Pages that answer with an error are added to `broken`."""
    seen, queue, found = {"/"}, ["/"], []
    host = urlparse(base).netloc
    while queue and len(found) < limit:
        path = queue.pop(0)
        response = page.goto(base + path)
        if response is None or not response.ok:
            broken.append(f"{path}: {response.status if response else 'no answer'}")
            continue
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue
        if urlparse(page.url).path.startswith("/login/"):
            continue
        found.append(path)
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            url = urlparse(urljoin(page.url, href))
            target = url.path + (f"?{url.query}" if url.query else "")
            if url.netloc == host and target not in seen and not SKIP.search(url.path):
                seen.add(target)
                queue.append(target)
    return found


class Wire:
    """Bytes on the wire for one page load, from Chromium's network events (cache off)."""

    def __init__(self, page: Any) -> None:
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        self.bytes = 0
        self.requests = 0
        self.cdp.on("Network.loadingFinished", self._finished)

    def _finished(self, event: dict[str, Any]) -> None:
        self.bytes += int(event.get("encodedDataLength", 0))
        self.requests += 1

    def reset(self) -> None:
        self.bytes = 0
        self.requests = 0


def _measure(page: Any, wire: Wire, base: str, path: str, runs: int) -> tuple[int, float, int]:
    sizes, times, counts = [], [], []
    for _ in range(runs):
        page.goto("about:blank")
        wire.reset()
        page.goto(base + path, wait_until="load")
        # Network events arrive over the protocol just after the load event; let them in.
        page.wait_for_timeout(150)
        load = page.evaluate(
            "() => { const n = performance.getEntriesByType('navigation')[0];"
            " return n.loadEventStart - n.startTime; }"
        )
        sizes.append(wire.bytes)
        times.append(float(load))
        counts.append(wire.requests)
    return (
        int(statistics.median(sizes)),
        float(statistics.median(times)),
        int(statistics.median(counts)),
    )


def bench(runs: int, max_pages: int, migrations: bool, broken: list[str]) -> list[Measure]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise SystemExit(f"pages: {CHROMIUM} is missing (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="closedset-pages-") as folder:
        data = Path(folder)
        env = _environment(data)
        if migrations:
            _run(env, "migrate")
        else:
            env = _without_migrations(env, data)
            _run(env, "manage", "migrate", "--run-syncdb", "--verbosity", "0")
        logins = _demo_logins(_run({**env, "CLOSEDSET_DEV": "1"}, "demo"))
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        log = data / "serve.log"
        results: list[Measure] = []
        with log.open("wb") as sink:
            server = subprocess.Popen(  # noqa: S603 - our own command
                [*CLOSEDSET, "serve", "--port", str(port)],
                env=env,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
            try:
                _wait_until_up(base, server, log)
                with sync_playwright() as playwright:
                    browser = playwright.chromium.launch(
                        executable_path=CHROMIUM, args=CHROMIUM_ARGS
                    )
                    for login in logins:
                        context = browser.new_context(viewport=PHONE, is_mobile=True)
                        page = context.new_page()
                        _log_in(page, base, login)
                        persona = login.email.split("@")[0]
                        lost: list[str] = []
                        paths = _pages(page, base, max_pages, lost)
                        broken.extend(f"{persona} {line}" for line in lost)
                        wire = Wire(page)
                        goal = PERFORMER_GOAL if login.role == "performer" else PAGE_GOAL
                        for path in paths:
                            size, load_ms, requests = _measure(page, wire, base, path, runs)
                            measure = Measure(
                                persona, login.role, path, size, load_ms, requests, goal
                            )
                            results.append(measure)
                            _print_row(measure)
                        context.close()
                    browser.close()
            finally:
                server.terminate()
                server.wait(timeout=20)
        return results


def _print_row(m: Measure) -> None:
    verdict = "ok" if m.ok else f"MISSES {m.goal // KB} KB"
    print(
        f"{m.persona:<7} {m.role:<12} {m.page:<48} {m.bytes / KB:8.1f} KB "
        f"{m.load_ms:7.0f} ms {m.requests:3d} req  {verdict}",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="loads per page (median)")
    parser.add_argument("--max-pages", type=int, default=60, help="pages per persona at most")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--no-migrations",
        action="store_true",
        help="make the tables from the models (for model changes without a migration yet)",
    )
    args = parser.parse_args(argv)
    print(f"{'persona':<7} {'role':<12} {'page':<48} {'transferred':>11} {'load':>10}")
    broken: list[str] = []
    try:
        results = bench(args.runs, args.max_pages, not args.no_migrations, broken)
    except SystemExit as error:
        print(error, file=sys.stderr)
        return 2
    if broken:
        print("Pages that answered with an error:")
        for line in broken:
            print(f"  {line}")
    if not results:
        print("pages: no page could be measured", file=sys.stderr)
        return 2
    if args.json:
        rows = [asdict(m) | {"ok": m.ok} for m in results]
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    heaviest = max(results, key=lambda m: m.bytes)
    print(
        f"\n{len(results)} pages; heaviest {heaviest.page} ({heaviest.persona}) "
        f"{heaviest.bytes / KB:.1f} KB"
    )
    missed = [m for m in results if not m.ok]
    if missed or broken:
        print("Pages over the goal (performer pages 100 KB, all pages 150 KB):")
        for m in missed:
            print(f"  {m.persona} {m.page}: {m.bytes / KB:.1f} KB, goal {m.goal // KB} KB")
        if not missed:
            print("  none; but pages above answered with an error")
        return 1
    print("Every performer page is within 100 KB and every page within 150 KB.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
