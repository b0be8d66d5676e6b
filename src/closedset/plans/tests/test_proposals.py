"""The director proposes, the coordinator decides and releases; the director reads two states.

The unplanned-slap world: Mara (A) receives, Jonas (B) gives. The director Dario never sees a
live check, and "not cleared" reads the same whoever refused and however firmly.
"""

from __future__ import annotations

import json

import pytest

from closedset.boundaries import services as boundaries
from closedset.lib.errors import Forbidden, NotFound
from closedset.plans import services
from closedset.plans.models import Beat, BeatEdit, Proposal
from closedset.plans.tests.test_views import api, url

pytestmark = pytest.mark.django_db

TOPLESS = services.BeatInput("t1", "nudity-topless", "A", [], "", "light")
FACE_SLAP = services.BeatInput("s1", "slap", "B", ["A"], "face", "light")


def ids(world):
    return world.production.pk, world.scene.pk


@pytest.fixture
def told(monkeypatch):
    """Every notice the plans service sends: (recipient handle, kind)."""
    sent: list[tuple[str, str]] = []

    def notify(recipient, kind, **kwargs):
        sent.append((recipient.handle, kind))

    monkeypatch.setattr("closedset.notices.services.notify", notify)
    return sent


def profiles(world, mara, jonas):
    for user, answers, name in ((world.mara, mara, "Mara K."), (world.jonas, jonas, "Jonas R.")):
        boundaries.replace_profile(
            user, {"performer": user.handle, "name": name, "boundaries": answers}
        )
        boundaries.share(user, world.production.pk)


def accept_all(world):
    for proposal in Proposal.objects.filter(state=Proposal.State.OPEN).order_by("pk"):
        services.decide(world.ines, *ids(world), proposal.pk, "accept")


def directors_beats(world):
    """What the director's JSON says of each beat, minus who is cast."""
    data = services.plan_view(world.dario, *ids(world)).to_json()
    check = services.check_json(world.dario, *ids(world))
    return data["status"], [(b["id"], b["act"], b["status"]) for b in data["beats"]], check


def test_a_directors_change_waits_as_a_proposal_and_the_coordinator_is_told(slap_plan, told):
    world = slap_plan
    proposal = services.add_beat(world.dario, *ids(world), FACE_SLAP)
    assert isinstance(proposal, Proposal)
    assert proposal.state == Proposal.State.OPEN
    assert not Beat.objects.filter(beat_id="s1").exists()
    assert told == [("ines", "proposal")]
    seen = services.proposals(world.ines, *ids(world))
    assert [(p.author, p.state) for p in seen] == [("Dario", "open")]
    assert "Slap" in seen[0].what and "face" in seen[0].what


def test_before_a_release_the_director_sees_nothing_of_the_check(slap_plan):
    world = slap_plan
    services.add_beat(world.dario, *ids(world), FACE_SLAP)
    view = services.plan_view(world.dario, *ids(world))
    assert view.beats == [] and view.status == "not_released"
    assert services.check_json(world.dario, *ids(world)) == {
        "scene": "12B",
        "status": "not_released",
        "beats": [],
    }
    with pytest.raises(NotFound):
        services.plan_json(world.dario, *ids(world))
    assert services.versions(world.dario, *ids(world)) == []


def test_accepting_puts_the_change_in_the_plan_in_the_coordinators_name(slap_plan):
    world = slap_plan
    proposal = services.add_beat(world.dario, *ids(world), FACE_SLAP)
    services.decide(world.ines, *ids(world), proposal.pk, "accept")
    assert Beat.objects.filter(beat_id="s1", zone="face").exists()
    edit = BeatEdit.objects.get(beat_label="s1")
    assert edit.editor == world.ines
    proposal.refresh_from_db()
    assert (proposal.state, proposal.decided_by) == ("accepted", world.ines)
    assert [p.state for p in services.proposals(world.dario, *ids(world))] == ["accepted"]


def test_amending_applies_the_coordinators_version(slap_plan):
    world = slap_plan
    proposal = services.add_beat(world.dario, *ids(world), FACE_SLAP)
    amended = services.BeatInput("s1", "slap", "B", ["A"], "buttocks", "light")
    services.decide(world.ines, *ids(world), proposal.pk, "amend", amended)
    assert Beat.objects.get(beat_id="s1").zone == "buttocks"
    proposal.refresh_from_db()
    assert proposal.state == "amended" and proposal.applied["zone"] == "buttocks"


def test_declining_changes_nothing_and_a_decision_is_made_once(slap_plan):
    world = slap_plan
    proposal = services.add_beat(world.dario, *ids(world), FACE_SLAP)
    services.decide(world.ines, *ids(world), proposal.pk, "decline")
    assert not Beat.objects.filter(beat_id="s1").exists()
    with pytest.raises(services.PlanInvalid, match="decided already"):
        services.decide(world.ines, *ids(world), proposal.pk, "accept")


