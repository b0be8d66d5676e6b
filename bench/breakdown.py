"""Script breakdown benchmark: a 120-page feature read and flagged end to end.

Run: .venv/bin/python bench/breakdown.py [--lines 7000] [--repeat 7]

Builds a feature in memory by repeating the Fountain scripts of the labelled corpus
(src/closedset/breakdown/tests/corpus) without their title pages, one title page on top and every
scene renumbered 1..N (`#N#`), until it has at least LINES lines (a screenplay page is about 55
to 60 lines of Fountain, blank lines included: 7,000 lines is about 120 pages). It builds a Final
Draft feature the same way from the corpus's `.fdx` script (`Number="N"`), with as many
paragraphs as the Fountain feature has non-blank lines. Then it prints, for each:

- the median of REPEAT runs of `parse` (bytes to scenes), of `flag_scene` over every scene, and
  of both together (the goal: under 2 s);
- the first run in this process (cold: the lexicon and taxonomy are loaded and compiled);
- the median wall time of REPEAT runs of the whole command, `closedset breakdown FILE --json`,
  in a fresh Python process (start-up and imports included), output to /dev/null.

It fails when a scene is lost or numbered wrong on the way.
"""

from __future__ import annotations

import argparse
import copy
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET  # our own corpus file, not user input
from collections.abc import Callable
from pathlib import Path

from closedset.core.flags import flag_scene
from closedset.core.script import parse
from closedset.core.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "src/closedset/breakdown/tests/corpus"
GOAL_SECONDS = 2.0
_NUMBER = re.compile(r"\s*#[\w.\-]+#\s*$")


def fountain_feature(min_lines: int) -> tuple[bytes, int]:
    """The feature's bytes and its number of scenes."""
    sources = []
    for path in sorted(CORPUS.glob("*.fountain")):
        data = path.read_bytes()
        lines = data.decode("utf-8-sig").splitlines()
        script = parse(data, path.name)
        first = script.scenes[0].line  # the title page and a cold open are left out
        headings = {scene.line - first for scene in script.scenes}
        sources.append((lines[first - 1 :], headings, len(script.scenes)))
    out = ["Title: The Long Night", "Credit: written by", "Author: Benchmark", "", ""]
    number = 0
    while len(out) < min_lines:
        for body, headings, _count in sources:
            if len(out) >= min_lines:
                break
            for offset, line in enumerate(body):
                if offset in headings:
                    number += 1
                    line = f"{_NUMBER.sub('', line)} #{number}#"
                out.append(line)
            out += ["", "CUT TO:", ""]
    return ("\n".join(out) + "\n").encode("utf-8"), number


def fdx_feature(min_paragraphs: int) -> tuple[bytes, int]:
    source = ET.parse(next(CORPUS.glob("*.fdx")))
    root = source.getroot()
    content = root.find("Content")
    assert content is not None
    originals = list(content)
    for paragraph in originals:
        content.remove(paragraph)
    number = count = 0
    while count < min_paragraphs:
        for paragraph in originals:
            made = copy.deepcopy(paragraph)
            if made.get("Type") == "Scene Heading":
                number += 1
                made.set("Number", str(number))
            content.append(made)
            count += 1 + len(made.findall(".//Paragraph"))
    return ET.tostring(root, encoding="utf-8", xml_declaration=True), number


def timed(function: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def measure(name: str, data: bytes, scenes: int, repeat: int) -> dict[str, float]:
    taxonomy = load_taxonomy()

    def flag_all(script):
        return [flag_scene(scene, taxonomy) for scene in script.scenes]

    def both():
        return flag_all(parse(data, name))

    cold, _ = timed(both)
    parse_times, flag_times, total_times = [], [], []
    for _ in range(repeat):
        seconds, script = timed(lambda: parse(data, name))
        parse_times.append(seconds)
        seconds, flags = timed(lambda s=script: flag_all(s))
        flag_times.append(seconds)
        seconds, _ = timed(both)
        total_times.append(seconds)
    numbers = [scene.number for scene in script.scenes]
    if numbers != [str(n) for n in range(1, scenes + 1)]:
        raise SystemExit(f"{name}: {len(numbers)} scenes read, {scenes} written, or misnumbered")
    return {
        "parse": statistics.median(parse_times),
        "flag": statistics.median(flag_times),
        "total": statistics.median(total_times),
        "cold": cold,
        "intimate": sum(1 for flag in flags if flag.intimate),
    }


def command(path: Path, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "closedset.cli", "breakdown", str(path), "--json"],
            stdout=subprocess.DEVNULL,
            check=True,
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=7000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)

    fountain, fountain_scenes = fountain_feature(args.lines)
    fountain_lines = fountain.count(b"\n")
    content_lines = sum(1 for line in fountain.splitlines() if line.strip())
    fdx, fdx_scenes = fdx_feature(content_lines)
    print(f"machine: {platform.machine()}, Python {platform.python_version()}")
    print(
        f"fountain: {fountain_lines:,} lines ({content_lines:,} not blank, ≈ "
        f"{fountain_lines / 58:.0f} pages at 58 lines), {fountain_scenes} scenes, "
        f"{len(fountain) / 1000:.0f} kB"
    )
    print(f"fdx: {fdx_scenes} scenes, {len(fdx) / 1000:.0f} kB")
    failed = False
    with tempfile.TemporaryDirectory() as folder:
        for name, data, scenes in (
            ("feature.fountain", fountain, fountain_scenes),
            ("feature.fdx", fdx, fdx_scenes),
        ):
            figures = measure(name, data, scenes, args.repeat)
            path = Path(folder) / name
            path.write_bytes(data)
            whole = command(path, args.repeat)
            failed |= figures["total"] >= GOAL_SECONDS
            print(
                f"{name}: parse {figures['parse'] * 1000:.0f} ms, "
                f"flag {figures['flag'] * 1000:.0f} ms, "
                f"parse + flag {figures['total'] * 1000:.0f} ms "
                f"(median of {args.repeat}; first run {figures['cold'] * 1000:.0f} ms); "
                f"command in a new process {whole * 1000:.0f} ms; "
                f"{figures['intimate']} scenes flagged"
            )
    for size in (32_000, 64_000, 1_000_000):
        print(
            f"hostile first line of {size:,} letters and spaces, no colon: "
            f"parse {long_first_line(size) * 1000:.0f} ms"
        )
    print(f"goal: parse + flag under {GOAL_SECONDS:.0f} s: {'NOT MET' if failed else 'met'}")
    return 1 if failed else 0


def long_first_line(size: int) -> float:
    """Seconds to parse a script whose first line is `size` letters and spaces without a
    colon: once quadratic in the title page's pattern (64k took 5 s, 1 MB some 20 minutes)."""
    data = b"A" + b" " * (size - 2) + b"B\n\nINT. ROOM - DAY\n\nThey talk.\n"
    start = time.perf_counter()
    parse(data, "hostile.fountain")
    return time.perf_counter() - start


if __name__ == "__main__":
    sys.exit(main())
