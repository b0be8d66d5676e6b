"""The API fuzz run long: src/closedset/api/tests/test_schemathesis.py with more examples.

Run from the repository root: .venv/bin/python bench/schemathesis_long.py [--examples 300]
[--chains 150] [--workers 2]

`make test` runs the same file bounded (40 requests per operation, 20 chains per persona).
This runs it with --examples requests per operation and --chains chains (of at most five
requests) for each of the three chain personas, then prints the requests sent, their statuses,
the failing tests and the time taken. Exit status: 0 when nothing failed and at least
--at-least requests were sent.
"""

from __future__ import annotations

import argparse
import ast
import os
import platform
import resource
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
TESTS = "src/closedset/api/tests/test_schemathesis.py"


class Tally:
    """Collects what each test recorded (`statuses`), also from xdist workers."""

    def __init__(self) -> None:
        self.statuses: Counter[int] = Counter()
        self.failed: list[str] = []
        self.tests = 0

    def pytest_runtest_logreport(self, report: Any) -> None:
        if report.when == "call":
            self.tests += 1
            for name, value in report.user_properties:
                if name == "statuses":
                    # junit-style properties travel from xdist workers as text.
                    counts = value if isinstance(value, dict) else ast.literal_eval(value)
                    self.statuses.update({int(k): v for k, v in counts.items()})
        if report.failed:
            self.failed.append(report.nodeid)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=300, help="requests per operation")
    parser.add_argument("--chains", type=int, default=150, help="chains per persona")
    parser.add_argument("--workers", type=int, default=2, help="pytest-xdist workers")
    parser.add_argument("--at-least", type=int, default=10_000, help="requests required")
    args = parser.parse_args()

    os.chdir(ROOT)
    os.environ["CLOSEDSET_SCHEMATHESIS_EXAMPLES"] = str(args.examples)
    os.environ["CLOSEDSET_SCHEMATHESIS_CHAINS"] = str(args.chains)
    tally = Tally()
    pytest_args = [TESTS, "--nomigrations", "-q", "--tb=short"]
    if args.workers > 1:
        pytest_args += ["-n", str(args.workers)]
    started = time.perf_counter()
    code = pytest.main(pytest_args, plugins=[tally])
    elapsed = time.perf_counter() - started
    # Processor time of this process and of the xdist workers it waited for.
    cpu = sum(
        usage.ru_utime + usage.ru_stime
        for usage in (
            resource.getrusage(resource.RUSAGE_SELF),
            resource.getrusage(resource.RUSAGE_CHILDREN),
        )
    )

    cases = sum(tally.statuses.values())
    server_errors = sum(n for status, n in tally.statuses.items() if status >= 500)
    print()
    python = sys.version.split()[0]
    print(f"machine      {platform.machine()}, {os.cpu_count()} cores, Python {python}")
    print(f"settings     {args.examples} requests per operation, {args.chains} chains per persona")
    print(f"tests        {tally.tests} ({len(tally.failed)} failed)")
    print(f"requests     {cases:,}")
    print("statuses     " + ", ".join(f"{s}: {n:,}" for s, n in sorted(tally.statuses.items())))
    print(f"5xx          {server_errors}")
    each = 1000 * elapsed / max(cases, 1)
    print(f"duration     {elapsed:.0f} s ({args.workers} workers), {each:.1f} ms a request")
    print(f"processor    {cpu:.0f} s, {1000 * cpu / max(cases, 1):.1f} ms a request")
    for nodeid in tally.failed:
        print(f"FAILED       {nodeid}")
    if code != 0 or tally.failed or server_errors:
        return 1
    return 0 if cases >= args.at_least else 2


if __name__ == "__main__":
    raise SystemExit(main())
