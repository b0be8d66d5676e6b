"""The academy's authorization-matrix entries, kept per part (catalogue and applications,
blind review, enrolment) so each reads beside its tests."""

from __future__ import annotations

from closedset.academy.tests import authz_catalogue, authz_enrolment, authz_review

EXPECTED: dict = {}
PARAMS: dict = {}
ROUTE_PARAMS: dict = {}
BODIES: dict = {}
for _part in (authz_catalogue, authz_review, authz_enrolment):
    for _key in _part.EXPECTED:
        if _key in EXPECTED:
            raise AssertionError(f"{_key} has two academy entries")
    EXPECTED.update(_part.EXPECTED)
    PARAMS.update(_part.PARAMS)
    ROUTE_PARAMS.update(_part.ROUTE_PARAMS)
    BODIES.update(_part.BODIES)
