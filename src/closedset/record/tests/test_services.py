"""The record's services: appends, checkpoints, proofs, receipts, the audit, erasure."""

from __future__ import annotations

import base64
import json
import re

import pytest
from django.db import connection, transaction
from django.test import override_settings

from closedset.core import record as core
from closedset.lib.errors import Forbidden
from closedset.record import services
from closedset.record.database import APPEND
from closedset.record.models import Checkpoint, Commitment, Log, LogEntry
from closedset.record.offline import ProofRefused, check_previous
from closedset.record.tests.helpers import consent, receipt

pytestmark = pytest.mark.django_db


def test_an_entry_holds_ids_hashes_and_commitments_only(world):
    entry = consent(world)
    content = json.loads(bytes(entry.data))
    assert set(content) == {
        "type",
        "production",
        "scene",
        "plan_version",
        "plan_sha256",
        "beats",
        "at",
        "people",
    }
    assert content["at"].endswith("Z") and len(content["at"]) == 20
    assert len(content["people"]) == 1 and len(content["people"][0]) == 64
    assert "Mara" not in bytes(entry.data).decode() and "mara" not in bytes(entry.data).decode()
    salt = Commitment.objects.get(entry=entry, user=world.mara).salt
    assert content["people"] == [core.commitment(bytes(salt), f"user:{world.mara.pk}")]
    assert bytes(entry.data) == core.canonical_json(content)
    assert bytes(entry.leaf_hash) == core.leaf_hash(bytes(entry.data))


def test_each_entry_gets_fresh_salts(world):
    first, second = consent(world), consent(world)
    one = json.loads(bytes(first.data))["people"]
    two = json.loads(bytes(second.data))["people"]
    assert one != two  # the same person twice is not linkable from the log alone


@pytest.mark.django_db(transaction=True)
def test_append_outside_a_transaction_is_refused(world):
    # The test case's own transaction is absent here, as in a view that forgot atomic().
    with pytest.raises(AssertionError):
        services.append(world.organisation, {"type": "consent"})


def test_a_rolled_back_change_leaves_no_entry(world):
    consent(world)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.append(world.organisation, {"type": "decline"}, people=[world.mara])
        raise RuntimeError("the change it records failed")
    log = Log.objects.get()
    assert log.size == 1
    assert LogEntry.objects.count() == 1 and Checkpoint.objects.count() == 1
    assert Commitment.objects.count() == 1
    assert services.audit_verify() == []


@pytest.mark.parametrize(
    "fields",
    [
        {"type": "consent", "name": "Mara"},
        {"type": "consent", "note": "only if Jonas is gentle"},
        {"type": "consent", "answer": "hard-limit"},
        {"type": "consent", "production": "Harbour Lights"},
        {"type": "consent", "scene": "12B"},
        {"type": "consent", "beats": ["Mara kisses Jonas"]},
        {"type": "consent", "beats": "b1"},
        {"type": "consent", "plan_sha256": "not a hash"},
        {"type": "consent", "plan_sha256": "AB" * 32},
        {"type": "consent", "language": "English please"},
        {"type": "consent", "late": "yes"},
        {"type": "consent", "production": True},
        {"type": "consent", "plan_version": 1.5},
        {"type": "consent", "people": ["x"]},
        {"type": "consent", "at": "2026-01-01T00:00:00Z"},
        {"type": "a free text type"},
        {"type": "incident", "outcome": "the slap was hard"},
        {"type": "change", "change": "add a spanking"},
        {"production": 1},
    ],
)
def test_the_whitelist_refuses_anything_personal_or_free(world, fields):
    with pytest.raises(ValueError), transaction.atomic():
        services.append(world.organisation, fields, people=[world.mara])
    assert not LogEntry.objects.exists()


def test_the_whitelist_message_never_repeats_the_value(world):
    with pytest.raises(ValueError) as caught, transaction.atomic():
        services.append(world.organisation, {"type": "consent", "language": "Mara Smith"})
    assert "Mara" not in str(caught.value)