def test_only_the_coordinator_decides_and_releases(slap_plan):
    world = slap_plan
    proposal = services.add_beat(world.dario, *ids(world), FACE_SLAP)
    for who in ("dario", "petra", "mara", "cora"):
        with pytest.raises(Forbidden):
            services.decide(world.users[who], *ids(world), proposal.pk, "accept")
        with pytest.raises(Forbidden):
            services.release(world.users[who], *ids(world))
    with pytest.raises(NotFound):
        services.decide(world.oscar, *ids(world), proposal.pk, "accept")


def test_a_proposal_that_no_longer_fits_changes_nothing_and_stays_open(slap_plan):
    world = slap_plan
    services.release(world.ines, *ids(world))
    proposal = services.update_beat(world.dario, *ids(world), FACE_SLAP, beat_id="b1")
    services.delete_beat(world.ines, *ids(world), beat_id="b1")
    with pytest.raises(services.PlanInvalid, match="no longer in the plan"):
        services.decide(world.ines, *ids(world), proposal.pk, "accept")
    proposal.refresh_from_db()
    assert proposal.state == "open"


def test_the_director_names_only_beats_released_to_him(slap_plan):
    world = slap_plan
    with pytest.raises(NotFound):
        services.update_beat(world.dario, *ids(world), FACE_SLAP, beat_id="b1")
    services.release(world.ines, *ids(world))
    services.update_beat(world.dario, *ids(world), FACE_SLAP, beat_id="b1")
    row = Beat.objects.get(beat_id="b1")
    with pytest.raises(Forbidden):
        services.update_beat(world.dario, *ids(world), FACE_SLAP, pk=row.pk)
    with pytest.raises(Forbidden):
        services.save_version(world.dario, *ids(world))


def test_a_proposed_beat_is_checked_as_the_format_checks_it(slap_plan):
    world = slap_plan
    bad = services.BeatInput("s1", "slap", "B", ["A"], "feet", "light")
    with pytest.raises(services.PlanInvalid) as caught:
        services.add_beat(world.dario, *ids(world), bad)
    assert "zone" in caught.value.fields
    assert not Proposal.objects.exists()


def test_an_empty_plan_is_not_released(world):
    with pytest.raises(services.PlanInvalid, match="no beats"):
        services.release(world.ines, *ids(world))


def test_a_release_shows_two_states_frozen_until_the_next_release(slap_plan):
    world = slap_plan
    services.release(world.ines, *ids(world))
    status, beats, check = directors_beats(world)
    assert status == "not_cleared"
    assert [(b, s) for b, _, s in beats] == [("b1", "clear"), ("b2", "not_cleared")]
    text = json.dumps(check) + json.dumps(
        services.plan_view(world.dario, *ids(world)).to_json(), default=str
    )
    for secret in ("blocked", "needs_discussion", "hard limit", "left ear", "reason", "findings"):
        assert secret not in text
    # Mara lifts her limit: the director reads the old release until Ines releases again.
    boundaries.replace_profile(
        world.mara,
        {
            "performer": "mara",
            "name": "Mara K.",
            "boundaries": [{"act": "slap", "direction": "receive", "answer": "yes"}],
        },
    )
    assert directors_beats(world)[0] == "not_cleared"
    services.release(world.ines, *ids(world))
    assert directors_beats(world)[0] == "clear"
    assert [v.number for v in services.versions(world.dario, *ids(world))] == [1]


def test_unreleased_versions_stay_the_coordinators(slap_plan):
    world = slap_plan
    services.save_version(world.ines, *ids(world))
    with pytest.raises(NotFound):
        services.version(world.dario, *ids(world), 1)
    services.release(world.ines, *ids(world))
    assert services.version(world.dario, *ids(world), 1)["beats"][0]["id"] == "b1"


SLAP_RECEIVE = {"act": "slap", "direction": "receive", "answer": "yes"}
SLAP_GIVE = {"act": "slap", "direction": "give", "answer": "yes"}
TOPLESS_YES = {"act": "nudity-topless", "direction": "self", "answer": "yes"}


