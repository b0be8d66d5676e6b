"""The language a page is being shown in, for code outside templates.

Django activates a language for each request (the person's choice, else the browser's:
accounts/language.py). The taxonomy and the performer's plain words (closedset.core) are not
Django's; pass them `lang=current_language()` so they speak the page's language too.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import get_language


def current_language() -> str:
    """The active language as one of settings.LANGUAGES' codes; English when none is active
    or the active one is not offered."""
    code = (get_language() or settings.LANGUAGE_CODE).split("-")[0].lower()
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
