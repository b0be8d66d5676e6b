"""Rider and receipt PDFs: WeasyPrint from templates, sealed with a PAdES signature (pyHanko).

The seal lets any PDF reader show whether a rider was altered after it was signed; the
receipt PDF carries the exact receipt JSON as an attached file, so `closedset verify` can be
fed what it holds.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import json
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from typing import Any, TypeVar

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy

from closedset.lib.errors import DomainError
from closedset.lib.i18n import current_language
from closedset.rider.services import Rider

log = logging.getLogger(__name__)
T = TypeVar("T")

SIGNATURE_FIELD = "RiderSeal"
RECEIPT_FILENAME = "consent-receipt.json"
# Past this the QR carries the entry's hash instead of the whole receipt: a phone camera
# reads a version 40 code poorly, and a receipt with a long proof does not fit one at all.
QR_MAX_BYTES = 1200


class SealUnavailable(DomainError):
    status = 503


def _blocking(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """pyHanko's synchronous calls run their own event loop (asyncio.run), which fails inside
    one that is already running (an async view): there, run them on a thread of their own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args, **kwargs).result()


def _render_pdf(html: str, attachments: list[Any] | None = None) -> bytes:
    from weasyprint import HTML, URLFetcher

    # Self-contained documents: only inline data: images, nothing fetched from anywhere.
    fetcher = URLFetcher(allowed_protocols=["data"])
    pdf: bytes = HTML(string=html, url_fetcher=fetcher).write_pdf(attachments=attachments or None)
    return pdf


def rider_pdf(rider: Rider) -> bytes:
    """The rider as a PDF page: the very fragment whose hash the consent records, with the
    words around it in the reader's language."""
    with translation.override(rider.language):
        html = render_to_string("rider/rider_pdf.html", {"rider": rider})
    return _render_pdf(html)


# ---------------------------------------------------------------- the seal


@cache
def _signer(key_pem: str, cert_pem: str) -> Any:
    from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key = load_private_key_from_pemder_data(key_pem.encode(), passphrase=None)
    cert = next(iter(load_certs_from_pemder_data(cert_pem.encode())))
    return signers.SimpleSigner(
        signing_cert=cert,
        signing_key=key,
        cert_registry=SimpleCertificateStore.from_certs([cert]),  # type: ignore[no-untyped-call]
    )


def _pair() -> tuple[str, str]:
    key = getattr(settings, "CLOSEDSET_PDF_SIGNING_KEY", None)
    cert = getattr(settings, "CLOSEDSET_PDF_SIGNING_CERT", None)
    if not (key and cert):
        raise SealUnavailable(
            "Signed PDFs are not set up on this server yet; ask the administrator to set "
            "the PDF signing key and certificate."
        )
    return str(key), str(cert)


