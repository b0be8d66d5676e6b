"""Dates on the performer's consent pages in her language (issue 11): "answer by" on her list
and on the request, and when each answer was given, in the order and month names her language
writes; in English they read exactly as before."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from closedset.conftest import speaks
from closedset.consent.models import BeatDecision
from closedset.consent.tests.conftest import request_of

pytestmark = pytest.mark.django_db

DEADLINE = datetime(2031, 3, 14, 18, 30, tzinfo=UTC)
SHORT = {
    "en": "14 Mar 2031, 18:30",
    "es": "14 mar 2031, 18:30",
    "cs": "14. bře 2031, 18:30",
    "hu": "2031. márc. 14., 18:30",
}


def only(page: str, language: str) -> None:
    assert SHORT[language] in page, SHORT[language]
    for other, shown in SHORT.items():
        if other != language:
            assert shown not in page, shown


@pytest.mark.parametrize("language", ["en", "es", "cs", "hu"])
def test_answer_by_in_her_language(world, version, client_as, language):
    from closedset.consent import services

    services.mark_final(world.ines, version, deadline=DEADLINE)
    mara = client_as(speaks(world.mara, language))
    only(mara.get(reverse("consent:mine")).content.decode(), language)
    request = reverse("consent:request", args=[request_of(world.mara).pk])
    only(mara.get(request).content.decode(), language)


@pytest.mark.parametrize("language", ["en", "hu"])
def test_when_she_answered_in_her_language(world, version, persona_password, client_as, language):
    from closedset.consent import services
    from closedset.consent.tests.test_services import sign

    services.mark_final(world.ines, version)
    sign(world.mara, {"b1": "consent", "b2": "decline"}, persona_password)
    BeatDecision.objects.all().update(decided_at=DEADLINE)
    mara = client_as(speaks(world.mara, language))
    page = mara.get(reverse("consent:request", args=[request_of(world.mara).pk]))
    only(page.content.decode(), language)
