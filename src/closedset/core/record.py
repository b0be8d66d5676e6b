"""The record's mathematics: Merkle log, proofs, signed notes, checkpoints and consent receipts.

Pure and offline, so `closedset verify` can check a receipt without Django, a database or the
network. The formats are public ones, so tools of the transparency-log ecosystem can read ours:

- the log hashes as RFC 9162 §2.1 (RFC 6962): leaf `SHA-256(0x00 || entry)`, node
  `SHA-256(0x01 || left || right)`; proofs are RFC 9162 inclusion and consistency proofs, and
  verification follows transparency-dev/merkle (Go) step by step;
- its signed tree head is a C2SP tlog-checkpoint in C2SP signed-note form with an Ed25519 key,
  byte for byte what Go's `golang.org/x/mod/sumdb/note` writes and reads;
- a consent receipt (`closedset-receipt/1`, formats.md) bundles one entry, its inclusion proof,
  the signed checkpoint and the log's key, so its holder can prove the entry to anyone.

Every function that reads outside data raises one documented error with a plain message, never
anything else: ProofError, NoteError, ReceiptUnreadable (verify_receipt turns the rest into a
"not valid" verdict).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"


class ProofError(ValueError):
    """A Merkle proof that does not hold, or a request for one that cannot exist."""


# --- Merkle tree (RFC 9162 §2.1) ------------------------------------------------------------


def leaf_hash(entry: bytes) -> bytes:
    """The hash of one log entry: SHA-256(0x00 || entry)."""
    return hashlib.sha256(_LEAF_PREFIX + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The hash of an inner node: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


def _check_hashes(hashes: Sequence[bytes], what: str) -> None:
    for position, h in enumerate(hashes):
        if not isinstance(h, bytes) or len(h) != HASH_SIZE:
            raise ProofError(f"{what} {position} is not a {HASH_SIZE}-byte hash")


def _next_level(level: bytes) -> bytes:
    """Hash neighbours in pairs; a lone last node is left out (the caller carries it)."""
    # Two neighbours are 64 contiguous bytes, so each node is one slice and one hash.
    sha256 = hashlib.sha256
    pairs = len(level) // (2 * HASH_SIZE) * (2 * HASH_SIZE)
    return b"".join(
        [sha256(_NODE_PREFIX + level[i : i + 2 * HASH_SIZE]).digest() for i in range(0, pairs, 64)]
    )


def tree_root(leaf_hashes: Sequence[bytes]) -> bytes:
    """The Merkle tree hash (RFC 9162 MTH) of these leaf hashes; EMPTY_ROOT for none.

    Built level by level, carrying a lone last node up unchanged, which gives the same tree as
    the RFC's split at the largest power of two (and is independent of Tree's method).
    """
    _check_hashes(leaf_hashes, "leaf hash")
    if not leaf_hashes:
        return EMPTY_ROOT
    level = b"".join(leaf_hashes)
    while len(level) > HASH_SIZE:
        upper = _next_level(level)
        if (len(level) // HASH_SIZE) % 2:
            upper += level[-HASH_SIZE:]
        level = upper
    return level


def _largest_power_below(n: int) -> int:
    """The largest power of two strictly less than n (n >= 2): the RFC's split point k."""
    return 1 << ((n - 1).bit_length() - 1)