def test_the_log_has_an_origin_from_the_organisation_name(world):
    consent(world)
    log = services.log_for(world.organisation)
    assert log.origin == "closedset.local/org/northlight-films"
    assert " " not in log.origin


def test_two_organisations_with_one_name_get_two_origins(world):
    from closedset.productions.models import Organisation

    twin = Organisation.objects.create(name="Northlight  Films!")
    first = services.log_for(world.organisation)
    second = services.log_for(twin)
    assert first.origin != second.origin
    assert second.slug == f"northlight-films-{twin.pk}"


def test_every_checkpoint_is_signed_and_matches_the_tree(world):
    entries = [consent(world) for _ in range(7)]
    log = Log.objects.get()
    tree = core.Tree([bytes(e.leaf_hash) for e in entries])
    key = core.Verifier.from_vkey(services.verifier_key(log))
    assert Checkpoint.objects.filter(log=log).count() == 7
    for checkpoint in Checkpoint.objects.filter(log=log):
        text, _ = core.open_note(checkpoint.note, [key])
        head = core.Checkpoint.parse(text)
        assert head == core.Checkpoint(log.origin, checkpoint.size, tree.root(checkpoint.size))
    assert bytes(log.root) == tree.root()
    assert services.latest_checkpoint(log).size == 7


def test_proofs_verify_against_checkpoints(world):
    entries = [consent(world) for _ in range(9)]
    log = Log.objects.get()
    roots = {c.size: bytes(c.root) for c in Checkpoint.objects.filter(log=log)}
    for size in range(1, 10):
        for index in range(size):
            proof = services.inclusion_proof(log, index, size)
            core.verify_inclusion(bytes(entries[index].leaf_hash), index, size, proof, roots[size])
        for older in range(1, size + 1):
            proof = services.consistency_proof(log, older, size)
            core.verify_consistency(older, size, proof, roots[older], roots[size])


@pytest.mark.parametrize("index,size", [(0, 0), (0, 4), (-1, 2), (3, 3), (5, 2), (0, 10**30)])
def test_inclusion_proofs_outside_the_log_are_refused(world, index, size):
    for _ in range(3):
        consent(world)
    with pytest.raises(services.ProofRangeError):
        services.inclusion_proof(Log.objects.get(), index, size)


@pytest.mark.parametrize("size1,size2", [(0, 2), (3, 2), (1, 4), (-1, 2), (2, 0)])
def test_consistency_proofs_outside_the_log_are_refused(world, size1, size2):
    for _ in range(3):
        consent(world)
    with pytest.raises(services.ProofRangeError):
        services.consistency_proof(Log.objects.get(), size1, size2)


def test_a_receipt_verifies(world):
    entry = consent(world)
    consent(world, who=world.jonas)
    data = receipt(world, entry)
    verdict = core.verify_receipt(data, key=services.verifier_key(entry.log))
    assert verdict.valid, verdict.message
    assert verdict.message == "valid: consent by the holder of this receipt, entry 0 of 2"
    assert data["readable"]["person"] == f"user:{world.mara.pk}"


def test_only_the_person_concerned_gets_a_receipt(world):
    entry = consent(world)
    with pytest.raises(Forbidden):
        receipt(world, entry, who=world.jonas)


def test_a_readable_part_that_disagrees_gets_no_receipt(world):
    entry = consent(world)
    with pytest.raises(ValueError):
        services.receipt_for(entry, world.mara, {"decision": "decline", "beats": []})


def test_the_audit_passes_an_untouched_log(world):
    for _ in range(5):
        consent(world)
    result = services.audit()
    assert (result.logs, result.entries, result.problems) == (1, 5, [])


def test_the_audit_names_a_tampered_entry(world):
    entries = [consent(world) for _ in range(5)]
    forged = bytes(entries[3].data).replace(b'"consent"', b'"decline"')
    LogEntry.objects.filter(pk=entries[3].pk).update(data=forged)
    assert services.audit_verify() == [
        "organisation closedset.local/org/northlight-films: entry 3 does not match its "
        "recorded hash"
    ]


