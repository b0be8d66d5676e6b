"""Attacks on the registry: strangers and other producers, stale forms after a withdrawal or a
revocation, invisible characters and huge input, extra fields in the API, CSRF, tokens held
to one production, and two tabs accepting at once."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import OperationalError, connection, connections
from django.test import Client

from closedset.conftest import verified_client
from closedset.lib.errors import Forbidden, NotFound, database_busy
from closedset.productions.errors import RolesConflict
from closedset.productions.models import Membership, Role
from closedset.registry import services
from closedset.registry.models import Booking, Listing
from closedset.registry.tests.helpers import LISTING, listed, revoke

API = "/api/v1/registry/"


def _json(client: Client, method: str, url: str, body: Any = None, **extra: Any) -> Any:
    if method == "get":
        return client.get(url, **extra)
    return getattr(client, method)(url, json.dumps(body or {}), "application/json", **extra)


# ---------------------------------------------------------------- who reaches what


def test_oscar_neither_books_onto_nor_reads_harbour_lights(world, ana_listed, client_as):
    petra_booking = services.request_booking(world.petra, ana_listed.pk, world.production.pk)
    oscar = client_as("oscar")
    url = f"{API}productions/{world.production.pk}/bookings"
    assert _json(oscar, "post", url, {"listing_id": ana_listed.pk}).status_code == 404
    assert oscar.get(url).status_code == 404
    assert oscar.get(f"{API}bookings/{petra_booking.pk}").status_code == 404
    assert oscar.get(f"/registry/bookings/{petra_booking.pk}/").status_code == 404
    assert _json(oscar, "post", f"{API}bookings/{petra_booking.pk}/cancel").status_code == 404
    # The booking form with Harbour Lights' id slipped in.
    response = oscar.post(f"/registry/{ana_listed.pk}/book/", {"production": world.production.pk})
    assert response.status_code == 404
    assert "Harbour Lights" not in response.content.decode()
    assert Booking.objects.count() == 1
    listed_ids = [b["id"] for b in oscar.get(f"{API}bookings").json()["outgoing"]]
    assert petra_booking.pk not in listed_ids


@pytest.mark.parametrize("who", ["mara", "jonas", "ines", "dario", "cora"])
def test_non_producers_do_not_search_or_open_listings(world, lena_listed, client_as, who):
    client = client_as(who)
    assert client.get("/registry/").status_code == 403
    assert client.get(f"/registry/{lena_listed.pk}/").status_code == 403
    assert client.get(f"{API}listings").status_code == 403
    response = client.get(f"{API}listings/{lena_listed.pk}")
    assert response.status_code == 403
    assert "Lena" not in response.content.decode()


def test_a_withdrawn_or_missing_listing_answers_the_same(world, lena_listed, ana_listed, ana):
    """Listing ids run in order; a withdrawn one looks exactly like one that never was."""
    services.withdraw_listing(ana)
    petra = verified_client(world.petra)
    gone = petra.get(f"{API}listings/{ana_listed.pk}")
    never = petra.get(f"{API}listings/{ana_listed.pk + 1000}")
    assert gone.status_code == never.status_code == 404
    assert gone.json() == never.json()
    for odd in ("0", "-1", "99999999999999999999999", "1e3", "%00"):
        assert petra.get(f"{API}listings/{odd}").status_code in (404, 422)
        assert petra.get(f"/registry/{odd}/").status_code == 404


def test_a_stale_form_cannot_book_a_withdrawn_or_revoked_listing(world, ana_listed, ana):
    petra = verified_client(world.petra)
    page = petra.get(f"/registry/{ana_listed.pk}/")
    assert page.status_code == 200
    services.withdraw_listing(ana)
    response = petra.post(f"/registry/{ana_listed.pk}/book/", {"production": world.production.pk})
    assert response.status_code == 404
    url = f"{API}productions/{world.production.pk}/bookings"
    assert _json(petra, "post", url, {"listing_id": ana_listed.pk}).status_code == 404
    # Listed again, then the certificate is revoked: hidden again, not bookable.
    again = listed(ana, display_name="Ana Lima")
    revoke(ana.certificate)
    assert _json(petra, "post", url, {"listing_id": again.pk}).status_code == 404
    assert not Booking.objects.exists()


def test_an_old_request_cannot_be_accepted_after_withdrawing(world, ana_listed, ana):
    booking = services.request_booking(world.petra, ana_listed.pk, world.production.pk)
    services.withdraw_listing(ana)
    response = _json(verified_client(ana), "post", f"{API}bookings/{booking.pk}/accept")
    assert response.status_code == 409
    assert not Membership.objects.filter(user=ana, role=Role.COORDINATOR).exists()


def test_a_producer_cannot_book_a_director_or_fellow_producer(world, client_as):
    petra = client_as("petra")
    for who in (world.dario, world.petra):
        listing = listed(who, display_name=f"{who.display_name} listed")
        response = _json(
            petra,
            "post",
            f"{API}productions/{world.production.pk}/bookings",
            {"listing_id": listing.pk},
        )
        assert response.status_code in (409, 422)
        assert response.json()["detail"]
    assert not Booking.objects.exists()


def test_becoming_producer_meanwhile_blocks_accepting(world, ana_listed, ana):
    booking = services.request_booking(world.petra, ana_listed.pk, world.production.pk)
    Membership.objects.create(user=ana, production=world.production, role=Role.PRODUCER)
    with pytest.raises(RolesConflict):
        services.answer_booking(ana, booking.pk, accept=True)
    assert Booking.objects.get(pk=booking.pk).state == "open"


# ---------------------------------------------------------------- what a listing shows


def test_a_listing_shows_nothing_of_its_holder(world, ana_listed, ana, client_as):
    from closedset.academy.models import Application

    application = Application.objects.filter(applicant=ana).first()
    oscar = client_as("oscar")
    texts = [
        oscar.get(f"{API}listings").content.decode(),
        oscar.get(f"{API}listings/{ana_listed.pk}").content.decode(),
        oscar.get(f"/registry/{ana_listed.pk}/").content.decode(),
        oscar.get("/registry/").content.decode(),
    ]
    secrets = [ana.email, f"@{ana.handle}", ana.certificate.code]
    if application is not None and application.phone:
        secrets.append(application.phone)
    for text in texts:
        for secret in secrets:
            assert secret not in text
    data = oscar.get(f"{API}listings/{ana_listed.pk}").json()
    assert set(data) == {
        "id",
        "display_name",
        "languages",
        "language_names",
        "region",
        "experience",
        "specialities",
        "availability",
        "availability_note",
        "listed_at",
    }


# ---------------------------------------------------------------- odd input


def test_invisible_and_direction_changing_characters_are_dropped(ana):
    listing = listed(
        ana,
        display_name="Ana\u202e amiL\u202c\u200b\x00\x07",
        region="Porto\u2066\u2067\u2069\u200f",
        experience="Line one\r\nLine two\x1b[31m\u2028red",
        availability_note="\ufeffFrom\tJune",
    )
    assert listing.display_name == "Ana amiL"
    assert listing.region == "Porto"
    assert listing.experience == "Line one\nLine two[31mred"
    assert listing.availability_note == "From June"
    # Joiners that emoji and some scripts need stay.
    kept = services.save_listing(
        ana, **{**LISTING, "display_name": "Ana \U0001f469\u200d\U0001f3a8"}
    )
    assert kept.display_name == "Ana \U0001f469\u200d\U0001f3a8"


def test_a_name_of_only_invisible_characters_is_refused(ana):
    from closedset.lib.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        services.save_listing(ana, **{**LISTING, "display_name": "\u202e\u200b\x00 \u2066"})
    assert "display_name" in refused.value.fields


def test_a_booking_message_loses_invisible_characters(world, ana_listed):
    booking = services.request_booking(
        world.petra, ana_listed.pk, world.production.pk, "Three\u202e days\x00 in May"
    )
    assert booking.message == "Three days in May"


def test_huge_input_is_refused_in_words_quickly(ana):
    client = verified_client(ana)
    body = {
        **LISTING,
        "display_name": "N" * 10_000,
        "languages": ["en"] * 50_000 + [f"x{n}" for n in range(10_000)],
        "specialities": ["adult"] * 50_000,
        "region": "R" * 10_000,
        "experience": "E" * 100_000,
    }
    started = time.monotonic()
    response = _json(client, "put", f"{API}listing", body)
    assert response.status_code in (413, 422)
    assert time.monotonic() - started < 30  # not a timing assert: a guard against a hang
    if response.status_code == 422:
        fields = response.json()["fields"]
        assert {"display_name", "languages", "region", "experience"} <= set(fields)
    assert not Listing.objects.exists()


def test_many_names_in_the_search_are_refused(world, client_as):
    petra = client_as("petra")
    response = petra.get(f"{API}listings", {"region": "x" * 10_000, "language": "e" * 5000})
    assert response.status_code == 422
    assert response.json()["fields"]


# ---------------------------------------------------------------- the API's fields


def test_extra_fields_in_the_api_change_nothing(world, ana, lena_listed):
    client = verified_client(ana)
    body = {
        **LISTING,
        "id": lena_listed.pk,
        "user": world.petra.pk,
        "user_id": world.petra.pk,
        "withdrawn_at": "2020-01-01T00:00:00Z",
        "availability_rank": 99,
        "listed_at": "2000-01-01T00:00:00Z",
    }
    response = _json(client, "put", f"{API}listing", body)
    assert response.status_code == 200
    mine = services.my_listing(ana)
    assert mine is not None and mine.pk != lena_listed.pk
    assert mine.user_id == ana.pk and mine.withdrawn_at is None
    assert mine.availability_rank == 0 and mine.listed_at.year > 2000
    assert Listing.objects.get(pk=lena_listed.pk).display_name == "Lena Marek"

    petra = verified_client(world.petra)
    response = _json(
        petra,
        "post",
        f"{API}productions/{world.production.pk}/bookings",
        {
            "listing_id": mine.pk,
            "production": world.other_production.pk,
            "production_id": world.other_production.pk,
            "producer": world.oscar.pk,
            "state": "accepted",
            "coordinator": world.petra.pk,
        },
    )
    assert response.status_code == 201
    booking = Booking.objects.get()
    assert (booking.production, booking.producer, booking.coordinator, booking.state) == (
        world.production,
        world.petra,
        ana,
        "open",
    )


def test_pages_and_api_need_csrf(world, ana_listed, ana):
    booking = services.request_booking(world.petra, ana_listed.pk, world.production.pk)
    client = verified_client(ana)
    client.handler.enforce_csrf_checks = True
    assert (
        client.post(f"/registry/bookings/{booking.pk}/answer/", {"answer": "accept"}).status_code
        == 403
    )
    assert client.post("/registry/listing/withdraw/").status_code == 403
    assert _json(client, "post", f"{API}bookings/{booking.pk}/accept").status_code in (401, 403)
    assert _json(client, "delete", f"{API}listing").status_code in (401, 403)
    assert Booking.objects.get(pk=booking.pk).state == "open"
    assert services.my_listing(ana) is not None


# ---------------------------------------------------------------- API tokens


def _token(user: Any, **fields: Any) -> dict[str, str]:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from closedset.accounts import services as accounts
    from closedset.accounts.models import ApiToken

    if accounts.needs_second_factor(user):
        TOTPDevice.objects.get_or_create(user=user, name="phone", confirmed=True)
    token, secret = accounts.create_api_token(
        user, "attack", access=ApiToken.Access.WRITE, session_verified=True
    )
    if fields:
        ApiToken.objects.filter(pk=token.pk).update(**fields)
    return {"Authorization": f"Bearer {secret}"}


def test_a_token_for_one_production_does_not_touch_my_listing(world, ana_listed, ana):
    headers = _token(ana, production=world.production)
    client = Client()
    for method in ("get", "put", "delete"):
        response = _json(client, method, f"{API}listing", LISTING, headers=headers)
        assert response.status_code == 403
        assert "one production" in response.json()["detail"]
    assert services.my_listing(ana).display_name == "Ana Lima"
    whole = _token(ana)
    assert _json(client, "get", f"{API}listing", headers=whole).status_code == 200


def test_a_token_for_one_production_books_only_onto_it(world, ana_listed):
    headers = _token(world.petra, production=world.other_production)
    response = _json(
        Client(),
        "post",
        f"{API}productions/{world.production.pk}/bookings",
        {"listing_id": ana_listed.pk},
        headers=headers,
    )
    assert response.status_code == 404
    assert not Booking.objects.exists()
    read_only = _token(world.petra, access="read")
    response = _json(
        Client(),
        "post",
        f"{API}productions/{world.production.pk}/bookings",
        {"listing_id": ana_listed.pk},
        headers=read_only,
    )
    assert response.status_code == 403
    assert not Booking.objects.exists()


def test_services_refuse_a_production_scope_on_the_listing(world, ana_listed, ana):
    from closedset.lib import scope

    token = scope._allowed.set(frozenset({world.production.pk}))
    try:
        with pytest.raises(Forbidden):
            services.withdraw_listing(ana)
        with pytest.raises(Forbidden):
            services.own_listing(ana)
    finally:
        scope._allowed.reset(token)
    with pytest.raises(NotFound):
        services.own_listing(world.petra)


# ---------------------------------------------------------------- two tabs at once


def _race(*jobs: Callable[[], Any]) -> list[object]:
    start = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def run(i: int, job: Callable[[], Any]) -> None:
        try:
            start.wait()
            for _attempt in range(300):
                try:
                    results[i] = job()
                    break
                except OperationalError as error:
                    if not database_busy(error):
                        raise
                    time.sleep(0.01)
        except BaseException as error:  # noqa: BLE001 - reported to the test
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_two_tabs_accepting_at_once_accept_once(world, ana_listed, ana):
    booking = services.request_booking(world.petra, ana_listed.pk, world.production.pk)
    results = _race(
        lambda: services.answer_booking(ana, booking.pk, accept=True),
        lambda: services.answer_booking(ana, booking.pk, accept=True),
    )
    kinds = sorted(type(result).__name__ for result in results)
    assert kinds == ["Booking", "Conflict"], results
    assert (
        Membership.objects.filter(
            user=ana, production=world.production, role=Role.COORDINATOR
        ).count()
        == 1
    )
    assert Booking.objects.get(pk=booking.pk).state == "accepted"


@pytest.mark.django_db(transaction=True)
def test_accepting_while_the_producer_cancels(world, ana_listed, ana):
    booking = services.request_booking(world.petra, ana_listed.pk, world.production.pk)
    results = _race(
        lambda: services.answer_booking(ana, booking.pk, accept=True),
        lambda: services.cancel_booking(world.petra, booking.pk),
    )
    kinds = sorted(type(result).__name__ for result in results)
    assert kinds == ["Booking", "Conflict"], results
    state = Booking.objects.get(pk=booking.pk).state
    coordinates = Membership.objects.filter(
        user=ana, production=world.production, role=Role.COORDINATOR
    ).exists()
    assert (state, coordinates) in (("accepted", True), ("cancelled", False))


@pytest.mark.django_db(transaction=True)
def test_two_producers_asking_at_once_make_one_request(world, ana_listed):
    Membership.objects.create(user=world.oscar, production=world.production, role=Role.PRODUCER)
    results = _race(
        lambda: services.request_booking(world.petra, ana_listed.pk, world.production.pk),
        lambda: services.request_booking(world.oscar, ana_listed.pk, world.production.pk),
    )
    kinds = sorted(type(result).__name__ for result in results)
    assert kinds == ["Booking", "Conflict"], (results, connection.vendor)
    assert Booking.objects.filter(state="open").count() == 1


@pytest.mark.parametrize("page", ["99999999999999999999999", "-1", "0", "abc", "1e9", "\u0661"])
def test_odd_page_numbers_answer_without_error(world, lena_listed, client_as, page):
    petra = client_as("petra")
    assert petra.get("/registry/", {"page": page}).status_code in (200, 422)
    assert petra.get(f"{API}listings", {"page": page}).status_code in (200, 422)


def _busy_notice(*_args: Any, **_kwargs: Any) -> None:
    raise OperationalError("database is locked")


@pytest.mark.parametrize("accept", [True, False])
def test_a_busy_database_while_telling_the_producer_undoes_the_answer(
    world, ana_listed, ana, monkeypatch, accept
):
    # The answer and its notice commit together: "busy, try again" must never follow an
    # answer that was in fact given, or trying again meets "This request is closed".
    booking = services.request_booking(world.petra, ana_listed.pk, world.production.pk)
    monkeypatch.setattr("closedset.notices.services.notify", _busy_notice)
    with pytest.raises(OperationalError):
        services.answer_booking(ana, booking.pk, accept=accept)
    assert Booking.objects.get(pk=booking.pk).state == "open"
    assert not Membership.objects.filter(
        user=ana, production=world.production, role=Role.COORDINATOR
    ).exists()
    monkeypatch.undo()
    answered = services.answer_booking(ana, booking.pk, accept=accept)
    assert answered.state == ("accepted" if accept else "declined")


def test_a_busy_database_while_telling_leaves_no_request_and_no_cancellation(
    world, ana_listed, monkeypatch
):
    booking = services.request_booking(world.petra, ana_listed.pk, world.production.pk)
    monkeypatch.setattr("closedset.notices.services.notify", _busy_notice)
    with pytest.raises(OperationalError):
        services.cancel_booking(world.petra, booking.pk)
    assert Booking.objects.get(pk=booking.pk).state == "open"
    Booking.objects.all().delete()
    with pytest.raises(OperationalError):
        services.request_booking(world.petra, ana_listed.pk, world.production.pk)
    assert not Booking.objects.exists()
