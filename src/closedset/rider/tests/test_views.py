"""The rider pages: who reads which rider, the coordinator's edits, and the sealed download."""

from __future__ import annotations

from typing import Any

import pytest

from closedset.productions.models import Scene
from closedset.rider import pdf
from closedset.rider.models import RiderTerms

PERSONAS = ("anonymous", "oscar", "mara", "jonas", "ines", "dario", "petra", "cora")


def _url(world: Any, handle: str = "mara", suffix: str = "", scene: Any = None) -> str:
    scene = scene or world.scene
    return f"/rider/{world.production.pk}/{scene.pk}/{handle}/{suffix}"


def _status(response: Any) -> object:
    if 300 <= response.status_code < 400:
        return "login" if "/login/" in response["Location"] else "redirect"
    return response.status_code


# Mara's rider: her own and the coordinator's; Jonas, the director, the producer, the
# custodian and Oscar from another company are all told it does not exist.
MARAS_RIDER = {
    "anonymous": "login",
    "oscar": 404,
    "mara": 200,
    "jonas": 404,
    "ines": 200,
    "dario": 404,
    "petra": 404,
    "cora": 404,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_reads_maras_rider(world: Any, version: Any, client_as: Any, persona: str) -> None:
    response = client_as(persona).get(_url(world))
    assert _status(response) == MARAS_RIDER[persona]
    if response.status_code == 200:
        assert "Jonas slaps your buttocks, lightly" in response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_downloads_maras_sealed_rider(
    world: Any, version: Any, client_as: Any, persona: str
) -> None:
    response = client_as(persona).get(_url(world, suffix="pdf/"))
    assert _status(response) == MARAS_RIDER[persona]
    if response.status_code == 200:
        assert response["Content-Type"] == "application/pdf"
        assert "no-store" in response["Cache-Control"]
        assert pdf.verify_sealed_pdf(response.content)


def test_jonas_reads_his_own(world: Any, version: Any, client_as: Any) -> None:
    page = client_as("jonas").get(_url(world, "jonas")).content.decode()
    assert "You slap Mara" in page
    assert "<form" not in page.split("<main", 1)[-1] or "Save the rider" not in page


def test_the_coordinator_lists_the_cast(world: Any, version: Any, client_as: Any) -> None:
    page = client_as("ines").get(f"/rider/{world.production.pk}/{world.scene.pk}/")
    assert page.status_code == 200
    assert _url(world) in page.content.decode() and _url(world, "jonas") in page.content.decode()
    for persona in ("mara", "dario", "petra", "cora", "oscar"):
        assert (
            client_as(persona).get(f"/rider/{world.production.pk}/{world.scene.pk}/").status_code
            == 404
        )


def test_a_scene_of_another_production_is_not_found(
    world: Any, version: Any, client_as: Any
) -> None:
    elsewhere = Scene.objects.create(production=world.other_production, number="1")
    for persona in ("ines", "mara", "oscar"):
        assert client_as(persona).get(_url(world, scene=elsewhere)).status_code == 404


def test_someone_not_cast_has_no_rider(world: Any, version: Any, client_as: Any) -> None:
    for handle in ("dario", "nobody", "ines"):
        assert client_as("ines").get(_url(world, handle)).status_code == 404


def test_before_a_version_is_saved_the_page_says_so(world: Any, client_as: Any) -> None:
    from closedset.plans.models import RoleSlot, ScenePlan

    plan = ScenePlan.objects.create(scene=world.scene)
    RoleSlot.objects.create(plan=plan, name="A", position=0, performer=world.mara)
    page = client_as("mara").get(_url(world))
    assert page.status_code == 200
    assert "once the coordinator saves a version" in page.content.decode()
    download = client_as("mara").get(_url(world, suffix="pdf/"))
    assert download.status_code == 409
    assert "saves a version of the plan" in download.content.decode()


def test_the_coordinator_saves_the_terms(world: Any, version: Any, client_as: Any) -> None:
    response = client_as("ines").post(
        _url(world),
        {
            "use_film": "on",
            "use_stills": "on",
            "closed_set": "on",
            "modesty_garments": "A flesh-toned thong",
            "body_double": "No double for the close-ups",
        },
    )
    assert response.status_code == 302
    terms = RiderTerms.objects.get(scene=world.scene, performer=world.mara)
    assert (terms.use_film, terms.use_trailer, terms.use_stills, terms.use_promotion) == (
        True,
        False,
        True,
        False,
    )
    assert terms.updated_by == world.ines
    page = client_as("mara").get(_url(world)).content.decode()
    assert "A flesh-toned thong" in page
    assert "Stills: yes" in page and "Trailers: no" in page


def test_the_edit_page_rejects_terms_too_long(world: Any, version: Any, client_as: Any) -> None:
    response = client_as("ines").post(_url(world), {"barriers": "x" * 2001})
    assert response.status_code == 422
    assert "Keep this under 2,000 characters and save again." in response.content.decode()
    assert not RiderTerms.objects.exists()


def test_the_edit_page_rejects_a_nul_character(world: Any, version: Any, client_as: Any) -> None:
    response = client_as("ines").post(_url(world), {"other_terms": "a\x00b"})
    assert response.status_code == 422
    assert "retype it and save again" in response.content.decode()
    assert not RiderTerms.objects.exists()


def test_the_service_rejects_a_flag_that_is_not_yes_or_no(world: Any, version: Any) -> None:
    from closedset.lib.errors import InvalidInput
    from closedset.rider import services

    with pytest.raises(InvalidInput) as caught:
        services.save_terms(
            world.ines, world.production.pk, world.scene.pk, "mara", {"use_trailer": "perhaps"}
        )
    assert caught.value.message == "Use in trailers: choose yes or no."


def test_a_performer_cannot_write_terms(world: Any, version: Any, client_as: Any) -> None:
    response = client_as("mara").post(_url(world), {"use_promotion": "on"})
    assert response.status_code == 403
    assert not RiderTerms.objects.exists()
