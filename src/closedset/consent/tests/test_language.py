"""Consent in the performer's language (issue 11): her pages in Czech, and when the
production is written in another language, the beats and the rider in both, side by side,
with the record's hash over exactly the text she was shown."""

from __future__ import annotations

import hashlib
import html
import json
import re

import pytest
from django.urls import reverse
from typer.testing import CliRunner

from closedset.cli import app
from closedset.conftest import speaks
from closedset.consent.models import BeatDecision, ConsentEvent
from closedset.consent.tests.conftest import request_of
from closedset.notices.models import Notice

# English source strings of the request page's own template: none may show in Czech.
ENGLISH = [
    "All my consent requests",
    "This is private: only you can open it.",
    "Your answer",
    "Add a reason (optional)",
    "Only your coordinator sees this.",
    "Continue to sign",
    "Your intimacy rider",
    "I have read my rider: go on to sign",
]
CZECH = [
    "Všechny moje žádosti o souhlas",
    "Tohle je soukromé: otevřít to můžeš jen ty.",
    "Tvoje odpověď",
    "Pokračovat k podpisu",
    "Tvoje dohoda o intimních scénách",
]
RIDER_TEXT = re.compile(r'<div class="rider-text">(.*?)</div>\n  </section>', re.S)


def shown_rider(page: str) -> str:
    """The rider exactly as the page shows it, unescaped back to the text that was hashed."""
    found = RIDER_TEXT.search(page)
    assert found, "no rider on the page"
    return found.group(1)


@pytest.fixture
def czech_page(world, final, client_as):
    speaks(world.mara, "cs")
    return client_as(world.mara), reverse("consent:request", args=[request_of(world.mara).pk])


def test_the_request_reads_in_czech_with_english_alongside(world, czech_page):
    client, url = czech_page
    page = client.get(url).content.decode()
    for text in CZECH:
        assert text in page
    for text in ENGLISH:
        assert text not in page
    # Each beat in her words, then the production's (English) words beside it.
    assert "Jonas → ty: plácnutí (zadek), lehce" in page
    assert (
        '<span class="beat-alongside" lang="en">Jonas slaps your buttocks, lightly</span>' in page
    )
    rider = shown_rider(page)
    assert '<div class="rider-lang" lang="cs">' in rider
    assert '<div class="rider-lang rider-other" lang="en">' in rider
    assert "Co v této scéně děláš" in rider and "What you do in this scene" in rider


