"""The feed: the right events for each person, read by a standard parser, nothing intimate,
and an address that stops working the moment it is replaced."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from icalendar import Calendar

from closedset.calendars import services
from closedset.calendars.models import Feed
from closedset.conftest import NAMES, speaks
from closedset.core.taxonomy import load_taxonomy


def feed_url(secret: str) -> str:
    return reverse("calendars:feed", args=[secret])


def fetch(user) -> bytes:
    response = Client().get(feed_url(services.make_address(user)))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response.content


def events(body: bytes) -> dict[str, tuple[str, object]]:
    """uid prefix ("call-12") -> (summary, start), as a standard parser reads the feed."""
    calendar = Calendar.from_ical(body)
    found = {}
    for event in calendar.walk("VEVENT"):
        uid = str(event["uid"])
        assert "@" in uid
        assert event.get("dtstamp") is not None
        found[uid.split("@")[0]] = (str(event["summary"]), event["dtstart"].dt)
    return found


def test_a_cast_performer_sees_her_call_and_her_consent_deadline(world, shoot):
    found = events(fetch(world.mara))
    scene = shoot.scene.pk
    assert found == {
        f"call-{scene}": ("Scene 12B — closed set", shoot.call),
        f"consent-{scene}": ("Scene 12B — consent answers due", shoot.deadline),
    }
    assert found[f"call-{scene}"][1].tzinfo is not None
    assert found[f"call-{scene}"][1].utcoffset() == timedelta(0)


def test_a_performer_not_cast_sees_nothing(world, shoot):
    assert events(fetch(world.jonas)) == {}


def test_the_coordinator_sees_the_call_the_notice_and_the_consent_deadlines(world, shoot):
    scene = shoot.scene.pk
    # Harbour Lights is adult: the plan is final at least one day before the call.
    assert events(fetch(world.ines)) == {
        f"call-{scene}": ("Scene 12B — closed set", shoot.call),
        f"notice-{scene}": ("Scene 12B — plan final by", shoot.call - timedelta(hours=24)),
        f"consent-{scene}": ("Scene 12B — consent answers due", shoot.deadline),
    }


@pytest.mark.parametrize("who", ["dario", "petra"])
def test_the_director_and_the_producer_see_the_call_only(world, shoot, who):
    assert events(fetch(world.users[who])) == {
        f"call-{shoot.scene.pk}": ("Scene 12B — closed set", shoot.call)
    }


def test_the_custodian_sees_nothing(world, shoot):
    assert events(fetch(world.cora)) == {}


def test_another_production_sees_none_of_it(world, shoot):
    # Oscar produces Quiet Water: its scene 7, nothing of Harbour Lights.
    assert events(fetch(world.oscar)) == {
        f"call-{shoot.other_scene.pk}": ("Scene 7 — closed set", shoot.other_call)
    }
    for who in ("mara", "jonas", "ines", "dario", "petra", "cora"):
        assert f"call-{shoot.other_scene.pk}" not in events(fetch(world.users[who]))


def test_a_mainstream_production_gives_48_hours_of_notice(world, shoot):
    from closedset.productions.models import Membership

    Membership.objects.create(
        user=world.ines, production=world.other_production, role="coordinator"
    )
    found = events(fetch(world.ines))
    assert found[f"notice-{shoot.other_scene.pk}"] == (
        "Scene 7 — plan final by",
        shoot.other_call - timedelta(hours=48),
    )


def test_a_superseded_final_no_longer_gives_its_deadline(world, shoot):
    from django.utils import timezone

    shoot.request.final.superseded_at = timezone.now()
    shoot.request.final.save(update_fields=["superseded_at"])
    assert set(events(fetch(world.mara))) == {f"call-{shoot.scene.pk}"}


def test_long_past_events_drop_off(world, shoot):
    from closedset.compliance.models import Schedule

    Schedule.objects.filter(scene=shoot.scene).update(
        call_at=shoot.call - timedelta(days=services.PAST_DAYS + 10)
    )
    assert set(events(fetch(world.dario))) == set()


def test_the_feed_is_in_the_persons_language(world, shoot):
    speaks(world.mara, "cs")
    summaries = {summary for summary, _ in events(fetch(world.mara)).values()}
    assert summaries == {"Scéna 12B — uzavřený plac", "Scéna 12B — termín odpovědí o souhlasu"}


def test_the_feed_carries_nothing_intimate(world, shoot):
    taxonomy = load_taxonomy()
    acts = {
        taxonomy.acts[beat["act"]].label for beat in shoot.request.final.plan_version.data["beats"]
    }
    words = {
        world.production.name,
        world.other_production.name,
        world.organisation.name,
        shoot.scene.title,
        *acts,
        *(beat["act"] for beat in shoot.request.final.plan_version.data["beats"]),
        "buttocks",
        "mouth",
    }
    # Names as written (capitalised): "Ines" must not match "deadlines".
    names = {*NAMES.values(), *(f"@{h}" for h in NAMES)}
    for who in ("mara", "ines", "dario", "petra"):
        body = fetch(world.users[who]).decode()
        unfolded = body.replace("\r\n ", "")
        for word in words:
            assert word.lower() not in unfolded.lower(), (who, word)
        for name in names:
            assert name not in unfolded, (who, name)
        calendar = Calendar.from_ical(body)
        for event in calendar.walk("VEVENT"):
            # The only text besides the title: a link back here to sign in.
            assert str(event["description"]) == str(event["url"])
            assert str(event["url"]).startswith("http://testserver/")


def test_links_lead_to_the_page_each_person_signs_in_to(world, shoot):
    def urls(user):
        calendar = Calendar.from_ical(fetch(user))
        return {str(e["uid"]).split("@")[0]: str(e["url"]) for e in calendar.walk("VEVENT")}

    scene, production = shoot.scene.pk, world.production.pk
    base = "http://testserver"
    assert urls(world.mara) == {
        f"call-{scene}": base + reverse("scenes:scene", args=[production, scene]),
        f"consent-{scene}": base + reverse("consent:request", args=[shoot.request.pk]),
    }
    board = base + reverse("consent:scene", args=[production, scene])
    assert urls(world.ines)[f"notice-{scene}"] == board
    assert urls(world.ines)[f"consent-{scene}"] == board


def test_uids_are_stable_between_fetches(world, shoot):
    secret = services.make_address(world.ines)
    first = Client().get(feed_url(secret)).content
    second = Client().get(feed_url(secret)).content
    assert first == second


# --- the address ----------------------------------------------------------------------------


def test_only_a_hash_of_the_secret_is_kept(world):
    import hashlib

    secret = services.make_address(world.mara)
    feed = Feed.objects.get(user=world.mara)
    assert len(secret) >= 43
    assert feed.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(Feed.objects.filter(user=world.mara).values().first())


def test_a_new_address_invalidates_the_old_one_at_once(world, shoot):
    old = services.make_address(world.mara)
    assert Client().get(feed_url(old)).status_code == 200
    new = services.make_address(world.mara)
    assert new != old
    gone = Client().get(feed_url(old))
    assert gone.status_code == 404
    assert Client().get(feed_url(new)).status_code == 200
    assert Feed.objects.get(user=world.mara).reset_at is not None


def test_a_wrong_address_and_a_replaced_one_look_the_same(world, shoot):
    old = services.make_address(world.mara)
    services.make_address(world.mara)
    replaced = Client().get(feed_url(old))
    wrong = Client().get(feed_url("x" * 43))
    odd = Client().get("/calendar/%C3%A9t%C3%A9.ics")
    assert replaced.status_code == wrong.status_code == odd.status_code == 404
    assert replaced.content == wrong.content == odd.content
    assert replaced["Content-Type"] == wrong["Content-Type"]
    assert b"calendar" not in replaced.content.lower()


def test_a_turned_off_address_is_not_found(world, shoot):
    secret = services.make_address(world.mara)
    assert services.turn_off(world.mara)
    assert Client().get(feed_url(secret)).status_code == 404


def test_a_closed_account_has_no_feed(world, shoot):
    secret = services.make_address(world.mara)
    world.mara.is_active = False
    world.mara.save(update_fields=["is_active"])
    assert Client().get(feed_url(secret)).status_code == 404


def test_the_feed_is_not_kept_by_caches(world, shoot):
    response = Client().get(feed_url(services.make_address(world.mara)))
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"


def test_the_feed_answers_get_and_head_only(world, shoot):
    url = feed_url(services.make_address(world.mara))
    assert Client().head(url).status_code == 200
    assert Client().post(url).status_code == 405


@override_settings(CLOSEDSET_CALENDAR_MISSES_PER_HOUR=3)
def test_guessing_is_cut_off(world, shoot):
    secret = services.make_address(world.mara)
    client = Client(REMOTE_ADDR="203.0.113.9")
    for attempt in range(3):
        assert client.get(feed_url(f"guess{attempt}")).status_code == 404
    assert client.get(feed_url("guess4")).status_code == 404
    # From then on no guess from there is answered; the right address still is.
    assert client.get(feed_url("guess5")).status_code == 429
    assert client.get(feed_url(secret)).status_code == 200
    # Another address is not affected.
    assert Client(REMOTE_ADDR="198.51.100.7").get(feed_url(secret)).status_code == 200


def test_every_time_is_in_utc(world, shoot):
    body = fetch(world.ines).decode()
    starts = [line for line in body.splitlines() if line.startswith("DTSTART")]
    assert starts and all(line.endswith("Z") for line in starts)
    for event in Calendar.from_ical(body).walk("VEVENT"):
        assert event["dtstart"].dt.utcoffset() == timedelta(0)


def test_the_secret_never_reaches_a_log_line():
    from closedset.lib.logging import redact_path

    assert "s3cr3t" not in redact_path("/calendar/s3cr3t.ics")
