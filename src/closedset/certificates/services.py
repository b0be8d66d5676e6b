"""Certificates: issuing one when an enrolment is complete, checking a code or a credential,
revoking. Every change to a certificate goes through here.

The credential is an Open Badges 3.0 OpenBadgeCredential signed as a VC-JWT with the
academy's Ed25519 key (openbadgeslib does the Open Badges part; signing.py holds the keys).
Its subject carries no e-mail address and no name: only a salted hash of the address, which
the holder can prove is theirs and nobody else can read back.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop
from openbadgeslib.ob3 import (
    Achievement,
    IdentityObject,
    Issuer,
    OB3VerificationError,
    OB3Verifier,
    OpenBadgeCredential,
    build_status_list_credential,
    status_entry,
)

from closedset.academy.models import REFERENCE_ALPHABET, Enrolment
from closedset.academy.roles import is_staff
from closedset.accounts.services import hash_secret, rate_limit
from closedset.certificates import signing
from closedset.certificates.models import STATUS_LIST_SIZE, Certificate, new_code
from closedset.lib import scope
from closedset.lib.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    require_known_ids,
)

# How long a served status list may be relied on: a copy older than this is refused by
# verifiers, so an old list (before a revocation) cannot be replayed for ever.
STATUS_LIST_VALID_DAYS = 3
# Verifiers may fetch the list again after this long (Bitstring Status List `ttl`, in ms).
STATUS_LIST_TTL_MS = 5 * 60 * 1000
# A credential is about 2 KB; anything much larger is not one of ours.
CREDENTIAL_MAX_CHARS = 20_000
REASON_MAX_CHARS = 2000

CODE_LENGTH = 12
_CODE_CHARS = re.compile(r"[\s\-–—_.]")


# ---------------------------------------------------------------- who may


def erase_holder(user: Any) -> None:
    """Account erasure: certificates keep standing (a graduate may carry the credential in a
    wallet; it names nobody), but the name printed on them is gone from every page."""
    Certificate.objects.filter(holder=user).update(holder_name="")


def is_certified(user: Any) -> bool:
    """Whether the person holds at least one certificate that is not revoked."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Certificate.objects.filter(holder=user, revoked_at__isnull=True).exists()


WHOLE_ACCOUNT_ONLY = gettext_noop(
    "This token is for one production only, and certificates belong to you, not to a "
    "production. Use a token made for all your productions."
)


def _require_whole_account() -> None:
    """A token held to one production is for that production's tools: it neither reads a
    person's certificates nor revokes any (they belong to no production)."""
    if scope.allowed_productions() is not None:
        raise Forbidden(WHOLE_ACCOUNT_ONLY)


def certificates_of(user: Any) -> list[Certificate]:
    if not getattr(user, "is_authenticated", False):
        return []
    _require_whole_account()
    return list(Certificate.objects.filter(holder=user).order_by("-issued_at", "pk"))


def all_certificates(staff_user: Any) -> list[Certificate]:
    _require_staff(staff_user)
    return list(Certificate.objects.select_related("holder").order_by("-issued_at", "pk"))


def _require_staff(user: Any) -> None:
    # Outsiders are not told the staff pages exist.
    if not is_staff(user):
        raise NotFound(gettext_noop("Not found."))


def certificate_for(user: Any, certificate_id: int) -> Certificate:
    """The certificate, for its holder or academy staff; not found for anyone else."""
    if not getattr(user, "is_authenticated", False) or not 0 < certificate_id <= 2**63 - 1:
        raise NotFound(gettext_noop("Not found."))
    found = Certificate.objects.filter(pk=certificate_id).first()
    if found is None or (found.holder_id != user.pk and not is_staff(user)):
        raise NotFound(gettext_noop("Not found."))
    return found


# ---------------------------------------------------------------- issuing


def _issuer() -> Issuer:
    return Issuer(
        id=signing.issuer_id(),
        name=str(settings.CLOSEDSET_ACADEMY_NAME),
        url=signing.academy_url() + "/academy/",
    )


def issuer_profile() -> dict[str, Any]:
    """The issuer's Open Badges Profile, served at the URL the credentials name as issuer."""
    profile = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        **_issuer().to_dict(),
    }
    return profile


def _achievement(enrolment: Enrolment) -> Achievement:
    course = enrolment.cohort.course
    words = course.achievement or course.summary or course.title
    return Achievement(
        # A stable id per course that no other academy shares.
        id="urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{signing.issuer_id()}#{course.pk}")),
        name=course.title,
        description=words,
        criteria_narrative=course.achievement or "Completed every module of the course.",
        achievement_type="Certificate",
    )


