"""`closedset verify` (offline, no Django needed) and `closedset audit verify`."""

from __future__ import annotations

import json

import pytest

from closedset.cli import main
from closedset.record import services
from closedset.record.models import LogEntry
from closedset.record.tests.helpers import consent, receipt

pytestmark = pytest.mark.django_db


def run(capsys, *args):
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def receipt_file(world, tmp_path):
    entry = consent(world)
    consent(world, who=world.jonas)
    path = tmp_path / "receipt.json"
    path.write_text(json.dumps(receipt(world, entry)))
    return path


def test_a_valid_receipt_exits_0(capsys, receipt_file):
    code, out, err = run(capsys, "verify", receipt_file)
    assert (code, out, err) == (
        0,
        "valid: consent by the holder of this receipt, entry 0 of 2\n",
        "",
    )


def test_the_expected_key_is_checked(capsys, world, receipt_file):
    key = services.verifier_key(services.log_for(world.organisation))
    assert run(capsys, "verify", receipt_file, "--key", key)[0] == 0
    other = services.verifier_key(services.log_for(world.other_organisation))
    code, out, _ = run(capsys, "verify", receipt_file, "--key", other)
    assert code == 5
    assert out == "not valid: the receipt was issued by another log than the key you gave\n"


def test_a_changed_receipt_exits_5(capsys, receipt_file):
    data = json.loads(receipt_file.read_text())
    data["readable"]["decision"] = "decline"
    receipt_file.write_text(json.dumps(data))
    code, out, _ = run(capsys, "verify", receipt_file)
    assert code == 5 and out.startswith("not valid: ")
    assert len(out.splitlines()) == 1


def test_a_changed_index_exits_5(capsys, receipt_file):
    data = json.loads(receipt_file.read_text())
    data["index"] = 1
    receipt_file.write_text(json.dumps(data))
    assert run(capsys, "verify", receipt_file)[0] == 5


@pytest.mark.parametrize("content", ["", "not json", "[]", '{"format": "something-else"}'])
def test_unreadable_input_exits_2(capsys, tmp_path, content):
    path = tmp_path / "junk.json"
    path.write_text(content)
    code, out, err = run(capsys, "verify", path)
    assert code == 2 and out == ""
    assert err.startswith("closedset: error: ") and len(err.splitlines()) == 1


def test_a_missing_file_exits_2(capsys, tmp_path):
    code, _, err = run(capsys, "verify", tmp_path / "nowhere.json")
    assert code == 2 and "nowhere.json" in err


def test_a_bad_key_exits_2(capsys, receipt_file):
    code, _, err = run(capsys, "verify", receipt_file, "--key", "not a key")
    assert code == 2 and "not a log key" in err


def test_previous_needs_log(capsys, receipt_file):
    code, _, err = run(capsys, "verify", receipt_file, "--previous", receipt_file)
    assert code == 2 and "--log" in err


def test_previous_with_an_unusable_log_address_exits_2(capsys, receipt_file):
    code, _, err = run(
        capsys, "verify", receipt_file, "--previous", receipt_file, "--log", "file:///etc"
    )
    assert code == 2 and "https://" in err


def test_the_same_receipt_as_previous_needs_no_proof(capsys, receipt_file):
    # Equal trees: nothing to fetch (the address is never asked).
    code, out, _ = run(
        capsys,
        "verify",
        receipt_file,
        "--previous",
        receipt_file,
        "--log",
        "http://127.0.0.1:9/api/v1/log/x",
    )
    assert code == 0 and out.startswith("valid: ")


def test_audit_verify_exits_0_for_a_sound_record(capsys, world):
    consent(world)
    consent(world)
    code, out, _ = run(capsys, "audit", "verify")
    assert (code, out) == (0, "ok: 1 logs, 2 entries\n")


def test_audit_verify_exits_5_and_names_the_entry(capsys, world):
    entries = [consent(world) for _ in range(3)]
    LogEntry.objects.filter(pk=entries[1].pk).update(data=b'{"type":"decline"}')
    code, out, _ = run(capsys, "audit", "verify")
    assert code == 5
    assert out == (
        "organisation closedset.local/org/northlight-films: entry 1 does not match its "
        "recorded hash\n"
    )


class _Log:
    """A stand-in log server on 127.0.0.1 answering one fixed consistency-proof request."""

    def __init__(self, status: int, body: dict) -> None:
        import http.server
        import threading

        answer = json.dumps(body).encode()
        self.paths: list[str] = []
        paths = self.paths

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server interface
                paths.append(self.path)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/api/v1/log/northlight-films"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _two_receipts(world, tmp_path):
    older_path, newer_path = tmp_path / "older.json", tmp_path / "newer.json"
    older_path.write_text(json.dumps(receipt(world, consent(world))))
    for _ in range(3):
        consent(world, who=world.jonas)
    newer_path.write_text(json.dumps(receipt(world, consent(world))))
    return older_path, newer_path


def test_previous_asks_the_log_for_a_consistency_proof(capsys, world, tmp_path):
    import base64

    older, newer = _two_receipts(world, tmp_path)
    proof = services.consistency_proof(services.log_for(world.organisation), 1, 5)
    log = _Log(200, {"from": 1, "to": 5, "proof": [base64.b64encode(h).decode() for h in proof]})
    try:
        code, out, _ = run(capsys, "verify", newer, "--previous", older, "--log", log.url)
    finally:
        log.close()
    assert (code, out) == (0, "valid: consent by the holder of this receipt, entry 4 of 5\n")
    assert log.paths == ["/api/v1/log/northlight-films/proof/consistency?from=1&to=5"]


def test_previous_with_a_wrong_proof_is_not_valid(capsys, world, tmp_path):
    older, newer = _two_receipts(world, tmp_path)
    log = _Log(200, {"from": 1, "to": 5, "proof": ["AAAA"]})
    try:
        code, out, _ = run(capsys, "verify", newer, "--previous", older, "--log", log.url)
    finally:
        log.close()
    assert code == 5 and out.startswith("not valid: the log does not extend")


def test_previous_when_the_log_refuses_is_not_valid(capsys, world, tmp_path):
    older, newer = _two_receipts(world, tmp_path)
    log = _Log(400, {"detail": "The log has 2 entries; ask for a newer size from 1 to 2."})
    try:
        code, out, _ = run(capsys, "verify", newer, "--previous", older, "--log", log.url)
    finally:
        log.close()
    assert code == 5
    assert "would not prove" in out and "The log has 2 entries" in out


def test_previous_when_the_log_cannot_be_reached_exits_2(capsys, world, tmp_path):
    older, newer = _two_receipts(world, tmp_path)
    log = _Log(200, {})
    url = log.url
    log.close()  # nobody answers there any more
    code, out, err = run(capsys, "verify", newer, "--previous", older, "--log", url)
    assert code == 2 and out == "" and "could not reach the log" in err
