"""The record: every consent decision and gate goes into its organisation's append-only log.

Other apps call `append` inside the transaction that makes the change, so the entry and the
change commit (or roll back) together. An entry holds ids, hashes and salted commitments only
(formats.md "The record"); the whitelist below makes that a rule, not a habit.
"""

from __future__ import annotations

import base64
import functools
import json
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext

from closedset.core import record as core
from closedset.lib.errors import DomainError, Forbidden, NotFound
from closedset.productions.models import Organisation
from closedset.record.models import Checkpoint, Commitment, Log, LogEntry

if TYPE_CHECKING:
    from closedset.accounts.models import User


class ProofRangeError(DomainError):
    """A proof was asked for sizes or an entry the log does not have (a 400)."""

    status = 400


# --- what an entry may hold --------------------------------------------------------------------

ENTRY_TYPES = frozenset(
    {
        "plan-final",
        "consent",
        "decline",
        "withdrawal",
        "gate",
        "verification",
        "clearance",
        "hold",
        # The shoot day (onset): a run started or stopped, a deviation or report, a change
        # request's outcome, a scene closed.
        "run-start",
        "run-stop",
        "incident",
        "change",
        "closure",
    }
)
_SHORT_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
# One language tag, or two joined by "+" (a bilingual rider: hers, then the production's).
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[a-z0-9]{2,8})?(\+[a-z]{2,3}(-[a-z0-9]{2,8})?)?")
_OUTCOMES = frozenset(
    {
        "cleared",
        "blocked",
        "needs-discussion",
        "passed",
        "failed",
        "lifted",
        # a change request: approved, not approved, refused at once by the check
        "approved",
        "not-approved",
        "refused",
        # an incident's state
        "open",
        "acknowledged",
        "resolved",
    }
)
_MAX_INT = 2**53 - 1  # every JSON reader keeps integers up to here exact
_MAX_LIST = 500


def _row_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= _MAX_INT


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= _MAX_INT


def _sha256(value: object) -> bool:
    return isinstance(value, str) and _SHA256.fullmatch(value) is not None


def _short_ids(value: object) -> bool:
    return (
        isinstance(value, list)
        and len(value) <= _MAX_LIST
        and all(isinstance(v, str) and _SHORT_ID.fullmatch(v) for v in value)
    )


# Each field has one narrow shape. Database ids are integers, never names; the only texts are
# fixed words, hex digests, language tags and beat ids (the coordinator's short ids like "b3").
FIELD_RULES = {
    "type": lambda v: v in ENTRY_TYPES,
    "production": _row_id,
    "scene": _row_id,
    "plan_version": _count,
    "plan_sha256": _sha256,
    "rider_sha256": _sha256,
    "beats": _short_ids,
    "language": lambda v: isinstance(v, str) and _LANGUAGE.fullmatch(v) is not None,
    "late": lambda v: isinstance(v, bool),
    # A withdrawal, hold or clearance names the earlier entry it answers, by its index.
    "refers_to": _count,
    # A gate or verification records its result as one fixed word.
    "outcome": lambda v: v in _OUTCOMES,
    # A notice's lead time in hours (the late rule depends on it), not the notice's text.
    "notice_hours": _count,
    # The shoot day: which run, incident or change request, by id.
    "run": _row_id,
    "incident": _row_id,
    "change": _row_id,
}
_SET_BY_LOG = ("at", "people")


def check_fields(fields: Mapping[str, object]) -> dict[str, object]:
    """The fields as they will be logged; ValueError naming the first one that may not be."""
    if not isinstance(fields, Mapping):
        raise ValueError("an entry's fields are a mapping")
    result: dict[str, object] = {}
    for name, value in fields.items():
        if name in _SET_BY_LOG:
            raise ValueError(f"{name!r} is set by the log itself")
        rule = FIELD_RULES.get(name) if isinstance(name, str) else None
        if rule is None:
            raise ValueError(f"{name!r} may not go into the log (allowed: {sorted(FIELD_RULES)})")
        if not rule(value):
            # The value itself is never repeated: it may be exactly what must not leak.
            raise ValueError(f"the value of {name!r} is not of the kind the log accepts")
        result[name] = list(value) if isinstance(value, list) else value
    if "type" not in result:
        raise ValueError(f"an entry needs a type ({', '.join(sorted(ENTRY_TYPES))})")
    return result


