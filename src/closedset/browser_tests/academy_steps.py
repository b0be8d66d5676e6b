"""The academy walk's steps, one person's taps each: the applicant who becomes a certified
coordinator, the staff who run the cohort, the reviewers who score blind, the producer who
books her. Each step takes the person's Navigator and leaves them on the page it ends on."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core import mail
from playwright.sync_api import expect

from closedset.browser_tests.conftest import ARTIFACTS


@dataclass(frozen=True)
class Newcomer:
    """Someone with no account yet who applies from the public catalogue."""

    name: str
    email: str
    phone: str
    location: str
    link: str
    password: str

    def identifying(self) -> list[str]:
        """Every value a reviewer must never see, and the phone's digits run together."""
        digits = re.sub(r"\D", "", self.phone)
        return [self.name, self.email, self.phone, digits, self.location, self.link]


def stop(person: Any, name: str) -> None:
    """A screenshot of the page as the person sees it now."""
    person.page.wait_for_load_state()
    person.screenshot(f"academy-{name}")


def menu(person: Any, name: str) -> None:
    """A link of the main navigation at the top of every page."""
    nav = person.page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name=name, exact=True).click()
    person.page.wait_for_load_state()


def press(page: Any, name: str) -> None:
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()


# ---------------------------------------------------------------- the applicant


def apply_from_the_catalogue(applicant: Any, who: Newcomer, course: str) -> None:
    """Signed out: the catalogue, the cohort's page, the form with a new account and a full
    scholarship asked for."""
    page = applicant.page
    applicant.go("/academy/")
    stop(applicant, "01-catalogue")
    page.get_by_role("link", name=course).click()
    page.wait_for_load_state()
    stop(applicant, "02-cohort")
    page.get_by_role("link", name="Apply to this cohort").click()
    page.wait_for_load_state()
    applicant.assert_accessible()
    page.get_by_label("Your name").fill(who.name)
    page.get_by_label("E-mail address").fill(who.email)
    page.get_by_label("Password").fill(who.password)
    page.get_by_label("Full name").fill(who.name)
    page.get_by_label("Phone (if you like)").fill(who.phone)
    page.get_by_label("Where you live (if you like)").fill(who.location)
    page.get_by_label("Links (if you like)").fill(who.link)
    page.get_by_label("Your background").fill(
        "Eight years as a theatre stage manager, three of them on productions with nudity;"
        " trained in first aid and in mental-health first aid."
    )
    page.get_by_label("Why you want to take part").fill(
        "Performers on small adult sets have nobody whose only job is their safety. I want to"
        " be that person, and to do it well."
    )
    page.get_by_label("Yes, a full scholarship (you pay nothing)").check()
    page.get_by_label("Why you ask for a scholarship").fill(
        "I work part time and could not pay the price this year."
    )
    stop(applicant, "03-apply-filled")
    press(page, "Send my application")
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    stop(applicant, "04-check-your-email")


def confirm_address_from_the_mail(applicant: Any, who: Newcomer) -> None:
    """The link in the mail we sent, opened on the same phone, and "Confirm" pressed."""
    sent = [m for m in mail.outbox if who.email in m.to]
    links = [
        found
        for message in sent
        for found in re.findall(r"https?://\S+/account/email/confirm/\S+/", str(message.body))
    ]
    assert links, [m.subject for m in sent]
    applicant.page.goto(links[-1])
    stop(applicant, "05a-confirm-address")
    press(applicant.page, "Confirm")
    expect(applicant.page.get_by_text("your e-mail address is confirmed")).to_be_visible()
    stop(applicant, "05b-address-confirmed")


def sees_status(applicant: Any, status: str, shot: str) -> None:
    menu(applicant, "My applications")
    expect(applicant.page.locator(".status-word")).to_have_text(status)
    stop(applicant, shot)


def accepts_the_offer(applicant: Any) -> None:
    page = applicant.page
    sees_status(applicant, "Offered a place", "11-offered")
    page.get_by_role("link", name="Open the offer").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Full scholarship")).to_be_visible()
    applicant.assert_accessible()
    stop(applicant, "12-offer")
    press(page, "Accept the place")
    expect(page.get_by_text("You are enrolled. Welcome!")).to_be_visible()
    stop(applicant, "13-course")


def marks_every_module_done(applicant: Any, modules: int) -> None:
    """On the course page, "I've done this" under each week, one after the other."""
    page = applicant.page
    for _ in range(modules):
        page.get_by_role("button", name="I've done this").first.click()
        page.wait_for_load_state()
    expect(page.get_by_role("button", name="I've done this")).to_have_count(0)
    expect(page.get_by_text("Done: waiting for staff to confirm")).to_be_visible()
    stop(applicant, "14-modules-done")


def downloads(applicant: Any, link: str, name: str) -> Path:
    with applicant.page.expect_download() as info:
        applicant.page.get_by_role("link", name=link).click()
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    info.value.save_as(path)
    return path


