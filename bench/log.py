"""Record benchmark: a Merkle log of a million entries, verified from scratch, and its proofs.

Run: .venv/bin/python bench/log.py [--size 1000000] [--samples 2000] [--seed 7]

Builds SIZE entries shaped like real ones (canonical JSON, ~330 bytes, people as commitments)
in memory, then prints:
- the time to verify the whole log from scratch: hash every entry and recompute the root
  (what `closedset audit verify` does per organisation), goal < 10 s at 1 M;
- the time to build the Tree once (all levels, what a proof server keeps);
- the median time to produce and to verify one inclusion proof over SAMPLES random entries,
  goal < 1 ms each, and the longest proof, goal <= 20 hashes at 1 M;
- the median time of a consistency proof and its check, and of one compact-range append.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import time

from closedset.core.record import (
    Tree,
    commitment,
    compact_append,
    compact_root,
    leaf_hash,
    tree_root,
    verify_consistency,
    verify_inclusion,
)

ENTRY = (
    '{"at":"2026-11-25T21:%02d:%02dZ","beats":["b1","b2","b7"],"people":["%s","%s"],'
    '"plan_sha256":"%s","plan_version":%d,"production":%d,"scene":%d,"type":"consent"}'
)


def make_entries(size: int, rng: random.Random) -> list[bytes]:
    salt = rng.randbytes(16)
    plan = commitment(salt, "plan")
    people = [commitment(salt, f"person-{i}") for i in range(500)]
    return [
        (
            ENTRY
            % (
                i // 60 % 60,
                i % 60,
                people[i % 500],
                people[(i * 7 + 1) % 500],
                plan,
                i % 9 + 1,
                i % 40 + 1,
                i % 300 + 1,
            )
        ).encode()
        for i in range(size)
    ]


def median_us(samples: list[float]) -> float:
    return statistics.median(samples) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="entries in the log")
    parser.add_argument("--samples", type=int, default=2000, help="proofs to time")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    size = args.size

    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs")
    started = time.perf_counter()
    entries = make_entries(size, rng)
    print(
        f"made {size:,} entries ({sum(map(len, entries)) / size:.0f} bytes each) in "
        f"{time.perf_counter() - started:.1f} s"
    )

    # Verify from scratch: every entry hashed, the root recomputed.
    started = time.perf_counter()
    leaves = [leaf_hash(e) for e in entries]
    root = tree_root(leaves)
    verify_s = time.perf_counter() - started
    print(
        f"verify the whole log from scratch (hash entries + root): {verify_s:.2f} s   goal < 10 s"
    )

    started = time.perf_counter()
    tree = Tree(leaves)
    print(f"build the Tree (all levels, once): {time.perf_counter() - started:.2f} s")
    assert tree.root() == root, "Tree and tree_root disagree"

    indices = [rng.randrange(size) for _ in range(args.samples)]
    produce: list[float] = []
    check: list[float] = []
    lengths: list[int] = []
    for index in indices:
        t0 = time.perf_counter()
        proof = tree.inclusion_proof(index)
        t1 = time.perf_counter()
        verify_inclusion(leaves[index], index, size, proof, root)
        t2 = time.perf_counter()
        produce.append(t1 - t0)
        check.append(t2 - t1)
        lengths.append(len(proof))
    print(
        f"inclusion proof, median of {args.samples}: produce {median_us(produce):.0f} µs, "
        f"verify {median_us(check):.0f} µs   goal < 1000 µs each"
    )
    print(
        f"inclusion proof length: at most {max(lengths)} hashes "
        f"(median {statistics.median(lengths):.0f})   goal <= 20"
    )

    produce, check = [], []
    for _ in range(min(args.samples, 500)):
        old = rng.randrange(1, size + 1)
        t0 = time.perf_counter()
        proof = tree.consistency_proof(old)
        t1 = time.perf_counter()
        verify_consistency(old, size, proof, tree.root(old), root)
        t2 = time.perf_counter()
        produce.append(t1 - t0)
        check.append(t2 - t1)
    print(
        f"consistency proof, median: produce {median_us(produce):.0f} µs, "
        f"verify {median_us(check):.0f} µs"
    )

    # The server's running root: a compact range, one append per new entry.
    started = time.perf_counter()
    stack: list[bytes] = []
    for n, leaf in enumerate(leaves):
        stack = compact_append(stack, n, leaf)
    append_s = time.perf_counter() - started
    assert compact_root(stack) == root, "compact range and tree_root disagree"
    print(
        f"compact range: {append_s / size * 1e6:.1f} µs per append "
        f"({append_s:.1f} s for all {size:,})"
    )


if __name__ == "__main__":
    main()
