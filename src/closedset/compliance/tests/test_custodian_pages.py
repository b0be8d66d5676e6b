"""The custodian's records and clearances pages, without dead ends."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from closedset.compliance import services
from closedset.compliance.models import IdentityRecord
from closedset.compliance.tests.helpers import (
    call_on,
    clear,
    future_day,
    plan_scene,
    ready_scene,
    record_input,
    verified_record,
)

pytestmark = pytest.mark.django_db


def _form(**changes):
    data = {
        "performer": "mara",
        "legal_name": "Marianne Kowalczyk",
        "date_of_birth": "1995-05-17",
        "other_names": "Mara Star",
        "document_type": "passport",
        "document_number": "X9Q4471208",
        "document_issuer": "Poland",
        "document_expiry": future_day(700).isoformat(),
    }
    data.update(changes)
    return data


def test_the_list_offers_only_performers_without_a_record(world, client_as):
    verified_record(world, "mara", date(1995, 5, 17))
    text = client_as("cora").get(f"/compliance/{world.production.pk}/records/new/").content
    assert b'value="jonas"' in text and b'value="mara"' not in text


def test_a_second_record_links_to_the_one_that_exists(world, client_as):
    record = verified_record(world, "mara", date(1995, 5, 17))
    base = f"/compliance/{world.production.pk}/records/"
    response = client_as("cora").post(base + "new/", _form())
    assert response.status_code == 409
    text = response.content.decode()
    assert f'href="{base}{record.pk}/"' in text and "Open the record that exists" in text
    assert IdentityRecord.objects.count() == 1


def test_when_everyone_has_a_record_the_page_says_so(world, client_as):
    for handle in ("mara", "jonas"):
        verified_record(world, handle, date(1995, 5, 17))
    text = client_as("cora").get(f"/compliance/{world.production.pk}/records/new/").content
    assert b"has a record already" in text


def test_a_future_test_date_says_what_is_wrong_and_what_to_do(world, client_as):
    url = f"/compliance/{world.production.pk}/clearances/"
    response = client_as("cora").post(
        url, {"performer": "jonas", "cleared": "yes", "tested_on": future_day(2).isoformat()}
    )
    assert response.status_code == 422
    assert "That date is in the future: write the day the test was taken." in (
        response.content.decode()
    )
    with pytest.raises(services.InvalidInput) as caught:
        clear(world, "jonas", future_day(1))
    assert caught.value.message == services.FUTURE_TEST


def test_clearances_show_every_result_newest_first(world, client_as):
    today = timezone.localdate()
    clear(world, "mara", today - timedelta(days=20), cleared=False)
    clear(world, "mara", today - timedelta(days=2))
    text = client_as("cora").get(f"/compliance/{world.production.pk}/clearances/").content.decode()
    newer = f"Tested {(today - timedelta(days=2)).day} {(today - timedelta(days=2)):%B %Y}"
    older = f"Tested {(today - timedelta(days=20)).day} {(today - timedelta(days=20)):%B %Y}"
    assert newer in text and older in text
    assert text.index(newer) < text.index(older)


def test_clearances_show_validity_for_the_shoot_day(world, client_as):
    ready_scene(world)  # tested today: valid for 14 days
    day = future_day(3)
    services.schedule(world.ines, world.scene, call_on(day))
    text = client_as("cora").get(f"/compliance/{world.production.pk}/clearances/").content.decode()
    assert f"shoot on {day.day} {day:%B %Y}: valid for that day" in text
    histories = services.clearance_histories(world.cora, world.organisation)
    assert [len(h.shoots) for h in histories] == [1, 1]


def test_a_shoot_day_beyond_the_clearance_says_not_valid(world):
    ready_scene(world)
    services.schedule(world.ines, world.scene, call_on(future_day(12)))
    services.update_settings(world.petra, world.production, notice_hours=24, clearance_valid_days=5)
    [jonas, mara] = services.clearance_histories(world.cora, world.organisation)
    assert jonas.valid_today and not jonas.shoots[0].valid


def test_the_records_list_does_not_repeat_a_name(world, client_as):
    services.add_record(
        world.cora,
        world.organisation,
        "jonas",
        record_input("jonas", date(1990, 1, 1), legal_name="Jonas", other_names=["Jonas"]),
    )
    text = client_as("cora").get(f"/compliance/{world.production.pk}/records/").content.decode()
    assert ">Jonas</a>" in text
    assert "(Jonas" not in text and "also Jonas" not in text


def test_the_records_list_shows_names_that_differ(world, client_as):
    verified_record(world, "mara", date(1995, 5, 17))
    text = client_as("cora").get(f"/compliance/{world.production.pk}/records/").content.decode()
    assert "(Mara; also Mara Star)" in text


def test_records_are_found_by_the_production_a_performer_is_cast_in(world, client_as):
    plan_scene(world)  # casts Mara and Jonas in scene 12B of Harbour Lights
    for handle in ("mara", "jonas"):
        verified_record(world, handle, date(1995, 5, 17))
    found = services.search_records(world.cora, world.organisation, "harbour")
    assert {view.performer.handle for view in found} == {"mara", "jonas"}
    text = (
        client_as("cora")
        .get(f"/compliance/{world.production.pk}/records/?q=harbour lights")
        .content.decode()
    )
    assert "Marianne Kowalczyk" in text and "Jonas Ruprecht" in text
    assert services.search_records(world.cora, world.organisation, "no such film") == []