def test_the_audit_names_an_entry_rewritten_with_its_hash(world):
    entries = [consent(world) for _ in range(5)]
    forged = bytes(entries[2].data).replace(b'"consent"', b'"decline"')
    LogEntry.objects.filter(pk=entries[2].pk).update(data=forged, leaf_hash=core.leaf_hash(forged))
    problems = services.audit_verify()
    assert problems == [
        "organisation closedset.local/org/northlight-films: entry 2 does not match the signed "
        "checkpoint"
    ]


def test_the_audit_finds_a_missing_entry(world):
    entries = [consent(world) for _ in range(3)]
    Commitment.objects.filter(entry=entries[1]).delete()
    LogEntry.objects.filter(pk=entries[1].pk).delete()
    assert "entry 1 is missing" in services.audit_verify()[0]


def test_the_audit_refuses_a_checkpoint_signed_by_another_key(world):
    consent(world)
    log = Log.objects.get()
    stranger = core.Signer.generate(log.origin)
    note = core.sign_note(core.Checkpoint(log.origin, 1, bytes(log.root)).text(), [stranger])
    Checkpoint.objects.filter(log=log).update(note=note)
    assert "not signed by a configured key" in services.audit_verify()[0]


def _rewrite(log, index):
    """What someone with database access would do to change history unnoticed: change an
    entry, recompute its hash and the log's state, and carry on signing."""
    row = LogEntry.objects.get(log=log, index=index)
    forged = bytes(row.data).replace(b'"consent"', b'"decline"')
    LogEntry.objects.filter(pk=row.pk).update(data=forged, leaf_hash=core.leaf_hash(forged))
    stack: list[bytes] = []
    for size, leaf in enumerate(
        LogEntry.objects.filter(log=log).order_by("index").values_list("leaf_hash", flat=True)
    ):
        stack = core.compact_append(stack, size, bytes(leaf))
    Log.objects.filter(pk=log.pk).update(
        compact_range=b"".join(stack), root=core.compact_root(stack)
    )


def test_a_receipt_from_before_a_rewrite_shows_the_rewrite(world):
    first = consent(world)
    consent(world, who=world.jonas)
    older = receipt(world, first)
    log = Log.objects.get()
    _rewrite(log, 1)
    newer = receipt(world, consent(world))

    def fetch(size1, size2):
        return services.consistency_proof(Log.objects.get(), size1, size2)

    verdict = check_previous(older, newer, fetch)
    assert not verdict.valid
    assert verdict.message.startswith("not valid: the log does not extend the older receipt's")


def test_an_untouched_log_extends_every_older_receipt(world):
    older = receipt(world, consent(world))
    for _ in range(4):
        consent(world, who=world.jonas)
    newer = receipt(world, consent(world))

    def fetch(size1, size2):
        return services.consistency_proof(Log.objects.get(), size1, size2)

    verdict = check_previous(older, newer, fetch)
    assert verdict.valid, verdict.message
    assert verdict.message == "valid: consent by the holder of this receipt, entry 5 of 6"
    # The receipts the wrong way round: the "older" one has the bigger tree.
    swapped = check_previous(newer, older, fetch)
    assert not swapped.valid and "more than this one's" in swapped.message


def test_a_previous_receipt_from_another_log_is_not_valid(world):
    from closedset.productions.models import OrgMembership

    OrgMembership.objects.create(user=world.mara, organisation=world.other_organisation)
    mine = receipt(world, consent(world))
    with transaction.atomic():
        elsewhere = services.append(
            world.other_organisation,
            {"type": "consent", "beats": ["b1", "b2"]},
            people=[world.mara],
        )
    theirs = receipt(world, elsewhere)

    def fetch(size1, size2):  # pragma: no cover - never asked
        raise ProofRefused("not asked")

    verdict = check_previous(theirs, mine, fetch)
    assert not verdict.valid and "another log" in verdict.message


