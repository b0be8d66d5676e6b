"""Tampering with the record after real consents (issue 9, "Done when").

Mara and Jonas consent to both beats of scene 12B through the consent service, and Mara keeps
her receipts. Then someone with database access changes one stored entry:

- `closedset audit verify` exits 5 and names that entry's index;
- a receipt issued before the change still verifies offline on its own, because it carries its
  own entry, proof and signed checkpoint;
- checked against the log as it is now (the server's check, or an older receipt against a
  newer one through the public consistency proofs), it shows the inconsistency.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from closedset.cli import main
from closedset.compliance.tests.helpers import fast_passwords
from closedset.conftest import PERSONA_PASSWORD
from closedset.consent import services as consent
from closedset.consent.models import BeatDecision, ConsentRequest
from closedset.core import record as core
from closedset.plans import services as plans
from closedset.plans.models import PlanVersion
from closedset.record import services
from closedset.record.models import Log, LogEntry
from closedset.record.offline import ProofRefused, check_previous
from closedset.rider.tests.terms import seed_rider_terms

pytestmark = pytest.mark.django_db

PLAN = {
    "scene": "12B",
    "cast": {"A": "mara", "B": "jonas"},
    "beats": [
        {"id": "b1", "act": "slap", "by": "B", "to": "A", "zone": "buttocks"},
        {"id": "b2", "act": "slap", "by": "B", "to": "A", "zone": "thighs"},
    ],
}
REWRITTEN = (
    "not valid: this closedset's log no longer matches the receipt; "
    "the log was changed after the receipt was issued"
)


@pytest.fixture
def consented(world: Any, settings: Any) -> Any:
    """Version 1 final; Mara, then Jonas, consent to both beats (entries 1 to 4)."""
    fast_passwords(world, settings)
    seed_rider_terms(world)
    ids = (world.production.pk, world.scene.pk)
    plans.replace_plan(world.ines, *ids, PLAN)
    number = plans.save_version(world.ines, *ids)
    final = consent.mark_final(
        world.ines, PlanVersion.objects.get(plan__scene=world.scene, number=number)
    )
    for user in (world.mara, world.jonas):
        request = ConsentRequest.objects.get(final=final, performer=user)
        consent.decide(
            user,
            request.pk,
            {"b1": "consent", "b2": "consent"},
            password_or_code=PERSONA_PASSWORD,
        )
    return world


def decision(user: Any, beat: str) -> BeatDecision:
    return BeatDecision.objects.select_related("log_entry").get(
        request__performer=user, beat_id=beat, withdrawn_at__isnull=True
    )


def the_log(world: Any) -> Log:
    return Log.objects.get(organisation=world.organisation)


def forge(entry: LogEntry) -> bytes:
    """The same entry, now saying the performer declined."""
    data = bytes(entry.data)
    assert b'"type":"consent"' in data
    return data.replace(b'"type":"consent"', b'"type":"decline"')


def rewrite(log: Log, index: int) -> None:
    """What someone who runs the database (but cannot re-sign the past) does to change history
    quietly: change the entry, recompute its hash and the log's running state, so that the
    server carries on signing new checkpoints over the rewritten tree."""
    row = LogEntry.objects.get(log=log, index=index)
    forged = forge(row)
    LogEntry.objects.filter(pk=row.pk).update(data=forged, leaf_hash=core.leaf_hash(forged))
    stack: list[bytes] = []
    leaves = LogEntry.objects.filter(log=log).order_by("index").values_list("leaf_hash", flat=True)
    for size, leaf in enumerate(leaves):
        stack = core.compact_append(stack, size, bytes(leaf))
    Log.objects.filter(pk=log.pk).update(
        compact_range=b"".join(stack), root=core.compact_root(stack)
    )


def client_fetch(client: Client, slug: str) -> Any:
    """check_previous's fetch, answered by the public API at /api/v1/log/<slug>/ (no sign-in)."""

    def fetch(size1: int, size2: int) -> list[bytes]:
        response = client.get(f"/api/v1/log/{slug}/proof/consistency", {"from": size1, "to": size2})
        if 400 <= response.status_code < 500:
            raise ProofRefused(str(response.json().get("detail", "")))
        assert response.status_code == 200, response.content
        return [base64.b64decode(h) for h in response.json()["proof"]]

    return fetch


def run(capsys: Any, *args: object) -> tuple[int, str]:
    capsys.readouterr()
    code = main([str(a) for a in args])
    return code, capsys.readouterr().out


def save(path: Path, receipt: dict[str, Any]) -> Path:
    path.write_text(json.dumps(receipt), encoding="utf-8")
    return path


def test_audit_verify_names_the_entry_whose_data_was_changed(consented, capsys):
    world = consented
    code, out = run(capsys, "audit", "verify")
    assert (code, out) == (0, "ok: 1 logs, 5 entries\n")

    target = decision(world.jonas, "b1").log_entry
    LogEntry.objects.filter(pk=target.pk).update(data=forge(target))

    code, out = run(capsys, "audit", "verify")
    assert code == 5
    assert out == (
        f"organisation {the_log(world).origin}: entry {target.index} does not match its "
        "recorded hash\n"
    )


