"""A notice's date in its reader's language (issue 11): "26. listopadu 2026", "2026. november
26.", "26 de noviembre de 2026"; in English exactly as before."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.utils.translation import gettext_lazy

from closedset.conftest import speaks
from closedset.notices.models import Kind, Notice
from closedset.notices.services import notify

pytestmark = pytest.mark.django_db

LONG = {
    "en": "26 November 2026, 11:59",
    "es": "26 de noviembre de 2026, 11:59",
    "cs": "26. listopadu 2026, 11:59",
    "hu": "2026. november 26., 11:59",
}


@pytest.mark.parametrize("language", ["en", "es", "cs", "hu"])
def test_the_notices_date_in_her_language(world, client_as, language):
    notify(world.mara, Kind.PLAN_CHANGED, subject=gettext_lazy("Notices"), body="")
    Notice.objects.filter(recipient=world.mara).update(
        created_at=datetime(2026, 11, 26, 11, 59, tzinfo=UTC)
    )
    page = client_as(speaks(world.mara, language)).get("/notices/").content.decode()
    assert LONG[language] in page
    for other, shown in LONG.items():
        if other != language:
            assert shown not in page, shown
