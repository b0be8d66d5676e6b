"""Attacks on "the director proposes, the coordinator decides and releases".

Each test is one attempt, by one persona, to learn what the check said (a status, a reason,
who refused, a hard no against a maybe) without a release, or to decide, amend or release
what is not theirs. A passing test documents a defence; a failing one is a hole to close.

The world: Mara (A) receives a slap, Jonas (B) gives it; Mara's face is a hard limit (b2).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from closedset.accounts import services as accounts
from closedset.accounts.models import ApiToken
from closedset.boundaries import services as boundaries
from closedset.lib.errors import Forbidden, NotFound
from closedset.plans import services
from closedset.plans.models import Beat, Proposal, Release, RoleSlot
from closedset.plans.tests.scenario import JONAS, MARA
from closedset.plans.tests.test_views import api, url
from closedset.productions.models import Membership, Scene

pytestmark = pytest.mark.django_db

# What the director must never read before or outside a release: statuses finer than two
# states, reasons, the performers' notes, and the words the check uses for them.
SECRETS = (
    "blocked",
    "needs_discussion",
    "needs discussion",
    "hard limit",
    "left ear",
    "findings",
    "reason",
    "is a no",
    "is a maybe",
    "not shared",
)
FACE_SLAP = {"beat_id": "s1", "act": "slap", "by": "B", "to": ["A"], "zone": "face"}
TOPLESS = {"beat_id": "t1", "act": "nudity-topless", "by": "A"}


def ids(world: Any) -> tuple[int, int]:
    return world.production.pk, world.scene.pk


def leaks(text: str) -> list[str]:
    low = text.lower()
    return [secret for secret in SECRETS if secret in low]


def mara_says(world: Any, face: str | None, topless: str | None = None) -> None:
    """Mara's answer to a slap to her face ("no", "maybe", "yes"), or no profile shared."""
    if face is None:
        boundaries.revoke(world.mara, world.production.pk)
        return
    answers: list[dict[str, Any]] = [
        {"act": "slap", "direction": "receive", "answer": "yes", "zones": {"face": face}}
    ]
    if topless:
        answers.append({"act": "nudity-topless", "direction": "self", "answer": topless})
    boundaries.replace_profile(
        world.mara, {"performer": "mara", "name": "Mara K.", "boundaries": answers}
    )
    boundaries.share(world.mara, world.production.pk)