@pytest.mark.parametrize(
    "mara,jonas,cast",
    [
        # Mara refuses both, firmly.
        (
            [
                {"act": "nudity-topless", "direction": "self", "answer": "no"},
                {**SLAP_RECEIVE, "zones": {"face": "no"}},
            ],
            [SLAP_GIVE],
            {"A": "mara", "B": "jonas"},
        ),
        # Mara is unsure of both: a maybe reads exactly as a no.
        (
            [
                {"act": "nudity-topless", "direction": "self", "answer": "maybe"},
                {**SLAP_RECEIVE, "zones": {"face": "maybe"}},
            ],
            [SLAP_GIVE],
            {"A": "mara", "B": "jonas"},
        ),
        # Jonas, cast as A, is the one who refuses.
        (
            [TOPLESS_YES, SLAP_GIVE],
            [
                {"act": "nudity-topless", "direction": "self", "answer": "no"},
                {**SLAP_RECEIVE, "zones": {"face": "no"}},
            ],
            {"A": "jonas", "B": "mara"},
        ),
    ],
)
def test_not_cleared_reads_the_same_whoever_refused_and_however_firmly(world, mara, jonas, cast):
    profiles(world, mara, jonas)
    for role, handle in cast.items():
        services.cast_role(world.ines, *ids(world), role, handle)
    services.add_beat(world.dario, *ids(world), TOPLESS)
    services.add_beat(world.dario, *ids(world), FACE_SLAP)
    accept_all(world)
    services.release(world.ines, *ids(world))
    status, beats, check = directors_beats(world)
    assert status == "not_cleared"
    assert beats == [
        ("t1", "nudity-topless", "not_cleared"),
        ("s1", "slap", "not_cleared"),
    ]
    assert check == {
        "scene": "12B",
        "status": "not_cleared",
        "beats": [
            {"beat": "t1", "status": "not_cleared"},
            {"beat": "s1", "status": "not_cleared"},
        ],
    }


def test_the_director_is_told_of_a_release_and_performers_of_a_change(slap_plan, told):
    world = slap_plan
    services.release(world.ines, *ids(world))
    assert ("dario", "released") in told
    told.clear()
    services.update_beat(
        world.ines,
        *ids(world),
        services.BeatInput("b1", "slap", "B", ["A"], "thighs"),
        beat_id="b1",
    )
    services.release(world.ines, *ids(world))
    assert sorted(t for t in told if t[1] == "plan_changed") == [
        ("jonas", "plan_changed"),
        ("mara", "plan_changed"),
    ]


def test_casting_tells_the_performer(world, told):
    services.cast_role(world.ines, *ids(world), "A", "mara")
    assert told == [("mara", "cast")]
    services.cast_role(world.dario, *ids(world), "B", "jonas")
    assert ("jonas", "cast") not in told  # a proposal casts nobody


# --- pages and API ---


def test_the_directors_page_before_and_after_release(slap_plan, client_as):
    world = slap_plan
    dario = client_as("dario")
    response = dario.post(
        url(world, "plans:add_beat"),
        {"beat_id": "s1", "act": "slap", "by": "B", "to": ["A"], "zone": "face"},
    )
    assert response.status_code == 302
    html = dario.get(url(world)).content.decode()
    assert "has not released a version" in html
    assert "waiting for the coordinator" in html
    for secret in ("blocked", "needs discussion", "hard limit", "data-status"):
        assert secret not in html
    ines = client_as("ines")
    page = ines.get(url(world)).content.decode()
    assert "proposed by Dario" in page
    proposal = Proposal.objects.get()
    assert ines.post(url(world, "plans:decide", proposal.pk), {"decision": "accept"}).status_code
    assert ines.post(url(world, "plans:release")).status_code == 302
    html = dario.get(url(world)).content.decode()
    assert html.count('data-status="not_cleared"') == 2  # b2 and s1, both to Mara's face
    assert 'data-status="clear"' in html
    assert "not cleared (talk to the coordinator)" in html
    for secret in ("blocked", "hard limit", "left ear"):
        assert secret not in html


def test_the_director_proposes_a_change_and_a_removal_from_the_page(slap_plan, client_as):
    world = slap_plan
    services.release(world.ines, *ids(world))
    dario = client_as("dario")
    form = dario.get(url(world, "plans:propose") + "?beat=b1")
    assert form.status_code == 200
    assert 'name="target" value="b1"' in form.content.decode()
    changed = {"kind": "edit", "target": "b1", "beat_id": "b1", "act": "slap", "by": "B"}
    changed |= {"to": ["A"], "zone": "thighs", "intensity": "light", "barrier": "none"}
    assert dario.post(url(world, "plans:propose"), changed).status_code == 302
    assert dario.post(url(world, "plans:propose"), {"kind": "remove", "target": "b2"}).status_code
    assert sorted(Proposal.objects.values_list("kind", "beat_label")) == [
        ("edit", "b1"),
        ("remove", "b2"),
    ]
    bad = changed | {"zone": "feet"}
    response = dario.post(url(world, "plans:propose"), bad)
    assert response.status_code == 422
    assert "Not sent" in response.content.decode()


