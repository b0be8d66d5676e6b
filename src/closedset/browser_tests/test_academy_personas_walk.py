"""Every academy, certificate and registry page each kind of person reaches, in their language
(issue 13). The main path (apply, review, awards, certificate, booking) is test_academy_walk.py;
here each person looks around their own pages.

- Chen applies on her phone in Spanish: the catalogue, the cohort, another cohort's form sent
  empty (its errors), her applications, her offer (a partial scholarship), her course with its
  materials and live session, the invoice PDF and her certificate.
- Rhea reviews in Czech on a laptop: her list, an assignment sent half scored, her conflicts.
- Sam runs the academy in Hungarian on a laptop: the overview, the cohort's settings, its
  applications, review progress, the awards and ranking, a participant (progress, confirmation,
  payment) and the certificates (revoke).
- Ana, certified, in English on her phone: her listing (sent empty first), a booking request
  from a producer, and her certificate's verify page, signed in and signed out.
- Petra produces in Spanish on a laptop: the registry search, Ana's listing and its booking
  form (sent without a production first).

At every stop: a screenshot (test-artifacts/academy-persona-*.png), no script or CSP error,
on the phone no sideways scrolling, and for Spanish, Czech and Hungarian no English msgid of
the templates rendered (test_language_personas_walk's approach), no English state word, and in
Hungarian no day-month-year date. axe runs on at least one page each.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test.signals import template_rendered
from django.utils import timezone

from closedset.academy import enrolment, review
from closedset.academy import services as academy_services
from closedset.academy.models import (
    Cohort,
    Criterion,
    LiveSession,
    Material,
    Offer,
    ReviewAssignment,
)
from closedset.browser_tests.conftest import ARTIFACTS, LAPTOP, PHONE
from closedset.browser_tests.test_language_personas_walk import (
    DAY_MONTH_YEAR,
    RAW_WORDS,
    english_on,
    lines,
    log_in,
    visible_text,
)
from closedset.certificates import services as certificates
from closedset.conftest import speaks

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

# Scores per applicant (every criterion): Ana first, then Ben, Chen, Dana.
SCORES = {"ana": 5, "ben": 4, "chen": 3, "dana": 2}


ANSWERED = re.compile(r"^Failed to load resource: the server responded with a status of 4(22|09)")


# Spanish writes "25 de enero de 2027": a month between a day and a year with no "de".
SPANISH_NO_DE = re.compile(
    r"\b\d{1,2} (?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre"
    r"|noviembre|diciembre) \d{4}\b"
)
# What the page prints in English whatever the reader's language (the redaction marker).
UNTRANSLATED = ("[removed]",)


def typed_texts() -> set[str]:
    """Every text academy staff, applicants and reviewers typed: in whatever language they
    wrote it, never the page's own words."""
    from closedset.academy.models import Application, Course, Module
    from closedset.accounts.models import User

    found: set[str] = set()
    for course in Course.objects.all():
        found |= {course.title, course.summary, course.achievement}
    found |= set(Module.objects.values_list("title", flat=True))
    found |= set(Cohort.objects.values_list("name", flat=True))
    found |= set(Criterion.objects.values_list("name", flat=True))
    for title, body in Material.objects.values_list("title", "body"):
        found |= {title, body}
    found |= set(LiveSession.objects.values_list("title", flat=True))
    for background, motivation, reason in Application.objects.values_list(
        "background", "motivation", "scholarship_reason"
    ):
        found |= {background, motivation, reason}
    found |= set(ReviewAssignment.objects.values_list("comment", flat=True))
    found |= set(User.objects.values_list("display_name", flat=True))
    return {text for text in found if text}


@pytest.fixture
def rendered() -> Iterator[list[str]]:
    names: list[str] = []

    def keep(sender: Any, template: Any, **kwargs: Any) -> None:
        if template.name:
            names.append(template.name)

    template_rendered.connect(keep, dispatch_uid="academy-personas-walk")
    yield names
    template_rendered.disconnect(dispatch_uid="academy-personas-walk")