class Tree:
    """A log's whole tree, built once in O(n); roots and proofs for any prefix in O(log n).

    Level k holds the hash of every complete subtree of 2**k leaves, as one bytes object (32
    bytes a node), so a million leaves take about 64 MB. Any tree over a prefix of the leaves
    is made of such subtrees plus at most one ragged edge, hashed on demand.
    """

    def __init__(self, leaf_hashes: Sequence[bytes]) -> None:
        _check_hashes(leaf_hashes, "leaf hash")
        self.size: int = len(leaf_hashes)
        levels = [b"".join(leaf_hashes)]
        while len(levels[-1]) >= 2 * HASH_SIZE:
            levels.append(_next_level(levels[-1]))
        self._levels = levels

    def extended(self, leaf_hashes: Sequence[bytes]) -> Tree:
        """This tree with more leaves appended: O(new leaves + log n), not a rebuild."""
        _check_hashes(leaf_hashes, "leaf hash")
        grown = Tree([])
        levels = [self._levels[0] + b"".join(leaf_hashes)]
        k = 0
        while len(levels[k]) >= 2 * HASH_SIZE:
            # Level k+1 already holds the parents of its first 2 * len(old) bytes of level k.
            old = self._levels[k + 1] if k + 1 < len(self._levels) else b""
            levels.append(old + _next_level(levels[k][2 * len(old) :]))
            k += 1
        grown.size = self.size + len(leaf_hashes)
        grown._levels = levels
        return grown

    def _node(self, level: int, index: int) -> bytes:
        start = index * HASH_SIZE
        return self._levels[level][start : start + HASH_SIZE]

    def _mth(self, start: int, end: int) -> bytes:
        """MTH of leaves [start, end); O(1) for a stored subtree, else split as the RFC does."""
        n = end - start
        if n == 0:
            return EMPTY_ROOT
        if n & (n - 1) == 0 and start % n == 0:
            level = n.bit_length() - 1
            return self._node(level, start >> level)
        k = _largest_power_below(n)
        return node_hash(self._mth(start, start + k), self._mth(start + k, end))

    def _size(self, size: int | None) -> int:
        if size is None:
            return self.size
        if isinstance(size, bool) or not isinstance(size, int) or not 0 <= size <= self.size:
            raise ProofError(f"the log has {self.size} entries, so it has no tree of size {size}")
        return size

    def root(self, size: int | None = None) -> bytes:
        """The root of the first `size` leaves (all of them by default)."""
        return self._mth(0, self._size(size))

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """RFC 9162 PATH(index, D[size]): the hashes that lead from leaf `index` to the root."""
        n = self._size(size)
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < n:
            raise ProofError(f"a tree of {n} entries has no entry {index}")
        proof: list[bytes] = []
        start, end = 0, n
        # Walk down from the root; each step adds the sibling subtree, so reverse at the end.
        while end - start > 1:
            k = _largest_power_below(end - start)
            if index < start + k:
                proof.append(self._mth(start + k, end))
                end = start + k
            else:
                proof.append(self._mth(start, start + k))
                start += k
        proof.reverse()
        return proof

    def consistency_proof(self, size1: int, size2: int | None = None) -> list[bytes]:
        """RFC 9162 PROOF(size1, D[size2]): shows the tree of size2 extends that of size1."""
        n = self._size(size2)
        m = self._size(size1)
        if m > n:
            raise ProofError(f"a tree of {m} entries cannot extend to a smaller one of {n}")
        if m == 0:
            raise ProofError("there is no consistency proof from an empty log")
        proof: list[bytes] = []
        start, end = 0, n
        complete = True  # the RFC's b: whether the subtree searched is the old tree's own root
        while m != end - start:
            k = _largest_power_below(end - start)
            if m <= k:
                proof.append(self._mth(start + k, end))
                end = start + k
            else:
                proof.append(self._mth(start, start + k))
                m -= k
                start += k
                complete = False
        if not complete:
            proof.append(self._mth(start, end))
        proof.reverse()
        return proof


def _decompose_inclusion(index: int, size: int) -> tuple[int, int]:
    """How many proof hashes sit below the split from the right edge (inner) and on it."""
    inner = (index ^ (size - 1)).bit_length()
    border = bin(index >> inner).count("1")
    return inner, border


def _chain_inner(seed: bytes, proof: Sequence[bytes], index: int) -> bytes:
    for i, h in enumerate(proof):
        seed = node_hash(seed, h) if (index >> i) & 1 == 0 else node_hash(h, seed)
    return seed


def _chain_inner_right(seed: bytes, proof: Sequence[bytes], index: int) -> bytes:
    for i, h in enumerate(proof):
        if (index >> i) & 1 == 1:
            seed = node_hash(h, seed)
    return seed


