"""Dates on the performer's profile history in her language's order (issue 11): "2031. márc.
14." in Hungarian, "14. bře 2031" in Czech; English as before."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from closedset.boundaries.tests.test_language import answered  # noqa: F401 - a fixture
from closedset.conftest import speaks

pytestmark = pytest.mark.django_db

AT = datetime(2031, 3, 14, 18, 30, tzinfo=UTC)
SHORT = {
    "en": "14 Mar 2031, 18:30",
    "es": "14 mar 2031, 18:30",
    "cs": "14. bře 2031, 18:30",
    "hu": "2031. márc. 14., 18:30",
}


@pytest.mark.parametrize("language", sorted(SHORT))
def test_the_history_dates_each_version_as_her_language_does(
    answered,  # noqa: F811 - the fixture imported above
    client_as,
    language,
):
    from closedset.boundaries.models import ProfileVersion

    ProfileVersion.objects.filter(profile__owner=answered.mara).update(updated_at=AT)
    page = client_as(speaks(answered.mara, language)).get(reverse("boundaries:history"))
    text = " ".join(page.content.decode().split())
    assert SHORT[language] in text
    for other, written in SHORT.items():
        if written != SHORT[language]:
            assert written not in text, other