def pdf_text(path: Path) -> str:
    done = subprocess.run(  # noqa: S603 - a fixed tool on a file the test wrote
        ["/usr/bin/pdftotext", "-layout", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def lists_herself(graduate: Any, who: Newcomer) -> None:
    page = graduate.page
    menu(graduate, "Your listing")
    page.get_by_label("Name producers see").fill(who.name)
    page.get_by_label("Español (Spanish)").check()
    page.get_by_label("English", exact=True).check()
    page.get_by_label("Where you work").fill("Madrid and the south of Spain")
    page.get_by_label("Adult").check()
    page.get_by_label("Your experience").fill("Stage manager; certified by the academy.")
    page.get_by_label("Available", exact=True).check()
    stop(graduate, "20-listing-filled")
    press(page, "List me")
    expect(page.get_by_text("Producers can find you now")).to_be_visible()
    stop(graduate, "21-listed")


def accepts_the_booking(graduate: Any, production: str) -> None:
    page = graduate.page
    menu(graduate, "Booking requests")
    page.get_by_role("link", name=production).click()
    page.wait_for_load_state()
    stop(graduate, "24-booking-request")
    press(page, "Accept")
    expect(
        page.get_by_text(f"You are now the intimacy coordinator of {production}")
    ).to_be_visible()
    stop(graduate, "25-booking-accepted")


def sets_up_a_second_factor(person: Any) -> None:
    """A coordinator's role asks for an authenticator: the key typed into the app by hand, and
    the code the app then shows typed back."""
    from django_otp.oath import totp

    page = person.page
    expect(page.get_by_role("heading", name="Set up your second factor")).to_be_visible()
    secret = page.locator("figure.qr code").inner_text().strip()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.get_by_label("6-digit code").fill(f"{totp(key):06d}")
    press(page, "Confirm")
    expect(page.get_by_role("heading", name="Set up your second factor")).to_have_count(0)


# ---------------------------------------------------------------- staff and reviewers


def opens_the_cohort(staff: Any, cohort: str) -> None:
    page = staff.page
    menu(staff, "Academy")
    page.get_by_role("link", name=re.compile(re.escape(cohort))).first.click()
    page.wait_for_load_state()


def closes_applications(staff: Any, cohort: str) -> None:
    opens_the_cohort(staff, cohort)
    stop(staff, "06-staff-cohort")
    press(staff.page, "Close applications and start the review")
    expect(staff.page.get_by_text("Blind review has started.").first).to_be_visible()
    stop(staff, "07-staff-closed")


def scores_blind(reviewer: Any, handle: str, scores: dict[str, str], who: Newcomer) -> None:
    """The reviewer's list, the one application waiting, the rubric filled and sent; none of
    the applicant's identifying values on any page on the way."""
    page = reviewer.page
    menu(reviewer, "Reviews")
    assert_blind(page, who)
    page.locator("ul.cards a").first.click()
    page.wait_for_load_state()
    assert_blind(page, who)
    for criterion, value in scores.items():
        group = page.get_by_role("group", name=re.compile(rf"^{criterion}\b"))
        group.get_by_label(value, exact=True).check()
    page.get_by_label("Comment (optional)").fill("Clear, concrete experience.")
    stop(reviewer, f"08-review-{handle}")
    press(page, "Send my scores")
    expect(page.get_by_text("Thank you: your scores are in.")).to_be_visible()
    assert_blind(page, who)
    page.locator("ul.cards a").first.click()
    page.wait_for_load_state()
    assert_blind(page, who)
    stop(reviewer, f"09-review-{handle}-sent")


def assert_blind(page: Any, who: Newcomer) -> None:
    html = page.content()
    for value in who.identifying():
        assert value.lower() not in html.lower(), (value, page.url)


def computes_awards(staff: Any, cohort: str) -> None:
    page = staff.page
    opens_the_cohort(staff, cohort)
    page.get_by_role("link", name="Awards and participants").click()
    page.wait_for_load_state()
    press(page, "Compute awards")
    expect(page.get_by_text("Awards computed:")).to_be_visible()
    stop(staff, "10-awards")


def confirms_the_last_module(staff: Any, cohort: str, who: Newcomer) -> None:
    page = staff.page
    opens_the_cohort(staff, cohort)
    page.get_by_role("link", name="Awards and participants").click()
    page.wait_for_load_state()
    page.get_by_role("link", name=who.name).click()
    page.wait_for_load_state()
    stop(staff, "15-staff-participant")
    press(page, "Confirm this module")
    expect(page.get_by_text("Module confirmed.")).to_be_visible()
    stop(staff, "16-staff-confirmed")


# ---------------------------------------------------------------- outside verifiers


def published_jwks(base_url: str) -> dict[str, Any]:
    """The academy's public keys, fetched as any outsider would: plain HTTP, no cookies."""
    with urllib.request.urlopen(base_url + "/certificates/jwks.json") as response:  # noqa: S310
        assert response.status == 200
        keys: dict[str, Any] = json.loads(response.read())
    return keys


def finds_and_books(producer: Any, who: Newcomer, production: str) -> None:
    page = producer.page
    menu(producer, "Registry")
    form = page.locator("form.registry-search")
    form.get_by_label("What they coordinate").select_option(label="Adult")
    form.get_by_label("Language", exact=True).select_option("es")
    press(page, "Search")
    stop(producer, "22-producer-search")
    page.get_by_role("link", name=who.name).click()
    page.wait_for_load_state()
    page.get_by_label("Production they would coordinate").select_option(label=production)
    page.get_by_label("Message (optional)").fill("Five shoot days in June, in Seville.")
    stop(producer, "23-producer-listing")
    press(page, "Send the request")
    expect(page.get_by_text("Your request is sent")).to_be_visible()
