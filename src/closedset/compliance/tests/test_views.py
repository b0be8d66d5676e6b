"""The compliance pages and API as people use them."""

from __future__ import annotations

import base64
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from closedset.compliance import services
from closedset.compliance.models import IdentityRecord, Schedule
from closedset.compliance.tests.helpers import (
    PNG,
    call_on,
    clear,
    consent_all,
    future_day,
    mark_final,
    plan_scene,
    ready_scene,
    verified_record,
)

pytestmark = pytest.mark.django_db


def _form(**changes):
    data = {
        "performer": "mara",
        "legal_name": "Marianne Kowalczyk",
        "date_of_birth": "1995-05-17",
        "other_names": "Mara Star\nM. K.",
        "document_type": "passport",
        "document_number": "X9Q4471208",
        "document_issuer": "Poland",
        "document_expiry": future_day(700).isoformat(),
    }
    data.update(changes)
    return data


def test_the_custodian_adds_a_record_with_a_photo_and_verifies_it(world, client_as):
    client = client_as("cora")
    base = f"/compliance/{world.production.pk}/records/"
    page = client.get(base + "new/")
    assert "Only you, the custodian of records, can see this." in page.content.decode()
    photo = SimpleUploadedFile("id.png", PNG, content_type="image/png")
    response = client.post(base + "new/", _form(document=photo))
    assert response.status_code == 302
    record = IdentityRecord.objects.get()
    assert record.document_content_type == "image/png" and not record.verified
    response = client.post(f"{base}{record.pk}/verify/")
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.verified and record.checked_by == world.cora
    copy = client.get(f"{base}{record.pk}/document/")
    assert copy.content == PNG and copy["Cache-Control"] == "no-store"
    listing = client.get(base + "?q=mara star").content.decode()
    assert "Marianne Kowalczyk" in listing and "verified" in listing


def test_a_wrong_file_says_what_to_do(world, client_as):
    client = client_as("cora")
    fake = SimpleUploadedFile("id.png", b"GIF89a not a png", content_type="image/png")
    response = client.post(f"/compliance/{world.production.pk}/records/new/", _form(document=fake))
    assert response.status_code == 422
    assert "Upload a photo (PNG or JPEG) or a PDF" in response.content.decode()
    # Nothing half-saved: the record waits for a good file.
    assert not IdentityRecord.objects.exists()


