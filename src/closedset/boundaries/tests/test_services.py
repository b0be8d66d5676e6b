"""Boundary profiles: saved as sealed versions, changed only by their owner, shared on purpose."""

from __future__ import annotations

import pytest

from closedset.boundaries import services
from closedset.boundaries.models import ProfileVersion
from closedset.lib.errors import Forbidden, NotFound

pytestmark = pytest.mark.django_db

MARA_FILE = """\
performer: mara
name: Mara K.
barrier: condom
boundaries:
  - act: slap
    direction: receive
    answer: yes
    zones: {face: no}
    max_intensity: light
    note: bruises easily on the left side
  - act: kiss
    direction: receive
    answer: yes
"""


def test_a_new_profile_is_empty_and_unsaved(mara):
    profile, number = services.my_profile(mara)
    assert number is None
    assert profile.performer == "mara"
    assert profile.boundaries == ()


def end_sitting(user):
    """The performer's last edit was long enough ago that the sitting is over."""
    from datetime import timedelta

    from django.utils import timezone

    ProfileVersion.objects.filter(profile__owner=user).update(
        updated_at=timezone.now() - services.SITTING - timedelta(seconds=1)
    )


def test_answers_in_one_sitting_make_one_version(mara):
    assert services.set_answer(mara, "slap", "receive", "yes") == 1
    assert services.set_answer(mara, "kiss", "give", "maybe") == 1
    assert services.set_barrier(mara, "condom") == 1
    profile, number = services.my_profile(mara)
    assert number == 1
    assert profile.boundary("slap", "receive").answer == "yes"
    assert profile.boundary("kiss", "give").answer == "maybe"
    assert ProfileVersion.objects.count() == 1


def test_an_edit_after_the_sitting_makes_a_new_version(mara):
    services.set_answer(mara, "slap", "receive", "yes")
    end_sitting(mara)
    assert services.set_answer(mara, "kiss", "give", "maybe") == 2
    assert [v.number for v in services.my_versions(mara)] == [2, 1]
    assert services.my_version(mara, 1).boundary("kiss", "give") is None


def test_a_version_a_coordinator_has_read_is_never_amended(world, mara, ines):
    services.set_answer(mara, "slap", "receive", "yes")
    services.share(mara, world.production.pk)
    # Ines's plan check reads version 1 as it is now.
    services.record_plan_check(ines, mara, world.production, object())
    assert services.set_answer(mara, "slap", "receive", "no") == 2
    assert services.my_version(mara, 1).boundary("slap", "receive").answer == "yes"
    # Later edits in the same sitting amend version 2, which nobody has read yet.
    assert services.set_answer(mara, "kiss", "give", "yes") == 2


def test_a_read_counts_even_when_todays_plan_check_was_already_written_down(world, mara, ines):
    services.share(mara, world.production.pk)
    services.record_plan_check(ines, mara, world.production, object())  # today's row
    services.set_answer(mara, "slap", "receive", "yes")
    services.record_plan_check(ines, mara, world.production, object())  # no new row
    assert services.set_answer(mara, "slap", "receive", "no") == 2


def test_a_sitting_that_undoes_itself_leaves_no_version(mara):
    services.set_answer(mara, "slap", "receive", "yes")
    end_sitting(mara)
    assert services.set_answer(mara, "kiss", "give", "yes") == 2
    assert services.set_answer(mara, "kiss", "give", "") == 1
    assert [v.number for v in services.my_versions(mara)] == [1]


def test_each_version_says_what_changed_in_words(world, mara):
    services.set_answer(mara, "slap", "receive", "yes")
    end_sitting(mara)
    form = services.BoundaryForm(answer="yes", zones={"face": "no"}, partners=["jonas"])
    services.set_boundary(mara, "slap", "receive", form)
    services.set_answer(mara, "nudity-topless", "self", "maybe")
    newest, first = services.my_versions(mara)
    assert first.changes == ("You now say yes to slap, done to you.",)
    assert newest.changes == (
        "You now say maybe to topless nudity.",
        "You now say no to slap, done to you, on the face.",
        "Slap, done to you: now only with Jonas.",
    )


def test_any_two_versions_compare_and_an_old_one_comes_back_as_a_new_version(mara):
    services.set_answer(mara, "slap", "receive", "yes")
    end_sitting(mara)
    services.set_answer(mara, "slap", "receive", "no")
    services.set_answer(mara, "kiss", "give", "yes")
    assert services.compare_versions(mara, 1, 2) == [
        "You now say yes to kiss, done by you to a partner.",
        "You now say no to slap, done to you.",
    ]
    assert services.compare_versions(mara, 2, 1) == [
        "You took back your answer to kiss, done by you to a partner: it is not discussed again.",
        "You now say yes to slap, done to you.",
    ]
    assert services.restore_version(mara, 1) == 3
    profile, number = services.my_profile(mara)
    assert number == 3 and profile.boundary("slap", "receive").answer == "yes"
    assert services.my_versions(mara)[0].restored_from == 1
    # A restore is its own version: the next edit, even at once, makes another.
    assert services.set_answer(mara, "kiss", "give", "maybe") == 4
    # Restoring what is already current changes nothing.
    assert services.restore_version(mara, 4) == 4


def test_saving_the_same_answer_twice_keeps_one_version(mara):
    services.set_answer(mara, "slap", "receive", "yes")
    assert services.set_answer(mara, "slap", "receive", "yes") == 1


