"""Authorization-matrix entries for certificates. None of the eight personas holds a
certificate or an academy role: the public pages answer everyone, "mine" is an empty list
for the signed-in, a certificate of anyone else (here: none at all) is not found, and the
staff pages do not exist for them."""

from __future__ import annotations

from closedset.api.tests.authz_matrix import LOGIN, outcomes, same

EXPECTED: dict[str, dict[str, object]] = {
    # Public: the verify page (a right or wrong code answers 200; the code here is unknown).
    "GET /certificates/verify/": same(200),
    # An empty form: asked to type a code.
    "POST /certificates/verify/": same(422),
    "GET /certificates/verify/<code>/": same(200),
    "POST /certificates/verify/<code>/": same(405),
    # What outside verifiers fetch.
    "GET /certificates/issuer.json": same(200),
    "POST /certificates/issuer.json": same(405),
    "GET /certificates/jwks.json": same(200),
    "POST /certificates/jwks.json": same(405),
    "GET /certificates/keys/<fingerprint>.json": same(404),
    "POST /certificates/keys/<fingerprint>.json": same(405),
    "GET /certificates/status/revocation": same(200),
    "POST /certificates/status/revocation": same(405),
    # The holder's own.
    "GET /certificates/mine/": outcomes(anonymous=LOGIN, default=200),
    "POST /certificates/mine/": outcomes(anonymous=LOGIN, default=405),
    "GET /certificates/<certificate_id>/certificate.pdf": outcomes(anonymous=LOGIN, default=404),
    "POST /certificates/<certificate_id>/certificate.pdf": outcomes(anonymous=LOGIN, default=405),
    "GET /certificates/<certificate_id>/credential.jwt": outcomes(anonymous=LOGIN, default=404),
    "POST /certificates/<certificate_id>/credential.jwt": outcomes(anonymous=LOGIN, default=405),
    # Academy staff only.
    "GET /certificates/staff/": outcomes(anonymous=LOGIN, default=404),
    "POST /certificates/staff/": outcomes(anonymous=LOGIN, default=405),
    "GET /certificates/staff/<certificate_id>/revoke/": outcomes(anonymous=LOGIN, default=405),
    "POST /certificates/staff/<certificate_id>/revoke/": outcomes(anonymous=LOGIN, default=404),
    # The API.
    "POST /api/v1/certificates/verify": same(200),
    "GET /api/v1/certificates/mine": outcomes(anonymous=401, default=200),
    "POST /api/v1/certificates/<certificate_id>/revoke": outcomes(anonymous=401, default=404),
}
# Per route, so no name here changes another app's parameters.
PARAMS: dict = {}
# No certificate exists in the matrix's world: any id is someone else's or nobody's.
ROUTE_PARAMS: dict = {
    route: {"certificate_id": lambda world: 1}
    for route in (
        "GET /certificates/<certificate_id>/certificate.pdf",
        "POST /certificates/<certificate_id>/certificate.pdf",
        "GET /certificates/<certificate_id>/credential.jwt",
        "POST /certificates/<certificate_id>/credential.jwt",
        "GET /certificates/staff/<certificate_id>/revoke/",
        "POST /certificates/staff/<certificate_id>/revoke/",
        "POST /api/v1/certificates/<certificate_id>/revoke",
    )
}
for _method in ("GET", "POST"):
    ROUTE_PARAMS[f"{_method} /certificates/verify/<code>/"] = {"code": lambda world: "AAAABBBBCCCC"}
    ROUTE_PARAMS[f"{_method} /certificates/keys/<fingerprint>.json"] = {
        "fingerprint": lambda world: "0000000000000000"
    }
BODIES = {
    "POST /api/v1/certificates/verify": lambda world: {"code": "AAAA-BBBB-CCCC"},
    "POST /api/v1/certificates/<certificate_id>/revoke": lambda world: {"reason": "A test."},
    "POST /certificates/staff/<certificate_id>/revoke/": lambda world: {"reason": "A test."},
}