def _credential(certificate: Certificate, enrolment: Enrolment) -> OpenBadgeCredential:
    salt = secrets.token_hex(16)
    return OpenBadgeCredential(
        issuer=_issuer(),
        recipient_id=None,
        identifiers=[IdentityObject.create(enrolment.user.email.strip().lower(), salt=salt)],
        achievement=_achievement(enrolment),
        id=f"urn:uuid:{certificate.credential_id}",
        name=f"{certificate.course_title} ({certificate.cohort_name})",
        issuance_date=certificate.issued_at,
        credential_status=[
            status_entry(signing.status_list_url(), "revocation", certificate.status_index)
        ],
    )


def _free_index() -> int:
    taken = set(Certificate.objects.values_list("status_index", flat=True))
    if len(taken) >= STATUS_LIST_SIZE:
        raise Conflict(gettext_noop("The academy's status list is full."))
    while True:
        index = secrets.randbelow(STATUS_LIST_SIZE)
        if index not in taken:
            return index


def issue_certificate(enrolment: Enrolment) -> Certificate:
    """The enrolment's certificate, issued now if it has none yet (calling again returns the
    same one). Only for an enrolment whose every module is complete (completed_at set)."""
    if enrolment.completed_at is None:
        raise Conflict(gettext_noop("A certificate is issued only once every module is complete."))
    existing = Certificate.objects.filter(enrolment=enrolment).first()
    if existing is not None:
        return existing
    enrolment = Enrolment.objects.select_related("cohort__course", "user", "application").get(
        pk=enrolment.pk
    )
    application = enrolment.application
    for _attempt in range(5):
        certificate = Certificate(
            enrolment=enrolment,
            holder=enrolment.user,
            code=new_code(),
            issued_at=timezone.now().replace(microsecond=0),
            holder_name=plain(application.full_name or enrolment.user.display_name)[:200],
            course_title=plain(enrolment.cohort.course.title)[:200],
            cohort_name=plain(enrolment.cohort.name)[:200],
            status_index=_free_index(),
        )
        certificate.credential = signing.signer().sign(_credential(certificate, enrolment))
        try:
            with transaction.atomic():
                certificate.save()
            return certificate
        except IntegrityError:
            # Issued meanwhile by a concurrent call, or a code or index taken: look again.
            existing = Certificate.objects.filter(enrolment=enrolment).first()
            if existing is not None:
                return existing
    raise Conflict(gettext_noop("The certificate could not be issued just now; try again."))


# ---------------------------------------------------------------- revoking


def revoke(staff_user: Any, certificate: Certificate, reason: str) -> Certificate:
    """Academy staff revoke a certificate, saying why (the reason stays with the staff). The
    verify page and the status list show it at once."""
    _require_staff(staff_user)
    _require_whole_account()
    reason = (reason or "").strip()
    if not reason:
        message = gettext_noop("Say why the certificate is revoked; only academy staff see it.")
        raise InvalidInput(message, {"reason": message})
    if len(reason) > REASON_MAX_CHARS:
        message = gettext_noop("Keep the reason under 2000 characters.")
        raise InvalidInput(message, {"reason": message})
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.revoked_at is not None:
            raise Conflict(gettext_noop("This certificate is already revoked."))
        locked.revoked_at = timezone.now()
        locked.revoked_by = staff_user
        locked.revocation_reason = reason
        locked.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    return locked


def revoke_by_id(staff_user: Any, certificate_id: int, reason: str) -> Certificate:
    _require_staff(staff_user)
    _require_whole_account()
    require_known_ids(certificate_id)
    found = Certificate.objects.filter(pk=certificate_id).first()
    if found is None:
        raise NotFound(gettext_noop("Not found."))
    return revoke(staff_user, found, reason)


# ---------------------------------------------------------------- the status list


def status_list_credential(now: datetime | None = None) -> dict[str, Any]:
    """The revocation list as an (unsigned) BitstringStatusListCredential."""
    moment = now or timezone.now()
    revoked = Certificate.objects.filter(revoked_at__isnull=False).values_list(
        "status_index", flat=True
    )
    return build_status_list_credential(
        signing.issuer_id(),
        signing.status_list_url(),
        "revocation",
        list(revoked),
        size_bits=STATUS_LIST_SIZE,
        issued=moment,
        valid_until=moment + timedelta(days=STATUS_LIST_VALID_DAYS),
        ttl=STATUS_LIST_TTL_MS,
    )


