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
    from closedset.people.services import get_scene

    with pytest.raises(NotFound):
        get_scene(world.ines, world.production.pk, 2**64)


def test_posting_to_a_huge_production_is_not_found(client_as):
    response = client_as("petra").post(f"/p/{HUGE}/scenes/", {"number": "1", "title": "x"})
    assert response.status_code == 404
