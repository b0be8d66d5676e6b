"""Operations on accounts: creating them, API tokens and the second factor.

Every state change goes through here; views and the API only call these functions.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import secrets
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template import Context
from django.template.loader import get_template
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext, gettext_lazy, ngettext, pgettext

from closedset.accounts.errors import (
    MailNotSent,
    RateLimited,
    TokenExpired,
    TokenNeedsEmail,
    TokenNeedsSecondFactor,
    TokenNotValid,
    TokenReadOnly,
)
from closedset.accounts.language import is_offered as is_offered_language
from closedset.accounts.models import (
    ApiToken,
    RecoveryCode,
    RecoveryCodeDevice,
    RetiredHandle,
    User,
    UserSession,
    handle_validator,
)
from closedset.lib import crypto
from closedset.lib.errors import MAX_ID, DomainError, Forbidden, require_known_ids
from closedset.productions.errors import (
    InvalidInput,
    NotFound,
)
from closedset.productions.models import (
    Membership,
    Role,
)

API_TOKEN_PREFIX = "cs_"  # noqa: S105 - a public prefix, not a secret

logger = logging.getLogger(__name__)


def hash_secret(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def needs_second_factor(user: Any) -> bool:
    """Everyone but performers (and applicants) must use a second factor: every other role
    sees or decides about other people's data. Performers are offered it and never forced.
    Django staff too."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    if Membership.objects.filter(user=user).exclude(role=Role.PERFORMER).exists():
        return True
    # Academy staff and reviewers read applications: the same rule as the crew.
    from closedset.academy.models import AcademyRole

    return AcademyRole.objects.filter(user=user).exists()


def create_user(
    *,
    email: str,
    display_name: str,
    handle: str,
    password: str | None = None,
    email_verified: bool = False,
    language: str = "",
) -> User:
    """A new account. `email_verified=True` only when the caller proved the address, e.g. the
    account comes from an invitation link that was mailed to that very address. `language`
    is the one chosen at sign-up ("": the browser's decides)."""
    email = email.strip().lower()
    handle = handle.strip()
    errors: dict[str, str] = {}
    try:
        handle_validator(handle)
    except ValidationError as error:
        errors["handle"] = " ".join(error.messages)
    if not display_name.strip():
        errors["display_name"] = gettext("Please give the name people know you by.")
    if User.objects.filter(email__iexact=email).exists():
        errors["email"] = gettext(
            "An account with this email address exists already. Log in instead."
        )
    if (
        User.objects.filter(handle=handle).exists()
        or RetiredHandle.objects.filter(digest=RetiredHandle.digest_of(handle)).exists()
    ):
        errors["handle"] = gettext("The handle %(handle)s is taken; choose another.") % {
            "handle": repr(handle)
        }
    if language and not is_offered_language(language):
        errors["language"] = gettext("Choose one of the languages in the list.")
    if password is not None:
        try:
            validate_password(password, User(email=email, display_name=display_name))
        except ValidationError as error:
            errors["password"] = " ".join(error.messages)
    if errors:
        raise InvalidInput(gettext("Please correct the marked fields."), errors)
    user = User.objects.create_user(
        email=email,
        password=password,
        display_name=display_name.strip(),
        handle=handle,
        email_verified_at=timezone.now() if email_verified else None,
        language=language,
    )
    crypto.ensure_data_key(user)
    return user


def has_confirmed_device(user: Any) -> bool:
    """A confirmed authenticator app or passkey (recovery codes only stand in for one)."""
    return has_confirmed_totp(user) or has_passkey(user)


def has_confirmed_totp(user: Any) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


# --- passkeys ------------------------------------------------------------------------------

LAST_FACTOR = gettext_lazy(
    "This is your only second factor and your role needs one. Set up an authenticator app "
    "or add another passkey first, then remove this one."
)


def has_passkey(user: Any) -> bool:
    from django_otp_webauthn.models import WebAuthnCredential

    return bool(WebAuthnCredential.objects.filter(user=user, confirmed=True).exists())


def passkeys_of(user: Any) -> list[Any]:
    """The person's confirmed passkeys, newest first."""
    from django_otp_webauthn.models import WebAuthnCredential

    if not getattr(user, "pk", None):
        return []
    return list(
        WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("-created_at", "-pk")
    )