def test_erasing_a_person_keeps_every_log_verifiable(world):
    from closedset.accounts import services as accounts

    entry = consent(world)
    consent(world, who=world.jonas)
    kept = bytes(entry.data)
    accounts.erase(world.mara)
    assert not Commitment.objects.filter(user=world.mara).exists()
    assert Commitment.objects.filter(user=world.jonas).count() == 1
    entry.refresh_from_db()
    assert bytes(entry.data) == kept
    assert services.audit_verify() == []
    with pytest.raises(Forbidden):
        receipt(world, entry)


def test_deleting_a_person_outright_removes_their_salts(world):
    entry = consent(world)
    world.mara.delete()
    assert not Commitment.objects.filter(entry=entry).exists()
    assert services.audit_verify() == []


def test_an_old_key_still_verifies_after_rotation(world, settings):
    old_seed = settings.CLOSEDSET_LOG_KEYS[0]
    entry = consent(world)
    old_receipt = receipt(world, entry)
    new_seed = bytes(range(32))
    with override_settings(CLOSEDSET_LOG_KEYS=[new_seed, old_seed]):
        consent(world)
        log = Log.objects.get()
        latest = services.latest_checkpoint(log)
        assert latest.vkey == services.verifier_key(log) != old_receipt["log_key"]
        assert services.audit_verify() == []
        assert services.check_receipt(json.dumps(old_receipt)).valid
        fresh = receipt(world, entry)
        assert core.verify_receipt(fresh, key=services.verifier_key(log)).valid
    with override_settings(CLOSEDSET_LOG_KEYS=[new_seed]):
        # The old key retired: its checkpoints no longer check out.
        assert "not signed by a configured key" in services.audit_verify()[0]
        assert not services.check_receipt(json.dumps(old_receipt)).valid


def test_the_commitment_salt_is_the_only_link(world):
    entry = consent(world)
    data = receipt(world, entry)
    salt = base64.b64decode(data["salt"])
    assert salt == bytes(Commitment.objects.get(entry=entry).salt) and len(salt) == 16


def test_the_append_function_names_the_record_tables_and_columns():
    # PostgreSQL appends through a stored function written out as SQL; it must name the
    # models' own tables and every column an append writes.
    append = APPEND
    words = set(re.findall(r"[a-z_]+", append))
    for model in (LogEntry, Commitment, Checkpoint):
        assert f" {model._meta.db_table} " in append
        assert {f.column for f in model._meta.concrete_fields} - {"id"} <= words, model
    assert " record_log " in append and {"size", "compact_range", "root"} <= words


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_pg_the_database_holds_the_append_function():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_proc WHERE proname = 'record_append'")
        assert cursor.fetchone() == (1,)


def test_an_append_after_a_rolled_back_one_extends_the_real_log(world):
    # The rolled-back append left this process's guess of the head ahead of the database.
    consent(world)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.append(world.organisation, {"type": "decline"}, people=[world.mara])
        raise RuntimeError("the change it records failed")
    second = consent(world)
    assert second.index == 1
    assert list(LogEntry.objects.values_list("index", flat=True)) == [0, 1]
    assert services.audit_verify() == []


def test_an_append_by_another_process_is_not_overwritten(world):
    # Another app process appends in between: this process's guess is then one entry behind.
    consent(world)
    behind = dict(services._heads)
    consent(world)
    services._heads.clear()
    services._heads.update(behind)
    third = consent(world)
    assert third.index == 2
    assert Log.objects.get().size == 3
    assert Checkpoint.objects.filter(size=2).count() == 1  # the stale guess signed nothing
    assert services.audit_verify() == []


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_pg_an_append_that_fails_raises_djangos_error(world, monkeypatch):
    # The raw cursor goes through Django's wrapper: a deadlock reads as "busy" to callers.
    from django.db import ProgrammingError

    monkeypatch.setattr(
        services, "_APPEND_CALL", services._APPEND_CALL.replace("record_append", "no_such_append")
    )
    with pytest.raises(ProgrammingError), transaction.atomic():
        consent(world)
    assert not LogEntry.objects.exists()
