"""The applicant's offer (accept, decline), enrolment within capacity, invoices and payments."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import OperationalError, connection, connections  # noqa: F401 - skipif reads connection
from django.test import Client
from django.utils import timezone

from closedset.academy import enrolment
from closedset.academy.models import Application, Enrolment, Invoice, Offer, Payment
from closedset.academy.tests.test_enrolment_helpers import (
    accepted,
    awarded,
    offer_of,
    status_of,
)
from closedset.conftest import verified_client
from closedset.lib.errors import InvalidInput, NotFound, database_busy
from closedset.onset.tests.test_closure import pdf_text

OFFER = "/academy/learn/offers/{}/"
API = "/api/v1/academy/learn"


def _year() -> int:
    return timezone.localdate().year


# ---------------------------------------------------------------- the offer page


def test_the_offer_in_words(academy, monkeypatch):
    awarded(monkeypatch, academy)
    chen = verified_client(academy.applicants["chen"])
    offer = offer_of(academy, "chen")
    page = chen.get(OFFER.format(offer.pk)).content.decode()
    assert "A place with a partial scholarship" in page
    assert "You pay 450.00 EUR." in page
    assert "less 50%" in page
    assert f"{offer.expires_at.astimezone(timezone.get_current_timezone()).year}" in page
    assert "Accept the place" in page and "Decline" in page
    ana = verified_client(academy.applicants["ana"])
    page = ana.get(OFFER.format(offer_of(academy, "ana").pk)).content.decode()
    assert "costs you nothing" in page
    ben = verified_client(academy.applicants["ben"])
    assert (
        "You pay 900.00 EUR." in ben.get(OFFER.format(offer_of(academy, "ben").pk)).content.decode()
    )


@pytest.mark.parametrize("who", ["ben", "dana", "sam", "rhea"])
def test_nobody_else_sees_or_answers_an_offer(academy, monkeypatch, who):
    awarded(monkeypatch, academy)
    user = {"sam": academy.staff, "rhea": academy.reviewers[0]}.get(who) or academy.applicants[who]
    client = verified_client(user)
    offer = offer_of(academy, "ana")
    assert client.get(OFFER.format(offer.pk)).status_code == 404
    for decision in ("accept", "decline", "maybe"):
        assert client.post(OFFER.format(offer.pk), {"decision": decision}).status_code == 404
    assert client.get(f"{API}/offers/{offer.pk}").status_code == 404
    assert client.post(f"{API}/offers/{offer.pk}/accept").status_code == 404
    assert client.post(f"{API}/offers/{offer.pk}/decline").status_code == 404
    assert offer_of(academy, "ana").is_open
    assert not Enrolment.objects.exists()


def test_an_unknown_offer_is_not_found(academy, monkeypatch):
    ana = verified_client(academy.applicants["ana"])
    assert ana.get(OFFER.format(987654)).status_code == 404
    with pytest.raises(NotFound):
        enrolment.accept_offer(academy.applicants["ana"], 2**70)


def test_accepting_enrols_with_an_invoice(academy, monkeypatch):
    awarded(monkeypatch, academy)
    chen = verified_client(academy.applicants["chen"])
    offer = offer_of(academy, "chen")
    response = chen.post(OFFER.format(offer.pk), {"decision": "accept"})
    enrolled = Enrolment.objects.get(user=academy.applicants["chen"])
    assert response.status_code == 302
    assert response["Location"] == f"/academy/learn/{enrolled.pk}/"
    assert enrolled.amount_due == Decimal("450.00") and enrolled.currency == "EUR"
    assert enrolled.offer_id == offer.pk
    assert enrolled.invoice.number == f"CS-{_year()}-0001"
    assert enrolled.invoice.amount == Decimal("450.00")
    assert status_of(academy, "chen") == "enrolled"
    # The next invoice takes the next number; a full scholarship owes nothing.
    ana = accepted(academy, "ana")
    assert ana.amount_due == Decimal("0.00")
    assert ana.invoice.number == f"CS-{_year()}-0002"
    ben = accepted(academy, "ben")
    assert ben.amount_due == Decimal("900.00")
    # Accepting again changes nothing.
    again = chen.post(OFFER.format(offer.pk), {"decision": "accept"})
    assert again.status_code == 302
    assert Enrolment.objects.count() == 3 and Invoice.objects.count() == 3
    page = chen.get(OFFER.format(offer.pk)).content.decode()
    assert "You accepted this place." in page


def test_invoice_numbers_follow_on_from_the_years_last(academy, monkeypatch):
    awarded(monkeypatch, academy)
    ana = accepted(academy, "ana")
    Invoice.objects.filter(enrolment=ana).update(number=f"CS-{_year()}-0041")
    assert accepted(academy, "ben").invoice.number == f"CS-{_year()}-0042"


def test_declining_from_the_page(academy, monkeypatch):
    awarded(monkeypatch, academy)
    ben = verified_client(academy.applicants["ben"])
    offer = offer_of(academy, "ben")
    response = ben.post(OFFER.format(offer.pk), {"decision": "decline"}, follow=True)
    assert "You declined the offer" in response.content.decode()
    assert status_of(academy, "ben") == "declined"
    # Declined is final: accepting now is refused in words.
    response = ben.post(OFFER.format(offer.pk), {"decision": "accept"}, follow=True)
    assert "You declined this offer already." in response.content.decode()
    assert not Enrolment.objects.filter(user=academy.applicants["ben"]).exists()


def test_declining_after_accepting_is_refused(academy, monkeypatch):
    awarded(monkeypatch, academy)
    offer = offer_of(academy, "ana")
    accepted(academy, "ana")
    client = verified_client(academy.applicants["ana"])
    response = client.post(OFFER.format(offer.pk), {"decision": "decline"}, follow=True)
    assert "You accepted this offer already." in response.content.decode()
    assert status_of(academy, "ana") == "enrolled"


def test_an_offer_past_its_end_cannot_be_accepted(academy, monkeypatch):
    awarded(monkeypatch, academy)
    offer = offer_of(academy, "ben")
    Offer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    client = verified_client(academy.applicants["ben"])
    response = client.post(OFFER.format(offer.pk), {"decision": "accept"}, follow=True)
    assert "This offer has ended." in response.content.decode()
    assert not Enrolment.objects.exists()
    assert status_of(academy, "ben") == "declined"


def test_a_decision_that_is_neither_is_refused(academy, monkeypatch):
    awarded(monkeypatch, academy)
    offer = offer_of(academy, "ana")
    client = verified_client(academy.applicants["ana"])
    for body in ({"decision": "maybe"}, {}):
        response = client.post(OFFER.format(offer.pk), body)
        assert response.status_code == 422
        assert "Choose to accept or to decline" in response.content.decode()
    assert offer_of(academy, "ana").is_open


def _more_offers_than_places(academy) -> list[Offer]:
    """All four applicants hold open paid offers for a cohort of three (e.g. staff cut the
    capacity after the offers went out)."""
    offers = []
    for application in academy.applications.values():
        offers.append(
            Offer.objects.create(
                application=application, kind="paid", expires_at=timezone.now() + timedelta(days=7)
            )
        )
        Application.objects.filter(pk=application.pk).update(status="offered")
    academy.cohort.awards_computed_at = timezone.now()
    academy.cohort.save(update_fields=["awards_computed_at"])
    return offers


def test_a_late_acceptor_beyond_capacity_goes_to_the_waiting_list(academy):
    offers = _more_offers_than_places(academy)
    for offer in offers[:3]:
        enrolment.accept_offer(offer.application.applicant, offer.pk)
    dana = verified_client(academy.applicants["dana"])
    response = dana.post(OFFER.format(offers[3].pk), {"decision": "accept"}, follow=True)
    assert "the last place was taken" in response.content.decode()
    assert Enrolment.objects.count() == 3
    assert status_of(academy, "dana") == "waitlisted"
    assert not Offer.objects.get(pk=offers[3].pk).is_open


def test_a_late_acceptor_by_api_hears_why(academy):
    offers = _more_offers_than_places(academy)
    for offer in offers[:3]:
        enrolment.accept_offer(offer.application.applicant, offer.pk)
    response = verified_client(academy.applicants["dana"]).post(
        f"{API}/offers/{offers[3].pk}/accept"
    )
    assert response.status_code == 409
    assert "waiting list" in response.json()["detail"]
    # Said as a refusal, but done: Dana is on the waiting list.
    assert status_of(academy, "dana") == "waitlisted"


def _all_at_once(jobs: dict[int, Callable[[], Any]]) -> dict[int, object]:
    """Run the jobs at the same moment, each on its own thread and database connection; each
    result is its return value or the error it met."""
    start = threading.Barrier(len(jobs))
    outcomes: dict[int, object] = {}

    def work(key: int, job: Callable[[], Any]) -> None:
        try:
            start.wait()
            outcomes[key] = job()
        except BaseException as error:  # noqa: BLE001 - reported to the test
            outcomes[key] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=item) for item in jobs.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _three_enrolled_one_waiting(academy: Any) -> None:
    assert Enrolment.objects.filter(cohort=academy.cohort).count() == 3
    statuses = sorted(Application.objects.values_list("status", flat=True))
    assert statuses == ["enrolled", "enrolled", "enrolled", "waitlisted"]
    numbers = list(Invoice.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 3


@pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="concurrent requests need PostgreSQL: the SQLite test database is one in-memory "
    "file whose table locks turn simultaneous requests away instead of making them wait "
    "(the service-level race below runs on SQLite too)",
)
@pytest.mark.django_db(transaction=True)
def test_pg_concurrent_acceptance_requests_never_exceed_capacity(academy):
    """Four applicants press accept at the same moment for three places, each request on its
    own database connection. The cohort row is locked while enrolments are counted, so three
    are enrolled and the fourth is put on the waiting list."""
    offers = _more_offers_than_places(academy)
    clients = {offer.pk: verified_client(offer.application.applicant) for offer in offers}

    def accept(offer_id: int) -> Callable[[], Any]:
        return lambda: clients[offer_id].post(OFFER.format(offer_id), {"decision": "accept"})

    outcomes = _all_at_once({offer.pk: accept(offer.pk) for offer in offers})
    assert all(getattr(r, "status_code", None) == 302 for r in outcomes.values()), outcomes
    _three_enrolled_one_waiting(academy)
    waiting = Application.objects.get(status="waitlisted")
    refused = outcomes[Offer.objects.get(application=waiting).pk]
    assert refused["Location"].startswith("/academy/learn/offers/")


@pytest.mark.django_db(transaction=True)
def test_concurrent_acceptances_never_exceed_capacity(academy):
    """The same race at the service, on any database (a busy SQLite is tried again, as a
    person would tap again)."""
    offers = _more_offers_than_places(academy)

    def accept(offer: Offer) -> Callable[[], Any]:
        def job() -> Any:
            for _attempt in range(300):
                try:
                    return enrolment.accept_offer(offer.application.applicant, offer.pk)
                except OperationalError as error:
                    if not database_busy(error):
                        raise
                    time.sleep(0.01)
            raise AssertionError("the database stayed busy")

        return job

    outcomes = _all_at_once({offer.pk: accept(offer) for offer in offers})
    kinds = sorted(
        "enrolled" if getattr(r, "enrolment", None) else getattr(r, "message", repr(r))[:20]
        for r in outcomes.values()
    )
    assert kinds == ["Sorry, the last plac", "enrolled", "enrolled", "enrolled"], outcomes
    _three_enrolled_one_waiting(academy)


# ---------------------------------------------------------------- the API


def test_my_offers_by_api(academy, monkeypatch):
    awarded(monkeypatch, academy)
    ana = verified_client(academy.applicants["ana"])
    offers = ana.get(f"{API}/offers").json()
    assert [o["kind"] for o in offers] == ["full"]
    assert offers[0]["price"] == "0.00" and offers[0]["state"] == "open"
    # Dana is waiting: no offers. A reviewer has none either.
    assert verified_client(academy.applicants["dana"]).get(f"{API}/offers").json() == []
    assert verified_client(academy.reviewers[0]).get(f"{API}/offers").json() == []
    response = ana.post(f"{API}/offers/{offers[0]['id']}/accept")
    assert response.status_code == 200
    assert response.json()["invoice"]["number"] == f"CS-{_year()}-0001"
    ben = verified_client(academy.applicants["ben"])
    ben_offer = ben.get(f"{API}/offers").json()[0]
    declined = ben.post(f"{API}/offers/{ben_offer['id']}/decline").json()
    assert declined["state"] == "declined"
    assert offer_of(academy, "dana").kind == "paid"


# ---------------------------------------------------------------- invoice and payments


def test_the_invoice_pdf(academy, monkeypatch, settings):
    settings.CLOSEDSET_ACADEMY_NAME = "Harbour Academy"
    awarded(monkeypatch, academy)
    chen = accepted(academy, "chen")
    enrolment.record_payment(
        academy.staff, chen.pk, amount="100.00", received_on="2026-01-05", reference="BANK-7"
    )
    url = f"/academy/learn/{chen.pk}/invoice.pdf"
    for user in (academy.applicants["chen"], academy.staff):
        response = verified_client(user).get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
    text = pdf_text(verified_client(academy.applicants["chen"]).get(url).content)
    for expected in (
        "Harbour Academy",
        chen.invoice.number,
        "Chen Wei",
        "Spring 2027",
        "450.00 EUR",
        "100.00 EUR",
        "350.00 EUR",
        "BANK-7",
    ):
        assert expected in text, expected
    czech = pdf_text(verified_client(academy.applicants["chen"]).get(url + "?lang=cs").content)
    assert chen.invoice.number in czech


@pytest.mark.parametrize("who", ["ana", "ben", "rhea"])
def test_nobody_else_downloads_an_invoice(academy, monkeypatch, who):
    awarded(monkeypatch, academy)
    chen = accepted(academy, "chen")
    accepted(academy, "ana")
    user = academy.reviewers[0] if who == "rhea" else academy.applicants[who]
    assert verified_client(user).get(f"/academy/learn/{chen.pk}/invoice.pdf").status_code == 404


def test_staff_record_a_payment(academy, monkeypatch):
    awarded(monkeypatch, academy)
    ben = accepted(academy, "ben")
    sam = verified_client(academy.staff)
    page = f"/academy/learn/staff/enrolments/{ben.pk}/"
    assert sam.get(page).status_code == 200
    response = sam.post(
        f"{page}payments/", {"amount": "400,50", "received_on": "2026-01-05", "reference": "X1"}
    )
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert payment.amount == Decimal("400.50") and payment.recorded_by == academy.staff
    text = sam.get(page).content.decode()
    assert "still to pay 499.50 EUR" in text
    api = sam.post(
        f"{API}/staff/enrolments/{ben.pk}/payments",
        {"amount": "499.50", "received_on": timezone.localdate().isoformat()},
        content_type="application/json",
    )
    assert api.status_code == 201
    assert api.json()["balance"] == "0.00"


@pytest.mark.parametrize(
    "amount,day,reference,field,words",
    [
        ("0", "2026-01-05", "", "amount", "more than zero"),
        ("-5", "2026-01-05", "", "amount", "more than zero"),
        ("abc", "2026-01-05", "", "amount", "as a number"),
        ("NaN", "2026-01-05", "", "amount", "as a number"),
        ("1.234", "2026-01-05", "", "amount", "two decimals"),
        ("1e30", "2026-01-05", "", "amount", "two decimals"),
        ("950", "2026-01-05", "", "amount", "more than is still owed"),
        ("10", "yesterday", "", "received_on", "like 2026-11-26"),
        ("10", "", "", "received_on", "like 2026-11-26"),
        ("10", "2999-01-01", "", "received_on", "cannot be in the future"),
        ("10", "2026-01-05", "x" * 101, "reference", "100 characters"),
    ],
)
def test_a_payment_that_makes_no_sense_is_refused(
    academy, monkeypatch, amount, day, reference, field, words
):
    awarded(monkeypatch, academy)
    ben = accepted(academy, "ben")
    sam = verified_client(academy.staff)
    body = {"amount": amount, "received_on": day, "reference": reference}
    response = sam.post(f"/academy/learn/staff/enrolments/{ben.pk}/payments/", body)
    assert response.status_code == 422
    assert words in response.content.decode()
    api = sam.post(
        f"{API}/staff/enrolments/{ben.pk}/payments", body, content_type="application/json"
    )
    assert api.status_code == 422
    assert words in api.json()["fields"][field]
    with pytest.raises(InvalidInput):
        enrolment.record_payment(
            academy.staff, ben.pk, amount=amount, received_on=day, reference=reference
        )
    assert not Payment.objects.exists()


@pytest.mark.parametrize("who", ["ben", "rhea"])
def test_only_staff_record_payments(academy, monkeypatch, who):
    awarded(monkeypatch, academy)
    ben = accepted(academy, "ben")
    user = academy.reviewers[0] if who == "rhea" else academy.applicants["ben"]
    client = verified_client(user)
    body = {"amount": "10", "received_on": "2026-01-05"}
    page = f"/academy/learn/staff/enrolments/{ben.pk}/"
    assert client.get(page).status_code == 404
    assert client.post(f"{page}payments/", body).status_code == 404
    api = client.post(
        f"{API}/staff/enrolments/{ben.pk}/payments", body, content_type="application/json"
    )
    assert api.status_code == 404
    assert not Payment.objects.exists()


def test_anonymous_is_sent_to_log_in(academy, monkeypatch):
    awarded(monkeypatch, academy)
    offer = offer_of(academy, "ana")
    response = Client().get(OFFER.format(offer.pk))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert Client().get(f"{API}/offers").status_code == 401
