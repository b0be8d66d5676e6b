"""My listing: only the certified list themselves; what they write is checked; withdrawing
and a revoked certificate take them out of the registry at once."""

from __future__ import annotations

import json

import pytest

from closedset.conftest import verified_client
from closedset.lib.errors import Forbidden, InvalidInput, NotFound
from closedset.registry import services
from closedset.registry.models import Listing
from closedset.registry.tests.helpers import LISTING, revoke

FORM = {
    "display_name": "Ana Lima",
    "languages": ["pt", "en"],
    "region": "Porto",
    "specialities": ["adult", "mainstream"],
    "experience": "Two features.",
    "availability": "limited",
    "availability_note": "Booked until March",
}


def test_someone_not_certified_is_told_what_the_registry_is(world, academy, client_as):
    for client in (client_as("mara"), verified_client(academy.applicants["ben"])):
        response = client.get("/registry/listing/")
        assert response.status_code == 200
        text = response.content.decode()
        assert "certified" in text
        assert 'href="/academy/"' in text
        assert '<form method="post" class="registry-form"' not in text


def test_someone_not_certified_cannot_list(world, academy, client_as):
    response = client_as("mara").post("/registry/listing/", FORM)
    assert response.status_code == 403
    assert "certified" in response.content.decode()
    with pytest.raises(Forbidden):
        services.save_listing(academy.applicants["ben"], **LISTING)
    assert not Listing.objects.exists()


def test_academy_staff_and_reviewers_are_not_certified_by_their_role(academy):
    for user in (academy.staff, *academy.reviewers):
        client = verified_client(user)
        assert client.get("/registry/listing/").status_code == 200
        assert client.post("/registry/listing/", FORM).status_code == 403
        assert client.get("/registry/").status_code == 403


def test_a_certified_person_lists_edits_and_withdraws(ana):
    client = verified_client(ana)
    page = client.get("/registry/listing/")
    assert page.status_code == 200
    assert "List me" in page.content.decode()
    response = client.post("/registry/listing/", FORM)
    assert response.status_code == 302
    listing = Listing.objects.get(user=ana)
    assert listing.language_codes == ["pt", "en"]
    assert listing.speciality_codes == ["adult", "mainstream"]
    assert listing.availability == "limited"
    assert listing.availability_note == "Booked until March"

    response = client.post("/registry/listing/", {**FORM, "availability": "available"})
    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.availability == "available"
    assert Listing.objects.filter(user=ana).count() == 1

    assert client.post("/registry/listing/withdraw/").status_code == 302
    listing.refresh_from_db()
    assert listing.withdrawn_at is not None
    assert services.my_listing(ana) is None
    # Listed again later: the same row, listed anew.
    assert client.post("/registry/listing/", FORM).status_code == 302
    listing.refresh_from_db()
    assert listing.withdrawn_at is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"specialities": ["cabaret"]}, "specialities"),
        ({"specialities": []}, "specialities"),
        ({"languages": ["xx"]}, "languages"),
        ({"languages": []}, "languages"),
        ({"experience": "x" * 5000}, "experience"),
        ({"display_name": "n" * 500}, "display_name"),
        ({"region": "r" * 500}, "region"),
        ({"availability": "sometimes"}, "availability"),
        ({"availability_note": "n" * 500}, "availability_note"),
        ({"display_name": "   "}, "display_name"),
    ],
)
def test_bad_input_is_refused_in_words(ana, change, field):
    with pytest.raises(InvalidInput) as refused:
        services.save_listing(ana, **{**FORM, **change})
    assert field in refused.value.fields
    message = refused.value.fields[field]
    assert message and "xx" not in message and "cabaret" not in message
    assert not Listing.objects.exists()
    # The page says the same, with the form kept.
    response = verified_client(ana).post("/registry/listing/", {**FORM, **change})
    assert response.status_code == 422
    assert not Listing.objects.exists()