def remove_passkey(user: User, passkey_id: int) -> None:
    """Forget one of the person's passkeys; never the last factor of someone who needs one."""
    from django_otp_webauthn.models import WebAuthnCredential

    require_known_ids(passkey_id)
    with transaction.atomic():
        passkey = (
            WebAuthnCredential.objects.select_for_update().filter(user=user, pk=passkey_id).first()
        )
        if passkey is None:
            raise NotFound(gettext("That passkey is not on your account (any more)."))
        others = WebAuthnCredential.objects.filter(user=user, confirmed=True).exclude(pk=passkey.pk)
        if needs_second_factor(user) and not (has_confirmed_totp(user) or others.exists()):
            raise InvalidInput(str(LAST_FACTOR))
        passkey.delete()


def start_totp_enrolment(user: User) -> Any:
    """The person's unconfirmed authenticator (created once; confirmed by a first code)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def confirm_totp(user: User, code: str) -> Any:
    """Confirm enrolment with a first code; returns the device, or raises InvalidInput."""
    device = start_totp_enrolment(user)
    if not device.verify_token(code.strip().replace(" ", "")):
        raise InvalidInput(
            gettext("That code did not match."),
            {"code": gettext("That code did not match. Enter the current 6-digit code.")},
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


def verify_totp(user: User, code: str) -> Any:
    """The confirmed authenticator that accepts `code`, or InvalidInput."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    token = code.strip().replace(" ", "")
    # Only authenticators: a mistyped 6-digit code must not count against the recovery codes.
    with transaction.atomic():
        for device in TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True):
            if device.verify_token(token):
                return device
    raise InvalidInput(
        gettext("That code did not match."),
        {"code": gettext("That code did not match. Enter the current 6-digit code.")},
    )


def totp_qr_svg(device: Any) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    return str(image.to_string(encoding="unicode"))


# --- mail ----------------------------------------------------------------------------------


def send_mail_to(
    email: str,
    subject_template: str,
    body_template: str,
    context: Mapping[str, Any] | None = None,
) -> None:
    """Send one plain-text e-mail to `email`, rendered from two templates; every mail the site
    sends goes through here.

    Templates are plain text (no HTML escaping); `site_name` is in their context. The subject
    is joined to one line. Raises MailNotSent if the mail server does not take the message.
    """
    data = Context({"site_name": settings.SITE_NAME, **(context or {})}, autoescape=False)
    subject = " ".join(get_template(subject_template).template.render(data).split())  # type: ignore[attr-defined]
    body = get_template(body_template).template.render(data)  # type: ignore[attr-defined]
    try:
        send_mail(subject, body, None, [email])
    except (smtplib.SMTPException, OSError) as error:
        # The error text may name the recipient: log only what kind of failure it was.
        logger.warning("sending mail failed: %s", type(error).__name__)
        raise MailNotSent() from None


def in_language_of(user: Any) -> contextlib.AbstractContextManager[Any]:
    """Mail written for `user` speaks the language they chose for their account; without a
    choice, the page's (the person asking is, as a rule, the one the mail is for)."""
    code = str(getattr(user, "language", "") or "")
    if is_offered_language(code):
        return translation.override(code)
    return contextlib.nullcontext()


def _rate_key(scope: str, key: str) -> str:
    # Hashed, so e-mail addresses do not sit in the cache in the clear.
    return f"closedset:rate:{scope}:{hash_secret(key)}"


def rate_limit(scope: str, key: str, *, limit: int, window: int = 3600) -> bool:
    """Count one use of `key` in `scope`; False once more than `limit` in `window` seconds."""
    cache_key = _rate_key(scope, key)
    if cache.add(cache_key, 1, window):
        return limit >= 1
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, window)
        count = 1
    return bool(count <= limit)


TOO_MANY_MAILS = gettext_lazy(
    "We have sent several e-mails for this address in the last hour. "
    "Please check your inbox (and spam folder), or wait an hour and try again."
)


def limit_mail(scope: str, *, email: str, ip: str | None) -> None:
    """At most CLOSEDSET_MAILS_PER_ADDRESS per address and CLOSEDSET_MAILS_PER_IP per network
    address in an hour, for each kind of mail; RateLimited past that.

    Counted whether or not an account has the address, so the answer never tells which
    addresses have accounts.
    """
    allowed = rate_limit(
        f"{scope}:email", normalise_email(email), limit=settings.CLOSEDSET_MAILS_PER_ADDRESS
    )
    if ip:
        allowed = rate_limit(f"{scope}:ip", ip, limit=settings.CLOSEDSET_MAILS_PER_IP) and allowed
    if not allowed:
        message = str(TOO_MANY_MAILS)
        raise RateLimited(message, {"email": message})


