"""The main navigation offers each person what their roles use, and nothing else."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import NoReverseMatch, reverse

from closedset.productions.models import Membership


def _links(html: str) -> list[str]:
    nav = re.search(r'<nav aria-label="Main"[^>]*>(.*?)</nav>', html, re.S)
    assert nav, "no main navigation"
    return [
        re.sub(r"<[^>]+>", "", text).replace("&amp;", "&").strip()
        for text in re.findall(
            r"<a [^>]*>(.*?)</a>|<button[^>]*>(.*?)</button>", nav.group(1), re.S
        )
        for text in text
        if text
    ]


def _scenes_link() -> list[str]:
    try:
        reverse("scenes:mine")
    except NoReverseMatch:
        return []
    return ["My scenes", "Consent"]


def test_a_performer_sees_only_what_a_performer_uses(client_as: Any) -> None:
    mara = client_as("mara")
    home = mara.get("/").content.decode()
    assert _links(home) == [
        "closedset",
        *_scenes_link(),
        "My boundaries",
        "Notices",
        "Account",
        "Log out",
    ]
    account = mara.get("/account/").content.decode()
    assert "API tokens" not in account
    assert 'href="/account/" aria-current="page"' in account
    sessions = mara.get("/account/sessions/").content.decode()
    assert "Where you are signed in" in sessions
    assert "Make or revoke API tokens" not in sessions


@pytest.mark.parametrize("who", ["ines", "dario", "petra", "cora"])
def test_crew_keep_their_tokens_and_have_no_performer_links(client_as: Any, who: str) -> None:
    links = _links(client_as(who).get("/").content.decode())
    # Producers also book coordinators from the academy's registry.
    registry = ["Registry", "Booking requests"] if who == "petra" else []
    assert links == ["closedset", *registry, "Notices", "Account", "Sessions & tokens", "Log out"]
    sessions = client_as(who).get("/account/sessions/").content.decode()
    assert "Make or revoke API tokens" in sessions
    assert 'href="/account/sessions/" aria-current="page"' in sessions


def test_a_performer_who_also_coordinates_elsewhere_has_both(client_as: Any, world: Any) -> None:
    Membership.objects.create(
        user=world.mara, production=world.other_production, role="coordinator"
    )
    links = _links(client_as("mara").get("/").content.decode())
    assert links == [
        "closedset",
        *_scenes_link(),
        "My boundaries",
        "Notices",
        "Account",
        "Sessions & tokens",
        "Log out",
    ]


def test_a_newcomer_without_a_role_starts_from_their_boundaries(client_as: Any, world: Any) -> None:
    Membership.objects.filter(user=world.oscar).delete()
    links = _links(client_as("oscar").get("/").content.decode())
    assert links == [
        "closedset",
        "My boundaries",
        "Notices",
        "Account",
        "Sessions & tokens",
        "Log out",
    ]


def test_signed_out_the_navigation_is_the_name_alone(client_as: Any) -> None:
    assert _links(client_as("anonymous").get("/login/").content.decode()) == ["closedset"]


def test_academy_people_find_their_pages(academy: Any) -> None:
    from closedset.academy.models import AcademyRole
    from closedset.conftest import verified_client
    from closedset.registry.tests.helpers import certify

    sam = _links(verified_client(academy.staff).get("/").content.decode())
    assert "Academy" in sam and "Reviews" not in sam
    rhea = _links(verified_client(academy.reviewers[0]).get("/").content.decode())
    assert "Reviews" in rhea and "Academy" not in rhea
    ana = academy.applicants["ana"]
    assert "My applications" in _links(verified_client(ana).get("/").content.decode())
    certify(ana, academy.cohort)
    graduate = _links(verified_client(ana).get("/").content.decode())
    assert {"My course", "Your certificates", "Your listing", "Booking requests"} <= set(graduate)
    assert "My applications" not in graduate
    AcademyRole.objects.filter(user=academy.staff).delete()
    assert "Academy" not in _links(verified_client(academy.staff).get("/").content.decode())
