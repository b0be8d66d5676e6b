"""The public log API at /api/v1/log/: checkpoints and proofs, no sign-in, never a 500."""

from __future__ import annotations

import base64

import pytest
from django.test import Client

from closedset.core import record as core
from closedset.record import services
from closedset.record.models import Checkpoint, Log
from closedset.record.tests.helpers import consent

pytestmark = pytest.mark.django_db
BASE = "/api/v1/log/northlight-films"


@pytest.fixture
def five(world):
    return [consent(world) for _ in range(5)]


def _hashes(items):
    return [base64.b64decode(h) for h in items]


def test_the_checkpoint_is_the_signed_note(five):
    response = Client().get(f"{BASE}/checkpoint")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    log = Log.objects.get()
    key = core.Verifier.from_vkey(response["Closedset-Log-Key"])
    assert key.vkey() == services.verifier_key(log)
    text, _ = core.open_note(response.content.decode(), [key])
    assert core.Checkpoint.parse(text) == core.Checkpoint(log.origin, 5, bytes(log.root))


def test_the_key_route_names_the_log(five):
    data = Client().get(f"{BASE}/key").json()
    assert data == {
        "origin": "closedset.local/org/northlight-films",
        "log_key": services.verifier_key(Log.objects.get()),
        "size": 5,
    }


def test_an_inclusion_proof_verifies(five):
    data = Client().get(f"{BASE}/proof/inclusion", {"index": 2, "size": 4}).json()
    root = bytes(Checkpoint.objects.get(size=4).root)
    core.verify_inclusion(bytes(five[2].leaf_hash), 2, 4, _hashes(data["proof"]), root)
    assert (data["index"], data["size"]) == (2, 4)


def test_a_consistency_proof_verifies(five):
    data = Client().get(f"{BASE}/proof/consistency", {"from": 3, "to": 5}).json()
    assert (data["from"], data["to"]) == (3, 5)
    roots = {c.size: bytes(c.root) for c in Checkpoint.objects.all()}
    core.verify_consistency(3, 5, _hashes(data["proof"]), roots[3], roots[5])


@pytest.mark.parametrize(
    "route,query",
    [
        ("inclusion", {"index": 0, "size": 6}),
        ("inclusion", {"index": 5, "size": 5}),
        ("inclusion", {"index": -1, "size": 5}),
        ("inclusion", {"index": 0, "size": 0}),
        ("inclusion", {"index": 0, "size": 10**40}),
        ("consistency", {"from": 0, "to": 5}),
        ("consistency", {"from": 4, "to": 3}),
        ("consistency", {"from": 1, "to": 6}),
        ("consistency", {"from": -5, "to": 2}),
    ],
)
def test_sizes_outside_the_log_are_a_400_that_says_why(five, route, query):
    response = Client().get(f"{BASE}/proof/{route}", query)
    assert response.status_code == 400
    data = response.json()
    assert set(data) == {"detail", "fields"} and data["detail"]


@pytest.mark.parametrize(
    "route,query",
    [
        ("inclusion", {"index": "x", "size": 5}),
        ("inclusion", {}),
        ("consistency", {"from": 1}),
        ("consistency", {"from": "1.5", "to": 2}),
    ],
)
def test_unreadable_numbers_are_a_422_not_a_500(five, route, query):
    response = Client().get(f"{BASE}/proof/{route}", query)
    assert response.status_code == 422
    assert set(response.json()) == {"detail", "fields"}


@pytest.mark.parametrize("path", ["checkpoint", "key", "proof/inclusion?index=0&size=1"])
def test_an_unknown_log_is_a_404(world, path):
    response = Client().get(f"/api/v1/log/nobody/{path}")
    assert response.status_code == 404
    assert "no log by that name" in response.json()["detail"]


def test_an_organisation_without_entries_has_no_log_to_show(world):
    # Logs exist from the first entry on, so an organisation without any is not revealed.
    assert Client().get(f"{BASE}/checkpoint").status_code == 404