# --- sign-in -------------------------------------------------------------------------------


def normalise_email(value: str) -> str:
    return value.strip().lower()


def axes_username(request: Any, credentials: Mapping[str, Any] | None = None) -> str:
    """The login name axes counts failures for: case variants of one address are one name."""
    source = credentials if credentials is not None else getattr(request, "POST", {})
    return normalise_email(str(source.get(settings.AXES_USERNAME_FORM_FIELD) or ""))


# --- e-mail address verification -----------------------------------------------------------

EMAIL_VERIFICATION_SALT = "closedset.accounts.email-verification"


def needs_email_verification(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.email_verified_at is None)


def mark_email_verified(user: User) -> None:
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])


def email_verification_key(user: User) -> str:
    # The address is signed in: a link for an old address stops working if it changes.
    return signing.dumps({"u": user.pk, "e": user.email}, salt=EMAIL_VERIFICATION_SALT)


def send_verification_mail(user: User, *, base_url: str, ip: str | None) -> None:
    """Mail `user` a signed link that confirms their address (rate limited)."""
    limit_mail("verify", email=user.email, ip=ip)
    path = reverse("accounts:email_confirm", args=[email_verification_key(user)])
    with in_language_of(user):
        send_mail_to(
            user.email,
            "accounts/email/verify_subject.txt",
            "accounts/email/verify_body.txt",
            {
                "user": user,
                "link": urljoin(base_url, path),
                "hours": settings.CLOSEDSET_EMAIL_LINK_HOURS,
            },
        )


def send_first_verification_mail(user: User, *, base_url: str, ip: str | None) -> bool:
    """Send the link unasked the first time the person is held, at most once an hour."""
    if not cache.add(f"closedset:verify-sent:{user.pk}", 1, 3600):
        return False
    try:
        send_verification_mail(user, base_url=base_url, ip=ip)
    except (RateLimited, MailNotSent):
        return False
    return True


def read_email_verification_key(key: str) -> User:
    """The account a verification link is for, or InvalidInput saying what to do."""
    try:
        data = signing.loads(
            key, salt=EMAIL_VERIFICATION_SALT, max_age=settings.CLOSEDSET_EMAIL_LINK_HOURS * 3600
        )
        user_id, email = int(data["u"]), str(data["e"])
    except signing.SignatureExpired:
        raise InvalidInput(
            gettext("This link has expired. Log in and ask for a new one on the page you see.")
        ) from None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise InvalidInput(
            gettext(
                "This link is not valid. Check that you copied all of it, or ask for a new one."
            )
        ) from None
    user = User.objects.filter(pk=user_id, email=email, is_active=True).first()
    if user is None:
        raise InvalidInput(
            gettext("This link is not valid any more. Log in and ask for a new one.")
        )
    return user


def confirm_email(key: str) -> User:
    user = read_email_verification_key(key)
    mark_email_verified(user)
    return user


# --- passwords -----------------------------------------------------------------------------

# Wrong current passwords on the change form per account and hour: a borrowed session must not
# become a way to guess the password.
PASSWORD_CHANGE_FAILURES = 5


def password_change_locked(user: Any) -> bool:
    count = cache.get(_rate_key("password-change", str(user.pk)), 0)
    return int(count) >= PASSWORD_CHANGE_FAILURES


def count_wrong_current_password(user: Any) -> None:
    rate_limit("password-change", str(user.pk), limit=PASSWORD_CHANGE_FAILURES)


def password_changed(user: User) -> None:
    """After a password change or reset: revoke every API token (one made with a stolen
    password must not outlive the new one) and tell the person, so a change they did not make
    is noticed."""
    tokens, _ = ApiToken.objects.filter(user=user).delete()
    # The change itself stands if the notice cannot go out.
    with contextlib.suppress(MailNotSent), in_language_of(user):
        send_mail_to(
            user.email,
            "accounts/email/password_changed_subject.txt",
            "accounts/email/password_changed_body.txt",
            {"user": user, "tokens": tokens},
        )


# --- recovery codes ------------------------------------------------------------------------

RECOVERY_CODE_COUNT = 10
# Crockford's base32: no i, l, o or u to misread. 16 characters = 80 random bits, so a fast
# salted hash is enough: guessing from a stolen hash is out of reach.
_CODE_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
_CODE_LOOKALIKES = str.maketrans({"o": "0", "i": "1", "l": "1"})