# --- people ------------------------------------------------------------------------------------


def person_id(user: User) -> str:
    """The text a commitment hashes: stable, and no name in it."""
    return f"user:{user.pk}"


def _at() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- keys --------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def _key(origin: str, seed: bytes) -> core.Signer:
    # Deriving a key pair costs as much as a signature; the settings' seeds rarely change.
    return core.Signer.from_seed(origin, seed)


def _signer(log: Log) -> core.Signer:
    return _signer_for(log.origin)


def _signer_for(origin: str) -> core.Signer:
    # The key's name is the log's origin, so each organisation has its own verifier key.
    return _key(origin, settings.CLOSEDSET_LOG_KEYS[0])


def verifiers(origin: str) -> list[core.Verifier]:
    """Every configured key for a log, current first: old keys still verify after rotation."""
    return [_key(origin, seed).verifier() for seed in settings.CLOSEDSET_LOG_KEYS]


def verifier_key(log: Log) -> str:
    """The verifier key (C2SP vkey text) that signs this log's checkpoints now."""
    return _signer(log).verifier().vkey()


# --- the log -----------------------------------------------------------------------------------


def _slug_candidates(organisation: Organisation) -> list[str]:
    # The name's slug, or with the organisation's id when another log has it; no spaces ever.
    base = slugify(organisation.name)[:200].strip("-") or "org"
    return [base, f"{base}-{organisation.pk}"]


def _create_log(organisation: Organisation) -> None:
    """Create the organisation's log if nobody has; safe when two requests race for it."""
    for slug in _slug_candidates(organisation):
        try:
            with transaction.atomic():  # a savepoint: a lost race must not spoil the caller
                Log.objects.create(
                    organisation=organisation,
                    slug=slug,
                    origin=f"{settings.CLOSEDSET_LOG_HOST}/org/{slug}",
                    compact_range=b"",
                    root=core.EMPTY_ROOT,
                )
            return
        except IntegrityError:
            if Log.objects.filter(organisation=organisation).exists():
                return  # another request created it first
            # Otherwise another organisation has this slug: try the one with our id.
    raise IntegrityError("could not create the organisation's log")


def log_for(organisation: Organisation) -> Log:
    """The organisation's log, created (empty) on first use."""
    log = Log.objects.filter(organisation=organisation).first()
    if log is None:
        with transaction.atomic():
            _create_log(organisation)
        log = Log.objects.get(organisation=organisation)
    return log


def _locked_log(organisation: Organisation) -> Log:
    # The row lock serialises appends: indexes stay gap-free and each checkpoint extends the last.
    log = Log.objects.select_for_update().filter(organisation=organisation).first()
    if log is None:
        _create_log(organisation)
        log = Log.objects.select_for_update().get(organisation=organisation)
    return log


def _stack(log: Log) -> list[bytes]:
    raw = bytes(log.compact_range)
    return [raw[i : i + core.HASH_SIZE] for i in range(0, len(raw), core.HASH_SIZE)]


