"""Revoking: staff only, with a reason only staff see; the status list's bit and the verify
page change at once, and an outside verifier reading the list sees the revocation."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openbadgeslib.ob3 import OB3VerificationError, OB3Verifier
from openbadgeslib.ob3.status import decode_encoded_list, set_indices

from closedset.certificates import services, signing
from closedset.certificates.models import Certificate
from closedset.conftest import verified_client
from closedset.lib.errors import Conflict, InvalidInput, NotFound

pytestmark = pytest.mark.filterwarnings("ignore:EdDSA is deprecated")


def _served_list(client: Client | None = None) -> bytes:
    response = (client or Client()).get("/certificates/status/revocation")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    return bytes(response.content)


def _revoked_indices(token: bytes) -> frozenset[int]:
    import jwt

    claims = jwt.decode(
        token, signing.signing_key().public, algorithms=["EdDSA"], options={"verify_aud": False}
    )
    return set_indices(decode_encoded_list(claims["credentialSubject"]["encodedList"]))


def _outside_check(certificate: Certificate) -> None:
    """What any verifier does: check the credential, then fetch the status list (here from
    the test client) and check its signature and the credential's bit."""
    verifier = OB3Verifier(signing.signing_key().public_pem())

    def download(url: str) -> bytes:
        assert url.endswith("/certificates/status/revocation")
        return _served_list()

    verifier.verify(certificate.credential, check_status=True, download=download)


def test_staff_revoke_and_everyone_sees_it_at_once(graduate, academy):
    _outside_check(graduate)  # not revoked yet
    assert graduate.status_index not in _revoked_indices(_served_list())
    services.revoke(academy.staff, graduate, "Issued to the wrong enrolment.")
    graduate.refresh_from_db()
    assert graduate.revoked_at is not None
    assert graduate.revocation_reason == "Issued to the wrong enrolment."
    assert _revoked_indices(_served_list()) == {graduate.status_index}
    with pytest.raises(OB3VerificationError, match="revocation"):
        _outside_check(graduate)
    assert services.verify_code(graduate.code).outcome == services.REVOKED
    assert services.verify_credential(graduate.credential).outcome == services.REVOKED
    assert not services.is_certified(academy.applicants["ana"])
    page = Client().get(f"/certificates/verify/{graduate.code}/")
    text = page.content.decode()
    assert "Revoked on" in text
    # The reason is for staff alone.
    assert "wrong enrolment" not in text
    assert "wrong enrolment" not in _served_list().decode("ascii", "replace")


def test_only_staff_revoke(graduate, academy):
    for who in (academy.applicants["ana"], academy.reviewers[0], academy.applicants["ben"]):
        with pytest.raises(NotFound):
            services.revoke(who, graduate, "No.")
    graduate.refresh_from_db()
    assert graduate.revoked_at is None


def test_a_reason_is_needed_and_revoking_twice_is_refused(graduate, academy):
    with pytest.raises(InvalidInput):
        services.revoke(academy.staff, graduate, "   ")
    services.revoke(academy.staff, graduate, "Mistake.")
    with pytest.raises(Conflict):
        services.revoke(academy.staff, graduate, "Again.")


def test_the_status_list_expires_within_days(graduate):
    import jwt

    claims = jwt.decode(_served_list(), signing.signing_key().public, algorithms=["EdDSA"])
    until = timezone.datetime.fromisoformat(claims["validUntil"].replace("Z", "+00:00"))
    assert (
        timezone.now() < until <= timezone.now() + timedelta(days=services.STATUS_LIST_VALID_DAYS)
    )
    assert claims["exp"] <= int((timezone.now() + timedelta(days=4)).timestamp())
    assert claims["issuer"] == signing.issuer_id()
    assert claims["credentialSubject"]["statusPurpose"] == "revocation"


def test_an_old_status_list_is_refused(graduate):
    """A copy served days ago (before a revocation, say) cannot be replayed."""
    old = services.signed_status_list(timezone.now() - timedelta(days=10)).encode()
    verifier = OB3Verifier(signing.signing_key().public_pem())
    credential = verifier.verify(graduate.credential)
    with pytest.raises(OB3VerificationError):
        verifier.check_status(credential, verify_list=True, download=lambda url: old)


def test_a_stale_list_makes_the_credential_check_say_so(graduate, monkeypatch):
    stale = services.signed_status_list(timezone.now() - timedelta(days=10))
    monkeypatch.setattr(services, "signed_status_list", lambda now=None: stale)
    result = services.verify_credential(graduate.credential)
    assert result.outcome == services.NOT_VALID
    assert result.reason == services.STATUS_UNKNOWN


def test_staff_page_revokes(graduate, academy):
    client = verified_client(academy.staff)
    page = client.get("/certificates/staff/")
    assert page.status_code == 200
    assert graduate.code in page.content.decode()
    empty = client.post(f"/certificates/staff/{graduate.pk}/revoke/", {"reason": ""})
    assert empty.status_code == 422
    done = client.post(f"/certificates/staff/{graduate.pk}/revoke/", {"reason": "Mistake."})
    assert done.status_code == 302
    graduate.refresh_from_db()
    assert graduate.revoked_at is not None
    assert "Mistake." in client.get("/certificates/staff/").content.decode()


@pytest.mark.parametrize("who", ["ana", "ben", "rhea"])
def test_staff_pages_do_not_exist_for_others(graduate, academy, who: Any):
    user = academy.applicants.get(who) or academy.reviewers[0]
    client = verified_client(user)
    assert client.get("/certificates/staff/").status_code == 404
    response = client.post(f"/certificates/staff/{graduate.pk}/revoke/", {"reason": "x"})
    assert response.status_code == 404
    graduate.refresh_from_db()
    assert graduate.revoked_at is None


def test_api_revoke(graduate, academy):
    client = verified_client(academy.staff)
    response = client.post(
        f"/api/v1/certificates/{graduate.pk}/revoke",
        json.dumps({"reason": "Mistake."}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["revoked_at"]
    ana = verified_client(academy.applicants["ana"])
    other = ana.post(
        f"/api/v1/certificates/{graduate.pk}/revoke",
        json.dumps({"reason": "Mine."}),
        content_type="application/json",
    )
    assert other.status_code == 404
