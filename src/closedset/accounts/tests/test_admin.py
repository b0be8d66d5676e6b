from __future__ import annotations

from django.utils import timezone

from closedset.accounts.models import User
from closedset.conftest import verified_client
from closedset.lib import crypto


def _superuser():
    return User.objects.create_superuser(
        email="root@example.org",
        display_name="Root",
        handle="root",
        email_verified_at=timezone.now(),
    )


def test_the_admin_shows_sealed_never_the_key(world):
    crypto.ensure_data_key(world.mara)
    client = verified_client(_superuser())
    response = client.get(f"/admin/accounts/user/{world.mara.pk}/change/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "sealed" in body
    wrapped = User.objects.get(pk=world.mara.pk).wrapped_data_key
    assert bytes(wrapped).hex() not in body


def test_a_superuser_without_the_second_factor_is_kept_out(world):
    from django.test import Client

    client = Client()
    client.force_login(_superuser(), backend="django.contrib.auth.backends.ModelBackend")
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "second-factor" in response["Location"]


def test_staff_who_are_not_superusers_are_kept_out(world):
    world.ines.is_staff = True
    world.ines.save()
    response = verified_client(world.ines).get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
