"""The record's mathematics (core/record.py): Merkle proofs, signed notes, checkpoints, receipts.

Known-answer vectors (copied into ./vectors, see its README) pin the formats to the reference
implementations; property tests check the tree against a plain recursive reference; the
receipt tests tamper with every field and feed arbitrary JSON in.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from closedset.core.record import (
    EMPTY_ROOT,
    HASH_SIZE,
    RECEIPT_FORMAT,
    Checkpoint,
    NoteError,
    ProofError,
    ReceiptUnreadable,
    Signer,
    Tree,
    Verifier,
    build_receipt,
    canonical_json,
    commitment,
    compact_append,
    compact_root,
    key_id,
    leaf_hash,
    node_hash,
    open_note,
    read_receipt,
    sign_note,
    tree_root,
    verify_consistency,
    verify_inclusion,
    verify_receipt,
)

VECTORS = Path(__file__).resolve().parent / "vectors"
RFC6962 = VECTORS / "rfc6962"
# The RFC 6962 reference leaves behind every vector tree (vectors/rfc6962/README.md).
REFERENCE_LEAVES = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]


def b64(text: str) -> bytes:
    return base64.b64decode(text)


def vector_files(kind: str) -> list[Path]:
    files = sorted((RFC6962 / kind).rglob("*.json"))
    assert len(files) > 50, f"the {kind} vectors are missing"
    return files


def load(path: Path) -> dict:
    return json.loads(path.read_text())


def reference_mth(leaves: list[bytes]) -> bytes:
    """RFC 9162 §2.1.1 word for word, on leaf hashes."""
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return leaves[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return node_hash(reference_mth(leaves[:k]), reference_mth(leaves[k:]))


def hashes(n: int, tag: bytes = b"entry") -> list[bytes]:
    return [leaf_hash(tag + i.to_bytes(4, "big")) for i in range(n)]


# --- Merkle vectors ---------------------------------------------------------------------------


def run_inclusion(vector: dict) -> None:
    proof = [b64(h) for h in vector["proof"] or []]
    verify_inclusion(
        b64(vector["leafHash"]), vector["leafIdx"], vector["treeSize"], proof, b64(vector["root"])
    )


def run_consistency(vector: dict) -> None:
    proof = [b64(h) for h in vector["proof"] or []]
    verify_consistency(
        vector["size1"], vector["size2"], proof, b64(vector["root1"]), b64(vector["root2"])
    )


@pytest.mark.parametrize(
    "path", vector_files("inclusion"), ids=lambda p: str(p.relative_to(RFC6962))
)
def test_inclusion_vector(path):
    vector = load(path)
    if vector["wantErr"]:
        with pytest.raises(ProofError):
            run_inclusion(vector)
    else:
        run_inclusion(vector)


@pytest.mark.parametrize(
    "path", vector_files("consistency"), ids=lambda p: str(p.relative_to(RFC6962))
)
def test_consistency_vector(path):
    vector = load(path)
    if vector["wantErr"]:
        with pytest.raises(ProofError):
            run_consistency(vector)
    else:
        run_consistency(vector)


def test_every_happy_path_verifies_and_most_corruptions_are_errors():
    # A guard on the vector set itself: happy paths are never errors.
    for kind in ("inclusion", "consistency"):
        for path in vector_files(kind):
            if path.name == "happy-path.json":
                assert load(path)["wantErr"] is False


def test_tree_proofs_match_the_vectors_for_the_reference_leaves():
    tree = Tree([leaf_hash(leaf) for leaf in REFERENCE_LEAVES])
    assert tree.root(1) == b64("bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=")
    checked = 0
    for path in sorted(RFC6962.glob("inclusion/[0-9]*/happy-path.json")):
        v = load(path)
        assert tree.root(v["treeSize"]) == b64(v["root"])
        assert leaf_hash(REFERENCE_LEAVES[v["leafIdx"]]) == b64(v["leafHash"])
        assert tree.inclusion_proof(v["leafIdx"], v["treeSize"]) == [
            b64(h) for h in v["proof"] or []
        ]
        checked += 1
    for path in sorted(RFC6962.glob("consistency/[0-9]*/happy-path.json")):
        v = load(path)
        assert tree.root(v["size1"]) == b64(v["root1"])
        assert tree.root(v["size2"]) == b64(v["root2"])
        assert tree.consistency_proof(v["size1"], v["size2"]) == [b64(h) for h in v["proof"] or []]
        checked += 1
    assert checked == 10


def test_hashes_are_rfc_9162():
    assert hashlib.sha256(b"").digest() == EMPTY_ROOT
    assert leaf_hash(b"x") == hashlib.sha256(b"\x00x").digest()
    assert node_hash(b"l", b"r") == hashlib.sha256(b"\x01lr").digest()
    assert tree_root([]) == EMPTY_ROOT
    assert Tree([]).root() == EMPTY_ROOT


# --- Merkle properties ------------------------------------------------------------------------

LEAVES_70 = hashes(70)


def test_every_root_agrees_for_sizes_0_to_70():
    tree = Tree(LEAVES_70)
    stack: list[bytes] = []
    for size in range(71):
        expected = reference_mth(LEAVES_70[:size])
        assert tree_root(LEAVES_70[:size]) == expected
        assert tree.root(size) == expected
        assert Tree(LEAVES_70[:size]).root() == expected
        assert compact_root(stack) == expected
        assert len(stack) == bin(size).count("1")
        if size < 70:
            stack = compact_append(stack, size, LEAVES_70[size])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.binary(max_size=8), max_size=70))
def test_roots_agree_for_any_entries(entries):
    leaves = [leaf_hash(e) for e in entries]
    stack: list[bytes] = []
    for size, leaf in enumerate(leaves):
        stack = compact_append(stack, size, leaf)
    expected = reference_mth(leaves)
    assert tree_root(leaves) == Tree(leaves).root() == compact_root(stack) == expected


def test_every_inclusion_proof_up_to_40_verifies_and_no_other_index_does():
    leaves = hashes(40)
    tree = Tree(leaves)
    for size in range(1, 41):
        root = tree.root(size)
        for index in range(size):
            proof = tree.inclusion_proof(index, size)
            verify_inclusion(leaves[index], index, size, proof, root)
            assert len(proof) <= (size - 1).bit_length()
            wrong = (index + 1) % size
            if wrong != index:
                with pytest.raises(ProofError):
                    verify_inclusion(leaves[index], wrong, size, proof, root)


def test_every_consistency_proof_up_to_40_verifies():
    leaves = hashes(40)
    tree = Tree(leaves)
    other = Tree(hashes(40, tag=b"forged"))
    for size2 in range(1, 41):
        root2 = tree.root(size2)
        for size1 in range(1, size2 + 1):
            proof = tree.consistency_proof(size1, size2)
            verify_consistency(size1, size2, proof, tree.root(size1), root2)
            # A different history of the same size is caught.
            with pytest.raises(ProofError):
                verify_consistency(size1, size2, proof, other.root(size1), root2)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_a_changed_proof_hash_is_caught(data):
    tree = Tree(LEAVES_70)
    size = data.draw(st.integers(2, 70))
    index = data.draw(st.integers(0, size - 1))
    proof = tree.inclusion_proof(index, size)
    at = data.draw(st.integers(0, len(proof) - 1))
    bit = data.draw(st.integers(0, 8 * HASH_SIZE - 1))
    changed = bytearray(proof[at])
    changed[bit // 8] ^= 1 << (bit % 8)
    proof[at] = bytes(changed)
    with pytest.raises(ProofError):
        verify_inclusion(LEAVES_70[index], index, size, proof, tree.root(size))


def test_tree_refuses_what_it_does_not_have():
    tree = Tree(hashes(5))
    with pytest.raises(ProofError, match="no entry 5"):
        tree.inclusion_proof(5)
    with pytest.raises(ProofError, match="no tree of size 6"):
        tree.root(6)
    with pytest.raises(ProofError):
        tree.consistency_proof(4, 3)
    with pytest.raises(ProofError, match="empty log"):
        tree.consistency_proof(0, 3)
    assert tree.consistency_proof(5) == []
    with pytest.raises(ProofError, match="32-byte"):
        Tree([b"short"])
    with pytest.raises(ValueError):
        compact_append([], 1, leaf_hash(b"x"))  # a tree of 1 entry has one hash on its edge


def test_proofs_stay_short_for_a_large_tree():
    # 2**20 + 3 leaves would be slow to hash here; the proof length is a function of the shape.
    tree = Tree(hashes(1000))
    assert max(len(tree.inclusion_proof(i)) for i in range(0, 1000, 37)) <= 10


# --- signed note ------------------------------------------------------------------------------

NOTE_VECTOR = json.loads((VECTORS / "signed-note" / "peter-neumann.json").read_text())


def test_the_signed_note_vector_reproduces_byte_for_byte():
    signer = Signer.from_skey(NOTE_VECTOR["skey"])
    assert signer.skey() == NOTE_VECTOR["skey"]
    assert signer.verifier().vkey() == NOTE_VECTOR["vkey"]
    assert signer.key_id.hex() == "c74f20a3"
    assert sign_note(NOTE_VECTOR["text"], [signer]) == NOTE_VECTOR["note"]
    verifier = Verifier.from_vkey(NOTE_VECTOR["vkey"])
    assert verifier == signer.verifier()
    assert key_id(verifier.name, verifier.public) == verifier.key_id
    text, checked = open_note(NOTE_VECTOR["note"], [verifier])
    assert text == NOTE_VECTOR["text"]
    assert checked == [verifier]


def test_any_single_byte_change_to_the_note_is_rejected():
    verifier = Verifier.from_vkey(NOTE_VECTOR["vkey"])
    note = NOTE_VECTOR["note"].encode("utf-8")
    for position in range(len(note)):
        for flip in (0x01, 0x20, 0x80):
            changed = bytearray(note)
            changed[position] ^= flip
            # Invalid UTF-8 becomes lone surrogates, which the note must refuse as well.
            text = bytes(changed).decode("utf-8", "surrogateescape")
            with pytest.raises(NoteError):
                open_note(text, [verifier])


def test_the_seed_never_shows_in_a_signers_repr():
    signer = Signer.from_skey(NOTE_VECTOR["skey"])
    assert "AYEKF" not in repr(signer) and repr(signer.seed) not in repr(signer)


def test_signature_lines_of_unknown_keys_are_ignored():
    ours = Signer.from_seed("closedset.example/org/a", bytes(range(32)))
    witness = Signer.generate("witness.example")
    note = sign_note("hello\n", [ours, witness])
    assert note.count("\n— ") == 2
    text, checked = open_note(note, [ours.verifier()])
    assert (text, checked) == ("hello\n", [ours.verifier()])
    with pytest.raises(NoteError, match="not signed by any"):
        open_note(note, [Signer.generate("closedset.example/org/a").verifier()])


@pytest.mark.parametrize(
    "vkey",
    [
        "",
        "PeterNeumann",
        "PeterNeumann+c74f20a3",
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T",
        "PeterNeumann+c74f20a3+AhpjZ2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ],
)
def test_bad_verifier_keys_are_refused(vkey):
    with pytest.raises(NoteError):
        Verifier.from_vkey(vkey)


def test_bad_signer_keys_are_refused_without_quoting_them():
    skey = NOTE_VECTOR["skey"]
    for bad in [skey.replace("PRIVATE", "PUBLIC"), skey[:-2], skey.replace("c74f", "c74e")]:
        with pytest.raises(NoteError) as caught:
            Signer.from_skey(bad)
        assert "AYEKF" not in str(caught.value)


@pytest.mark.parametrize("text", ["no newline", "tab\tinside\n", "", "lone \udc80\n"])
def test_notes_need_clean_text_ending_in_a_newline(text):
    with pytest.raises(NoteError):
        sign_note(text, [Signer.from_skey(NOTE_VECTOR["skey"])])


# --- checkpoint -------------------------------------------------------------------------------

ORIGIN = "closedset.example/org/harbour-films"


def test_a_checkpoint_round_trips():
    checkpoint = Checkpoint(ORIGIN, 1042, leaf_hash(b"x"))
    assert checkpoint.text() == f"{ORIGIN}\n1042\n{base64.b64encode(leaf_hash(b'x')).decode()}\n"
    assert Checkpoint.parse(checkpoint.text()) == checkpoint
    assert Checkpoint.parse(f"{ORIGIN}\n0\n{base64.b64encode(EMPTY_ROOT).decode()}\n").size == 0


ROOT64 = base64.b64encode(EMPTY_ROOT).decode()


@pytest.mark.parametrize(
    "text",
    [
        f"\n1\n{ROOT64}\n",
        f"harbour films\n1\n{ROOT64}\n",
        f"{ORIGIN}\n01\n{ROOT64}\n",
        f"{ORIGIN}\n-1\n{ROOT64}\n",
        f"{ORIGIN}\n1.0\n{ROOT64}\n",
        f"{ORIGIN}\n١\n{ROOT64}\n",
        f"{ORIGIN}\n 1\n{ROOT64}\n",
        f"{ORIGIN}\n{2**64}\n{ROOT64}\n",
        f"{ORIGIN}\n1\n{base64.b64encode(b'short').decode()}\n",
        f"{ORIGIN}\n1\nnot base64!\n",
        f"{ORIGIN}\n1\n{ROOT64}",
        f"{ORIGIN}\n1\n",
        f"{ORIGIN}\n1\n{ROOT64}\nextension\n",
    ],
)
def test_malformed_checkpoints_are_refused(text):
    with pytest.raises(NoteError):
        Checkpoint.parse(text)


# --- entries ----------------------------------------------------------------------------------


def test_canonical_json_is_sorted_compact_utf8():
    assert (
        canonical_json({"b": 1, "a": ["é", None, True]}) == '{"a":["é",null,true],"b":1}'.encode()
    )
    assert canonical_json({"t": "line\nbreak"}) == b'{"t":"line\\nbreak"}'


@pytest.mark.parametrize(
    "value",
    [{"x": 1.5}, {"x": {1: "a"}}, {"x": b"bytes"}, {"x": "\udc80"}, {"x": {"y": float("nan")}}],
)
def test_canonical_json_refuses_what_has_no_one_spelling(value):
    with pytest.raises(ValueError):
        canonical_json(value)


NO_FLOATS = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(), NO_FLOATS, max_size=6))
def test_canonical_json_has_one_spelling_and_reads_back(value):
    try:
        encoded = canonical_json(value)
    except ValueError:  # text with lone surrogates has no UTF-8 spelling
        assert "\\ud" in json.dumps(value)
        return
    assert b"\n" not in encoded
    assert json.loads(encoded) == value
    assert canonical_json(json.loads(encoded)) == encoded
    assert canonical_json(dict(reversed(list(value.items())))) == encoded


def test_canonical_json_takes_any_mapping():
    from types import MappingProxyType

    assert canonical_json(MappingProxyType({"b": (1, 2), "a": "x"})) == b'{"a":"x","b":[1,2]}'


def test_commitment_is_salted_sha256():
    assert commitment(b"salt", "mara") == hashlib.sha256(b"saltmara").hexdigest()


# --- receipts ---------------------------------------------------------------------------------

LOG = Signer.from_seed(ORIGIN, hashlib.sha256(b"closedset test log key").digest())
OTHER_LOG = Signer.from_seed(ORIGIN, hashlib.sha256(b"another key, same name").digest())
SALT = b"s" * 16
OTHER_SALT = b"t" * 16


def consent_entry(beats=("b1", "b2"), person="mara", salt=SALT, kind="consent") -> bytes:
    return canonical_json(
        {
            "type": kind,
            "at": "2026-11-25T22:00:00Z",
            "production": 7,
            "scene": 12,
            "plan_version": 3,
            "plan_sha256": "ab" * 32,
            "beats": list(beats),
            "people": [commitment(salt, person), commitment(b"x" * 16, "jonas")],
        }
    )


def make_log(entry: bytes, index: int = 41, size: int = 1042, signer: Signer = LOG):
    leaves = hashes(size)
    leaves[index] = leaf_hash(entry)
    tree = Tree(leaves)
    note = sign_note(Checkpoint(signer.name, size, tree.root()).text(), [signer])
    return tree, note


ENTRY = consent_entry()
TREE, NOTE = make_log(ENTRY)
READABLE = {
    "production": "Harbour Lights",
    "scene": "12B",
    "performer": "Mara",
    "person": "mara",
    "decision": "consent",
    "beats": [{"id": "b1", "act": "slap"}, {"id": "b2", "act": "kiss"}],
}


def receipt(**changes) -> dict:
    made = build_receipt(
        entry=ENTRY,
        index=41,
        proof=TREE.inclusion_proof(41),
        checkpoint_note=NOTE,
        log_key=LOG.verifier().vkey(),
        salt=SALT,
        readable=READABLE,
    )
    made.update(changes)
    return made


def test_a_receipt_round_trips_through_json():
    made = receipt()
    assert made["format"] == RECEIPT_FORMAT
    text = json.dumps(made)
    verdict = verify_receipt(text, key=LOG.verifier().vkey())
    assert verdict.valid
    assert verdict.message == "valid: consent by the holder of this receipt, entry 41 of 1042"
    assert (verdict.index, verdict.size) == (41, 1042)
    assert verdict.checkpoint == Checkpoint(ORIGIN, 1042, TREE.root())
    assert verify_receipt(text.encode()).valid
    assert read_receipt(text) == made


def test_build_receipt_refuses_to_hand_out_a_receipt_that_fails():
    with pytest.raises(ValueError, match="would not verify"):
        build_receipt(
            entry=ENTRY,
            index=40,
            proof=TREE.inclusion_proof(41),
            checkpoint_note=NOTE,
            log_key=LOG.verifier().vkey(),
            salt=SALT,
            readable=READABLE,
        )


def flip_last_char(text: str) -> str:
    """Change one base64 character that carries data (the one before any padding)."""
    body = text.rstrip("=")
    pad = text[len(body) :]
    swap = "A" if body[-2] != "A" else "B"
    return body[:-2] + swap + body[-1] + pad


def other_proof_hash() -> list[str]:
    proof = [base64.b64encode(h).decode() for h in TREE.inclusion_proof(41)]
    proof[3] = base64.b64encode(leaf_hash(b"forged")).decode()
    return proof


def forged_checkpoint_text() -> str:
    # The log's own text with another size, under the real signature line.
    text, signatures = NOTE.split("\n\n")
    lines = text.split("\n")
    lines[1] = "1043"
    return "\n".join(lines) + "\n\n" + signatures


def forged_signature() -> str:
    text, signature_line = NOTE.split("\n\n")
    dash, name, sig = signature_line.rstrip("\n").split(" ")
    raw = bytearray(base64.b64decode(sig))
    raw[10] ^= 1
    return f"{text}\n\n{dash} {name} {base64.b64encode(bytes(raw)).decode()}\n"


# Some changes cannot be told apart, only the check they defeat: a changed entry, number or
# proof hash all fail the inclusion proof; changed text or signature, the signature.
INCLUDED = "the entry, its number or its inclusion proof was changed"
SIGNED = "the checkpoint's text or its signature was changed"
PERSON = "the person or the salt was changed"

TAMPERINGS = {
    "entry": (
        {"entry": base64.b64encode(consent_entry(beats=("b1",))).decode()},
        INCLUDED,
    ),
    "index": ({"index": 40}, INCLUDED),
    "index beyond": ({"index": 1042}, "beyond the checkpoint's 1042 entries"),
    "proof hash": ({"inclusion_proof": other_proof_hash()}, INCLUDED),
    "proof short": (
        {"inclusion_proof": [base64.b64encode(h).decode() for h in TREE.inclusion_proof(41)[:-1]]},
        "the inclusion proof has 10 hashes, but entry 41 of 1042 needs 11",
    ),
    "checkpoint text": (
        {"checkpoint": forged_checkpoint_text()},
        SIGNED,
    ),
    "signature": ({"checkpoint": forged_signature()}, SIGNED),
    "checkpoint by another key": (
        {"checkpoint": make_log(ENTRY, signer=OTHER_LOG)[1]},
        "not signed by the log key in this receipt",
    ),
    "log key": (
        {"log_key": OTHER_LOG.verifier().vkey()},
        "not signed by the log key in this receipt",
    ),
    "log key damaged": (
        {"log_key": flip_last_char(LOG.verifier().vkey())},
        "the log key in the receipt is damaged",
    ),
    "readable decision": (
        {"readable": {**READABLE, "decision": "decline"}},
        "the readable decision (decline) is not the entry's (consent)",
    ),
    "readable beats": (
        {"readable": {**READABLE, "beats": [{"id": "b1"}]}},
        "the readable beats are not the beats in the entry",
    ),
    "readable person": (
        {"readable": {**READABLE, "person": "jonas"}},
        PERSON,
    ),
    "salt": (
        {"salt": base64.b64encode(OTHER_SALT).decode()},
        PERSON,
    ),
    "entry not canonical": (
        {"entry": base64.b64encode(ENTRY.replace(b":", b": ", 1)).decode()},
        "not a log entry in canonical form",
    ),
    "entry not base64": ({"entry": "!!"}, "the entry is not base64"),
}


@pytest.mark.parametrize("name", TAMPERINGS)
def test_each_tampering_gives_not_valid_with_its_reason(name):
    changes, reason = TAMPERINGS[name]
    verdict = verify_receipt(receipt(**changes))
    assert not verdict.valid
    assert verdict.message.startswith("not valid: ")
    assert reason in verdict.message
    assert "\n" not in verdict.message


def test_the_reasons_name_the_check_that_failed():
    messages = {}
    for changes, reason in TAMPERINGS.values():
        messages.setdefault(reason, set()).add(verify_receipt(receipt(**changes)).message)
    # One message for each check, and a different one for every check.
    assert all(len(found) == 1 for found in messages.values())
    assert len({m for found in messages.values() for m in found}) == len(messages) == 11


def test_a_receipt_from_another_log_than_the_given_key_is_not_valid():
    verdict = verify_receipt(receipt(), key=OTHER_LOG.verifier().vkey())
    assert (
        verdict.message == "not valid: the receipt was issued by another log than the key you gave"
    )


def test_a_checkpoint_for_another_origin_is_not_valid():
    stranger = Signer.from_seed("closedset.example/org/other", bytes(32))
    _, note = make_log(ENTRY, signer=stranger)
    verdict = verify_receipt(receipt(checkpoint=note, log_key=stranger.verifier().vkey()))
    assert verdict.valid  # its own log, its own key: fine
    forged = note.replace("closedset.example/org/other\n", "closedset.example/org/else\n", 1)
    assert not verify_receipt(receipt(checkpoint=forged, log_key=stranger.verifier().vkey())).valid


def test_a_bad_key_argument_is_unreadable_input():
    with pytest.raises(ReceiptUnreadable, match="the key you gave"):
        verify_receipt(receipt(), key="not a key")


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\xff\xfe",
        "not json",
        "[]",
        '"a receipt"',
        json.dumps({"format": "closedset-receipt/2"}),
        json.dumps({"format": RECEIPT_FORMAT}),
        "[" * 100_000,
        b" " * (2 << 20),
    ],
)
def test_what_is_not_a_receipt_is_unreadable(data):
    with pytest.raises(ReceiptUnreadable):
        verify_receipt(data)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(JSON)
def test_arbitrary_json_gives_a_verdict_or_unreadable(value):
    candidates = [json.dumps(value)] + ([value] if isinstance(value, dict) else [])
    for data in candidates:
        try:
            verdict = verify_receipt(data)
        except ReceiptUnreadable:
            continue
        assert not verdict.valid


FIELDS = ["entry", "index", "inclusion_proof", "checkpoint", "log_key", "salt", "readable"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.fixed_dictionaries({name: JSON for name in FIELDS}))
def test_a_receipt_of_arbitrary_fields_gives_a_verdict(fields):
    verdict = verify_receipt(json.dumps({"format": RECEIPT_FORMAT, **fields}))
    assert not verdict.valid
    assert verdict.message.startswith("not valid: ")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FIELDS), JSON)
def test_any_field_replaced_by_arbitrary_json_is_never_a_crash(field, value):
    verdict = verify_receipt(receipt(**{field: value}))
    assert verdict.message.startswith(("valid: ", "not valid: "))
    assert "\n" not in verdict.message


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["decision", "person", "beats"]), JSON)
def test_any_readable_field_replaced_is_never_a_crash(field, value):
    verdict = verify_receipt(receipt(readable={**READABLE, field: value}))
    assert not verdict.valid or READABLE[field] == value


def test_huge_and_nested_junk_in_a_receipt_is_not_a_crash():
    deep = json.loads("[" * 900 + "]" * 900)
    for changes in [
        {"entry": base64.b64encode(b"[" * 100_000).decode()},
        {"entry": base64.b64encode(b'{"type":' + b"9" * 10_000 + b"}").decode()},
        {"entry": base64.b64encode(b'{"type":NaN,"people":[]}').decode()},
        {"index": 10**400},
        {"index": True},
        {"inclusion_proof": ["AAAA"] * 10_000},
        {"readable": {"decision": "consent", "beats": deep}},
        {"readable": {**READABLE, "person": "\udc80"}},
        {"checkpoint": "— x\n" * 1000},
        {"salt": None},
    ]:
        verdict = verify_receipt(receipt(**changes))
        assert not verdict.valid, changes


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 140), st.lists(st.integers(0, 60), max_size=4))
def test_an_extended_tree_is_the_tree_of_all_its_leaves(first, more):
    leaves = [hashlib.sha256(b"leaf %d" % i).digest() for i in range(first + sum(more))]
    tree = Tree(leaves[:first])
    size = first
    for count in more:
        tree = tree.extended(leaves[size : size + count])
        size += count
        whole = Tree(leaves[:size])
        assert tree.size == size and tree._levels == whole._levels
        assert tree.root() == whole.root()
        if size:
            assert tree.inclusion_proof(size - 1) == whole.inclusion_proof(size - 1)
