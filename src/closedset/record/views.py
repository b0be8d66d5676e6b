"""The public receipt check at /verify/: anyone can bring a receipt; nobody needs to sign in."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from closedset.core.record import ReceiptUnreadable
from closedset.lib.uploads import import_text
from closedset.record import reasons, services
from closedset.record.offline import receipt_in_pdf

# A receipt is a few kilobytes; this leaves room for a long list of beats.
RECEIPT_LIMIT_KB = 64
# The receipt PDF: one page, fonts and a QR code around the same receipt (about 60 KB); kept
# well below the site's request limit, so this page's own message is the one people read.
PDF_LIMIT_KB = 512


def _text(value: object, limit: int = 200) -> str:
    # The readable part is whatever the file says: show text only, and not much of it.
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | str):
        return str(value)[:limit]
    return ""


def _beats(value: object) -> list[str]:
    if not isinstance(value, list):
        return []
    lines = []
    for beat in value[:100]:
        if isinstance(beat, dict):
            # The beat in words as the receipt gives them; its place only when it has none.
            # Only what the signature proves: the beat's place in the signed plan. Its wording
            # in the file is not covered by any check, so an edited file must not show it.
            lines.append(
                _("Beat %(id)s of the signed plan version") % {"id": _text(beat.get("id"))}
            )
        else:
            lines.append(_text(beat))
    return [line for line in lines if line]


def _receipt_text(request: HttpRequest) -> tuple[str, dict[str, str], int]:
    """The receipt's text, or the error about the upload and its status (413 too large)."""
    # The receipt PDF carries the receipt as its attached file: check that, as for the .json.
    upload = request.FILES.get("upload")
    if upload is not None and upload.size is not None:
        head = upload.read(5)
        upload.seek(0)
        if head == b"%PDF-" and upload.size > PDF_LIMIT_KB * 1024:
            message = _(
                "This PDF is larger than %(kb)s KB, much more than a receipt PDF. Choose the "
                "receipt PDF or the .json file closedset gave you."
            ) % {"kb": PDF_LIMIT_KB}
            return "", {"file": message}, 413
        if head == b"%PDF-":
            try:
                return receipt_in_pdf(upload.read()).decode("utf-8", errors="replace"), {}, 200
            except ReceiptUnreadable as error:
                return "", {"file": reasons.unreadable(error)}, 422
    text, errors = import_text(request, RECEIPT_LIMIT_KB, "a receipt")
    # import_text refuses only what is too large.
    return text, errors, 413 if errors else 200


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    result: services.ReceiptCheck | None = None
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        text, errors, status = _receipt_text(request)
        if not errors and not text.strip():
            errors = {"file": _("Choose a receipt file or paste its text, then check again.")}
            status = 422
        if not errors:
            result = services.check_receipt(text)
    readable = result.readable if result is not None and result.valid else {}
    shown = {
        "production": _text(readable.get("production")),
        "scene": _text(readable.get("scene")),
        "decision": _text(readable.get("decision")),
        "performer": _text(readable.get("performer")),
        "beats": _beats(readable.get("beats")),
    }
    if not errors:
        status = 200
    return render(
        request,
        "record/verify.html",
        {
            "result": result,
            # The verdict in the visitor's language (the check itself speaks English).
            "verdict": reasons.verdict(result.message) if result is not None else "",
            "errors": errors,
            "shown": shown,
        },
        status=status,
    )
