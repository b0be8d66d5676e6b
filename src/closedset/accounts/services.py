"""Operations on accounts: creating them, API tokens and the second factor.

Every state change goes through here; views and the API only call these functions.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from closedset.accounts.models import ApiToken, User, handle_validator
from closedset.lib import crypto
from closedset.productions.errors import (
    InvalidInput,
    NotFound,
)
from closedset.productions.models import (
    SECOND_FACTOR_ROLES,
    Membership,
)

API_TOKEN_PREFIX = "cs_"  # noqa: S105 - a public prefix, not a secret


def hash_secret(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def needs_second_factor(user: Any) -> bool:
    """Producers, coordinators, custodians and Django staff must use TOTP."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    return Membership.objects.filter(user=user, role__in=SECOND_FACTOR_ROLES).exists()


def create_user(*, email: str, display_name: str, handle: str, password: str | None = None) -> User:
    email = email.strip().lower()
    handle = handle.strip()
    errors: dict[str, str] = {}
    try:
        handle_validator(handle)
    except ValidationError as error:
        errors["handle"] = " ".join(error.messages)
    if not display_name.strip():
        errors["display_name"] = "Please give the name people know you by."
    if User.objects.filter(email__iexact=email).exists():
        errors["email"] = "An account with this email address exists already. Log in instead."
    if User.objects.filter(handle=handle).exists():
        errors["handle"] = f"The handle {handle!r} is taken; choose another."
    if password is not None:
        try:
            validate_password(password, User(email=email, display_name=display_name))
        except ValidationError as error:
            errors["password"] = " ".join(error.messages)
    if errors:
        raise InvalidInput("Please correct the marked fields.", errors)
    user = User.objects.create_user(
        email=email, password=password, display_name=display_name.strip(), handle=handle
    )
    crypto.ensure_data_key(user)
    return user


def create_api_token(user: User, name: str) -> tuple[ApiToken, str]:
    name = name.strip()
    if not name:
        raise InvalidInput("Name the token.", {"name": "Required, e.g. the laptop it is for."})
    if len(name) > 100:
        raise InvalidInput("Name too long.", {"name": "At most 100 characters."})
    secret = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=secret[:10], token_hash=hash_secret(secret)
    )
    return token, secret


def revoke_api_token(user: User, token_id: int) -> None:
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    if not deleted:
        raise NotFound("No such token.")


def user_for_api_token(secret: str) -> User | None:
    if not secret.startswith(API_TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(token_hash=hash_secret(secret)).first()
    if token is None or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


def has_confirmed_device(user: Any) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


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
            "That code did not match.",
            {"code": "That code did not match. Enter the current 6-digit code."},
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


def verify_totp(user: User, code: str) -> Any:
    """The confirmed device that accepts `code`, or InvalidInput."""
    from django_otp import match_token

    device = match_token(user, code.strip().replace(" ", ""))
    if device is None:
        raise InvalidInput(
            "That code did not match.",
            {"code": "That code did not match. Enter the current 6-digit code."},
        )
    return device


def totp_qr_svg(device: Any) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    return str(image.to_string(encoding="unicode"))
