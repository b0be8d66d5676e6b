"""The receipt check's verdicts in the reader's language, for the public verify page.

`closedset.core.record` and `check_receipt` speak English: the CLI and the API print those
messages as they are. The page says the same thing in the visitor's language: each known
sentence is matched here and translated whole; a value quoted from the file (a decision, a
number, a technical error) is kept as it is. An unknown sentence is shown unchanged.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext, gettext_lazy, gettext_noop, pgettext_lazy

# Why a receipt is not valid (after "not valid: "), sentence by sentence; marked for the
# catalogs here and translated when shown.
_FIXED: frozenset[str] = frozenset(
    (
        gettext_noop("this receipt was not issued by this closedset"),
        gettext_noop("this receipt was not signed by this closedset's key"),
        gettext_noop(
            "this closedset's log no longer matches the receipt; the log was changed after the "
            "receipt was issued"
        ),
        gettext_noop("the log key in the receipt is not text"),
        gettext_noop("the receipt was issued by another log than the key you gave"),
        gettext_noop("the checkpoint is not text"),
        gettext_noop(
            "the checkpoint's text or its signature was changed: the log's signature does not match"
        ),
        gettext_noop("the checkpoint is not signed by the log key in this receipt"),
        gettext_noop("the checkpoint is for another log than the one whose key signed it"),
        gettext_noop("the entry is not base64"),
        gettext_noop("the entry is not a log entry in canonical form"),
        gettext_noop("the entry has no type or no list of people"),
        gettext_noop("the entry number is not a whole number"),
        gettext_noop("the inclusion proof is not a list of hashes"),
        gettext_noop("a hash in the inclusion proof is not base64"),
        gettext_noop(
            "the entry, its number or its inclusion proof was changed: they do not lead to the "
            "signed root"
        ),
        gettext_noop("the readable part is not a set of fields"),
        gettext_noop("the entry's beats are not a list of beat ids"),
        gettext_noop("the readable beats are not a list of beats with ids"),
        gettext_noop("the readable beats are not the beats in the entry"),
        gettext_noop("the salt is not base64"),
        gettext_noop("the readable part names no person"),
        gettext_noop(
            "the person or the salt was changed: the entry does not concern the person this "
            "receipt names"
        ),
        # Why a file is not a receipt at all.
        gettext_noop("the receipt is not valid UTF-8 text"),
        gettext_noop("a receipt is a JSON file"),
        gettext_noop("the file is far too large to be a receipt"),
        gettext_noop("the receipt is not JSON"),
        gettext_noop("a receipt is a JSON object"),
        gettext_noop(
            "this PDF carries no consent receipt; choose the receipt PDF closedset gave you, "
            "or its .json file"
        ),
    )
)

# Sentences with a value in them: (pattern, translation with the same named values).
_PATTERNS: tuple[tuple[re.Pattern[str], Any], ...] = tuple(
    (re.compile(pattern, re.DOTALL), message)
    for pattern, message in (
        (
            r"the log key in the receipt is damaged: (?P<error>.*)",
            gettext_lazy("the log key in the receipt is damaged: %(error)s"),
        ),
        (
            r"the checkpoint is damaged: (?P<error>.*)",
            gettext_lazy("the checkpoint is damaged: %(error)s"),
        ),
        (
            r"entry (?P<index>\d+) is beyond the checkpoint's (?P<size>\d+) entries",
            gettext_lazy("entry %(index)s is beyond the checkpoint's %(size)s entries"),
        ),
        (
            r"the inclusion proof has (?P<count>\d+) hashes, but entry (?P<index>\d+) of "
            r"(?P<size>\d+) needs (?P<needed>\d+)",
            gettext_lazy(
                "the inclusion proof has %(count)s hashes, but entry %(index)s of %(size)s "
                "needs %(needed)s"
            ),
        ),
        (
            r"the readable decision \((?P<readable>.*)\) is not the entry's \((?P<entry>.*)\)",
            gettext_lazy("the readable decision (%(readable)s) is not the entry's (%(entry)s)"),
        ),
        (
            r"the receipt is damaged \((?P<error>.*)\)",
            gettext_lazy("the receipt is damaged (%(error)s)"),
        ),
        (
            r"this is not a consent receipt \(format (?P<format>.*)\)",
            gettext_lazy("this is not a consent receipt (format %(format)s)"),
        ),
        (
            r"the receipt is missing (?P<fields>.*)",
            gettext_lazy("the receipt is missing %(fields)s"),
        ),
    )
)

_VALID = re.compile(
    r"valid: (?P<decision>.*) by the holder of this receipt, entry (?P<index>\d+) of (?P<size>\d+)",
    re.DOTALL,
)
# The decisions a receipt can be of, as the log names them.
_DECISIONS = {
    "consent": pgettext_lazy("a decision a receipt proves", "consent"),
    "decline": pgettext_lazy("a decision a receipt proves", "decline"),
    "withdrawal": pgettext_lazy("a decision a receipt proves", "withdrawal"),
}
_NOT_VALID = "not valid: "
_NOT_A_RECEIPT = re.compile(r"This is not a consent receipt: (?P<why>.*)\.", re.DOTALL)


def reason(text: str) -> str:
    """One reason (no "not valid: " before it) in the page's language."""
    if text in _FIXED:
        return gettext(text)
    for pattern, message in _PATTERNS:
        found = pattern.fullmatch(text)
        if found:
            return str(message) % found.groupdict()
    return text


def verdict(message: str) -> str:
    """A whole verdict of `check_receipt` in the page's language."""
    if message.startswith(_NOT_VALID):
        why = message[len(_NOT_VALID) :]
        return gettext("not valid: %(why)s") % {"why": reason(why)}
    found = _VALID.fullmatch(message)
    if found:
        values = found.groupdict()
        decision = _DECISIONS.get(values["decision"])
        if decision is not None:
            values["decision"] = str(decision)
        return (
            gettext(
                "valid: %(decision)s by the holder of this receipt, entry %(index)s of %(size)s"
            )
            % values
        )
    found = _NOT_A_RECEIPT.fullmatch(message)
    if found:
        return gettext("This is not a consent receipt: %(why)s.") % {"why": reason(found["why"])}
    return message


def unreadable(error: Exception) -> str:
    """Why a PDF holds no receipt, as a sentence on its own (capital first, full stop)."""
    text = reason(str(error))
    return f"{text[:1].upper()}{text[1:]}."
