"""Issue 13's done-when walk. Lucía, with no account, applies to the spring cohort on her phone
(390 x 844) and asks for a full scholarship; Sam (academy staff) closes applications; Rhea and
Rui score her application blind; Sam computes the awards; Lucía accepts her place, marks every
module done, Sam confirms the last one, and her certificate is issued. Its PDF carries the
verification code, its Open Badges credential verifies with openbadgeslib and, independently,
with joserfc and the keys the academy publishes, and the public verify page says it is valid.
She lists herself in the registry; Petra (producer, laptop) finds her and books her onto Harbour
Lights; Lucía accepts on her phone and is the production's coordinator.

The spring cohort's other applicants are set aside: with Lucía alone in the field, Rhea and Rui
(the two reviewers with the fewest assignments) are the pair who review her."""

from __future__ import annotations

import base64
import json
import secrets
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django_otp.plugins.otp_totp.models import TOTPDevice
from joserfc import jwt as jose_jwt
from joserfc.jwk import KeySet
from openbadgeslib.ob3 import OB3Verifier
from playwright.sync_api import expect

from closedset.academy.models import Application, Enrolment
from closedset.browser_tests import academy_steps as steps
from closedset.browser_tests.academy_steps import Newcomer, stop
from closedset.browser_tests.conftest import LAPTOP, PHONE
from closedset.certificates.models import Certificate
from closedset.productions.models import Membership

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
    # joserfc prefers RFC 9864's "Ed25519" name; Open Badges 3.0 and its verifiers use "EdDSA".
    pytest.mark.filterwarnings("ignore:EdDSA is deprecated"),
]

LUCIA = Newcomer(
    name="Lucía Ferreira-Holm",
    email="lucia.holm@example.com",
    phone="+34 611 482 907",
    location="Sevilla, Spain",
    link="https://luciaholm.example",
    password=secrets.token_urlsafe(16),
)
# Both reviewers agree (33 of 35 weighted points each): no third reviewer is needed.
RHEA_SCORES = {"Experience": "5", "Motivation": "4", "Judgement": "5"}
RUI_SCORES = {"Experience": "5", "Motivation": "5", "Judgement": "4"}


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_an_applicant_becomes_a_booked_coordinator(
    academy: Any, staff_devices: Any, navigator: Any, persona_password: str, live_server: Any
) -> None:
    world = staff_devices
    course = academy.course.title
    cohort = academy.cohort.name
    Application.objects.filter(cohort=academy.cohort).delete()
    for person in (academy.staff, *academy.reviewers):
        TOTPDevice.objects.create(user=person, name="phone", confirmed=True)

    # 1. Lucía applies on her phone, signed out, and confirms her address.
    lucia = navigator(PHONE)
    steps.apply_from_the_catalogue(lucia, LUCIA, course)
    steps.confirm_address_from_the_mail(lucia, LUCIA)
    steps.sees_status(lucia, "Submitted", "05c-submitted")
    application = Application.objects.get(email=LUCIA.email)
    assert application.scholarship == "full"
    lucia.assert_no_script_errors()

    # 2. Sam closes applications: blind review starts.
    sam = navigator(LAPTOP)
    sam.log_in(academy.staff, persona_password)
    steps.closes_applications(sam, cohort)
    assert set(application.assignments.values_list("reviewer__handle", flat=True)) == {
        "rhea",
        "rui",
    }

    # 3. Rhea and Rui score her application without learning who she is.
    rhea, rui, _ravi = academy.reviewers
    for reviewer, scores in ((rhea, RHEA_SCORES), (rui, RUI_SCORES)):
        person = navigator(LAPTOP)
        person.log_in(reviewer, persona_password)
        steps.scores_blind(person, reviewer.handle, scores, LUCIA)
        person.assert_no_script_errors()
    assert application.assignments.count() == 2  # they agree: no third reviewer is called

    # 4. Sam computes the awards: the one full scholarship is hers.
    steps.computes_awards(sam, cohort)
    application.refresh_from_db()
    assert application.status == Application.Status.OFFERED

    # 5. Lucía accepts and works through the course; Sam confirms the practical module.
    steps.accepts_the_offer(lucia)
    enrolment = Enrolment.objects.get(application=application)
    assert enrolment.amount_due == 0
    steps.marks_every_module_done(lucia, len(academy.modules))
    steps.confirms_the_last_module(sam, cohort, LUCIA)
    sam.assert_no_script_errors()
    steps.menu(lucia, "My course")
    lucia.page.get_by_role("link", name=f"{course}, {cohort}").click()
    expect(lucia.page.get_by_text("You completed every module. Well done!")).to_be_visible()
    stop(lucia, "17-course-complete")
    certificate = Certificate.objects.get(holder__email=LUCIA.email)

    # 6. Her certificate: the PDF and the credential, each checked as an outsider would.
    lucia.page.locator("main").get_by_role("link", name="Your certificates").click()
    expect(lucia.page.get_by_text(certificate.code)).to_be_visible()
    stop(lucia, "18-certificates")
    pdf = steps.downloads(lucia, "Download the PDF", "academy-certificate.pdf")
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert certificate.code in steps.pdf_text(pdf)
    token = steps.downloads(lucia, "Download the credential (.jwt)", "academy-credential.jwt")
    token_text = token.read_text().strip()
    assert token_text == certificate.credential
    keys = steps.published_jwks(live_server.url)
    header = json.loads(_unb64(token_text.split(".")[0]))
    jwk = next(key for key in keys["keys"] if key["kid"] == header["kid"])
    public = Ed25519PublicKey.from_public_bytes(_unb64(jwk["x"]))
    credential = OB3Verifier(public).verify(token_text)
    assert credential.id == f"urn:uuid:{certificate.credential_id}"
    key_set = KeySet.import_key_set(keys)  # type: ignore[arg-type]
    claims = jose_jwt.decode(token_text, key_set, algorithms=["EdDSA"]).claims
    assert claims["credentialSubject"]["achievement"]["name"] == course
    assert LUCIA.email not in json.dumps(claims)

    anyone = navigator(PHONE)
    anyone.go("/certificates/verify/")
    anyone.page.get_by_label("The code on the certificate").fill(certificate.code)
    steps.press(anyone.page, "Check this code")
    expect(anyone.page.get_by_role("heading", name="Valid", exact=True)).to_be_visible()
    expect(anyone.page.get_by_text(f"Valid: {LUCIA.name} completed {course}")).to_be_visible()
    stop(anyone, "19-verify-valid")
    anyone.assert_no_script_errors()

    # 7. The registry: Lucía lists herself; Petra finds and books her; Lucía accepts.
    steps.lists_herself(lucia, LUCIA)
    petra = navigator(LAPTOP)
    petra.log_in(world.petra, persona_password)
    steps.finds_and_books(petra, LUCIA, world.production.name)
    steps.accepts_the_booking(lucia, world.production.name)
    steps.sets_up_a_second_factor(lucia)
    assert Membership.objects.filter(
        user__email=LUCIA.email, production=world.production, role="coordinator"
    ).exists()
    lucia.go("/")
    expect(lucia.page.get_by_role("link", name=world.production.name)).to_be_visible()
    stop(lucia, "26-home-as-coordinator")
    lucia.assert_no_script_errors()
    steps.menu(petra, "Booking requests")
    expect(petra.page.get_by_text("Accepted").first).to_be_visible()
    stop(petra, "27-producer-bookings")
    petra.assert_no_script_errors()
