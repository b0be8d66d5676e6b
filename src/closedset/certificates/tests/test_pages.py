"""The verify page (public), the holder's page and downloads, the PDF, and the API."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client

from closedset.certificates import services
from closedset.certificates.tests.conftest import enrol
from closedset.conftest import verified_client

POPPLER = shutil.which("pdftotext")


def _text(response) -> str:
    return response.content.decode()


def test_verify_by_code_needs_no_sign_in(graduate):
    page = Client().get(f"/certificates/verify/{graduate.code}/")
    assert page.status_code == 200
    text = _text(page)
    assert "Valid: Ana Lima completed Intimacy coordination for adult sets (Spring 2027) on" in text
    assert "ana@example.net" not in text


def test_verify_form_forgives_case_and_spaces(graduate):
    code = graduate.code.replace("-", " ").lower()
    page = Client().post("/certificates/verify/", {"code": code})
    assert page.status_code == 200
    assert "Valid: Ana Lima" in _text(page)


def test_verify_a_pasted_credential(graduate):
    page = Client().post("/certificates/verify/", {"credential": graduate.credential + "\n"})
    assert "Valid: Ana Lima" in _text(page)
    altered = graduate.credential[:-4] + (
        "AAAA" if not graduate.credential.endswith("AAAA") else "BBBB"
    )
    page = Client().post("/certificates/verify/", {"credential": altered})
    assert page.status_code == 200
    assert "Not valid: " in _text(page)
    assert "Ana Lima" not in _text(page)


@pytest.mark.parametrize(
    ("code", "reason"),
    [("ZZZZ-ZZZZ-ZZZZ", services.UNKNOWN_CODE), ("0000-1111", services.MALFORMED_CODE)],
)
def test_wrong_codes_say_why_in_plain_words(db, code, reason):
    page = Client().post("/certificates/verify/", {"code": code})
    assert page.status_code == 200
    text = _text(page)
    assert "Not valid: " in text
    assert str(reason).split(":")[0].replace("'", "&#x27;") in text
    assert "Traceback" not in text


def test_an_empty_form_asks_for_a_code(db):
    page = Client().post("/certificates/verify/", {})
    assert page.status_code == 422
    assert "Type the code" in _text(page)


def test_guessing_codes_is_limited_per_address(graduate, settings):
    settings.CLOSEDSET_CERTIFICATE_MISSES_PER_HOUR = 3
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(4):
        assert guesser.post("/certificates/verify/", {"code": "ZZZZ-ZZZZ-ZZZZ"}).status_code == 200
    # Blocked now: even a right code is refused from there, so guessing learns nothing.
    assert guesser.get(f"/certificates/verify/{graduate.code}/").status_code == 429
    refused = guesser.post("/certificates/verify/", {"code": graduate.code})
    assert refused.status_code == 429
    assert "Too many wrong codes" in _text(refused)
    # A pasted credential is not a guess; someone elsewhere is not affected.
    assert "Valid: " in _text(
        guesser.post("/certificates/verify/", {"credential": graduate.credential})
    )
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert other.get(f"/certificates/verify/{graduate.code}/").status_code == 200
    api = guesser.post(
        "/api/v1/certificates/verify",
        json.dumps({"code": graduate.code}),
        content_type="application/json",
    )
    assert api.status_code == 429


def test_the_holders_page_lists_theirs_only(graduate, academy):
    ana = verified_client(academy.applicants["ana"])
    page = ana.get("/certificates/mine/")
    assert page.status_code == 200
    text = _text(page)
    assert graduate.code in text
    assert f"/certificates/{graduate.pk}/certificate.pdf" in text
    assert f"/certificates/{graduate.pk}/credential.jwt" in text
    assert f"/certificates/verify/{graduate.code}/" in text
    ben = verified_client(academy.applicants["ben"])
    assert graduate.code not in _text(ben.get("/certificates/mine/"))


def test_the_credential_download_is_the_holders(graduate, academy):
    ana = verified_client(academy.applicants["ana"])
    response = ana.get(f"/certificates/{graduate.pk}/credential.jwt")
    assert response.status_code == 200
    assert response.content.decode() == graduate.credential
    assert "attachment" in response["Content-Disposition"]
    for user in (academy.applicants["ben"], academy.reviewers[0]):
        assert (
            verified_client(user).get(f"/certificates/{graduate.pk}/credential.jwt").status_code
            == 404
        )
    assert (
        verified_client(academy.staff)
        .get(f"/certificates/{graduate.pk}/credential.jwt")
        .status_code
        == 200
    )


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.skipif(not POPPLER, reason="needs pdftotext (poppler-utils)")
def test_the_pdf_holds_the_code_and_the_verify_address(graduate, academy, tmp_path):
    ana = verified_client(academy.applicants["ana"])
    response = ana.get(f"/certificates/{graduate.pk}/certificate.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content, tmp_path)
    assert graduate.code in text
    assert "Ana Lima" in text
    assert "Intimacy coordination for adult sets" in text
    assert "Spring 2027" in text
    assert f"/certificates/verify/{graduate.code}/" in text
    staff = verified_client(academy.staff).get(f"/certificates/{graduate.pk}/certificate.pdf")
    assert staff.status_code == 200
    for user in (academy.applicants["ben"], academy.reviewers[0]):
        assert (
            verified_client(user).get(f"/certificates/{graduate.pk}/certificate.pdf").status_code
            == 404
        )
    assert Client().get(f"/certificates/{graduate.pk}/certificate.pdf").status_code == 302


@pytest.mark.skipif(not POPPLER, reason="needs pdftotext (poppler-utils)")
def test_the_pdf_in_another_language(graduate, academy, tmp_path):
    ana = verified_client(academy.applicants["ana"])
    english = _pdf_text(ana.get(f"/certificates/{graduate.pk}/certificate.pdf").content, tmp_path)
    czech = _pdf_text(
        ana.get(f"/certificates/{graduate.pk}/certificate.pdf?lang=cs").content, tmp_path
    )
    assert "Verification code" in english
    assert "Verification code" not in czech
    assert graduate.code in czech


def test_api_verify_and_mine(graduate, academy):
    anonymous = Client()
    answer = anonymous.post(
        "/api/v1/certificates/verify",
        json.dumps({"code": graduate.code}),
        content_type="application/json",
    ).json()
    assert answer["outcome"] == "valid"
    assert answer["holder_name"] == "Ana Lima"
    assert answer["cohort"] == "Spring 2027"
    bad = anonymous.post(
        "/api/v1/certificates/verify",
        json.dumps({"credential": "not.a.jwt"}),
        content_type="application/json",
    ).json()
    assert bad["outcome"] == "not_valid" and bad["reason"] and bad["holder_name"] is None
    empty = anonymous.post(
        "/api/v1/certificates/verify", json.dumps({}), content_type="application/json"
    )
    assert empty.status_code == 422
    assert anonymous.get("/api/v1/certificates/mine").status_code == 401
    mine = verified_client(academy.applicants["ana"]).get("/api/v1/certificates/mine").json()
    assert [found["code"] for found in mine] == [graduate.code]
    assert mine[0]["credential"] == graduate.credential
    assert verified_client(academy.applicants["ben"]).get("/api/v1/certificates/mine").json() == []


def test_two_graduates_get_distinct_codes_and_indices(academy):
    certificates = [services.issue_certificate(enrol(academy, h)) for h in ("ana", "ben", "chen")]
    assert len({c.code for c in certificates}) == 3
    assert len({c.status_index for c in certificates}) == 3


@pytest.mark.parametrize(
    ("language", "words"),
    [("cs", "Platný: Ana Lima"), ("es", "Válido: Ana Lima"), ("hu", "Érvényes: Ana Lima")],
)
def test_the_verdict_in_the_readers_language(graduate, language, words):
    page = Client(HTTP_ACCEPT_LANGUAGE=language).get(f"/certificates/verify/{graduate.code}/")
    assert words in _text(page)