def _chain_border_right(seed: bytes, proof: Sequence[bytes]) -> bytes:
    for h in proof:
        seed = node_hash(h, seed)
    return seed


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that the leaf hash `leaf` is entry `index` of the tree of `size` with `root`.

    Raises ProofError naming what does not hold. Follows transparency-dev/merkle's
    VerifyInclusion, so every vector of its test data gives the same answer here.
    """
    if not _is_count(index) or not _is_count(size):
        raise ProofError("the entry number and the tree size must be whole numbers from 0 up")
    if index >= size:
        raise ProofError(f"a tree of {size} entries has no entry {index}")
    if not isinstance(leaf, bytes) or len(leaf) != HASH_SIZE:
        raise ProofError(f"the leaf hash must be {HASH_SIZE} bytes")
    inner, border = _decompose_inclusion(index, size)
    if len(proof) != inner + border:
        raise ProofError(
            f"the proof has {len(proof)} hashes, but entry {index} of {size} needs {inner + border}"
        )
    _check_hashes(proof, "proof hash")
    calculated = _chain_inner(leaf, proof[:inner], index)
    calculated = _chain_border_right(calculated, proof[inner:])
    if calculated != root:
        raise ProofError("the proof does not lead to the signed root: the entry is not in the log")


def verify_consistency(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes
) -> None:
    """Check that the tree of size2 with root2 extends the tree of size1 with root1.

    Raises ProofError naming what does not hold. Follows transparency-dev/merkle's
    VerifyConsistency, except that a proof from an empty tree is refused (as the test vectors
    require): it would prove nothing.
    """
    if not _is_count(size1) or not _is_count(size2):
        raise ProofError("tree sizes must be whole numbers from 0 up")
    if size2 < size1:
        raise ProofError(f"a log cannot shrink from {size1} entries to {size2}")
    if size1 == 0:
        raise ProofError("there is no consistency proof from an empty log")
    if size1 == size2:
        if len(proof) > 0:
            raise ProofError("two trees of the same size need an empty proof")
        if root1 != root2:
            raise ProofError(f"two trees of {size1} entries have different roots: the log forked")
        return
    if len(proof) == 0:
        raise ProofError(f"a tree of {size1} entries growing to {size2} needs a non-empty proof")
    _check_hashes(proof, "proof hash")
    inner, border = _decompose_inclusion(size1 - 1, size2)
    shift = (size1 & -size1).bit_length() - 1  # trailing zero bits of size1
    inner -= shift
    # The proof starts with the root of the largest complete subtree the old tree ends in,
    # unless the old tree is that subtree (then its root is root1 itself).
    seed, start = proof[0], 1
    if size1 == 1 << shift:
        seed, start = root1, 0
    if len(proof) != start + inner + border:
        raise ProofError(
            f"the proof has {len(proof)} hashes, but a proof from {size1} to {size2} entries "
            f"needs {start + inner + border}"
        )
    rest = proof[start:]
    mask = (size1 - 1) >> shift
    hash1 = _chain_inner_right(seed, rest[:inner], mask)
    hash1 = _chain_border_right(hash1, rest[inner:])
    if hash1 != root1:
        raise ProofError("the proof does not lead to the older root: the log was rewritten")
    hash2 = _chain_inner(seed, rest[:inner], mask)
    hash2 = _chain_border_right(hash2, rest[inner:])
    if hash2 != root2:
        raise ProofError("the proof does not lead to the newer root: the log was rewritten")


def compact_append(stack: Sequence[bytes], size: int, leaf: bytes) -> list[bytes]:
    """The right edge ("compact range") of a tree of `size` leaves, extended by leaf hash `leaf`.

    The stack holds the roots of the complete subtrees the tree splits into, largest (leftmost)
    first: one per set bit of `size`. A server keeps it to know its root in O(log n) per append.
    """
    if not _is_count(size) or len(stack) != bin(size).count("1"):
        raise ProofError(
            f"the right edge of a tree of {size} entries needs one hash per complete subtree "
            f"({bin(size).count('1') if _is_count(size) else 'none'}), not {len(stack)}"
        )
    _check_hashes(stack, "compact range hash")
    _check_hashes([leaf], "leaf hash")
    result = list(stack)
    node = leaf
    # Each trailing 1 bit of size is a subtree of the same height as the new one: merge them.
    while size & 1:
        node = node_hash(result.pop(), node)
        size >>= 1
    result.append(node)
    return result


def compact_root(stack: Sequence[bytes]) -> bytes:
    """The root of the tree a compact range describes (EMPTY_ROOT when empty)."""
    _check_hashes(stack, "compact range hash")
    if not stack:
        return EMPTY_ROOT
    root = stack[-1]
    for h in reversed(stack[:-1]):
        root = node_hash(h, root)
    return root


# --- C2SP signed-note (Ed25519) ---------------------------------------------------------------


class NoteError(ValueError):
    """A signed note, key or checkpoint that is malformed or not signed by a known key."""


class _BadSignature(NoteError):
    """A known key's signature that does not match the note (text or signature changed)."""


class _NotSigned(NoteError):
    """No known key signed the note."""


_ALG_ED25519 = b"\x01"
_SIG_PREFIX = "— "  # U+2014 EM DASH and a space
_MAX_SIGNATURES = 100  # as Go: do not spend forever on a note with many signatures


