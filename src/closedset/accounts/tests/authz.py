"""Authorization-matrix entries for account pages (format: api/tests/authz_matrix.py).

(The token pages' entries sit with the other people pages in productions/tests/authz.py.)
"""

from __future__ import annotations

from typing import Any

from closedset.api.tests.authz_matrix import LOGIN, REDIRECT, outcomes

EXPECTED: dict[str, dict[str, object]] = {
    # --- API tokens and sessions ---
    "GET /account/sessions/": outcomes(anonymous=LOGIN, default=200),
    "POST /account/sessions/": outcomes(anonymous=LOGIN, default=405),
    # The session is Mara's (on another device): only she can end it.
    "GET /account/sessions/<session_id>/end/": outcomes(anonymous=LOGIN, default=405),
    "POST /account/sessions/<session_id>/end/": outcomes(
        anonymous=LOGIN, mara=REDIRECT, default=404
    ),
    # GET asks for confirmation; the POST signs the asker out everywhere, back to the login.
    "GET /account/sessions/end-all/": outcomes(anonymous=LOGIN, default=200),
    "POST /account/sessions/end-all/": outcomes(default=LOGIN),
}


def _session_id(world: Any) -> int:
    from closedset.accounts.models import UserSession

    return UserSession.objects.create(user=world.mara, key_hash="0" * 64, browser="Safari").pk


PARAMS = {"session_id": _session_id}


# --- account page, e-mail address, passwords, recovery codes ---

# Everyone but the performers has (or needs, and so was given) an authenticator.
HAS_FACTOR = ("oscar", "ines", "dario", "petra", "cora")


def _email_key(world: Any) -> str:
    from closedset.accounts import services

    return services.email_verification_key(world.mara)


EXPECTED.update(
    {
        "GET /account/": outcomes(anonymous=LOGIN, default=200),
        "POST /account/": outcomes(anonymous=LOGIN, default=405),
        # Every persona's address is confirmed: the waiting page sends them on.
        "GET /account/email/": outcomes(anonymous=LOGIN, default=REDIRECT),
        "POST /account/email/": outcomes(anonymous=LOGIN, default=REDIRECT),
        # The link is Mara's; it needs no sign-in (it may be opened on another device).
        "GET /account/email/confirm/<key>/": outcomes(default=200),
        "POST /account/email/confirm/<key>/": outcomes(anonymous=LOGIN, default=REDIRECT),
        "GET /account/password/": outcomes(anonymous=LOGIN, default=200),
        "POST /account/password/": outcomes(anonymous=LOGIN, default=422),
        "GET /password-reset/": outcomes(default=200),
        "POST /password-reset/": outcomes(default=422),
        "GET /password-reset/sent/": outcomes(default=200),
        "POST /password-reset/sent/": outcomes(default=405),
        "GET /password-reset/done/": outcomes(default=200),
        "POST /password-reset/done/": outcomes(default=405),
        # A link that is not valid says so, to everyone alike.
        "GET /password-reset/<uidb64>/<token>/": outcomes(default=200),
        "POST /password-reset/<uidb64>/<token>/": outcomes(default=200),
        # Already past the second factor (or without one): nothing to recover.
        "GET /account/second-factor/recovery/": outcomes(anonymous=LOGIN, default=REDIRECT),
        "POST /account/second-factor/recovery/": outcomes(anonymous=LOGIN, default=REDIRECT),
        "GET /account/second-factor/replace/": outcomes(anonymous=LOGIN, default=405),
        "POST /account/second-factor/replace/": outcomes(anonymous=LOGIN, default=REDIRECT),
        # Codes belong to a second factor; without one the page sends the person to set it up.
        "GET /account/recovery-codes/": outcomes(
            anonymous=LOGIN, **dict.fromkeys(HAS_FACTOR, 200), default=REDIRECT
        ),
        "POST /account/recovery-codes/": outcomes(
            anonymous=LOGIN, **dict.fromkeys(HAS_FACTOR, 200), default=REDIRECT
        ),
    }
)
ROUTE_PARAMS = {
    "GET /account/email/confirm/<key>/": {"key": _email_key},
    "POST /account/email/confirm/<key>/": {"key": _email_key},
    "GET /password-reset/<uidb64>/<token>/": {
        "uidb64": lambda world: "MQ",
        "token": lambda world: "x",
    },
    "POST /password-reset/<uidb64>/<token>/": {
        "uidb64": lambda world: "MQ",
        "token": lambda world: "x",
    },
}


