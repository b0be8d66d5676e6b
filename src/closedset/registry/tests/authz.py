"""Authorization-matrix entries for the registry (pages and API).

The world: Lena (no persona; certified) and Ines (certified) are listed; Oscar, producer of
Quiet Water, has asked Ines to coordinate it. Petra and Oscar are producers, so both search
the registry and open listings; everyone else signed in is told it is for producers (403).
Only Petra books onto Harbour Lights or reads its requests; Oscar is a stranger there (404).
Only Ines answers the request to her; Oscar, who sent it, may read it but not answer (403).
"""

from __future__ import annotations

from typing import Any

from closedset.api.tests.authz_matrix import LOGIN, REDIRECT, outcomes

PAGE = "/registry/"
MINE = PAGE + "listing/"
BOOKINGS = PAGE + "bookings/"
BOOKING = BOOKINGS + "<booking_id>/"
LISTING = PAGE + "<listing_id>/"
API = "/api/v1/registry/"
API_BOOKING = API + "bookings/<booking_id>"
API_PRODUCTION = API + "productions/<production_id>/bookings"

NOT_A_PAGE = outcomes(anonymous=LOGIN, default=405)
PRODUCERS = outcomes(anonymous=LOGIN, petra=200, oscar=200, default=403)
API_PRODUCERS = outcomes(anonymous=401, petra=200, oscar=200, default=403)
BOOKING_READERS = outcomes(anonymous=LOGIN, ines=200, oscar=200, default=404)
HL_MEMBERS = {name: 403 for name in ("mara", "jonas", "ines", "dario", "cora")}

EXPECTED: dict[str, dict[str, object]] = {
    f"GET {PAGE}": PRODUCERS,
    f"POST {PAGE}": NOT_A_PAGE,
    f"GET {MINE}": outcomes(anonymous=LOGIN, default=200),
    f"POST {MINE}": outcomes(anonymous=LOGIN, ines=REDIRECT, default=403),
    f"GET {MINE}withdraw/": NOT_A_PAGE,
    f"POST {MINE}withdraw/": outcomes(anonymous=LOGIN, ines=REDIRECT, default=404),
    f"GET {BOOKINGS}": outcomes(anonymous=LOGIN, default=200),
    f"POST {BOOKINGS}": NOT_A_PAGE,
    f"GET {BOOKING}": BOOKING_READERS,
    f"POST {BOOKING}": NOT_A_PAGE,
    f"GET {BOOKING}answer/": NOT_A_PAGE,
    f"POST {BOOKING}answer/": outcomes(anonymous=LOGIN, ines=REDIRECT, oscar=403, default=404),
    f"GET {BOOKING}cancel/": NOT_A_PAGE,
    f"POST {BOOKING}cancel/": outcomes(anonymous=LOGIN, oscar=REDIRECT, ines=403, default=404),
    f"GET {LISTING}": PRODUCERS,
    f"POST {LISTING}": NOT_A_PAGE,
    f"GET {LISTING}book/": NOT_A_PAGE,
    f"POST {LISTING}book/": outcomes(anonymous=LOGIN, petra=REDIRECT, oscar=404, **HL_MEMBERS),
    f"GET {API}listings": API_PRODUCERS,
    f"GET {API}listings/<listing_id>": API_PRODUCERS,
    f"GET {API}listing": outcomes(anonymous=401, ines=200, default=404),
    f"PUT {API}listing": outcomes(anonymous=401, ines=200, default=403),
    f"DELETE {API}listing": outcomes(anonymous=401, ines=200, default=404),
    f"GET {API}bookings": outcomes(anonymous=401, default=200),
    f"GET {API_BOOKING}": outcomes(anonymous=401, ines=200, oscar=200, default=404),
    f"POST {API_BOOKING}/accept": outcomes(anonymous=401, ines=200, oscar=403, default=404),
    f"POST {API_BOOKING}/decline": outcomes(anonymous=401, ines=200, oscar=403, default=404),
    f"POST {API_BOOKING}/cancel": outcomes(anonymous=401, oscar=200, ines=403, default=404),
    f"GET {API_PRODUCTION}": outcomes(anonymous=401, petra=200, oscar=404, **HL_MEMBERS),
    f"POST {API_PRODUCTION}": outcomes(anonymous=401, petra=201, oscar=404, **HL_MEMBERS),
}


def ready(world: Any) -> dict[str, Any]:
    """Lena and Ines listed, Oscar's request to Ines open (made once per test)."""
    from closedset.accounts.models import User
    from closedset.registry import services
    from closedset.registry.models import Booking
    from closedset.registry.tests.helpers import listed, person

    lena = User.objects.filter(handle="lena").first() or person("lena", "Lena Marek")
    if services.my_listing(lena) is None:
        listed(lena)
    if services.my_listing(world.ines) is None:
        listed(world.ines)
    booking = Booking.objects.filter(production=world.other_production).first()
    if booking is None:
        booking = services.request_booking(
            world.oscar, services.my_listing(world.ines).pk, world.other_production.pk
        )
    return {
        "lena": services.my_listing(lena),
        "ines": services.my_listing(world.ines),
        "booking": booking,
    }


def _listing_id(world: Any) -> int:
    return ready(world)["lena"].pk


def _booking_id(world: Any) -> int:
    return ready(world)["booking"].pk


def _none(world: Any) -> None:
    """Routes with nothing in their path still need the world ready (Ines listed)."""
    ready(world)


_LISTING_FORM = {
    "display_name": "Ines",
    "languages": ["en", "es"],
    "region": "Lisbon",
    "specialities": ["adult"],
    "experience": "",
    "availability": "limited",
    "availability_note": "From June",
}

PARAMS = {
    "listing_id": _listing_id,
    "booking_id": _booking_id,
    "production_id": lambda world: world.production.pk,
}
ROUTE_PARAMS: dict[str, dict[str, Any]] = {}
BODIES = {
    f"GET {MINE}": _none,
    f"POST {MINE}": lambda world: (ready(world), _LISTING_FORM)[1],
    f"POST {MINE}withdraw/": _none,
    f"GET {BOOKINGS}": _none,
    f"POST {BOOKING}answer/": lambda world: {"answer": "decline"},
    f"POST {LISTING}book/": lambda world: {
        "production": world.production.pk,
        "message": "Three days in May.",
    },
    f"GET {API}listing": _none,
    f"PUT {API}listing": lambda world: (ready(world), _LISTING_FORM)[1],
    f"DELETE {API}listing": _none,
    f"GET {API}bookings": _none,
    f"POST {API_PRODUCTION}": lambda world: {
        "listing_id": _listing_id(world),
        "message": "Three days in May.",
    },
}
