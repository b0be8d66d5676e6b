"""The Open Badges credential: issued once, checked by openbadgeslib and by an independent JOSE
library (joserfc) with the public keys the academy publishes, and every forgery refused."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client
from joserfc import jwt as jose_jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from openbadgeslib.ob3 import OB3VerificationError, OB3Verifier

from closedset.certificates import services, signing
from closedset.certificates.models import STATUS_LIST_SIZE, Certificate
from closedset.certificates.tests.conftest import enrol
from closedset.lib.errors import Conflict

# joserfc prefers RFC 9864's "Ed25519" name; Open Badges 3.0 and its verifiers use "EdDSA".
pytestmark = pytest.mark.filterwarnings("ignore:EdDSA is deprecated")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _parts(token: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    header, payload, signature = token.split(".")
    return json.loads(_unb64(header)), json.loads(_unb64(payload)), signature


def _published_keys() -> KeySet:
    """The academy's public keys as an outsider gets them: from /certificates/jwks.json."""
    response = Client().get("/certificates/jwks.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/jwk-set+json"
    return KeySet.import_key_set(json.loads(response.content))


def _ob3_verify(token: str) -> Any:
    """openbadgeslib's verifier, with the key the JWKS names by the token's kid."""
    header, _, _ = _parts(token)
    data = json.loads(Client().get("/certificates/jwks.json").content)
    jwk = next(k for k in data["keys"] if k["kid"] == header.get("kid"))
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    public = Ed25519PublicKey.from_public_bytes(_unb64(jwk["x"]))
    return OB3Verifier(public).verify(token)


def _jose_verify(token: str) -> Any:
    return jose_jwt.decode(token, _published_keys(), algorithms=["EdDSA"])


def test_a_complete_enrolment_gets_one_certificate(academy):
    enrolment = enrol(academy, "ana")
    first = services.issue_certificate(enrolment)
    again = services.issue_certificate(enrolment)
    assert first.pk == again.pk
    assert Certificate.objects.count() == 1
    assert first.holder == academy.applicants["ana"]
    assert first.holder_name == "Ana Lima"
    assert first.course_title == academy.course.title
    assert first.cohort_name == "Spring 2027"
    assert services.normalise_code(first.code) == first.code
    assert 0 <= first.status_index < STATUS_LIST_SIZE
    assert services.is_certified(academy.applicants["ana"])
    assert not services.is_certified(academy.applicants["ben"])


def test_an_incomplete_enrolment_gets_none(academy):
    enrolment = enrol(academy, "ben", completed=False)
    with pytest.raises(Conflict):
        services.issue_certificate(enrolment)
    assert not Certificate.objects.exists()


def test_the_names_printed_do_not_follow_later_changes(graduate, academy):
    academy.course.title = "Renamed"
    academy.course.save()
    graduate.refresh_from_db()
    assert graduate.course_title == "Intimacy coordination for adult sets"


def test_the_credential_is_an_open_badge_without_the_email(graduate, academy):
    header, payload, _ = _parts(graduate.credential)
    assert header["alg"] == "EdDSA"
    assert header["typ"] == "JWT"
    assert header["kid"] == signing.signing_key().kid
    assert "jwk" not in header  # the key comes from the academy, never from the token
    assert "OpenBadgeCredential" in payload["type"]
    assert payload["issuer"]["id"].endswith("/certificates/issuer.json")
    assert payload["iss"] == payload["issuer"]["id"]
    assert payload["jti"] == f"urn:uuid:{graduate.credential_id}"
    subject = payload["credentialSubject"]
    assert subject["achievement"]["name"] == academy.course.title
    identifier = subject["identifier"][0]
    assert identifier["hashed"] is True
    assert identifier["identityHash"].startswith("sha256$")
    text = graduate.credential + json.dumps(payload)
    assert "ana@example.net" not in text
    assert "Ana Lima" not in json.dumps(payload)
    status = payload["credentialStatus"]
    assert status["statusListIndex"] == str(graduate.status_index)
    assert status["statusListCredential"].endswith("/certificates/status/revocation")


def test_the_holder_can_prove_the_hash_is_their_address(graduate):
    import hashlib

    _, payload, _ = _parts(graduate.credential)
    identifier = payload["credentialSubject"]["identifier"][0]
    digest = hashlib.sha256(("ana@example.net" + identifier["salt"]).encode()).hexdigest()
    assert identifier["identityHash"] == "sha256$" + digest


def test_round_trip_with_openbadgeslib_and_joserfc(graduate):
    credential = _ob3_verify(graduate.credential)
    assert credential.id == f"urn:uuid:{graduate.credential_id}"
    token = _jose_verify(graduate.credential)
    assert token.claims["jti"] == f"urn:uuid:{graduate.credential_id}"
    assert services.verify_credential(graduate.credential).valid
    assert services.verify_code(graduate.code).valid


def _tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(_unb64(payload))
    claims["credentialSubject"]["achievement"]["name"] = "Something else entirely"
    return ".".join([header, _b64(json.dumps(claims).encode()), signature])


def _other_key(token: str, *, kid: str | None) -> str:
    import jwt

    _, payload, _ = _parts(token)
    headers = {"typ": "JWT"}
    if kid is not None:
        headers["kid"] = kid
    return jwt.encode(payload, Ed25519PrivateKey.generate(), algorithm="EdDSA", headers=headers)


def _alg_none(token: str) -> str:
    header, payload, _ = token.split(".")
    claims = json.loads(_unb64(header))
    claims["alg"] = "none"
    return _b64(json.dumps(claims).encode()) + "." + payload + "."


FORGERIES = {
    "tampered payload": (_tampered, services.ALTERED),
    "another key, naming ours": (
        lambda t: _other_key(t, kid=signing.signing_key().kid),
        services.ALTERED,
    ),
    "another key, naming its own": (
        lambda t: _other_key(t, kid="https://elsewhere.example/key"),
        services.WRONG_KEY,
    ),
    "another key, naming none": (lambda t: _other_key(t, kid=None), services.WRONG_KEY),
    "alg none": (_alg_none, services.WRONG_ALGORITHM),
    "truncated": (lambda t: t[: len(t) // 2], None),
    "signature cut short": (lambda t: t[:-10], services.ALTERED),
}


@pytest.mark.parametrize("forge", FORGERIES, ids=list(FORGERIES))
def test_forgeries_are_refused_by_all_three(graduate, forge):
    make, reason = FORGERIES[forge]
    token = make(graduate.credential)
    with pytest.raises((OB3VerificationError, StopIteration, ValueError)):
        _ob3_verify(token)
    with pytest.raises((JoseError, ValueError)):
        _jose_verify(token)
    result = services.verify_credential(token)
    assert result.outcome == services.NOT_VALID
    assert result.certificate is None
    if reason is not None:
        assert str(result.reason) == str(reason)


@pytest.mark.parametrize("text", ["", "   ", "hello", "a.b.c", "x" * 30_000, "{}.{}.{}"])
def test_nonsense_is_not_a_credential(db, text):
    result = services.verify_credential(text)
    assert result.outcome == services.NOT_VALID
    assert str(result.reason)


def _signed_by_us(payload: object) -> str:
    import jwt

    key = signing.signing_key()
    return (
        jwt.encode(payload, key.private, algorithm="EdDSA", headers={"kid": key.kid, "typ": "JWT"})
        if isinstance(payload, dict)
        else _raw_signed(payload)
    )


def _raw_signed(payload: object) -> str:
    key = signing.signing_key()
    header = _b64(json.dumps({"alg": "EdDSA", "kid": key.kid}).encode())
    body = _b64(json.dumps(payload).encode())
    signature = _b64(key.private.sign(f"{header}.{body}".encode()))
    return f"{header}.{body}.{signature}"


@pytest.mark.parametrize(
    "payload",
    [{}, {"type": ["VerifiableCredential"]}, [1, 2], 7, "text", {"credentialSubject": [[]]}],
    ids=["empty", "not a badge", "a list", "a number", "a string", "odd subject"],
)
def test_our_signature_on_something_else_is_not_a_certificate(db, payload):
    result = services.verify_credential(_signed_by_us(payload))
    assert result.outcome == services.NOT_VALID
    assert str(result.reason)


def test_the_status_list_is_not_a_certificate(graduate):
    result = services.verify_credential(services.signed_status_list())
    assert result.outcome == services.NOT_VALID
    assert result.reason == services.NOT_A_CREDENTIAL


def test_a_new_key_first_keeps_old_credentials_valid(academy, settings):
    old_seed = settings.CLOSEDSET_ACADEMY_KEYS[0]
    old = services.issue_certificate(enrol(academy, "ana"))
    new_seed = bytes(range(32))
    settings.CLOSEDSET_ACADEMY_KEYS = [new_seed, old_seed]
    new = services.issue_certificate(enrol(academy, "ben"))
    assert _parts(new.credential)[0]["kid"] != _parts(old.credential)[0]["kid"]
    kids = {key.kid for key in _published_keys().keys}
    assert kids == {signing.signing_key().kid, _parts(old.credential)[0]["kid"]}
    for certificate in (old, new):
        assert services.verify_credential(certificate.credential).valid
        _ob3_verify(certificate.credential)
        _jose_verify(certificate.credential)
    # Once the old key is dropped, what it signed no longer verifies.
    settings.CLOSEDSET_ACADEMY_KEYS = [new_seed]
    assert services.verify_credential(old.credential).reason == services.WRONG_KEY
    assert services.verify_credential(new.credential).valid


def test_a_valid_signature_with_no_record_is_not_valid(graduate):
    token = graduate.credential
    Certificate.objects.filter(pk=graduate.pk).update(
        credential_id="00000000-0000-4000-8000-000000000000"
    )
    result = services.verify_credential(token)
    assert result.outcome == services.NOT_VALID
    assert result.reason == services.NO_RECORD


def test_issuer_profile_and_key_are_published(graduate):
    client = Client()
    profile = json.loads(client.get("/certificates/issuer.json").content)
    _, payload, _ = _parts(graduate.credential)
    assert profile["id"] == payload["issuer"]["id"]
    assert profile["type"] == ["Profile"]
    kid = _parts(graduate.credential)[0]["kid"]
    path = kid.split("://", 1)[1].split("/", 1)[1]
    jwk = json.loads(client.get("/" + path).content)
    assert jwk["kid"] == kid
    assert jwk["kty"] == "OKP" and "d" not in jwk