def token(user: Any, **options: Any) -> str:
    """A token of `user`, whose second factor is in place (staff tokens need one)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.get_or_create(user=user, name="phone", defaults={"confirmed": True})
    options.setdefault("access", ApiToken.Access.WRITE)
    return accounts.create_api_token(user, "attack", session_verified=True, **options)[1]


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def director_surfaces(world: Any, client: Client) -> dict[str, str]:
    """Everything the director can open about the scene, by address."""
    pages = {
        "page": url(world),
        "versions": url(world, "plans:versions"),
        "compare": reverse("plan_history:compare", args=ids(world)),
        "import": url(world, "plans:import"),
        "api": api(world),
        "api check": api(world, "/check"),
        "api versions": api(world, "/versions"),
        "api proposals": api(world, "/proposals"),
        "production": reverse("productions:production", args=[world.production.pk]),
        "plans index": reverse("plans:index", args=[world.production.pk]),
        "notices": reverse("notices:list"),
        "export": url(world, "plans:export"),
        "boundaries": reverse("boundaries:production", args=[world.production.pk]),
        "mara's profile": reverse(
            "boundaries:production_profile", args=[world.production.pk, "mara"]
        ),
        "api boundaries": f"/api/v1/boundaries/productions/{world.production.pk}",
        "performer scene": reverse("scenes:scene", args=ids(world)),
        "home": reverse("productions:home"),
    }
    found = {}
    for name, address in pages.items():
        response = client.get(address)
        found[name] = f"{response.status_code} {response.content.decode()}"
    return found


# ------------------------------------------------------- the director before any release


@pytest.mark.parametrize("face", ["no", "maybe", "yes", None])
def test_nothing_the_director_reads_before_a_release_depends_on_maras_answer(
    slap_plan, client_as, face
):
    """Propose the face slap (pages and API), let Ines accept it, and read every surface:
    what he reads is the same whether Mara said no, maybe, yes, or shared nothing."""
    world = slap_plan
    mara_says(world, face)
    dario = client_as("dario")
    page = dario.post(url(world, "plans:add_beat"), FACE_SLAP)
    body = {"id": "s2", "act": "slap", "by": "B", "to": "A", "zone": "face"}
    answer = dario.post(api(world, "/beats"), body, content_type="application/json")
    assert (page.status_code, answer.status_code) == (302, 200)
    assert set(answer.json()) == {"proposal"}
    for proposal in Proposal.objects.order_by("pk"):
        services.decide(world.ines, *ids(world), proposal.pk, "accept")
    surfaces = director_surfaces(world, dario)
    for name, text in surfaces.items():
        assert not leaks(text), (name, leaks(text))
    assert surfaces["api check"].startswith("200 ")
    assert json.loads(surfaces["api check"][4:]) == {
        "scene": "12B",
        "status": "not_released",
        "beats": [],
    }
    for tail in ("/file", "/versions/1"):
        assert dario.get(api(world, tail)).status_code == 404
    # The boundary pages and the performers' own scene page are closed to him.
    for name in ("boundaries", "mara's profile", "api boundaries", "performer scene"):
        assert surfaces[name][:3] in ("403", "404"), (name, surfaces[name][:3])
    assert surfaces["export"][:3] == "404"


def _directors_reading(world: Any, client: Client) -> dict[str, Any]:
    """What the director reads after a release, minus the times and names that differ."""
    data = client.get(api(world)).json()
    data.pop("released_at", None)
    return {
        "plan": data,
        "check": client.get(api(world, "/check")).json(),
        "file": client.get(api(world, "/file")).json(),
    }


def test_after_release_a_no_a_maybe_and_an_unshared_profile_read_the_same(slap_plan, client_as):
    world = slap_plan
    dario = client_as("dario")
    readings = []
    for face in ("no", "maybe", None):
        if face is not None:
            mara_says(world, face)
        services.release(world.ines, *ids(world))
        readings.append(_directors_reading(world, dario))
        html = dario.get(url(world)).content.decode()
        assert not leaks(html)
        assert 'data-status="not_cleared"' in html
    assert readings[0] == readings[1] == readings[2]
    assert readings[0]["check"]["beats"] == [
        {"beat": "b1", "status": "clear"},
        {"beat": "b2", "status": "not_cleared"},
    ]


def test_a_release_stays_frozen_when_mara_changes_her_answer(slap_plan, client_as):
    world = slap_plan
    services.release(world.ines, *ids(world))
    dario = client_as("dario")
    before = _directors_reading(world, dario)
    mara_says(world, "yes")
    assert _directors_reading(world, dario) == before
    # The coordinator's own reading is live: she sees the change at once.
    assert services.plan_view(world.ines, *ids(world)).status == "clear"


def test_proposal_errors_do_not_depend_on_anyones_answers(slap_plan, client_as):
    """A bad proposal is refused for its form, never for what a performer said: the same
    answer whether Mara said no, maybe or yes."""
    world = slap_plan
    services.release(world.ines, *ids(world))
    dario = client_as("dario")
    bad = FACE_SLAP | {"zone": "feet"}
    answers = []
    for face in ("no", "maybe", "yes"):
        mara_says(world, face)
        page = dario.post(url(world, "plans:add_beat"), bad)
        api_answer = dario.post(
            api(world, "/beats"),
            {"id": "s1", "act": "slap", "by": "B", "to": "A", "zone": "feet"},
            content_type="application/json",
        )
        remove = dario.post(url(world, "plans:propose"), {"kind": "remove", "target": "zz"})
        answers.append(
            (page.status_code, api_answer.status_code, api_answer.json(), remove.status_code)
        )
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][:2] == (422, 422)
    assert not Proposal.objects.exists()


# ------------------------------------------------------- reading what is not released


def test_the_director_cannot_open_unreleased_versions_anywhere(slap_plan, client_as):
    world = slap_plan
    services.save_version(world.ines, *ids(world))  # 1, never released
    services.release(world.ines, *ids(world))  # the same data: version 1 is released
    services.update_beat(
        world.ines,
        *ids(world),
        services.BeatInput("b2", "slap", "B", ["A"], "thighs"),
        beat_id="b2",
    )
    services.save_version(world.ines, *ids(world))  # 2, the coordinator's amendment
    dario = client_as("dario")
    assert [v["number"] for v in dario.get(api(world, "/versions")).json()] == [1]
    assert dario.get(api(world, "/versions/2")).status_code == 404
    assert dario.get(url(world, "plans:version", 2)).status_code == 404
    restore = reverse("plan_history:restore", args=[*ids(world), 2])
    assert dario.get(restore).status_code == 403
    assert dario.post(restore).status_code == 403
    compare = reverse("plan_history:compare", args=ids(world))
    page = dario.get(compare + "?a=1&b=2")
    text = page.content.decode()
    assert "thighs" not in text.lower()
    assert "Thighs" not in text
    versions = dario.get(url(world, "plans:versions")).content.decode()
    assert "thigh" not in versions.lower()
    # And nothing of the coordinator's desk: the beat-change history is hers.
    beat = Beat.objects.get(beat_id="b2")
    assert dario.get(url(world, "plans:beat_history", beat.pk)).status_code == 403
    assert dario.get(url(world, "plans:changes")).status_code == 403
    assert dario.get(url(world, "plans:edit_beat", beat.pk)).status_code == 403


def test_the_directors_proposals_do_not_show_unreleased_casting(slap_plan, client_as):
    """Ines opens role A and casts Mara as a new role C, unreleased; the director's own list
    of proposals must keep speaking of the released plan, not the working one."""
    world = slap_plan
    services.release(world.ines, *ids(world))
    services.cast_role(world.ines, *ids(world), "A", "")
    services.add_role(world.ines, *ids(world), "C")
    services.cast_role(world.ines, *ids(world), "C", "mara")
    dario = client_as("dario")
    dario.post(url(world, "plans:add_beat"), FACE_SLAP)
    listed = dario.get(api(world, "/proposals")).json()
    html = dario.get(url(world)).content.decode()
    # Released: A is Mara. In the working plan A is open, which is not his to read.
    assert "(Mara)" in listed[0]["what"], listed[0]["what"]
    assert "A (Mara)" in html


def test_the_directors_forms_and_errors_do_not_show_unreleased_roles(slap_plan, client_as):
    """Ines adds role C to the working plan and does not release it: the director's forms
    offer the released roles, and a proposal naming C is not told C exists."""
    world = slap_plan
    services.release(world.ines, *ids(world))
    dario = client_as("dario")
    unknown = dario.post(url(world, "plans:add_beat"), FACE_SLAP | {"by": "D"})
    services.add_role(world.ines, *ids(world), "C")
    html = dario.get(url(world)).content.decode()
    assert 'value="C"' not in html, "a role only in the working plan is offered to him"
    assert dario.post(url(world, "plans:cast_role", "C"), {"performer": "mara"}).status_code == 404
    named = dario.post(url(world, "plans:add_beat"), FACE_SLAP | {"by": "C"})
    # Naming C reads exactly as naming D did before C existed.
    assert named.status_code == unknown.status_code == 422

    def said(response: Any) -> str:
        return response.content.decode().split("Not sent:", 1)[1].split("</p>", 1)[0]

    assert said(named) == said(unknown).replace("&#x27;D&#x27;", "&#x27;C&#x27;")


def test_a_director_who_also_produces_sees_no_live_gate(slap_plan, client_as):
    """Director and producer are one person in many small productions (no conflict rule
    forbids it). As director he must not read a live status; the producer's overview gives
    the gate of every scene, live."""
    world = slap_plan
    Membership.objects.create(user=world.dario, production=world.production, role="producer")
    dario = client_as("dario")
    assert services.plan_view(world.dario, *ids(world)).audience == "director"
    before = dario.get(reverse("productions:production", args=[world.production.pk]))
    mara_says(world, "yes")
    after = dario.get(reverse("productions:production", args=[world.production.pk]))
    # Nothing was released: what he reads must not move with Mara's answer.
    assert before.content.decode().count("not cleared") == after.content.decode().count(
        "not cleared"
    )


# ------------------------------------------------------- other personas


@pytest.mark.parametrize("who", ["petra", "mara", "jonas", "cora"])
def test_members_without_a_say_neither_propose_nor_read_proposals(slap_plan, client_as, who):
    world = slap_plan
    services.release(world.ines, *ids(world))
    proposal = services.add_beat(world.dario, *ids(world), services.BeatInput(**_beat(FACE_SLAP)))
    client = client_as(who)
    assert client.get(api(world, "/proposals")).status_code == 403
    assert client.get(api(world, "/file")).status_code == 403
    removal = {"kind": "remove", "target": "b1"}
    assert client.post(url(world, "plans:propose"), removal).status_code == 403
    assert client.delete(api(world, "/beats/b1")).status_code == 403
    assert (
        client.put(
            api(world, "/cast/A"), {"performer": "jonas"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert not Proposal.objects.exclude(pk=proposal.pk).exists()
    for address in (
        url(world, "plans:decide", proposal.pk),
        url(world, "plans:amend", proposal.pk),
    ):
        assert client.post(address, {"decision": "accept"} | FACE_SLAP).status_code == 403
    assert client.post(url(world, "plans:release")).status_code == 403
    assert (
        client.post(
            api(world, f"/proposals/{proposal.pk}/decide"),
            {"decision": "accept"},
            content_type="application/json",
        ).status_code
        == 403
    )
    proposal.refresh_from_db()
    assert proposal.state == "open"
    assert Release.objects.count() == 1


def _beat(form: dict[str, Any]) -> dict[str, Any]:
    return {
        "beat_id": form["beat_id"],
        "act": form["act"],
        "by": form["by"],
        "to": list(form.get("to", [])),
        "zone": form.get("zone", ""),
    }


def test_the_producer_reads_the_gate_and_nothing_finer(slap_plan, client_as):
    world = slap_plan
    petra = client_as("petra")
    surfaces = {
        "page": petra.get(url(world)).content.decode(),
        "api": petra.get(api(world)).content.decode(),
        "check": petra.get(api(world, "/check")).content.decode(),
        "production": petra.get(
            reverse("productions:production", args=[world.production.pk])
        ).content.decode(),
    }
    for name, text in surfaces.items():
        assert not leaks(text), (name, leaks(text))
        assert "Mara" not in text or name == "production"
    assert json.loads(surfaces["check"]) == {"scene": "12B", "status": "not_cleared"}


def test_a_performer_reads_their_own_answers_never_their_partners(slap_plan, client_as):
    """Jonas gives the face slap Mara refused: his scene reads clear, with no word of her."""
    world = slap_plan
    jonas = client_as("jonas")
    data = jonas.get(api(world, "/check")).json()
    assert [b["status"] for b in data["beats"]] == ["clear", "clear"]
    assert data["status"] == "clear"
    page = jonas.get(reverse("scenes:scene", args=ids(world))).content.decode()
    assert "hard limit" not in page.lower() and "said no" not in page.lower()
    # And the director cannot open a performer's scene page to get the live view.
    assert client_as("dario").get(reverse("scenes:scene", args=ids(world))).status_code == 403


def test_an_outsider_and_the_signed_out_learn_nothing(slap_plan, client_as):
    world = slap_plan
    services.release(world.ines, *ids(world))
    proposal = services.add_beat(world.dario, *ids(world), services.BeatInput(**_beat(FACE_SLAP)))
    oscar, nobody = client_as("oscar"), client_as("anonymous")
    for address in (
        url(world),
        url(world, "plans:versions"),
        url(world, "plans:amend", proposal.pk),
    ):
        assert oscar.get(address).status_code == 404
        assert nobody.get(address).status_code == 302
    for tail in ("", "/check", "/file", "/versions", "/versions/1", "/proposals"):
        assert oscar.get(api(world, tail)).status_code == 404
        assert nobody.get(api(world, tail)).status_code == 401
    assert (
        oscar.post(url(world, "plans:decide", proposal.pk), {"decision": "accept"}).status_code
        == 404
    )
    proposal.refresh_from_db()
    assert proposal.state == "open"


# ------------------------------------------------------- API tokens


def test_a_read_only_token_of_the_director_proposes_nothing(slap_plan):
    world = slap_plan
    services.release(world.ines, *ids(world))
    secret = token(world.dario, access=ApiToken.Access.READ)
    client = Client()
    body = {"id": "s1", "act": "slap", "by": "B", "to": "A", "zone": "face"}
    assert (
        client.post(
            api(world, "/beats"), body, content_type="application/json", headers=bearer(secret)
        ).status_code
        == 403
    )
    assert (
        client.put(
            api(world),
            {"cast": {"A": "mara"}, "beats": []},
            content_type="application/json",
            headers=bearer(secret),
        ).status_code
        == 403
    )
    assert not Proposal.objects.exists()
    # It reads what the director reads: the release, two states.
    check = client.get(api(world, "/check"), headers=bearer(secret)).json()
    assert {b["status"] for b in check["beats"]} == {"clear", "not_cleared"}
    assert not leaks(json.dumps(check))


def test_a_token_held_to_another_production_sees_nothing_of_this_one(slap_plan):
    world = slap_plan
    Membership.objects.create(user=world.ines, production=world.other_production, role="performer")
    secret = token(world.ines, production_id=world.other_production.pk)
    proposal = services.add_beat(world.dario, *ids(world), services.BeatInput(**_beat(FACE_SLAP)))
    client = Client()
    for tail in ("", "/check", "/proposals"):
        assert client.get(api(world, tail), headers=bearer(secret)).status_code == 404
    decided = client.post(
        api(world, f"/proposals/{proposal.pk}/decide"),
        {"decision": "accept"},
        content_type="application/json",
        headers=bearer(secret),
    )
    assert decided.status_code == 404
    assert client.post(api(world, "/release"), headers=bearer(secret)).status_code == 404
    proposal.refresh_from_db()
    assert proposal.state == "open"


# ------------------------------------------------------- deciding what is not hers to decide


def test_a_proposal_is_decided_only_through_its_own_plan(slap_plan, client_as):
    """Ines coordinates Harbour Lights only; a proposal of another scene, or of another
    production's plan, is not found through this scene's address."""
    world = slap_plan
    other_scene = Scene.objects.create(production=world.production, number="14")
    elsewhere = Scene.objects.create(production=world.other_production, number="1")
    Membership.objects.create(user=world.dario, production=world.other_production, role="director")
    Membership.objects.create(user=world.oscar, production=world.production, role="director")
    theirs = services.add_beat(
        world.dario,
        world.other_production.pk,
        elsewhere.pk,
        services.BeatInput("k1", "kiss", "A", ["B"], "mouth"),
    )
    next_door = services.add_beat(
        world.dario,
        world.production.pk,
        other_scene.pk,
        services.BeatInput("k1", "kiss", "A", ["B"], "mouth"),
    )
    ines = client_as("ines")
    for proposal in (theirs, next_door):
        assert (
            ines.post(url(world, "plans:decide", proposal.pk), {"decision": "accept"}).status_code
            == 404
        )
        assert ines.get(url(world, "plans:amend", proposal.pk)).status_code == 404
        assert ines.post(url(world, "plans:amend", proposal.pk), FACE_SLAP).status_code == 404
        assert (
            ines.post(
                api(world, f"/proposals/{proposal.pk}/decide"),
                {"decision": "decline"},
                content_type="application/json",
            ).status_code
            == 404
        )
        proposal.refresh_from_db()
        assert proposal.state == "open"
    # Ines has no role in Quiet Water: its own address is not found either.
    with pytest.raises(NotFound):
        services.decide(world.ines, world.other_production.pk, elsewhere.pk, theirs.pk, "decline")
    # A second director reads his own proposals, not Dario's.
    assert services.proposals(world.oscar, world.production.pk, other_scene.pk) == []


def test_a_proposal_is_decided_once_and_a_second_accept_changes_nothing(slap_plan, client_as):
    world = slap_plan
    proposal = services.add_beat(world.dario, *ids(world), services.BeatInput(**_beat(FACE_SLAP)))
    ines = client_as("ines")
    first = ines.post(url(world, "plans:decide", proposal.pk), {"decision": "accept"})
    second = ines.post(url(world, "plans:decide", proposal.pk), {"decision": "accept"})
    third = ines.post(
        api(world, f"/proposals/{proposal.pk}/decide"),
        {"decision": "accept"},
        content_type="application/json",
    )
    amend = ines.post(url(world, "plans:amend", proposal.pk), FACE_SLAP | {"zone": "buttocks"})
    assert first.status_code == 302
    assert (second.status_code, third.status_code, amend.status_code) == (422, 422, 422)
    assert Beat.objects.filter(act="slap", zone="face").count() == 2  # b2 and s1, once
    assert ines.get(url(world, "plans:amend", proposal.pk)).status_code == 404


def test_amending_is_for_proposed_beats_only(slap_plan, client_as):
    world = slap_plan
    services.release(world.ines, *ids(world))
    removal = services.delete_beat(world.dario, *ids(world), beat_id="b2")
    cast = services.cast_role(world.dario, *ids(world), "A", "jonas")
    ines = client_as("ines")
    for proposal in (removal, cast):
        assert ines.get(url(world, "plans:amend", proposal.pk)).status_code == 404
        answer = ines.post(url(world, "plans:amend", proposal.pk), FACE_SLAP)
        assert answer.status_code == 422
        via_api = ines.post(
            api(world, f"/proposals/{proposal.pk}/decide"),
            {
                "decision": "amend",
                "beat": {"id": "x", "act": "kiss", "by": "A", "to": "B", "zone": "mouth"},
            },
            content_type="application/json",
        )
        assert via_api.status_code == 422
        proposal.refresh_from_db()
        assert proposal.state == "open"
    assert Beat.objects.filter(beat_id="b2").exists()
    assert not Beat.objects.filter(act="kiss").exists()


@pytest.mark.parametrize("kind", ["remove", "move", "edit"])
def test_accepting_a_proposal_whose_beat_is_gone_changes_nothing(slap_plan, client_as, kind):
    world = slap_plan
    services.release(world.ines, *ids(world))
    if kind == "remove":
        proposal = services.delete_beat(world.dario, *ids(world), beat_id="b1")
    elif kind == "move":
        proposal = services.move_beat(world.dario, *ids(world), "down", beat_id="b1")
    else:
        proposal = services.update_beat(
            world.dario,
            *ids(world),
            services.BeatInput("b1", "slap", "B", ["A"], "thighs"),
            beat_id="b1",
        )
    services.delete_beat(world.ines, *ids(world), beat_id="b1")
    answer = client_as("ines").post(url(world, "plans:decide", proposal.pk), {"decision": "accept"})
    assert answer.status_code == 422
    assert "no longer in the plan" in answer.content.decode()
    proposal.refresh_from_db()
    assert proposal.state == "open"
    assert list(Beat.objects.values_list("beat_id", flat=True)) == ["b2"]


def test_accepting_a_cast_proposal_for_a_removed_role_says_what_happened(slap_plan, client_as):
    """The role the director proposed to cast was removed since: the coordinator is told
    about the role, not about a beat."""
    world = slap_plan
    services.add_role(world.ines, *ids(world), "C")
    services.release(world.ines, *ids(world))
    proposal = services.cast_role(world.dario, *ids(world), "C", "mara")
    services.remove_role(world.ines, *ids(world), "C")
    answer = client_as("ines").post(url(world, "plans:decide", proposal.pk), {"decision": "accept"})
    assert answer.status_code == 422
    text = answer.content.decode()
    assert "role" in text.lower() and "The beat this proposal concerns" not in text
    proposal.refresh_from_db()
    assert proposal.state == "open"


def test_releasing_an_empty_plan_is_refused_on_every_path(world, client_as):
    ines = client_as("ines")
    page = ines.post(url(world, "plans:release"))
    assert page.status_code == 422
    assert "no beats" in page.content.decode()
    assert ines.post(api(world, "/release")).status_code == 422
    assert not Release.objects.exists()
    assert client_as("dario").get(api(world, "/check")).json()["status"] == "not_released"


# ------------------------------------------------------- casting by proposal


@pytest.mark.parametrize("handle", ["oscar", "nobody-at-all", "ines", "dario"])
def test_the_director_cannot_propose_casting_anyone_but_this_productions_performers(
    slap_plan, client_as, handle
):
    world = slap_plan
    dario = client_as("dario")
    page = dario.post(url(world, "plans:cast_role", "A"), {"performer": handle})
    via_api = dario.put(
        api(world, "/cast/A"), {"performer": handle}, content_type="application/json"
    )
    whole = dario.put(
        api(world),
        {"cast": {"A": handle, "B": "jonas"}, "beats": []},
        content_type="application/json",
    )
    assert (page.status_code, via_api.status_code, whole.status_code) == (422, 422, 422)
    # The same words for someone elsewhere and someone who does not exist: no enumeration.
    assert via_api.json()["detail"] == f"{handle} is not a performer in this production"
    assert not Proposal.objects.exists()


def test_a_cast_proposal_whose_performer_left_is_refused_at_decision(slap_plan):
    world = slap_plan
    proposal = services.cast_role(world.dario, *ids(world), "A", "jonas")
    services.cast_role(world.ines, *ids(world), "B", "")
    Membership.objects.filter(user=world.jonas, production=world.production).delete()
    with pytest.raises(services.PlanInvalid, match="not a performer"):
        services.decide(world.ines, *ids(world), proposal.pk, "accept")
    assert RoleSlot.objects.get(plan__scene=world.scene, name="A").performer == world.mara


# ------------------------------------------------------- hostile input


def _whole(n: int) -> dict[str, Any]:
    return {
        "cast": {"A": "mara", "B": "jonas"},
        "beats": [
            {"id": f"b{i}", "act": "slap", "by": "B", "to": "A", "zone": "buttocks"}
            for i in range(n)
        ],
    }


def test_a_whole_plan_of_more_than_300_beats_is_refused(slap_plan, client_as):
    world = slap_plan
    dario = client_as("dario")
    too_many = dario.put(api(world), _whole(301), content_type="application/json")
    assert too_many.status_code == 422
    assert "300" in too_many.json()["detail"]
    assert not Proposal.objects.exists()
    fits = dario.put(api(world), _whole(300), content_type="application/json")
    assert fits.status_code == 200
    assert "300 beats" in fits.json()["proposal"]["what"]


@pytest.mark.parametrize(
    "body",
    [
        [],
        "a plan",
        {"cast": "A", "beats": "b1"},
        {"cast": {"A": "mara"}, "beats": [1, 2, 3]},
        {"cast": {"A": "mara"}, "beats": [{"id": {"x": 1}, "act": "kiss", "by": "A"}]},
        {"cast": {"A": ["mara"]}, "beats": []},
        {"cast": {"A": "mara", "B": None}, "beats": [], "title": "x\u0000y"},
        {"cast": {"A\u0000": "mara"}, "beats": []},
        {"cast": {"Ä": "mara"}, "beats": []},
        {"cast": {"A": "mara"}, "beats": [{"id": "b\u00001", "act": "kiss", "by": "A"}]},
        {"cast": {"A": "mara", "B": None}, "beats": [], "title": "𝔘" * 500},
        {"cast": {"A": "mara"}, "beats": [], "extra": {"deep": [[[[[[]]]]]]}},
    ],
)
def test_bad_whole_plans_are_refused_in_words_and_store_nothing(slap_plan, client_as, body):
    world = slap_plan
    answer = client_as("dario").put(api(world), body, content_type="application/json")
    assert answer.status_code in (400, 422), answer.content[:300]
    assert answer.json()["detail"]
    assert not Proposal.objects.exists()


def test_deeply_nested_json_is_a_bad_request_not_a_crash(slap_plan, client_as):
    world = slap_plan
    depth = 100_000
    body = '{"cast": {"A": "mara"}, "beats": ' + "[" * depth + "]" * depth + "}"
    client = client_as("dario")
    client.raise_request_exception = False
    answer = client.generic("PUT", api(world), body, content_type="application/json")
    assert answer.status_code == 400, answer.status_code
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    "beat",
    [
        {"id": "s1", "act": "slap", "by": "B", "to": ["A"] * 2, "zone": "face"},
        {"id": "s1", "act": "slap", "by": "B", "to": ["A", "Z"], "zone": "face"},
        {"id": "x" * 41, "act": "slap", "by": "B", "to": "A", "zone": "face"},
        {"id": "s\u00001", "act": "slap", "by": "B", "to": "A", "zone": "face"},
        {"id": "s1", "act": "slap\u0000", "by": "B", "to": "A", "zone": "face"},
        {"id": "s1", "act": "slap", "by": "B", "to": "A", "zone": "face\u0000"},
        {"id": "s1", "act": "slap", "by": "B", "to": "A", "zone": "face", "intensity": "max"},
        {"id": "s1", "act": "slap", "by": "B", "to": "A", "zone": "face", "barrier": "\u0000"},
        {"id": "s1", "act": 7, "by": "B", "to": "A", "zone": "face"},
    ],
)
def test_bad_proposed_beats_are_refused_and_store_nothing(slap_plan, client_as, beat):
    world = slap_plan
    answer = client_as("dario").post(api(world, "/beats"), beat, content_type="application/json")
    assert answer.status_code in (400, 422), answer.content[:300]
    assert not Proposal.objects.exists()


def test_proposing_on_unreleased_beats_is_not_found_the_same_as_nonexistent(slap_plan, client_as):
    """Before a release, b1 exists in the working plan and zz nowhere: the director cannot
    tell them apart by proposing."""
    world = slap_plan
    dario = client_as("dario")
    answers = []
    for target in ("b1", "zz"):
        edit = dario.put(
            api(world, f"/beats/{target}"),
            {"id": target, "act": "slap", "by": "B", "to": "A", "zone": "thighs"},
            content_type="application/json",
        )
        remove = dario.delete(api(world, f"/beats/{target}"))
        move = dario.post(
            api(world, f"/beats/{target}/move"),
            {"direction": "up"},
            content_type="application/json",
        )
        form = dario.get(url(world, "plans:propose") + f"?beat={target}")
        answers.append(
            [
                edit.status_code,
                edit.json(),
                remove.status_code,
                remove.json(),
                move.status_code,
                form.status_code,
            ]
        )
    assert answers[0] == answers[1]
    assert answers[0][0] == 404
    assert not Proposal.objects.exists()
    # The working plan's rows are the coordinator's: naming one by its row is refused.
    row = Beat.objects.get(beat_id="b1")
    for name in ("plans:delete_beat", "plans:move_beat", "plans:edit_beat"):
        assert (
            dario.post(url(world, name, row.pk), {"direction": "up"} | FACE_SLAP).status_code == 403
        )
    assert Beat.objects.filter(beat_id="b1").exists()


def test_the_coordinator_sees_what_a_whole_plan_proposal_would_put_in(slap_plan, client_as):
    """A whole-plan proposal replaces every beat and the cast when accepted. The coordinator
    must be able to read what it holds before she accepts, not only its number of beats."""
    world = slap_plan
    whole = {
        "title": "The boathouse, rewritten",
        "cast": {"A": "jonas", "B": "mara"},
        "beats": [{"id": "k1", "act": "kiss", "by": "A", "to": "B", "zone": "mouth"}],
    }
    client_as("dario").put(api(world), whole, content_type="application/json")
    page = client_as("ines").get(url(world)).content.decode()
    entry = page.split('class="proposal-list"', 1)[1].split("</ul>", 1)[0]
    assert "Kiss" in entry or "kiss" in entry, entry


def test_the_director_cannot_flood_the_coordinator_with_proposals(slap_plan, client_as):
    """Each proposal tells the coordinator (a notice, an e-mail by default); a loop must not
    send her hundreds."""
    from closedset.notices.models import Notice

    world = slap_plan
    dario = client_as("dario")
    for _ in range(60):
        dario.post(url(world, "plans:add_beat"), FACE_SLAP)
    assert Notice.objects.filter(recipient=world.ines, kind="proposal").count() < 60


def test_forbidden_and_not_found_from_services_match_the_pages(slap_plan):
    world = slap_plan
    with pytest.raises(Forbidden):
        services.proposal_beat(world.dario, *ids(world), 1)
    with pytest.raises(NotFound):
        services.proposal_beat(world.oscar, *ids(world), 1)
    with pytest.raises(Forbidden):
        services.released_beat(world.ines, *ids(world), "b1")
    with pytest.raises(NotFound):
        services.released_beat(world.dario, *ids(world), "b1")


def test_profiles_stay_shared_fixture_sanity(slap_plan):
    # The attacks above assume the world they describe.
    assert boundaries.is_shared(slap_plan.mara, slap_plan.production)
    assert MARA["performer"] == "mara" and JONAS["performer"] == "jonas"


@pytest.mark.django_db(transaction=True)
@pytest.mark.django_db(transaction=True)
def test_two_accepts_at_once_apply_the_proposal_once(slap_plan):
    """Two of Ines's tabs accept the same proposal at the same moment. The proposal row is
    locked (select_for_update in an IMMEDIATE transaction): one accept applies it; the other
    is told it was decided, or (the in-memory test database's table lock, a 503 in a request)
    waits out and changes nothing."""
    import threading

    from django.db import OperationalError, connections

    world = slap_plan
    proposal = services.add_beat(world.dario, *ids(world), services.BeatInput(**_beat(FACE_SLAP)))
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def accept() -> None:
        start.wait()
        try:
            services.decide(world.ines, *ids(world), proposal.pk, "accept")
            outcomes.append("accepted")
        except services.PlanInvalid as error:
            outcomes.append(error.message)
        except OperationalError:
            outcomes.append("busy")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Never twice: at most one accept, and the plan holds exactly what was accepted (under a
    # busy database both may be turned away; then nothing changed and it can be tried again).
    assert outcomes.count("accepted") <= 1, outcomes
    assert set(outcomes) - {"accepted"} <= {"This proposal was decided already.", "busy"}
    accepted = outcomes.count("accepted")
    assert Beat.objects.filter(beat_id="s1").count() == accepted
    proposal.refresh_from_db()
    assert proposal.state == ("accepted" if accepted else "open")
