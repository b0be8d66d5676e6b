"""The record's public JSON API at /api/v1/log/: checkpoints and proofs, hashes only.

No sign-in: anyone holding a receipt must be able to check the log is still the one that
issued it. What this reveals (each organisation's entry count over time) is in docs/record.md.
"""

from __future__ import annotations

import base64

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from closedset.lib.errors import NotFound
from closedset.record import services

router = Router(tags=["record"])


def _b64(hashes: list[bytes]) -> list[str]:
    return [base64.b64encode(h).decode("ascii") for h in hashes]


class KeyOut(Schema):
    origin: str
    log_key: str
    size: int


class InclusionOut(Schema):
    index: int
    size: int
    proof: list[str]


class ConsistencyQuery(Schema):
    size1: int = Field(..., alias="from")
    size2: int = Field(..., alias="to")


class ConsistencyOut(Schema):
    size1: int = Field(..., serialization_alias="from")
    size2: int = Field(..., serialization_alias="to")
    proof: list[str]


@router.get("/{slug}/checkpoint", auth=None, response={200: str})
def checkpoint(request: HttpRequest, slug: str) -> HttpResponse:
    """The latest signed checkpoint (C2SP signed note) as text; its key in Closedset-Log-Key."""
    log = services.log_by_slug(slug)
    latest = services.latest_checkpoint(log)
    if latest is None:
        raise NotFound("This log has no entries yet, so it has no checkpoint.")
    response = HttpResponse(latest.note, content_type="text/plain; charset=utf-8")
    response["Closedset-Log-Key"] = latest.vkey
    response["Cache-Control"] = "no-cache"
    return response


@router.get("/{slug}/key", auth=None, response=KeyOut)
def key(request: HttpRequest, slug: str) -> KeyOut:
    """The verifier key that signs this log's checkpoints now, and the log's size."""
    log = services.log_by_slug(slug)
    return KeyOut(origin=log.origin, log_key=services.verifier_key(log), size=log.size)


@router.get("/{slug}/proof/inclusion", auth=None, response=InclusionOut)
def inclusion(request: HttpRequest, slug: str, index: int, size: int) -> InclusionOut:
    """The hashes (base64) leading from entry `index` to the root of the tree of `size`."""
    log = services.log_by_slug(slug)
    proof = services.inclusion_proof(log, index, size)
    return InclusionOut(index=index, size=size, proof=_b64(proof))


@router.get(
    "/{slug}/proof/consistency",
    auth=None,
    response=ConsistencyOut,
    by_alias=True,
)
def consistency(request: HttpRequest, slug: str, sizes: Query[ConsistencyQuery]) -> ConsistencyOut:
    """The hashes (base64) proving the tree of `to` entries extends the tree of `from`."""
    log = services.log_by_slug(slug)
    proof = services.consistency_proof(log, sizes.size1, sizes.size2)
    return ConsistencyOut(size1=sizes.size1, size2=sizes.size2, proof=_b64(proof))
