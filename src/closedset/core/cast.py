"""Casting search: fill a plan's open roles from a pool so that the plan is clear.

Two implementations give the same answers (the tests prove it on random pools):

- `reference_search` tries every way to fill the open roles and runs the check on each. It is
  plain and obviously right, and far too slow for a real pool.
- `search` (over a `CastIndex`) splits the check's rules by who they involve. Rules 1, 2, 3 and 5,
  the mainstream rule, and rule 4 against fixed cast members involve one open role at a time:
  they become a status vector per open role over the whole pool, computed with array operations
  per beat. Rule 4 between two open roles couples them, but partner lists are rare, so pairs are
  counted as |ok1| x |ok2| minus the same-person pairs minus the few pairs a partner list rules
  out. With more than two open roles a backtracking over masks reduces to that pair count.

Order of results: performer ids taken in role-name order (roles sorted by name), compared as
tuples; so {"A": "ada", "B": "zed"} comes before {"A": "bea", "B": "cy"}.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from closedset.core.check import (
    BARRIER_SATISFIED_BY,
    Status,
    check,
    evaluate,
    index_profiles,
    is_real_sex,
    participants,
    require_profiles,
)
from closedset.core.plan import Beat, ScenePlan
from closedset.core.profile import BoundaryProfile
from closedset.core.taxonomy import BARRIERS, Act, Taxonomy, load_taxonomy

Mask = npt.NDArray[np.bool_]
Statuses = npt.NDArray[np.int8]
Positions = npt.NDArray[np.intp]
Profiles = Mapping[str, BoundaryProfile] | Iterable[BoundaryProfile]

ANSWER_STATUS = {"yes": Status.clear, "maybe": Status.needs_discussion, "no": Status.blocked}
# Above every intensity: "no ceiling" for entries without max_intensity and for missing entries.
NO_CEILING = 99
BARRIER_CODE = {barrier: code for code, barrier in enumerate(BARRIERS)}


@dataclass(frozen=True)
class CastResult:
    count: int
    assignments: list[dict[str, str]]


# --------------------------------------------------------------------------------------------
# The reference: every permutation, each one checked.


def reference_search(
    plan: ScenePlan,
    profiles: Profiles,
    allow_discussion: bool = False,
    limit: int | None = None,
    taxonomy: Taxonomy | None = None,
) -> CastResult:
    """Every way to fill the open roles, each judged by `check`; the accepted ones in order."""
    by_id = index_profiles(profiles)
    require_profiles(plan, by_id)
    worst = _worst_accepted(allow_discussion)
    roles = sorted(plan.open_roles())
    fixed = {performer for performer in plan.cast.values() if performer is not None}
    pool = sorted(performer for performer in by_id if performer not in fixed)
    accepted: list[dict[str, str]] = []
    # Sorted roles over a sorted pool: permutations come out in the contract's order.
    for chosen in itertools.permutations(pool, len(roles)):
        assignment = dict(zip(roles, chosen, strict=True))
        if check(plan.with_cast(assignment), by_id, taxonomy).status <= worst:
            accepted.append(assignment)
    return CastResult(count=len(accepted), assignments=accepted[: _cap(limit, len(accepted))])


# --------------------------------------------------------------------------------------------
# The index: a pool's profiles as arrays, built once and searched many times.


@dataclass(frozen=True)
class _Entries:
    """Every performer's entry for one (act, direction), as arrays over the pool."""

    # Rules 1 and 2 without a zone: clear / needs_discussion / blocked; a missing entry is
    # needs_discussion (not discussed).
    answer: Statuses
    # Rule 2 for the zones some performer answers separately.
    zone_answer: dict[str, Statuses]
    # Rule 3: the entry's max_intensity (NO_CEILING when none or no entry).
    ceiling: npt.NDArray[np.int8]
    # Rule 4: position -> partner ids, only for entries that list partners (rare).
    partners: dict[int, frozenset[str]]