def test_signing_in_czech_records_the_hash_of_exactly_the_text_shown(
    world, czech_page, persona_password, tmp_path
):
    client, url = czech_page
    page = client.get(url).content.decode()
    shown = shown_rider(page)
    digest = hashlib.sha256(shown.encode("utf-8")).hexdigest()
    assert f'name="rider_sha256" value="{digest}"' in page

    sign_url = reverse("consent:sign", args=[request_of(world.mara).pk])
    review = client.post(url, {"answer-b1": "consent", "rider_sha256": digest})
    assert "Souhlasíš s" in review.content.decode()
    done = client.post(
        sign_url,
        {"answer-b1": "consent", "rider_sha256": digest, "password_or_code": persona_password},
    )
    assert done.status_code == 302

    event = ConsentEvent.objects.get(kind="consented")
    assert event.rider_sha256 == digest
    assert event.language == "cs+en"  # what was shown, hers first
    decision = BeatDecision.objects.get(beat_id="b1")
    entry = json.loads(bytes(decision.log_entry.data))
    assert entry["rider_sha256"] == digest
    assert entry["language"] == "cs+en"  # what she read it in (hers, then the production's)

    # The receipt still verifies, offline, as `closedset verify` reads it.
    receipt = client.get(reverse("consent:receipt", args=[decision.pk]))
    path = tmp_path / "receipt.json"
    path.write_bytes(receipt.content)
    result = CliRunner().invoke(app, ["verify", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("valid: consent")


def test_a_rider_read_in_one_language_cannot_be_signed_in_another(
    world, czech_page, persona_password
):
    client, url = czech_page
    english = hashlib.sha256(b"the English-only rider").hexdigest()
    sign_url = reverse("consent:sign", args=[request_of(world.mara).pk])
    refused = client.post(
        sign_url,
        {"answer-b1": "consent", "rider_sha256": english, "password_or_code": persona_password},
    )
    assert refused.status_code == 409
    assert "nic se nepodepsalo" in refused.content.decode()
    assert not BeatDecision.objects.exists()


def test_a_czech_production_shows_a_czech_performer_one_language(world, final, client_as):
    world.production.language = "cs"
    world.production.save(update_fields=["language"])
    speaks(world.mara, "cs")
    client = client_as(world.mara)
    page = client.get(reverse("consent:request", args=[request_of(world.mara).pk])).content
    page = page.decode()
    assert "Jonas → ty: plácnutí (zadek), lehce" in page
    assert "beat-alongside" not in page and "rider-bilingual" not in page
    assert "What you do in this scene" not in page


def test_english_production_and_performer_read_as_before(world, final, client_as):
    client = client_as(world.mara)
    page = client.get(reverse("consent:request", args=[request_of(world.mara).pk])).content
    page = page.decode()
    for text in ENGLISH:
        assert text in page
    assert "beat-alongside" not in page and "rider-bilingual" not in page
    shown = shown_rider(page)
    assert shown.startswith('<section class="rider">')
    digest = hashlib.sha256(shown.encode("utf-8")).hexdigest()
    assert f'name="rider_sha256" value="{digest}"' in page


def test_the_portal_and_the_request_notice_are_in_her_language(world, version, client_as):
    from closedset.consent import services

    speaks(world.mara, "cs")
    # The coordinator marks the version final in English; Mara is told in Czech.
    services.mark_final(world.ines, version)
    notice = Notice.objects.filter(recipient=world.mara).order_by("-pk").first()
    assert notice is not None
    assert notice.subject.startswith("Čeká na tebe žádost o souhlas")
    assert "Přihlas se a otevři „Souhlas“" in notice.body

    page = client_as(world.mara).get(reverse("consent:mine")).content.decode()
    assert "2 momenty čekají na tvou odpověď." in page
    assert "Přečíst a odpovědět" in page
    assert "wait for your answer" not in page and "Read and answer" not in page
    assert html.escape("Each scene you are asked about") not in page


def test_the_coordinator_is_told_of_a_decline_in_her_language(
    world, version, persona_password, django_capture_on_commit_callbacks
):
    """Mara answers in English; Ines chose Czech: the notice is written for its reader."""
    from closedset.consent import services
    from closedset.consent.tests.test_services import sign

    speaks(world.ines, "cs")
    services.mark_final(world.ines, version)
    with django_capture_on_commit_callbacks(execute=True):
        sign(world.mara, {"b1": "decline", "b2": "decline"}, persona_password)
    notice = Notice.objects.filter(recipient=world.ines).order_by("-pk").first()
    assert notice is not None
    assert notice.subject.startswith(f"{world.mara.display_name} odmítá 2 momenty: ")
    assert "V přehledu souhlasů uvidíš které" in notice.body
    assert "declined" not in notice.subject + notice.body


def test_the_reminder_writes_its_date_in_her_language(world, version, persona_password):
    from datetime import UTC, datetime, timedelta

    from closedset.consent import services

    speaks(world.mara, "cs")
    deadline = datetime(2031, 3, 14, 18, 30, tzinfo=UTC)
    services.mark_final(world.ines, version, deadline=deadline)
    assert services.send_reminders(deadline - timedelta(hours=12)) >= 1
    notice = Notice.objects.filter(recipient=world.mara).order_by("-pk").first()
    assert notice is not None
    assert notice.subject.startswith("Žádost o souhlas čeká na tvou odpověď: ")
    assert "března 2031" in notice.body  # the month as Czech writes it in a date
    assert "March" not in notice.body
