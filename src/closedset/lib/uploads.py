"""Reading an import from a page: an uploaded file, or text pasted into the form."""

from __future__ import annotations

from django.http import HttpRequest


def import_text(request: HttpRequest, limit_kb: int, what: str) -> tuple[str, dict[str, str]]:
    """The text to import and any error about the upload or the pasted text (too large).

    The same limit holds for both, and it is checked before the parser sees anything.
    """
    limit = limit_kb * 1024
    too_large = f"larger than {limit_kb} KB; {what} is much smaller"
    upload = request.FILES.get("upload")
    if upload is None:
        text = request.POST.get("text", "")
        if len(text.encode("utf-8")) > limit:
            message = f"the pasted text is {too_large}"
            # "file" is where the import pages show the one message about the import.
            return "", {"file": message, "text": message}
        return text, {}
    # The size is known from the request; nothing is read from a file that is too large.
    if upload.size is None or upload.size > limit:
        return "", {"file": f"the file is {too_large}"}
    raw = upload.read(limit + 1)
    if len(raw) > limit:
        return "", {"file": f"the file is {too_large}"}
    # Bad bytes become U+FFFD, so the parser names the place instead of the upload failing.
    return raw.decode("utf-8", errors="replace"), {}
