"""Consent services: marking final, signing, withdrawing, carrying over, who sees what."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from closedset.accounts.errors import RateLimited
from closedset.consent import services
from closedset.consent.models import BeatDecision, ConsentEvent, ConsentRequest, FinalVersion
from closedset.consent.tests.conftest import CONSENT_PLAN, request_of, save_version
from closedset.lib.errors import Conflict, InvalidInput, NotFound
from closedset.rider.tests.terms import seed_rider_terms

BOTH = {"b1": "consent", "b2": "consent"}


def sign(user, answers, password, reasons=None, **kwargs):
    return services.decide(
        user, request_of(user).pk, answers, reasons or {}, password_or_code=password, **kwargs
    )


def everyone_consents(world, password):
    sign(world.mara, BOTH, password)
    sign(world.jonas, BOTH, password)


def changed_plan(**beat2):
    beats = [dict(CONSENT_PLAN["beats"][0]), dict(CONSENT_PLAN["beats"][1], **beat2)]
    beats.append({"id": "b3", "act": "kiss", "by": "A", "to": "B", "zone": "mouth"})
    return dict(CONSENT_PLAN, beats=beats)


# --- marking final ---------------------------------------------------------------------------


def test_marking_final_asks_each_cast_performer(world, final):
    assert {r.performer for r in final.requests.all()} == {world.mara, world.jonas}
    assert len(final.plan_sha256) == 64
    assert final.log_entry is not None
    assert json.loads(bytes(final.log_entry.data))["type"] == "plan-final"
    assert ConsentEvent.objects.filter(kind="sent").count() == 2


def test_the_notice_links_to_the_consent_list_only(world, final):
    from django.urls import reverse

    from closedset.notices.models import Notice

    notices = Notice.objects.filter(recipient=world.mara).order_by("-pk")
    notice = notices.first()
    assert notice is not None
    assert notice.url == reverse("consent:mine")
    assert "consent request" in notice.subject.lower()


def test_only_the_coordinator_marks_final(world, version):
    for who in ("mara", "dario", "petra", "cora", "oscar"):
        with pytest.raises(NotFound):
            services.mark_final(world.users[who], version)
    assert not FinalVersion.objects.exists()


def test_the_same_or_an_older_version_cannot_be_marked_again(world, final, version):
    with pytest.raises(Conflict):
        services.mark_final(world.ines, version)
    newer = save_version(world, changed_plan())
    services.mark_final(world.ines, newer)
    with pytest.raises(Conflict):
        services.mark_final(world.ines, version)


def test_a_final_inside_the_notice_window_is_late(world, version):
    from closedset.compliance.models import Schedule

    # Adult production: 24 hours of notice; the call is in 10 hours.
    Schedule.objects.create(scene=world.scene, call_at=timezone.now() + timedelta(hours=10))
    final = services.mark_final(world.ines, version)
    assert final.late
    assert json.loads(bytes(final.log_entry.data))["late"] is True
    items = services.my_decisions(world.mara)
    assert items[0].late
    assert services.board_for(world.ines, world.production.pk, world.scene.pk).final.late


def test_a_final_well_before_the_call_is_not_late(world, version):
    from closedset.compliance.models import Schedule

    call = timezone.now() + timedelta(days=5)
    Schedule.objects.create(scene=world.scene, call_at=call)
    final = services.mark_final(world.ines, version)
    assert not final.late
    # Due when the notice window opens.
    assert final.deadline == call - timedelta(hours=24)


# --- signing ---------------------------------------------------------------------------------


def test_consent_is_recorded_per_beat_with_evidence(world, final, persona_password):
    made = sign(
        world.mara, BOTH, persona_password, method="api", ip="203.0.113.9", user_agent="phone"
    )
    assert {d.beat_id for d in made} == {"b1", "b2"}
    for decision in made:
        data = json.loads(bytes(decision.log_entry.data))
        assert data["type"] == "consent"
        # The log names a beat by its place in the final version, never by its free-text id.
        assert data["beats"] == [{"b1": "1", "b2": "2"}[decision.beat_id]]
        assert data["plan_sha256"] == final.plan_sha256
        assert len(data["rider_sha256"]) == 64
        assert len(data["people"]) == 1
    event = ConsentEvent.objects.get(kind="consented", beat_id="b1")
    assert (event.method, event.ip, event.user_agent) == ("api", "203.0.113.9", "phone")
    assert event.plan_sha256 == final.plan_sha256
    assert event.rider_sha256 == json.loads(bytes(made[0].log_entry.data))["rider_sha256"]


def test_the_rider_shown_must_be_the_rider_signed(world, final, persona_password):
    with pytest.raises(Conflict):
        sign(world.mara, BOTH, persona_password, rider_sha256="0" * 64)
    assert not BeatDecision.objects.exists()


def test_a_wrong_password_is_refused_and_then_throttled(world, final, persona_password):
    for _ in range(services.SIGN_FAILURES):
        with pytest.raises(InvalidInput):
            sign(world.mara, BOTH, "not-my-password")
    with pytest.raises(RateLimited):
        sign(world.mara, BOTH, "not-my-password")
    # Locked now: even the right password waits.
    with pytest.raises(RateLimited):
        sign(world.mara, BOTH, persona_password)
    assert not BeatDecision.objects.exists()


def test_a_code_from_the_authenticator_signs_too(world, final):
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=world.mara, name="phone", confirmed=True)
    code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    made = sign(world.mara, {"b1": "consent"}, f"{code:06d}")
    assert len(made) == 1


def test_a_double_submit_records_once(world, final, persona_password):
    entries = _entries()
    sign(world.mara, BOTH, persona_password)
    again = sign(world.mara, BOTH, persona_password)
    assert again == []
    assert BeatDecision.objects.count() == 2
    assert _entries() == entries + 2


def test_a_different_answer_needs_a_withdrawal_first(world, final, persona_password):
    sign(world.mara, {"b1": "consent"}, persona_password)
    with pytest.raises(Conflict):
        sign(world.mara, {"b1": "decline"}, persona_password)


def test_beats_the_performer_is_not_in_are_refused(world, persona_password):
    plan = dict(
        CONSENT_PLAN,
        beats=[
            *CONSENT_PLAN["beats"],
            {"id": "b3", "act": "nudity-topless", "by": "B"},
        ],
    )
    services.mark_final(world.ines, save_version(world, plan))
    with pytest.raises(InvalidInput):
        sign(world.mara, {"b3": "consent"}, persona_password)
    with pytest.raises(InvalidInput):
        sign(world.mara, {"b1": "maybe"}, persona_password)
    assert not BeatDecision.objects.exists()
    # Jonas is alone in b3 and answers it.
    assert len(sign(world.jonas, {"b3": "decline"}, persona_password)) == 1


def test_a_superseded_version_cannot_be_signed(world, final, persona_password):
    old = request_of(world.mara)
    services.mark_final(world.ines, save_version(world, changed_plan()))
    with pytest.raises(Conflict):
        services.decide(world.mara, old.pk, BOTH, {}, password_or_code=persona_password)


# --- a request is its performer's alone -------------------------------------------------------


def test_a_request_opened_by_anyone_else_is_as_missing(world, final, persona_password):
    mine = request_of(world.mara)
    sign(world.mara, {"b1": "consent"}, persona_password)
    decision = BeatDecision.objects.get()
    missing = 10**9
    for who in ("jonas", "ines", "dario", "petra", "cora", "oscar"):
        user = world.users[who]
        calls = [
            (lambda pk, u=user: services.open_request(u, pk), mine.pk),
            (
                lambda pk, u=user: services.decide(
                    u, pk, BOTH, {}, password_or_code=persona_password
                ),
                mine.pk,
            ),
        ]
        for call, pk in calls:
            with pytest.raises(NotFound) as theirs:
                call(pk)
            with pytest.raises(NotFound) as nothing:
                call(missing)
            assert theirs.value.message == nothing.value.message
        for call in (services.withdraw, services.receipt):
            with pytest.raises(NotFound) as theirs:
                call(user, decision.pk)
            with pytest.raises(NotFound) as nothing:
                call(user, missing)
            assert theirs.value.message == nothing.value.message
    assert BeatDecision.objects.get().current


def test_opening_is_recorded_once(world, final):
    mine = request_of(world.mara)
    view = services.open_request(world.mara, mine.pk, ip="198.51.100.1")
    services.open_request(world.mara, mine.pk)
    opened = ConsentEvent.objects.filter(kind="opened")
    assert opened.count() == 1
    assert opened.get().rider_sha256 == view.rider_sha256
    assert [b.words.sentence for b in view.beats] == [
        "Jonas slaps your buttocks, lightly",
        "Jonas slaps your thighs, lightly",
    ]


# --- withdrawing -----------------------------------------------------------------------------


def test_withdrawing_shows_at_once_everywhere(world, final, persona_password):
    everyone_consents(world, persona_password)
    assert services.all_consented(world.scene)
    assert services.state_for(world.petra, world.production.pk, world.scene.pk) == "agreed"
    decision = BeatDecision.objects.get(request__performer=world.mara, beat_id="b2")
    services.withdraw(world.mara, decision.pk)
    assert not services.all_consented(world.scene)
    assert services.state_for(world.dario, world.production.pk, world.scene.pk) == "not agreed"
    board = services.board_for(world.ines, world.production.pk, world.scene.pk)
    mara = next(r for r in board.rows if r.performer == "Mara")
    assert [c.state for c in mara.cells] == ["consented", "withdrawn"]
    entry = json.loads(bytes(BeatDecision.objects.get(pk=decision.pk).withdrawal_entry.data))
    assert entry["type"] == "withdrawal"
    assert entry["refers_to"] == decision.log_entry.index
    # Twice is once.
    entries = _entries()
    services.withdraw(world.mara, decision.pk)
    assert _entries() == entries


def test_after_withdrawing_the_performer_may_answer_again(world, final, persona_password):
    sign(world.mara, {"b1": "consent"}, persona_password)
    services.withdraw(world.mara, BeatDecision.objects.get().pk)
    assert len(sign(world.mara, {"b1": "decline"}, persona_password)) == 1


def test_a_withdrawal_has_its_own_receipt(world, final, persona_password):
    from closedset.core.record import verify_receipt

    made = sign(world.mara, {"b1": "consent"}, persona_password)
    services.withdraw(world.mara, made[0].pk)
    withdrawn = services.receipt(world.mara, made[0].pk, withdrawal=True)
    signed = services.receipt(world.mara, made[0].pk)
    assert withdrawn["readable"]["decision"] == "withdrawal"
    assert signed["readable"]["decision"] == "consent"
    for receipt in (signed, withdrawn):
        assert verify_receipt(json.dumps(receipt)).valid


def test_every_cast_performer_must_consent(world, final, persona_password):
    assert not services.all_consented(world.scene)
    sign(world.mara, BOTH, persona_password)
    assert not services.all_consented(world.scene)
    sign(world.jonas, {"b1": "consent", "b2": "decline"}, persona_password)
    assert not services.all_consented(world.scene)
    assert services.scene_consent_state(world.scene) == "not agreed"


def test_no_final_version_is_not_agreed(world):
    assert not services.all_consented(world.scene)
    assert services.scene_consent_state(world.scene) == "not agreed"


# --- a newer final version -------------------------------------------------------------------


def test_unchanged_beats_carry_over_and_changed_ones_are_asked_again(
    world, final, persona_password
):
    from closedset.notices.models import Notice

    sign(world.mara, BOTH, persona_password, reasons={"b1": "only after the rehearsal"})
    sign(world.jonas, BOTH, persona_password)
    before = {d.beat_id: d for d in BeatDecision.objects.filter(request__performer=world.mara)}
    asked = Notice.objects.filter(recipient=world.mara, subject__startswith="A consent request")
    told = asked.count()

    newer = services.mark_final(world.ines, save_version(world, changed_plan(intensity="medium")))

    final.refresh_from_db()
    assert final.superseded_at is not None
    old_b2 = BeatDecision.objects.get(pk=before["b2"].pk)
    assert old_b2.voided_at is not None
    assert ConsentEvent.objects.filter(kind="voided", beat_id="b2").count() == 2
    mine = ConsentRequest.objects.get(final=newer, performer=world.mara)
    carried = mine.decisions.get(beat_id="b1")
    assert carried.carried_from_id == before["b1"].pk
    assert carried.log_entry_id == before["b1"].log_entry_id
    assert ConsentEvent.objects.filter(request=mine, kind="carried", beat_id="b1").exists()
    assert not mine.decisions.filter(beat_id__in=["b2", "b3"]).exists()
    assert not services.all_consented(world.scene)
    assert asked.count() == told + 1

    board = services.board_for(world.ines, world.production.pk, world.scene.pk)
    row = next(r for r in board.rows if r.performer == "Mara")
    cells = {c.beat_id: c for c in row.cells}
    assert cells["b1"].state == "consented" and cells["b1"].carried
    assert cells["b1"].reason == "only after the rehearsal"
    assert cells["b2"].state == "waiting" and cells["b3"].state == "waiting"

    # Answering what is new makes the scene agreed again.
    sign(world.mara, {"b2": "consent", "b3": "consent"}, persona_password)
    sign(world.jonas, {"b2": "consent", "b3": "consent"}, persona_password)
    assert services.all_consented(world.scene)
    # The carried answer's receipt is the signed original's, and it verifies.
    from closedset.core.record import verify_receipt

    assert verify_receipt(json.dumps(services.receipt(world.mara, carried.pk))).valid


def test_a_recast_beat_is_not_the_same_beat(world, final, persona_password):
    from closedset.accounts.models import User
    from closedset.productions.models import Membership

    sign(world.mara, BOTH, persona_password)
    nia = User.objects.create_user(
        email="nia@example.org", password=persona_password, display_name="Nia", handle="nia"
    )
    Membership.objects.create(user=nia, production=world.production, role="performer")
    from closedset.plans import services as plans

    plans.cast_role(world.ines, world.production.pk, world.scene.pk, "B", "nia")
    world.users["nia"] = nia
    seed_rider_terms(world, ("nia",))
    newer = services.mark_final(world.ines, save_version(world))
    mine = ConsentRequest.objects.get(final=newer, performer=world.mara)
    # Same acts, but by someone else now: Mara is asked again about every beat.
    assert not mine.decisions.exists()
    assert not ConsentRequest.objects.filter(final=newer, performer=world.jonas).exists()


# --- reminders -------------------------------------------------------------------------------


def test_reminders_go_once_the_day_before_the_deadline(world, version, persona_password):
    from closedset.notices.models import Notice

    deadline = timezone.now() + timedelta(days=3)
    services.mark_final(world.ines, version, deadline=deadline)
    sign(world.jonas, BOTH, persona_password)
    assert services.send_reminders(timezone.now()) == 0
    day_before = deadline - timedelta(hours=12)
    told = Notice.objects.filter(recipient=world.mara).count()
    assert services.send_reminders(day_before) == 1
    assert services.send_reminders(day_before) == 0
    assert Notice.objects.filter(recipient=world.mara).count() == told + 1
    assert request_of(world.mara).reminded_at == day_before
    assert request_of(world.jonas).reminded_at is None


# --- who reads reasons, and what the record holds ---------------------------------------------


def test_reasons_are_the_coordinators_alone(world, final, persona_password):
    reason = "my ex is on this crew"
    sign(world.mara, {"b1": "decline"}, persona_password, reasons={"b1": reason})
    board = services.board_for(world.ines, world.production.pk, world.scene.pk)
    assert any(c.reason == reason for r in board.rows for c in r.cells)
    for who in ("mara", "jonas", "dario", "petra", "cora", "oscar"):
        with pytest.raises(NotFound):
            services.board_for(world.users[who], world.production.pk, world.scene.pk)
    assert reason.encode() not in bytes(BeatDecision.objects.get().reason)
    portal = repr(services.my_decisions(world.mara)) + repr(
        services.open_request(world.mara, request_of(world.mara).pk)
    )
    assert reason not in portal
    from closedset.notices.models import Notice

    assert not any(reason in n.body or reason in n.subject for n in Notice.objects.all())


def test_no_name_reason_or_address_enters_the_log(world, final, persona_password):
    from closedset.record.models import LogEntry

    reasons = {"b1": "Private words about Jonas", "b2": "another private reason"}
    sign(world.mara, {"b1": "decline", "b2": "consent"}, persona_password, reasons=reasons)
    sign(world.jonas, BOTH, persona_password, reasons={"b2": "nervous but fine"})
    services.withdraw(
        world.mara, BeatDecision.objects.get(beat_id="b2", request__performer=world.mara).pk
    )
    services.mark_final(world.ines, save_version(world, changed_plan()))
    services.send_reminders(timezone.now())
    words = {"nervous but fine", *reasons.values()}
    for user in world.users.values():
        words |= {user.display_name, user.handle, user.email}
    words |= {world.production.name, world.scene.title, world.organisation.name}
    entries = [bytes(e.data).decode() for e in LogEntry.objects.all()]
    assert len(entries) == 7
    for text in entries:
        lowered = text.lower()
        leaked = [w for w in words if w and w.lower() in lowered]
        assert not leaked, f"{leaked} in {text}"


def _entries():
    from closedset.record.models import LogEntry

    return LogEntry.objects.count()


def test_the_person_exports_and_erases_their_consent_data(world, final, persona_password):
    sign(world.mara, {"b1": "decline"}, persona_password, reasons={"b1": "mine"}, ip="192.0.2.7")
    exported = services.export_consent_data(world.mara)
    answers = exported["consent_requests"][0]["answers"]
    assert [(a["beat"], a["decision"], a["reason"]) for a in answers] == [("b1", "decline", "mine")]
    services.erase_consent_data(world.mara)
    assert BeatDecision.objects.get().reason is None
    assert not ConsentEvent.objects.filter(request__performer=world.mara, ip__isnull=False).exists()


def test_a_nul_byte_in_the_browser_name_is_dropped_not_a_failure(world, final, persona_password):
    # PostgreSQL cannot store NUL in text; the evidence keeps the rest of the browser's name.
    sign(world.mara, {"b1": "consent"}, persona_password, user_agent="Phone\x00Browser")
    event = ConsentEvent.objects.get(kind="consented", beat_id="b1")
    assert event.user_agent == "PhoneBrowser"
