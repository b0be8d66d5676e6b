"""The riders an adult production must fill in first, said in the coordinator's language: the
refusal to mark a version final and each rider's gap (issue 11). English reads as before."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from closedset.conftest import speaks
from closedset.consent import services
from closedset.lib.errors import InvalidInput
from closedset.rider.models import RiderTerms

pytestmark = pytest.mark.django_db

ENGLISH = (
    "Before this version can be final, each performer must be told the expected length and "
    "pay: Mara's rider lacks pay; Jonas's rider lacks expected length and pay. Fill them in on "
    "each performer's rider, then mark the version final again."
)


def refusal(world, version) -> str:
    with pytest.raises(InvalidInput) as caught:
        services.mark_final(world.ines, version)
    assert caught.value.fields == {"version": caught.value.message}
    return caught.value.message


def test_the_refusal_reads_as_before_in_english(world, version):
    RiderTerms.objects.filter(performer=world.jonas).delete()
    RiderTerms.objects.filter(performer=world.mara).update(pay="")
    with translation.override("en"):
        assert refusal(world, version) == ENGLISH


def test_the_refusal_and_each_gap_in_czech(world, version):
    RiderTerms.objects.filter(performer=world.jonas).delete()
    RiderTerms.objects.filter(performer=world.mara).update(pay="")
    with translation.override("cs"):
        message = refusal(world, version)
        gaps = {gap.handle: gap.words for gap in services.rider_gaps(world.scene, version.data)}
    assert message.startswith("Než bude tato verze konečná")
    assert "V dohodě o intimních scénách (Mara) chybí honorář" in message
    assert "V dohodě o intimních scénách (Jonas) chybí předpokládaná délka a honorář" in message
    assert "rider lacks" not in message and "Before this version" not in message
    assert gaps == {
        "mara": "V dohodě o intimních scénách (Mara) chybí honorář",
        "jonas": "V dohodě o intimních scénách (Jonas) chybí předpokládaná délka a honorář",
    }
    # What the board compares stays the English field names.
    assert {gap.missing for gap in services.rider_gaps(world.scene, version.data)} == {
        ("pay",),
        ("expected length", "pay"),
    }


def test_each_gap_alone_in_english_and_czech(world, version):
    RiderTerms.objects.filter(performer=world.jonas).update(expected_length="")
    [gap] = services.rider_gaps(world.scene, version.data)
    with translation.override("en"):
        assert gap.words == "Jonas's rider lacks expected length"
    with translation.override("cs"):
        assert gap.words == "V dohodě o intimních scénách (Jonas) chybí předpokládaná délka"


@pytest.mark.parametrize("language", ["cs", "en"])
def test_the_board_says_the_refusal_in_her_language(world, version, client_as, language):
    RiderTerms.objects.filter(performer=world.jonas).update(expected_length="")
    ines = client_as(speaks(world.ines, language))
    mark = reverse("consent:mark_final", args=[world.production.pk, world.scene.pk])
    page = ines.post(mark, {"number": "1"}).content.decode()
    czech = language == "cs"
    assert ("Než bude tato verze konečná" in page) is czech
    assert ("Before this version can be final" in page) is not czech
    assert ("(Jonas) chybí předpokládaná délka" in page) is czech
    assert ("Jonas&#x27;s rider lacks expected length" in page) is not czech
