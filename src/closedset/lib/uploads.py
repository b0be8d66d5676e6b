"""Reading an import from a page: an uploaded file, or text pasted into the form."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext, gettext_noop

# Whole sentences for each thing imported, so every language can say them its own way; the
# key is the `what` the import pages pass. Anything else gets the sentence without it.
_TOO_LARGE = {
    ("text", "a plan"): gettext_noop(
        "the pasted text is larger than %(kb)s KB; a plan is much smaller"
    ),
    ("file", "a plan"): gettext_noop("the file is larger than %(kb)s KB; a plan is much smaller"),
    ("text", "a profile"): gettext_noop(
        "the pasted text is larger than %(kb)s KB; a profile is much smaller"
    ),
    ("file", "a profile"): gettext_noop(
        "the file is larger than %(kb)s KB; a profile is much smaller"
    ),
    ("text", "a receipt"): gettext_noop(
        "the pasted text is larger than %(kb)s KB; a receipt is much smaller"
    ),
    ("file", "a receipt"): gettext_noop(
        "the file is larger than %(kb)s KB; a receipt is much smaller"
    ),
    ("text", None): gettext_noop("the pasted text is larger than %(kb)s KB"),
    ("file", None): gettext_noop("the file is larger than %(kb)s KB"),
}


def too_large(source: str, limit_kb: int, what: str) -> str:
    """The message, in the page's language, for pasted text (`source` "text") or a file
    ("file") over the limit."""
    message = _TOO_LARGE.get((source, what)) or _TOO_LARGE[(source, None)]
    return gettext(message) % {"kb": limit_kb}


def import_text(request: HttpRequest, limit_kb: int, what: str) -> tuple[str, dict[str, str]]:
    """The text to import and any error about the upload or the pasted text (too large), in
    the page's language. `what` names the thing imported: "a plan", "a profile", "a receipt".

    The same limit holds for both, and it is checked before the parser sees anything.
    """
    limit = limit_kb * 1024
    upload = request.FILES.get("upload")
    if upload is None:
        text = request.POST.get("text", "")
        if len(text.encode("utf-8")) > limit:
            message = too_large("text", limit_kb, what)
            # "file" is where the import pages show the one message about the import.
            return "", {"file": message, "text": message}
        return text, {}
    # The size is known from the request; nothing is read from a file that is too large.
    if upload.size is None or upload.size > limit:
        return "", {"file": too_large("file", limit_kb, what)}
    raw = upload.read(limit + 1)
    if len(raw) > limit:
        return "", {"file": too_large("file", limit_kb, what)}
    # Bad bytes become U+FFFD, so the parser names the place instead of the upload failing.
    return raw.decode("utf-8", errors="replace"), {}
