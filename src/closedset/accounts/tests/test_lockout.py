from __future__ import annotations

from django.test import Client
from django.urls import reverse


def test_repeated_wrong_passwords_lock_the_login(world, persona_password, settings):
    client = Client()
    url = reverse("accounts:login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(url, {"username": "mara@example.org", "password": "wrong-guess"})
        assert response.status_code == 200
    locked = client.post(url, {"username": "mara@example.org", "password": "wrong-guess"})
    assert locked.status_code == 429
    # Even the right password is refused while locked.
    again = client.post(url, {"username": "mara@example.org", "password": persona_password})
    assert again.status_code == 429
    assert "Too many attempts" in again.content.decode()


def test_a_wrong_password_says_so_without_saying_which_part(world):
    response = Client().post(
        reverse("accounts:login"), {"username": "mara@example.org", "password": "nope"}
    )
    assert "correct email and password" in response.content.decode()
