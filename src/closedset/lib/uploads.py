"""Reading an import from a page: an uploaded file, or text pasted into the form."""

from __future__ import annotations

from django.http import HttpRequest


def import_text(request: HttpRequest, limit_kb: int, what: str) -> tuple[str, dict[str, str]]:
    """The text to import and any error about the upload itself (too large)."""
    upload = request.FILES.get("upload")
    if upload is None:
        return request.POST.get("text", ""), {}
    limit = limit_kb * 1024
    raw = upload.read(limit + 1)
    if len(raw) > limit:
        return "", {"file": f"the file is larger than {limit_kb} KB; {what} is much smaller"}
    # Bad bytes become U+FFFD, so the parser names the place instead of the upload failing.
    return raw.decode("utf-8", errors="replace"), {}
