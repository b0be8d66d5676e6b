"""Ids no database row can hold are not found on every page and API route, never a 500."""

import pytest

pytestmark = pytest.mark.django_db

HUGE = str(2**64)


@pytest.mark.parametrize(
    "url",
    [
        f"/p/{HUGE}/",
        f"/p/{HUGE}/invitations/",
        f"/api/v1/productions/{HUGE}",
        f"/api/v1/productions/{HUGE}/roster",
        f"/api/v1/productions/{HUGE}/scenes",
    ],
)
def test_a_huge_production_id_is_not_found(client_as, url):
    response = client_as("petra").get(url)
    assert response.status_code in (404, 422), response.content[:200]


def test_a_huge_scene_id_is_not_found(client_as, world):
    from closedset.lib.errors import NotFound
    from closedset.productions.services import get_scene

    with pytest.raises(NotFound):
        get_scene(world.ines, world.production.pk, 2**64)


def test_posting_to_a_huge_production_is_not_found(client_as):
    response = client_as("petra").post(f"/p/{HUGE}/scenes/", {"number": "1", "title": "x"})
    assert response.status_code == 404


def test_api_text_the_database_cannot_hold_is_a_field_error(client_as, world):
    petra = client_as("petra")
    base = f"/api/v1/productions/{world.production.pk}"
    response = petra.post(f"{base}/scenes", {"number": "1\x00"}, content_type="application/json")
    assert response.status_code == 422 and "number" in response.json()["fields"]
    email = "a" * 250 + "@example.org"
    response = petra.post(
        f"{base}/invitations",
        {"email": email, "role": "performer"},
        content_type="application/json",
    )
    assert response.status_code == 422 and "email" in response.json()["fields"]
