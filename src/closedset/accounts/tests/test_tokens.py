"""The API tokens page: create with a scope and a lifetime, see them listed, revoke them."""

from __future__ import annotations

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from closedset.accounts import services as accounts
from closedset.accounts.models import ApiToken

SECRET = re.compile(r"cs_[A-Za-z0-9_-]{20,}")


def test_a_write_token_for_one_production_lasting_30_days(world, client_as):
    client = client_as("ines")
    response = client.post(
        reverse("accounts:tokens"),
        {"name": "laptop", "access": "write", "production": world.production.pk, "days": 30},
    )
    assert response.status_code == 200
    page = response.content.decode()
    secret = SECRET.search(page).group(0)
    token = ApiToken.objects.get(user=world.ines)
    assert token.access == "write"
    assert token.production == world.production
    assert token.expires_at - token.created_at == timedelta(days=30)
    assert token.token_hash == accounts.hash_secret(secret)
    listed = client.get(reverse("accounts:tokens")).content.decode()
    assert secret not in listed
    assert token.prefix in listed
    assert "Read and change" in listed
    assert "only Harbour Lights" in listed
    assert "last used never" in " ".join(listed.split())
    assert f"expires {token.expires_at:%-d %b %Y}" in " ".join(listed.split())


def test_a_new_token_reads_all_productions_for_the_longest_time_unless_told(world, client_as):
    client_as("mara").post(reverse("accounts:tokens"), {"name": "phone"})
    token = ApiToken.objects.get(user=world.mara)
    assert token.access == "read"
    assert token.production is None
    assert token.expires_at - token.created_at == timedelta(days=90)


def test_the_form_offers_only_my_productions(world, client_as):
    page = client_as("mara").get(reverse("accounts:tokens")).content.decode()
    assert "Only Harbour Lights" in page
    assert "Quiet Water" not in page
    for days in ("7 days", "30 days", "90 days"):
        assert days in page


def test_someone_elses_production_is_refused_in_words(world, client_as):
    response = client_as("mara").post(
        reverse("accounts:tokens"),
        {"name": "phone", "production": world.other_production.pk, "days": 7},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Choose one of your productions, or all of them." in page
    assert "available choices" not in page  # Django's wording names the id
    assert not ApiToken.objects.exists()


def test_a_lifetime_not_offered_is_refused(world, client_as):
    response = client_as("mara").post(reverse("accounts:tokens"), {"name": "phone", "days": 365})
    assert response.status_code == 422
    assert "Choose one of the lifetimes offered." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_expired_tokens_are_marked(world, client_as):
    token, _ = accounts.create_api_token(world.mara, "old phone")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(days=1))
    page = " ".join(client_as("mara").get(reverse("accounts:tokens")).content.decode().split())
    assert "<strong>expired" in page


def test_only_the_owner_revokes_a_token(world, client_as):
    token, _ = accounts.create_api_token(world.mara, "phone")
    url = reverse("accounts:token_delete", args=[token.pk])
    assert client_as("jonas").post(url).status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()
    assert client_as("mara").post(url).status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()


def test_a_coordinator_held_at_the_second_factor_cannot_reach_the_page(world):
    from django.test import Client

    client = Client()
    client.force_login(world.ines, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(reverse("accounts:tokens"), {"name": "laptop"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_setup"))
    assert not ApiToken.objects.exists()
