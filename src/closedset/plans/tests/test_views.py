"""Plan pages and API: the same role cut as the services, in HTML and JSON."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from closedset.conftest import without_tokens
from closedset.plans.models import Beat

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(world, name="plans:plan", *extra):
    return reverse(name, args=[world.production.pk, world.scene.pk, *extra])


def api(world, tail=""):
    return f"/api/v1/plans/{world.production.pk}/scenes/{world.scene.pk}{tail}"


def beat_html(html, beat_id):
    match = re.search(
        rf'<li class="beat[^"]*" id="beat-{beat_id}"[^>]*>(.*?)</li>\s*(?=<li class="beat|</ol>)',
        html,
        re.S,
    )
    assert match, f"beat {beat_id} not on the page"
    return match.group(1)


def test_the_coordinator_page_shows_the_reason(slap_plan, client_as):
    html = client_as("ines").get(url(slap_plan)).content.decode()
    assert "Mara: slap to face is a hard limit" in beat_html(html, "b2")
    assert 'data-status="blocked"' in beat_html(html, "b2")
    assert 'data-status="clear"' in beat_html(html, "b1")


def test_the_producer_page_shows_the_gate_only(slap_plan, client_as):
    html = without_tokens(client_as("petra").get(url(slap_plan)).content.decode())
    assert "Plan: <strong>needs the coordinator</strong>" in html
    assert "beat-b1" not in html
    assert "slap" not in html.lower().replace("closedset", "")


def test_htmx_add_returns_the_body_with_the_new_beat_checked(slap_plan, client_as):
    response = client_as("ines").post(
        url(slap_plan, "plans:add_beat"),
        {
            "beat_id": "b3",
            "act": "slap",
            "by": "B",
            "to": ["A"],
            "zone": "thighs",
            "intensity": "medium",
            "barrier": "none",
        },
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="plan-body"')
    assert "Mara: slap to thighs at medium is above their limit of light" in beat_html(html, "b3")


def test_a_bad_beat_keeps_what_was_typed_and_says_why(slap_plan, client_as):
    response = client_as("ines").post(
        url(slap_plan, "plans:add_beat"),
        {"beat_id": "b3", "act": "slap", "by": "B", "to": ["A"], "zone": "feet"},
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "zone &#x27;feet&#x27; does not apply to slap" in html
    assert 'value="b3"' in html
    assert Beat.objects.count() == 2


def test_plain_form_post_redirects_back(slap_plan, client_as):
    b2 = Beat.objects.get(beat_id="b2")
    response = client_as("ines").post(url(slap_plan, "plans:move_beat", b2.pk), {"direction": "up"})
    assert response.status_code == 302
    assert list(Beat.objects.order_by("position").values_list("beat_id", flat=True)) == ["b2", "b1"]


def test_zone_choices_follow_the_act(slap_plan, client_as):
    html = client_as("dario").get(url(slap_plan, "plans:zones"), {"act": "slap"}).content.decode()
    assert 'value="face"' in html and 'value="feet"' not in html


def test_the_edit_form_comes_back_filled_in(slap_plan, client_as):
    b2 = Beat.objects.get(beat_id="b2")
    html = client_as("ines").get(url(slap_plan, "plans:edit_beat", b2.pk), **HTMX).content.decode()
    assert '<option value="face" selected>' in html


def test_api_add_beat_with_a_bad_zone_is_422_with_the_field(slap_plan, client_as):
    response = client_as("ines").post(
        api(slap_plan, "/beats"),
        {"id": "b3", "act": "slap", "by": "B", "to": "A", "zone": "elbow"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "zone" in response.json()["fields"]


def test_api_put_plan_then_check_as_coordinator(shared, client_as):
    from closedset.plans.tests.scenario import PLAN

    client = client_as("ines")
    response = client.put(api(shared), PLAN, content_type="application/json")
    assert response.status_code == 200, response.content
    check = client.get(api(shared, "/check")).json()
    reasons = [f["reason"] for b in check["beats"] for f in b["findings"]]
    assert "mara: slap to face is a hard limit" in reasons


def test_import_page_shows_the_line_and_loses_nothing(slap_plan, client_as):
    client = client_as("ines")
    text = client.get(url(slap_plan, "plans:export")).content.decode()
    broken = text.replace("zone: face", "zone: elbow")
    response = client.post(url(slap_plan, "plans:import"), {"text": broken})
    html = response.content.decode()
    assert response.status_code == 422
    assert "line" in html and "elbow" in html
    assert Beat.objects.get(beat_id="b2").zone == "face"


@pytest.mark.parametrize(
    "path",
    [
        "/plans/{big}/",
        "/plans/{big}/scenes/{big}/",
        "/plans/{p}/scenes/{s}/beats/{big}/edit/",
        "/plans/{p}/scenes/{s}/versions/{big}/",
        "/api/v1/plans/{big}/scenes/{s}/check",
        "/boundaries/production/{big}/",
        "/boundaries/history/{big}/",
        "/api/v1/boundaries/me/versions/{big}",
    ],
)
def test_an_impossible_id_is_not_found_not_a_crash(slap_plan, client_as, path):
    url = path.format(big="9" * 30, p=slap_plan.production.pk, s=slap_plan.scene.pk)
    assert client_as("ines").get(url).status_code == 404


def test_a_too_long_beat_id_is_a_field_error(slap_plan, client_as):
    response = client_as("ines").post(
        url(slap_plan, "plans:add_beat"),
        {"beat_id": "x" * 100, "act": "slap", "by": "B", "to": ["A"], "zone": "face"},
    )
    assert response.status_code == 422
    assert "a beat id is" in response.content.decode()


def test_a_self_act_with_receivers_is_a_field_error(slap_plan, client_as):
    response = client_as("ines").post(
        url(slap_plan, "plans:add_beat"),
        {"beat_id": "b3", "act": "nudity-topless", "by": "A", "to": ["B"]},
    )
    assert response.status_code == 422
    assert "is done alone" in response.content.decode()