def test_a_rewrite_is_named_and_a_receipt_from_before_it_shows_it(consented, capsys, tmp_path):
    world = consented
    log = the_log(world)
    mine = decision(world.mara, "b1")
    older = consent.receipt(world.mara, mine.pk)
    older_path = save(tmp_path / "older.json", older)
    before = core.verify_receipt(older)
    assert before.valid
    assert services.check_receipt(json.dumps(older)).valid

    # History is rewritten: Mara's consent to beat 1 now reads as a decline, with its hash and
    # the log's running state recomputed. The server then carries on as usual: Jonas withdraws
    # a beat, and a new checkpoint is signed with the real key over the rewritten tree.
    rewrite(log, mine.log_entry.index)
    consent.withdraw(world.jonas, decision(world.jonas, "b2").pk)
    newer = consent.receipt(world.mara, decision(world.mara, "b2").pk)
    newer_path = save(tmp_path / "newer.json", newer)
    assert core.verify_receipt(newer).valid  # signed by the real key: fine on its own

    # The audit recomputes the log from the stored entries and finds that the tree no longer
    # matches the checkpoint signed when entry 1 was appended.
    code, out = run(capsys, "audit", "verify")
    assert code == 5
    assert out == (
        f"organisation {log.origin}: entry {mine.log_entry.index} does not match the signed "
        "checkpoint\n"
    )

    # On its own, the older receipt still verifies offline, and should: it carries its own
    # entry, its inclusion proof and a checkpoint signed when it was issued, and all three
    # still agree with each other. Nothing inside one receipt can know what the server did
    # later. What catches the rewrite is comparing it with the log as it is now: the log
    # must prove that its current tree extends the tree the older receipt's checkpoint signed
    # (a consistency proof), and a changed entry inside that older tree makes that
    # impossible, however carefully the hashes were recomputed, and even for someone holding
    # the signing key: the checkpoint already handed out in the receipt cannot be recalled.
    code, out = run(capsys, "verify", older_path)
    assert (code, out) == (0, before.message + "\n")
    assert before.message == (
        f"valid: consent by the holder of this receipt, entry {mine.log_entry.index} of 5"
    )

    # The server's own check (the public /verify/ page) compares it with the log now.
    now = services.check_receipt(older_path.read_text())
    assert (now.valid, now.message) == (False, REWRITTEN)

    # And anyone holding both receipts asks the public API for the consistency proof.
    verdict = check_previous(older, newer, client_fetch(Client(), log.slug))
    assert not verdict.valid
    assert verdict.message.startswith(
        "not valid: the log does not extend the older receipt's log ("
    ), verdict.message

    # The newer receipt, alone, verifies too: it was signed with the real key over the
    # rewritten tree. Only the comparison of the two shows the rewrite.
    code, out = run(capsys, "verify", newer_path)
    assert code == 0 and out.startswith("valid: consent by the holder of this receipt")


@pytest.mark.django_db(transaction=True)
def test_closedset_verify_with_previous_shows_the_rewrite(consented, capsys, tmp_path, live_server):
    """The same, from a terminal: `closedset verify NEWER --previous OLDER --log URL` asks the
    running server's public API for the consistency proof over HTTP."""
    world = consented
    log = the_log(world)
    mine = decision(world.mara, "b1")
    older = save(tmp_path / "older.json", consent.receipt(world.mara, mine.pk))
    address = f"{live_server.url}/api/v1/log/{log.slug}"
    middle = save(
        tmp_path / "middle.json", consent.receipt(world.jonas, decision(world.jonas, "b1").pk)
    )
    code, out = run(capsys, "verify", middle, "--previous", older, "--log", address)
    assert code == 0 and out.startswith("valid: "), out

    rewrite(log, mine.log_entry.index)
    consent.withdraw(world.jonas, decision(world.jonas, "b2").pk)
    newer = save(
        tmp_path / "newer.json", consent.receipt(world.mara, decision(world.mara, "b2").pk)
    )
    code, out = run(capsys, "verify", newer, "--previous", older, "--log", address)
    assert code == 5
    assert out.startswith("not valid: the log does not extend the older receipt's log ("), out


def test_an_untouched_log_extends_the_older_receipt(consented):
    world = consented
    older = consent.receipt(world.mara, decision(world.mara, "b1").pk)
    consent.withdraw(world.jonas, decision(world.jonas, "b2").pk)
    newer = consent.receipt(world.mara, decision(world.mara, "b2").pk)
    verdict = check_previous(older, newer, client_fetch(Client(), the_log(world).slug))
    assert verdict.valid, verdict.message
    assert services.check_receipt(json.dumps(older)).valid


def test_a_receipt_whose_own_entry_was_changed_is_not_valid_against_the_log(consented, capsys):
    """Only the entry's data changes, not its stored hash. The audit names it; the server's
    check of a receipt for that very entry must not call it valid either: the log no longer
    holds the decision the receipt proves."""
    world = consented
    mine = decision(world.mara, "b1")
    older = consent.receipt(world.mara, mine.pk)
    LogEntry.objects.filter(pk=mine.log_entry.pk).update(data=forge(mine.log_entry))

    code, out = run(capsys, "audit", "verify")
    assert code == 5
    assert f"entry {mine.log_entry.index} does not match its recorded hash" in out
    assert core.verify_receipt(older).valid  # offline, on its own: still consistent
    now = services.check_receipt(json.dumps(older))
    assert now.valid is False, now.message
    assert now.message.startswith("not valid: "), now.message
