"""Authorization-matrix entries for calendars: everyone signed in has their own page; a feed
answers to its secret address alone (a made-up one is not found, for anyone)."""

from __future__ import annotations

from closedset.api.tests.authz_matrix import LOGIN, REDIRECT, outcomes

EXPECTED: dict[str, dict[str, object]] = {
    "GET /calendar/": outcomes(anonymous=LOGIN, default=200),
    "POST /calendar/": outcomes(anonymous=LOGIN, default=405),
    "GET /calendar/new/": outcomes(anonymous=LOGIN, default=405),
    # The new address is shown on this answer only.
    "POST /calendar/new/": outcomes(anonymous=LOGIN, default=200),
    "GET /calendar/off/": outcomes(anonymous=LOGIN, default=405),
    "POST /calendar/off/": outcomes(anonymous=LOGIN, default=REDIRECT),
    "GET /calendar/<secret>.ics": outcomes(default=404),
    "POST /calendar/<secret>.ics": outcomes(default=405),
}
PARAMS = {"secret": lambda world: "not-a-real-address"}
