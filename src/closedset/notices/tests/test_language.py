"""Notices in their reader's language (issue 11): the pages in hers, and every notice and its
e-mail in the recipient's, whoever sent it and whatever language the sender's page was in."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext_lazy

from closedset.conftest import speaks
from closedset.lib.i18n import interpolate_lazy
from closedset.notices.models import Kind, Notice
from closedset.notices.services import notify

pytestmark = pytest.mark.django_db

LIST = [
    ("Notices", "Oznámení"),
    ("Mark all as read", "Označit vše jako přečtené"),
    ("Back to your productions", "Zpět na tvoje produkce"),
]
SETTINGS = [
    ("E-mail settings", "Nastavení e-mailů"),
    ("E-mail me when", "Pošli mi e-mail, když"),
    ("Save e-mail settings", "Uložit nastavení e-mailů"),
]


def assert_in(page: str, pairs: list[tuple[str, str]], *, czech: bool) -> None:
    for english, cs in pairs:
        shown, hidden = (cs, english) if czech else (english, cs)
        assert shown in page, shown
        assert hidden not in page, hidden


def _tell(recipient):
    # "Hello" in the recipient's words: a text passed lazily, with a value in it.
    notify(
        recipient,
        Kind.PLAN_CHANGED,
        subject=interpolate_lazy(gettext_lazy("Scene %(number)s"), number="12B"),
        body=gettext_lazy("Your e-mail settings are saved."),
    )


@pytest.mark.parametrize("language", ["cs", "en"])
def test_the_pages_in_her_language(world, client_as, language):
    czech = language == "cs"
    mara = client_as(speaks(world.mara, language))
    _tell(world.mara)
    assert_in(mara.get("/notices/").content.decode(), LIST, czech=czech)
    assert_in(mara.get("/notices/settings/").content.decode(), SETTINGS, czech=czech)


def test_a_notice_and_its_mail_come_in_the_recipients_language(world):
    speaks(world.mara, "cs")
    speaks(world.jonas, "hu")
    with translation.override("es"):  # the sender's page spoke Spanish
        _tell(world.mara)
        _tell(world.jonas)
        _tell(world.ines)  # chose nothing: the site's language
    assert Notice.objects.get(recipient=world.mara).body == "Tvoje nastavení e-mailů je uložené."
    assert Notice.objects.get(recipient=world.ines).body == "Your e-mail settings are saved."
    to = {message.to[0]: message for message in mail.outbox}
    # "Ahoj Mara," (the greeting's comma is the accounts catalog's call).
    assert re.match(r"Ahoj,? Mara,", to[world.mara.email].body)
    assert "Scéna 12B" in to[world.mara.email].subject
    assert "Jelenet" not in to[world.mara.email].body
    assert to[world.jonas.email].body.startswith("Szia")
    assert to[world.ines.email].body.startswith("Hello Ines,")
