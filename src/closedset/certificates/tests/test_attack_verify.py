"""Attacks on checking a certificate: forged headers and keys, odd bytes, huge and nested
tokens, code guessing from rotating addresses, and who may reach someone else's files."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.cache import cache
from django.test import Client

from closedset.certificates import services, signing
from closedset.certificates.models import Certificate
from closedset.certificates.tests.conftest import enrol
from closedset.conftest import verified_client

VERIFY = "/certificates/verify/"
API_VERIFY = "/api/v1/certificates/verify"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _claims(token: str) -> dict[str, Any]:
    return json.loads(_unb64(token.split(".")[1]))


def _foreign(payload: dict[str, Any], **headers: Any) -> str:
    import jwt

    return jwt.encode(payload, Ed25519PrivateKey.generate(), algorithm="EdDSA", headers=headers)


def _public_jwk(private: Ed25519PrivateKey) -> dict[str, str]:
    raw = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return {"kty": "OKP", "crv": "Ed25519", "x": _b64(raw)}


def _hs256_with_public_key(token: str, secret: bytes) -> str:
    import hashlib
    import hmac

    header = _b64(
        json.dumps({"alg": "HS256", "typ": "JWT", "kid": signing.signing_key().kid}).encode()
    )
    body = token.split(".")[1]
    mac = hmac.new(secret, f"{header}.{body}".encode(), hashlib.sha256).digest()
    return f"{header}.{body}.{_b64(mac)}"


def _refused(token: str) -> services.CheckResult:
    result = services.verify_credential(token)
    assert result.outcome == services.NOT_VALID
    assert result.certificate is None
    assert str(result.reason)
    return result


# ---------------------------------------------------------------- forged headers and keys


def test_hs256_signed_with_our_public_key_is_refused(graduate):
    key = signing.signing_key()
    for secret in (key.public_pem(), key.raw_public, key.jwk()["x"].encode()):
        result = _refused(_hs256_with_public_key(graduate.credential, secret))
        assert result.reason == services.WRONG_ALGORITHM


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "ES256", "RS256", "EdDSA "])
def test_other_algorithms_are_refused(graduate, alg):
    header, body, signature = graduate.credential.split(".")
    claims = json.loads(_unb64(header))
    claims["alg"] = alg
    token = f"{_b64(json.dumps(claims).encode())}.{body}.{signature}"
    assert _refused(token).reason == services.WRONG_ALGORITHM


def test_a_key_carried_in_the_header_is_never_used(graduate):
    """jwk / jku / x5u / x5c: a forger's own key offered with the token changes nothing."""
    private = Ed25519PrivateKey.generate()
    payload = _claims(graduate.credential)
    for headers in (
        {"jwk": _public_jwk(private)},
        {"jku": "https://evil.example/jwks.json"},
        {"x5u": "https://evil.example/cert.pem"},
        {"x5c": ["MIIB"]},
        {"jwk": _public_jwk(private), "kid": signing.signing_key().kid},
        {"jku": "https://evil.example/jwks.json", "kid": signing.signing_key().kid},
    ):
        import jwt

        token = jwt.encode(payload, private, algorithm="EdDSA", headers=headers)
        result = _refused(token)
        assert result.reason in (services.WRONG_KEY, services.ALTERED)


@pytest.mark.parametrize(
    "kid",
    [
        "https://evil.example/certificates/keys/0000000000000000.json",
        "../../../etc/passwd",
        "",
        "#key-",
        7,
        ["a"],
        {"x": 1},
        None,
    ],
)
def test_a_kid_naming_no_key_of_ours_is_refused(graduate, kid):
    header, body, signature = graduate.credential.split(".")
    claims = json.loads(_unb64(header))
    claims["kid"] = kid
    token = f"{_b64(json.dumps(claims).encode())}.{body}.{signature}"
    _refused(token)


def test_our_fingerprint_at_another_address_still_needs_our_signature(graduate):
    """A kid on another host naming our fingerprint finds our key: a foreign signature fails."""
    kid = f"https://evil.example/keys/{signing.signing_key().fingerprint}.json"
    token = _foreign(_claims(graduate.credential), kid=kid)
    assert _refused(token).reason == services.ALTERED


def test_a_valid_credential_of_another_issuer_is_refused(graduate):
    """Another academy's real credential, even one naming our certificate's id and issuer."""
    payload = _claims(graduate.credential)
    for kid in (None, "https://other-academy.example/keys/1.json"):
        headers = {"kid": kid} if kid else {}
        assert _refused(_foreign(payload, **headers)).reason == services.WRONG_KEY