def _b64decode(text: object) -> bytes:
    """Strict standard base64: padded, and only the one canonical spelling of the bytes.

    Without the canonical check, two spellings that differ in unused low bits would decode to
    the same signature, and a changed byte in a note would go unnoticed.
    """
    if not isinstance(text, str) or not text.isascii():
        raise ValueError("not base64")
    data = base64.b64decode(text, validate=True)
    if base64.b64encode(data).decode("ascii") != text:
        raise ValueError("not base64 in its canonical form")
    return data


def _b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _valid_name(name: object) -> bool:
    """As Go's note package: not empty, no space of any kind, no '+'."""
    return (
        isinstance(name, str)
        and name != ""
        and not any(c.isspace() or c == "+" for c in name)
        and _is_utf8(name)
    )


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def key_id(name: str, public: bytes) -> bytes:
    """The 4-byte key id: the start of SHA-256(name || "\\n" || 0x01 || public key)."""
    return hashlib.sha256(name.encode("utf-8") + b"\n" + _ALG_ED25519 + public).digest()[:4]


def _split_key(text: str, parts: int) -> list[str]:
    """Split at the first parts-1 '+' signs; base64 may contain '+', names may not."""
    return text.split("+", parts - 1)


@dataclass(frozen=True)
class Verifier:
    """A named Ed25519 public key that checks note signatures."""

    name: str
    public: bytes

    def __post_init__(self) -> None:
        if not _valid_name(self.name):
            raise NoteError("a key name must be non-empty, with no spaces and no '+'")
        if not isinstance(self.public, bytes) or len(self.public) != 32:
            raise NoteError("an Ed25519 public key is 32 bytes")

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.public)

    @classmethod
    def from_vkey(cls, text: str) -> Verifier:
        """Read a verifier key `name+keyid+base64(0x01 || public key)`; NoteError if bad."""
        if not isinstance(text, str):
            raise NoteError("a verifier key is a line of text")
        parts = _split_key(text, 3)
        if len(parts) != 3:
            raise NoteError("a verifier key has the form name+keyid+key")
        name, hex_id, key64 = parts
        try:
            key = _b64decode(key64)
        except ValueError:
            raise NoteError("the key part of the verifier key is not base64") from None
        if not _valid_name(name):
            raise NoteError("the verifier key's name is empty or contains a space")
        if not _is_hex_id(hex_id):
            raise NoteError("the verifier key's key id is not 8 hexadecimal digits")
        if len(key) != 33 or key[:1] != _ALG_ED25519:
            raise NoteError("the verifier key is not an Ed25519 key")
        verifier = cls(name, key[1:])
        if verifier.key_id != bytes.fromhex(hex_id):
            raise NoteError("the verifier key's key id does not match its key: it was changed")
        return verifier

    def vkey(self) -> str:
        """The verifier key text, as Go's note.NewVerifier reads it."""
        return f"{self.name}+{self.key_id.hex()}+{_b64encode(_ALG_ED25519 + self.public)}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Whether `signature` is this key's Ed25519 signature of `message`."""
        if len(signature) != 64:
            return False
        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True


def _is_hex_id(text: str) -> bool:
    return len(text) == 8 and all(c in "0123456789abcdefABCDEF" for c in text)