def append(
    organisation: Organisation,
    fields: Mapping[str, object],
    *,
    people: Sequence[User] = (),
) -> LogEntry:
    """Record `fields` (plus the time and the people's commitments) in the organisation's log.

    Must run inside the caller's transaction: the entry stands or falls with the change it
    records. ValueError for any field the whitelist refuses.
    """
    if not transaction.get_connection().in_atomic_block:
        raise AssertionError("record.append must be called inside the change's transaction")
    content = check_fields(fields)
    salts: list[tuple[User, bytes]] = []
    seen: set[object] = set()
    for user in people:
        if user.pk is None or user.pk in seen:
            continue
        seen.add(user.pk)
        salts.append((user, secrets.token_bytes(16)))
    content["people"] = sorted(core.commitment(salt, person_id(user)) for user, salt in salts)
    content["at"] = _at()
    data = core.canonical_json(content)
    leaf = core.leaf_hash(data)

    refers_to = content.get("refers_to")
    assert refers_to is None or isinstance(refers_to, int)  # checked by FIELD_RULES
    if connection.vendor == "postgresql":
        return _append_in_one_statement(organisation, data, leaf, salts, refers_to)
    log = _locked_log(organisation)
    head = _Head(log.pk, log.origin, log.size, _stack(log), bytes(log.root))
    grown, note, vkey = _grow(head, leaf)
    entry = LogEntry.objects.create(
        log=log, index=head.size, data=data, leaf_hash=leaf, refers_to=refers_to
    )
    Commitment.objects.bulk_create(
        [Commitment(entry=entry, user=user, salt=salt) for user, salt in salts]
    )
    Checkpoint.objects.create(log=log, size=grown.size, root=grown.root, note=note, vkey=vkey)
    log.size, log.compact_range, log.root = grown.size, b"".join(grown.stack), grown.root
    log.save(update_fields=["size", "compact_range", "root"])
    return entry


@dataclass(frozen=True)
class _Head:
    """What an append needs of its log: which log, and the right edge of its tree."""

    log_id: int
    origin: str
    size: int
    stack: list[bytes]
    root: bytes


def _grow(head: _Head, leaf: bytes) -> tuple[_Head, str, str]:
    """The head after appending `leaf`, with its signed checkpoint note and the signing key."""
    stack = core.compact_append(head.stack, head.size, leaf)
    root = core.compact_root(stack)
    grown = _Head(head.log_id, head.origin, head.size + 1, stack, root)
    signer = _signer_for(head.origin)
    note = core.sign_note(core.Checkpoint(head.origin, grown.size, root).text(), [signer])
    return grown, note, signer.verifier().vkey()


# The last head this process wrote, per database and organisation. A guess only: the statement
# below writes nothing unless the log row still has exactly this size and root (another process
# appended, or a transaction rolled back, and the guess is simply refreshed under a row lock).
_heads: dict[tuple[str, int], _Head] = {}

# Why one call: a consent waits on each round trip to the database, and this is all the record
# adds to a decision (bench/consent.py). The function (record/database.py) takes the log row's lock
# with its UPDATE and re-checks size and root once it has it, so two writers never both extend
# one head; its statements are planned once per database session. The values go as binary
# parameters: Django's cursors would escape every hash into the text of the call.
_APPEND_CALL = (
    "SELECT record_append(%s::bigint, %s::bigint, %s, %s::bigint, %s, %s, %s::bigint, %s, %s,"
    " %s, %s, %s, %s::bigint, %s::bigint[], %s::bytea[], %s, %s)"
)


def _execute_append(params: Sequence[object]) -> int | None:
    """Call record_append on the transaction's connection: the new entry's id, or None when the
    log row no longer holds the head the parameters extend (nothing was written)."""
    import psycopg

    connection.ensure_connection()
    # Django's own wrapper: errors arrive as django.db's (a deadlock is still "busy", and a
    # broken connection is thrown away). Never prepared by name, for connection poolers.
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(_APPEND_CALL, params, prepare=False, binary=True)
        row = cursor.fetchone()
    return None if row is None else row[0]


def _append_in_one_statement(
    organisation: Organisation,
    data: bytes,
    leaf: bytes,
    salts: Sequence[tuple[User, bytes]],
    refers_to: int | None,
) -> LogEntry:
    key = (str(connection.settings_dict["NAME"]), organisation.pk)
    users = [user.pk for user, _ in salts]
    keys = [salt for _, salt in salts]
    for attempt in ("guess", "locked"):
        head = _heads.get(key) if attempt == "guess" else None
        if head is None:
            log = _locked_log(organisation)
            head = _Head(log.pk, log.origin, log.size, _stack(log), bytes(log.root))
        grown, note, vkey = _grow(head, leaf)
        now = timezone.now()
        params: list[Any] = [
            head.log_id, organisation.pk, head.origin,
            head.size, head.root, b"".join(head.stack),
            grown.size, b"".join(grown.stack), grown.root,
            data, leaf, now, refers_to,
            users, keys, note, vkey,
        ]  # fmt: skip
        entry_id = _execute_append(params)
        if entry_id is None:  # the guess was stale: nothing was written
            _heads.pop(key, None)
            continue
        _heads[key] = grown
        entry = LogEntry(
            log_id=head.log_id, index=head.size, data=data, leaf_hash=leaf, refers_to=refers_to
        )
        entry.pk, entry.created_at = entry_id, now
        entry._state.adding, entry._state.db = False, connection.alias
        return entry
    raise AssertionError("the log row changed while it was locked")  # pragma: no cover