def signed_status_list(now: datetime | None = None) -> str:
    """The revocation list signed as a VC-JWT with the current key, valid a few days."""
    moment = now or timezone.now()
    document = status_list_credential(moment)
    payload = dict(document)
    payload["iss"] = document["issuer"]
    payload["jti"] = document["id"]
    payload["nbf"] = int(moment.timestamp())
    payload["exp"] = int((moment + timedelta(days=STATUS_LIST_VALID_DAYS)).timestamp())
    return signing.signer().sign_payload(payload)


# ---------------------------------------------------------------- checking


VALID = "valid"
REVOKED = "revoked"
NOT_VALID = "not_valid"

# Reasons in plain words (translated where shown; the API sends them in the reader's language).
UNKNOWN_CODE = gettext_lazy(
    "There is no certificate with this code. Check it for typos: codes have no 0, O, 1, I or L."
)
MALFORMED_CODE = gettext_lazy(
    "A code has 12 letters and digits in three groups of four, like 7KM3-QXP9-2HTR."
)
NOT_A_CREDENTIAL = gettext_lazy(
    "This is not an academy credential. Paste the whole text of the .jwt file."
)
ALTERED = gettext_lazy(
    "The signature does not match: this credential was changed after it was signed, or the "
    "academy did not sign it."
)
WRONG_KEY = gettext_lazy("This credential was not signed with the academy's key.")
WRONG_ALGORITHM = gettext_lazy(
    "This credential is not signed the way the academy signs, so it cannot be trusted."
)
NO_RECORD = gettext_lazy(
    "The signature is right, but the academy has no record of this certificate."
)
STATUS_UNKNOWN = gettext_lazy(
    "The academy's list of revoked certificates could not be checked (it may be out of "
    "date). Try again later."
)
NOT_YET_VALID = gettext_lazy("This credential is not valid yet.")


@dataclass(frozen=True)
class CheckResult:
    outcome: str  # VALID, REVOKED or NOT_VALID
    # Words for a person (lazy: said in the reader's language wherever it is shown).
    reason: Any = ""
    certificate: Certificate | None = None

    @property
    def valid(self) -> bool:
        return self.outcome == VALID

    def as_json(self) -> dict[str, Any]:
        certificate = self.certificate if self.outcome != NOT_VALID else None
        return {
            "outcome": self.outcome,
            "valid": self.valid,
            "reason": str(self.reason),
            "holder_name": certificate.holder_name if certificate else None,
            "course": certificate.course_title if certificate else None,
            "cohort": certificate.cohort_name if certificate else None,
            "issued_on": certificate.issued_at.date().isoformat() if certificate else None,
            "revoked_on": (
                certificate.revoked_at.date().isoformat()
                if certificate and certificate.revoked_at
                else None
            ),
        }


def _verdict(certificate: Certificate) -> CheckResult:
    if certificate.revoked_at is not None:
        return CheckResult(REVOKED, "", certificate)
    return CheckResult(VALID, "", certificate)


def normalise_code(text: str) -> str | None:
    """The code as printed (XXXX-XXXX-XXXX), or None when it cannot be one. Spaces, dashes
    and lower case are forgiven."""
    raw = _CODE_CHARS.sub("", str(text or "")).upper()
    if len(raw) != CODE_LENGTH or any(char not in REFERENCE_ALPHABET for char in raw):
        return None
    return f"{raw[0:4]}-{raw[4:8]}-{raw[8:12]}"


def plain(text: str) -> str:
    """A name as printed and shown on the public verify page: without control or
    direction-changing characters, which could make the verdict around it read otherwise."""
    kept = "".join(
        char
        for char in str(text or "")
        if char in "\u200c\u200d" or unicodedata.category(char) not in _HIDDEN_CATEGORIES
    )
    return " ".join(kept.split())


def echo_code(text: str) -> str:
    """What a visitor typed, fit to show back in the form: no control or direction-changing
    characters (a link could otherwise make the page read backwards), at most 40 of them."""
    shown = "".join(
        char for char in str(text or "") if unicodedata.category(char) not in _HIDDEN_CATEGORIES
    )
    return shown.strip()[:40]


_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def verify_code(code: str) -> CheckResult:
    normalised = normalise_code(code)
    if normalised is None:
        return CheckResult(NOT_VALID, MALFORMED_CODE)
    found = Certificate.objects.filter(code=normalised).first()
    if found is None:
        return CheckResult(NOT_VALID, UNKNOWN_CODE)
    return _verdict(found)


# Wrong codes one network address (IPv6: its /64) may try in an hour before code checks from
# it are refused for the rest of the hour. A person mistyping a code needs a few, not dozens.
CODE_MISSES_PER_HOUR = 20
MISS_WINDOW = 3600
TOO_MANY = gettext_lazy(
    "Too many wrong codes were checked from your network in the last hour. Wait an hour, "
    "or paste the credential instead."
)