def test_a_foreign_credential_pointing_at_another_status_bit_is_refused(graduate, academy):
    """The forger moves the status index to a bit that is clear: the signature breaks."""
    other = services.issue_certificate(enrol(academy, "ben"))
    services.revoke(academy.staff, graduate, "Issued by mistake.")
    payload = _claims(graduate.credential)
    for entry in _as_list(payload.get("credentialStatus")):
        entry["statusListIndex"] = str(other.status_index)
    header, _, signature = graduate.credential.split(".")
    token = f"{header}.{_b64(json.dumps(payload).encode())}.{signature}"
    assert _refused(token).reason == services.ALTERED
    # The real one still says revoked; the other stays valid.
    assert services.verify_credential(graduate.credential).outcome == services.REVOKED
    assert services.verify_credential(other.credential).valid


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value] if value else []


def test_a_truncated_or_altered_signature_is_refused(graduate):
    header, body, signature = graduate.credential.split(".")
    for forged in (
        f"{header}.{body}.",
        f"{header}.{body}.{signature[:-1]}",
        f"{header}.{body}.{signature[::-1]}",
        f"{header}.{body}.{signature}{signature}",
        f"{header}.{body[:-4]}.{signature}",
    ):
        _refused(forged)


# ---------------------------------------------------------------- odd and huge input


def test_nested_json_bombs_are_not_a_credential(graduate):
    deep = "[" * 5000 + "]" * 5000
    key = signing.signing_key()
    header = _b64(json.dumps({"alg": "EdDSA", "kid": key.kid}).encode())
    bombs = [
        f"{_b64(deep.encode())}.{_b64(b'{}')}.AAAA",
        f"{header}.{_b64(deep.encode())}.AAAA",
    ]
    body = _b64(deep.encode())
    signed = _b64(key.private.sign(f"{header}.{body}".encode()))
    bombs.append(f"{header}.{body}.{signed}")
    for token in bombs:
        _refused(token)


def test_huge_and_binary_tokens_are_not_a_credential(db):
    for token in (
        "a" * 10_000_000,
        "a." * 100_000,
        "\x00.\x00.\x00",
        "\udcff.\udcfe.x",
        "é.é.é",
        "eyJ.eyJ.",
    ):
        _refused(token)


@pytest.mark.parametrize(
    "body", [b"\xff\xfe\x00garbage", b'{"credential": "\xff\xff"}', b"[" * 50_000]
)
def test_the_api_answers_odd_bytes_in_words(db, body):
    response = Client().post(API_VERIFY, body, content_type="application/json")
    assert 400 <= response.status_code < 500
    assert response.json()["detail"]


def test_the_api_refuses_a_huge_credential_quickly(db):
    response = Client().post(
        API_VERIFY, {"credential": "x." * 600_000 + "x"}, content_type="application/json"
    )
    assert response.status_code in (200, 400, 413)
    if response.status_code == 200:
        assert response.json()["outcome"] == services.NOT_VALID