@dataclass
class CastIndex:
    """A pool of boundary profiles as arrays; build once (`build`), then `search` per plan."""

    ids: list[str]
    position: dict[str, int]
    profiles: Mapping[str, BoundaryProfile]
    barrier_need: npt.NDArray[np.int8]
    entries: dict[tuple[str, str], _Entries]
    taxonomy: Taxonomy

    @classmethod
    def build(cls, profiles: Profiles, taxonomy: Taxonomy | None = None) -> CastIndex:
        by_id = index_profiles(profiles)
        # Positions follow the id order, so ascending positions are the output order.
        ids = sorted(by_id)
        position = {performer: index for index, performer in enumerate(ids)}
        size = len(ids)
        barrier_need = np.array(
            [BARRIER_CODE[by_id[performer].barrier] for performer in ids], dtype=np.int8
        )
        # Gather per (act, direction) first, then fill each array in one go.
        gathered: dict[tuple[str, str], _Gathered] = {}
        for index, performer in enumerate(ids):
            for entry in by_id[performer].boundaries:
                group = gathered.setdefault((entry.act, entry.direction), _Gathered())
                group.positions.append(index)
                group.answers.append(ANSWER_STATUS[entry.answer])
                group.ceilings.append(
                    NO_CEILING if entry.max_intensity is None else int(entry.max_intensity)
                )
                for zone, said in entry.zones.items():
                    group.zones.setdefault(zone, ([], []))
                    group.zones[zone][0].append(index)
                    group.zones[zone][1].append(ANSWER_STATUS[said])
                if entry.partners is not None:
                    group.partners[index] = frozenset(entry.partners)
        entries: dict[tuple[str, str], _Entries] = {}
        for key, group in gathered.items():
            positions = np.array(group.positions, dtype=np.intp)
            answer = np.full(size, Status.needs_discussion, dtype=np.int8)
            answer[positions] = group.answers
            ceiling = np.full(size, NO_CEILING, dtype=np.int8)
            ceiling[positions] = group.ceilings
            zone_answer: dict[str, Statuses] = {}
            for zone, (zone_positions, zone_answers) in group.zones.items():
                override = answer.copy()
                override[zone_positions] = zone_answers
                zone_answer[zone] = override
            entries[key] = _Entries(answer, zone_answer, ceiling, group.partners)
        return cls(
            ids=ids,
            position=position,
            profiles=by_id,
            barrier_need=barrier_need,
            entries=entries,
            taxonomy=taxonomy or load_taxonomy(),
        )

    def search(
        self, plan: ScenePlan, allow_discussion: bool = False, limit: int | None = None
    ) -> CastResult:
        """The assignments of the open roles that leave the plan clear (or needing discussion)."""
        require_profiles(plan, self.profiles)
        problem = _Problem.of(self, plan, _worst_accepted(allow_discussion))
        if problem is None:
            return CastResult(count=0, assignments=[])
        count = problem.count(0, problem.ok)
        wanted = min(_cap(limit, count), count)
        found: list[tuple[int, ...]] = []
        if wanted:
            problem.enumerate(0, problem.ok, (), found, wanted)
        names = problem.roles
        assignments = [
            {role: self.ids[p] for role, p in zip(names, chosen, strict=True)} for chosen in found
        ]
        return CastResult(count=count, assignments=assignments)

    def participant_statuses(self, beat: Beat, act: Act, direction: str) -> Statuses:
        """Rules 1, 2, 3 and 5 for every performer in the pool taking part in `beat`."""
        table = self.entries.get((beat.act, direction))
        if table is None:
            status = np.full(len(self.ids), Status.needs_discussion, dtype=np.int8)
        else:
            answer = table.answer
            if beat.zone is not None:
                answer = table.zone_answer.get(beat.zone, answer)
            status = answer.copy()
            status[table.ceiling < int(beat.intensity)] = Status.blocked
        if act.barrier:
            short = [
                BARRIER_CODE[need]
                for need, accepted in BARRIER_SATISFIED_BY.items()
                if beat.barrier not in accepted
            ]
            if short:
                status[np.isin(self.barrier_need, short)] = Status.blocked
        return status


@dataclass
class _Gathered:
    positions: list[int] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)
    ceilings: list[int] = field(default_factory=list)
    zones: dict[str, tuple[list[int], list[int]]] = field(default_factory=dict)
    partners: dict[int, frozenset[str]] = field(default_factory=dict)


def search(
    plan: ScenePlan,
    profiles: Profiles,
    allow_discussion: bool = False,
    limit: int | None = None,
    taxonomy: Taxonomy | None = None,
) -> CastResult:
    """Build the pool's index and search it (the command line's entry point)."""
    index = CastIndex.build(profiles, taxonomy)
    return index.search(plan, allow_discussion=allow_discussion, limit=limit)


# --------------------------------------------------------------------------------------------
# The search proper.


