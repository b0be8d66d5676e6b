"""Recall and precision of the script breakdown flags (core.flags) on the labelled corpus.

    .venv/bin/python bench/breakdown_flags.py [--holdout] [--misses]

Scene level: recall and precision of `intimate`. Act level (intimate scenes): recall over the
labels' `acts`; precision counting a suggestion right when it is in `acts` or `acts_also_fine`
(the corpus README's scoring). `--holdout` scores the held-out scripts in
src/closedset/core/tests/flags_holdout/ instead (never used to tune the lexicon); `--misses`
lists every wrong scene and act.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from closedset.core.flags import flag_scene
from closedset.core.script import parse
from closedset.core.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "src/closedset/breakdown/tests/corpus"
HOLDOUT = ROOT / "src/closedset/core/tests/flags_holdout"


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    act_hit: int = 0  # required acts suggested
    act_need: int = 0  # required acts
    act_ok: int = 0  # suggestions in acts or acts_also_fine
    act_made: int = 0  # suggestions made
    misses: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name in ("tp", "fp", "fn", "act_hit", "act_need", "act_ok", "act_made"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.misses += other.misses

    @staticmethod
    def ratio(a: int, b: int) -> float:
        return a / b if b else 1.0

    @property
    def recall(self) -> float:
        return self.ratio(self.tp, self.tp + self.fn)

    @property
    def precision(self) -> float:
        return self.ratio(self.tp, self.tp + self.fp)

    @property
    def act_recall(self) -> float:
        return self.ratio(self.act_hit, self.act_need)

    @property
    def act_precision(self) -> float:
        return self.ratio(self.act_ok, self.act_made)


def score_script(path: Path, label: dict) -> Score:
    taxonomy = load_taxonomy()
    script = parse(path.read_bytes(), path.name)
    adult = label.get("kind") == "adult"
    score = Score()
    by_index = {s.index: s for s in script.scenes}
    for want in label["scenes"]:
        scene = by_index.get(want["index"])
        if scene is None:
            score.misses.append(f"{path.name} #{want['index']}: scene not found by the parser")
            score.fn += int(want["intimate"])
            continue
        flag = flag_scene(scene, taxonomy, adult=adult)
        where = f"{path.name} #{want['index']} {scene.heading}"
        if flag.intimate and want["intimate"]:
            score.tp += 1
        elif flag.intimate:
            score.fp += 1
            lines = "; ".join(f"{e.line}: {e.text[:70]}" for e in flag.evidence)
            score.misses.append(f"FALSE FLAG {where} <- {lines}")
        elif want["intimate"]:
            score.fn += 1
            score.misses.append(f"MISSED {where}")
        if want["intimate"]:
            required = set(want["acts"])
            fine = required | set(want.get("acts_also_fine", []))
            got = set(flag.acts)
            score.act_need += len(required)
            score.act_hit += len(required & got)
            score.act_made += len(got)
            score.act_ok += len(got & fine)
            if required - got:
                score.misses.append(f"acts missed {where}: {sorted(required - got)}")
            if got - fine:
                score.misses.append(f"acts wrong {where}: {sorted(got - fine)}")
    return score


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--holdout", action="store_true")
    parser.add_argument("--misses", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    folder = HOLDOUT if args.holdout else CORPUS
    labels = json.loads((folder / "labels.json").read_text("utf-8"))["scripts"]
    total = Score()
    rows = []
    for name, label in labels.items():
        score = score_script(folder / name, label)
        total.add(score)
        rows.append((name, score))
    if args.json:
        print(
            json.dumps(
                {n: vars(s) | {"recall": s.recall, "precision": s.precision} for n, s in rows}
            )
        )
        return 0
    head = f"{'script':36} {'scenes':>6} {'recall':>7} {'prec':>6} {'act rec':>8} {'act prec':>9}"
    print(head)
    for name, s in [*rows, ("TOTAL", total)]:
        n = s.tp + s.fp + s.fn
        print(
            f"{name:36} {n:>6} {s.recall:>7.3f} {s.precision:>6.3f} "
            f"{s.act_recall:>8.3f} {s.act_precision:>9.3f}"
        )
    print(f"intimate scenes: {total.tp} found, {total.fn} missed, {total.fp} false flags")
    if args.misses:
        print("\n".join(total.misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
