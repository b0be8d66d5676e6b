"""Django settings, all from the environment (see docs/deployment.md).

Without DATABASE_URL the database is SQLite in the data folder, so a fresh clone runs with
`make run`. Secrets (SECRET_KEY, the key-encryption keys) come from the environment or *_FILE;
only development (CLOSEDSET_DEV=1) and the test suite get generated ones.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

from closedset.lib.env import (
    EnvError,
    env_bool,
    env_int,
    env_networks,
    env_secret,
    env_str,
    json_created_once,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent
# From a source checkout the data folder is the checkout's var/; an installed package uses
# var/ in the working directory unless CLOSEDSET_DATA_DIR says otherwise.
_SOURCE_CHECKOUT = (BASE_DIR / "pyproject.toml").exists()
DATA_DIR = Path(
    env_str("CLOSEDSET_DATA_DIR") or (BASE_DIR if _SOURCE_CHECKOUT else Path.cwd()) / "var"
)

TESTING = "PYTEST_VERSION" in os.environ or "pytest" in sys.modules
DEV = env_bool("CLOSEDSET_DEV", False)
DEBUG = env_bool("DEBUG", DEV)
SITE_NAME = env_str("SITE_NAME", "closedset")


def _dev_secrets() -> dict[str, str]:
    """Secrets for development, generated once and kept in the data folder (never in code)."""
    return json_created_once(
        DATA_DIR / "dev-secrets.json",
        lambda: {
            "SECRET_KEY": secrets.token_urlsafe(50),
            "CLOSEDSET_KEK": base64.b64encode(secrets.token_bytes(32)).decode(),
        },
    )


def _kek_id(key: bytes) -> str:
    # A key's id is a short fingerprint unless given, so a changed key never reuses an id.
    return hashlib.sha256(b"closedset.kek:" + key).hexdigest()[:12]


def _decode_kek(text: str, source: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except ValueError:
        raise ImproperlyConfigured(f"{source}: not valid base64") from None
    if len(key) != 32:
        raise ImproperlyConfigured(f"{source}: must be 32 bytes (base64 of 32 random bytes)")
    return key


def _parse_keks(keks: str | None, kek: str | None) -> dict[str, bytes]:
    """CLOSEDSET_KEKS="id:base64,id:base64" (first = current) or one CLOSEDSET_KEK."""
    result: dict[str, bytes] = {}
    if keks:
        for item in keks.split(","):
            item = item.strip()
            if not item:
                continue
            key_id, sep, text = item.partition(":")
            if not sep or not key_id:
                raise ImproperlyConfigured("CLOSEDSET_KEKS: write each key as id:base64")
            if key_id in result:
                raise ImproperlyConfigured(f"CLOSEDSET_KEKS: key id {key_id!r} appears twice")
            result[key_id] = _decode_kek(text, f"CLOSEDSET_KEKS key {key_id!r}")
    if kek:
        key = _decode_kek(kek, "CLOSEDSET_KEK")
        result.setdefault(_kek_id(key), key)
    return result


try:
    _secret_key = env_secret("SECRET_KEY")
    _keks = env_secret("CLOSEDSET_KEKS")
    _kek = env_secret("CLOSEDSET_KEK")
except EnvError as error:
    raise ImproperlyConfigured(str(error)) from None

if TESTING and not (_secret_key and (_keks or _kek)):
    # Fresh keys for every test process: nothing from a test run is reusable.
    _secret_key = _secret_key or secrets.token_urlsafe(50)
    _kek = base64.b64encode(secrets.token_bytes(32)).decode()
elif DEV and not (_secret_key and (_keks or _kek)):
    _dev = _dev_secrets()
    _secret_key = _secret_key or _dev["SECRET_KEY"]
    _kek = _kek or _dev["CLOSEDSET_KEK"]

_missing = [
    name
    for name, value in (("SECRET_KEY", _secret_key), ("CLOSEDSET_KEK", _keks or _kek))
    if not value
]
if _missing:
    raise ImproperlyConfigured(
        "closedset will not start without "
        + " and ".join(_missing)
        + " (set them in the environment or in *_FILE; for development set CLOSEDSET_DEV=1)."
        " See docs/deployment.md."
    )

SECRET_KEY = str(_secret_key)
CLOSEDSET_KEKS: dict[str, bytes] = _parse_keks(_keks, _kek)
# The first key wraps new data keys; the others are still accepted for unwrapping.
CLOSEDSET_CURRENT_KEK_ID = next(iter(CLOSEDSET_KEKS))

# The record (closedset.record): Ed25519 seeds that sign each organisation's log checkpoints.
# CLOSEDSET_LOG_KEYS="base64,base64" (or *_FILE): the first signs new checkpoints, all still
# verify old ones, so a key can be rotated without breaking receipts already handed out.
CLOSEDSET_LOG_HOST = env_str("CLOSEDSET_LOG_HOST", "closedset.local").strip() or "closedset.local"


def _dev_log_key(name: str = "CLOSEDSET_LOG_KEY") -> str:
    """A development signing seed, kept beside the other development secrets (never in code)."""
    data = _dev_secrets()
    if name not in data:
        # Older dev-secrets files predate the key: add it, keeping the file private.
        data[name] = base64.b64encode(secrets.token_bytes(32)).decode()
        path = DATA_DIR / "dev-secrets.json"
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        os.replace(tmp, path)
    return data[name]


def _parse_log_keys(text: str, name: str = "CLOSEDSET_LOG_KEYS") -> list[bytes]:
    seeds: list[bytes] = []
    for number, item in enumerate((part.strip() for part in text.split(",")), start=1):
        if not item:
            continue
        # The message names the position only: a seed must never reach a log or a screen.
        try:
            seed = base64.b64decode(item, validate=True)
        except ValueError:
            raise ImproperlyConfigured(f"{name} key {number}: not valid base64") from None
        if len(seed) != 32:
            raise ImproperlyConfigured(
                f"{name} key {number}: must be 32 bytes (base64 of 32 random bytes)"
            )
        if seed in seeds:
            raise ImproperlyConfigured(f"{name} key {number} appears twice")
        seeds.append(seed)
    return seeds


try:
    _log_keys = env_secret("CLOSEDSET_LOG_KEYS")
except EnvError as error:
    raise ImproperlyConfigured(str(error)) from None
if not _log_keys and TESTING:
    _log_keys = base64.b64encode(secrets.token_bytes(32)).decode()  # fresh per test process
elif not _log_keys and DEV:
    _log_keys = _dev_log_key()
if not _log_keys:
    raise ImproperlyConfigured(
        "closedset will not start without CLOSEDSET_LOG_KEYS (set it in the environment or in"
        " CLOSEDSET_LOG_KEYS_FILE; for development set CLOSEDSET_DEV=1). See docs/deployment.md."
    )
CLOSEDSET_LOG_KEYS: list[bytes] = _parse_log_keys(_log_keys)
if not CLOSEDSET_LOG_KEYS:
    raise ImproperlyConfigured("CLOSEDSET_LOG_KEYS holds no key")
del _log_keys

# The academy's Ed25519 seeds that sign certificates (Open Badges 3.0 VC-JWT) and their status
# list: CLOSEDSET_ACADEMY_KEYS="base64,base64" (or *_FILE), the first signs, all still verify.
try:
    _academy_keys = env_secret("CLOSEDSET_ACADEMY_KEYS")
except EnvError as error:
    raise ImproperlyConfigured(str(error)) from None
if not _academy_keys and TESTING:
    _academy_keys = base64.b64encode(secrets.token_bytes(32)).decode()  # fresh per test process
elif not _academy_keys and DEV:
    _academy_keys = _dev_log_key("CLOSEDSET_ACADEMY_KEY")
if not _academy_keys:
    raise ImproperlyConfigured(
        "closedset will not start without CLOSEDSET_ACADEMY_KEYS (set it in the environment or"
        " in CLOSEDSET_ACADEMY_KEYS_FILE; for development set CLOSEDSET_DEV=1)."
        " See docs/deployment.md."
    )
CLOSEDSET_ACADEMY_KEYS: list[bytes] = _parse_log_keys(_academy_keys, "CLOSEDSET_ACADEMY_KEYS")
if not CLOSEDSET_ACADEMY_KEYS:
    raise ImproperlyConfigured("CLOSEDSET_ACADEMY_KEYS holds no key")
del _academy_keys
# The academy's name and public address, as certificates and credentials name their issuer.
CLOSEDSET_ACADEMY_NAME = env_str("CLOSEDSET_ACADEMY_NAME", "closedset academy")
# The academy's public https address (no trailing slash): credentials name their issuer, keys
# and revocation list under it, so it must not change once certificates are issued. Empty: the
# first of CLOSEDSET_WEBAUTHN_ORIGINS.
CLOSEDSET_ACADEMY_URL = env_str("CLOSEDSET_ACADEMY_URL", "").strip().rstrip("/")
# How to pay the academy (bank account, reference to quote), printed on invoices and course pages;
# empty: "the academy tells you how to pay".
CLOSEDSET_ACADEMY_PAYMENT_DETAILS = env_str("CLOSEDSET_ACADEMY_PAYMENT_DETAILS", "").strip()
# Wrong certificate codes one address (IPv6: its /64) may try in an hour on the verify page.
CLOSEDSET_CERTIFICATE_MISSES_PER_HOUR = env_int("CLOSEDSET_CERTIFICATE_MISSES_PER_HOUR", 20)

ALLOWED_HOSTS = [
    host.strip()
    for host in env_str("ALLOWED_HOSTS", "localhost,127.0.0.1").split(",")
    if host.strip()
]
if TESTING:
    ALLOWED_HOSTS += ["testserver"]
CSRF_TRUSTED_ORIGINS = [
    origin.strip() for origin in env_str("CSRF_TRUSTED_ORIGINS").split(",") if origin.strip()
]

INSTALLED_APPS = [
    "closedset.accounts.admin_site.ClosedsetAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp_webauthn",
    "csp",
    "ninja",
    "closedset.accounts",
    "closedset.productions",
    "closedset.boundaries",
    "closedset.plans",
    "closedset.notices",
    "closedset.record",
    "closedset.consent",
    "closedset.compliance",
    "closedset.rider",
    "closedset.onset",
    "closedset.breakdown",
    "closedset.calendars",
    "closedset.callsheets",
    "closedset.academy",
    "closedset.certificates",
    "closedset.registry",
    "closedset.api",
]

MIDDLEWARE = [
    # First: an oversized body is refused before anything reads it.
    "closedset.lib.middleware.BodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files are answered here, already compressed and hashed (STORAGES below).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages are compressed after everything below has written them. Django's GZip pads each
    # response with up to 100 random bytes (its BREACH mitigation); CSRF tokens are masked per
    # response and cookies are SameSite, so an attacker cannot measure a secret by size.
    "django.middleware.gzip.GZipMiddleware",
    "closedset.lib.middleware.HtmxLoginRedirectMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The browser's language (Accept-Language, or the picker's cookie) until the person chooses.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # A signed-in person's own choice of language wins over the browser's.
    "closedset.accounts.language.AccountLanguageMiddleware",
    # A browser session ended from another device is signed out here, before anything else.
    "closedset.accounts.activity.SessionActivityMiddleware",
    # Each request starts able to reach all the person's productions (API tokens narrow it).
    "closedset.lib.scope.ProductionScopeMiddleware",
    "closedset.accounts.middleware.EmailVerifiedMiddleware",
    "closedset.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "closedset.lib.middleware.DomainErrorMiddleware",
    # axes last, as its documentation asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "closedset.urls"
ASGI_APPLICATION = "closedset.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "closedset.lib.context.site",
                "closedset.lib.context.navigation",
            ],
        },
    },
]

if env_str("DATABASE_URL"):
    # No persistent connections: under ASGI each request runs on a thread of its own, so kept
    # connections pile up until PostgreSQL refuses new clients (Django's docs say the same).
    DATABASES = {"default": dj_database_url.parse(env_str("DATABASE_URL"), conn_max_age=0)}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "closedset.sqlite3",
            # Concurrent writers queue instead of failing: WAL lets readers go on while one
            # writes; IMMEDIATE takes the write lock when a transaction starts, so a reader
            # never has to upgrade (which SQLite refuses at once); the timeout is how long a
            # writer waits for the lock before the request gets a 503.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "productions:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions and cookies: secure unless running over plain http in development or tests.
SECURE_COOKIES = env_bool("CLOSEDSET_SECURE_COOKIES", not (DEV or TESTING))
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "closedset.lib.views.csrf_failure"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 12)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_NAME = "__Host-closedset-session" if SECURE_COOKIES else "closedset-session"
CSRF_COOKIE_NAME = "__Host-closedset-csrf" if SECURE_COOKIES else "closedset-csrf"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SECURE_COOKIES)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if SECURE_COOKIES else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", SECURE_COOKIES)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Preloading commits the whole domain to HTTPS for good; that is the operator's decision
# (docs/deployment.md), so its reminder is silenced.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("CLOSEDSET_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Addresses (or networks) of the reverse proxies whose X-Forwarded-For is believed; empty
# means clients connect directly. Lockout and rate limits use closedset.lib.net.client_ip.
try:
    CLOSEDSET_TRUSTED_PROXIES = env_networks("CLOSEDSET_TRUSTED_PROXIES")
except EnvError as error:
    raise ImproperlyConfigured(str(error)) from None

# Request bodies: nothing longer is read (the reverse proxy should refuse it first, see
# docs/deployment.md). Large enough for the largest import (a 512 KB plan file) and its form.
CLOSEDSET_MAX_BODY_KB = env_int("CLOSEDSET_MAX_BODY_KB", 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = CLOSEDSET_MAX_BODY_KB * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
DATA_UPLOAD_MAX_NUMBER_FILES = 10

# Content Security Policy: our own scripts and styles only, nothing inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# django-axes: lock a login name after repeated failures from the same address.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_HOURS", 1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The login form posts the email as "username" (Django's AuthenticationForm).
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# The real client behind a trusted proxy, so one person's failures never lock another's login.
AXES_CLIENT_IP_CALLABLE = "closedset.lib.net.client_ip"

OTP_TOTP_ISSUER = SITE_NAME

# Passkeys (django-otp-webauthn), only ever as a second factor after the password.
# The relying party id is the site's domain; passkeys made for one id never work for another.
CLOSEDSET_WEBAUTHN_RP_ID = env_str("CLOSEDSET_WEBAUTHN_RP_ID") or (
    ALLOWED_HOSTS[0].lstrip(".") if ALLOWED_HOSTS and ALLOWED_HOSTS[0] != "*" else "localhost"
)
OTP_WEBAUTHN_RP_ID = CLOSEDSET_WEBAUTHN_RP_ID
OTP_WEBAUTHN_RP_NAME = env_str("CLOSEDSET_WEBAUTHN_RP_NAME", SITE_NAME)
# The exact origins browsers show the site under (https://, or http://localhost in development).
OTP_WEBAUTHN_ALLOWED_ORIGINS = [
    origin.strip().rstrip("/")
    for origin in env_str(
        "CLOSEDSET_WEBAUTHN_ORIGINS",
        "http://localhost:8000"
        if CLOSEDSET_WEBAUTHN_RP_ID == "localhost"
        else f"https://{CLOSEDSET_WEBAUTHN_RP_ID}",
    ).split(",")
    if origin.strip()
]
# Never a way to sign in without the password: a passkey is a second factor here.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False

# E-mail (invitations, address checks, password resets). Development prints mail to the
# console (the test runner swaps in its own outbox); servers send through SMTP.
EMAIL_BACKEND = (
    "django.core.mail.backends.console.EmailBackend"
    if DEV or TESTING
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", EMAIL_HOST not in ("localhost", "127.0.0.1", "::1"))
EMAIL_PORT = env_int("EMAIL_PORT", 587 if EMAIL_USE_TLS else 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
try:
    EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD") or ""
except EnvError as error:
    raise ImproperlyConfigured(str(error)) from None
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)  # a stuck mail server must not hang a page
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"{SITE_NAME} <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Mails a form may send per hour, per address and per network address (each kind of mail).
CLOSEDSET_MAILS_PER_ADDRESS = env_int("CLOSEDSET_MAILS_PER_ADDRESS", 3)
CLOSEDSET_MAILS_PER_IP = env_int("CLOSEDSET_MAILS_PER_IP", 10)
CLOSEDSET_EMAIL_LINK_HOURS = env_int("CLOSEDSET_EMAIL_LINK_HOURS", 48)
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_MINUTES", 60) * 60
# Case variants of one address are one login name for the lockout too.
AXES_USERNAME_CALLABLE = "closedset.accounts.services.axes_username"
# Rate limits live in the cache: with several app processes they must share one (Redis).
if env_str("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env_str("REDIS_URL"),
        }
    }
CLOSEDSET_INVITATION_DAYS = env_int("CLOSEDSET_INVITATION_DAYS", 7)
# API tokens: the longest (and default) lifetime in days; requests per minute for each token
# or signed-in person (0 turns the limit off; counted in the cache, so Redis for several
# app processes).
CLOSEDSET_TOKEN_DAYS = env_int("CLOSEDSET_TOKEN_DAYS", 90)
CLOSEDSET_API_REQUESTS_PER_MINUTE = env_int("CLOSEDSET_API_REQUESTS_PER_MINUTE", 600)

LANGUAGE_CODE = "en"
# Each language named in itself, so a person finds their own in the picker (docs/translation.md).
LANGUAGES = [("en", "English"), ("es", "Español"), ("cs", "Čeština"), ("hu", "Magyar")]
# The site-wide templates (base, error pages) translate in closedset/locale, each app in its
# own <app>/locale. The apps' are listed too: Django would otherwise let the catalogs of apps
# installed earlier (the admin, auth, django-otp) win for the same English text ("Log in"),
# and a performer would read their words instead of ours. The taxonomy's (core) is not Django's.
LOCALE_PATHS = [
    PACKAGE_DIR / "locale",
    *sorted(path for path in PACKAGE_DIR.glob("*/locale") if path.parent.name != "core"),
]
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365  # a visitor's choice outlasts the browser session
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
if DEV or TESTING:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = DEV or TESTING
# Outside development `closedset serve` collects the files with hashed names, gzip and brotli
# copies (CompressedManifestStaticFilesStorage); WhiteNoise serves a hashed file with a
# ten-year immutable max-age and the smallest copy the browser accepts. Development serves
# the source files as they are, so an edit shows at once. Source maps are only ever fetched
# by a developer's tools: not worth compressing at every start.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEV or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # channels_redis waits up to 5 s on a blocking read; redis-py 8 gives up reading
            # after 5 s too, which closed idle sockets. A longer socket timeout leaves room.
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 15}]},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
# How long the shoot-day sockets keep their database connection between messages (seconds;
# 0 closes it after each, as pages do). Sockets share one database thread, so this is one
# connection a process, not one a socket; opening one costs more than a PAUSE's own queries
# (onset/consumers.py). Tests close it at once: a test database must be droppable at the end.
CLOSEDSET_SOCKET_DB_SECONDS = env_int("CLOSEDSET_SOCKET_DB_SECONDS", 0 if TESTING else 60)

_LOG_LEVEL = env_str("LOG_LEVEL", "WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Paths can carry credentials (invitations) and boundaries (which act is answered):
    # every line passes the redacting filter (closedset.lib.logging).
    "filters": {"redact_paths": {"()": "closedset.lib.logging.RedactPaths"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_paths"]},
    },
    "root": {"handlers": ["console"], "level": _LOG_LEVEL},
    # Request bodies may hold boundaries; Django's request logger never logs them, and we
    # keep axes quiet so login names do not pile up in logs. Django's own handlers are
    # replaced by ours (the filtered console), so no line bypasses the filter.
    "loggers": {
        "axes": {"level": "WARNING"},
        "django": {"handlers": [], "level": _LOG_LEVEL, "propagate": True},
        "django.server": {"handlers": [], "level": _LOG_LEVEL, "propagate": True},
    },
}

# The rider's PDF seal (issue 9 item 4): a PAdES signing key and its certificate, PEM (or
# *_FILE). Tests get a fresh pair per process, development one kept in the data folder.
CLOSEDSET_PDF_SIGNING_KEY = env_secret("CLOSEDSET_PDF_SIGNING_KEY")
CLOSEDSET_PDF_SIGNING_CERT = env_secret("CLOSEDSET_PDF_SIGNING_CERT")
if bool(CLOSEDSET_PDF_SIGNING_KEY) != bool(CLOSEDSET_PDF_SIGNING_CERT):
    raise ImproperlyConfigured(
        "Set both CLOSEDSET_PDF_SIGNING_KEY and CLOSEDSET_PDF_SIGNING_CERT, or neither."
    )
if not CLOSEDSET_PDF_SIGNING_KEY and (TESTING or DEV):
    from closedset.rider.signing import dev_signing_pair, self_signed_pair

    CLOSEDSET_PDF_SIGNING_KEY, CLOSEDSET_PDF_SIGNING_CERT = (
        self_signed_pair() if TESTING else dev_signing_pair(DATA_DIR / "dev-pdf-signing.json")
    )