def latest_checkpoint(log: Log) -> Checkpoint | None:
    return log.checkpoints.order_by("-size", "-pk").first()


_SLUG = re.compile(r"[a-z0-9_-]{1,255}")


def log_by_slug(slug: str) -> Log:
    # A slug is a slugify() result: anything else (a NUL byte, say, which PostgreSQL cannot
    # even compare) names no log, and is answered without asking the database.
    known = isinstance(slug, str) and _SLUG.fullmatch(slug) is not None
    log = Log.objects.filter(slug=slug).first() if known else None
    if log is None:
        raise NotFound(gettext("There is no log by that name here. Check the address."))
    return log


# --- proofs ------------------------------------------------------------------------------------


def _leaves(log: Log, start: int, end: int) -> list[bytes]:
    rows = LogEntry.objects.filter(log=log, index__gte=start, index__lt=end).order_by("index")
    return [bytes(h) for h in rows.values_list("leaf_hash", flat=True).iterator(chunk_size=5000)]


def _tree(log: Log, size: int) -> core.Tree:
    """The tree of the first `size` entries, read afresh from the stored entries."""
    return core.Tree(_leaves(log, 0, size))


# Proofs are public, and a tree of a million entries is 32 MB to read: each process keeps the
# trees it built, up to this many leaves in all (about 64 bytes each, so 128 MB), and reads
# only the entries appended since.
_LEAVES_KEPT = 2_000_000
_trees: OrderedDict[tuple[str, int], core.Tree] = OrderedDict()
_trees_lock = threading.Lock()


def _proof_tree(log: Log, size: int) -> core.Tree:
    """The tree of the log's `log.size` entries (at least `size`), for proofs."""
    key = (str(connection.settings_dict["NAME"]), log.pk)
    # Requests run in several threads: one of them at a time reads, extends or evicts.
    with _trees_lock:
        tree = _trees.pop(key, None)
        if tree is not None and tree.size <= log.size:
            # Kept from earlier: brought up to date, it must give the log's own recorded root,
            # or the stored entries changed under it (or it is another database's): rebuilt.
            tree = tree.extended(_leaves(log, tree.size, log.size))
            if tree.root() != bytes(log.root):
                tree = None
        else:
            tree = None
        if tree is None:
            tree = _tree(log, max(size, log.size))
        _trees[key] = tree  # the newest last: the oldest go first when the budget is spent
        while len(_trees) > 1 and sum(t.size for t in _trees.values()) > _LEAVES_KEPT:
            _trees.popitem(last=False)
        return tree


def inclusion_proof(log: Log, index: int, size: int) -> list[bytes]:
    """The hashes that prove entry `index` is in the log's tree of `size` entries."""
    if not 0 < size <= log.size:
        raise ProofRangeError(
            f"The log has {log.size} entries; ask for a size from 1 to {log.size}.",
            {"size": f"from 1 to {log.size}"},
        )
    if not 0 <= index < size:
        raise ProofRangeError(
            f"A tree of {size} entries holds entries 0 to {size - 1}.",
            {"index": f"from 0 to {size - 1}"},
        )
    return _proof_tree(log, size).inclusion_proof(index, size)


def consistency_proof(log: Log, size1: int, size2: int) -> list[bytes]:
    """The hashes that prove the tree of `size2` entries extends the tree of `size1`."""
    if not 0 < size2 <= log.size:
        raise ProofRangeError(
            f"The log has {log.size} entries; ask for a newer size from 1 to {log.size}.",
            {"to": f"from 1 to {log.size}"},
        )
    if not 0 < size1 <= size2:
        raise ProofRangeError(
            f"The older size must be from 1 to the newer size ({size2}).",
            {"from": f"from 1 to {size2}"},
        )
    return _proof_tree(log, size2).consistency_proof(size1, size2)