def test_the_api_refuses_bad_input_field_by_field(ana):
    client = verified_client(ana)
    body = {**FORM, "specialities": ["cabaret"], "languages": ["klingon"], "experience": "x" * 9999}
    response = client.put("/api/v1/registry/listing", json.dumps(body), "application/json")
    assert response.status_code == 422
    fields = response.json()["fields"]
    assert {"specialities", "languages", "experience"} <= set(fields)
    assert not Listing.objects.exists()


def test_the_api_keeps_my_listing(ana):
    client = verified_client(ana)
    assert client.get("/api/v1/registry/listing").status_code == 404
    response = client.put("/api/v1/registry/listing", json.dumps(FORM), "application/json")
    assert response.status_code == 200
    data = response.json()
    assert data["display_name"] == "Ana Lima"
    assert data["languages"] == ["pt", "en"]
    assert client.get("/api/v1/registry/listing").json()["id"] == data["id"]
    assert client.delete("/api/v1/registry/listing").status_code == 200
    assert client.get("/api/v1/registry/listing").status_code == 404
    assert client.delete("/api/v1/registry/listing").status_code == 404


def test_a_listing_never_shows_e_mail_or_handle(ana, world, client_as):
    ana.handle = "ana-h4ndle-q"
    ana.save(update_fields=["handle"])
    listing = services.save_listing(ana, **FORM)
    petra = client_as("petra")
    seen = [
        petra.get("/registry/").content.decode(),
        petra.get(f"/registry/{listing.pk}/").content.decode(),
        petra.get("/api/v1/registry/listings").content.decode(),
        petra.get(f"/api/v1/registry/listings/{listing.pk}").content.decode(),
    ]
    booking = services.request_booking(world.petra, listing.pk, world.production.pk)
    seen += [
        petra.get(f"/registry/bookings/{booking.pk}/").content.decode(),
        petra.get("/registry/bookings/").content.decode(),
        petra.get(f"/api/v1/registry/bookings/{booking.pk}").content.decode(),
        petra.get(f"/api/v1/registry/productions/{world.production.pk}/bookings").content.decode(),
    ]
    assert "Ana Lima" in seen[0] and "Ana Lima" in seen[1]
    for text in seen:
        assert ana.email not in text
        assert "ana-h4ndle-q" not in text
        assert '"handle"' not in text and '"email"' not in text
    api = json.loads(seen[2])["items"][0]
    assert set(api) == {
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


def test_a_listing_does_not_say_where_its_holder_works(world, client_as):
    from closedset.registry.tests.helpers import listed

    listing = listed(world.ines, display_name="Ines Ortega")
    page = client_as("oscar").get(f"/registry/{listing.pk}/").content.decode()
    assert "Ines Ortega" in page
    assert "Harbour Lights" not in page and "Northlight" not in page


def test_a_revoked_certificate_hides_the_listing_at_once(ana_listed, ana, world, client_as):
    petra = client_as("petra")
    assert "Ana Lima" in petra.get("/registry/").content.decode()
    revoke(ana.certificate)
    assert "Ana Lima" not in petra.get("/registry/").content.decode()
    assert petra.get(f"/registry/{ana_listed.pk}/").status_code == 404
    assert petra.get(f"/api/v1/registry/listings/{ana_listed.pk}").status_code == 404
    assert services.search(world.petra).total == 0
    # Ana is told plainly why she cannot change it any more.
    response = verified_client(ana).get("/registry/listing/")
    assert "certified" in response.content.decode()
    assert verified_client(ana).post("/registry/listing/", FORM).status_code == 403


def test_withdrawing_hides_the_listing_at_once(ana_listed, ana, client_as):
    petra = client_as("petra")
    assert petra.get(f"/registry/{ana_listed.pk}/").status_code == 200
    services.withdraw_listing(ana)
    assert "Ana Lima" not in petra.get("/registry/").content.decode()
    assert petra.get(f"/registry/{ana_listed.pk}/").status_code == 404
    assert petra.get("/api/v1/registry/listings").json()["total"] == 0
    with pytest.raises(NotFound):
        services.withdraw_listing(ana)