@dataclass(frozen=True)
class _Restriction:
    """Rule 4 between two open roles, one way: performers in role `r` whose partner lists
    decide who may fill role `s`. Stored as rows (restricted performer) of allowed positions."""

    rows: Positions  # restricted performers' positions, ascending
    starts: Positions  # row i's allowed positions are allowed[starts[i]:starts[i + 1]]
    allowed: Positions
    entry_row: Positions  # the row each element of `allowed` belongs to
    self_allowed: Mask  # the row's performer is on their own list
    restricted: Mask  # over the pool: has a row

    @classmethod
    def of(cls, lists: dict[int, frozenset[int]], size: int) -> _Restriction:
        rows = np.array(sorted(lists), dtype=np.intp)
        chunks = [np.array(sorted(lists[int(row)]), dtype=np.intp) for row in rows]
        lengths = np.array([len(chunk) for chunk in chunks], dtype=np.intp)
        starts = np.zeros(len(rows) + 1, dtype=np.intp)
        np.cumsum(lengths, out=starts[1:])
        allowed = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.intp)
        entry_row = np.repeat(np.arange(len(rows), dtype=np.intp), lengths)
        self_allowed = np.array(
            [int(row) in lists[int(row)] for row in rows], dtype=np.bool_
        ).reshape(len(rows))
        restricted = np.zeros(size, dtype=np.bool_)
        restricted[rows] = True
        return cls(rows, starts, allowed, entry_row, self_allowed, restricted)

    def allowed_for(self, performer: int) -> Positions | None:
        """Who `performer` accepts in the other role; None when they accept anyone."""
        if not self.restricted[performer]:
            return None
        row = int(np.searchsorted(self.rows, performer))
        return self.allowed[self.starts[row] : self.starts[row + 1]]

    def refusing(self, performer: int) -> Mask:
        """Over the pool: restricted performers whose lists leave `performer` out."""
        refusing = self.restricted.copy()
        refusing[self.rows[self.entry_row[self.allowed == performer]]] = False
        return refusing


