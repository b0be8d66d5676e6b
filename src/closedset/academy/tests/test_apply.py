"""Applying to a cohort: signed in or not, once, before the deadline, within the limits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from closedset.academy import services
from closedset.academy.models import Application
from closedset.accounts.models import RetiredHandle, User
from closedset.conftest import verified_client
from closedset.lib.errors import Conflict, InvalidInput
from closedset.notices.models import Notice

ANSWERS = {
    "full_name": "Mara Example",
    "phone": "+420 777 000 111",
    "location": "Prague",
    "links": "https://mara.example",
    "background": "Eight years as a performer and dance captain.",
    "motivation": "I want to help others say no safely.",
    "scholarship": "",
    "scholarship_reason": "",
}


def apply_url(cohort) -> str:
    return reverse("academy:apply", args=[cohort.pk])


# --- signed in ------------------------------------------------------------------------------


def test_a_signed_in_person_applies_and_is_told(academy, world, mailoutbox):
    client = verified_client(world.mara)
    response = client.post(apply_url(academy.cohort), ANSWERS)
    assert response.status_code == 302
    assert response["Location"] == reverse("academy:mine")
    application = Application.objects.get(cohort=academy.cohort, applicant=world.mara)
    assert application.status == Application.Status.SUBMITTED
    assert application.email == world.mara.email
    assert application.full_name == "Mara Example"
    notice = Notice.objects.get(recipient=world.mara, kind="academy_application")
    assert "We have your application" in notice.body
    assert [m.to for m in mailoutbox] == [[world.mara.email]]
    assert "Submitted" in mailoutbox[0].subject
    page = client.get(reverse("academy:mine")).content.decode()
    assert application.reference in page


def test_the_form_marks_what_reviewers_never_see(academy, world):
    page = verified_client(world.mara).get(apply_url(academy.cohort)).content.decode()
    assert "Who you are: reviewers never see this" in page
    assert "Please do not write your name" in page
    assert "At most 5000 characters" in page
    # The account's address is filled in and cannot be changed here.
    assert world.mara.email in page
    assert "disabled" in page


def test_another_persons_email_is_never_used(academy, world):
    client = verified_client(world.mara)
    client.post(apply_url(academy.cohort), {**ANSWERS, "email": "jonas@example.org"})
    application = Application.objects.get(applicant=world.mara)
    assert application.email == world.mara.email


def test_the_service_refuses_an_email_that_is_not_the_accounts(academy, world):
    answers = services.ApplicationInput(**{**ANSWERS, "email": world.jonas.email})
    with pytest.raises(InvalidInput) as caught:
        services.apply(world.mara, academy.cohort.pk, answers)
    assert "e-mail address of your account" in caught.value.fields["email"]
    assert not Application.objects.filter(applicant=world.mara).exists()


def test_ana_cannot_apply_twice(academy):
    ana = academy.applicants["ana"]
    client = verified_client(ana)
    page = client.get(apply_url(academy.cohort)).content.decode()
    assert "You have applied to this cohort already" in page
    assert reverse("academy:mine") in page
    response = client.post(apply_url(academy.cohort), ANSWERS)
    assert response.status_code == 409
    assert Application.objects.filter(applicant=ana).count() == 1
    answers = services.ApplicationInput(**{**ANSWERS, "email": ana.email})
    with pytest.raises(services.AlreadyApplied):
        services.apply(ana, academy.cohort.pk, answers)


def test_no_application_after_the_deadline(academy, world):
    academy.cohort.application_deadline = timezone.now() - timedelta(seconds=1)
    academy.cohort.save()
    client = verified_client(world.mara)
    page = client.get(apply_url(academy.cohort)).content.decode()
    assert "Applications for this cohort are closed" in page
    assert '<form method="post" novalidate>' not in page
    response = client.post(apply_url(academy.cohort), ANSWERS)
    assert response.status_code == 409
    assert "closed" in response.content.decode()
    assert not Application.objects.filter(applicant=world.mara).exists()


def test_no_application_once_staff_closed_them(academy, world):
    academy.cohort.applications_closed_at = timezone.now()
    academy.cohort.save()
    answers = services.ApplicationInput(**{**ANSWERS, "email": world.mara.email})
    with pytest.raises(Conflict):
        services.apply(world.mara, academy.cohort.pk, answers)
    response = Client().post(
        apply_url(academy.cohort),
        {**ANSWERS, "name": "New", "email": "new@example.org", "password": "long password 99"},
    )
    assert response.status_code == 409
    assert not User.objects.filter(email="new@example.org").exists()


def test_a_scholarship_needs_a_reason(academy, world):
    client = verified_client(world.mara)
    response = client.post(apply_url(academy.cohort), {**ANSWERS, "scholarship": "full"})
    assert response.status_code == 422
    assert "Tell us why you ask for a scholarship" in response.content.decode()
    assert not Application.objects.filter(applicant=world.mara).exists()
    response = client.post(
        apply_url(academy.cohort),
        {**ANSWERS, "scholarship": "partial", "scholarship_reason": "I work part time."},
    )
    assert response.status_code == 302
    application = Application.objects.get(applicant=world.mara)
    assert application.scholarship == "partial"
    assert application.scholarship_reason == "I work part time."


def test_a_reason_without_a_scholarship_is_not_kept(academy, world):
    answers = services.ApplicationInput(
        **{**ANSWERS, "email": world.mara.email, "scholarship_reason": "not asked"}
    )
    application = services.apply(world.mara, academy.cohort.pk, answers)
    assert application.scholarship == "" and application.scholarship_reason == ""


def test_huge_texts_are_refused_with_the_limit(academy, world):
    client = verified_client(world.mara)
    response = client.post(
        apply_url(academy.cohort), {**ANSWERS, "motivation": "x" * (services.MAX_TEXT + 1)}
    )
    assert response.status_code == 422
    assert "at most 5000 characters" in response.content.decode()
    response = client.post(apply_url(academy.cohort), {**ANSWERS, "full_name": "N" * 201})
    assert response.status_code == 422
    assert "at most 200 characters" in response.content.decode()
    assert not Application.objects.filter(applicant=world.mara).exists()


def test_a_body_beyond_the_request_limit_is_refused_plainly(academy, world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = verified_client(world.mara).post(
        apply_url(academy.cohort), {**ANSWERS, "background": "y" * 20_000}
    )
    assert response.status_code == 413
    assert not Application.objects.filter(applicant=world.mara).exists()


def test_missing_answers_are_named(academy, world):
    response = verified_client(world.mara).post(apply_url(academy.cohort), {"scholarship": "maybe"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Tell us about your background." in page
    assert "Tell us why you want to take part." in page


def test_an_unknown_scholarship_is_refused_by_the_service(academy, world):
    answers = services.ApplicationInput(
        **{**ANSWERS, "email": world.mara.email, "scholarship": "everything"}
    )
    with pytest.raises(InvalidInput) as caught:
        services.apply(world.mara, academy.cohort.pk, answers)
    assert "scholarship" in caught.value.fields


def test_control_characters_are_dropped(academy, world):
    answers = services.ApplicationInput(
        **{**ANSWERS, "email": world.mara.email, "background": "ok\x00 \x07fine\nnext line"}
    )
    application = services.apply(world.mara, academy.cohort.pk, answers)
    assert application.background == "ok fine\nnext line"


# --- signed out: an account is made ---------------------------------------------------------

NEW = {
    **ANSWERS,
    "full_name": "Eva Nováková",
    "name": "Eva Nováková",
    "email": "Eva@Example.org",
    "password": "a long enough password 42",
}


def test_a_signed_out_person_applies_and_gets_an_account(academy, mailoutbox):
    client = Client()
    page = client.get(apply_url(academy.cohort)).content.decode()
    assert "Your account (reviewers never see this)" in page
    response = client.post(apply_url(academy.cohort), NEW)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:email_pending")
    user = User.objects.get(email="eva@example.org")
    assert user.handle == "eva-novakova"
    assert user.display_name == "Eva Nováková"
    assert user.email_verified_at is None
    assert user.check_password(NEW["password"])
    application = Application.objects.get(applicant=user)
    assert application.email == "eva@example.org"
    assert application.status == Application.Status.SUBMITTED
    # Signed in: the next page is the "check your e-mail" one.
    assert client.get(reverse("academy:mine"))["Location"] == reverse("accounts:email_pending")
    subjects = [m.subject for m in mailoutbox]
    assert len(mailoutbox) == 2  # the address to confirm, and the application received
    assert any("Submitted" in s for s in subjects)
    assert all(m.to == ["eva@example.org"] for m in mailoutbox)


def test_the_handle_is_unique_and_never_a_retired_one(academy):
    RetiredHandle.objects.create(digest=RetiredHandle.digest_of("eva-novakova"))
    User.objects.create_user(email="x@example.org", display_name="X", handle="eva-novakova-2")
    Client().post(apply_url(academy.cohort), NEW)
    assert User.objects.get(email="eva@example.org").handle == "eva-novakova-3"
    assert services.handle_from_name("!!!") == "applicant"
    assert services.handle_from_name("Ｚoë  O'Brien") == "zoe-o-brien"


def test_an_address_with_an_account_is_asked_to_log_in(academy, world):
    response = Client().post(apply_url(academy.cohort), {**NEW, "email": world.mara.email})
    assert response.status_code == 422
    assert "Log in, then apply" in response.content.decode()
    assert not Application.objects.filter(applicant=world.mara).exists()


def test_a_weak_password_makes_nothing(academy):
    response = Client().post(apply_url(academy.cohort), {**NEW, "password": "short"})
    assert response.status_code == 422
    assert not User.objects.filter(email="eva@example.org").exists()


def test_bad_answers_make_no_account(academy):
    response = Client().post(apply_url(academy.cohort), {**NEW, "background": ""})
    assert response.status_code == 422
    assert "Tell us about your background." in response.content.decode()
    assert not User.objects.filter(email="eva@example.org").exists()


def test_a_missing_name_and_password_are_named(academy):
    response = Client().post(
        apply_url(academy.cohort), {**NEW, "name": "", "full_name": "", "password": ""}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Write your name." in page
    assert "Choose a password." in page


# --- the API --------------------------------------------------------------------------------


def test_the_api_applies_for_the_signed_in_person(academy, world):
    client = verified_client(world.jonas)
    url = f"/api/v1/academy/cohorts/{academy.cohort.pk}/applications"
    body = {k: v for k, v in ANSWERS.items() if k != "email"}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "submitted"
    assert Application.objects.get(applicant=world.jonas).email == world.jonas.email
    again = client.post(url, body, content_type="application/json")
    assert again.status_code == 409
    assert "already" in again.json()["detail"]
    huge = verified_client(world.mara).post(
        url, {**body, "background": "z" * 6000}, content_type="application/json"
    )
    assert huge.status_code == 422
    assert "5000" in huge.json()["fields"]["background"]


# --- erasure --------------------------------------------------------------------------------


def test_erasing_an_applicant_leaves_no_identifying_data(academy):
    ana = academy.applicants["ana"]
    services.erase_applicant_data(ana)
    application = Application.objects.get(pk=academy.applications["ana"].pk)
    for name in Application.IDENTIFYING_FIELDS:
        value = getattr(application, name)
        assert "Ana" not in value and "ana" not in value.split("@")[0]
    assert application.phone == application.location == application.links == ""
    assert application.background == application.motivation == services.ERASED_TEXT
    assert application.scholarship_reason == ""
    assert application.status == Application.Status.SUBMITTED
    # Everybody else's stays.
    assert Application.objects.get(pk=academy.applications["ben"].pk).full_name == "Ben Okafor"
