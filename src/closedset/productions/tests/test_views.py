from __future__ import annotations

from django.urls import reverse

from closedset.productions.models import Scene


def test_home_lists_my_productions_and_roles(client_as):
    body = client_as("mara").get(reverse("productions:home")).content.decode()
    assert "Harbour Lights" in body
    assert "performer" in body
    assert "Quiet Water" not in body


def test_home_requires_login(client):
    response = client.get(reverse("productions:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_production_page_shows_the_roster_to_the_coordinator(world, client_as):
    body = client_as("ines").get(reverse("productions:production", args=[world.production.pk]))
    text = body.content.decode()
    assert "Jonas" in text and "Cora" in text


def test_a_performer_sees_the_production_but_not_the_roster(world, client_as):
    response = client_as("mara").get(reverse("productions:production", args=[world.production.pk]))
    assert response.status_code == 200
    assert "Jonas" not in response.content.decode()


def test_an_outsider_gets_not_found(world, client_as):
    response = client_as("oscar").get(reverse("productions:production", args=[world.production.pk]))
    assert response.status_code == 404
    assert "Harbour" not in response.content.decode()


def test_the_producer_adds_a_scene(world, client_as):
    url = reverse("productions:scene_create", args=[world.production.pk])
    response = client_as("petra").post(url, {"number": "14", "title": "Dock"})
    assert response.status_code == 302
    assert Scene.objects.filter(production=world.production, number="14").exists()


def test_a_bad_scene_keeps_the_input_and_says_why(world, client_as):
    url = reverse("productions:scene_create", args=[world.production.pk])
    response = client_as("petra").post(url, {"number": "12B", "title": "Again"})
    assert response.status_code == 422
    assert "exists already" in response.content.decode()


def test_the_director_cannot_add_scenes(world, client_as):
    url = reverse("productions:scene_create", args=[world.production.pk])
    assert client_as("dario").post(url, {"number": "14"}).status_code == 403
    assert client_as("oscar").post(url, {"number": "14"}).status_code == 404
    assert not Scene.objects.filter(number="14").exists()


def test_the_producer_sends_an_invitation_and_never_sees_its_link(world, client_as, mailoutbox):
    url = reverse("productions:invitations", args=[world.production.pk])
    client = client_as("petra")
    response = client.post(url, {"email": "nell@example.org", "role": "performer"}, follow=True)
    page = response.content.decode()
    assert "Invitation sent to nell@example.org." in page
    assert "/invite/" not in page
    [mail] = mailoutbox
    assert mail.to == ["nell@example.org"] and "/invite/" in mail.body


def test_api_token_page_shows_the_secret_once(client_as):
    import re

    client = client_as("mara")
    response = client.post(reverse("accounts:tokens"), {"name": "phone"})
    secret = re.search(r"cs_[A-Za-z0-9_-]{20,}", response.content.decode()).group(0)
    assert secret not in client.get(reverse("accounts:tokens")).content.decode()


def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get(reverse("accounts:login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert '<html lang="en">' in response.content.decode()


def test_a_stale_form_gets_a_friendly_page(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "Reload the page" in response.content.decode()


def test_an_htmx_request_after_the_session_ended_loads_the_login_page(world, client):
    response = client.get(
        reverse("productions:production", args=[world.production.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("accounts:login"))


def test_performers_are_offered_a_second_factor(client_as):
    body = client_as("mara").get(reverse("productions:home")).content.decode()
    assert body.count(reverse("accounts:otp_setup")) == 1
    assert "<title>Your productions ·" in body
    assert (
        reverse("accounts:otp_setup")
        not in client_as("ines").get(reverse("productions:home")).content.decode()
    )


def test_anyone_starts_a_production_in_a_new_company_and_produces_it(world, client_as):
    from closedset.productions import services
    from closedset.productions.models import Production

    response = client_as("mara").post(
        reverse("productions:production_create"),
        {"name": "Night Swim", "kind": "mainstream", "new_organisation": "Mara Films"},
    )
    assert response.status_code == 302
    production = Production.objects.get(name="Night Swim")
    assert production.organisation.name == "Mara Films"
    assert services.role_in(world.mara, production) == {"producer"}


def test_a_production_goes_only_into_one_of_my_companies(world, client_as):
    from closedset.productions.models import Production

    response = client_as("oscar").post(
        reverse("productions:production_create"),
        {"name": "Sneaky", "kind": "adult", "organisation": str(world.organisation.pk)},
    )
    assert response.status_code == 422
    assert not Production.objects.filter(name="Sneaky").exists()
    response = client_as("petra").post(
        reverse("productions:production_create"),
        {"name": "Harbour Lights II", "kind": "adult", "organisation": str(world.organisation.pk)},
    )
    assert response.status_code == 302
    assert Production.objects.get(name="Harbour Lights II").organisation == world.organisation


def test_a_withdrawn_invitation_link_stops_working(world, client_as, client):
    from closedset.productions import services

    invitation, key = services.invite(
        world.petra, world.production, email="nell@example.org", role="performer"
    )
    url = reverse("productions:invitation_revoke", args=[world.production.pk, invitation.pk])
    assert client_as("dario").post(url).status_code == 403
    assert client_as("petra").post(url).status_code == 302
    response = client.get(reverse("productions:invitation", args=[key]))
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()