@dataclass
class _Problem:
    """One plan's open roles over one pool: an ok mask per role, and the coupling rules."""

    roles: list[str]  # open roles, sorted by name
    ok: list[Mask]
    # (i, j) -> restriction on role j by performers in role i (only where some exist).
    couplings: dict[tuple[int, int], _Restriction]

    @classmethod
    def of(cls, index: CastIndex, plan: ScenePlan, worst: Status) -> _Problem | None:
        """The problem, or None when the fixed part of the plan already fails."""
        size = len(index.ids)
        roles = sorted(plan.open_roles())
        slot = {role: i for i, role in enumerate(roles)}
        unary = [np.zeros(size, dtype=np.int8) for _ in roles]
        lists: dict[tuple[int, int], dict[int, frozenset[str]]] = {}
        for beat in plan.beats:
            act = index.taxonomy.acts[beat.act]
            if plan.kind == "mainstream" and is_real_sex(beat, act):
                # Every finding of this beat is blocked, whoever is cast.
                return None
            for who in participants(beat, act):
                performer = plan.cast.get(who.role)
                if performer is not None:
                    # A fixed member: their own rules are constant; rule 4 against the
                    # open roles they face restricts those roles.
                    profile = index.profiles[performer]
                    status, _ = evaluate(profile, beat, act, who, plan.cast)
                    if status > worst:
                        return None
                    entry = profile.boundary(beat.act, who.direction)
                    if entry is not None and entry.partners is not None:
                        allowed = [index.position[p] for p in entry.partners if p in index.position]
                        for role in who.counterparts:
                            if plan.cast.get(role) is None:
                                refused = np.ones(size, dtype=np.bool_)
                                refused[allowed] = False
                                unary[slot[role]][refused] = Status.blocked
                    continue
                i = slot[who.role]
                np.maximum(
                    unary[i], index.participant_statuses(beat, act, who.direction), out=unary[i]
                )
                table = index.entries.get((beat.act, who.direction))
                if table is None or not table.partners:
                    continue
                for role in who.counterparts:
                    partner = plan.cast.get(role)
                    if partner is not None:
                        for p, partners in table.partners.items():
                            if partner not in partners:
                                unary[i][p] = Status.blocked
                    else:
                        # Both open: each restricted performer's lists, intersected.
                        pair = lists.setdefault((i, slot[role]), {})
                        for p, partners in table.partners.items():
                            pair[p] = pair[p] & partners if p in pair else partners
        candidates = np.ones(size, dtype=np.bool_)
        for performer in plan.cast.values():
            if performer is not None:
                candidates[index.position[performer]] = False
        ok = [candidates & (status <= worst) for status in unary]
        couplings: dict[tuple[int, int], _Restriction] = {}
        for key, by_performer in lists.items():
            mask = ok[key[0]]
            kept = {
                p: frozenset(index.position[q] for q in partners if q in index.position)
                for p, partners in by_performer.items()
                if mask[p]
            }
            if kept:
                couplings[key] = _Restriction.of(kept, size)
        return cls(roles=roles, ok=ok, couplings=couplings)

    def narrow(self, level: int, performer: int, masks: list[Mask]) -> list[Mask]:
        """The later roles' masks once role `level` is given to `performer`."""
        narrowed = list(masks)
        for later in range(level + 1, len(self.roles)):
            mask = masks[later].copy()
            mask[performer] = False
            forward = self.couplings.get((level, later))
            if forward is not None:
                allowed = forward.allowed_for(performer)
                if allowed is not None:
                    keep = np.zeros_like(mask)
                    keep[allowed] = True
                    mask &= keep
            backward = self.couplings.get((later, level))
            if backward is not None:
                mask &= ~backward.refusing(performer)
            narrowed[later] = mask
        return narrowed

    def count(self, level: int, masks: list[Mask]) -> int:
        remaining = len(self.roles) - level
        if remaining == 0:
            return 1
        if remaining == 1:
            return int(np.count_nonzero(masks[level]))
        if remaining == 2:
            return self.count_pairs(level, masks[level], masks[level + 1])
        total = 0
        for performer in np.flatnonzero(masks[level]):
            total += self.count(level + 1, self.narrow(level, int(performer), masks))
        return total

    def count_pairs(self, a: int, ok_a: Mask, ok_b: Mask) -> int:
        """Pairs (p in role a, q in role b): all pairs, less same-person pairs, less the pairs
        a partner list refuses. Only the few restricted performers are looked at one by one."""
        b = a + 1
        size_a = int(np.count_nonzero(ok_a))
        size_b = int(np.count_nonzero(ok_b))
        total = size_a * size_b - int(np.count_nonzero(ok_a & ok_b))
        forward = self.couplings.get((a, b))
        backward = self.couplings.get((b, a))
        refused_forward = _refused(forward, ok_a, ok_b, size_b)
        refused_backward = _refused(backward, ok_b, ok_a, size_a)
        if forward is None or backward is None:
            return total - refused_forward - refused_backward
        # Pairs refused both ways were counted twice: restricted p and q, each off the other's
        # list. Count the restricted pairs where at least one list names the other, and take.
        rows_a = forward.rows[ok_a[forward.rows]]
        rows_b = backward.rows[ok_b[backward.rows]]
        in_a = np.zeros_like(ok_a)
        in_a[rows_a] = True
        in_b = np.zeros_like(ok_b)
        in_b[rows_b] = True
        size = ok_a.size
        p = forward.rows[forward.entry_row]
        q = forward.allowed
        keep = ok_a[p] & in_b[q] & (p != q)
        named = p[keep] * size + q[keep]
        q2 = backward.rows[backward.entry_row]
        p2 = backward.allowed
        keep2 = ok_b[q2] & in_a[p2] & (p2 != q2)
        named2 = p2[keep2] * size + q2[keep2]
        either = int(np.union1d(named, named2).size)
        both_restricted = len(rows_a) * len(rows_b) - int(np.count_nonzero(in_a & in_b))
        refused_twice = both_restricted - either
        return total - refused_forward - refused_backward + refused_twice

    def enumerate(
        self,
        level: int,
        masks: list[Mask],
        chosen: tuple[int, ...],
        found: list[tuple[int, ...]],
        wanted: int,
    ) -> None:
        """The first `wanted` assignments in order, depth first, skipping empty branches."""
        remaining = len(self.roles) - level
        if remaining == 0:
            found.append(chosen)
            return
        if remaining == 1:
            for performer in np.flatnonzero(masks[level])[: wanted - len(found)]:
                found.append((*chosen, int(performer)))
            return
        for performer in np.flatnonzero(masks[level]):
            narrowed = self.narrow(level, int(performer), masks)
            # Deeper than one level, count first so a dead branch costs one count.
            if remaining > 2 and self.count(level + 1, narrowed) == 0:
                continue
            self.enumerate(level + 1, narrowed, (*chosen, int(performer)), found, wanted)
            if len(found) >= wanted:
                return


def _refused(
    restriction: _Restriction | None, ok_mine: Mask, ok_other: Mask, size_other: int
) -> int:
    """Pairs (p, q), p != q, p restricted and in ok_mine, q in ok_other but off p's list."""
    if restriction is None:
        return 0
    active = ok_mine[restriction.rows]
    if not active.any():
        return 0
    listed = np.bincount(
        restriction.entry_row,
        weights=ok_other[restriction.allowed].astype(np.float64),
        minlength=len(restriction.rows),
    ).astype(np.int64)
    # q != p: p itself is excluded when p is a candidate for the other role and off its list.
    self_off = ok_other[restriction.rows] & ~restriction.self_allowed
    refused = size_other - listed - self_off.astype(np.int64)
    return int(refused[active].sum())


# --------------------------------------------------------------------------------------------
# Shared by both implementations.


def _worst_accepted(allow_discussion: bool) -> Status:
    return Status.needs_discussion if allow_discussion else Status.clear


def _cap(limit: int | None, count: int) -> int:
    return count if limit is None else max(limit, 0)


__all__ = ["CastIndex", "CastResult", "reference_search", "search"]