def test_bad_fields_are_marked(world, client_as):
    client = client_as("cora")
    response = client.post(
        f"/compliance/{world.production.pk}/records/new/",
        _form(date_of_birth=future_day(2).isoformat(), document_number=""),
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert "in the future" in text and "Write the document number." in text


def test_verify_without_a_copy_explains(world, client_as):
    client = client_as("cora")
    client.post(f"/compliance/{world.production.pk}/records/new/", _form())
    record = IdentityRecord.objects.get()
    response = client.post(
        f"/compliance/{world.production.pk}/records/{record.pk}/verify/", follow=True
    )
    assert "Upload a copy of the document first" in response.content.decode()


def test_the_custodian_records_a_clearance(world, client_as):
    client = client_as("cora")
    url = f"/compliance/{world.production.pk}/clearances/"
    response = client.post(
        url,
        {"performer": "jonas", "cleared": "yes", "tested_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    assert "valid today" in client.get(url).content.decode()
    future = client.post(
        url, {"performer": "jonas", "cleared": "no", "tested_on": future_day(2).isoformat()}
    )
    assert future.status_code == 422
    assert "the day the test was taken" in future.content.decode()


def test_schedule_page_in_the_two_audiences(world, client_as):
    version = plan_scene(world)
    mark_final(world, version)
    consent_all(world)
    url = f"/compliance/{world.production.pk}/scenes/{world.scene.pk}/"
    ines = client_as("ines").get(url).content.decode()
    assert "Mara: no identity record yet" in ines
    for who in ("petra", "dario"):
        text = client_as(who).get(url).content.decode()
        assert "not cleared" in text and "talk to the coordinator" in text
        assert "identity record yet" not in text and "clearance for" not in text
    call = f"{future_day(3).isoformat()}T09:00"
    refused = client_as("petra").post(url, {"call_at": call})
    assert refused.status_code == 409
    assert "not cleared. Talk to the coordinator." in refused.content.decode()
    assert "Mara" not in refused.content.decode().split("<main")[1].split("Only the custodian")[0]
    for handle in ("mara", "jonas"):
        verified_record(world, handle, date(1990, 1, 1))
        clear(world, handle, timezone.localdate())
    assert client_as("petra").post(url, {"call_at": call}).status_code == 302
    assert Schedule.objects.get().call_at == call_on(future_day(3))


def test_performer_page_says_yes_or_not_yet(world, client_as):
    ready_scene(world)
    url = f"/compliance/{world.production.pk}/scenes/{world.scene.pk}/"
    assert "<strong>not yet</strong>" in client_as("mara").get(url).content.decode()
    services.schedule(world.ines, world.scene, call_on(future_day(3)))
    text = client_as("mara").get(url).content.decode()
    assert "<strong>yes</strong>" in text
    assert str(future_day(3).year) not in text.split("<main")[1].split("</main>")[0]
    overview = client_as("jonas").get(f"/compliance/{world.production.pk}/").content.decode()
    assert "<strong>yes</strong>" in overview


def test_producer_holds_and_lifts(world, client_as):
    ready_scene(world)
    client = client_as("petra")
    base = f"/compliance/{world.production.pk}/"
    assert client.post(base + "hold/", {"on": "yes"}).status_code == 302
    assert services.hold_on(world.production)
    assert "A hold is on" in client.get(base).content.decode()
    url = f"{base}scenes/{world.scene.pk}/"
    call = f"{future_day(3).isoformat()}T09:00"
    assert client.post(url, {"call_at": call}).status_code == 409
    client.post(base + "hold/", {"on": "no"})
    assert client.post(url, {"call_at": call}).status_code == 302


def test_api_records_and_errors(world, client_as):
    client = client_as("cora")
    base = f"/api/v1/compliance/{world.production.pk}/records"
    data = {**_form(), "other_names": ["Mara Star"]}
    made = client.post(base, data, content_type="application/json")
    assert made.status_code == 200, made.json()
    record_id = made.json()["id"]
    again = client.post(base, data, content_type="application/json")
    assert again.status_code == 409
    assert set(again.json()) == {"detail", "fields"}
    bad = client.put(
        f"{base}/{record_id}/document",
        {"content_base64": base64.b64encode(b"<svg/>").decode()},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "document" in bad.json()["fields"]
    good = client.put(
        f"{base}/{record_id}/document",
        {"content_base64": base64.b64encode(PNG).decode()},
        content_type="application/json",
    )
    assert good.json()["has_document"] is True
    assert client.post(f"{base}/{record_id}/verify").json()["verified"] is True
    missing = client.get(f"{base}/999999")
    assert missing.status_code == 404 and missing.json()["detail"] == "No such record."


def test_api_gate_and_schedule(world, client_as):
    ready_scene(world)
    base = f"/api/v1/compliance/{world.production.pk}/scenes/{world.scene.pk}"
    services.set_hold(world.petra, world.production, on=True)
    ines = client_as("ines").get(base + "/gate").json()
    assert ines["passed"] is False and any("hold" in w for w in ines["words"])
    # The producer's own hold is named to her: it says nothing about any performer.
    petra = client_as("petra").get(base + "/gate").json()
    assert petra["words"] == [services.HOLD_REASON]
    dario = client_as("dario").get(base + "/gate").json()
    assert dario["words"] == [services.NOT_CLEARED]
    call = {"call_at": call_on(future_day(3)).isoformat()}
    refused = client_as("petra").put(base + "/schedule", call, content_type="application/json")
    assert refused.status_code == 409 and "hold is on" in refused.json()["detail"]
    services.set_hold(world.petra, world.production, on=False)
    done = client_as("petra").put(base + "/schedule", call, content_type="application/json")
    assert done.status_code == 200 and done.json()["passed"] is True
    mine = client_as("mara").get(base + "/co-performers").json()
    assert mine == {"testing": True, "scheduled": True, "everyone_cleared": True}


def test_another_companys_custodian_gets_not_found(world, client_as):
    from closedset.accounts.models import User
    from closedset.productions.models import Membership

    olga = User.objects.create_user(
        email="olga@example.org",
        display_name="Olga",
        handle="olga",
        password=None,
        email_verified_at=timezone.now(),
    )
    Membership.objects.create(user=olga, production=world.other_production, role="custodian")
    record = verified_record(world, "mara", date(1990, 1, 1))
    client = client_as(olga)
    pid = world.production.pk
    for url in (
        f"/compliance/{pid}/records/",
        f"/compliance/{pid}/records/{record.pk}/",
        f"/compliance/{pid}/records/{record.pk}/document/",
        f"/api/v1/compliance/{pid}/records/{record.pk}",
        f"/api/v1/compliance/{pid}/records?q=mar",
    ):
        assert client.get(url).status_code == 404, url
    # Through her own production the record is simply not there.
    own = world.other_production.pk
    assert client.get(f"/compliance/{own}/records/{record.pk}/").status_code == 404
    assert client.get(f"/api/v1/compliance/{own}/records/{record.pk}").status_code == 404
    assert client.get(f"/api/v1/compliance/{own}/records").json() == []
