"""Rider PDFs sealed with PAdES, and receipt PDFs that carry their receipt."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from closedset.core.record import (
    Checkpoint,
    Signer,
    Tree,
    build_receipt,
    canonical_json,
    commitment,
    leaf_hash,
    sign_note,
    verify_receipt,
)
from closedset.rider import pdf, services
from closedset.rider.signing import self_signed_pair

ORIGIN = "closedset.example/org/northlight-films"
LOG = Signer.from_seed(ORIGIN, hashlib.sha256(b"rider test log key").digest())
SALT = b"s" * 16


def _receipt() -> dict[str, Any]:
    entry = canonical_json(
        {
            "type": "consent",
            "at": "2026-11-25T22:00:00Z",
            "production": 7,
            "scene": 12,
            "plan_version": 3,
            "plan_sha256": "ab" * 32,
            "beats": ["b1", "b2"],
            "people": [commitment(SALT, "mara")],
        }
    )
    leaves = [leaf_hash(b"entry" + i.to_bytes(4, "big")) for i in range(12)]
    leaves[5] = leaf_hash(entry)
    tree = Tree(leaves)
    note = sign_note(Checkpoint(LOG.name, 12, tree.root()).text(), [LOG])
    return build_receipt(
        entry=entry,
        index=5,
        proof=tree.inclusion_proof(5),
        checkpoint_note=note,
        log_key=LOG.verifier().vkey(),
        salt=SALT,
        readable={
            "production": "Harbour Lights",
            "scene": "12B",
            "performer": "Mara",
            "person": "mara",
            "decision": "consent",
            "beats": [{"id": "b1", "act": "slap"}, {"id": "b2", "act": "nudity-topless"}],
        },
    )


def _sealed(world: Any, version: Any) -> bytes:
    rider = services.rider_for(version, world.mara)
    return pdf.seal_pdf(pdf.rider_pdf(rider), reason="Signed as part of consent")


def test_a_sealed_rider_verifies(world: Any, version: Any) -> None:
    sealed = _sealed(world, version)
    assert sealed.startswith(b"%PDF")
    assert pdf.verify_sealed_pdf(sealed)


def test_one_flipped_byte_in_the_signed_range_fails(world: Any, version: Any) -> None:
    sealed = bytearray(_sealed(world, version))
    # Inside the first content stream: well within the first signed byte range.
    at = sealed.index(b"stream") + 40
    sealed[at] ^= 0x01
    assert not pdf.verify_sealed_pdf(bytes(sealed))


def test_an_unsealed_or_truncated_pdf_fails(world: Any, version: Any) -> None:
    rider = services.rider_for(version, world.mara)
    assert not pdf.verify_sealed_pdf(pdf.rider_pdf(rider))
    sealed = _sealed(world, version)
    assert not pdf.verify_sealed_pdf(sealed[: len(sealed) // 2])
    assert not pdf.verify_sealed_pdf(b"not a pdf")


def test_a_seal_by_another_key_fails(world: Any, version: Any, settings: Any) -> None:
    sealed = _sealed(world, version)
    settings.CLOSEDSET_PDF_SIGNING_KEY, settings.CLOSEDSET_PDF_SIGNING_CERT = self_signed_pair()
    assert not pdf.verify_sealed_pdf(sealed)


def test_appending_after_the_seal_fails(world: Any, version: Any) -> None:
    sealed = _sealed(world, version)
    assert not pdf.verify_sealed_pdf(sealed + b"\n%extra\n")


def test_the_receipt_pdf_carries_the_exact_receipt() -> None:
    receipt = _receipt()
    raw = json.dumps(receipt, ensure_ascii=False, separators=(",", ":")).encode()
    document = pdf.receipt_pdf(receipt)
    assert document.startswith(b"%PDF")
    extracted = pdf.receipt_from_pdf(document)
    assert extracted == raw
    assert json.loads(extracted) == receipt
    assert verify_receipt(extracted).valid


def test_the_receipt_pdf_keeps_given_bytes() -> None:
    receipt = _receipt()
    raw = json.dumps(receipt, indent=2).encode()
    assert pdf.receipt_from_pdf(pdf.receipt_pdf(receipt, raw=raw)) == raw


def test_a_pdf_without_a_receipt_gives_none(world: Any, version: Any) -> None:
    rider = services.rider_for(version, world.mara)
    assert pdf.receipt_from_pdf(pdf.rider_pdf(rider)) is None
    assert pdf.receipt_from_pdf(b"junk") is None


def test_the_qr_is_compact_when_the_receipt_is_long() -> None:
    receipt = _receipt()
    raw = json.dumps(receipt).encode()
    assert len(raw) > pdf.QR_MAX_BYTES
    compact = json.loads(pdf._qr_text(raw, receipt))
    assert compact["index"] == 5 and len(compact["entry_sha256"]) == 64


def test_sealing_and_checking_work_inside_an_event_loop(world: Any, version: Any) -> None:
    # pyHanko runs its own loop; an async caller must get the same answer, not a False.
    import asyncio

    document = pdf.rider_pdf(services.rider_for(version, world.mara))

    async def inside() -> bool:
        return pdf.verify_sealed_pdf(pdf.seal_pdf(document, reason="in a loop"))

    assert asyncio.run(inside())


def test_the_compact_qr_names_the_entry_by_its_hash() -> None:
    import base64

    receipt = _receipt()
    compact = json.loads(pdf._qr_text(b"x" * (pdf.QR_MAX_BYTES + 1), receipt))
    entry = base64.b64decode(receipt["entry"])
    assert compact == {
        "format": "closedset-receipt/1",
        "index": 5,
        "entry_sha256": hashlib.sha256(entry).hexdigest(),
    }


def test_services_offers_the_same_functions(world: Any, version: Any) -> None:
    rider = services.rider_for(version, world.mara)
    sealed = services.seal_pdf(services.rider_pdf(rider), reason="consent")
    assert services.verify_sealed_pdf(sealed)
    receipt = _receipt()
    assert json.loads(services.receipt_from_pdf(services.receipt_pdf(receipt)) or b"") == receipt
