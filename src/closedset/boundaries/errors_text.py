"""What closedset.core says about a file, in the reader's language.

The core stays free of Django and writes its errors in English (the command and the tests read
them so). Each error a performer can meet on a page carries a stable `code` and the `values`
its message was built from (core/errors.py, BadInput); this module says it again in the page's
language. An error without a code, or with one not listed here, keeps its English message.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from closedset.core.errors import BadInput

# code -> the sentence, with the error's values as named placeholders. Like the core's own
# messages they start in lower case: a line number usually stands in front.
TEXTS: dict[str, Promise] = {
    "yaml.too_deep": gettext_lazy(
        "this file nests lists or mappings more than %(levels)s levels deep; "
        "a profile needs only a few levels. Export your profile again and start from that file."
    ),
    "yaml.aliases_too_deep": gettext_lazy(
        "this file's YAML aliases nest lists or mappings more than %(levels)s levels deep; "
        "write the values out."
    ),
    "yaml.self_alias": gettext_lazy(
        "this file repeats a part of itself inside that same part (a YAML alias to its own "
        "anchor), which never ends; write the values out."
    ),
    "yaml.too_many_aliases": gettext_lazy(
        "this file repeats parts of itself too many times (YAML aliases); write the values out."
    ),
    # Its value may be "a list" or "nothing", in English: the sentence does without it.
    "yaml.key_not_text": gettext_lazy(
        "a name before a colon must be plain text. Fix that line, or export your "
        "profile again and start from that file."
    ),
    "yaml.key_twice": gettext_lazy("'%(key)s' is written twice here; keep one of the two lines."),
    "yaml.invalid": gettext_lazy(
        "this file cannot be read as a profile: a bracket, quote or indent is off near "
        "here. Fix that line, or export your profile again and start from that file."
    ),
    "profile.empty": gettext_lazy(
        "the file has no answers in it. Choose your exported profile file, or paste its text."
    ),
}


def core_text(error: BadInput) -> str:
    """The error's sentence in the page's language (its English message if there is none)."""
    text = TEXTS.get(error.code or "")
    if text is None:
        return error.message
    try:
        return str(text) % error.values
    except (KeyError, TypeError, ValueError):
        # Values that do not fit the sentence: the English, which always has them right.
        return error.message


def located_text(error: BadInput) -> str:
    """core_text with the line in front where the file gives one, as a sentence."""
    text = core_text(error)
    if error.line:
        where = gettext("On line %(line)s") % {"line": error.line}
        return gettext("%(where)s: %(reason)s") % {"where": where, "reason": text}
    return text[:1].upper() + text[1:]


def core_error_of(error: BaseException) -> BadInput | None:
    """The core's BadInput behind an error that was raised while handling it, if any."""
    seen: set[int] = set()
    found: BaseException | None = error
    while found is not None and id(found) not in seen:
        if isinstance(found, BadInput):
            return found
        seen.add(id(found))
        found = found.__cause__ or found.__context__
    return None
