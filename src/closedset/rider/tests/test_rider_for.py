"""rider_for: the performer's own beats in plain words, deterministic and escaped."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from closedset.lib.errors import NotFound
from closedset.rider import services
from closedset.rider.models import RiderTerms


def test_it_is_deterministic(world: Any, version: Any) -> None:
    first = services.rider_for(version, world.mara)
    second = services.rider_for(version, world.mara)
    assert first == second
    assert first.sha256 == hashlib.sha256(first.html.encode("utf-8")).hexdigest()


def test_it_holds_the_performers_beats_in_plain_words(world: Any, version: Any) -> None:
    html = services.rider_for(version, world.mara).html
    assert "Jonas slaps your buttocks, lightly" in html
    assert "You: topless nudity" in html
    # The taxonomy gloss, for what the camera shows.
    assert "The bare chest or breasts, including the nipples, are shown." in html
    # A beat Mara is not in stays out of her rider.
    assert "kiss" not in html.lower()
    assert "Harbour Lights" in html and "12B" in html and "Ines" in html


def test_each_performer_gets_their_own(world: Any, version: Any) -> None:
    html = services.rider_for(version, world.jonas).html
    assert "You slap Mara&#x27;s buttocks, lightly" in html
    assert "kiss" in html.lower()
    assert "topless" not in html.lower()


def test_it_escapes_names_and_terms(world: Any, version: Any) -> None:
    world.jonas.display_name = "<script>alert(1)</script>"
    world.jonas.save()
    RiderTerms.objects.create(
        scene=world.scene, performer=world.mara, modesty_garments="<b>shield</b>"
    )
    html = services.rider_for(version, world.mara).html
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;shield" in html


def test_terms_change_the_hash(world: Any, version: Any) -> None:
    before = services.rider_for(version, world.mara).sha256
    RiderTerms.objects.create(scene=world.scene, performer=world.mara, use_stills=True)
    assert services.rider_for(version, world.mara).sha256 != before


def test_it_refuses_someone_not_cast(world: Any, version: Any) -> None:
    with pytest.raises(NotFound):
        services.rider_for(version, world.ines)
