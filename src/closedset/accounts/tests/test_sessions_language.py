"""The sessions page names each browser in the reader's language (the names stay)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from closedset.accounts import services
from closedset.accounts.models import UserSession
from closedset.conftest import speaks

FIREFOX_ANDROID = "Mozilla/5.0 (Android 14; Mobile; rv:132.0) Gecko/132.0 Firefox/132.0"


@pytest.mark.parametrize(
    ("stored", "lang", "shown"),
    [
        ("Firefox on Android", "en", "Firefox on Android"),
        ("Firefox on Android", "cs", "Firefox (Android)"),
        ("Safari on iPhone", "es", "Safari en iPhone"),
        ("Edge on Windows", "hu", "Edge (Windows)"),
        ("Firefox", "cs", "Firefox"),
        ("curl", "es", "curl"),
        ("Something on Elsewhere", "cs", "Something on Elsewhere"),
    ],
)
def test_a_stored_summary_is_read_in_the_readers_language(stored, lang, shown):
    from django.utils import translation

    with translation.override(lang):
        assert services.browser_label(stored) == shown


def test_the_sessions_page_names_the_browser_in_czech(world, persona_password):
    mara = speaks(world.users["mara"], "cs")
    client = Client(HTTP_USER_AGENT=FIREFOX_ANDROID)
    response = client.post(
        reverse("accounts:login"), {"username": mara.email, "password": persona_password}
    )
    assert response.status_code == 302
    # Stored as before (in English, at login); only the page reads it in Czech.
    assert UserSession.objects.get(user=mara).browser == "Firefox on Android"
    page = client.get(reverse("accounts:sessions")).content.decode()
    assert "Firefox (Android)" in page and "Odhlásit se tady" in page
    assert "Firefox on Android" not in page
