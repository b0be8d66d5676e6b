"""Who is told what about a profile: the performer when someone new can see it; the covered
coordinators when it changes or stops being shared. Never what the profile says."""

from __future__ import annotations

import pytest

from closedset.boundaries import services
from closedset.boundaries.tests.test_services import end_sitting
from closedset.productions import services as productions

pytestmark = pytest.mark.django_db


@pytest.fixture
def told(monkeypatch):
    calls = []

    def record(recipient, kind, *, production=None, subject, body, url=""):
        calls.append(
            {
                "to": recipient.handle,
                "kind": kind,
                "production": production,
                "subject": subject,
                "body": body,
                "url": url,
            }
        )

    monkeypatch.setattr("closedset.notices.services.notify", record)
    return calls


def no_detail(call):
    text = (call["subject"] + " " + call["body"]).lower()
    for word in ("slap", "kiss", "face", "nudity", " no ", "maybe", "limit", "yes"):
        assert word not in f" {text} ", f"{word!r} in {text!r}"


def test_the_performer_is_told_who_can_now_see_her_profile(
    world, told, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.share(world.mara, world.production.pk)
    assert [(c["to"], c["kind"]) for c in told] == [("mara", "profile_seen_by_new")]
    assert told[0]["subject"] == "Ines can now see your boundary profile"
    assert "Harbour Lights" in told[0]["body"]
    assert told[0]["production"] == world.production
    no_detail(told[0])


def test_confirming_a_new_coordinator_tells_the_performer(
    world, told, django_capture_on_commit_callbacks
):
    from closedset.accounts.models import User

    services.share(world.mara, world.production.pk)
    nina = User.objects.create_user(email="nina@example.org", display_name="Nina", handle="nina")
    membership = productions.add_member(nina, world.production, "coordinator")
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_coordinator(world.mara, world.production.pk, membership.pk)
        services.confirm_coordinator(world.mara, world.production.pk, membership.pk)
    assert [(c["to"], c["subject"]) for c in told] == [
        ("mara", "Nina can now see your boundary profile")
    ]


def test_a_change_tells_each_covered_coordinator_once_a_sitting(
    world, told, django_capture_on_commit_callbacks
):
    services.set_answer(world.mara, "slap", "receive", "yes")
    services.share(world.mara, world.production.pk)
    end_sitting(world.mara)
    with django_capture_on_commit_callbacks(execute=True):
        services.set_answer(world.mara, "slap", "receive", "no")
        services.set_answer(world.mara, "kiss", "give", "maybe")
    assert [(c["to"], c["kind"]) for c in told] == [("ines", "profile_changed")]
    assert told[0]["subject"] == "Mara updated their boundary profile"
    no_detail(told[0])


def test_nobody_is_told_of_changes_to_an_unshared_profile(
    world, told, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.set_answer(world.mara, "slap", "receive", "no")
    assert told == []


def test_a_coordinator_not_yet_confirmed_is_not_told(
    world, told, django_capture_on_commit_callbacks
):
    from closedset.accounts.models import User

    services.share(world.mara, world.production.pk)
    nina = User.objects.create_user(email="nina@example.org", display_name="Nina", handle="nina")
    productions.add_member(nina, world.production, "coordinator")
    with django_capture_on_commit_callbacks(execute=True):
        services.set_answer(world.mara, "slap", "receive", "no")
    assert [c["to"] for c in told] == ["ines"]


def test_unsharing_tells_the_coordinators_who_relied_on_it(
    world, told, django_capture_on_commit_callbacks
):
    services.share(world.mara, world.production.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.revoke(world.mara, world.production.pk)
        services.revoke(world.mara, world.production.pk)  # already unshared: no one told again
    assert [(c["to"], c["kind"]) for c in told] == [("ines", "profile_unshared")]
    assert told[0]["subject"] == "Mara stopped sharing their boundary profile"
    no_detail(told[0])


def test_notices_really_arrive(world, django_capture_on_commit_callbacks):
    """Through the real notify: the performer's notice is stored for her."""
    from closedset.notices.models import Notice

    with django_capture_on_commit_callbacks(execute=True):
        services.share(world.mara, world.production.pk)
    assert list(Notice.objects.values_list("recipient__handle", "kind")) == [
        ("mara", "profile_seen_by_new")
    ]
