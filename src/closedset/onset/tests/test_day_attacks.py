"""Attacks on the shoot day's check-ins, incidents, closure and feedback: each test is a way
someone tried to learn or change what they may not, and what stops them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from closedset.compliance import services as compliance
from closedset.compliance.tests.helpers import ready_scene
from closedset.conftest import without_tokens
from closedset.lib.errors import Conflict, NotFound
from closedset.onset import closure, services
from closedset.onset.models import Run
from closedset.onset.tests.test_closure import answer, close_run
from closedset.productions.models import Membership, OrgMembership


@pytest.fixture
def run(world: Any) -> Run:
    ready_scene(world)
    compliance.schedule(world.ines, world.scene, timezone.now() + timedelta(hours=1))
    return services.start(world.ines, world.scene)


def _join(world: Any, who: str, role: str) -> None:
    user = world.users[who]
    OrgMembership.objects.get_or_create(user=user, organisation=world.organisation)
    Membership.objects.create(user=user, production=world.production, role=role)


def test_someone_joining_after_the_aggregate_is_shown_cannot_be_subtracted(world, run):
    close_run(world, run)
    for who in ("ines", "mara", "jonas", "dario"):
        answer(world, run, who, 3)
    shown = closure.feedback_summary(run, world.ines)
    assert shown.shown and shown.count == 4
    # A new director is added: were they asked, feedback would reopen and their answer,
    # shown next, would be the difference between two aggregates.
    _join(world, "oscar", "director")
    again = closure.feedback_summary(run, world.ines)
    assert (again.shown, again.count, again.safety) == (True, 4, 3.0)
    with pytest.raises((Conflict, NotFound)):
        answer(world, run, "oscar", 1)
    assert closure.feedback_summary(run, world.ines).count == 4


def test_removing_someone_who_has_not_answered_does_not_end_feedback(world, run):
    close_run(world, run)
    for who in ("ines", "mara", "jonas"):
        answer(world, run, who, 3)
    Membership.objects.filter(user=world.dario, production=world.production).delete()
    # Asked at the close: Dario still counts until the window ends.
    assert not closure.feedback_over(run)


# --- after the close ---------------------------------------------------------------------


def test_a_performer_cannot_tick_her_checklist_once_the_scene_is_closed(world, run):
    from closedset.onset import day

    item = day.add_check(world.ines, world.production.pk, world.scene.pk, run.day, "mara", "robe")
    close_run(world, run)
    with pytest.raises(Conflict, match="closed"):
        day.tick_mine(world.mara, run.pk, item.pk, True)
    item.refresh_from_db()
    assert item.done_at is None


def test_her_phone_offers_no_ticking_once_the_scene_is_closed(world, run, client_as):
    from django.urls import reverse

    from closedset.onset import day

    item = day.add_check(world.ines, world.production.pk, world.scene.pk, run.day, "mara", "robe")
    url = reverse("onset:day_my_check", args=[run.pk, item.pk])
    mara = client_as("mara")
    assert url in mara.get(reverse("onset:day_phone", args=[run.pk])).content.decode()
    close_run(world, run)
    page = mara.get(reverse("onset:day_phone", args=[run.pk])).content.decode()
    assert url not in page and "robe" in page.lower()
    response = mara.post(url, {"done": "1"}, follow=True)
    assert "closed" in response.content.decode()


def test_a_checkin_cannot_be_answered_or_closed_once_the_scene_is_closed(world, run):
    from closedset.onset import checkins

    asked = checkins.ask(world.ines, run.pk)
    given = checkins.answer(world.mara, run.pk, "yellow")
    close_run(world, run)
    with pytest.raises(Conflict, match="closed"):
        checkins.answer(world.mara, run.pk, "red")
    with pytest.raises(Conflict, match="closed"):
        checkins.talked(world.ines, run.pk, given.pk)
    with pytest.raises(Conflict, match="closed"):
        checkins.close(world.ines, run.pk, asked.pk)
    given.refresh_from_db()
    assert given.colour == "yellow"


# --- ids of another run, another production; odd ids -------------------------------------


def _other_run(world: Any) -> Run:
    """A second run of scene 12B (another day's, closed): ids that are real, but not this run's."""
    from closedset.onset.models import CheckIn, CheckInAnswer

    first = Run.objects.get()
    other = Run.objects.create(
        scene=first.scene,
        final=first.final,
        day=first.day - timedelta(days=1),
        started_by=world.ines,
        state=Run.State.RUNNING,
    )
    checkin = CheckIn.objects.create(run=other, asked_by=world.ines, asked_at=timezone.now())
    CheckInAnswer.objects.create(
        checkin=checkin, performer=world.jonas, colour="yellow", answered_at=timezone.now()
    )
    return other


def test_ids_of_another_run_are_not_found(world, run, client_as):
    from django.urls import reverse

    from closedset.onset.models import CheckIn, CheckInAnswer

    _other_run(world)
    foreign_answer = CheckInAnswer.objects.get()
    foreign_checkin = CheckIn.objects.get()
    ines = client_as("ines")
    for url in (
        reverse("onset:checkin_talked", args=[run.pk, foreign_answer.pk]),
        reverse("onset:checkin_close", args=[run.pk, foreign_checkin.pk]),
        reverse("onset:checkin_talked", args=[run.pk, 10**30]),
        reverse("onset:checkin_close", args=[run.pk, 0]),
    ):
        response = ines.post(url)
        assert response.status_code == 404, url
    foreign_answer.refresh_from_db()
    foreign_checkin.refresh_from_db()
    assert foreign_answer.talked_at is None and foreign_checkin.closed_at is None


def test_incidents_of_another_production_are_not_found(world, client_as):
    from django.urls import reverse

    from closedset.onset.models import Incident

    elsewhere = Incident.objects.create(
        production=world.other_production,
        kind=Incident.Kind.REPORT,
        reported_at=timezone.now(),
    )
    ines = client_as("ines")
    for production in (world.production.pk, world.other_production.pk):
        url = reverse("onset:incident", args=[production, elsewhere.pk])
        assert ines.get(url).status_code == 404
        assert ines.post(url, {"step": "acknowledge"}).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.state == Incident.State.OPEN


def test_another_performers_checklist_line_cannot_be_ticked(world, run, client_as):
    from django.urls import reverse

    from closedset.onset import day

    item = day.add_check(world.ines, world.production.pk, world.scene.pk, run.day, "mara", "robe")
    response = client_as("jonas").post(
        reverse("onset:day_my_check", args=[run.pk, item.pk]), {"done": "1"}, follow=True
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.done_at is None
    # Her page offers no button for his line.
    page = response.content.decode()
    assert reverse("onset:day_my_check", args=[run.pk, item.pk]) not in page


# --- what a director or producer can probe ----------------------------------------------


@pytest.mark.parametrize("who", ["dario", "petra", "cora", "oscar"])
def test_check_in_colours_reach_nobody_but_the_coordinator_and_the_performer(
    world, run, client_as, who
):
    from django.urls import reverse

    from closedset.onset import checkins

    checkins.ask(world.ines, run.pk)
    checkins.answer(world.mara, run.pk, "yellow")
    client = client_as(who)
    for name in ("checkins", "checkin", "day_console", "day_phone", "closure_console"):
        response = client.get(reverse(f"onset:{name}", args=[run.pk]))
        assert response.status_code == 404, name
        assert b"yellow" not in response.content.lower()


def test_the_phone_shows_only_her_own_answer(world, run, client_as):
    from django.urls import reverse

    from closedset.onset import checkins

    checkins.ask(world.ines, run.pk)
    checkins.answer(world.mara, run.pk, "yellow")
    page = client_as("jonas").get(reverse("onset:checkin", args=[run.pk])).content.decode()
    assert "You answered" not in page and "<strong>yellow" not in page


def test_polling_addresses_carry_no_colour(world, run, client_as):
    """The live parts ask again with a digest in the address; addresses end up in the web
    server's access log, so a digest must not spell out anyone's answer."""
    from closedset.onset import checkins

    checkins.ask(world.ines, run.pk)
    checkins.answer(world.mara, run.pk, "yellow")
    console = checkins.console_view(run).digest()
    phone = checkins.phone_view(run, world.mara).digest()
    for digest in (console, phone):
        assert not any(c in digest for c in ("green", "yellow", "red"))
    assert phone != checkins.phone_view(run, world.jonas).digest()
    # Nor can a reader of the log hash the few possible answers and compare.
    import hashlib
    import itertools

    checkin = str(checkins.open_checkin(run).pk)
    for sep, colour, stopped in itertools.product(("|", "-"), ("yellow", "red"), ("0", "False")):
        guess = hashlib.sha256(sep.join([checkin, colour, stopped]).encode()).hexdigest()
        assert phone not in guess


# --- huge and odd input -------------------------------------------------------------------

HUGE = "x" * 1_000_000
ODD = ["\x00 nul", "\u202eevil\u202c \U0001f600 \x07\x1b[31m", HUGE]


@pytest.mark.parametrize("text", ODD)
def test_odd_report_text_is_refused_or_kept_never_a_500(world, client_as, text):
    from django.urls import reverse

    from closedset.onset.models import Incident

    url = reverse("onset:incident_new", args=[world.production.pk])
    response = client_as("mara").post(url, {"description": text, "anonymous": "on"})
    assert response.status_code in (302, 400, 413, 422)
    if response.status_code == 400:
        page = response.content.decode()
        assert "errorlist" in page or "error" in page
        assert not Incident.objects.exists()


@pytest.mark.parametrize("text", ODD)
def test_odd_closure_and_feedback_text_is_refused_in_words(world, run, client_as, text):
    from django.urls import reverse

    ines = client_as("ines")
    response = ines.post(
        reverse("onset:closure", args=[run.pk]),
        {"debrief": text, "aftercare-mara": text, "action": "save"},
    )
    assert response.status_code in (302, 400, 413, 422)
    close_run(world, run)
    response = client_as("mara").post(
        reverse("onset:feedback", args=[run.pk]),
        {"safety": "5", "respect": "5", "comfort": "5", "comment": text},
    )
    assert response.status_code in (200, 302, 400, 413, 422)


@pytest.mark.parametrize(
    "body",
    [
        {"act": "slap" * 1000, "zone": "", "intensity": "hard", "by": "mara", "to": "jonas"},
        {"act": "slap", "zone": "buttocks", "intensity": "-1", "by": "mara", "to": "jonas"},
        {"act": "slap", "zone": "buttocks", "intensity": "hard", "by": "oscar", "to": "jonas"},
        {
            "act": "slap",
            "zone": "buttocks",
            "intensity": "hard",
            "by": "mara",
            "to": "jonas",
            "beat": "zz",
        },
    ],
)
def test_odd_deviations_are_refused_in_words(world, run, client_as, body):
    from django.urls import reverse

    from closedset.onset.models import Incident

    response = client_as("ines").post(reverse("onset:unplanned", args=[run.pk]), body)
    assert response.status_code == 400
    page = response.content.decode()
    assert "valid choice" not in page and "Choose" in page
    assert not Incident.objects.exists()


@pytest.mark.parametrize("beat", ["", "zz", "b1" * 10000, "\x00"])
def test_odd_beat_moves_are_refused_in_words(world, run, client_as, beat):
    from django.urls import reverse

    response = client_as("ines").post(
        reverse("onset:day_beat", args=[run.pk]), {"beat": beat, "status": "in_progress"}
    )
    assert response.status_code in (302, 400, 409, 422)


# --- anonymous reports ----------------------------------------------------------------------


def _anonymous_page(world: Any, client_as: Any, who: str) -> str:
    from django.urls import reverse

    from closedset.onset import incidents
    from closedset.onset.models import Incident

    Incident.objects.all().delete()
    at = timezone.now().replace(hour=14, minute=37)
    found = incidents.report(
        world.users[who], world.production.pk, "He grabbed my arm.", anonymous=True, now=at
    )
    ines = client_as("ines")
    pages = [
        ines.get(reverse("onset:incident", args=[world.production.pk, found.pk])),
        ines.get(reverse("onset:incidents", args=[world.production.pk])),
    ]

    text = "".join(p.content.decode() for p in pages).replace(
        f"incidents/{found.pk}/", "incidents/N/"
    )
    return without_tokens(text)


def test_an_anonymous_report_looks_the_same_whoever_sent_it(world, client_as):
    by_mara = _anonymous_page(world, client_as, "mara")
    by_jonas = _anonymous_page(world, client_as, "jonas")
    assert by_mara == by_jonas
    assert "14:37" not in by_mara


def test_an_anonymous_reporter_is_not_found_on_her_own_page(world, client_as):
    from django.urls import reverse

    from closedset.onset import incidents

    incidents.report(world.mara, world.production.pk, "Too many people.", anonymous=True)
    page = client_as("mara").get(reverse("onset:incidents", args=[world.production.pk]))
    assert page.status_code == 200 and "Too many people" not in page.content.decode()
    assert incidents.my_reports(world.mara, world.production.pk) == []


# --- the day page ---------------------------------------------------------------------------


@pytest.mark.parametrize("on", ["garbage", "99999-01-01", "0001-01-01", "2026-02-30", "\x00", HUGE])
def test_odd_days_on_the_day_page_are_refused_in_words(world, client_as, on):
    from django.urls import reverse

    url = reverse("onset:day", args=[world.production.pk, world.scene.pk])
    ines = client_as("ines")
    response = ines.get(url, {"day": on})
    assert response.status_code in (400, 422)
    assert "Reload the day page" in response.content.decode()
    response = ines.post(
        reverse("onset:day_roster_add", args=[world.production.pk, world.scene.pk]),
        {"day": on, "name": "Sam", "job": "Boom"},
    )
    assert response.status_code in (400, 422)


@pytest.mark.parametrize("name", ["", "\x00", "\u202e" * 10, HUGE])
def test_odd_roster_names_are_refused_or_kept_never_a_500(world, client_as, name):
    from django.urls import reverse

    from closedset.onset.models import RosterEntry

    response = client_as("ines").post(
        reverse("onset:day_roster_add", args=[world.production.pk, world.scene.pk]),
        {"name": name, "job": name},
    )
    assert response.status_code in (302, 400, 413, 422)
    if response.status_code != 302:
        assert not RosterEntry.objects.exists()


def test_a_producer_sees_the_roster_but_not_the_checklists(world, run, client_as):
    from django.urls import reverse

    from closedset.onset import day

    day.add_check(
        world.ines, world.production.pk, world.scene.pk, run.day, "mara", "garment", "Pink patch"
    )
    page = client_as("petra").get(reverse("onset:day", args=[world.production.pk, world.scene.pk]))
    assert page.status_code == 200 and "Pink patch" not in page.content.decode()
    url = reverse("onset:day", args=[world.production.pk, world.scene.pk])
    for who, status in (("mara", 403), ("dario", 403), ("oscar", 404)):
        response = client_as(who).get(url)
        assert response.status_code == status and "Pink patch" not in response.content.decode()


# --- two tabs at once ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_tabs_giving_feedback_at_once_leave_one_answer(world, run):
    from closedset.onset.models import Feedback, FeedbackGiven
    from closedset.onset.tests.test_changes_attacks import _race

    close_run(world, run)
    results = _race(lambda: answer(world, run, "mara", 5), lambda: answer(world, run, "mara", 1))
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "NoneType"], results
    assert Feedback.objects.count() == 1 and FeedbackGiven.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_tabs_answering_a_checkin_at_once_leave_one_answer(world, run):
    from closedset.onset import checkins
    from closedset.onset.models import CheckInAnswer
    from closedset.onset.tests.test_changes_attacks import _race

    checkins.ask(world.ines, run.pk)
    results = _race(
        lambda: checkins.answer(world.mara, run.pk, "green"),
        lambda: checkins.answer(world.mara, run.pk, "red"),
    )
    assert all(isinstance(r, CheckInAnswer) for r in results), results
    assert CheckInAnswer.objects.count() == 1
    run.refresh_from_db()
    # Whichever came last, the red stopped the scene and the stop stands.
    assert run.state == Run.State.STOPPED


@pytest.mark.django_db(transaction=True)
def test_two_tabs_closing_at_once_close_once(world, run):
    from closedset.onset.tests.test_changes_attacks import _race
    from closedset.record.models import LogEntry

    closure.save(world.ines, run.pk, done=[k for k, _ in closure.CHECKLIST])
    results = _race(
        lambda: closure.close(world.ines, run.pk), lambda: closure.close(world.ines, run.pk)
    )
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "Run"], results
    closings = [e for e in LogEntry.objects.all() if b'"closure"' in bytes(e.data)]
    assert len(closings) == 1


@pytest.mark.parametrize("scene", ["other", "-1", "99999999999999999999", "abc"])
def test_a_scene_not_on_the_list_is_refused_in_plain_words(world, client_as, scene):
    from django.urls import reverse

    from closedset.onset.models import Incident
    from closedset.productions.models import Scene

    foreign = Scene.objects.create(production=world.other_production, number="3A")
    value = str(foreign.pk + 1000) if scene == "other" else scene
    response = client_as("mara").post(
        reverse("onset:incident_new", args=[world.production.pk]),
        {"description": "Someone filmed on a phone.", "scene": value},
    )
    page = response.content.decode()
    assert response.status_code == 400 and not Incident.objects.exists()
    assert "Choose a scene from the list" in page
    assert "valid choice" not in page and f">{value}<" not in page and f" {value} " not in page
    # What she wrote is still there.
    assert "Someone filmed on a phone." in page


@pytest.mark.parametrize("who", ["ines", "mara", "petra"])
def test_huge_ids_in_addresses_are_not_found(world, client_as, who):
    client = client_as(who)
    huge = 10**30
    for url in (
        f"/onset/runs/{huge}/checkins/",
        f"/onset/runs/{huge}/checkin/",
        f"/onset/runs/{huge}/closure/",
        f"/onset/runs/{huge}/feedback/",
        f"/onset/runs/{huge}/report/",
        f"/onset/runs/{huge}/day/",
        f"/onset/runs/{huge}/my-day/",
        f"/onset/{huge}/incidents/",
        f"/onset/{world.production.pk}/incidents/{huge}/",
        f"/onset/{huge}/today/live/",
        f"/onset/{world.production.pk}/scenes/{huge}/day/",
    ):
        # A member without the role is refused (403) whatever the scene: that says nothing.
        allowed = (404, 403) if "/scenes/" in url and who == "mara" else (404,)
        assert client.get(url).status_code in allowed, url
        assert client.post(url).status_code in (*allowed, 405), url


def test_resolving_with_huge_actions_is_refused_and_keeps_them(world, client_as):
    from django.urls import reverse

    from closedset.onset import incidents
    from closedset.onset.models import Incident

    found = incidents.report(world.mara, world.production.pk, "Phones on set.", anonymous=True)
    url = reverse("onset:incident", args=[world.production.pk, found.pk])
    typed = "Talked to the crew. " * 300
    response = client_as("ines").post(url, {"step": "resolve", "actions": typed})
    assert response.status_code == 400
    page = response.content.decode()
    assert "characters" in page and typed.strip() in page
    assert Incident.objects.get().state == Incident.State.OPEN


def test_the_console_counts_a_deviations_beat_never_shows_its_id(world, run, client_as):
    from django.urls import reverse

    from closedset.onset import incidents

    slap = incidents.Unplanned(
        act="slap", zone="buttocks", intensity="hard", by="mara", to="jonas", beat="b1"
    )
    incidents.record_unplanned(world.ines, run.pk, slap)
    page = client_as("ines").get(reverse("onset:console", args=[run.pk])).content.decode()
    assert "(beat 1)" in page and "beat b1" not in page


def test_control_characters_are_dropped_from_feedback_and_the_roster(world, run):
    from closedset.onset import closure, day
    from closedset.onset.models import Feedback, RosterEntry

    entry = day.add_to_roster(
        world.ines, world.production.pk, world.scene.pk, run.day, "Kim\x00 Lau\x07rent"
    )
    assert RosterEntry.objects.get(pk=entry.pk).name == "Kim Laurent"
    close_run(world, run)
    closure.give_feedback(
        world.mara, run.pk, safety=5, respect=5, comfort=5, comment="Felt\x00 safe.\nThank you"
    )
    assert Feedback.objects.get().comment == "Felt safe.\nThank you"
