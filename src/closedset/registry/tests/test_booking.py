"""Booking: a producer asks a listed coordinator; the coordinator accepts or declines; the
separation of duties holds; only the two sides read a request, only the coordinator answers."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from closedset.conftest import verified_client
from closedset.lib.errors import Conflict, Forbidden, InvalidInput, NotFound
from closedset.notices.models import Kind, Notice
from closedset.productions.errors import RolesConflict
from closedset.productions.models import Membership, Role
from closedset.registry import services
from closedset.registry.models import Booking
from closedset.registry.tests.helpers import listed, revoke


def _notices(user):
    return list(Notice.objects.filter(recipient=user, kind=Kind.BOOKING).order_by("id"))


def test_a_producer_finds_books_and_the_graduate_accepts(world, ana, client_as):
    """The whole path on the pages: Ana graduated from the academy, lists herself, Petra
    finds her and asks her to coordinate Harbour Lights, Ana accepts."""
    ana_client = verified_client(ana)
    form = {
        "display_name": "Ana Lima",
        "languages": ["pt", "en"],
        "region": "Porto",
        "specialities": ["adult"],
        "availability": "available",
    }
    assert ana_client.post("/registry/listing/", form).status_code == 302

    petra = client_as("petra")
    found = petra.get("/registry/?speciality=adult&language=pt").content.decode()
    assert "Ana Lima" in found
    listing = services.my_listing(ana)
    page = petra.get(f"/registry/{listing.pk}/").content.decode()
    assert "Harbour Lights" in page  # the productions Petra may choose from
    response = petra.post(
        f"/registry/{listing.pk}/book/",
        {"production": world.production.pk, "message": "Three days in May, in Porto."},
    )
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert response["Location"] == f"/registry/bookings/{booking.pk}/"
    assert (booking.state, booking.producer, booking.coordinator) == ("open", world.petra, ana)

    told = _notices(ana)
    assert len(told) == 1 and "Harbour Lights" in told[0].subject
    assert told[0].url == f"/registry/bookings/{booking.pk}/"
    mine = ana_client.get("/registry/bookings/").content.decode()
    assert "Harbour Lights" in mine
    detail = ana_client.get(f"/registry/bookings/{booking.pk}/").content.decode()
    assert "Three days in May" in detail and 'value="accept"' in detail

    response = ana_client.post(f"/registry/bookings/{booking.pk}/answer/", {"answer": "accept"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.state == "accepted" and booking.closed_at is not None
    assert Membership.objects.filter(
        user=ana, production=world.production, role=Role.COORDINATOR
    ).exists()
    answer = _notices(world.petra)
    assert len(answer) == 1 and "accepted" in answer[0].subject
    assert "Ana Lima" in petra.get("/registry/bookings/").content.decode()


def test_the_same_through_the_api_and_a_decline(world, ana_listed, ana, client_as):
    petra = client_as("petra")
    url = f"/api/v1/registry/productions/{world.production.pk}/bookings"
    body = {"listing_id": ana_listed.pk, "message": "Can you do June?"}
    response = petra.post(url, json.dumps(body), "application/json")
    assert response.status_code == 201
    booking = response.json()
    assert booking["state"] == "open" and booking["coordinator"] == "Ana Lima"
    assert booking["production"]["name"] == "Harbour Lights"

    ana_client = verified_client(ana)
    incoming = ana_client.get("/api/v1/registry/bookings").json()["incoming"]
    assert [item["id"] for item in incoming] == [booking["id"]]
    assert incoming[0]["yours_to_answer"] is True
    declined = ana_client.post(f"/api/v1/registry/bookings/{booking['id']}/decline")
    assert declined.status_code == 200 and declined.json()["state"] == "declined"
    assert not Membership.objects.filter(user=ana, production=world.production).exists()
    assert "declined" in _notices(world.petra)[0].subject
    states = [item["state"] for item in petra.get(url).json()]
    assert states == ["declined"]
    again = ana_client.post(f"/api/v1/registry/bookings/{booking['id']}/accept")
    assert again.status_code == 409


def test_a_director_cannot_be_booked_as_coordinator_of_their_production(world, client_as):
    listing = listed(world.dario, display_name="Dario Rossi")
    with pytest.raises(RolesConflict):
        services.request_booking(world.petra, listing.pk, world.production.pk)
    response = client_as("petra").post(
        f"/registry/{listing.pk}/book/", {"production": world.production.pk}
    )
    assert response.status_code == 422
    assert "independence" in response.content.decode()
    assert not Booking.objects.exists()
    # Quiet Water is another matter: Dario holds no role there.
    assert services.request_booking(world.oscar, listing.pk, world.other_production.pk)


def test_separation_of_duties_holds_when_the_coordinator_accepts(world, ana_listed, ana):
    booking = services.request_booking(world.petra, ana_listed.pk, world.production.pk)
    # Meanwhile Ana became the production's director.
    Membership.objects.create(user=ana, production=world.production, role=Role.DIRECTOR)
    with pytest.raises(RolesConflict):
        services.answer_booking(ana, booking.pk, accept=True)
    booking.refresh_from_db()
    assert booking.state == "open"  # nothing changed: she may still decline
    assert not Membership.objects.filter(user=ana, role=Role.COORDINATOR).exists()
    response = verified_client(ana).post(
        f"/registry/bookings/{booking.pk}/answer/", {"answer": "accept"}
    )
    assert response.status_code == 422
    assert "independence" in response.content.decode()
    assert services.answer_booking(ana, booking.pk, accept=False).state == "declined"


def test_a_producer_cannot_book_themselves(world):
    listing = listed(world.petra, display_name="Petra P")
    with pytest.raises(InvalidInput) as refused:
        services.request_booking(world.petra, listing.pk, world.production.pk)
    assert "yourself" in refused.value.message


def test_a_second_open_request_is_refused_politely(world, ana_listed, client_as):
    services.request_booking(world.petra, ana_listed.pk, world.production.pk)
    with pytest.raises(Conflict) as refused:
        services.request_booking(world.petra, ana_listed.pk, world.production.pk)
    assert "waiting for an answer" in refused.value.message
    response = client_as("petra").post(
        f"/registry/{ana_listed.pk}/book/", {"production": world.production.pk}
    )
    assert response.status_code == 409
    assert "waiting for an answer" in response.content.decode()
    assert Booking.objects.count() == 1
    # Another production may ask her at the same time.
    assert services.request_booking(world.oscar, ana_listed.pk, world.other_production.pk)


def test_someone_who_already_coordinates_there(world):
    listing = listed(world.ines, display_name="Ines Ortega")
    with pytest.raises(Conflict) as refused:
        services.request_booking(world.petra, listing.pk, world.production.pk)
    assert "already coordinates Harbour Lights" in refused.value.message


def test_another_producer_cannot_book_onto_harbour_lights(world, ana_listed, client_as):
    oscar = client_as("oscar")
    response = oscar.post(f"/registry/{ana_listed.pk}/book/", {"production": world.production.pk})
    assert response.status_code == 404
    url = f"/api/v1/registry/productions/{world.production.pk}/bookings"
    body = json.dumps({"listing_id": ana_listed.pk})
    assert oscar.post(url, body, "application/json").status_code == 404
    assert oscar.get(url).status_code == 404
    assert not Booking.objects.exists()
    # Harbour Lights is not among the productions offered to him.
    page = oscar.get(f"/registry/{ana_listed.pk}/").content.decode()
    assert "Harbour Lights" not in page and "Quiet Water" in page


def test_only_the_two_sides_read_a_request_and_only_the_coordinator_answers(
    world, ana_listed, ana, client_as
):
    booking = services.request_booking(world.petra, ana_listed.pk, world.production.pk)
    oscar = client_as("oscar")
    assert oscar.get(f"/registry/bookings/{booking.pk}/").status_code == 404
    assert oscar.get(f"/api/v1/registry/bookings/{booking.pk}").status_code == 404
    answer = f"/registry/bookings/{booking.pk}/answer/"
    assert oscar.post(answer, {"answer": "accept"}).status_code == 404
    assert oscar.post(f"/api/v1/registry/bookings/{booking.pk}/accept").status_code == 404
    assert "Harbour Lights" not in oscar.get("/registry/bookings/").content.decode()
    assert oscar.get("/api/v1/registry/bookings").json() == {"incoming": [], "outgoing": []}
    with pytest.raises(NotFound):
        services.answer_booking(world.oscar, booking.pk, accept=True)
    # Petra asked, and may read it, but the answer is Ana's.
    petra = client_as("petra")
    assert petra.get(f"/registry/bookings/{booking.pk}/").status_code == 200
    assert petra.post(answer, {"answer": "accept"}).status_code == 403
    with pytest.raises(Forbidden):
        services.answer_booking(world.petra, booking.pk, accept=True)
    # The production's other people see nothing of it.
    for who in ("mara", "ines", "dario", "cora"):
        assert client_as(who).get(f"/registry/bookings/{booking.pk}/").status_code == 404
    booking.refresh_from_db()
    assert booking.state == "open"


def test_withdrawing_closes_open_requests_and_tells_the_producer(world, ana_listed, ana):
    booking = services.request_booking(world.petra, ana_listed.pk, world.production.pk)
    services.withdraw_listing(ana)
    booking.refresh_from_db()
    assert booking.state == "unlisted"
    told = _notices(world.petra)
    assert len(told) == 1 and "no longer listed" in told[0].subject
    with pytest.raises(Conflict):
        services.answer_booking(ana, booking.pk, accept=True)
    with pytest.raises(NotFound):
        services.request_booking(world.petra, ana_listed.pk, world.production.pk)


def test_a_revoked_certificate_cannot_accept(world, ana_listed, ana):
    booking = services.request_booking(world.petra, ana_listed.pk, world.production.pk)
    revoke(ana.certificate)
    with pytest.raises(Forbidden):
        services.answer_booking(ana, booking.pk, accept=True)
    assert not Membership.objects.filter(user=ana).exists()
    assert services.answer_booking(ana, booking.pk, accept=False).state == "declined"


def test_an_unanswered_request_expires(world, ana_listed, ana):
    booking = services.request_booking(world.petra, ana_listed.pk, world.production.pk)
    Booking.objects.filter(pk=booking.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    found, _side = services.get_booking(ana, booking.pk)
    assert found.state == "expired"
    with pytest.raises(Conflict):
        services.answer_booking(ana, booking.pk, accept=True)
    # Petra may ask again.
    assert services.request_booking(world.petra, ana_listed.pk, world.production.pk).state == "open"


def test_a_request_needs_a_production_and_a_short_message(world, ana_listed, client_as):
    petra = client_as("petra")
    response = petra.post(f"/registry/{ana_listed.pk}/book/", {"production": ""})
    assert response.status_code == 422
    response = petra.post(
        f"/registry/{ana_listed.pk}/book/",
        {"production": world.production.pk, "message": "m" * 5000},
    )
    assert response.status_code == 422
    url = f"/api/v1/registry/productions/{world.production.pk}/bookings"
    body = json.dumps({"listing_id": ana_listed.pk, "message": "m" * 5000})
    response = petra.post(url, body, "application/json")
    assert response.status_code == 422 and "message" in response.json()["fields"]
    assert petra.post(url, json.dumps({"listing_id": 2**70}), "application/json").status_code in (
        404,
        422,
    )
    assert not Booking.objects.exists()


def test_an_answer_must_be_accept_or_decline(world, ana_listed, ana):
    booking = services.request_booking(world.petra, ana_listed.pk, world.production.pk)
    response = verified_client(ana).post(
        f"/registry/bookings/{booking.pk}/answer/", {"answer": "maybe"}
    )
    assert response.status_code == 422
    booking.refresh_from_db()
    assert booking.state == "open"


def test_the_coordinator_is_told_in_their_language(world, ana_listed, ana):
    from closedset.conftest import speaks

    speaks(ana, "es")
    services.request_booking(world.petra, ana_listed.pk, world.production.pk)
    notice = _notices(ana)[0]
    assert "Harbour Lights" in notice.subject
    assert notice.subject != "Harbour Lights asks you to coordinate"


def test_a_producer_cancels_a_waiting_request_and_the_coordinator_is_told(
    world, ana_listed, ana, client_as
):
    booking = services.request_booking(world.petra, ana_listed.pk, world.production.pk)
    assert verified_client(ana).post(f"/registry/bookings/{booking.pk}/cancel/").status_code == 403
    assert client_as("oscar").post(f"/registry/bookings/{booking.pk}/cancel/").status_code == 404
    response = client_as("petra").post(f"/registry/bookings/{booking.pk}/cancel/")
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.state == "cancelled"
    told = _notices(ana)
    assert len(told) == 2 and "cancelled" in told[-1].subject
    with pytest.raises(Conflict):
        services.answer_booking(ana, booking.pk, accept=True)
    again = client_as("petra").post(f"/api/v1/registry/bookings/{booking.pk}/cancel")
    assert again.status_code == 409


def test_a_revoked_graduate_can_still_withdraw_the_hidden_listing(ana_listed, ana):
    revoke(ana.certificate)
    client = verified_client(ana)
    assert "Withdraw my listing" in client.get("/registry/listing/").content.decode()
    assert client.post("/registry/listing/withdraw/").status_code == 302
    ana_listed.refresh_from_db()
    assert ana_listed.withdrawn_at is not None