class Walk:
    """One person's stops: a screenshot each, problems gathered per stop and named at the end."""

    def __init__(self, person: Any, who: str, lang: str, rendered: list[str]) -> None:
        self.person = person
        self.page = person.page
        self.who = who
        self.lang = lang
        self.rendered = rendered
        self.problems: dict[str, list[str]] = {}

    def go(self, path: str) -> None:
        self.rendered.clear()
        self.person.go(path)

    def submit(self, form: str = "main form") -> None:
        """The first submit button of this form pressed, its answer loaded."""
        self.rendered.clear()
        self.page.locator(form).first.locator("button[type=submit]").first.click()
        self.page.wait_for_load_state()

    def check(self, name: str, *expected: str, status: int | None = None) -> list[str]:
        page = self.page
        page.wait_for_load_state("networkidle")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(
            path=str(ARTIFACTS / f"academy-persona-{self.who}-{name}.png"),
            full_page=True,
            caret="initial",
        )
        # A form sent with mistakes comes back 422 (or 409): the browser notes the status in
        # its console; that is the page answering, not a script failing.
        found = [f"script error: {e}" for e in page.js_errors if not ANSWERED.search(e)]
        page.js_errors.clear()
        text = visible_text(page, self.lang)
        found += [f"missing: {phrase!r}" for phrase in expected if phrase not in text]
        # What people typed (course, modules, materials, names) is theirs to word.
        for typed in sorted(typed_texts(), key=len, reverse=True):
            text = text.replace(typed, " ")
        if page.locator("html").get_attribute("lang") != self.lang:
            found.append(f"html lang is {page.locator('html').get_attribute('lang')}")
        if self.lang != "en":
            templates = set(self.rendered)
            found += [f"English: {m}" for m in english_on(text, templates, self.lang)]
            found += [f"English word: {m.group(0)!r}" for m in RAW_WORDS.finditer(text)]
            found += [f"English: {e!r}" for e in UNTRANSLATED if e in text]
        if self.lang == "hu":
            found += [f"day-month-year: {m.group(0)!r}" for m in DAY_MONTH_YEAR.finditer(text)]
        if self.lang == "es":
            found += [f"date without 'de': {m.group(0)!r}" for m in SPANISH_NO_DE.finditer(text)]
        if page.viewport_size == PHONE:
            wide = page.evaluate("document.documentElement.scrollWidth")
            if wide > page.evaluate("window.innerWidth"):
                found.append(f"scrolls sideways: {wide}px wide")
        if found:
            self.problems[f"{name} ({page.url})"] = found
        self.rendered.clear()
        return found

    def accessible(self, name: str) -> None:
        try:
            self.person.assert_accessible()
        except AssertionError as error:
            self.problems.setdefault(f"{name} ({self.page.url})", []).append(f"axe: {error}")

    def pdf(self, url: str, name: str) -> str:
        """The PDF at this address with the person's cookies: page 1 as PNG beside the
        screenshots, its text checked like a page's."""
        self.rendered.clear()
        response = self.page.request.get(self.person.base_url + url)
        assert response.ok, (url, response.status)
        assert response.headers["content-type"] == "application/pdf"
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"academy-persona-{self.who}-{name}.pdf"
        path.write_bytes(response.body())
        png = ARTIFACTS / f"academy-persona-{self.who}-{name}"
        subprocess.run(  # noqa: S603 (our own file)
            ["/usr/bin/pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile"]
            + [str(path), str(png)],
            check=True,
        )
        text = lines(
            subprocess.run(  # noqa: S603 (our own file)
                ["/usr/bin/pdftotext", "-layout", str(path), "-"],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )
        if self.lang != "en":
            found = [f"English: {m}" for m in english_on(text, set(self.rendered), self.lang)]
            if found:
                self.problems[f"{name} ({url})"] = found
        self.rendered.clear()
        return text

    def assert_clean(self) -> None:
        assert not self.problems, "\n".join(
            f"{stop}:\n  " + "\n  ".join(found) for stop, found in self.problems.items()
        )


# --- the state each walk starts from, made by the academy's own services --------------------


def with_devices(*people: Any) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for person in people:
        TOTPDevice.objects.get_or_create(user=person, name="phone", defaults={"confirmed": True})


def course_content(academy: Any) -> None:
    """Week 1's materials (a text and a link) and a live session in Madrid's time."""
    first = academy.modules[0]
    Material.objects.create(
        module=first,
        kind=Material.Kind.TEXT,
        title="Reading: what consent is on a set",
        body="Consent is specific, informed, freely given and can be withdrawn at any moment.",
        position=1,
    )
    Material.objects.create(
        module=first,
        kind=Material.Kind.LINK,
        title="Video: a closed set, step by step",
        url="https://video.example/closed-set",
        position=2,
    )
    LiveSession.objects.create(
        cohort=academy.cohort,
        module=first,
        title="Week 1 live: questions and answers",
        starts_at=timezone.now() + timedelta(days=61, hours=3),
        duration_minutes=90,
        time_zone="Europe/Madrid",
        meeting_link="https://meet.example/week-1",
    )


def autumn_cohort(academy: Any) -> Cohort:
    """A second cohort of the same course, open, that nobody has applied to yet."""
    now = timezone.now()
    cohort = Cohort.objects.create(
        course=academy.course,
        name="Autumn 2027",
        starts_on=(now + timedelta(days=200)).date(),
        capacity=12,
        price=Decimal("900.00"),
        currency="EUR",
        scholarship_full_places=2,
        scholarship_partial_places=2,
        partial_discount_percent=50,
        application_deadline=now + timedelta(days=120),
    )
    Criterion.objects.create(cohort=cohort, name="Experience", weight=1, position=1)
    return cohort


def close_and_score(academy: Any, leave_open: int = 0) -> list[Any]:
    """Sam closes applications; every assignment but the last `leave_open` is scored
    (SCORES: no disagreement). Returns the assignments left open."""
    academy_services.close_applications(academy.staff, academy.cohort.pk)
    assignments = list(
        ReviewAssignment.objects.filter(application__cohort=academy.cohort).order_by("pk")
    )
    by_pk = {a.pk: handle for handle, a in academy.applications.items()}
    todo = assignments[: len(assignments) - leave_open]
    for assignment in todo:
        value = SCORES[by_pk[assignment.application_id]]
        review.submit_scores(
            assignment.reviewer,
            assignment.pk,
            {c.pk: value for c in academy.criteria},
            "Concrete experience, clear reasons.",
        )
    return assignments[len(todo) :]


def offer_of(academy: Any, handle: str) -> Offer:
    return Offer.objects.filter(application=academy.applications[handle]).latest("pk")


# --- Chen, Spanish, on her phone ------------------------------------------------------------


def test_an_applicant_in_spanish_on_her_phone(
    academy: Any, navigator: Any, rendered: list[str]
) -> None:
    chen = speaks(academy.applicants["chen"], "es")
    with_devices(academy.staff, *academy.reviewers)
    course_content(academy)
    autumn = autumn_cohort(academy)
    person = navigator(PHONE)
    log_in(person, chen)
    walk = Walk(person, "chen-es", "es", rendered)
    page = person.page

    walk.go("/academy/")
    walk.check("01-catalogue", academy.course.title)
    walk.go(f"/academy/cohorts/{academy.cohort.pk}/")
    walk.check("02-cohort", "Spring 2027")
    walk.accessible("02-cohort")
    walk.go(f"/academy/cohorts/{autumn.pk}/apply/")
    walk.check("03-apply")
    walk.submit()
    walk.check("04-apply-errors")
    walk.accessible("04-apply-errors")
    assert page.locator("main .error, main [role=alert]").count() > 0

    walk.go("/academy/applications/")
    walk.check("05-my-applications-submitted")

    # Review done, awards computed: Chen asked for a partial scholarship and is offered one.
    close_and_score(academy)
    enrolment.compute_awards(academy.staff, academy.cohort.pk)
    offer = offer_of(academy, "chen")
    assert offer.kind == Offer.Kind.PARTIAL
    walk.go("/academy/applications/")
    walk.check("06-my-applications-offered")
    walk.go(f"/academy/learn/offers/{offer.pk}/")
    walk.check("07-offer", "450,00 EUR")
    walk.accessible("07-offer")

    place = enrolment.accept_offer(chen, offer.pk).enrolment
    walk.go("/academy/learn/")
    walk.check("08-my-courses")
    walk.go(f"/academy/learn/{place.pk}/")
    walk.check("09-course", "Reading: what consent is on a set", "450,00 EUR")
    walk.accessible("09-course")
    walk.pdf(f"/academy/learn/{place.pk}/invoice.pdf", "10-invoice")

    for module in academy.modules:
        enrolment.mark_done(chen, place.pk, module.pk)
    walk.go(f"/academy/learn/{place.pk}/")
    walk.check("11-course-waiting-for-staff")
    enrolment.confirm_module(academy.staff, place.pk, academy.modules[-1].pk)
    certificate = certificates.certificates_of(chen)[0]
    walk.go(f"/academy/learn/{place.pk}/")
    walk.check("12-course-complete")
    walk.go("/certificates/mine/")
    walk.check("13-my-certificates", certificate.code)
    walk.pdf(f"/certificates/{certificate.pk}/certificate.pdf", "14-certificate")
    walk.go(f"/certificates/verify/{certificate.code}/")
    walk.check("15-verify")
    walk.assert_clean()


# --- Rhea, Czech, on a laptop ---------------------------------------------------------------


def test_a_reviewer_in_czech_on_a_laptop(academy: Any, navigator: Any, rendered: list[str]) -> None:
    rhea = speaks(academy.reviewers[0], "cs")
    with_devices(academy.staff, *academy.reviewers)
    academy_services.close_applications(academy.staff, academy.cohort.pk)
    assert ReviewAssignment.objects.filter(reviewer=rhea).exists()
    person = navigator(LAPTOP)
    log_in(person, rhea)
    walk = Walk(person, "rhea-cs", "cs", rendered)
    page = person.page

    walk.go("/academy/review/")
    walk.check("01-review-list")
    walk.accessible("01-review-list")
    walk.rendered.clear()
    page.locator("main ul.cards a").first.click()
    page.wait_for_load_state()
    walk.check("02-assignment")
    # Only the first line of the rubric scored: the page says what is missing.
    page.locator("main form input[type=radio], main form input[type=number]").first.check()
    walk.submit("main form:has(textarea), main form")
    walk.check("03-assignment-errors")
    walk.accessible("03-assignment-errors")
    assert page.locator("main .error, main [role=alert]").count() > 0

    walk.go("/academy/review/conflicts/")
    walk.check("04-conflicts")
    walk.submit()
    walk.check("05-conflicts-empty-sent")
    walk.assert_clean()


# --- Sam, Hungarian, on a laptop ------------------------------------------------------------


def test_academy_staff_in_hungarian_on_a_laptop(
    academy: Any, navigator: Any, rendered: list[str]
) -> None:
    sam = speaks(academy.staff, "hu")
    with_devices(sam, *academy.reviewers)
    course_content(academy)
    cohort = academy.cohort
    person = navigator(LAPTOP)
    log_in(person, sam)
    walk = Walk(person, "sam-hu", "hu", rendered)

    walk.go("/academy/staff/")
    walk.check("01-overview", "Spring 2027")
    walk.accessible("01-overview")
    walk.go(f"/academy/staff/cohorts/{cohort.pk}/")
    walk.check("02-cohort-edit")
    walk.go(f"/academy/staff/cohorts/{cohort.pk}/applications/")
    walk.check("03-applications")
    walk.go(f"/academy/staff/applications/{academy.applications['ana'].pk}/")
    walk.check("04-application")

    # Review under way: two assignments still open.
    left = close_and_score(academy, leave_open=2)
    walk.go(f"/academy/review/staff/{cohort.pk}/")
    walk.check("05-review-progress")
    for assignment in left:
        handle = next(
            h for h, a in academy.applications.items() if a.pk == assignment.application_id
        )
        review.submit_scores(
            assignment.reviewer,
            assignment.pk,
            {c.pk: SCORES[handle] for c in academy.criteria},
        )
    walk.go(f"/academy/review/staff/{cohort.pk}/")
    walk.check("06-review-complete")

    walk.go(f"/academy/learn/staff/{cohort.pk}/")
    walk.check("07-awards-before")
    walk.submit()
    walk.check("08-awards-ranking")
    walk.accessible("08-awards-ranking")

    places = {
        handle: enrolment.accept_offer(academy.applicants[handle], offer_of(academy, handle).pk)
        for handle in ("ana", "ben")
    }
    ben = places["ben"].enrolment
    for module in academy.modules:
        enrolment.mark_done(academy.applicants["ben"], ben.pk, module.pk)
    walk.go(f"/academy/learn/staff/{cohort.pk}/")
    walk.check("09-participants")
    walk.go(f"/academy/learn/staff/enrolments/{ben.pk}/")
    walk.check("10-participant")
    # A payment with no amount: the form says what to fill in.
    walk.submit(f"main form[action$='/enrolments/{ben.pk}/payments/']")
    walk.check("11-payment-errors")
    form = person.page.locator(f"main form[action$='/enrolments/{ben.pk}/payments/']")
    form.locator("input[name=amount]").fill("450")
    walk.submit(f"main form[action$='/enrolments/{ben.pk}/payments/']")
    walk.check("12-payment-recorded", "450,00 EUR")
    walk.submit("main form[action*='/confirm/']")
    walk.check("13-module-confirmed")

    walk.go("/certificates/staff/")
    walk.check("14-certificates")
    walk.submit("main form[action*='/revoke/']")
    walk.check("15-revoke-without-reason")
    walk.accessible("15-revoke-without-reason")
    walk.assert_clean()


# --- Ana, certified, English, on her phone --------------------------------------------------


def test_a_certified_graduate_in_english_on_her_phone(
    academy: Any, staff_devices: Any, navigator: Any, rendered: list[str]
) -> None:
    from closedset.registry import services as registry
    from closedset.registry.tests.helpers import certify

    world = staff_devices
    ana = speaks(academy.applicants["ana"], "en")
    certificate = certify(ana, academy.cohort)
    person = navigator(PHONE)
    log_in(person, ana)
    walk = Walk(person, "ana-en", "en", rendered)
    page = person.page

    walk.go("/registry/listing/")
    walk.check("01-listing-form")
    walk.accessible("01-listing-form")
    page.locator("main form input[name=display_name]").fill("")
    walk.submit()
    walk.check("02-listing-errors")
    listing = registry.save_listing(
        ana,
        display_name="Ana Lima",
        languages=["pt", "en", "es"],
        region="Porto and the north of Portugal",
        experience="Six years as a stage manager; certified by the academy.",
        specialities=["adult", "theatre"],
        availability="available",
        availability_note="",
    )
    walk.go("/registry/listing/")
    walk.check("03-listed")

    booking = registry.request_booking(
        world.petra, listing.pk, world.production.pk, "Five shoot days in June, in Porto."
    )
    walk.go("/registry/bookings/")
    walk.check("04-bookings")
    walk.go(f"/registry/bookings/{booking.pk}/")
    walk.check("05-booking-request")
    walk.accessible("05-booking-request")

    walk.go(f"/certificates/verify/{certificate.code}/")
    walk.check("06-verify-signed-in", "Valid")
    anyone = navigator(PHONE)
    outside = Walk(anyone, "anyone-en", "en", rendered)
    outside.go("/certificates/verify/")
    outside.check("07-verify-form")
    anyone.page.locator("main form input[type=text], main form input:not([type])").first.fill(
        "NOT-A-CODE"
    )
    outside.submit()
    outside.check("08-verify-wrong-code")
    outside.go(f"/certificates/verify/{certificate.code}/")
    outside.check("09-verify-signed-out", "Valid")
    outside.accessible("09-verify-signed-out")
    certificates.revoke_by_id(academy.staff, certificate.pk, "Issued by mistake.")
    outside.go(f"/certificates/verify/{certificate.code}/")
    outside.check("10-verify-revoked")
    walk.problems.update(outside.problems)
    walk.assert_clean()


# --- Petra, Spanish, on a laptop ------------------------------------------------------------


def test_a_producer_in_spanish_on_a_laptop(
    academy: Any, staff_devices: Any, navigator: Any, rendered: list[str]
) -> None:
    from closedset.registry.tests.helpers import certify, listed, person

    world = staff_devices
    petra = speaks(world.petra, "es")
    ana = academy.applicants["ana"]
    certify(ana, academy.cohort)
    listing = listed(
        ana,
        display_name="Ana Lima",
        languages=["pt", "es", "en"],
        region="Porto",
        specialities=["adult"],
    )
    listed(person("lena", "Lena Marek"))
    producer = navigator(LAPTOP)
    log_in(producer, petra)
    walk = Walk(producer, "petra-es", "es", rendered)
    page = producer.page

    walk.go("/registry/")
    walk.check("01-search", "Ana Lima")
    walk.accessible("01-search")
    page.locator("form.registry-search select[name=language]").select_option("es")
    walk.submit("form.registry-search")
    walk.check("02-search-spanish", "Ana Lima")
    walk.go(f"/registry/{listing.pk}/")
    walk.check("03-listing")
    walk.accessible("03-listing")
    page.locator("main form textarea[name=message]").fill("Cinco días de rodaje en junio.")
    walk.submit("main form[action$='/book/']")
    walk.check("04-booking-sent")
    # The same request again: the page says it is already on its way.
    walk.go(f"/registry/{listing.pk}/")
    walk.submit("main form[action$='/book/']")
    walk.check("04b-booking-again")
    walk.go("/registry/bookings/")
    walk.check("05-bookings")
    walk.assert_clean()
