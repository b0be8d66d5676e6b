"""Checking receipts away from the server: what `closedset verify` does, without Django.

Only closedset.core and the standard library are used here, so the command starts fast and
anyone can run it against any closedset's log.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path

from closedset.core import record as core

# How long `--log` may take to answer before the command gives up.
FETCH_TIMEOUT = 15
_MAX_ANSWER = 1 << 16  # a consistency proof is at most 64 hashes


class LogUnreachable(Exception):
    """The log at the given address could not be asked (network, address, or its answer)."""


class ProofRefused(Exception):
    """The log answered but would not (or could not) give the proof: a verdict, not a fault."""


Fetch = Callable[[int, int], list[bytes]]


def read_file(path: Path) -> bytes:
    """A receipt file's bytes; ReceiptUnreadable when there is no such file or it is huge."""
    try:
        with path.open("rb") as handle:
            data = handle.read((1 << 20) + 1)
    except OSError as error:
        raise core.ReceiptUnreadable(f"{path}: {error.strerror or 'cannot be read'}") from None
    if len(data) > 1 << 20:
        raise core.ReceiptUnreadable(f"{path}: far too large to be a receipt")
    return receipt_in_pdf(data) if data.startswith(b"%PDF-") else data


def receipt_in_pdf(data: bytes) -> bytes:
    """The receipt JSON a receipt PDF carries as its attached file; ReceiptUnreadable if none.

    A PDF is someone else's file: anything odd in it is "no receipt inside", never a crash.
    """
    import io

    from pyhanko.pdf_utils.decode_limits import DecodeLimits, StreamDecodeLimits
    from pyhanko.pdf_utils.reader import PdfFileReader

    missing = core.ReceiptUnreadable(
        "this PDF carries no consent receipt; choose the receipt PDF closedset gave you, "
        "or its .json file"
    )
    try:
        # No stream may inflate past what a receipt could be: a deflate bomb stops at 1 MB.
        limits = DecodeLimits(per_stream=StreamDecodeLimits(max_output_size=1 << 20))
        reader = PdfFileReader(io.BytesIO(data), strict=False, decode_limits=limits)
        names = reader.root["/Names"]["/EmbeddedFiles"]["/Names"]
        for i in range(0, len(names) - 1, 2):
            spec = names[i + 1].get_object()
            if not str(spec.get("/UF", spec.get("/F", ""))).endswith(".json"):
                continue
            stream = spec["/EF"]["/F"].get_object()
            if int(stream.get("/Length", 0)) > 1 << 20:
                break
            inner: bytes = stream.data
            if len(inner) > 1 << 20:
                break
            return inner
    except Exception:  # noqa: BLE001 - a malformed PDF is an unreadable receipt, whatever broke
        raise missing from None
    raise missing


def check_previous(
    older: bytes | str | Mapping[str, object],
    newer: bytes | str | Mapping[str, object],
    fetch: Fetch,
    key: str | None = None,
) -> core.Verdict:
    """The newer receipt's verdict, valid only if its log still extends the older receipt's.

    `fetch(size1, size2)` asks the log for a consistency proof (ProofRefused when it will not
    give one, LogUnreachable when it cannot be asked). ReceiptUnreadable for a file that is not
    a receipt at all.
    """
    verdict = core.verify_receipt(newer, key)
    if not verdict.valid:
        return verdict
    # The older receipt may be signed by a key since rotated away, so it is checked with its
    # own key; it must be about the same log.
    before = core.verify_receipt(older)
    if not before.valid:
        return core.Verdict(False, f"not valid: the older receipt: {before.message[11:]}")
    assert before.checkpoint is not None and verdict.checkpoint is not None
    old, new = before.checkpoint, verdict.checkpoint
    if old.origin != new.origin:
        return core.Verdict(False, "not valid: the older receipt is from another log")
    if old.size > new.size:
        return core.Verdict(
            False,
            f"not valid: the older receipt's log had {old.size} entries, more than this one's "
            f"{new.size}: it is not older, or the log lost entries",
        )
    if old.size == new.size:
        if old.root != new.root:
            return core.Verdict(
                False,
                "not valid: the log has two different trees of the same size: it was rewritten",
            )
        return verdict
    try:
        proof = fetch(old.size, new.size)
    except ProofRefused as refused:
        return core.Verdict(
            False,
            f"not valid: the log would not prove it still holds the older receipt's entries "
            f"({refused})",
        )
    try:
        core.verify_consistency(old.size, new.size, proof, old.root, new.root)
    except core.ProofError as error:
        return core.Verdict(
            False, f"not valid: the log does not extend the older receipt's log ({error})"
        )
    return verdict


def _b64(text: object) -> bytes:
    if not isinstance(text, str):
        raise ValueError("not text")
    return base64.b64decode(text, validate=True)


def http_fetch(url: str, timeout: float = FETCH_TIMEOUT) -> Fetch:
    """A fetch that asks the log at `url` (…/api/v1/log/<name>) over http or https."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise LogUnreachable(f"the log address must start with https:// (or http://): {url}")

    def fetch(size1: int, size2: int) -> list[bytes]:
        query = urllib.parse.urlencode({"from": size1, "to": size2})
        address = f"{url.rstrip('/')}/proof/consistency?{query}"
        # The scheme was checked above: only http or https is ever opened.
        request = urllib.request.Request(  # noqa: S310
            address, headers={"Accept": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310  # nosec B310 - scheme checked above
                body = response.read(_MAX_ANSWER + 1)
        except urllib.error.HTTPError as error:
            if 400 <= error.code < 500:
                detail = ""
                with contextlib.suppress(ValueError, AttributeError, OSError):
                    detail = str(json.loads(error.read(_MAX_ANSWER)).get("detail", ""))[:200]
                raise ProofRefused(detail or f"it answered {error.code}") from None
            raise LogUnreachable(f"the log at {url} answered {error.code}") from None
        except (urllib.error.URLError, OSError, ValueError) as error:
            reason = getattr(error, "reason", error)
            raise LogUnreachable(f"could not reach the log at {url}: {reason}") from None
        try:
            if len(body) > _MAX_ANSWER:
                raise ValueError("too large")
            answer = json.loads(body)
            proof = [_b64(h) for h in answer["proof"]]
        except (ValueError, KeyError, TypeError, binascii.Error):
            raise LogUnreachable(f"the log at {url} did not answer with a proof") from None
        return proof

    return fetch
