"""The language a page is being shown in, for code outside templates.

Django activates a language for each request (the person's choice, else the browser's:
accounts/language.py). The taxonomy and the performer's plain words (closedset.core) are not
Django's; pass them `lang=current_language()` so they speak the page's language too.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.translation import get_language


def current_language() -> str:
    """The active language as one of settings.LANGUAGES' codes; English when none is active
    or the active one is not offered."""
    code = (get_language() or settings.LANGUAGE_CODE).split("-")[0].lower()
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def language_of(person: Any) -> str:
    """The language everything written *for* this person is in — notices, e-mails, receipts
    sent on someone else's action: theirs when they chose one we offer, else the site's."""
    code = str(getattr(person, "language", "") or "")
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _interpolate(message: Any, values: dict[str, Any]) -> str:
    return str(message) % {name: str(value) for name, value in values.items()}


def interpolate_lazy(message: Any, **values: Any) -> str:
    """`gettext_lazy("… %(name)s …")` filled in only when shown, so the sentence *and* any lazy
    value (a date, a label) take the language active then — notices.notify's, the
    recipient's — not the sender's."""
    return _lazy_interpolate(message, values)


def date_lazy(value: Any, format_string: str) -> str:
    """A date written out (month names) in the language active when it is shown."""
    return _lazy_date(value, format_string)


_lazy_interpolate = lazy(_interpolate, str)
_lazy_date = lazy(date_format, str)