def _normalise_code(code: str) -> str:
    return "".join(code.lower().split()).replace("-", "").translate(_CODE_LOOKALIKES)


def _hash_code(salt: str, code: str) -> str:
    return hashlib.sha256(f"{salt}:{_normalise_code(code)}".encode()).hexdigest()


def recovery_code_matches(code: RecoveryCode, given: str) -> bool:
    return hmac.compare_digest(code.code_hash, _hash_code(code.salt, given))


def new_recovery_codes(user: User) -> list[str]:
    """Ten fresh one-time codes, shown to the person once; any older codes stop working."""
    plain = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(16))
        plain.append("-".join(raw[i : i + 4] for i in range(0, 16, 4)))
    with transaction.atomic():
        device, _ = RecoveryCodeDevice.objects.select_for_update().get_or_create(
            user=user, defaults={"name": "Recovery codes", "confirmed": True}
        )
        device.codes.all().delete()
        rows = []
        for code in plain:
            salt = secrets.token_hex(16)
            rows.append(RecoveryCode(device=device, salt=salt, code_hash=_hash_code(salt, code)))
        RecoveryCode.objects.bulk_create(rows)
        device.throttle_reset()
    return plain


def recovery_codes_left(user: Any) -> int:
    return RecoveryCode.objects.filter(device__user=user, used_at__isnull=True).count()


def use_recovery_code(user: User, code: str) -> RecoveryCodeDevice:
    """Sign-in with a recovery code: the device it belongs to (the code is now used up)."""
    wrong = InvalidInput(
        gettext("That recovery code did not work."),
        {"code": gettext("That is not one of your unused recovery codes. Check it and try again.")},
    )
    with transaction.atomic():
        device: RecoveryCodeDevice | None = (
            RecoveryCodeDevice.objects.select_for_update().filter(user=user).first()
        )
        if device is None:
            raise wrong
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            raise InvalidInput(
                gettext("Too many wrong codes in a row."),
                {"code": gettext("Too many wrong codes in a row. Wait a minute, then try again.")},
            )
        accepted = device.verify_token(code)
    # Raised outside the transaction, so the failure count it recorded is kept.
    if not accepted:
        raise wrong
    return device


