"""The certificates' JSON API at /api/v1/certificates/ (the same services as the pages).

Checking a certificate needs no sign-in; listing one's own needs a caller; revoking is for
academy staff (anyone else is told there is nothing there).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_noop
from ninja import Router, Schema

from closedset.certificates import services
from closedset.lib.errors import InvalidInput
from closedset.lib.net import client_ip

router = Router(tags=["certificates"])


def _user(request: HttpRequest) -> Any:
    auth = getattr(request, "auth", None)
    return auth if getattr(auth, "is_authenticated", False) else request.user


class VerifyIn(Schema):
    code: str = ""
    credential: str = ""


class VerifyOut(Schema):
    outcome: str
    valid: bool
    reason: str
    holder_name: str | None = None
    course: str | None = None
    cohort: str | None = None
    issued_on: str | None = None
    revoked_on: str | None = None


class CertificateOut(Schema):
    id: int
    code: str
    holder_name: str
    course: str
    cohort: str
    issued_at: str
    revoked_at: str | None = None
    credential: str


class RevokeIn(Schema):
    reason: str


def _certificate(certificate: Any) -> CertificateOut:
    return CertificateOut(
        id=certificate.pk,
        code=certificate.code,
        holder_name=certificate.holder_name,
        course=certificate.course_title,
        cohort=certificate.cohort_name,
        issued_at=certificate.issued_at.isoformat(),
        revoked_at=certificate.revoked_at.isoformat() if certificate.revoked_at else None,
        credential=certificate.credential,
    )


@router.post("/verify", auth=None, response=VerifyOut, summary="Check a code or a credential")
def verify(request: HttpRequest, data: VerifyIn) -> Any:
    """Give `code` (as printed, XXXX-XXXX-XXXX) or `credential` (the VC-JWT text). The outcome
    is valid, revoked or not_valid, with the reason in words. Wrong codes are counted per
    network address: past the limit, code checks from there get 429 for an hour."""
    if data.credential.strip():
        if len(data.credential) > services.CREDENTIAL_MAX_CHARS + 1000:
            result = services.CheckResult(services.NOT_VALID, services.NOT_A_CREDENTIAL)
        else:
            result = services.verify_credential(data.credential)
    elif data.code.strip():
        result = services.verify_code_from(client_ip(request) or "", data.code[:100])
    else:
        message = gettext_noop("Give the code printed on the certificate, or the credential.")
        raise InvalidInput(message, {"code": message})
    return result.as_json()


@router.get("/mine", response=list[CertificateOut], summary="Your own certificates")
def mine(request: HttpRequest) -> Any:
    return [_certificate(found) for found in services.certificates_of(_user(request))]


@router.post(
    "/{certificate_id}/revoke",
    response=CertificateOut,
    summary="Revoke a certificate (academy staff)",
)
def revoke(request: HttpRequest, certificate_id: int, data: RevokeIn) -> Any:
    found = services.revoke_by_id(_user(request), certificate_id, data.reason)
    return _certificate(found)
