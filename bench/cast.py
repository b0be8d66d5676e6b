"""Casting benchmark: the array search against the plain reference on a large random pool.

Run: .venv/bin/python bench/cast.py [--pool 10000] [--sample 150] [--seed 7]

Generates a pool of random boundary profiles in memory (seeded), a 20-beat plan with two open
roles (A and B, acts both ways), then prints the time to build the index, the time of the fast
search (count of every compatible pair, plus the first ten), the reference's time on a random
subsample scaled up to the whole pool by the number of ordered pairs, and their ratio. The two
must agree on the subsample, or the benchmark fails.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import time

from closedset.core.cast import CastIndex, reference_search
from closedset.core.plan import Beat, ScenePlan
from closedset.core.profile import Boundary, BoundaryProfile
from closedset.core.taxonomy import Intensity, load_taxonomy

TAXONOMY = load_taxonomy()
# Acts most performers say yes to; the rest are answered more carefully.
MILD = {
    "kiss",
    "open-mouth-kiss",
    "touch",
    "caress",
    "embrace",
    "hand-holding",
    "massage",
    "lying-together",
    "spooning",
    "undressing-partner",
    "undressing-self",
    "nudity-implied",
    "nudity-partial",
    "nudity-topless",
    "nudity-rear",
    "simulated-sex",
    "grinding",
    "praise",
    "dirty-talk",
}
IMPACT_CATEGORIES = {"impact", "rough", "restraint"}
# Personas: share of the pool, then for mild acts and for the others: the chance an act was
# discussed at all, and the chance of a yes once it was.
PERSONAS = [
    (0.4, (0.998, 0.99), (0.98, 0.95)),
    (0.4, (0.98, 0.93), (0.8, 0.5)),
    (0.2, (0.9, 0.75), (0.6, 0.1)),
]
# Intimate acts a partner list is usually attached to.
PARTNER_ACTS = ["open-mouth-kiss", "oral", "simulated-sex", "grinding", "vaginal-penetration"]


def random_profile(rng: random.Random, performer: str, everyone: list[str]) -> BoundaryProfile:
    share = rng.random()
    persona = PERSONAS[-1]
    for persona in PERSONAS:
        if share < persona[0]:
            break
        share -= persona[0]
    _, mild_odds, other_odds = persona
    entries: list[Boundary] = []
    partner_acts = (
        set(rng.sample(PARTNER_ACTS, rng.randint(1, 2))) if rng.random() < 0.03 else set()
    )
    for act in TAXONOMY.acts.values():
        mild = act.id in MILD
        for direction in act.directions:
            # Some acts were never discussed: silence, which the check reads as "talk first".
            discussed, yes = mild_odds if mild else other_odds
            if rng.random() > discussed:
                continue
            roll = rng.random()
            answer = "yes" if roll < yes else ("maybe" if roll < yes + (1 - yes) / 3 else "no")
            zones: dict[str, str] = {}
            if act.zones and rng.random() < 0.1:
                for zone in rng.sample(act.zones, min(len(act.zones), rng.randint(1, 2))):
                    zones[zone] = rng.choice(["no", "no", "maybe", "yes"])
            ceiling = None
            if act.category in IMPACT_CATEGORIES and rng.random() < 0.4:
                ceiling = rng.choice([Intensity.light, Intensity.medium])
            partners = None
            if act.id in partner_acts:
                partners = tuple(rng.sample(everyone, rng.randint(1, 3)))
            entries.append(
                Boundary(
                    act=act.id,
                    direction=direction,
                    answer=answer,
                    zones=zones,
                    max_intensity=ceiling,
                    limit=rng.choice(["hard", "hard", "soft"]),
                    partners=partners,
                )
            )
    barrier = rng.choices(["none", "condom", "barrier"], weights=[80, 10, 10])[0]
    return BoundaryProfile(
        performer=performer, name=performer, boundaries=tuple(entries), barrier=barrier
    )


def random_pool(size: int, seed: int) -> list[BoundaryProfile]:
    rng = random.Random(seed)
    everyone = [f"p{index:05d}" for index in range(size)]
    return [random_profile(rng, performer, everyone) for performer in everyone]


def two_role_plan() -> ScenePlan:
    """Twenty beats, A and B both open, acts going both ways."""
    steps = [
        ("kiss", "A", "B", "face", "light", "none"),
        ("kiss", "B", "A", "mouth", "light", "none"),
        ("open-mouth-kiss", "A", "B", "mouth", "light", "none"),
        ("open-mouth-kiss", "B", "A", "mouth", "light", "none"),
        ("embrace", "A", "B", "back", "light", "none"),
        ("caress", "B", "A", "thighs", "light", "none"),
        ("touch", "A", "B", "chest", "light", "none"),
        ("touch", "B", "A", "buttocks", "light", "none"),
        ("undressing-partner", "A", "B", "chest", "light", "none"),
        ("undressing-partner", "B", "A", "legs", "light", "none"),
        ("nudity-topless", "A", None, None, "light", "none"),
        ("nudity-rear", "B", None, None, "light", "none"),
        ("grab", "B", "A", "buttocks", "medium", "none"),
        ("slap", "A", "B", "buttocks", "light", "none"),
        ("spank", "B", "A", "buttocks", "medium", "none"),
        ("hair-pull", "A", "B", "hair", "light", "none"),
        ("simulated-sex", "A", "B", "abdomen", "medium", "none"),
        ("grinding", "B", "A", "thighs", "light", "none"),
        ("oral", "A", "B", "genitals", "light", "barrier"),
        ("lying-together", "B", "A", "chest", "light", "none"),
    ]
    beats = tuple(
        Beat(
            id=f"b{number}",
            act=act,
            by=by,
            to=(to,) if to else (),
            zone=zone,
            intensity=Intensity[intensity],
            barrier=barrier,
        )
        for number, (act, by, to, zone, intensity, barrier) in enumerate(steps, start=1)
    )
    return ScenePlan(scene="bench", cast={"A": None, "B": None}, beats=beats, kind="adult")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool", type=int, default=10_000)
    parser.add_argument("--sample", type=int, default=150)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    plan = two_role_plan()
    started = time.perf_counter()
    pool = random_pool(args.pool, args.seed)
    generated = time.perf_counter() - started
    entries = sum(len(profile.boundaries) for profile in pool)

    started = time.perf_counter()
    index = CastIndex.build(pool)
    built = time.perf_counter() - started

    times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        result = index.search(plan, limit=10)
        times.append(time.perf_counter() - started)
    fast = min(times)
    started = time.perf_counter()
    relaxed = index.search(plan, allow_discussion=True, limit=10)
    fast_relaxed = time.perf_counter() - started

    sample = random.Random(args.seed + 1).sample(pool, args.sample)
    started = time.perf_counter()
    slow = reference_search(plan, sample, limit=10)
    reference = time.perf_counter() - started
    small = CastIndex.build(sample).search(plan, limit=10)
    assert (small.count, small.assignments) == (slow.count, slow.assignments), (small, slow)

    pairs = args.pool * (args.pool - 1)
    sample_pairs = args.sample * (args.sample - 1)
    scaled = reference * pairs / sample_pairs
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"machine             {machine}")
    print(
        f"pool                {args.pool} profiles, {entries} answers ({generated:.1f} s to make)"
    )
    print(f"plan                {len(plan.beats)} beats, open roles A and B")
    print(f"index build         {built:.3f} s")
    print(
        f"fast search         {fast * 1000:.1f} ms (best of {args.repeat}; median "
        f"{statistics.median(times) * 1000:.1f} ms): {result.count} compatible pairs of {pairs}"
    )
    print(
        f"  --allow-discussion {fast_relaxed * 1000:.1f} ms: "
        f"{relaxed.count} pairs clear or needing discussion"
    )
    print(
        f"reference sample    {args.sample} profiles, {sample_pairs} pairs checked in "
        f"{reference:.2f} s ({reference / sample_pairs * 1e6:.0f} us a pair), "
        f"{slow.count} compatible"
    )
    print(f"reference scaled    {scaled:.0f} s for {pairs} pairs ({scaled / 3600:.1f} h)")
    print(f"ratio               {scaled / fast:,.0f}x")
    print(f"first assignments   {result.assignments[:3]}")
    print("subsample           fast and reference agree (count and first ten)")


if __name__ == "__main__":
    main()