# --- leaving: export and erasure ---


def _password_again(world: Any) -> dict[str, str]:
    """Every persona's password set to one known here, so each can confirm with it."""
    import secrets

    from django.contrib.auth.hashers import make_password

    from closedset.accounts.models import User

    password = secrets.token_urlsafe(12)
    hashed = make_password(password)
    User.objects.filter(pk__in=[user.pk for user in world.users.values()]).update(password=hashed)
    for user in world.users.values():
        user.password = hashed  # the clients sign in from these objects
    return {"password": password}


def _erase_body(world: Any) -> dict[str, str]:
    return _password_again(world) | {"confirm": "ERASE"}


EXPECTED.update(
    {
        # Each person downloads their own data only: there is nothing to name but oneself.
        "GET /account/export/": outcomes(anonymous=LOGIN, default=200),
        "POST /account/export/": outcomes(anonymous=LOGIN, default=200),
        # Erasing one's own account signs one out, back to the login.
        "GET /account/erase/": outcomes(anonymous=LOGIN, default=200),
        "POST /account/erase/": outcomes(default=LOGIN),
    }
)
BODIES = {
    "POST /account/export/": _password_again,
    "POST /account/erase/": _erase_body,
}


# --- passkeys ---

# The plug-in's endpoints answer JSON. Registration needs a session past the second factor
# (Mara and Jonas have none, so are not past it); proving a passkey needs a signed-in person
# (no passwordless sign-in). Without a ceremony begun in the session, completing one fails.
PASSKEY_VERIFIED = ("oscar", "ines", "dario", "petra", "cora")
WEBAUTHN = "/account/passkeys/webauthn/"
EXPECTED.update(
    {
        # Who may go on is checked before the method.
        f"GET {WEBAUTHN}registration/begin/": outcomes(
            **dict.fromkeys(PASSKEY_VERIFIED, 405), default=403
        ),
        f"POST {WEBAUTHN}registration/begin/": outcomes(
            **dict.fromkeys(PASSKEY_VERIFIED, 200), default=403
        ),
        f"GET {WEBAUTHN}registration/complete/": outcomes(
            **dict.fromkeys(PASSKEY_VERIFIED, 405), default=403
        ),
        f"POST {WEBAUTHN}registration/complete/": outcomes(
            **dict.fromkeys(PASSKEY_VERIFIED, 400), default=403
        ),
        f"GET {WEBAUTHN}authentication/begin/": outcomes(anonymous=403, default=405),
        f"POST {WEBAUTHN}authentication/begin/": outcomes(anonymous=403, default=200),
        f"GET {WEBAUTHN}authentication/complete/": outcomes(anonymous=403, default=405),
        f"POST {WEBAUTHN}authentication/complete/": outcomes(anonymous=403, default=400),
        # The scripts' translations: the same public text for everyone.
        f"GET {WEBAUTHN}jsi18n/": outcomes(default=200),
        f"POST {WEBAUTHN}jsi18n/": outcomes(default=405),
        # The passkey is Ines's: only she can remove it (she keeps her authenticator app).
        "GET /account/passkeys/<passkey_id>/remove/": outcomes(anonymous=LOGIN, default=405),
        "POST /account/passkeys/<passkey_id>/remove/": outcomes(
            anonymous=LOGIN, ines=REDIRECT, default=404
        ),
    }
)


def _passkey_id(world: Any) -> int:
    from django_otp_webauthn.models import WebAuthnCredential

    return WebAuthnCredential.objects.create(
        user=world.ines,
        name="",
        credential_id=b"ines-passkey",
        public_key=b"not-a-real-key",
        sign_count=0,
        confirmed=True,
    ).pk


PARAMS["passkey_id"] = _passkey_id


# --- the language picker ---

EXPECTED.update(
    {
        # Anyone may choose the language of the pages; a choice posted goes back to the page.
        "GET /language/": outcomes(default=405),
        "POST /language/": outcomes(default=REDIRECT),
    }
)
BODIES["POST /language/"] = lambda world: {"language": "en", "next": "/"}
