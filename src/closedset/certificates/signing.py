"""The academy's Ed25519 keys: signing credentials and the status list, and publishing the
public halves (JWKS) so anyone can check them without us.

settings.CLOSEDSET_ACADEMY_KEYS holds 32-byte seeds: the first signs, all still verify, so a
key can be rotated without breaking credentials already handed out. Every signature names its
key in the JOSE header (`kid`), a URL that serves that key as a JWK.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from functools import cache
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings
from openbadgeslib.ob3 import OB3Signer

ALGORITHM = "EdDSA"


def academy_url() -> str:
    """The academy's public address, as signed credentials name their issuer. It must stay
    the same for as long as credentials are checked, so it comes from the settings and never
    from a request's Host header."""
    configured = str(getattr(settings, "CLOSEDSET_ACADEMY_URL", "") or "")
    if not configured:
        origins = list(getattr(settings, "OTP_WEBAUTHN_ALLOWED_ORIGINS", []) or [])
        configured = origins[0] if origins else "http://localhost:8000"
    return configured.rstrip("/")


def issuer_id() -> str:
    return academy_url() + "/certificates/issuer.json"


def status_list_url() -> str:
    return academy_url() + "/certificates/status/revocation"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


@dataclass(frozen=True)
class AcademyKey:
    private: Ed25519PrivateKey
    public: Ed25519PublicKey
    fingerprint: str

    @property
    def raw_public(self) -> bytes:
        return self.public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    @property
    def kid(self) -> str:
        return f"{academy_url()}/certificates/keys/{self.fingerprint}.json"

    def public_pem(self) -> bytes:
        return self.public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def jwk(self) -> dict[str, str]:
        return {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": _b64url(self.raw_public),
            "kid": self.kid,
            "alg": ALGORITHM,
            "use": "sig",
        }


@cache
def _key(seed: bytes) -> AcademyKey:
    private = Ed25519PrivateKey.from_private_bytes(seed)
    public = private.public_key()
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    # A short fingerprint of the public key: a new key never reuses an old key's name.
    return AcademyKey(private, public, hashlib.sha256(raw).hexdigest()[:16])


def academy_keys() -> list[AcademyKey]:
    return [_key(bytes(seed)) for seed in settings.CLOSEDSET_ACADEMY_KEYS]


def signing_key() -> AcademyKey:
    return academy_keys()[0]


def key_for(kid: object) -> AcademyKey | None:
    """Our key a JOSE `kid` names (by its fingerprint, so a credential signed before the
    academy's address changed still finds its key), or None."""
    if not isinstance(kid, str):
        return None
    name = kid.rsplit("/", 1)[-1].removesuffix(".json").rsplit("#key-", 1)[-1]
    return next((key for key in academy_keys() if key.fingerprint == name), None)


def jwks() -> dict[str, Any]:
    return {"keys": [key.jwk() for key in academy_keys()]}


class _NamedKeySigner(OB3Signer):
    """openbadgeslib's signer with our JOSE header: the key is named by `kid` (a URL serving
    it), not carried in the token, so a verifier must take it from the academy."""

    def __init__(self, key: AcademyKey) -> None:
        super().__init__(key.private, algorithm=ALGORITHM)
        self._kid = key.kid

    def sign_payload(self, payload: dict[str, Any]) -> str:
        import jwt

        headers = {"kid": self._kid, "typ": "JWT"}
        return jwt.encode(payload, self._load_privkey(), algorithm=ALGORITHM, headers=headers)


def signer(key: AcademyKey | None = None) -> OB3Signer:
    return _NamedKeySigner(key or signing_key())