def test_the_coordinator_amends_from_a_form(slap_plan, client_as):
    world = slap_plan
    proposal = services.add_beat(world.dario, *ids(world), FACE_SLAP)
    ines = client_as("ines")
    page = ines.get(url(world, "plans:amend", proposal.pk))
    assert page.status_code == 200
    data = {"beat_id": "s1", "act": "slap", "by": "B", "to": ["A"], "zone": "buttocks"}
    assert ines.post(url(world, "plans:amend", proposal.pk), data).status_code == 302
    assert Beat.objects.get(beat_id="s1").zone == "buttocks"


def test_the_api_follows_the_same_rule(slap_plan, client_as):
    world = slap_plan
    dario, ines = client_as("dario"), client_as("ines")
    body = {"id": "s1", "act": "slap", "by": "B", "to": "A", "zone": "face"}
    answer = dario.post(api(world, "/beats"), body, content_type="application/json").json()
    assert answer["proposal"]["state"] == "open"
    assert "status" not in answer
    assert dario.get(api(world)).json()["beats"] == []
    listed = ines.get(api(world, "/proposals")).json()
    assert [p["author"] for p in listed] == ["Dario"]
    decided = ines.post(
        api(world, f"/proposals/{listed[0]['id']}/decide"),
        {"decision": "accept"},
        content_type="application/json",
    )
    assert decided.status_code == 200
    released = ines.post(api(world, "/release")).json()
    assert released == {"version": 1, "cleared": False}
    statuses = [b["status"] for b in dario.get(api(world, "/check")).json()["beats"]]
    assert statuses == ["clear", "not_cleared", "not_cleared"]
    refused = dario.post(api(world, "/release"))
    assert refused.status_code == 403


def test_two_proposed_beats_with_the_same_id_both_go_in(world):
    first = services.add_beat(
        world.dario, *ids(world), services.BeatInput(act="kiss", by="A", to=["B"], zone="mouth")
    )
    second = services.add_beat(
        world.dario, *ids(world), services.BeatInput(act="kiss", by="B", to=["A"], zone="mouth")
    )
    assert first.data["id"] == second.data["id"] == "b1"
    services.decide(world.ines, *ids(world), first.pk, "accept")
    services.decide(world.ines, *ids(world), second.pk, "accept")
    assert list(Beat.objects.order_by("position").values_list("beat_id", "by")) == [
        ("b1", "A"),
        ("b2", "B"),
    ]


def test_an_empty_plan_reads_no_beats_yet_not_cleared(world):
    for who in (world.ines, world.petra):
        view = services.plan_view(who, *ids(world))
        assert (view.status, view.status_label) == ("empty", "no beats yet")


def test_the_directors_casting_form_starts_from_the_released_cast(slap_plan, client_as):
    world = slap_plan
    services.release(world.ines, *ids(world))
    html = client_as("dario").get(url(world)).content.decode()
    assert '<option value="mara" selected>' in html
    assert '<option value="jonas" selected>' in html


def test_casting_by_a_whole_plan_tells_the_newly_cast(world, told):
    from closedset.plans.tests.scenario import PLAN

    services.replace_plan(world.ines, *ids(world), PLAN)
    assert sorted(told) == [("jonas", "cast"), ("mara", "cast")]
    told.clear()
    services.replace_plan(world.ines, *ids(world), PLAN)
    assert told == []  # cast already: nobody is told twice


def test_the_coordinator_sees_what_the_check_would_say_before_accepting(slap_plan, client_as):
    world = slap_plan
    services.add_beat(world.dario, *ids(world), FACE_SLAP)
    services.add_beat(
        world.dario, *ids(world), services.BeatInput("k1", "slap", "B", ["A"], "buttocks")
    )
    face, buttocks = sorted(services.proposals(world.ines, *ids(world)), key=lambda p: p.pk)
    assert face.preview == ("blocked", ("mara: slap to face is a hard limit",))
    assert buttocks.preview == ("cleared", ())
    assert Beat.objects.count() == 2  # a preview changes nothing
    html = client_as("ines").get(url(world)).content.decode()
    assert "If accepted: <strong>blocked</strong> — Mara: slap to face is a hard limit" in html
    # Never for the director.
    assert all(p.preview is None for p in services.proposals(world.dario, *ids(world)))
    assert "If accepted" not in client_as("dario").get(url(world)).content.decode()


def test_a_refused_proposal_says_so_once_at_the_field(slap_plan, client_as):
    world = slap_plan
    bad = {"beat_id": "s1", "act": "slap", "by": "B", "to": ["A"], "zone": "feet"}
    html = client_as("dario").post(url(world, "plans:add_beat"), bad).content.decode()
    assert "Not sent: please correct the marked field below." in html
    field = html[html.index('id="add-zone"') :]
    assert "field-error" in field
    assert html.count("feet") <= 2  # the message is at the field, not repeated above the form
