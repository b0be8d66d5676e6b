"""The compliance rules, through the services: age, clearances, holds, the gate, scheduling."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from closedset.compliance import services
from closedset.compliance.models import IdentityRecord, Schedule
from closedset.compliance.tests.helpers import (
    PNG,
    call_on,
    clear,
    consent_all,
    future_day,
    mark_final,
    plan_scene,
    ready_scene,
    record_input,
    verified_record,
    withdraw_one,
)
from closedset.lib.errors import Forbidden, InvalidInput, NotFound

pytestmark = pytest.mark.django_db


# --- age -------------------------------------------------------------------------------------


def test_the_eighteenth_birthday_counts():
    assert services.adult_on(date(2008, 6, 10), date(2026, 6, 10))


def test_the_day_before_the_eighteenth_birthday_does_not():
    assert not services.adult_on(date(2008, 6, 10), date(2026, 6, 9))


def test_a_leap_day_birth_turns_18_on_the_first_of_march():
    born = date(2008, 2, 29)
    assert services.eighteenth_birthday(born) == date(2026, 3, 1)
    assert not services.adult_on(born, date(2026, 2, 28))
    assert services.adult_on(born, date(2026, 3, 1))


def test_is_adult_on_reads_the_sealed_record(world):
    born = timezone.localdate().replace(year=timezone.localdate().year - 18)
    record = verified_record(world, "mara", born)
    assert services.is_adult_on(record, born.replace(year=born.year + 18))
    assert not services.is_adult_on(record, born.replace(year=born.year + 18) - timedelta(days=1))


# --- clearances ------------------------------------------------------------------------------


def test_a_clearance_is_valid_for_14_days_after_the_test(world):
    tested = timezone.localdate() - timedelta(days=1)
    clear(world, "mara", tested)
    org = world.organisation
    assert services.clearance_valid_on(world.mara, org, tested)
    assert services.clearance_valid_on(world.mara, org, tested + timedelta(days=14))
    assert not services.clearance_valid_on(world.mara, org, tested + timedelta(days=15))


def test_a_test_after_the_day_never_vouches_for_it(world):
    clear(world, "mara", timezone.localdate())
    yesterday = timezone.localdate() - timedelta(days=1)
    assert not services.clearance_valid_on(world.mara, world.organisation, yesterday)


def test_the_latest_result_counts(world):
    today = timezone.localdate()
    clear(world, "mara", today - timedelta(days=3))
    clear(world, "mara", today - timedelta(days=1), cleared=False)
    assert not services.clearance_valid_on(world.mara, world.organisation, today)


def test_the_setting_changes_how_long_a_clearance_lasts(world):
    tested = timezone.localdate() - timedelta(days=1)
    clear(world, "mara", tested)
    day = tested + timedelta(days=10)
    assert services.clearance_valid_on(world.mara, world.organisation, day)
    assert not services.clearance_valid_on(world.mara, world.organisation, day, valid_days=7)


# --- who may touch records -------------------------------------------------------------------


@pytest.mark.parametrize("who", ["mara", "jonas", "ines", "dario", "petra", "oscar"])
def test_only_the_custodian_adds_records(world, who):
    with pytest.raises(NotFound):
        services.add_record(
            world.users[who], world.organisation, "mara", record_input("mara", date(1990, 1, 1))
        )


def test_another_organisations_custodian_finds_nothing(world):
    from closedset.productions.models import Membership

    Membership.objects.create(user=world.oscar, production=world.other_production, role="custodian")
    record = verified_record(world, "mara", date(1990, 1, 1))
    org = world.organisation
    for call in (
        lambda: services.read_record(world.oscar, org, record.pk),
        lambda: services.search_records(world.oscar, org, "Mar"),
        lambda: services.verify_record(world.oscar, org, record.pk),
        lambda: services.document_copy(world.oscar, org, record.pk),
        lambda: services.record_clearance(
            world.oscar, org, "mara", cleared=True, tested_on=timezone.localdate()
        ),
    ):
        with pytest.raises(NotFound) as caught:
            call()
        assert caught.value.message == "No such record."
    # Through his own organisation the record does not exist either.
    with pytest.raises(NotFound):
        services.read_record(world.oscar, world.other_organisation, record.pk)


def test_search_finds_any_name_ignoring_case_and_accents(world):
    services.add_record(
        world.cora,
        world.organisation,
        "mara",
        record_input(
            "mara", date(1990, 1, 1), legal_name="Zoë Müller", other_names=["Lena Ångström"]
        ),
    )
    org = world.organisation
    for query in ("zoe", "MULLER", "angstrom", "lena", "Mara"):
        assert [r.legal_name for r in services.search_records(world.cora, org, query)] == [
            "Zoë Müller"
        ], query
    assert services.search_records(world.cora, org, "nobody") == []


def test_nothing_identifying_is_stored_in_plain(world):
    verified_record(world, "mara", date(1990, 3, 4))
    row = IdentityRecord.objects.values().get()
    text = repr(row)
    for secret in ("Marianne", "Kowalczyk", "1990-03-04", "X9Q4471208", "Poland"):
        assert secret not in text


def test_the_document_copy_is_sniffed(world):
    org = world.organisation
    record = services.add_record(world.cora, org, "mara", record_input("mara", date(1990, 1, 1)))
    for bad in (b"", b"GIF89a....", b"<html>"):
        with pytest.raises(InvalidInput):
            services.attach_document(world.cora, org, record.pk, bad)
    with pytest.raises(InvalidInput):
        services.attach_document(world.cora, org, record.pk, b"%PDF-" + b"0" * 1024 * 1024)
    services.attach_document(world.cora, org, record.pk, b"%PDF-1.7 tiny")
    assert services.document_copy(world.cora, org, record.pk) == (
        b"%PDF-1.7 tiny",
        "application/pdf",
    )


def test_verifying_needs_a_copy_and_a_change_needs_verifying_again(world):
    from closedset.lib.errors import Conflict

    org = world.organisation
    record = services.add_record(world.cora, org, "mara", record_input("mara", date(1990, 1, 1)))
    with pytest.raises(Conflict):
        services.verify_record(world.cora, org, record.pk)
    services.attach_document(world.cora, org, record.pk, PNG)
    assert services.verify_record(world.cora, org, record.pk).verified
    services.update_record(world.cora, org, record.pk, record_input("mara", date(1990, 1, 2)))
    assert not services.read_record(world.cora, org, record.pk).verified


def test_an_expired_document_is_not_verified(world):
    from closedset.lib.errors import Conflict

    org = world.organisation
    expired = timezone.localdate() - timedelta(days=1)
    record = services.add_record(
        world.cora, org, "mara", record_input("mara", date(1990, 1, 1), document_expiry=expired)
    )
    services.attach_document(world.cora, org, record.pk, PNG)
    with pytest.raises(Conflict):
        services.verify_record(world.cora, org, record.pk)


def test_bad_record_input_says_what_to_do(world):
    with pytest.raises(InvalidInput) as caught:
        services.add_record(
            world.cora,
            world.organisation,
            "mara",
            services.RecordInput(legal_name="", date_of_birth=None),
        )
    assert set(caught.value.fields) >= {"legal_name", "date_of_birth", "document_number"}
    with pytest.raises(InvalidInput) as caught:
        services.add_record(
            world.cora, world.organisation, "ines", record_input("ines", date(1990, 1, 1))
        )
    assert "performer" in caught.value.fields


# --- notice ----------------------------------------------------------------------------------


def test_notice_defaults_by_kind(world):
    assert services.notice_period(world.production) == timedelta(hours=24)
    assert services.notice_period(world.other_production) == timedelta(hours=48)
    services.update_settings(
        world.petra, world.production, notice_hours=36, clearance_valid_days=10
    )
    assert services.notice_period(world.production) == timedelta(hours=36)
    with pytest.raises(Forbidden):
        services.update_settings(
            world.ines, world.production, notice_hours=1, clearance_valid_days=1
        )


# --- the gate and scheduling -----------------------------------------------------------------


def test_a_ready_scene_schedules(world):
    ready_scene(world)
    day = future_day(3)
    assert services.gate(world.scene, day).passed
    services.schedule(world.petra, world.scene, call_on(day))
    assert services.call_time(world.scene) == call_on(day)
    assert services.may_start(world.scene, call_on(day))


def test_schedule_is_refused_without_consent(world):
    version = plan_scene(world)
    mark_final(world, version)
    consent_all(world, performers=("mara",))
    for handle in ("mara", "jonas"):
        verified_record(world, handle, date(1995, 5, 17))
        clear(world, handle, timezone.localdate())
    with pytest.raises(services.GateClosed):
        services.schedule(world.ines, world.scene, call_on(future_day(3)))
    assert not Schedule.objects.exists()


def test_a_withdrawal_closes_the_gate_and_stops_the_start(world):
    ready_scene(world)
    day = future_day(3)
    services.schedule(world.ines, world.scene, call_on(day))
    assert withdraw_one(world, "jonas")
    gate = services.gate(world.scene, day)
    assert not gate.passed
    assert not services.may_start(world.scene, call_on(day))


def test_a_hold_blocks_scheduling_and_start(world):
    ready_scene(world)
    day = future_day(3)
    services.schedule(world.petra, world.scene, call_on(day))
    services.set_hold(world.petra, world.production, on=True)
    with pytest.raises(services.GateClosed):
        services.schedule(world.petra, world.scene, call_on(day))
    assert not services.may_start(world.scene, call_on(day))
    assert not services.co_performers_cleared(world.mara, world.scene)
    services.set_hold(world.petra, world.production, on=False)
    assert services.may_start(world.scene, call_on(day))


def test_only_the_producer_places_a_hold(world):
    for who in ("ines", "dario", "cora", "mara"):
        with pytest.raises(Forbidden):
            services.set_hold(world.users[who], world.production, on=True)
    with pytest.raises(NotFound):
        services.set_hold(world.oscar, world.production, on=True)


def test_only_producer_and_coordinator_schedule(world):
    ready_scene(world)
    for who in ("dario", "cora", "mara"):
        with pytest.raises(Forbidden):
            services.schedule(world.users[who], world.scene, call_on(future_day(3)))


def test_under_18_on_the_shoot_day_closes_the_gate(world):
    version = plan_scene(world)
    mark_final(world, version)
    consent_all(world)
    day = future_day(5)
    born = day.replace(year=day.year - 18)
    verified_record(world, "mara", born + timedelta(days=1))  # 18 the day after the shoot
    verified_record(world, "jonas", date(1990, 1, 1))
    for handle in ("mara", "jonas"):
        clear(world, handle, timezone.localdate())
    gate = services.gate(world.scene, day)
    assert not gate.passed
    assert any("Mara" in reason and "18" in reason for reason in gate.reasons)
    # On her birthday itself she may be scheduled.
    assert services.gate(world.scene, day + timedelta(days=1)).passed


def test_clearance_edge_day_14_and_15(world):
    version = plan_scene(world)
    mark_final(world, version)
    consent_all(world)
    tested = timezone.localdate()
    for handle in ("mara", "jonas"):
        verified_record(world, handle, date(1990, 1, 1))
        clear(world, handle, tested)
    assert services.gate(world.scene, tested + timedelta(days=14)).passed
    services.schedule(world.ines, world.scene, call_on(tested + timedelta(days=14)))
    with pytest.raises(services.GateClosed):
        services.schedule(world.ines, world.scene, call_on(tested + timedelta(days=15)))


def test_the_gate_in_two_audiences(world):
    version = plan_scene(world)
    mark_final(world, version)
    consent_all(world)
    day = future_day(3)
    ids = (world.production.pk, world.scene.pk)
    ines = services.gate_view(world.ines, *ids, day)
    assert any("Mara" in w for w in ines.words) and any("Jonas" in w for w in ines.words)
    for who in ("petra", "dario"):
        view = services.gate_view(world.users[who], *ids, day)
        assert view.words == [services.NOT_CLEARED]
    with pytest.raises(services.GateClosed) as caught:
        services.schedule(world.petra, world.scene, call_on(day))
    assert "Mara" not in caught.value.message and "Jonas" not in caught.value.message
    with pytest.raises(Forbidden):
        services.gate_view(world.mara, *ids, day)


def test_mainstream_needs_no_records_or_clearances(world):
    from closedset.productions.models import Production

    Production.objects.filter(pk=world.production.pk).update(kind="mainstream")
    world.production.refresh_from_db()
    world.scene.refresh_from_db()
    version = plan_scene(world)
    mark_final(world, version)
    consent_all(world)
    assert services.gate(world.scene, future_day(3)).passed


def test_performers_see_yes_or_not_yet_only(world):
    version = plan_scene(world)
    mark_final(world, version)
    consent_all(world)
    for handle in ("mara", "jonas"):
        verified_record(world, handle, date(1990, 1, 1))
    clear(world, "mara", timezone.localdate())
    clear(world, "jonas", timezone.localdate())
    assert not services.co_performers_cleared(world.mara, world.scene)  # no date yet
    day = future_day(3)
    services.schedule(world.ines, world.scene, call_on(day))
    assert services.co_performers_cleared(world.mara, world.scene)
    clear(world, "jonas", timezone.localdate(), cleared=False)
    assert not services.co_performers_cleared(world.mara, world.scene)
    # Jonas's own result does not show him anything about himself here; Mara is cleared.
    assert services.co_performers_cleared(world.jonas, world.scene)


def test_decisions_enter_the_record_without_content(world):
    from closedset.record.models import LogEntry

    ready_scene(world)
    services.schedule(world.ines, world.scene, call_on(future_day(3)))
    services.set_hold(world.petra, world.production, on=True)
    services.set_hold(world.petra, world.production, on=False)
    entries = [bytes(e.data).decode() for e in LogEntry.objects.all()]
    types = [e for e in entries if '"type":"verification"' in e or '"type":"clearance"' in e]
    assert len(types) == 4
    assert any('"type":"gate"' in e and '"outcome":"passed"' in e for e in entries)
    assert sum('"type":"hold"' in e for e in entries) == 2
    text = "\n".join(entries)
    # The birth date is looked for as a date: a bare "1995" can turn up inside a hex digest.
    secrets = ("Marianne", "Kowalczyk", "1995-05-17", "X9Q4471208", "passport", "Poland")
    for secret in secrets:
        assert secret not in text


def test_someone_cast_after_the_final_version_closes_the_gate(world):
    from closedset.plans import services as plans

    ready_scene(world)
    day = future_day(3)
    assert services.gate(world.scene, day).passed
    # Nina joins the working plan in a new role; the final version does not name her.
    ids = (world.production.pk, world.scene.pk)
    plans.add_role(world.ines, *ids, "C")
    from closedset.accounts.models import User
    from closedset.productions.models import Membership

    nina = User.objects.create_user(
        email="nina@example.org", display_name="Nina", handle="nina", password=None
    )
    Membership.objects.create(user=nina, production=world.production, role="performer")
    plans.cast_role(world.ines, *ids, "C", "nina")
    gate = services.gate(world.scene, day)
    assert not gate.passed
    assert any("Nina is cast but not in the final plan version" in r for r in gate.reasons)