class TooManyGuesses(DomainError):
    status = 429


def _blocked_key(who: str) -> str:
    return f"closedset:certificate-code:blocked:{hash_secret(who)}"


def verify_code_from(ip: str, code: str) -> CheckResult:
    """verify_code for a visitor at `ip`: past CODE_MISSES_PER_HOUR wrong codes in an hour
    every code check from there is refused (TooManyGuesses), right or wrong, so guessing
    learns nothing more."""
    from closedset.calendars.services import guesser

    # No address at all (a misconfigured server): counted together, so guessing is never
    # left uncounted.
    who = guesser(ip) if ip else "unknown"
    if cache.get(_blocked_key(who)) is not None:
        raise TooManyGuesses(str(TOO_MANY))
    result = verify_code(code)
    if result.outcome == NOT_VALID:
        limit = int(
            getattr(settings, "CLOSEDSET_CERTIFICATE_MISSES_PER_HOUR", CODE_MISSES_PER_HOUR)
        )
        if not rate_limit("certificate-code-miss", who, limit=limit, window=MISS_WINDOW):
            cache.set(_blocked_key(who), 1, MISS_WINDOW)
    return result


def _header(token: str) -> dict[str, Any] | None:
    import jwt

    try:
        header = jwt.get_unverified_header(token)
    except Exception:  # noqa: BLE001 - anything unreadable is simply not a credential
        return None
    return header if isinstance(header, dict) else None


def verify_credential(jwt_text: str) -> CheckResult:
    """Check a pasted credential: our signature (by the key its header names, any of the
    academy's keys), the Open Badges structure, then whether it was revoked, both from the
    record and through the signed status list as any outside verifier would."""
    token = "".join(str(jwt_text or "").split())
    if not token or len(token) > CREDENTIAL_MAX_CHARS or token.count(".") != 2:
        return CheckResult(NOT_VALID, NOT_A_CREDENTIAL)
    header = _header(token)
    if header is None:
        return CheckResult(NOT_VALID, NOT_A_CREDENTIAL)
    if header.get("alg") != signing.ALGORITHM:
        return CheckResult(NOT_VALID, WRONG_ALGORITHM)
    if "kid" in header:
        key = signing.key_for(header.get("kid"))
        if key is None:
            return CheckResult(NOT_VALID, WRONG_KEY)
        candidates = [key]
    else:
        candidates = signing.academy_keys()
    credential = None
    reason: Any = WRONG_KEY
    for key in candidates:
        try:
            credential = OB3Verifier(key.public_pem()).verify(token)
            break
        except OB3VerificationError as error:
            reason = _reason(str(error), named_key="kid" in header)
        except Exception:  # noqa: BLE001 - a token crafted to trip the parser is not ours
            reason = NOT_A_CREDENTIAL
    if credential is None:
        return CheckResult(NOT_VALID, reason)
    credential_id = str(credential.id or "").removeprefix("urn:uuid:")
    try:
        found = Certificate.objects.filter(credential_id=uuid.UUID(credential_id)).first()
    except ValueError:
        found = None
    if found is None:
        return CheckResult(NOT_VALID, NO_RECORD)
    status = _status_through_list(credential)
    if status is not None and found.revoked_at is None:
        return CheckResult(NOT_VALID, status)
    return _verdict(found)


def _reason(message: str, *, named_key: bool) -> Any:
    text = message.lower()
    if "signature" in text:
        # The key the header names did not sign these bytes: someone changed them.
        return ALTERED if named_key else WRONG_KEY
    if "not yet valid" in text or "immature" in text:
        return NOT_YET_VALID
    if "algorithm" in text:
        return WRONG_ALGORITHM
    return NOT_A_CREDENTIAL


def _status_through_list(credential: OpenBadgeCredential) -> str | None:
    """Read the credential's revocation bit the way an outside verifier does: from the signed
    status list (ours, built now, instead of fetched). None when not revoked; else a reason."""
    served = signed_status_list().encode("ascii")
    try:
        # The list is signed with the current key, whichever key signed the credential.
        OB3Verifier(signing.signing_key().public_pem()).check_status(
            credential, verify_list=True, download=lambda url: served
        )
    except OB3VerificationError as error:
        if "is set at index" in str(error):
            return None  # revoked: the record says when
        return str(STATUS_UNKNOWN)
    except Exception:  # noqa: BLE001 - fail closed, in words
        return str(STATUS_UNKNOWN)
    return None
