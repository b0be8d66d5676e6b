"""Who changed each beat: written by every beat edit, read by the coordinator alone."""

from __future__ import annotations

import pytest
from django.urls import reverse

from closedset.plans.models import Beat, BeatEdit
from closedset.plans.tests.test_views import beat_html, url

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
B1 = {"beat_id": "b1", "act": "slap", "by": "B", "to": ["A"], "zone": "buttocks"}


def edits(world):
    return list(
        BeatEdit.objects.filter(plan__scene=world.scene)
        .order_by("pk")
        .values_list("beat_label", "editor__handle", "kind", "detail")
    )


def pk_of(world, beat_id):
    return Beat.objects.get(plan__scene=world.scene, beat_id=beat_id).pk


def test_an_import_marks_each_beat_imported(slap_plan):
    assert edits(slap_plan) == [
        ("b1", "ines", "imported", []),
        ("b2", "ines", "imported", []),
    ]


def test_each_beat_edit_writes_who_and_what(slap_plan, client_as):
    world = slap_plan
    BeatEdit.objects.all().delete()
    ines = client_as("ines")
    ines.post(
        url(world, "plans:add_beat"),
        {"beat_id": "b3", "act": "kiss", "by": "A", "to": ["B"], "zone": "mouth"},
    )
    b1 = pk_of(world, "b1")
    changed = B1 | {"zone": "thighs", "intensity": "medium"}
    assert ines.post(url(world, "plans:edit_beat", b1), changed).status_code == 302
    ines.post(url(world, "plans:move_beat", b1), {"direction": "down"})
    ines.post(url(world, "plans:delete_beat", pk_of(world, "b3")))
    assert edits(world) == [
        ("b3", "ines", "added", []),
        ("b1", "ines", "edited", ["zone", "intensity"]),
        ("b1", "ines", "moved", ["down"]),
        ("b3", "ines", "removed", []),
    ]


def test_saving_a_beat_unchanged_writes_nothing(slap_plan, client_as):
    BeatEdit.objects.all().delete()
    b1 = pk_of(slap_plan, "b1")
    assert client_as("ines").post(url(slap_plan, "plans:edit_beat", b1), B1).status_code == 302
    assert edits(slap_plan) == []


def test_a_refused_edit_writes_nothing(slap_plan, client_as):
    BeatEdit.objects.all().delete()
    b1 = pk_of(slap_plan, "b1")
    bad = B1 | {"intensity": "brutal"}
    assert client_as("ines").post(url(slap_plan, "plans:edit_beat", b1), bad).status_code == 422
    assert client_as("petra").post(url(slap_plan, "plans:delete_beat", b1)).status_code == 403
    assert edits(slap_plan) == []


def test_api_edits_are_written_too(slap_plan, client_as):
    world = slap_plan
    BeatEdit.objects.all().delete()
    path = f"/api/v1/plans/{world.production.pk}/scenes/{world.scene.pk}/beats/b1"
    body = {"id": "b1", "act": "slap", "by": "B", "to": "A", "zone": "thighs"}
    assert client_as("ines").put(path, body, content_type="application/json").status_code == 200
    assert edits(world) == [("b1", "ines", "edited", ["zone"])]


def test_the_coordinator_sees_the_last_change_of_each_beat(slap_plan, client_as):
    world = slap_plan
    b1 = pk_of(world, "b1")
    client_as("ines").post(url(world, "plans:edit_beat", b1), B1 | {"zone": "thighs"})
    html = client_as("ines").get(url(world)).content.decode()
    assert "Last change: edited (zone) by Ines" in beat_html(html, "b1")
    assert "Last change: imported by Ines" in beat_html(html, "b2")
    assert reverse("plans:beat_history", args=[world.production.pk, world.scene.pk, b1]) in html


def test_nobody_but_the_coordinator_sees_who_changed_beats(slap_plan, client_as):
    world = slap_plan
    client_as("ines").post(
        url(world, "plans:edit_beat", pk_of(world, "b1")), B1 | {"zone": "thighs"}
    )
    for who in ("dario", "petra", "mara", "jonas"):
        html = client_as(who).get(url(world)).content.decode()
        assert "Last change" not in html
        assert "/history/" not in html
        assert "Beat changes" not in html


def test_a_beats_history_newest_first(slap_plan, client_as):
    world = slap_plan
    b1 = pk_of(world, "b1")
    client_as("ines").post(url(world, "plans:edit_beat", b1), B1 | {"zone": "thighs"})
    client_as("ines").post(url(world, "plans:move_beat", b1), {"direction": "down"})
    history = url(world, "plans:beat_history", b1)
    fragment = client_as("ines").get(history, **HTMX).content.decode()
    assert fragment.lstrip().startswith('<ul class="beat-history-list">')
    order = ["Moved (down)</strong> by Ines", "Edited (zone)</strong> by Ines", "Imported"]
    positions = [fragment.index(text) for text in order]
    assert positions == sorted(positions)
    page = client_as("ines").get(history).content.decode()
    assert "<h1>Beat b1: who changed it</h1>" in page


def test_removed_beats_stay_in_the_plans_changes(slap_plan, client_as):
    world = slap_plan
    client_as("ines").post(url(world, "plans:delete_beat", pk_of(world, "b2")))
    html = client_as("ines").get(url(world, "plans:changes")).content.decode()
    assert "Beat <strong>b2</strong> removed by Ines" in html
    assert "3 changes, newest first." in html
    # The removed beat's own history page is gone with it.
    assert BeatEdit.objects.filter(beat_label="b2", kind="removed", beat=None).exists()


def test_the_history_pages_are_the_coordinators_alone(slap_plan, client_as):
    world = slap_plan
    for name, extra in (("plans:beat_history", [pk_of(world, "b1")]), ("plans:changes", [])):
        target = url(world, name, *extra)
        assert client_as("ines").get(target).status_code == 200
        for who in ("dario", "petra", "mara", "jonas", "cora"):
            assert client_as(who).get(target).status_code == 403
        assert client_as("oscar").get(target).status_code == 404


def test_an_unknown_beat_has_no_history(slap_plan, client_as):
    assert client_as("ines").get(url(slap_plan, "plans:beat_history", 999999)).status_code == 404


def test_changes_are_paged_at_fifty(slap_plan, client_as):
    world = slap_plan
    plan = BeatEdit.objects.first().plan
    BeatEdit.objects.bulk_create(
        BeatEdit(plan=plan, beat_label=f"x{i}", editor=world.ines, kind="added") for i in range(60)
    )
    client = client_as("ines")
    first = client.get(url(world, "plans:changes")).content.decode()
    assert first.count("<li><span>Beat") == 50
    assert "62 changes, newest first. Page 1 of 2." in first
    second = client.get(url(world, "plans:changes") + "?page=2").content.decode()
    assert second.count("<li><span>Beat") == 12
