"""Search: for producers only; filters; a fixed order; pages."""

from __future__ import annotations

import pytest

from closedset.conftest import verified_client
from closedset.lib.errors import Forbidden, InvalidInput
from closedset.registry import services
from closedset.registry.models import AVAILABILITY_ORDER
from closedset.registry.tests.helpers import listed, person


@pytest.mark.parametrize("who", ["mara", "jonas", "ines", "dario", "cora"])
def test_only_producers_search(world, client_as, who):
    client = client_as(who)
    response = client.get("/registry/")
    assert response.status_code == 403
    assert "producers" in response.content.decode()
    assert client.get("/api/v1/registry/listings").status_code == 403
    with pytest.raises(Forbidden):
        services.search(world.users[who])


def test_a_producer_of_another_production_searches_too(world, lena_listed, client_as):
    # Oscar produces Quiet Water only: the registry is open to every producer.
    response = client_as("oscar").get("/registry/")
    assert response.status_code == 200
    assert "Lena Marek" in response.content.decode()


def test_academy_people_who_produce_nothing_are_refused(academy, ana):
    for user in (academy.staff, academy.reviewers[0], ana):
        assert verified_client(user).get("/registry/").status_code == 403


def test_the_signed_out_are_sent_to_log_in(world, client):
    response = client.get("/registry/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.get("/api/v1/registry/listings").status_code == 401


@pytest.fixture
def three(world):
    """Three listed coordinators with different languages, places and specialities."""
    return {
        "lena": listed(person("lena", "Lena Marek")),  # cs en, Prague, adult theatre, available
        "tom": listed(
            person("tom", "Tom Berg"),
            languages=["en", "de"],
            region="Berlin, Germany",
            specialities=["mainstream"],
            availability="limited",
        ),
        "eva": listed(
            person("eva", "Eva Kiss"),
            languages=["hu"],
            region="Budapest",
            specialities=["adult"],
            availability="unavailable",
            availability_note="Back in May",
        ),
    }


def _names(page):
    return [listing.display_name for listing in page.items]


def test_filters(world, three):
    petra = world.petra
    assert _names(services.search(petra)) == ["Lena Marek", "Tom Berg", "Eva Kiss"]
    assert _names(services.search(petra, speciality="adult")) == ["Lena Marek", "Eva Kiss"]
    assert _names(services.search(petra, speciality="theatre")) == ["Lena Marek"]
    assert _names(services.search(petra, language="en")) == ["Lena Marek", "Tom Berg"]
    assert _names(services.search(petra, language="hu")) == ["Eva Kiss"]
    assert _names(services.search(petra, region="germany")) == ["Tom Berg"]
    assert _names(services.search(petra, availability="limited")) == ["Tom Berg"]
    assert _names(services.search(petra, speciality="adult", language="cs")) == ["Lena Marek"]
    assert _names(services.search(petra, language="fr")) == []


def test_the_page_filters_too(world, three, client_as):
    text = client_as("petra").get("/registry/?language=hu&speciality=adult").content.decode()
    assert "Eva Kiss" in text and "Back in May" in text
    assert "Lena Marek" not in text and "Tom Berg" not in text
    data = client_as("petra").get("/api/v1/registry/listings?speciality=mainstream").json()
    assert [item["display_name"] for item in data["items"]] == ["Tom Berg"]
    assert data["items"][0]["specialities"] == ["mainstream"]


@pytest.mark.parametrize(
    "query",
    ["speciality=cabaret", "language=klingon", "availability=whenever", "region=" + "x" * 300],
)
def test_unknown_filters_are_refused_in_words(world, client_as, query):
    page = client_as("petra").get(f"/registry/?{query}")
    assert page.status_code == 422
    api = client_as("petra").get(f"/api/v1/registry/listings?{query}")
    assert api.status_code == 422
    field = query.split("=")[0]
    assert field in api.json()["fields"]
    assert "klingon" not in api.json()["fields"][field]


def test_order_is_availability_then_name_and_results_come_in_pages(world):
    for number in range(23):
        availability = ["available", "limited", "unavailable"][number % 3]
        listed(
            person(f"c{number}", f"Coordinator {number:02d}"),
            availability=availability,
        )
    first = services.search(world.petra, page=1)
    second = services.search(world.petra, page="2")
    assert (first.total, first.pages, len(first.items), len(second.items)) == (23, 2, 20, 3)
    everyone = first.items + second.items
    ranks = [AVAILABILITY_ORDER[item.availability] for item in everyone]
    assert ranks == sorted(ranks)
    for rank in set(ranks):
        names = [item.display_name for item in everyone if item.availability_rank == rank]
        assert names == sorted(names)
    # The same question, the same answer; a page that is not a number is the first.
    assert _names(services.search(world.petra, page=1)) == _names(first)
    assert _names(services.search(world.petra, page="abc")) == _names(first)


def test_bad_input_never_reaches_the_database(world):
    with pytest.raises(InvalidInput):
        services.search(world.petra, language="' OR 1=1 --")
