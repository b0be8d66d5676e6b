"""The script reader's refusals by their code (closedset.core.script speaks English only), said
in the reader's language by the pages (Django's gettext) and by the command (its own catalogs)
from this one table. No Django here: the command must not load it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def gettext_noop(message: str) -> str:
    """Marks a message for makemessages; it is translated where it is shown."""
    return message


# Each English text is the parser's own message.
SCRIPT_ERRORS: dict[str, str] = {
    "empty": gettext_noop("This file is empty: there is no script in it."),
    "too-large": gettext_noop(
        "This file is too large to be a screenplay (%(size)s MB; the limit is %(limit)s MB)."
    ),
    "not-text": gettext_noop(
        "This file is not a screenplay: it is not text. "
        "Export the script as Fountain (.fountain) or Final Draft (.fdx)."
    ),
    "not-utf8": gettext_noop(
        "This file is not a screenplay: it is not UTF-8 text. "
        "Export the script as Fountain (.fountain, UTF-8) or Final Draft (.fdx)."
    ),
    "fdx-dtd": gettext_noop(
        "This Final Draft file contains a document type declaration (DTD), which is "
        "refused for safety. Export the script again from Final Draft."
    ),
    "fdx-entities": gettext_noop(
        "This Final Draft file contains entity declarations, which are refused for "
        "safety. Export the script again from Final Draft."
    ),
    "fdx-external": gettext_noop(
        "This Final Draft file contains a reference to another file or address, which "
        "is refused for safety. Export the script again from Final Draft."
    ),
    "fdx-broken": gettext_noop("This Final Draft file cannot be read: its XML is broken."),
    "fdx-broken-at": gettext_noop(
        "This Final Draft file cannot be read: its XML is broken near line %(line)s."
    ),
    "fdx-too-deep": gettext_noop("This Final Draft file is nested too deeply to read."),
    "fdx-not-script": gettext_noop("This file is not a Final Draft script."),
    "fdx-no-content": gettext_noop(
        "This file is not a Final Draft script: it has no script content in it."
    ),
    "no-scenes": gettext_noop(
        "This file has no scene headings (lines such as INT. KITCHEN - NIGHT), so there is "
        "nothing to break down. Check that it is the screenplay, exported as Fountain or "
        "Final Draft."
    ),
    "too-many-scenes": gettext_noop(
        "This file has more than %(limit)s scene headings, far more than a screenplay "
        "has, so it cannot be broken down. Check that it is the screenplay, exported "
        "as Fountain or Final Draft."
    ),
}


def refusal_words(error: Any, gettext: Callable[[str], str]) -> str:
    """The parser's refusal in the language `gettext` speaks (English: its message as it is)."""
    text = SCRIPT_ERRORS.get(getattr(error, "code", ""))
    if text is None:
        return str(error.message)
    try:
        return gettext(text) % dict(getattr(error, "values", {}) or {})
    except (KeyError, TypeError, ValueError):
        return str(error.message)