def test_the_page_survives_non_utf8_and_huge_posts(db):
    client = Client()
    response = client.post(
        VERIFY, b"credential=%FF%FE%00&code=%FF", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code in (200, 422)
    response = client.post(VERIFY, {"code": "\u202eABCD-EFGH-JKMN" * 1000})
    assert response.status_code == 200
    assert "\u202e" not in response.content.decode()


# ---------------------------------------------------------------- code guessing


@pytest.fixture
def guess_limit(settings):
    settings.CLOSEDSET_CERTIFICATE_MISSES_PER_HOUR = 3
    cache.clear()
    yield 3
    cache.clear()


def _guess(client: Client, ip: str, code: str = "AAAA-BBBB-CCCC", **extra: Any) -> int:
    return client.post(VERIFY, {"code": code}, REMOTE_ADDR=ip, **extra).status_code


def test_guessing_is_blocked_per_ipv6_64(graduate, guess_limit):
    client = Client()
    for host in range(guess_limit):
        assert _guess(client, f"2001:db8:1:2::{host + 1}") == 200
    assert _guess(client, "2001:db8:1:2::ffff") == 200  # the miss that goes over the limit
    # Every address in the /64 is refused now, even with a right code.
    assert _guess(client, "2001:db8:1:2:abcd::9", graduate.code) == 429
    # Another /64, and IPv4, are not.
    assert _guess(client, "2001:db8:1:3::1", graduate.code) == 200
    assert _guess(client, "192.0.2.1", graduate.code) == 200


def test_ipv4_mapped_ipv6_counts_as_the_ipv4_address(graduate, guess_limit):
    client = Client()
    for _ in range(guess_limit + 1):
        _guess(client, "::ffff:192.0.2.7")
    assert _guess(client, "192.0.2.7", graduate.code) == 429


def test_x_forwarded_for_from_an_untrusted_peer_is_ignored(graduate, guess_limit, settings):
    settings.CLOSEDSET_TRUSTED_PROXIES = []
    client = Client()
    for n in range(guess_limit + 1):
        _guess(client, "198.51.100.5", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    assert _guess(client, "198.51.100.5", graduate.code, HTTP_X_FORWARDED_FOR="203.0.113.99") == 429


def test_x_forwarded_for_spoofed_left_of_a_trusted_proxy_is_ignored(
    graduate, guess_limit, settings
):
    settings.CLOSEDSET_TRUSTED_PROXIES = ["10.0.0.0/8"]
    client = Client()
    for n in range(guess_limit + 1):
        # The client writes a new address each time; the proxy appends the real one.
        _guess(client, "10.0.0.1", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 198.51.100.5")
    assert (
        _guess(client, "10.0.0.1", graduate.code, HTTP_X_FORWARDED_FOR="1.1.1.1, 198.51.100.5")
        == 429
    )
    assert _guess(client, "10.0.0.1", graduate.code, HTTP_X_FORWARDED_FOR="198.51.100.6") == 200


def test_the_api_and_the_page_share_one_count(graduate, guess_limit):
    client = Client()
    for _ in range(guess_limit + 1):
        client.post(
            API_VERIFY,
            {"code": "AAAA-BBBB-CCCC"},
            content_type="application/json",
            REMOTE_ADDR="192.0.2.9",
        )
    assert _guess(client, "192.0.2.9", graduate.code) == 429
    response = client.get(f"/certificates/verify/{graduate.code}/", REMOTE_ADDR="192.0.2.9")
    assert response.status_code == 429


def test_a_known_and_an_unknown_code_do_the_same_work(graduate, django_assert_num_queries):
    """No timing asserts: the same queries for a right and a wrong code of the right shape."""
    with django_assert_num_queries(1):
        services.verify_code(graduate.code)
    with django_assert_num_queries(1):
        services.verify_code("AAAA-BBBB-CCCC")


# ---------------------------------------------------------------- files and revocation


def test_nobody_else_downloads_a_certificate(graduate, academy):
    ben = academy.applicants["ben"]
    for who in (ben, academy.reviewers[0]):
        client = verified_client(who)
        for url in (
            f"/certificates/{graduate.pk}/certificate.pdf",
            f"/certificates/{graduate.pk}/credential.jwt",
        ):
            assert client.get(url).status_code == 404
    assert Client().get(f"/certificates/{graduate.pk}/credential.jwt").status_code == 302
    owner = verified_client(academy.applicants["ana"])
    assert owner.get(f"/certificates/{graduate.pk}/credential.jwt").status_code == 200
    for odd in ("0", "99999999999999999999999"):
        assert owner.get(f"/certificates/{odd}/credential.jwt").status_code == 404


def test_only_staff_revoke(graduate, academy):
    for who in (academy.applicants["ana"], academy.applicants["ben"], academy.reviewers[0]):
        client = verified_client(who)
        response = client.post(f"/certificates/staff/{graduate.pk}/revoke/", {"reason": "x"})
        assert response.status_code == 404
        response = client.post(
            f"/api/v1/certificates/{graduate.pk}/revoke",
            {"reason": "x"},
            content_type="application/json",
        )
        assert response.status_code == 404
    graduate.refresh_from_db()
    assert graduate.revoked_at is None


def test_revoking_needs_csrf(graduate, academy):
    client = verified_client(academy.staff)
    client.handler.enforce_csrf_checks = True
    response = client.post(f"/certificates/staff/{graduate.pk}/revoke/", {"reason": "x"})
    assert response.status_code == 403
    response = client.post(
        f"/api/v1/certificates/{graduate.pk}/revoke",
        {"reason": "x"},
        content_type="application/json",
    )
    assert response.status_code in (401, 403)
    assert Certificate.objects.get(pk=graduate.pk).revoked_at is None


def _token(user: Any, **fields: Any) -> str:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from closedset.accounts import services as accounts
    from closedset.accounts.models import ApiToken

    TOTPDevice.objects.get_or_create(user=user, name="phone", confirmed=True)
    token, secret = accounts.create_api_token(
        user, "attack", access=ApiToken.Access.WRITE, session_verified=True
    )
    if fields:
        ApiToken.objects.filter(pk=token.pk).update(**fields)
    return secret


def _revoke_with(secret: str, certificate: Certificate) -> Any:
    return Client().post(
        f"/api/v1/certificates/{certificate.pk}/revoke",
        {"reason": "Issued by mistake."},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )


def test_staff_tokens_that_must_not_revoke(graduate, academy, world):
    from datetime import timedelta

    from django.utils import timezone

    staff = academy.staff
    assert _revoke_with(_token(staff, access="read"), graduate).status_code == 403
    expired = _token(staff, expires_at=timezone.now() - timedelta(minutes=1))
    assert _revoke_with(expired, graduate).status_code == 401
    # A token held to one production is for that production's tools, not the academy's.
    scoped = _token(staff, production=world.production)
    response = _revoke_with(scoped, graduate)
    assert response.status_code == 403
    assert response.json()["detail"]
    assert Certificate.objects.get(pk=graduate.pk).revoked_at is None
    assert _revoke_with(_token(staff), graduate).status_code == 200


def test_a_production_token_does_not_read_certificates(graduate, academy, world):
    ana = academy.applicants["ana"]
    headers = {"Authorization": f"Bearer {_token(ana, production=world.production)}"}
    response = Client().get("/api/v1/certificates/mine", headers=headers)
    assert response.status_code == 403
    assert graduate.credential not in response.content.decode()
    headers = {"Authorization": f"Bearer {_token(ana)}"}
    response = Client().get("/api/v1/certificates/mine", headers=headers)
    assert response.status_code == 200
    assert response.json()[0]["code"] == graduate.code


# ---------------------------------------------------------------- the status list


def _list_claims(now: Any = None) -> dict[str, Any]:
    return _claims(services.signed_status_list(now))


def test_the_status_list_tells_nothing_of_how_many_were_issued(academy):
    from openbadgeslib.ob3.status import decode_encoded_list

    empty = _list_claims()["credentialSubject"]["encodedList"]
    issued = [services.issue_certificate(enrol(academy, handle)) for handle in ("ana", "ben")]
    after = _list_claims()["credentialSubject"]["encodedList"]
    assert after == empty  # issuing leaves no trace
    services.revoke(academy.staff, issued[1], "Issued by mistake.")
    bits = decode_encoded_list(_list_claims()["credentialSubject"]["encodedList"])
    assert len(bits) * 8 == services.STATUS_LIST_SIZE  # always the full size
    # Only the revoked bit is set; nothing names a holder, a code or a reason.
    text = services.signed_status_list()
    served = json.dumps(_claims(text))
    for certificate in issued:
        assert certificate.code not in served
        assert certificate.holder_name not in served
    assert "Issued by mistake" not in served


def test_an_old_signed_list_cannot_stand_in_for_today(graduate, academy):
    """A list signed before a revocation, replayed after its few days, is refused."""
    from datetime import timedelta

    from django.utils import timezone
    from openbadgeslib.ob3 import OB3VerificationError, OB3Verifier

    old = services.signed_status_list(timezone.now() - timedelta(days=4)).encode()
    services.revoke(academy.staff, graduate, "Issued by mistake.")
    verifier = OB3Verifier(signing.signing_key().public_pem())
    with pytest.raises(OB3VerificationError):
        verifier.verify(graduate.credential, check_status=True, download=lambda url: old)
    assert _list_claims()["exp"] - _list_claims()["nbf"] <= 3 * 24 * 3600


def test_a_name_cannot_turn_the_verdict_around(academy):
    """A full name with a right-to-left override would make "Valid: … completed …" read
    backwards on the public page; it is printed without it."""
    from closedset.academy.models import Application

    application = academy.applications["ana"]
    Application.objects.filter(pk=application.pk).update(
        full_name="Ana\u202e deyover \u2066Lima\x07"
    )
    certificate = services.issue_certificate(enrol(academy, "ana"))
    assert certificate.holder_name == "Ana deyover Lima"
    page = Client().get(f"/certificates/verify/{certificate.code}/").content.decode()
    assert "\u202e" not in page and "\u2066" not in page


def test_guesses_without_any_address_are_still_counted(graduate, guess_limit):
    for _ in range(guess_limit + 1):
        services.verify_code_from("", "AAAA-BBBB-CCCC")
    with pytest.raises(services.TooManyGuesses):
        services.verify_code_from("", graduate.code)
    assert services.verify_code_from("192.0.2.44", graduate.code).valid
