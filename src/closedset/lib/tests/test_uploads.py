"""Imports from a page: an uploaded file is read, a too-large one is refused with a message."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from closedset.boundaries import services

pytestmark = pytest.mark.django_db

PROFILE = b"performer: mara\nboundaries:\n  - {act: kiss, direction: give, answer: yes}\n"


def test_an_uploaded_profile_is_imported(mara, client_as):
    upload = SimpleUploadedFile("mara.yaml", PROFILE)
    response = client_as("mara").post(reverse("boundaries:import"), {"upload": upload})
    assert response.status_code == 302
    profile, _ = services.my_profile(mara)
    assert profile.boundary("kiss", "give").answer == "yes"


def test_a_too_large_upload_is_refused_and_changes_nothing(mara, client_as):
    upload = SimpleUploadedFile("mara.yaml", PROFILE + b"#" * (256 * 1024))
    response = client_as("mara").post(reverse("boundaries:import"), {"upload": upload})
    assert response.status_code == 422
    assert "larger than 256 KB" in response.content.decode()
    assert services.my_profile(mara)[0].boundaries == ()


def test_a_too_large_plan_upload_is_refused(world, client_as):
    url = reverse("plans:import", args=[world.production.pk, world.scene.pk])
    upload = SimpleUploadedFile("plan.yaml", b"#" * (512 * 1024 + 1))
    response = client_as("ines").post(url, {"upload": upload})
    assert response.status_code == 422
    assert "larger than 512 KB" in response.content.decode()
