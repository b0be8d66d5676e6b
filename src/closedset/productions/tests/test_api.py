from __future__ import annotations

import re

from django.test import Client

from closedset.accounts import services as accounts
from closedset.productions.models import Scene


def test_me_and_my_productions(client_as):
    client = client_as("mara")
    assert client.get("/api/v1/me").json()["handle"] == "mara"
    productions = client.get("/api/v1/productions").json()
    assert [p["name"] for p in productions] == ["Harbour Lights"]
    assert productions[0]["my_roles"] == ["performer"]


def test_anonymous_gets_401(db):
    assert Client().get("/api/v1/me").status_code == 401


def test_bearer_token_works_without_a_session(world):
    _, secret = accounts.create_api_token(world.mara, "cli")
    client = Client()
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert response.json()["handle"] == "mara"
    bad = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}x")
    assert bad.status_code == 401


def test_roster_follows_the_visibility_table(world, client_as):
    url = f"/api/v1/productions/{world.production.pk}/roster"
    assert len(client_as("dario").get(url).json()) == 6
    assert client_as("mara").get(url).status_code == 403
    outsider = client_as("oscar").get(url)
    assert outsider.status_code == 404
    assert outsider.json() == {"detail": "No such production.", "fields": {}}


def test_scene_errors_are_field_messages(world, client_as):
    url = f"/api/v1/productions/{world.production.pk}/scenes"
    client = client_as("petra")
    created = client.post(url, {"number": "14", "title": "Dock"}, content_type="application/json")
    assert created.status_code == 201
    dup = client.post(url, {"number": "12B"}, content_type="application/json")
    assert dup.status_code == 422
    assert "exists already" in dup.json()["fields"]["number"]
    malformed = client.post(url, "{not json", content_type="application/json")
    assert malformed.status_code in (400, 422)
    assert Scene.objects.filter(production=world.production).count() == 2


def test_session_posts_need_the_csrf_token(world):
    from closedset.conftest import verified_client

    client = verified_client(world.petra)
    client.handler.enforce_csrf_checks = True
    url = f"/api/v1/productions/{world.production.pk}/scenes"
    response = client.post(url, {"number": "15"}, content_type="application/json")
    assert response.status_code == 403
    assert not Scene.objects.filter(number="15").exists()


def test_the_producer_invites_through_the_api_and_the_link_goes_by_email(
    world, client_as, mailoutbox
):
    url = f"/api/v1/productions/{world.production.pk}/invitations"
    response = client_as("petra").post(
        url, {"email": "nell@example.org", "role": "performer"}, content_type="application/json"
    )
    assert response.status_code == 201
    assert set(response.json()) == {"id", "email", "role", "expires_at"}
    [mail] = mailoutbox
    assert mail.to == ["nell@example.org"]
    link = re.search(r"https?://\S+/invite/(\S+)/", mail.body)
    assert link and link.group(1) not in response.content.decode()
    listed = client_as("petra").get(url)
    assert [i["email"] for i in listed.json()] == ["nell@example.org"]
    assert "/invite/" not in listed.content.decode() and "link" not in listed.json()[0]
    bad = client_as("petra").post(
        url, {"email": "nope", "role": "star"}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert set(bad.json()["fields"]) == {"email", "role"}


def test_openapi_is_published(db):
    schema = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/me" in schema["paths"]


def test_schema_errors_have_the_same_shape_as_domain_errors(world, client_as):
    url = f"/api/v1/productions/{world.production.pk}/scenes"
    response = client_as("petra").post(url, {"title": 5}, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "Please correct the marked fields."
    assert set(body["fields"]) == {"number", "title"}
