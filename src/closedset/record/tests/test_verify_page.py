"""The public receipt check at /verify/: plain verdicts, never a 500."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from closedset.core import record as core
from closedset.record import services
from closedset.record.tests.helpers import consent, readable, receipt

pytestmark = pytest.mark.django_db
URL = "/verify/"


def upload(client, content: bytes, name="receipt.json"):
    return client.post(URL, {"upload": SimpleUploadedFile(name, content)})


def test_the_page_is_public(client_as):
    response = client_as("anonymous").get(URL)
    assert response.status_code == 200
    assert b"Check a consent receipt" in response.content


@pytest.mark.parametrize("who", ["mara", "oscar", "ines"])
def test_everyone_sees_the_same_page(client_as, who):
    assert client_as(who).get(URL).status_code == 200


def test_a_valid_receipt_shows_its_readable_part(world):
    data = receipt(world, consent(world))
    response = upload(Client(), json.dumps(data).encode())
    assert response.status_code == 200
    text = response.content.decode()
    assert "valid: consent by the holder of this receipt, entry 0 of 1" in text  # details
    assert "closedset's signed record holds exactly this consent, made on" in text
    assert "What the receipt says about itself" in text
    assert "withdrawn" not in text
    assert "Harbour Lights" in text and "12B" in text
    # Only what is proved of a beat: its place in the signed plan, never the file's wording.
    assert "Beat b2 of the signed plan version" in text
    assert f"user:{world.mara.pk}" not in text  # a person never sees an id


def test_a_pasted_receipt_works_too(world):
    data = receipt(world, consent(world))
    response = Client().post(URL, {"text": json.dumps(data)})
    assert "valid: consent by the holder" in response.content.decode()


def test_a_tampered_receipt_is_not_valid(world):
    data = receipt(world, consent(world))
    data["readable"]["decision"] = "decline"
    response = upload(Client(), json.dumps(data).encode())
    text = response.content.decode()
    assert response.status_code == 200
    assert "Not valid" in text and "not valid: the readable decision" in text
    assert "As written in the receipt" not in text


def test_a_receipt_whose_entry_was_swapped_is_not_valid(world):
    first = receipt(world, consent(world))
    second = services.receipt_for(consent(world, beats=["b1"]), world.mara, readable(world, ["b1"]))
    first["entry"] = second["entry"]
    text = upload(Client(), json.dumps(first).encode()).content.decode()
    assert "not valid: " in text


@pytest.mark.parametrize(
    "junk",
    [
        b"",
        b"\xff\xfe\x00garbage",
        b"[1, 2, 3]",
        b'{"format": "closedset-receipt/1"}',
        b'{"format": "closedset-receipt/1", "entry": 1, "index": "x", "inclusion_proof": 5, '
        b'"checkpoint": [], "log_key": {}, "salt": null, "readable": "x"}',
        b'{"format": "closedset-receipt/1", "entry": "", "index": -1, "inclusion_proof": [], '
        b'"checkpoint": "", "log_key": "closedset.local/org/northlight-films+00000000+AQ==", '
        b'"salt": "", "readable": {}}',
        b"[" * 60000,
    ],
)
def test_junk_never_breaks_the_page(world, junk):
    consent(world)
    response = upload(Client(), junk)
    assert response.status_code in (200, 422)
    assert b"As written in the receipt" not in response.content


def test_an_empty_form_says_what_to_do(world):
    response = Client().post(URL, {"text": "  "})
    assert response.status_code == 422
    assert b"Choose a receipt file or paste its text" in response.content


def test_an_oversize_file_is_refused_unread(world):
    response = upload(Client(), b" " * (65 * 1024))
    assert response.status_code == 413
    assert b"larger than 64 KB" in response.content


def test_a_receipt_from_another_closedset_is_not_valid(world):
    # A perfectly good receipt, from someone else's log with the same kind of name.
    salt = b"\x01" * 16
    person = "user:1"
    entry_bytes = core.canonical_json(
        {"type": "consent", "beats": [], "people": [core.commitment(salt, person)]}
    )
    origin = "elsewhere.example/org/northlight-films"
    signer = core.Signer.generate(origin)
    head = core.Checkpoint(origin, 1, core.tree_root([core.leaf_hash(entry_bytes)]))
    data = core.build_receipt(
        entry=entry_bytes,
        index=0,
        proof=[],
        checkpoint_note=core.sign_note(head.text(), [signer]),
        log_key=signer.verifier().vkey(),
        salt=salt,
        readable={"decision": "consent", "beats": [], "person": person},
    )
    text = upload(Client(), json.dumps(data).encode()).content.decode()
    assert "not valid: this receipt was not issued by this closedset" in text


def test_a_receipt_signed_with_a_stranger_key_under_our_name_is_not_valid(world):
    consent(world)
    log = services.log_for(world.organisation)
    salt, person = b"\x02" * 16, f"user:{world.mara.pk}"
    entry_bytes = core.canonical_json(
        {"type": "consent", "beats": [], "people": [core.commitment(salt, person)]}
    )
    signer = core.Signer.generate(log.origin)
    head = core.Checkpoint(log.origin, 1, core.tree_root([core.leaf_hash(entry_bytes)]))
    data = core.build_receipt(
        entry=entry_bytes,
        index=0,
        proof=[],
        checkpoint_note=core.sign_note(head.text(), [signer]),
        log_key=signer.verifier().vkey(),
        salt=salt,
        readable={"decision": "consent", "beats": [], "person": person},
    )
    text = upload(Client(), json.dumps(data).encode()).content.decode()
    assert "not valid: this receipt was not signed by this closedset&#x27;s key" in text


def test_a_receipt_the_log_no_longer_matches_is_not_valid(world):
    from closedset.record.models import Log
    from closedset.record.tests.test_services import _rewrite

    data = receipt(world, consent(world))
    consent(world)
    _rewrite(Log.objects.get(), 0)
    text = upload(Client(), json.dumps(data).encode()).content.decode()
    assert "log no longer matches the receipt" in text


def test_the_readable_part_is_escaped(world):
    entry = consent(world)
    shown = readable(world)
    shown["production"] = "<script>alert(1)</script>"
    data = services.receipt_for(entry, world.mara, shown)
    text = upload(Client(), json.dumps(data).encode()).content.decode()
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;" in text


def test_a_foreign_organisation_receipt_from_this_site_is_valid_here(world):
    # Every organisation's log on this site is trusted, each under its own key.
    with transaction.atomic():
        entry = services.append(
            world.other_organisation, {"type": "decline", "beats": []}, people=[world.oscar]
        )
    data = services.receipt_for(
        entry, world.oscar, {"decision": "decline", "beats": [], "production": "Quiet Water"}
    )
    text = upload(Client(), json.dumps(data).encode()).content.decode()
    assert "valid: decline by the holder of this receipt, entry 0 of 1" in text


def test_a_withdrawn_consent_says_it_no_longer_stands(world):
    entry = consent(world)
    data = receipt(world, entry)
    with transaction.atomic():
        services.append(
            world.organisation,
            {"type": "withdrawal", "refers_to": entry.index, "beats": ["b1", "b2"]},
            people=[world.mara],
        )
    text = upload(Client(), json.dumps(data).encode()).content.decode()
    assert "Valid" in text  # it was given, and the record still proves that
    assert "This consent was withdrawn on" in text
    assert "not that it still stands" in text


def test_a_receipt_pdf_is_checked_by_the_receipt_it_carries(world):
    from closedset.rider.pdf import receipt_pdf

    data = receipt(world, consent(world))
    pdf = receipt_pdf(data)
    text = upload(Client(), pdf, name="receipt.pdf").content.decode()
    assert "holds exactly this consent" in text


def test_a_pdf_without_a_receipt_gets_a_plain_message(world):
    response = upload(Client(), b"%PDF-1.7\n%broken\n", name="rider.pdf")
    text = response.content.decode()
    assert response.status_code == 422
    assert "This PDF carries no consent receipt" in text
    assert "Traceback" not in text


def test_the_command_checks_a_receipt_pdf_too(world, tmp_path, capsys):
    from closedset.cli import main
    from closedset.rider.pdf import receipt_pdf

    path = tmp_path / "receipt.pdf"
    path.write_bytes(receipt_pdf(receipt(world, consent(world))))
    assert main(["verify", str(path)]) == 0
    assert capsys.readouterr().out.startswith("valid: consent by the holder of this receipt")
    path.write_bytes(b"%PDF-1.7\n%not a receipt\n")
    assert main(["verify", str(path)]) == 2
