"""JSON API for the registry, mounted at /api/v1/registry/; the same services as the pages.

Producers search listings and ask for bookings onto the productions they produce (the
production in the path, so a token for one production reaches only that one); a certified
person keeps their own listing; the coordinator asked accepts or declines.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from closedset.registry import services

router = Router(tags=["registry"])


def _user(request: HttpRequest) -> Any:
    auth = getattr(request, "auth", None)
    return auth if getattr(auth, "is_authenticated", False) else request.user


class ListingIn(Schema):
    display_name: str
    # ISO 639-1 codes, e.g. ["cs", "en"].
    languages: list[str]
    region: str = ""
    experience: str = ""
    # adult, mainstream, theatre: at least one.
    specialities: list[str]
    # available, limited or unavailable.
    availability: str
    availability_note: str = ""


class ListingOut(Schema):
    """A listing's own fields: never its holder's e-mail address, handle or productions."""

    id: int
    display_name: str
    languages: list[str]
    language_names: list[str]
    region: str
    experience: str
    specialities: list[str]
    availability: str
    availability_note: str
    listed_at: datetime


class SearchOut(Schema):
    items: list[ListingOut]
    page: int
    pages: int
    total: int


class BookingIn(Schema):
    listing_id: int
    message: str = ""


class ProductionRef(Schema):
    id: int
    name: str


class BookingOut(Schema):
    id: int
    # open, accepted, declined, unlisted, cancelled or expired.
    state: str
    state_label: str
    production: ProductionRef
    coordinator: str
    listing_id: int
    producer: str
    message: str
    created_at: datetime
    expires_at: datetime
    closed_at: datetime | None
    yours_to_answer: bool


class MyBookingsOut(Schema):
    incoming: list[BookingOut]
    outgoing: list[BookingOut]


@router.get("/listings", response=SearchOut, summary="Search the registry (producers)")
def search(
    request: HttpRequest,
    speciality: str = "",
    language: str = "",
    region: str = "",
    availability: str = "",
    page: int = 1,
) -> Any:
    found = services.search(
        _user(request),
        speciality=speciality,
        language=language,
        region=region,
        availability=availability,
        page=page,
    )
    return {
        "items": [services.listing_json(listing) for listing in found.items],
        "page": found.number,
        "pages": found.pages,
        "total": found.total,
    }


@router.get("/listings/{listing_id}", response=ListingOut, summary="One listing (producers)")
def listing(request: HttpRequest, listing_id: int) -> Any:
    return services.listing_json(services.get_listing(_user(request), listing_id))


def _mine(user: Any) -> Any:
    return services.listing_json(services.own_listing(user))


@router.get("/listing", response=ListingOut, summary="My listing")
def my_listing(request: HttpRequest) -> Any:
    return _mine(_user(request))


@router.put("/listing", response=ListingOut, summary="List me, or change my listing")
def save_listing(request: HttpRequest, data: ListingIn) -> Any:
    return services.listing_json(services.save_listing(_user(request), **data.dict()))


@router.delete("/listing", response=ListingOut, summary="Withdraw my listing, at once")
def withdraw_listing(request: HttpRequest) -> Any:
    return services.listing_json(services.withdraw_listing(_user(request)))


@router.get("/bookings", response=MyBookingsOut, summary="Requests to me and for my productions")
def my_bookings(request: HttpRequest) -> Any:
    user = _user(request)
    mine = services.my_bookings(user)
    return {
        "incoming": [services.booking_json(b, "coordinator") for b in mine.incoming],
        "outgoing": [services.booking_json(b, "producer") for b in mine.outgoing],
    }


@router.get("/bookings/{booking_id}", response=BookingOut, summary="One booking request")
def booking(request: HttpRequest, booking_id: int) -> Any:
    found, side = services.get_booking(_user(request), booking_id)
    return services.booking_json(found, side)


@router.post("/bookings/{booking_id}/accept", response=BookingOut, summary="Accept (coordinator)")
def accept(request: HttpRequest, booking_id: int) -> Any:
    return services.booking_json(
        services.answer_booking(_user(request), booking_id, accept=True), "coordinator"
    )


@router.post("/bookings/{booking_id}/decline", response=BookingOut, summary="Decline (coordinator)")
def decline(request: HttpRequest, booking_id: int) -> Any:
    return services.booking_json(
        services.answer_booking(_user(request), booking_id, accept=False), "coordinator"
    )


@router.post(
    "/bookings/{booking_id}/cancel", response=BookingOut, summary="Cancel a request (producers)"
)
def cancel(request: HttpRequest, booking_id: int) -> Any:
    return services.booking_json(services.cancel_booking(_user(request), booking_id), "producer")


@router.get(
    "/productions/{production_id}/bookings",
    response=list[BookingOut],
    summary="Every booking request for one of my productions (producers)",
)
def production_bookings(request: HttpRequest, production_id: int) -> Any:
    found = services.production_bookings(_user(request), production_id)
    return [services.booking_json(b, "producer") for b in found]


@router.post(
    "/productions/{production_id}/bookings",
    response={201: BookingOut},
    summary="Ask a listed coordinator to coordinate this production (producers)",
)
def request_booking(request: HttpRequest, production_id: int, data: BookingIn) -> Any:
    found = services.request_booking(_user(request), data.listing_id, production_id, data.message)
    return Status(201, services.booking_json(found, "producer"))
