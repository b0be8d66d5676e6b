"""Authorization-matrix entries for notices: every signed-in person has their own, nobody else's."""

from __future__ import annotations

from closedset.api.tests.authz_matrix import LOGIN, REDIRECT, outcomes

EXPECTED: dict[str, dict[str, object]] = {
    "GET /notices/": outcomes(anonymous=LOGIN, default=200),
    "POST /notices/": outcomes(anonymous=LOGIN, default=405),
    "GET /notices/read/": outcomes(anonymous=LOGIN, default=405),
    "POST /notices/read/": outcomes(anonymous=LOGIN, default=REDIRECT),
    "GET /notices/settings/": outcomes(anonymous=LOGIN, default=200),
    "POST /notices/settings/": outcomes(anonymous=LOGIN, default=REDIRECT),
}
