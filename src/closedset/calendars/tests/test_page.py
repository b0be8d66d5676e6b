"""The calendar page: who reaches it, what it explains, making and replacing an address."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from closedset.calendars.models import Feed
from closedset.conftest import PERSONAS, speaks

PAGE = "/calendar/"
NEW = "/calendar/new/"
OFF = "/calendar/off/"


def address_of(response) -> str:
    found = re.search(r'value="(https?://[^"]+\.ics)"', response.content.decode())
    assert found, "no address on the page"
    return found.group(1)


def test_the_routes_are_where_the_page_says():
    assert reverse("calendars:page") == PAGE
    assert reverse("calendars:new") == NEW
    assert reverse("calendars:off") == OFF


@pytest.mark.parametrize("url,method", [(PAGE, "get"), (NEW, "post"), (OFF, "post")])
def test_anonymous_people_are_sent_to_sign_in(world, client_as, url, method):
    response = getattr(client_as("anonymous"), method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert not Feed.objects.exists()


@pytest.mark.parametrize("who", PERSONAS)
def test_everyone_signed_in_has_their_own_page(world, client_as, who):
    response = client_as(who).get(PAGE)
    assert response.status_code == 200
    assert b"Make my calendar address" in response.content
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("url", [NEW, OFF])
def test_changes_are_posts_only(world, client_as, url):
    assert client_as("mara").get(url).status_code == 405


def test_the_page_says_what_the_feed_shows_and_never_shows(world, client_as):
    text = client_as("mara").get(PAGE).content.decode()
    assert "What your calendar shows" in text
    assert "What it never shows" in text
    assert "The name of the production" in text


def test_making_an_address_shows_it_once(world, shoot, client_as):
    client = client_as("mara")
    made = client.post(NEW)
    assert made.status_code == 200
    https = address_of(made)
    assert https.startswith("http://testserver/calendar/")
    webcal = "webcal://" + https.split("://", 1)[1]
    assert f'href="{webcal}"' in made.content.decode()
    assert "no-store" in made["Cache-Control"]
    assert Client().get(https).status_code == 200
    # Afterwards the page says there is one, and cannot show it again.
    later = client.get(PAGE).content.decode()
    assert https not in later
    assert "We keep only a fingerprint" in later
    assert "Make a new address" in later


def test_a_new_address_on_the_page_stops_the_old_one(world, shoot, client_as):
    client = client_as("mara")
    old = address_of(client.post(NEW))
    new = address_of(client.post(NEW))
    assert old != new
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200
    assert Feed.objects.filter(user=world.mara).count() == 1


def test_turning_the_address_off(world, shoot, client_as):
    client = client_as("mara")
    address = address_of(client.post(NEW))
    response = client.post(OFF, follow=True)
    assert b"Your calendar address is turned off." in response.content
    assert Client().get(address).status_code == 404
    assert b"Make my calendar address" in response.content


def test_each_person_gets_their_own_address(world, shoot, client_as):
    mara = address_of(client_as("mara").post(NEW))
    oscar = address_of(client_as("oscar").post(NEW))
    assert mara != oscar
    assert b"Scene 7" not in Client().get(mara).content
    assert b"Scene 12B" not in Client().get(oscar).content


def test_the_page_in_czech(world, shoot, client_as):
    speaks(world.mara, "cs")
    client = client_as("mara")
    text = client.get(PAGE).content.decode()
    assert "Tvůj kalendář" in text
    assert "Co kalendář nikdy neukáže" in text
    assert "What your calendar shows" not in text
    made = client.post(NEW).content.decode()
    assert "Vytvořit novou adresu" in made
    assert "Make a new address" not in made