def replace_authenticator(user: User) -> None:
    """Forget the person's authenticator app (e.g. a lost phone) so a new one can be set up."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=user).delete()


# --- API tokens and sessions ---
#
# A token obeys the rules a browser session obeys: it works only while its owner has the
# second factor their roles need (and a confirmed address), it is made only from a session that
# passed the second factor, and it expires. Browser sessions are tracked (by a hash of their
# key) so that a person can see them and end them from any device.

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
TOKEN_DAY_CHOICES = (7, 30, 90)
# last_used_at / last_seen_at are written at most this often: a busy client is not a write
# per request.
ACTIVITY_RESOLUTION = timedelta(minutes=1)
# Stored in the session: the key hash it was last recorded under (follows key rotation).
SESSION_MARKER = "closedset_session"


def token_day_choices() -> list[int]:
    """Lifetimes a person may choose: the usual ones up to CLOSEDSET_TOKEN_DAYS, and it."""
    longest = max(1, int(settings.CLOSEDSET_TOKEN_DAYS))
    return sorted({days for days in TOKEN_DAY_CHOICES if days < longest} | {longest})


def may_create_token_without_second_factor(user: Any) -> bool:
    return not needs_second_factor(user) and not has_confirmed_device(user)


def create_api_token(
    user: User,
    name: str,
    *,
    access: str = ApiToken.Access.READ,
    production_id: int | None = None,
    days: int | None = None,
    session_verified: bool = False,
) -> tuple[ApiToken, str]:
    """A new token and its secret (shown once; only the hash is kept).

    `session_verified`: the session asking passed the second factor. It must have, when the
    person's roles need one or they set one up: otherwise a stolen password alone would be
    enough to mint a lasting credential.
    """
    if not session_verified and not may_create_token_without_second_factor(user):
        raise Forbidden(
            gettext("Confirm your second factor in this browser first, then create the token.")
        )
    name = name.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = gettext("Required, e.g. the laptop it is for.")
    elif len(name) > 100:
        errors["name"] = gettext("At most 100 characters.")
    elif "\x00" in name:
        errors["name"] = gettext("Plain text only.")
    if access not in ApiToken.Access.values:
        errors["access"] = gettext("Choose read only, or read and change.")
    if production_id is not None and not (
        0 < production_id <= MAX_ID
        and Membership.objects.filter(user=user, production_id=production_id).exists()
    ):
        errors["production"] = gettext("Choose one of your productions, or all of them.")
    choices = token_day_choices()
    lifetime = choices[-1] if days is None else days
    if lifetime not in choices:
        *shorter, longest = (str(d) for d in choices)
        listed = (
            gettext("%(first)s or %(last)s") % {"first": ", ".join(shorter), "last": longest}
            if shorter
            else longest
        )
        errors["days"] = ngettext(
            "Choose %(choices)s day.", "Choose %(choices)s days.", choices[-1]
        ) % {"choices": listed}
    if errors:
        raise InvalidInput(gettext("Please correct the marked fields."), errors)
    secret = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[:10],
        token_hash=hash_secret(secret),
        access=access,
        production_id=production_id,
        created_at=now,
        expires_at=now + timedelta(days=lifetime),
    )
    return token, secret


def my_api_tokens(user: Any) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=user).select_related("production"))


def revoke_api_token(user: User, token_id: int) -> None:
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    if not deleted:
        raise NotFound(gettext("No such token."))


def check_api_token(secret: str, *, method: str = "GET") -> ApiToken:
    """The token behind `secret`, if it may make a `method` request now; otherwise the error
    that says why not (not valid, expired, second factor or address missing, read only)."""
    if not secret.startswith(API_TOKEN_PREFIX):
        raise TokenNotValid()
    token = ApiToken.objects.select_related("user").filter(token_hash=hash_secret(secret)).first()
    if token is None or not token.user.is_active:
        raise TokenNotValid()
    now = timezone.now()
    if token.is_expired(now):
        raise TokenExpired(
            dateformat.format(
                token.expires_at, pgettext("date format: the day a token expired", "j F Y")
            )
        )
    user = token.user
    # The same holds as for a browser session (accounts.middleware): a token is no way round.
    if needs_second_factor(user) and not has_confirmed_device(user):
        raise TokenNeedsSecondFactor()
    if needs_email_verification(user):
        raise TokenNeedsEmail()
    if method.upper() not in SAFE_METHODS and not token.may_write:
        raise TokenReadOnly()
    if token.last_used_at is None or now - token.last_used_at >= ACTIVITY_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def user_for_api_token(secret: str) -> User | None:
    """The owner of a token that may read now, else None."""
    try:
        return check_api_token(secret).user
    except DomainError:
        return None


_BROWSERS = (
    ("Edg", "Edge"),
    ("OPR/", "Opera"),
    ("FxiOS", "Firefox"),
    ("Firefox/", "Firefox"),
    ("CriOS", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
    ("curl/", "curl"),
)
_SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("CrOS", "ChromeOS"),
    ("Mac OS X", "macOS"),
    ("Macintosh", "macOS"),
    ("Linux", "Linux"),
)


def browser_summary(user_agent: str) -> str:
    """A summary such as "Firefox on Android": enough to recognise a device, nothing more."""
    browser = next((name for marker, name in _BROWSERS if marker in user_agent), "")
    system = next((name for marker, name in _SYSTEMS if marker in user_agent), "")
    if browser and system:
        return f"{browser} on {system}"
    return browser or system


_BROWSER_NAMES = frozenset(name for _, name in _BROWSERS)
_SYSTEM_NAMES = frozenset(name for _, name in _SYSTEMS)


def browser_label(summary: str) -> str:
    """A stored summary (browser_summary's "Firefox on Android") in the reader's language.

    The names stay as they are; only the "on" between them is translated. Anything that is not
    such a summary is shown as it was stored."""
    browser, on, system = summary.partition(" on ")
    if on and browser in _BROWSER_NAMES and system in _SYSTEM_NAMES:
        return gettext("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    return summary


def session_key_hash(session: Any) -> str | None:
    key = getattr(session, "session_key", None)
    return hash_secret(key) if key else None


def start_session(
    user: User, session: Any, *, user_agent: str = "", ip: str | None = None
) -> UserSession:
    """Record a session that has just signed in (called on every login)."""
    if not session.session_key:
        session.save()
    key_hash = hash_secret(session.session_key)
    now = timezone.now()
    record, _ = UserSession.objects.update_or_create(
        key_hash=key_hash,
        defaults={
            "user": user,
            "created_at": now,
            "last_seen_at": now,
            "browser": browser_summary(user_agent)[:60],
            "ip": _valid_ip(ip),
        },
    )
    session[SESSION_MARKER] = key_hash
    return record


def _valid_ip(ip: str | None) -> str | None:
    import ipaddress

    try:
        return str(ipaddress.ip_address(ip or ""))
    except ValueError:
        return None


def _session_record(user: Any, session: Any) -> tuple[UserSession | None, str | None]:
    """The record of the signed-in `session`, under its current key or the one it was
    recorded with (None when it was ended from elsewhere, or never recorded), and the hash of
    its current key."""
    current = session_key_hash(session)
    recorded = session.get(SESSION_MARKER) if session is not None else None
    if current is None or not recorded:
        return None, current
    record = UserSession.objects.filter(user=user, key_hash__in={current, recorded}).first()
    return record, current


def keep_session(user: Any, session: Any, *, ip: str | None = None) -> bool:
    """True while the signed-in `session` is on record (its last-seen time refreshed at most once
    a minute); False when it was ended from elsewhere, or never recorded: sign it out."""
    record, current = _session_record(user, session)
    if record is None:
        return False
    now = timezone.now()
    changes: dict[str, Any] = {}
    if record.key_hash != current:
        # Django gave the session a new key (e.g. after a password change): follow it.
        changes["key_hash"] = current
        session[SESSION_MARKER] = current
    if now - record.last_seen_at >= ACTIVITY_RESOLUTION:
        changes["last_seen_at"] = now
        changes["ip"] = _valid_ip(ip) or record.ip
    if changes:
        UserSession.objects.filter(pk=record.pk).update(**changes)
    return True


def session_on_record(user: Any, session: Any) -> bool:
    """keep_session's answer without its bookkeeping (one read, nothing written): for a
    shoot-day signal, which must not wait on anything more."""
    return _session_record(user, session)[0] is not None


def forget_session(session: Any) -> None:
    """The session signed out: drop its record."""
    key_hash = session_key_hash(session)
    if key_hash:
        UserSession.objects.filter(key_hash=key_hash).delete()


def active_sessions(user: Any) -> list[UserSession]:
    """The person's browser sessions, newest activity first (records of sessions that can only
    have expired by now are dropped on the way)."""
    oldest = timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    UserSession.objects.filter(user=user, last_seen_at__lt=oldest).delete()
    return list(UserSession.objects.filter(user=user))


def end_session(user: Any, session_id: int) -> UserSession:
    """End one of the person's sessions (it is gone from the session store; the caller signs
    out the current request if it was this one)."""
    require_known_ids(session_id)
    record = UserSession.objects.filter(user=user, pk=session_id).first()
    if record is None:
        raise NotFound(gettext("No such session. It may have ended already."))
    record.delete()
    _delete_from_session_store({record.key_hash})
    return record


@dataclass(frozen=True)
class SignedOut:
    sessions: int
    tokens: int


def end_all_sessions(user: Any) -> SignedOut:
    """Sign out everywhere: every browser session ends and every API token is revoked."""
    with transaction.atomic():
        hashes = set(UserSession.objects.filter(user=user).values_list("key_hash", flat=True))
        UserSession.objects.filter(user=user).delete()
        tokens, _ = ApiToken.objects.filter(user=user).delete()
    _delete_from_session_store(hashes)
    return SignedOut(sessions=len(hashes), tokens=tokens)


def _delete_from_session_store(key_hashes: set[str]) -> None:
    """Delete the sessions with these key hashes from a database-backed session store.

    Only hashes are kept, so the store's live keys are hashed to find them: a rare action. Any
    other store keeps them until they expire, but SessionActivityMiddleware signs out a session
    without a record at its very next request, whatever the store.
    """
    from importlib import import_module

    if not key_hashes:
        return
    store = import_module(settings.SESSION_ENGINE).SessionStore
    get_model_class = getattr(store, "get_model_class", None)
    if get_model_class is None:
        return
    live = get_model_class().objects.filter(expire_date__gt=timezone.now())
    for key in live.values_list("session_key", flat=True).iterator():
        if hash_secret(key) in key_hashes:
            store(session_key=key).delete()


# --- leaving: export and erasure ---
#
# A person can take away everything closedset holds about them, and erase their account:
# their data key is destroyed (every sealed value of theirs becomes unreadable, in backups
# too once the backups' key-encryption key is retired), their own records are deleted, and
# the account row stays only as "Erased account" so other people's history keeps its shape.

ERASE_WORD = "ERASE"
ERASED_NAME = "Erased account"
# A reserved top-level domain (RFC 2606): mail to it can never be delivered.
ERASED_DOMAIN = "erased.invalid"
WRONG_PASSWORD = gettext_lazy("That is not your password. Type the password you log in with.")
CONFIRM_ERASE = gettext_lazy("Type ERASE in capital letters, or your e-mail address, to confirm.")


def confirm_password(user: User, password: str) -> None:
    """The person's password again before a download of all their data or an erasure.

    Wrong answers count towards the hourly limit of the password-change form: a borrowed,
    signed-in browser must not become a way to guess the password.
    """
    if password_change_locked(user):
        message = gettext("Your password was wrong too many times. Wait an hour and try again.")
        raise RateLimited(message, {"password": message})
    if not password or not user.check_password(password):
        count_wrong_current_password(user)
        message = str(WRONG_PASSWORD)
        raise InvalidInput(message, {"password": message})


def export_data(user: User) -> dict[str, Any]:
    """Everything about the person, for them to download: never secrets or their hashes."""
    from closedset.boundaries import services as boundaries
    from closedset.consent import services as consent
    from closedset.notices import services as notices
    from closedset.onset import services as onset
    from closedset.plans import services as plans
    from closedset.productions.models import Invitation, OnePersonCrewAgreement, OrgMembership
    from closedset.rider import services as rider

    labels = dict(Role.choices)
    memberships = Membership.objects.filter(user=user).select_related("production__organisation")
    accepted = Invitation.objects.filter(accepted_by=user).select_related("production")
    agreements = OnePersonCrewAgreement.objects.filter(performer=user).select_related("production")
    data: dict[str, Any] = {
        "format": "closedset personal data export, version 1",
        "exported_at": timezone.now(),
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "handle": user.handle,
            # Empty when the person never chose: their browser's language decides.
            "language": user.language,
            "joined_at": user.date_joined,
            "last_login_at": user.last_login,
            "email_confirmed_at": user.email_verified_at,
            "second_factor": has_confirmed_device(user),
            "recovery_codes_left": recovery_codes_left(user),
        },
        "organisations": [
            {"name": row.organisation.name, "since": row.created_at}
            for row in OrgMembership.objects.filter(user=user).select_related("organisation")
        ],
        "memberships": [
            {
                "production": row.production.name,
                "organisation": row.production.organisation.name,
                "role": labels.get(row.role, row.role),
                "since": row.created_at,
            }
            for row in memberships.order_by("created_at", "pk")
        ],
        "invitations_accepted": [
            {
                "production": row.production.name,
                "role": labels.get(row.role, row.role),
                "invited_at": row.created_at,
                "accepted_at": row.accepted_at,
            }
            for row in accepted.order_by("accepted_at", "pk")
        ],
        "one_person_crew_agreements": [
            {
                "production": row.production.name,
                "agreed_at": row.agreed_at,
                "withdrawn_at": row.withdrawn_at,
            }
            for row in agreements.order_by("agreed_at", "pk")
        ],
        "api_tokens": [
            {
                "name": token.name,
                "prefix": token.prefix,
                "access": token.access,
                "production": token.production.name if token.production else None,
                "created_at": token.created_at,
                "expires_at": token.expires_at,
                "last_used_at": token.last_used_at,
            }
            for token in my_api_tokens(user)
        ],
        "sessions": [
            {
                "browser": record.browser,
                "ip": record.ip,
                "signed_in_at": record.created_at,
                "last_seen_at": record.last_seen_at,
            }
            for record in UserSession.objects.filter(user=user)
        ],
    }
    data.update(boundaries.export_profile_data(user))
    data.update(plans.export_plan_data(user))
    data.update(notices.export_notice_data(user))
    data.update(consent.export_consent_data(user))
    data.update(rider.export_rider_data(user))
    data.update(onset.export_onset_data(user))
    from closedset.academy.export import export_academy_data

    data.update(export_academy_data(user))
    return data


def export_json(user: User) -> str:
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    return json.dumps(export_data(user), cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


def sole_producer_of(user: Any) -> list[Any]:
    """Productions where the person is the only producer: erasing leaves them without one."""
    from closedset.productions.models import Production

    mine = Membership.objects.filter(user=user, role=Role.PRODUCER).values_list(
        "production_id", flat=True
    )
    others = (
        Membership.objects.filter(production_id__in=list(mine), role=Role.PRODUCER)
        .exclude(user=user)
        .values_list("production_id", flat=True)
    )
    return list(
        Production.objects.filter(pk__in=list(mine)).exclude(pk__in=list(others)).order_by("name")
    )


@dataclass(frozen=True)
class Erased:
    # Productions the person was the only producer of: they have none now.
    without_producer: list[str]


def erase_account(user: User, password: str, confirmation: str) -> Erased:
    """Erase the person's own account, once they typed their password and ERASE (or their
    e-mail address)."""
    word = (confirmation or "").strip()
    confirmed = word == ERASE_WORD or (bool(word) and normalise_email(word) == user.email)
    try:
        confirm_password(user, password)
    except InvalidInput as error:
        if not confirmed:
            error.fields["confirm"] = str(CONFIRM_ERASE)
        raise
    if not confirmed:
        raise InvalidInput(str(CONFIRM_ERASE), {"confirm": str(CONFIRM_ERASE)})
    return erase(user)


def erase(user: User) -> Erased:
    """Destroy the person's data key and their records; keep an anonymous account row.

    Kept, pointing at "Erased account": looks at profiles and beat changes (other people's
    history), plan versions, and invitations they sent. Their cast roles open again.
    """
    from django.db.models import Q
    from django_otp import devices_for_user
    from django_otp_webauthn.models import WebAuthnCredential, WebAuthnUserHandle

    from closedset.academy import services as academy
    from closedset.academy.models import AcademyRole
    from closedset.boundaries import services as boundaries
    from closedset.certificates import services as certificates
    from closedset.consent import services as consent
    from closedset.notices import services as notices
    from closedset.plans import services as plans
    from closedset.productions.models import Invitation, OrgMembership
    from closedset.record import services as record
    from closedset.registry import services as registry
    from closedset.rider import services as rider

    left_alone = [production.name for production in sole_producer_of(user)]
    old_email = user.email
    with transaction.atomic():
        row = User.objects.select_for_update().get(pk=user.pk)
        boundaries.erase_profile_data(row)
        plans.uncast_performer(row)
        academy.erase_applicant_data(row)
        certificates.erase_holder(row)
        registry.erase_listing(row)
        AcademyRole.objects.filter(user=row).delete()
        notices.erase_notice_data(row)
        consent.erase_consent_data(row)
        rider.erase_rider_data(row)
        # The salts go: no log entry can be tied to the person again, and every log verifies.
        record.erase_person(row)
        Membership.objects.filter(user=row).delete()
        OrgMembership.objects.filter(user=row).delete()
        # Every second factor of any kind (authenticator, recovery codes, passkeys).
        for device in list(devices_for_user(row, confirmed=None)):
            device.delete()
        WebAuthnCredential.objects.filter(user=row).delete()
        WebAuthnUserHandle.objects.filter(user=row).delete()
        end_all_sessions(row)  # every browser signed out, every API token revoked
        placeholder = f"erased-{secrets.token_hex(8)}"
        RetiredHandle.objects.get_or_create(digest=RetiredHandle.digest_of(row.handle))
        # Invitations to the address stay in the production's list, without the address;
        # an open one can no longer be accepted.
        invitations = Invitation.objects.filter(Q(accepted_by=row) | Q(email__iexact=old_email))
        invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        invitations.update(email=f"{placeholder}@{ERASED_DOMAIN}")
        row.email = f"{placeholder}@{ERASED_DOMAIN}"
        row.handle = placeholder
        row.display_name = ERASED_NAME
        row.set_unusable_password()
        row.is_active = False
        row.is_staff = False
        row.is_superuser = False
        row.email_verified_at = None
        row.last_login = None
        row.save(
            update_fields=[
                "email",
                "handle",
                "display_name",
                "password",
                "is_active",
                "is_staff",
                "is_superuser",
                "email_verified_at",
                "last_login",
            ]
        )
        row.groups.clear()
        row.user_permissions.clear()
        # Last, and after the save above, which must not write the old wrapped key back.
        crypto.destroy_data_key(row)
    _forget_sign_in_attempts(old_email)
    return Erased(without_producer=left_alone)


def _forget_sign_in_attempts(email: str) -> None:
    """Failed sign-ins recorded under the old address name a person who is gone."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username=email).delete()
