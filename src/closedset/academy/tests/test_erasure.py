"""An academy graduate erases their account: their answers, their listing and the name on their
certificate go; the certificate still verifies, naming nobody."""

from __future__ import annotations

from typing import Any

from django.test import Client

from closedset.academy.models import AcademyRole, Application
from closedset.accounts import services as accounts
from closedset.certificates.models import Certificate
from closedset.registry.models import Listing
from closedset.registry.tests.helpers import certify, listed


def test_an_erased_graduate_leaves_a_certificate_that_names_nobody(academy: Any) -> None:
    ana = academy.applicants["ana"]
    certificate = certify(ana, academy.cohort)
    listed(ana)
    AcademyRole.objects.create(user=ana, role=AcademyRole.Kind.REVIEWER)

    accounts.erase(ana)

    application = Application.objects.get(applicant=ana, cohort=academy.cohort)
    for field in Application.IDENTIFYING_FIELDS:
        assert "Lima" not in str(getattr(application, field))
    assert "Lima" not in application.background + application.motivation
    listing = Listing.objects.get(user=ana)
    assert listing.withdrawn_at is not None
    assert listing.display_name == "" and listing.experience == ""
    assert not AcademyRole.objects.filter(user=ana).exists()
    certificate = Certificate.objects.get(pk=certificate.pk)
    assert certificate.holder_name == "" and certificate.revoked_at is None

    page = Client().get(f"/certificates/verify/{certificate.code}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Valid" in text and "no name is shown" in text
    assert "Ana" not in text and "Lima" not in text


def test_erasing_someone_without_academy_data_changes_nothing_there(academy: Any) -> None:
    ben = academy.applicants["ben"]
    accounts.erase(academy.applicants["dana"])
    assert Application.objects.get(applicant=ben).full_name == "Ben Okafor"


def test_the_export_holds_the_academy_data_of_the_person(academy: Any) -> None:
    import json

    ana = academy.applicants["ana"]
    certificate = certify(ana, academy.cohort)
    listed(ana)
    data = json.loads(accounts.export_json(ana))
    applied = data["academy_applications"][0]
    assert applied["full_name"] == "Ana Lima" and applied["scholarship"] == "full"
    assert data["certificates"][0]["code"] == certificate.code
    assert data["registry_listing"]["display_name"]
    assert data["academy_enrolments"][0]["completed_at"]
    # Nobody else's application is in it.
    assert "Ben Okafor" not in json.dumps(data)
