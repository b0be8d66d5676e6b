"""JSON API for offers, enrolments and progress, mounted at /api/v1/academy/learn/ by
closedset.api. The same services as the pages (academy/enrolment.py): each person sees their
own offers and enrolments; academy staff compute awards, confirm modules and record payments;
to everyone else those do not exist."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja import Status as NinjaStatus

from closedset.academy import enrolment as services
from closedset.academy.models import Enrolment, Invoice, Offer
from closedset.academy.roles import api_user
from closedset.lib.errors import Conflict

router = Router(tags=["academy: offers and enrolment"])


def _user(request: HttpRequest) -> Any:
    return api_user(request)


def offer_json(offer: Offer) -> dict[str, Any]:
    cohort = offer.application.cohort
    return {
        "id": offer.pk,
        "application": offer.application.reference,
        "course": cohort.course.title,
        "cohort": cohort.name,
        "kind": offer.kind,
        "kind_label": str(offer.get_kind_display()),
        "price": str(services.amount_for(cohort, offer.kind)),
        "currency": cohort.currency,
        "expires_at": offer.expires_at.isoformat(),
        "state": services.offer_state(offer),
    }


def enrolment_json(enrolment: Enrolment) -> dict[str, Any]:
    invoice = Invoice.objects.filter(enrolment=enrolment).first()
    return {
        "id": enrolment.pk,
        "course": enrolment.cohort.course.title,
        "cohort": enrolment.cohort.name,
        "kind": enrolment.offer.kind,
        "amount_due": str(enrolment.amount_due),
        "currency": enrolment.currency,
        "enrolled_at": enrolment.enrolled_at.isoformat(),
        "completed_at": enrolment.completed_at.isoformat() if enrolment.completed_at else None,
        "invoice": (
            {
                "number": invoice.number,
                "amount": str(invoice.amount),
                "paid": str(services.paid_total(invoice)),
                "balance": str(services.balance(invoice)),
            }
            if invoice
            else None
        ),
        "modules": [
            {
                "id": view.module.pk,
                "week": view.module.week,
                "title": view.module.title,
                "needs_confirmation": view.module.needs_confirmation,
                "done": view.done,
                "waiting_for_staff": view.waiting,
                "complete": view.complete,
            }
            for view in services.modules_of(enrolment)
        ],
    }


class PaymentIn(Schema):
    amount: str
    received_on: str
    reference: str = ""


@router.get("/offers", summary="My offers, newest first (ended ones too)")
def list_offers(request: HttpRequest) -> list[dict[str, Any]]:
    return [offer_json(offer) for offer in services.my_offers(_user(request))]


@router.get("/offers/{offer_id}", summary="One of my offers")
def get_offer(request: HttpRequest, offer_id: int) -> dict[str, Any]:
    return offer_json(services.offer_for_reading(_user(request), offer_id))


@router.post("/offers/{offer_id}/accept", summary="Accept my offer: enrols me, with an invoice")
def accept(request: HttpRequest, offer_id: int) -> dict[str, Any]:
    acceptance = services.accept_offer(_user(request), offer_id)
    if acceptance.enrolment is None:
        # Committed: the applicant is on the waiting list now; say so as a conflict.
        raise Conflict(acceptance.message)
    return enrolment_json(acceptance.enrolment)


@router.post("/offers/{offer_id}/decline", summary="Decline my offer: the place passes on")
def decline(request: HttpRequest, offer_id: int) -> dict[str, Any]:
    return offer_json(services.decline_offer(_user(request), offer_id))


@router.get("/enrolments", summary="My enrolments with my progress")
def list_enrolments(request: HttpRequest) -> list[dict[str, Any]]:
    return [enrolment_json(e) for e in services.my_enrolments(_user(request))]


@router.get("/enrolments/{enrolment_id}", summary="One of my enrolments with my progress")
def get_enrolment(request: HttpRequest, enrolment_id: int) -> dict[str, Any]:
    return enrolment_json(services.own_enrolment(_user(request), enrolment_id))


@router.post(
    "/enrolments/{enrolment_id}/modules/{module_id}/done",
    summary="Mark a module of my course done",
)
def done(request: HttpRequest, enrolment_id: int, module_id: int) -> dict[str, Any]:
    user = _user(request)
    services.mark_done(user, enrolment_id, module_id)
    return enrolment_json(services.own_enrolment(user, enrolment_id))


@router.get("/staff/cohorts/{cohort_id}/awards", summary="Staff: the cohort's ranking and awards")
def get_awards(request: HttpRequest, cohort_id: int) -> dict[str, Any]:
    cohort = services.staff_cohort(_user(request), cohort_id)
    services.sweep_offers(cohort)
    cohort.refresh_from_db()
    return _awards_json(cohort)


def _awards_json(cohort: Any) -> dict[str, Any]:
    return {
        "cohort": cohort.pk,
        "computed_at": cohort.awards_computed_at.isoformat() if cohort.awards_computed_at else None,
        "tie_rule": str(services.TIE_RULE),
        "ranking": [
            {
                "position": row.position,
                "application": row.application.reference,
                "score": str(row.score),
                "scholarship": row.application.scholarship,
                "submitted_at": row.application.submitted_at.isoformat(),
                "award": row.award,
                "status": row.application.status,
            }
            for row in services.ranking(cohort)
        ],
    }


@router.post(
    "/staff/cohorts/{cohort_id}/awards",
    summary="Staff: compute the awards (once; asked again it changes nothing)",
)
def compute(request: HttpRequest, cohort_id: int) -> dict[str, Any]:
    user = _user(request)
    result = services.compute_awards(user, cohort_id)
    cohort = services.staff_cohort(user, cohort_id)
    return {**_awards_json(cohort), "already_computed": result.already}


@router.post(
    "/staff/enrolments/{enrolment_id}/modules/{module_id}/confirm",
    summary="Staff: confirm a participant's module",
)
def confirm(request: HttpRequest, enrolment_id: int, module_id: int) -> dict[str, Any]:
    user = _user(request)
    services.confirm_module(user, enrolment_id, module_id)
    return enrolment_json(services.staff_enrolment(user, enrolment_id))


@router.post(
    "/staff/enrolments/{enrolment_id}/payments",
    response={201: dict[str, Any]},
    summary="Staff: record a payment received against the invoice",
)
def record_payment(request: HttpRequest, enrolment_id: int, data: PaymentIn) -> Any:
    user = _user(request)
    payment = services.record_payment(
        user,
        enrolment_id,
        amount=data.amount,
        received_on=data.received_on,
        reference=data.reference,
    )
    invoice = payment.invoice
    return NinjaStatus(
        201,
        {
            "id": payment.pk,
            "amount": str(payment.amount),
            "received_on": payment.received_on.isoformat(),
            "reference": payment.reference,
            "invoice": invoice.number,
            "balance": str(services.balance(invoice)),
        },
    )