# --- receipts ----------------------------------------------------------------------------------


def receipt_for(entry: LogEntry, user: User, readable: Mapping[str, object]) -> dict[str, object]:
    """The consent receipt for the person `entry` concerns, proved against the latest checkpoint.

    `readable` is what people read (production, scene, decision, beats); it must agree with the
    entry, or no receipt is made (ValueError).
    """
    commitment = Commitment.objects.filter(entry=entry, user=user).first()
    if commitment is None:
        raise Forbidden(gettext("Only the person this entry concerns can have its receipt."))
    log = Log.objects.get(pk=entry.log_id)  # fresh: entry.log may predate later appends
    checkpoint = latest_checkpoint(log)
    if checkpoint is None:  # pragma: no cover - every append signs one
        raise NotFound(gettext("The log has no signed checkpoint yet."))
    proof = inclusion_proof(log, entry.index, checkpoint.size)
    shown = dict(readable)
    shown["person"] = person_id(user)
    return core.build_receipt(
        entry=bytes(entry.data),
        index=entry.index,
        proof=proof,
        checkpoint_note=checkpoint.note,
        log_key=checkpoint.vkey,
        salt=bytes(commitment.salt),
        readable=shown,
    )


@dataclass(frozen=True)
class ReceiptCheck:
    """What the verify page shows: valid, not valid, or not a receipt (valid is None)."""

    valid: bool | None
    message: str
    readable: dict[str, object] = field(default_factory=dict)
    decision: str = ""  # the entry's type, as the log holds it
    decided_at: datetime | None = None
    # A later entry that undid this one (a withdrawal), and when; None while it stands.
    undone_by: str | None = None
    undone_at: datetime | None = None


