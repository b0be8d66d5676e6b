"""Which language, for code outside templates.

- A page: Django activates one for each request (the person's choice, else the browser's:
  accounts/language.py). The taxonomy and the performer's plain words (closedset.core) are not
  Django's; pass them `lang=current_language()` so they speak the page's language too.
- Something written *for* a person (a notice, an e-mail): `language_of(person)`; texts are
  passed lazily (`interpolate_lazy`, `date_lazy`) and rendered in it by notices.notify.
- A document: `document_language(request)`, any language offered, asked by `?lang=`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
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


def document_language(request: HttpRequest) -> str:
    """The language a document is printed in: the one its link asks for (`?lang=cs`) when we
    offer it, else the reader's own. A production prints its papers in any language offered,
    whatever its people read the pages in."""
    asked = str(request.GET.get("lang", "")).strip().lower()
    return asked if asked in dict(settings.LANGUAGES) else current_language()


def in_document_language(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """A document view (a PDF) rendered in `document_language(request)`."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with translation.override(document_language(request)):
            return view(request, *args, **kwargs)

    return wrapper
