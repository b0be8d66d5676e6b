"""The language a production's documents are written in (issue 11): chosen when it starts, set
later by its producer or coordinator on the page or through the API; riders follow it."""

from __future__ import annotations

import pytest

from closedset.conftest import speaks
from closedset.lib.errors import InvalidInput
from closedset.productions import services
from closedset.productions.models import Production
from closedset.rider.tests.conftest import version  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db


def test_a_new_production_starts_in_the_language_chosen(world, client_as):
    petra = client_as(world.petra)
    response = petra.post(
        "/p/new/",
        {"name": "Nocturne", "kind": "adult", "new_organisation": "Night Films", "language": "cs"},
    )
    assert response.status_code == 302
    assert Production.objects.get(name="Nocturne").language == "cs"


def test_the_form_offers_the_page_language_first(world, client_as):
    page = client_as(speaks(world.petra, "hu")).get("/p/new/").content.decode()
    assert '<option value="hu" selected>Magyar</option>' in page


def test_the_coordinator_sets_it_on_the_production_page(world, client_as):
    ines = client_as(world.ines)
    url = f"/p/{world.production.pk}/"
    page = ines.get(url).content.decode()
    assert "Language of the production's documents" in page
    response = ines.post(url + "language/", {"language": "es"}, follow=True)
    assert response.status_code == 200
    assert "The production&#x27;s documents are now in Español." in response.content.decode()
    world.production.refresh_from_db()
    assert world.production.language == "es"


def test_a_language_not_offered_is_refused_with_a_message_and_changes_nothing(world, client_as):
    response = client_as(world.ines).post(f"/p/{world.production.pk}/language/", {"language": "xx"})
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    with pytest.raises(InvalidInput):
        services.set_language(world.ines, world.production.pk, "klingon")
    world.production.refresh_from_db()
    assert world.production.language == "en"


@pytest.mark.parametrize("who", ["mara", "dario", "cora"])
def test_other_members_neither_see_nor_set_it(world, client_as, who):
    client = client_as(world.users[who])
    page = client.get(f"/p/{world.production.pk}/").content.decode()
    assert f'action="/p/{world.production.pk}/language/"' not in page
    assert client.post(f"/p/{world.production.pk}/language/", {"language": "cs"}).status_code == 403
    world.production.refresh_from_db()
    assert world.production.language == "en"


def test_the_api_reads_and_sets_it(world, client_as):
    petra = client_as(world.petra)
    url = f"/api/v1/productions/{world.production.pk}"
    assert petra.get(url).json()["language"] == "en"
    done = petra.put(url + "/language", {"language": "hu"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["language"] == "hu"
    bad = petra.put(url + "/language", {"language": "xx"}, content_type="application/json")
    assert bad.status_code == 422
    assert bad.json()["fields"] == {"language": "Choose one of the languages offered."}


def test_the_rider_shows_the_productions_language_beside_hers(world, version, client_as):  # noqa: F811
    """Mara reads Czech; once the production writes Spanish, her rider has Spanish beside it."""
    from closedset.rider import services as riders

    speaks(world.mara, "cs")
    assert riders.rider_for(version, world.mara, lang="cs").languages == ("cs", "en")
    services.set_language(world.ines, world.production.pk, "es")
    world.production.refresh_from_db()
    version.plan.scene.production.refresh_from_db()
    assert riders.rider_for(version, world.mara, lang="cs").languages == ("cs", "es")