def test_the_quick_answer_keeps_the_details(mara):
    form = services.BoundaryForm(
        answer="yes", zones={"face": "no"}, max_intensity="light", partners="jonas", note="n"
    )
    services.set_boundary(mara, "slap", "receive", form)
    services.set_answer(mara, "slap", "receive", "maybe")
    entry = services.my_profile(mara)[0].boundary("slap", "receive")
    assert entry.answer == "maybe"
    assert entry.zones == {"face": "no"}
    assert entry.partners == ("jonas",)
    assert entry.note == "n"


def test_an_empty_answer_makes_the_act_not_discussed_again(mara):
    services.set_answer(mara, "slap", "receive", "yes")
    services.set_answer(mara, "slap", "receive", "")
    assert services.my_profile(mara)[0].boundary("slap", "receive") is None


def test_a_zone_the_act_does_not_have_is_refused_and_nothing_saved(mara):
    form = services.BoundaryForm(answer="yes", zones={"genitals": "no"})
    with pytest.raises(services.ProfileInvalid) as caught:
        services.set_boundary(mara, "kiss", "receive", form)
    assert "genitals" in caught.value.message
    assert "zones" in caught.value.fields
    assert ProfileVersion.objects.count() == 0


def test_a_bad_partner_id_names_the_field(mara):
    form = services.BoundaryForm(answer="yes", partners="Jonas R.")
    with pytest.raises(services.ProfileInvalid) as caught:
        services.set_boundary(mara, "kiss", "receive", form)
    assert "partners" in caught.value.fields


def test_an_unknown_act_is_not_found(mara):
    with pytest.raises(NotFound):
        services.set_answer(mara, "juggling", "give", "yes")


def test_import_then_export_round_trips_notes_included(mara):
    assert services.import_profile(mara, MARA_FILE) == 1
    profile, _ = services.my_profile(mara)
    assert profile.barrier == "condom"
    assert profile.boundary("slap", "receive").note == "bruises easily on the left side"
    exported = services.profile_yaml(profile)
    assert "face: 'no'" in exported or "face: no" in exported
    assert services.import_profile(mara, exported) == 1  # unchanged: no new version


def test_a_failed_import_loses_nothing_and_names_the_line(mara):
    services.import_profile(mara, MARA_FILE)
    broken = MARA_FILE.replace("max_intensity: light", "max_intensity: brutal")
    with pytest.raises(services.ProfileInvalid) as caught:
        services.import_profile(mara, broken)
    assert "line 9" in caught.value.message
    assert "brutal" in caught.value.message
    assert "file" in caught.value.fields
    profile, number = services.my_profile(mara)
    assert number == 1
    assert profile.boundary("slap", "receive").max_intensity.name == "light"


def test_malformed_yaml_is_bad_input_not_a_crash(mara):
    with pytest.raises(services.ProfileInvalid) as caught:
        services.import_profile(mara, "boundaries: [unclosed\n")
    assert caught.value.status == 422


def test_nobody_imports_a_profile_for_someone_else(mara):
    with pytest.raises(services.ProfileInvalid) as caught:
        services.import_profile(mara, MARA_FILE.replace("performer: mara", "performer: jonas"))
    assert "performer" in caught.value.fields


def test_answers_and_notes_are_never_stored_in_plaintext(mara):
    services.import_profile(mara, MARA_FILE)
    sealed = bytes(ProfileVersion.objects.get().sealed)
    for secret in (b"bruises", b"slap", b"face", b"condom", b"receive"):
        assert secret not in sealed


def test_a_version_cannot_be_opened_as_another_number(mara):
    from closedset.lib.crypto import CryptoError

    services.set_answer(mara, "slap", "receive", "yes")
    end_sitting(mara)
    services.set_answer(mara, "slap", "receive", "no")
    first, second = ProfileVersion.objects.order_by("number")
    first.sealed, second.sealed = bytes(second.sealed), bytes(first.sealed)
    first.save()
    with pytest.raises(CryptoError):
        services.my_version(mara, 1)


def test_sharing_is_off_until_the_performer_shares(world, mara, ines):
    services.set_answer(mara, "slap", "receive", "yes")
    assert services.shared_profile(mara, world.production) is None
    _, cast = services.production_profiles(ines, world.production.pk)
    assert {c.performer.handle: c.profile for c in cast} == {"mara": None, "jonas": None}


def test_the_coordinator_sees_a_shared_profile_until_it_is_revoked(world, mara, ines):
    services.import_profile(mara, MARA_FILE)
    services.share(mara, world.production.pk)
    _, _, profile = services.production_profile(ines, world.production.pk, "mara")
    assert profile.boundary("slap", "receive").zones == {"face": "no"}
    services.revoke(mara, world.production.pk)
    with pytest.raises(NotFound):
        services.production_profile(ines, world.production.pk, "mara")


def test_sharing_twice_keeps_one_active_share(world, mara):
    services.share(mara, world.production.pk)
    services.share(mara, world.production.pk)
    states = services.my_shares(mara)
    assert [s.shared_at is not None for s in states] == [True]


@pytest.mark.parametrize("who", ["dario", "petra", "cora", "jonas"])
def test_only_the_coordinator_sees_shared_profiles(world, mara, who):
    services.share(mara, world.production.pk)
    with pytest.raises(Forbidden):
        services.production_profiles(world.users[who], world.production.pk)


def test_an_outsider_does_not_learn_the_production_exists(world, mara, oscar):
    services.share(mara, world.production.pk)
    with pytest.raises(NotFound):
        services.production_profiles(oscar, world.production.pk)


def test_a_performer_cannot_share_with_a_production_they_are_not_in(world, mara):
    with pytest.raises(NotFound):
        services.share(mara, world.other_production.pk)