def _entry_time(content: Mapping[str, object]) -> datetime | None:
    try:
        return datetime.strptime(str(content.get("at")), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None


NOT_OURS = "not valid: this receipt was not issued by this closedset"


def check_receipt(text: str | bytes) -> ReceiptCheck:
    """Verify a receipt someone brings, trusting only this site's logs and keys."""
    try:
        receipt = core.read_receipt(text)
    except core.ReceiptUnreadable as error:
        return ReceiptCheck(None, f"This is not a consent receipt: {error}.")
    log_key = receipt.get("log_key")
    try:
        key = core.Verifier.from_vkey(log_key) if isinstance(log_key, str) else None
    except core.NoteError:
        key = None
    log = Log.objects.filter(origin=key.name).first() if key is not None else None
    if key is None or log is None:
        return ReceiptCheck(False, NOT_OURS)
    if key not in verifiers(log.origin):
        return ReceiptCheck(False, "not valid: this receipt was not signed by this closedset's key")
    try:
        verdict = core.verify_receipt(receipt, key=key.vkey())
    except core.ReceiptUnreadable as error:  # pragma: no cover - the key was checked above
        return ReceiptCheck(None, f"This is not a consent receipt: {error}.")
    if not verdict.valid:
        return ReceiptCheck(False, verdict.message)
    # Signed and proved; it must also agree with the log as this site holds it now.
    assert verdict.checkpoint is not None and verdict.index is not None
    size = verdict.checkpoint.size
    index = verdict.index
    stored = LogEntry.objects.filter(log=log, index=index).values_list("data", flat=True).first()
    entry = base64.b64decode(str(receipt.get("entry")))
    changed = stored is None or bytes(stored) != entry
    # The kept tree is checked against the log's recorded root before use, so a rewrite that
    # carried on signing is seen; a rewrite of this receipt's own entry is seen just above.
    if size > log.size:
        changed = True
    if changed or _proof_tree(log, size).root(size) != verdict.checkpoint.root:
        # Its own entry rewritten (the stored hash may be left alone) or the history behind it.
        return ReceiptCheck(
            False,
            "not valid: this closedset's log no longer matches the receipt; "
            "the log was changed after the receipt was issued",
        )
    readable = receipt.get("readable")
    content = json.loads(entry)
    # A receipt proves a decision was made; the log also knows whether it still stands.
    later = (
        LogEntry.objects.filter(log=log, refers_to=index, index__gt=index)
        .order_by("index")
        .values_list("data", flat=True)
        .first()
    )
    undo = json.loads(bytes(later)) if later is not None else {}
    return ReceiptCheck(
        True,
        verdict.message,
        dict(readable) if isinstance(readable, dict) else {},
        decision=str(content.get("type", "")),
        decided_at=_entry_time(content),
        undone_by=str(undo["type"]) if undo.get("type") else None,
        undone_at=_entry_time(undo) if undo else None,
    )


# --- the audit ---------------------------------------------------------------------------------


@dataclass
class Audit:
    logs: int = 0
    entries: int = 0
    problems: list[str] = field(default_factory=list)


def _first_problem(log: Log) -> str | None:
    where = f"organisation {log.origin}"
    keys = verifiers(log.origin)
    rows = (
        LogEntry.objects.filter(log=log)
        .order_by("index")
        .values_list("index", "data", "leaf_hash")
        .iterator(chunk_size=2000)
    )
    checkpoints = list(log.checkpoints.order_by("size", "pk"))
    stack: list[bytes] = []
    size = 0
    good_size = 0  # the largest size whose checkpoint matched
    pending = iter(checkpoints)
    next_checkpoint = next(pending, None)

    def check(cp: Checkpoint, root: bytes) -> str | None:
        try:
            text, _ = core.open_note(cp.note, keys)
            head = core.Checkpoint.parse(text)
        except core.NoteError:
            return f"{where}: the checkpoint at size {cp.size} is not signed by a configured key"
        if head.origin != log.origin or head.size != cp.size or head.root != bytes(cp.root):
            return f"{where}: the checkpoint at size {cp.size} differs from its signed note"
        if head.root != root:
            if cp.size - good_size == 1:
                return f"{where}: entry {cp.size - 1} does not match the signed checkpoint"
            return (
                f"{where}: entries {good_size} to {cp.size - 1} do not match the signed "
                f"checkpoint at size {cp.size}"
            )
        return None

    while next_checkpoint is not None and next_checkpoint.size == 0:
        problem = check(next_checkpoint, core.EMPTY_ROOT)
        if problem:
            return problem
        next_checkpoint = next(pending, None)
    for index, data, stored in rows:
        if index != size:
            return f"{where}: entry {size} is missing (the next stored entry is {index})"
        recomputed = core.leaf_hash(bytes(data))
        if recomputed != bytes(stored):
            return f"{where}: entry {index} does not match its recorded hash"
        stack = core.compact_append(stack, size, recomputed)
        size += 1
        while next_checkpoint is not None and next_checkpoint.size == size:
            problem = check(next_checkpoint, core.compact_root(stack))
            if problem:
                return problem
            good_size = size
            next_checkpoint = next(pending, None)
    if next_checkpoint is not None:
        return (
            f"{where}: a checkpoint covers {next_checkpoint.size} entries "
            f"but only {size} are stored"
        )
    if log.size != size or bytes(log.root) != core.compact_root(stack) or _stack(log) != stack:
        return f"{where}: the log's recorded size or root does not match its {size} entries"
    return None


def audit() -> Audit:
    """Recompute every log from its stored entries and check every stored checkpoint."""
    result = Audit()
    for log in Log.objects.order_by("pk"):
        result.logs += 1
        result.entries += LogEntry.objects.filter(log=log).count()
        problem = _first_problem(log)
        if problem:
            result.problems.append(problem)
    return result


def audit_verify() -> list[str]:
    """The first problem of each log that has one; empty when every log checks out."""
    return audit().problems


def erase_person(user: User) -> int:
    """Forget which entries concern `user`: their salts go, the entries stay verifiable.

    Account erasure keeps an anonymous user row, so the CASCADE alone would not run.
    """
    deleted, _ = Commitment.objects.filter(user=user).delete()
    return deleted