@dataclass(frozen=True)
class Signer:
    """A named Ed25519 private key that signs notes. Its seed never appears in its repr."""

    name: str
    seed: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if not _valid_name(self.name):
            raise NoteError("a key name must be non-empty, with no spaces and no '+'")
        if not isinstance(self.seed, bytes) or len(self.seed) != 32:
            raise NoteError("an Ed25519 private key seed is 32 bytes")

    @classmethod
    def from_seed(cls, name: str, seed: bytes) -> Signer:
        return cls(name, seed)

    @classmethod
    def generate(cls, name: str) -> Signer:
        """A new key from the operating system's random source."""
        return cls(name, os.urandom(32))

    @classmethod
    def from_skey(cls, text: str) -> Signer:
        """Read a signer key `PRIVATE+KEY+name+keyid+base64(0x01 || seed)`; NoteError if bad."""
        # Messages never quote the text: it is a secret.
        if not isinstance(text, str):
            raise NoteError("a signer key is a line of text")
        parts = _split_key(text, 5)
        if len(parts) != 5 or parts[0] != "PRIVATE" or parts[1] != "KEY":
            raise NoteError("a signer key has the form PRIVATE+KEY+name+keyid+key")
        _, _, name, hex_id, key64 = parts
        try:
            key = _b64decode(key64)
        except ValueError:
            raise NoteError("the key part of the signer key is not base64") from None
        if not _valid_name(name):
            raise NoteError("the signer key's name is empty or contains a space")
        if not _is_hex_id(hex_id):
            raise NoteError("the signer key's key id is not 8 hexadecimal digits")
        if len(key) != 33 or key[:1] != _ALG_ED25519:
            raise NoteError("the signer key is not an Ed25519 key")
        signer = cls(name, key[1:])
        if signer.key_id != bytes.fromhex(hex_id):
            raise NoteError("the signer key's key id does not match its key: it was changed")
        return signer

    @functools.cached_property
    def _private(self) -> Ed25519PrivateKey:
        # Loading the key costs about as much as a signature: once per signer, not per note.
        return Ed25519PrivateKey.from_private_bytes(self.seed)

    def skey(self) -> str:
        """The signer key text, as Go's note.NewSigner reads it. A secret: store it sealed."""
        return f"PRIVATE+KEY+{self.name}+{self.key_id.hex()}+{_b64encode(_ALG_ED25519 + self.seed)}"

    @functools.cached_property
    def _verifier(self) -> Verifier:
        return Verifier(self.name, self._private.public_key().public_bytes_raw())

    def verifier(self) -> Verifier:
        return self._verifier

    @property
    def key_id(self) -> bytes:
        return self.verifier().key_id

    def sign(self, message: bytes) -> bytes:
        return self._private.sign(message)


def _check_note_characters(text: str) -> None:
    """As Go: valid UTF-8, and no control character but the newline."""
    if not _is_utf8(text):
        raise NoteError("the note is not valid UTF-8 text")
    if any(ord(c) < 0x20 and c != "\n" for c in text):
        raise NoteError("the note contains a control character")


def sign_note(text: str, signers: Sequence[Signer]) -> str:
    """The signed note: text, a blank line, then one `— name base64(keyid || sig)` per signer.

    The text must end in a newline. Ed25519 is deterministic, so the same text and keys give
    the same note, byte for byte as Go's note.Sign.
    """
    if not isinstance(text, str) or not text.endswith("\n"):
        raise NoteError("the text of a note must end with a newline")
    _check_note_characters(text)
    if not signers:
        raise NoteError("a note needs at least one signer")
    message = text.encode("utf-8")
    seen: set[tuple[str, bytes]] = set()
    lines = []
    for signer in signers:
        identity = (signer.name, signer.key_id)
        if identity in seen:
            raise NoteError(f"the key {signer.name} is given twice")
        seen.add(identity)
        signature = signer.key_id + signer.sign(message)
        lines.append(f"{_SIG_PREFIX}{signer.name} {_b64encode(signature)}\n")
    return text + "\n" + "".join(lines)


def open_note(note: str, verifiers: Sequence[Verifier]) -> tuple[str, list[Verifier]]:
    """The note's text and the given verifiers whose signature on it checked.

    NoteError if the note is malformed, if a known key's signature does not check, or if no
    known key signed it. Signatures by unknown keys are ignored, as Go's note.Open does.
    """
    if not isinstance(note, str):
        raise NoteError("a signed note is text")
    _check_note_characters(note)
    split = note.rfind("\n\n")
    if split < 0:
        raise NoteError("the note has no blank line before its signatures")
    text, block = note[: split + 1], note[split + 2 :]
    if not block or not block.endswith("\n"):
        raise NoteError("the note's signatures must end with a newline")
    known = {(v.name, v.key_id): v for v in verifiers}
    message = text.encode("utf-8")
    checked: list[Verifier] = []
    seen: set[tuple[str, bytes]] = set()
    for count, line in enumerate(block[:-1].split("\n"), start=1):
        if count > _MAX_SIGNATURES:
            raise NoteError(f"the note has more than {_MAX_SIGNATURES} signatures")
        if not line.startswith(_SIG_PREFIX):
            raise NoteError("a signature line must start with an em dash and a space")
        name, _, sig64 = line[len(_SIG_PREFIX) :].partition(" ")
        try:
            signature = _b64decode(sig64)
        except ValueError:
            signature = b""
        if not _valid_name(name) or len(signature) < 5:
            raise NoteError("a signature line is malformed")
        identity = (name, signature[:4])
        verifier = known.get(identity)
        if verifier is None or identity in seen:
            continue  # someone else's signature (a witness, say), or a repeat
        seen.add(identity)
        if not verifier.verify(message, signature[4:]):
            raise _BadSignature(f"the signature by {name} does not match the note's text")
        checked.append(verifier)
    if not checked:
        raise _NotSigned("the note is not signed by any of the expected keys")
    return text, checked


