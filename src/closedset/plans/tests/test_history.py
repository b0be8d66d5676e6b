"""Plan versions people can use: what changed in words, two versions compared, an old version
restored as a new one, and the working plan's unsaved changes."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from closedset.api.tests.authz_matrix import PERSONAS, Registry, Route, observe, request
from closedset.api.tests.authz_matrix import url_and_body as matrix_url
from closedset.core.taxonomy import load_taxonomy
from closedset.plans import history, services
from closedset.plans.models import BeatEdit, PlanVersion, ScenePlan
from closedset.plans.tests import authz_history
from closedset.plans.tests.scenario import PLAN
from closedset.productions.models import Membership

NAMES = {"mara": "Mara", "jonas": "Jonas", "eva": "Eva"}


def names(handle: str) -> str:
    return NAMES.get(handle, handle)


def plan(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(PLAN)
    data.update(changes)
    return data


def beat(beat_id: str, act: str = "slap", zone: str | None = "buttocks", **more: Any) -> dict:
    data: dict[str, Any] = {"id": beat_id, "act": act, "by": "B", "to": "A"}
    if zone:
        data["zone"] = zone
    return data | more


# ---------------------------------------------------------------- the words (pure)


def test_an_added_beat_is_told_with_names_and_labels():
    after = plan(beats=[*PLAN["beats"], beat("b3")])
    assert history.plan_diff(PLAN, after, names) == [
        "Beat b3 added: Jonas slaps Mara's buttocks, lightly"
    ]


def test_a_changed_zone_names_both_zones():
    after = plan(beats=[PLAN["beats"][0], beat("b2", zone="buttocks")])
    assert history.plan_diff(PLAN, after, names) == ["Beat b2: zone changed from face to buttocks"]


def test_a_recast_names_both_people():
    after = plan(cast={"A": "mara", "B": "eva"})
    assert history.plan_diff(PLAN, after, names) == ["Role B recast: Eva instead of Jonas"]


def test_a_removed_beat_says_what_it_was():
    after = plan(beats=[PLAN["beats"][0]])
    assert history.plan_diff(PLAN, after, names) == [
        "Beat b2 removed (was: Jonas slaps Mara's face, lightly)"
    ]


def test_several_fields_of_one_beat_make_one_line():
    after = plan(beats=[PLAN["beats"][0], beat("b2", act="spank", intensity="medium")])
    assert history.plan_diff(PLAN, after, names) == [
        "Beat b2: act changed from slap to spank; zone changed from face to buttocks; "
        "intensity changed from light to medium"
    ]


def test_who_does_it_and_to_whom():
    after = plan(beats=[PLAN["beats"][0], beat("b2", zone="face", by="A", to=["B"])])
    assert history.plan_diff(PLAN, after, names) == [
        "Beat b2: done by Mara instead of Jonas; to Jonas instead of Mara"
    ]


def test_roles_added_opened_and_removed():
    before = plan(cast={"A": "mara", "B": "jonas", "C": None})
    after = plan(cast={"A": None, "B": "jonas", "D": "eva"})
    assert history.plan_diff(before, after, names) == [
        "Role A is open again: Mara is not cast",
        "Role D added: Eva",
        "Role C removed",
    ]


def test_a_new_order_lists_the_beats():
    after = plan(beats=list(reversed(PLAN["beats"])))
    assert history.plan_diff(PLAN, after, names) == ["Beats in a new order: b2, b1"]


def test_title_changes():
    assert history.plan_diff(plan(title="Boathouse"), plan(title="Dock"), names) == [
        "Title changed from “Boathouse” to “Dock”"
    ]


@pytest.mark.parametrize(
    ("the_beat", "cast", "words"),
    [
        ({"id": "x", "act": "nudity-topless", "by": "A"}, {"A": "mara"}, "Mara: topless nudity"),
        (
            {"id": "x", "act": "hair-pull", "by": "B", "to": "A", "zone": "hair"},
            {"A": "mara", "B": "jonas"},
            "Jonas pulls Mara's hair, lightly",
        ),
        (
            beat("x", intensity="hard"),
            {"A": "mara", "B": None},
            "Someone not cast yet slaps Mara's buttocks, hard",
        ),
        (
            {"id": "x", "act": "kiss", "by": "A", "to": ["B", "C"], "zone": "neck"},
            {"A": "mara", "B": "jonas", "C": "eva"},
            "Mara kisses Jonas and Eva on the neck, lightly",
        ),
        (
            {
                "id": "x",
                "act": "oral",
                "by": "A",
                "to": "B",
                "zone": "genitals",
                "barrier": "condom",
            },
            {"A": "mara", "B": "jonas"},
            "Mara gives Jonas oral sex, lightly, with a condom",
        ),
    ],
)
def test_one_beat_in_words(the_beat, cast, words):
    assert history.describe_beat(the_beat, cast, names) == words


def test_to_as_a_word_or_a_list_is_the_same_beat():
    listed = plan(beats=[dict(b, to=[b["to"]]) for b in PLAN["beats"]])
    assert history.plan_diff(PLAN, listed, names) == []


def test_side_by_side_keeps_a_removed_beat_where_it_was():
    before = plan(beats=[beat("b1"), beat("b2", zone="face"), beat("b3", zone="thighs")])
    after = plan(beats=[beat("b1"), beat("b3", zone="back"), beat("b4")])
    pairs = history.side_by_side(before, after, names)
    assert [(p.beat_id, p.kind) for p in pairs] == [
        ("b1", "same"),
        ("b2", "removed"),
        ("b3", "changed"),
        ("b4", "added"),
    ]
    assert pairs[2].change == "zone changed from thighs to back"
    assert pairs[1].after is None and pairs[3].before is None


# ---------------------------------------------------------------- properties

TAXONOMY = load_taxonomy()
ACTS = sorted(TAXONOMY.acts)
ROLES = ["A", "B", "C"]


@st.composite
def beats(draw: Any, beat_id: str) -> dict[str, Any]:
    act = TAXONOMY.acts[draw(st.sampled_from(ACTS))]
    data: dict[str, Any] = {"id": beat_id, "act": act.id, "by": draw(st.sampled_from(ROLES))}
    if not act.is_self:
        data["to"] = draw(st.lists(st.sampled_from(ROLES), min_size=1, max_size=2, unique=True))
    if act.zones:
        data["zone"] = draw(st.sampled_from(act.zones))
    data["intensity"] = draw(st.sampled_from(["light", "medium", "hard"]))
    data["barrier"] = draw(st.sampled_from(["none", "condom", "barrier"]))
    return data


@st.composite
def plans(draw: Any) -> dict[str, Any]:
    roles = draw(st.lists(st.sampled_from(ROLES), min_size=1, unique=True))
    cast = {r: draw(st.sampled_from([None, "mara", "jonas", "eva"])) for r in roles}
    ids = draw(st.lists(st.sampled_from([f"b{n}" for n in range(1, 9)]), unique=True))
    data = {"scene": "12B", "cast": cast, "beats": [draw(beats(i)) for i in ids]}
    if draw(st.booleans()):
        data["title"] = draw(st.sampled_from(["Boathouse", "Dock"]))
    return data


def _mentioned(lines: list[str]) -> set[str]:
    return {word for line in lines for word in re.findall(r"[A-Za-z0-9_.-]+", line)}


@settings(max_examples=150, deadline=None)
@given(plans())
def test_a_plan_has_no_changes_from_itself(data):
    assert history.plan_diff(data, copy.deepcopy(data), names) == []


@settings(max_examples=300, deadline=None)
@given(plans(), plans())
def test_every_beat_that_differs_is_named(a, b):
    lines = history.plan_diff(a, b, names)
    old = {x["id"]: history.normal_beat(x) for x in a["beats"]}
    new = {x["id"]: history.normal_beat(x) for x in b["beats"]}
    differing = {i for i in old.keys() | new.keys() if old.get(i) != new.get(i)}
    assert differing <= _mentioned(lines)
    # Only a beat that differs, or one whose place changed, is named.
    if [i for i in old if i in new] == [i for i in new if i in old]:
        assert not {i for i in old.keys() | new.keys() if i not in differing} & _mentioned(lines)


@settings(max_examples=300, deadline=None)
@given(plans(), plans())
def test_no_changes_means_the_same_plan(a, b):
    if history.plan_diff(a, b, names):
        return
    assert (a.get("title") or "") == (b.get("title") or "")
    assert a["cast"] == b["cast"]
    assert [history.normal_beat(x) for x in a["beats"]] == [
        history.normal_beat(x) for x in b["beats"]
    ]


# ---------------------------------------------------------------- versions in the database


def ids(world: Any) -> tuple[int, int]:
    return world.production.pk, world.scene.pk


def edit_b2(world: Any, zone: str) -> None:
    row = services.beat_input(world.ines, *ids(world), _pk(world, "b2"))
    row.zone = zone
    services.update_beat(world.ines, *ids(world), row, beat_id="b2")


def _pk(world: Any, beat_id: str) -> int:
    return ScenePlan.objects.get(scene=world.scene).beats.get(beat_id=beat_id).pk


@pytest.fixture
def two_versions(slap_plan: Any) -> Any:
    """Version 1: the slap plan; version 2: the face slap moved to the thighs."""
    services.save_version(slap_plan.ines, *ids(slap_plan))
    edit_b2(slap_plan, "thighs")
    services.save_version(slap_plan.ines, *ids(slap_plan))
    return slap_plan


def working(world: Any) -> ScenePlan:
    return ScenePlan.objects.get(scene=world.scene)


@pytest.mark.django_db
def test_each_version_lists_its_changes_from_the_one_before(two_versions):
    summaries = history.version_summaries(two_versions.ines, *ids(two_versions))
    assert [s.number for s in summaries] == [2, 1]
    assert summaries[0].changes == ["Beat b2: zone changed from face to thighs"]
    assert summaries[1].changes == [
        "Role A cast: Mara",
        "Role B cast: Jonas",
        "Beat b1 added: Jonas slaps Mara's buttocks, lightly",
        "Beat b2 added: Jonas slaps Mara's face, lightly",
    ]


@pytest.mark.django_db
def test_unsaved_changes_follow_the_working_plan(two_versions):
    world = two_versions
    assert history.unsaved_changes(working(world)) == []
    services.delete_beat(world.ines, *ids(world), beat_id="b1")
    assert history.unsaved_changes(working(world)) == [
        "Beat b1 removed (was: Jonas slaps Mara's buttocks, lightly)"
    ]
    assert history.unsaved_for(world.ines, *ids(world)) == history.unsaved_changes(working(world))
    services.save_version(world.ines, *ids(world))
    assert history.unsaved_changes(working(world)) == []


@pytest.mark.django_db
def test_a_plan_never_saved_counts_everything_as_unsaved(slap_plan):
    assert "Beat b1 added: Jonas slaps Mara's buttocks, lightly" in history.unsaved_changes(
        working(slap_plan)
    )
    assert history.unsaved_changes(ScenePlan(scene=slap_plan.scene)) == []


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["dario", "petra", "mara", "jonas"])
def test_the_unsaved_marker_is_the_coordinators(slap_plan, who):
    assert history.unsaved_for(slap_plan.users[who], *ids(slap_plan)) == []


@pytest.mark.django_db
def test_restoring_makes_the_old_version_the_working_plan_and_a_new_version(two_versions):
    world = two_versions
    imported = BeatEdit.objects.filter(plan=working(world), kind="imported")
    edits_before = imported.count()
    done = history.restore(world.ines, *ids(world), 1)
    assert (done.number, done.kept) == (3, None)
    v1, v3 = (PlanVersion.objects.get(plan__scene=world.scene, number=n).data for n in (1, 3))
    assert v3 == v1
    assert services.plan_data(working(world)) == v1
    assert working(world).beats.get(beat_id="b2").zone == "face"
    # Restoring went through replace_plan: every beat's edit is on record.
    assert imported.count() == edits_before + 2


@pytest.mark.django_db
def test_restoring_keeps_unsaved_changes_as_their_own_version_first(two_versions):
    world = two_versions
    services.delete_beat(world.ines, *ids(world), beat_id="b1")
    done = history.restore(world.ines, *ids(world), 1)
    assert (done.number, done.kept) == (4, 3)
    kept = PlanVersion.objects.get(plan__scene=world.scene, number=3).data
    assert [b["id"] for b in kept["beats"]] == ["b2"]
    assert [b.beat_id for b in working(world).beats.all()] == ["b1", "b2"]


@pytest.mark.django_db
def test_a_version_that_no_longer_fits_the_production_changes_nothing(two_versions):
    world = two_versions
    services.delete_beat(world.ines, *ids(world), beat_id="b1")
    services.cast_role(world.ines, *ids(world), "B", "")
    Membership.objects.filter(user=world.jonas, production=world.production).delete()
    before = services.plan_data(working(world))
    with pytest.raises(services.PlanInvalid) as raised:
        history.restore(world.ines, *ids(world), 1)
    assert "Version 1 cannot be restored" in raised.value.message
    assert "Nothing was changed" in raised.value.message
    assert services.plan_data(working(world)) == before
    assert PlanVersion.objects.filter(plan__scene=world.scene).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["dario", "petra", "mara", "cora"])
def test_only_the_coordinator_restores(two_versions, who):
    from closedset.lib.errors import Forbidden

    with pytest.raises(Forbidden):
        history.restore(two_versions.users[who], *ids(two_versions), 1)
    assert PlanVersion.objects.filter(plan__scene=two_versions.scene).count() == 2


# ---------------------------------------------------------------- pages


def compare_url(world: Any, query: str = "") -> str:
    return reverse("plan_history:compare", args=ids(world)) + query


def restore_url(world: Any, number: int) -> str:
    return reverse("plan_history:restore", args=[*ids(world), number])


# What the check says, in any form: never on a history page.
CHECK_WORDS = (
    "blocked",
    "cleared",
    "needs discussion",
    "hard limit",
    "left ear",
    "badge",
    "data-status",
)


@pytest.mark.django_db
def test_comparing_two_versions_shows_the_changes_and_no_check(two_versions, client_as):
    response = client_as("ines").get(compare_url(two_versions, "?a=1&b=2"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Beat b2: zone changed from face to thighs" in html
    assert "Jonas slaps Mara&#x27;s thighs, lightly" in html
    assert "Jonas slaps Mara&#x27;s face, lightly" in html
    for word in CHECK_WORDS:
        assert word not in html.lower()
    assert restore_url(two_versions, 1) in html


@pytest.fixture
def two_releases(slap_plan: Any) -> Any:
    """Ines released the slap plan (version 1) and the face slap moved to the thighs (2)."""
    services.release(slap_plan.ines, *ids(slap_plan))
    edit_b2(slap_plan, "thighs")
    services.release(slap_plan.ines, *ids(slap_plan))
    return slap_plan


@pytest.mark.django_db
def test_the_director_compares_released_versions_and_sees_no_check(two_releases, client_as):
    world = two_releases
    response = client_as("dario").get(compare_url(world, "?a=1&b=2"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Beat b2: zone changed from face to thighs" in html
    for word in CHECK_WORDS:
        assert word not in html.lower()
    # Restoring is the coordinator's.
    assert "/restore/" not in html


@pytest.mark.django_db
def test_the_director_cannot_compare_a_version_not_released_to_him(two_releases, client_as):
    world = two_releases
    services.delete_beat(world.ines, *ids(world), beat_id="b1")
    services.save_version(world.ines, *ids(world))
    response = client_as("dario").get(compare_url(world, "?a=2&b=3"))
    html = response.content.decode()
    assert response.status_code == 422
    assert "There is no version “3” of this plan; choose from versions 1 to 2." in html
    assert "Beat b1" not in html
    summaries = history.version_summaries(world.dario, *ids(world))
    assert [s.number for s in summaries] == [2, 1]
    assert summaries[0].changes == ["Beat b2: zone changed from face to thighs"]


@pytest.mark.django_db
def test_without_numbers_the_latest_is_compared_with_the_one_before(two_versions, client_as):
    html = client_as("ines").get(compare_url(two_versions)).content.decode()
    assert "From version 1 to version 2" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?a=1", "Choose which version to compare to: versions 1 to 2."),
        ("?b=2", "Choose which version to compare from: versions 1 to 2."),
        ("?a=1&b=7", "There is no version “7” of this plan; choose from versions 1 to 2."),
        ("?a=one&b=2", "There is no version “one” of this plan; choose from versions 1 to 2."),
        ("?a=-1&b=2", "There is no version “-1” of this plan"),
        ("?a=99999999999999999999999&b=2", "There is no version “99999999999999999999”"),
    ],
)
def test_bad_numbers_get_a_clear_message(two_versions, client_as, query, message):
    response = client_as("ines").get(compare_url(two_versions, query))
    assert response.status_code == 422
    assert message in response.content.decode()


@pytest.mark.django_db
def test_one_version_has_nothing_to_compare_yet(slap_plan, client_as):
    services.save_version(slap_plan.ines, *ids(slap_plan))
    response = client_as("dario").get(compare_url(slap_plan, "?a=1&b=2"))
    assert response.status_code == 200
    assert "fewer than two saved versions" in response.content.decode()


@pytest.mark.django_db
def test_the_restore_step_says_what_will_change_before_anything_does(two_versions, client_as):
    world = two_versions
    services.delete_beat(world.ines, *ids(world), beat_id="b1")
    response = client_as("ines").get(restore_url(world, 1))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Beat b1 added: Jonas slaps Mara&#x27;s buttocks, lightly" in html
    assert "Beat b2: zone changed from thighs to face" in html
    assert "Your unsaved changes are kept" in html
    assert PlanVersion.objects.filter(plan__scene=world.scene).count() == 2


@pytest.mark.django_db
def test_restoring_from_the_page_goes_back_to_the_versions(two_versions, client_as):
    world = two_versions
    client = client_as("ines")
    response = client.post(restore_url(world, 1), follow=True)
    assert response.redirect_chain[-1][0].endswith(
        reverse("plans:versions", args=ids(world)) + "#v3"
    )
    assert "Version 1 restored as version 3." in response.content.decode()


@pytest.mark.django_db
def test_a_restore_that_cannot_be_done_says_why_on_the_page(two_versions, client_as):
    world = two_versions
    services.cast_role(world.ines, *ids(world), "B", "")
    Membership.objects.filter(user=world.jonas, production=world.production).delete()
    response = client_as("ines").post(restore_url(world, 1))
    assert response.status_code == 422
    assert "Version 1 cannot be restored as it is" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("number", [3, 0])
def test_restoring_a_version_that_does_not_exist_is_not_found(two_versions, client_as, number):
    assert client_as("ines").post(restore_url(two_versions, number)).status_code == 404
    assert client_as("ines").get(restore_url(two_versions, number)).status_code == 404


@pytest.mark.django_db
def test_the_unsaved_fragment_lists_the_changes_and_links_to_the_versions():
    from django.template.loader import render_to_string

    html = render_to_string(
        "plan_history/_unsaved.html", {"unsaved": ["Beat b1 removed"], "versions_url": "/v/"}
    )
    assert "Beat b1 removed" in html and 'href="/v/"' in html
    assert render_to_string("plan_history/_unsaved.html", {"unsaved": []}).strip() == ""


# ---------------------------------------------------------------- every persona


HISTORY = Registry(authz_history.EXPECTED, {}, authz_history.ROUTE_PARAMS, authz_history.BODIES, {})


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(authz_history.EXPECTED))
def test_every_persona_gets_what_the_matrix_says(key, world, client_as):
    method, path = key.split(" ", 1)
    route = Route(method, path)
    url, body = matrix_url(route, HISTORY, world)
    wrong = []
    for persona in PERSONAS:
        with transaction.atomic():
            outcome = observe(request(client_as(persona), route, url, body))
            transaction.set_rollback(True)
        if outcome != authz_history.EXPECTED[key][persona]:
            wrong.append(
                f"{persona}: expected {authz_history.EXPECTED[key][persona]}, got {outcome}"
            )
    assert not wrong, f"{key}:\n  " + "\n  ".join(wrong)


@pytest.mark.django_db
def test_the_versions_page_fragments_render_from_the_summaries(two_versions):
    from django.template.loader import render_to_string

    world = two_versions
    summaries = history.version_summaries(world.ines, *ids(world))
    form = render_to_string(
        "plan_history/_compare_form.html",
        {"versions": summaries, "compare_url": compare_url(world)},
    )
    # The one before the latest against the latest, unless chosen otherwise.
    assert '<option value="1" selected>' in form.split('id="compare-b"')[0]
    assert '<option value="2" selected>' in form.split('id="compare-b"')[1]
    changes = render_to_string(
        "plan_history/_version_changes.html", {"changes": summaries[0].changes}
    )
    assert "<li>Beat b2: zone changed from face to thighs</li>" in changes
    link = render_to_string(
        "plan_history/_restore_link.html",
        {"production_id": world.production.pk, "scene_id": world.scene.pk, "number": 1},
    )
    assert f'href="{restore_url(world, 1)}"' in link


@pytest.mark.parametrize("number", ["²", "①", "¹¹"])
def test_a_digit_int_refuses_is_a_clear_message_not_an_error_page(slap_plan, client_as, number):
    world = slap_plan
    services.save_version(world.ines, world.production.pk, world.scene.pk)
    url = reverse("plan_history:compare", args=[world.production.pk, world.scene.pk])
    response = client_as("ines").get(url, {"a": number, "b": "1"})
    assert response.status_code in (200, 422)
