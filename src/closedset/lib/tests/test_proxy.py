"""Behind a reverse proxy, lockout counts each client, not the proxy; and nobody can pick the
address they are counted under by writing X-Forwarded-For."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from closedset.lib.env import EnvError, env_networks
from closedset.lib.net import client_ip

PROXY = "10.0.0.5"


def _ip(remote: str, forwarded: str | None = None) -> str:
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


def test_without_trusted_proxies_x_forwarded_for_is_ignored(settings):
    settings.CLOSEDSET_TRUSTED_PROXIES = ()
    assert _ip("198.51.100.7", "203.0.113.1") == "198.51.100.7"


def test_from_a_stranger_x_forwarded_for_is_ignored(settings):
    settings.CLOSEDSET_TRUSTED_PROXIES = (PROXY,)
    assert _ip("198.51.100.7", "203.0.113.1") == "198.51.100.7"


def test_behind_a_trusted_proxy_the_right_most_untrusted_address_counts(settings):
    settings.CLOSEDSET_TRUSTED_PROXIES = ("10.0.0.0/24",)
    assert _ip(PROXY, "203.0.113.1") == "203.0.113.1"
    # The client wrote the left part itself; the proxy appended the address it saw.
    assert _ip(PROXY, "1.2.3.4, 203.0.113.1") == "203.0.113.1"
    # A chain of trusted proxies is skipped; ports and brackets are not part of the address.
    assert _ip(PROXY, "203.0.113.1:5123, 10.0.0.9") == "203.0.113.1"
    assert _ip(PROXY, "[2001:db8::1]:443") == "2001:db8::1"
    # Nothing usable from the proxy: the proxy's own address, never a guess.
    assert _ip(PROXY) == PROXY
    assert _ip(PROXY, "not-an-address") == PROXY
    assert _ip(PROXY, "garbage, 203.0.113.1") == "203.0.113.1"


def test_trusted_proxies_are_checked_when_read(monkeypatch):
    monkeypatch.setenv("CLOSEDSET_TRUSTED_PROXIES", "10.0.0.5, 10.1.0.0/16,")
    assert env_networks("CLOSEDSET_TRUSTED_PROXIES") == ("10.0.0.5/32", "10.1.0.0/16")
    monkeypatch.setenv("CLOSEDSET_TRUSTED_PROXIES", "10.0.0.5, proxy.internal")
    with pytest.raises(EnvError, match="'proxy.internal' is not an IP address or network"):
        env_networks("CLOSEDSET_TRUSTED_PROXIES")


def _fail_until_locked(settings, client: Client, **meta: str) -> None:
    url = reverse("accounts:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            url, {"username": "mara@example.org", "password": "wrong-guess"}, **meta
        )
    assert response.status_code == 429


def test_a_forged_x_forwarded_for_does_not_escape_the_lockout(world, settings, persona_password):
    settings.CLOSEDSET_TRUSTED_PROXIES = ()
    client = Client()
    url = reverse("accounts:login")
    # A new made-up address on every guess: still the same connection, still counted.
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            url,
            {"username": "mara@example.org", "password": "wrong-guess"},
            REMOTE_ADDR="198.51.100.7",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
    again = client.post(
        url,
        {"username": "mara@example.org", "password": persona_password},
        REMOTE_ADDR="198.51.100.7",
        HTTP_X_FORWARDED_FOR="203.0.113.200",
    )
    assert again.status_code == 429


def test_behind_a_trusted_proxy_one_client_cannot_lock_out_another(
    world, settings, persona_password
):
    settings.CLOSEDSET_TRUSTED_PROXIES = (PROXY,)
    attacker = Client()
    _fail_until_locked(
        settings, attacker, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.66, 10.0.0.5"
    )
    # Mara, behind the same proxy, still signs in: the attacker locked only themselves.
    mara = Client()
    response = mara.post(
        reverse("accounts:login"),
        {"username": "mara@example.org", "password": persona_password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert response.status_code == 302
    assert mara.session.get("_auth_user_id") == str(world.mara.pk)
    # And the attacker is still locked out, even with the right password.
    locked = attacker.post(
        reverse("accounts:login"),
        {"username": "mara@example.org", "password": persona_password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="203.0.113.66",
    )
    assert locked.status_code == 429