# --- C2SP tlog-checkpoint ---------------------------------------------------------------------

_MAX_SIZE = 2**64 - 1


@dataclass(frozen=True)
class Checkpoint:
    """A signed tree head's text: the log's origin, its size and its root hash."""

    origin: str
    size: int
    root: bytes

    def __post_init__(self) -> None:
        if not isinstance(self.origin, str) or not self.origin:
            raise NoteError("the checkpoint's origin line is empty")
        if any(c.isspace() or ord(c) < 0x20 for c in self.origin) or not _is_utf8(self.origin):
            raise NoteError("the checkpoint's origin contains a space or control character")
        if not _is_count(self.size) or self.size > _MAX_SIZE:
            raise NoteError("the checkpoint's tree size is not a whole number from 0 up")
        if not isinstance(self.root, bytes) or len(self.root) != HASH_SIZE:
            raise NoteError(f"the checkpoint's root hash is not {HASH_SIZE} bytes")

    def text(self) -> str:
        """The note text: origin, size and base64 root, one a line."""
        return f"{self.origin}\n{self.size}\n{_b64encode(self.root)}\n"

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Read a checkpoint's text (the part of the note above the signatures)."""
        if not isinstance(text, str) or not text.endswith("\n"):
            raise NoteError("a checkpoint is three lines of text, each ending with a newline")
        lines = text[:-1].split("\n")
        if len(lines) != 3:
            raise NoteError(
                f"a checkpoint has exactly three lines (origin, size, root), not {len(lines)}"
            )
        origin, size_text, root_text = lines
        if not (size_text.isascii() and size_text.isdigit()) or len(size_text) > 20:
            raise NoteError("the checkpoint's size line is not a decimal number")
        if size_text != "0" and size_text.startswith("0"):
            raise NoteError("the checkpoint's size starts with a zero")
        try:
            root = _b64decode(root_text)
        except ValueError:
            raise NoteError("the checkpoint's root line is not base64") from None
        return cls(origin, int(size_text), root)


# --- entries ----------------------------------------------------------------------------------


def _plain(value: object, depth: int = 0) -> object:
    """The value as dicts, lists and scalars json.dumps writes one way; ValueError otherwise."""
    # A log entry is a handful of flat fields; deeper nesting is a mistake or an attack.
    if depth > 32:
        raise ValueError("an entry may not nest deeper than 32 levels")
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        raise ValueError("an entry holds no fractional numbers (their text is not canonical)")
    if isinstance(value, list | tuple):
        return [_plain(item, depth + 1) for item in value]
    if isinstance(value, Mapping):
        plain = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError("every key of an entry must be text")
            plain[key] = _plain(item, depth + 1)
        return plain
    raise ValueError(f"an entry cannot hold a {type(value).__name__}")