def seal_pdf(pdf: bytes, *, reason: str) -> bytes:
    """The PDF with a PAdES (baseline B-B) signature by the configured key over all of it."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    signer = _signer(*_pair())
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        reason=reason,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    out = _blocking(signers.sign_pdf, writer, meta, signer=signer)
    return bytes(out.getvalue())


def verify_sealed_pdf(pdf: bytes) -> bool:
    """True only when the PDF holds our seal, intact, over the whole file, by the configured
    certificate. Anything else — altered, truncated, unsigned, another key — is False."""
    from pyhanko.keys import load_certs_from_pemder_data
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        cert = next(iter(load_certs_from_pemder_data(_pair()[1].encode())))
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
        if len(signatures) != 1:
            return False
        embedded = signatures[0]
        if embedded.signer_cert.dump() != cert.dump():
            return False
        # Nothing is fetched: the configured certificate is the whole chain.
        context = ValidationContext(trust_roots=[cert], allow_fetching=False)
        status = _blocking(validate_pdf_signature, embedded, context)
        return bool(
            status.intact
            and status.valid
            and status.trusted
            and status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        )
    except SealUnavailable:
        raise
    except Exception as error:  # noqa: BLE001
        # A damaged file can fail anywhere in the parser; every such failure means "not ours".
        log.info("sealed PDF did not verify: %s", type(error).__name__)
        return False


# ---------------------------------------------------------------- consent receipts


def _qr_data_uri(text: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(
        text,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_L,
    )
    svg = image.to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def _qr_text(raw: bytes, receipt: dict[str, Any]) -> str:
    if len(raw) <= QR_MAX_BYTES:
        return raw.decode("utf-8")
    # A compact form: the receipt's format, index and the entry's hash, enough to find it in
    # the log; the full receipt is the attached file.
    try:
        entry = base64.b64decode(str(receipt.get("entry", "")), validate=True)
    except ValueError:
        entry = str(receipt.get("entry", "")).encode("utf-8", "replace")
    digest = hashlib.sha256(entry).hexdigest()
    return json.dumps(
        {"format": receipt.get("format"), "index": receipt.get("index"), "entry_sha256": digest},
        separators=(",", ":"),
        sort_keys=True,
    )


def _readable(receipt: dict[str, Any]) -> dict[str, Any]:
    readable = receipt.get("readable")
    return readable if isinstance(readable, dict) else {}


def _beat_lines(readable: dict[str, Any]) -> list[str]:
    beats = readable.get("beats")
    if not isinstance(beats, list):
        return []
    from closedset.core.taxonomy import load_taxonomy

    acts = load_taxonomy(current_language()).acts
    lines = []
    for beat in beats:
        if isinstance(beat, str):
            lines.append(beat)
            continue
        if not isinstance(beat, dict):
            continue
        text = beat.get("words") or beat.get("sentence") or beat.get("text")
        act = acts.get(str(beat.get("act")))
        # Never an act id on the page: the taxonomy's label stands in when no words came.
        if not text and act is not None:
            text = act.label
        if text:
            lines.append(str(text))
    return lines


DECISION_WORDS = {
    "consent": gettext_lazy("You consented."),
    "decline": gettext_lazy("You declined."),
    "withdrawal": gettext_lazy("You withdrew your consent."),
}


def _decision(receipt: dict[str, Any]) -> str:
    """What was decided, from the signed entry itself rather than the untrusted summary."""
    try:
        entry = json.loads(base64.b64decode(str(receipt.get("entry", "")), validate=True))
        kind = str(entry.get("type", ""))
    except (ValueError, AttributeError):
        return ""
    return str(DECISION_WORDS.get(kind, kind))


def _tree_size(checkpoint: Any) -> str | None:
    # A checkpoint's second line is the tree size (formats.md).
    if isinstance(checkpoint, str):
        lines = checkpoint.split("\n")
        if len(lines) > 1 and lines[1].isascii() and lines[1].isdigit():
            return lines[1]
    return None


def receipt_pdf(receipt: dict[str, Any], raw: bytes | None = None) -> bytes:
    """A consent receipt as a PDF: the summary in words, a QR code, and the receipt JSON
    attached as a file. `raw` is the exact JSON the performer downloads; without it the dict
    is serialised the way the receipt is."""
    from weasyprint import Attachment

    if raw is None:
        raw = json.dumps(receipt, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    readable = _readable(receipt)
    index = receipt.get("index")
    if isinstance(index, bool) or not isinstance(index, int):
        index = None
    html = render_to_string(
        "rider/receipt_pdf.html",
        {
            "readable": readable,
            "decision": _decision(receipt),
            "beats": _beat_lines(readable),
            # Numbered as `closedset verify` prints it: "entry 41 of 1042".
            "index": index,
            "size": _tree_size(receipt.get("checkpoint")),
            "qr": _qr_data_uri(_qr_text(raw, receipt)),
            "filename": RECEIPT_FILENAME,
            "lang": current_language(),
        },
    )
    attachment = Attachment(
        string=raw,
        name=RECEIPT_FILENAME,
        description="Consent receipt (closedset-receipt/1): check it with closedset verify",
        relationship="Source",
    )
    return _render_pdf(html, [attachment])


def receipt_from_pdf(pdf: bytes) -> bytes | None:
    """The receipt JSON attached to a receipt PDF, byte for byte; None when there is none."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        names = reader.root["/Names"]["/EmbeddedFiles"]["/Names"]
        for i in range(0, len(names) - 1, 2):
            spec = names[i + 1].get_object()
            filename = str(spec.get("/UF", spec.get("/F", "")))
            if filename != RECEIPT_FILENAME:
                continue
            stream = spec["/EF"]["/F"].get_object()
            return bytes(stream.data)
    except Exception as error:  # noqa: BLE001
        log.info("no receipt in PDF: %s", type(error).__name__)
    return None
