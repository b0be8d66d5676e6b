"""Boundary pages and API: the owner's own, the coordinator's shared view, nobody else."""

from __future__ import annotations

import pytest
from django.urls import reverse

from closedset.boundaries import services

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_profile_page_groups_acts_by_category_with_glosses(mara, client_as):
    client = client_as("mara")
    html = client.get(reverse("boundaries:mine")).content.decode()
    assert 'id="cat-impact"' in html
    # A group's acts load when it is opened; without scripts, a link opens it.
    assert 'id="row-slap-receive"' not in html
    assert '<a class="tap" href="?open=impact#cat-impact">' in html
    html = client.get(reverse("boundaries:mine") + "?open=impact").content.decode()
    assert '<details class="category" id="cat-impact" open>' in html
    assert "Slap" in html and 'id="row-slap-receive"' in html
    fragment = client.get(reverse("boundaries:group", args=["impact"]), **HTMX).content.decode()
    assert 'id="row-slap-receive"' in fragment and "<html" not in fragment


def test_htmx_answer_saves_and_returns_the_row(mara, client_as):
    response = client_as("mara").post(
        reverse("boundaries:answer", args=["slap", "receive"]), {"answer": "yes"}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<form class="answer-row" id="row-slap-receive"')
    assert "Saved: Yes." in html
    # The group's count in its summary follows, out of band.
    assert '<span class="cat-count" id="count-impact" hx-swap-oob="true">1 of 16 answered' in html
    # And the path's progress at the top of the page.
    assert '<nav class="path" id="path" aria-label="Your steps" hx-swap-oob="true">' in html
    assert "1 of 168 answered" in html
    assert services.my_profile(mara)[0].boundary("slap", "receive").answer == "yes"


def test_plain_answer_post_redirects_to_the_act(mara, client_as):
    response = client_as("mara").post(
        reverse("boundaries:answer", args=["kiss", "give"]), {"answer": "maybe"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?open=kissing#act-kiss")


def test_the_detail_form_keeps_bad_input_and_explains(mara, client_as):
    response = client_as("mara").post(
        reverse("boundaries:detail", args=["slap", "receive"]),
        {"answer": "yes", "partners": "Jonas R.", "note": "keep this text"},
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "Choose partners from the list of people you work with." in html
    assert "keep this text" in html
    assert services.my_profile(mara)[1] is None


def test_the_detail_form_saves_zone_intensity_and_limit(mara, client_as):
    response = client_as("mara").post(
        reverse("boundaries:detail", args=["slap", "receive"]),
        {"answer": "yes", "zone-face": "no", "max_intensity": "light", "limit": "hard"},
    )
    assert response.status_code == 302
    entry = services.my_profile(mara)[0].boundary("slap", "receive")
    assert entry.zones == {"face": "no"} and entry.max_intensity.name == "light"


def test_import_page_shows_the_error_line_and_keeps_the_text(mara, client_as):
    text = "performer: mara\nboundaries:\n  - act: slapp\n    direction: receive\n    answer: yes\n"
    response = client_as("mara").post(reverse("boundaries:import"), {"text": text})
    html = response.content.decode()
    assert response.status_code == 422
    assert "On line 3: there is no act called &#x27;slapp&#x27;. Did you mean Slap" in html
    assert "act: slapp" in html


def test_share_and_revoke_from_the_sharing_page(world, mara, client_as):
    client = client_as("mara")
    services.set_answer(mara, "kiss", "give", "yes")
    client.post(reverse("boundaries:share", args=[world.production.pk]))
    assert services.is_shared(mara, world.production)
    assert (
        "Stop sharing with Harbour Lights"
        in client.get(reverse("boundaries:sharing")).content.decode()
    )
    client.post(reverse("boundaries:revoke", args=[world.production.pk]))
    assert not services.is_shared(mara, world.production)


def test_the_coordinator_reads_a_shared_profile_with_its_note(world, mara, client_as):
    services.set_boundary(
        mara, "slap", "receive", services.BoundaryForm(answer="yes", note="left ear")
    )
    services.share(mara, world.production.pk)
    url = reverse("boundaries:production_profile", args=[world.production.pk, "mara"])
    html = client_as("ines").get(url).content.decode()
    assert "left ear" in html
    for who in ("dario", "petra", "cora", "jonas"):
        assert client_as(who).get(url).status_code == 403
    assert client_as("oscar").get(url).status_code == 404


def test_api_put_with_an_error_is_422_and_saves_nothing(mara, client_as):
    response = client_as("mara").put(
        "/api/v1/boundaries/me",
        {"boundaries": [{"act": "slap", "direction": "sideways", "answer": "yes"}]},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "sideways" in response.json()["detail"]
    assert services.my_profile(mara)[1] is None


def test_api_round_trip(mara, client_as):
    client = client_as("mara")
    data = {
        "performer": "mara",
        "name": "Mara K.",
        "boundaries": [{"act": "kiss", "direction": "give", "answer": "yes"}],
    }
    assert (
        client.put("/api/v1/boundaries/me", data, content_type="application/json").status_code
        == 200
    )
    body = client.get("/api/v1/boundaries/me").json()
    assert body["version"] == 1
    assert body["profile"]["boundaries"] == data["boundaries"]
    assert [v["number"] for v in client.get("/api/v1/boundaries/me/versions").json()] == [1]
