"""The sessions page: where a person is signed in, ending one session, signing out everywhere."""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from closedset.accounts import services as accounts
from closedset.accounts.models import ApiToken, UserSession

FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def _log_in(world, persona_password, handle="mara", user_agent=FIREFOX_LINUX) -> Client:
    client = Client(HTTP_USER_AGENT=user_agent)
    response = client.post(
        reverse("accounts:login"),
        {"username": f"{handle}@example.org", "password": persona_password},
    )
    assert response.status_code == 302
    return client


def _session_key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _store_has(key: str) -> bool:
    return bool(import_module(settings.SESSION_ENGINE).SessionStore().exists(key))


def _signed_in(client: Client) -> bool:
    response = client.get(reverse("accounts:sessions"))
    return response.status_code == 200


def test_login_records_the_session_by_a_hash_of_its_key(world, persona_password):
    client = _log_in(world, persona_password)
    key = _session_key(client)
    record = UserSession.objects.get(user=world.mara)
    assert record.key_hash == accounts.hash_secret(key)
    assert record.browser == "Firefox on Linux"
    assert record.ip == "127.0.0.1"
    stored = list(UserSession.objects.values_list("key_hash", "browser", "ip"))
    assert key not in repr(stored)


def test_the_page_lists_my_sessions_and_marks_this_one(world, persona_password):
    laptop = _log_in(world, persona_password)
    _log_in(world, persona_password, user_agent=SAFARI_IPHONE)
    _log_in(world, persona_password, handle="jonas")
    page = " ".join(laptop.get(reverse("accounts:sessions")).content.decode().split())
    assert page.count("Sign out here") == 1
    assert page.count("Sign out Safari on iPhone") == 1
    assert 'Firefox on Linux</strong> <span class="role">this device</span>' in page
    assert "Safari on iPhone</strong></span>" in page
    assert page.count("this device") == 1
    # Two sessions of Mara's; Jonas's is his alone.
    assert page.count("/end/") == 2


def test_signing_out_another_session_ends_it_in_the_store(world, persona_password):
    laptop = _log_in(world, persona_password)
    phone = _log_in(world, persona_password, user_agent=SAFARI_IPHONE)
    phone_key = _session_key(phone)
    record = UserSession.objects.get(key_hash=accounts.hash_secret(phone_key))

    response = laptop.post(reverse("accounts:session_end", args=[record.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:sessions")
    assert not _store_has(phone_key)
    assert not _signed_in(phone)
    assert _signed_in(laptop)


def test_signing_out_this_session_logs_me_out(world, persona_password):
    laptop = _log_in(world, persona_password)
    record = UserSession.objects.get(user=world.mara)
    response = laptop.post(reverse("accounts:session_end", args=[record.pk]))
    assert response["Location"] == reverse("accounts:login")
    assert not _signed_in(laptop)
    assert not UserSession.objects.exists()


def test_nobody_else_ends_my_session(world, persona_password, client_as):
    laptop = _log_in(world, persona_password)
    record = UserSession.objects.get(user=world.mara, browser="Firefox on Linux")
    response = client_as("jonas").post(reverse("accounts:session_end", args=[record.pk]))
    assert response.status_code == 404
    assert _signed_in(laptop)


def test_sign_out_everywhere_asks_first(world, persona_password):
    laptop = _log_in(world, persona_password)
    accounts.create_api_token(world.mara, "phone")
    page = laptop.get(reverse("accounts:sign_out_everywhere")).content.decode()
    page = " ".join(page.split())
    assert "You will be signed out on this device." in page
    assert "Your 1 API token will stop working for good." in page
    assert _signed_in(laptop)
    assert ApiToken.objects.filter(user=world.mara).exists()


def test_sign_out_everywhere_ends_every_session_and_token(world, persona_password):
    laptop = _log_in(world, persona_password)
    phone = _log_in(world, persona_password, user_agent=SAFARI_IPHONE)
    jonas = _log_in(world, persona_password, handle="jonas")
    keys = [_session_key(laptop), _session_key(phone)]
    _, secret = accounts.create_api_token(world.mara, "phone")

    response = laptop.post(reverse("accounts:sign_out_everywhere"))

    assert response["Location"] == reverse("accounts:login")
    assert not _signed_in(laptop)
    assert not _signed_in(phone)
    assert not any(_store_has(key) for key in keys)
    assert not ApiToken.objects.filter(user=world.mara).exists()
    api = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 401
    # Other people stay signed in.
    assert _signed_in(jonas)
    assert UserSession.objects.filter(user=world.jonas).count() == 1


def test_logging_out_drops_the_record(world, persona_password):
    laptop = _log_in(world, persona_password)
    laptop.post(reverse("accounts:logout"))
    assert not UserSession.objects.filter(user=world.mara).exists()


def test_last_seen_is_written_at_most_once_a_minute(world, persona_password):
    laptop = _log_in(world, persona_password)
    recent = timezone.now() - timedelta(seconds=30)
    UserSession.objects.filter(user=world.mara).update(last_seen_at=recent)
    laptop.get(reverse("accounts:sessions"))
    assert UserSession.objects.get(user=world.mara).last_seen_at == recent
    older = timezone.now() - timedelta(minutes=2)
    UserSession.objects.filter(user=world.mara).update(last_seen_at=older)
    laptop.get(reverse("accounts:sessions"))
    assert UserSession.objects.get(user=world.mara).last_seen_at > older


def test_a_session_given_a_new_key_stays_on_record(world, persona_password):
    """Django changes the key, e.g. when the password changes; the session goes on."""
    laptop = _log_in(world, persona_password)
    session = laptop.session
    session.cycle_key()
    laptop.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    assert _signed_in(laptop)
    record = UserSession.objects.get(user=world.mara)
    assert record.key_hash == accounts.hash_secret(session.session_key)


def test_a_session_without_a_record_is_signed_out(world, persona_password):
    laptop = _log_in(world, persona_password)
    UserSession.objects.filter(user=world.mara).delete()
    assert not _signed_in(laptop)


def test_sessions_that_can_only_have_expired_are_not_listed(world, persona_password):
    laptop = _log_in(world, persona_password)
    stale = UserSession.objects.create(
        user=world.mara,
        key_hash="f" * 64,
        browser="Opera on Windows",
        last_seen_at=timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE + 60),
    )
    page = laptop.get(reverse("accounts:sessions")).content.decode()
    assert "Opera on Windows" not in page
    assert not UserSession.objects.filter(pk=stale.pk).exists()


def test_browser_summaries():
    assert accounts.browser_summary(SAFARI_IPHONE) == "Safari on iPhone"
    android_chrome = (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.0.0 Mobile Safari/537.36"
    )
    assert accounts.browser_summary(android_chrome) == "Chrome on Android"
    edge = (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0"
    )
    assert accounts.browser_summary(edge) == "Edge on Windows"
    assert accounts.browser_summary("") == ""


def test_logging_out_clears_what_the_browser_kept(client_as):
    # The shoot-day page keeps an offline copy and an outbox; the next person at this phone
    # must find none of it.
    response = client_as("mara").post(reverse("accounts:logout"))
    assert response["Clear-Site-Data"] == '"cache", "storage"'