def canonical_json(value: Mapping[str, object]) -> bytes:
    """The one byte spelling of a JSON object: keys sorted, no spaces, UTF-8, no newlines.

    ValueError for floats, non-text keys, other types, nesting deeper than 32 levels, or text
    that is not valid Unicode.
    """
    if not isinstance(value, Mapping):
        raise ValueError("an entry is a JSON object")
    text = json.dumps(_plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")  # UnicodeEncodeError (a ValueError) for lone surrogates


def commitment(salt: bytes, person_id: str) -> str:
    """A person in an entry: hex(SHA-256(salt || person id)); only the salt's holder can tell."""
    return hashlib.sha256(salt + person_id.encode("utf-8")).hexdigest()


# --- consent receipts (closedset-receipt/1) ---------------------------------------------------

RECEIPT_FORMAT = "closedset-receipt/1"
_RECEIPT_FIELDS = (
    "format",
    "entry",
    "index",
    "inclusion_proof",
    "checkpoint",
    "log_key",
    "salt",
    "readable",
)
# A receipt is a few kilobytes; anything this large is not one.
_MAX_RECEIPT_BYTES = 1 << 20
_MAX_PROOF = 64  # a tree of up to 2**64 entries


class ReceiptUnreadable(ValueError):
    """The input is not a consent receipt at all (the command line exits 2)."""


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking a receipt: one line for people, and what was proved."""

    valid: bool
    message: str
    index: int | None = None
    size: int | None = None
    checkpoint: Checkpoint | None = None


def build_receipt(
    *,
    entry: bytes,
    index: int,
    proof: Sequence[bytes],
    checkpoint_note: str,
    log_key: str,
    salt: bytes,
    readable: Mapping[str, object],
) -> dict[str, object]:
    """A consent receipt as a JSON-ready dict; ValueError if it would not verify.

    Checking before handing it out means a performer is never given a receipt that fails.
    """
    receipt: dict[str, object] = {
        "format": RECEIPT_FORMAT,
        "entry": _b64encode(entry),
        "index": index,
        "inclusion_proof": [_b64encode(h) for h in proof],
        "checkpoint": checkpoint_note,
        "log_key": log_key,
        "salt": _b64encode(salt),
        "readable": dict(readable),
    }
    verdict = verify_receipt(receipt)
    if not verdict.valid:
        raise ValueError(f"this receipt would not verify: {verdict.message}")
    return receipt


def read_receipt(data: bytes | str | Mapping[str, object]) -> dict[str, object]:
    """The receipt as a dict, if `data` is one at all; ReceiptUnreadable if not.

    Only the shape is checked here (JSON object, format, every field present); whether its
    contents hold is verify_receipt's verdict.
    """
    if isinstance(data, Mapping):
        value: object = dict(data)
    else:
        if isinstance(data, str):
            try:
                raw = data.encode("utf-8")
            except UnicodeEncodeError:
                raise ReceiptUnreadable("the receipt is not valid UTF-8 text") from None
        elif isinstance(data, bytes | bytearray):
            raw = bytes(data)
        else:
            raise ReceiptUnreadable("a receipt is a JSON file")
        if len(raw) > _MAX_RECEIPT_BYTES:
            raise ReceiptUnreadable("the file is far too large to be a receipt")
        try:
            value = json.loads(raw.decode("utf-8"))
        except (ValueError, RecursionError):
            raise ReceiptUnreadable("the receipt is not JSON") from None
    if not isinstance(value, dict):
        raise ReceiptUnreadable("a receipt is a JSON object")
    if value.get("format") != RECEIPT_FORMAT:
        raise ReceiptUnreadable(f"this is not a consent receipt (format {RECEIPT_FORMAT})")
    missing = [name for name in _RECEIPT_FIELDS if name not in value]
    if missing:
        raise ReceiptUnreadable(f"the receipt is missing {', '.join(missing)}")
    return value


def _short(value: object, limit: int = 40) -> str:
    """Outside text for a one-line message: printable, cut short."""
    text = value if isinstance(value, str) else type(value).__name__
    shown = "".join(c if c.isprintable() else "?" for c in text[:limit])
    return shown + ("…" if len(text) > limit else "")


class _NotValid(Exception):
    pass


def verify_receipt(data: bytes | str | Mapping[str, object], key: str | None = None) -> Verdict:
    """Check a consent receipt offline; the first check that fails gives the verdict.

    ReceiptUnreadable if `data` is not a receipt at all or `key` is not a verifier key;
    otherwise a Verdict, whatever the receipt holds.
    """
    receipt = read_receipt(data)
    expected: Verifier | None = None
    if key is not None:
        try:
            expected = Verifier.from_vkey(key)
        except NoteError as error:
            raise ReceiptUnreadable(f"the key you gave is not a log key: {error}") from None
    try:
        return _verify(receipt, expected)
    except _NotValid as failure:
        return Verdict(False, f"not valid: {failure}")
    except (ValueError, TypeError, RecursionError, OverflowError) as error:  # pragma: no cover
        # Every check above guards its types; this is the last line, never a crash.
        return Verdict(False, f"not valid: the receipt is damaged ({_short(str(error))})")


def _verify(receipt: dict[str, object], expected: Verifier | None) -> Verdict:
    # 1. The log's key, and that it is the one the holder expects.
    log_key = receipt["log_key"]
    if not isinstance(log_key, str):
        raise _NotValid("the log key in the receipt is not text")
    try:
        log = Verifier.from_vkey(log_key)
    except NoteError as error:
        raise _NotValid(f"the log key in the receipt is damaged: {error}") from None
    if expected is not None and expected != log:
        raise _NotValid("the receipt was issued by another log than the key you gave")

    # 2. The checkpoint: signed by that key, about that log.
    note = receipt["checkpoint"]
    if not isinstance(note, str):
        raise _NotValid("the checkpoint is not text")
    try:
        text, _ = open_note(note, [log])
    except _BadSignature:
        raise _NotValid(
            "the checkpoint's text or its signature was changed: the log's signature does not match"
        ) from None
    except _NotSigned:
        raise _NotValid("the checkpoint is not signed by the log key in this receipt") from None
    except NoteError as error:
        raise _NotValid(f"the checkpoint is damaged: {error}") from None
    try:
        checkpoint = Checkpoint.parse(text)
    except NoteError as error:
        raise _NotValid(f"the checkpoint is damaged: {error}") from None
    if checkpoint.origin != log.name:
        raise _NotValid("the checkpoint is for another log than the one whose key signed it")

    # 3. The entry: the exact canonical bytes, of a known shape.
    try:
        entry = _b64decode(receipt["entry"])
    except ValueError:
        raise _NotValid("the entry is not base64") from None
    try:
        content = json.loads(entry.decode("utf-8"))
        canonical = isinstance(content, dict) and canonical_json(content) == entry
    except (ValueError, RecursionError):
        canonical = False
    if not canonical:
        raise _NotValid("the entry is not a log entry in canonical form")
    assert isinstance(content, dict)
    kind = content.get("type")
    people = content.get("people")
    if not isinstance(kind, str) or not kind or not isinstance(people, list):
        raise _NotValid("the entry has no type or no list of people")

    # 4. The entry's place in the signed tree.
    index = receipt["index"]
    if not _is_count(index):
        raise _NotValid("the entry number is not a whole number")
    assert isinstance(index, int)
    if index >= checkpoint.size:
        raise _NotValid(f"entry {index} is beyond the checkpoint's {checkpoint.size} entries")
    raw_proof = receipt["inclusion_proof"]
    if not isinstance(raw_proof, list) or len(raw_proof) > _MAX_PROOF:
        raise _NotValid("the inclusion proof is not a list of hashes")
    try:
        proof = [_b64decode(h) for h in raw_proof]
    except ValueError:
        raise _NotValid("a hash in the inclusion proof is not base64") from None
    inner, border = _decompose_inclusion(index, checkpoint.size)
    if len(proof) != inner + border:
        raise _NotValid(
            f"the inclusion proof has {len(proof)} hashes, but entry {index} of "
            f"{checkpoint.size} needs {inner + border}"
        )
    try:
        verify_inclusion(leaf_hash(entry), index, checkpoint.size, proof, checkpoint.root)
    except ProofError:
        raise _NotValid(
            "the entry, its number or its inclusion proof was changed: they do not lead to "
            "the signed root"
        ) from None

    # 5. The readable part agrees with what was proved.
    readable = receipt["readable"]
    if not isinstance(readable, dict):
        raise _NotValid("the readable part is not a set of fields")
    if readable.get("decision") != kind:
        raise _NotValid(
            f"the readable decision ({_short(readable.get('decision'))}) is not the "
            f"entry's ({_short(kind)})"
        )
    readable_beats = readable.get("beats", [])
    entry_beats = content.get("beats", [])
    if not isinstance(entry_beats, list) or not all(isinstance(b, str) for b in entry_beats):
        raise _NotValid("the entry's beats are not a list of beat ids")
    if not isinstance(readable_beats, list) or not all(
        isinstance(b, dict) and isinstance(b.get("id"), str) for b in readable_beats
    ):
        raise _NotValid("the readable beats are not a list of beats with ids")
    if {b["id"] for b in readable_beats} != set(entry_beats):
        raise _NotValid("the readable beats are not the beats in the entry")
    try:
        salt = _b64decode(receipt["salt"])
    except ValueError:
        raise _NotValid("the salt is not base64") from None
    person = readable.get("person")
    if not isinstance(person, str) or not _is_utf8(person):
        raise _NotValid("the readable part names no person")
    if commitment(salt, person) not in people:
        raise _NotValid(
            "the person or the salt was changed: the entry does not concern the person this "
            "receipt names"
        )

    size = checkpoint.size
    return Verdict(
        True,
        f"valid: {_short(kind)} by the holder of this receipt, entry {index} of {size}",
        index=index,
        size=size,
        checkpoint=checkpoint,
    )


__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "RECEIPT_FORMAT",
    "Checkpoint",
    "NoteError",
    "ProofError",
    "ReceiptUnreadable",
    "Signer",
    "Tree",
    "Verdict",
    "Verifier",
    "build_receipt",
    "canonical_json",
    "commitment",
    "compact_append",
    "compact_root",
    "key_id",
    "leaf_hash",
    "node_hash",
    "open_note",
    "read_receipt",
    "sign_note",
    "tree_root",
    "verify_consistency",
    "verify_inclusion",
    "verify_receipt",
]
