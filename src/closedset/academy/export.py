"""The academy's part of a person's data export (accounts.services.export_data): what they
applied with, their offers, enrolments, payments and progress, their certificates, their registry
listing and booking requests, and the reviews they gave (by reference: reviewers never learn
who applied)."""

from __future__ import annotations

from typing import Any

from closedset.academy.models import Application, Enrolment, ReviewAssignment


def export_academy_data(user: Any) -> dict[str, Any]:
    from closedset.certificates.models import Certificate
    from closedset.registry.models import Booking, Listing

    applications = Application.objects.filter(applicant=user).select_related("cohort__course")
    enrolments = Enrolment.objects.filter(user=user).select_related("cohort__course", "invoice")
    listing = Listing.objects.filter(user=user).first()
    return {
        "academy_applications": [
            {
                "course": row.cohort.course.title,
                "cohort": row.cohort.name,
                "reference": row.reference,
                "status": row.status,
                "submitted_at": row.submitted_at,
                **{field: getattr(row, field) for field in Application.IDENTIFYING_FIELDS},
                "background": row.background,
                "motivation": row.motivation,
                "scholarship": row.scholarship,
                "scholarship_reason": row.scholarship_reason,
                "offers": [
                    {
                        "kind": offer.kind,
                        "made_at": offer.made_at,
                        "expires_at": offer.expires_at,
                        "accepted_at": offer.accepted_at,
                        "declined_at": offer.declined_at,
                        "expired_at": offer.expired_at,
                    }
                    for offer in row.offers.order_by("made_at", "pk")
                ],
            }
            for row in applications.order_by("submitted_at", "pk")
        ],
        "academy_enrolments": [
            {
                "course": row.cohort.course.title,
                "cohort": row.cohort.name,
                "enrolled_at": row.enrolled_at,
                "completed_at": row.completed_at,
                "amount_due": str(row.amount_due),
                "currency": row.currency,
                "invoice": _invoice(row),
                "modules_done": [
                    {
                        "module": progress.module.title,
                        "marked_at": progress.self_marked_at,
                        "confirmed_at": progress.confirmed_at,
                    }
                    for progress in row.progress.select_related("module").order_by("module__week")
                ],
            }
            for row in enrolments.order_by("enrolled_at", "pk")
        ],
        "certificates": [
            {
                "code": row.code,
                "course": row.course_title,
                "cohort": row.cohort_name,
                "issued_at": row.issued_at,
                "revoked_at": row.revoked_at,
                "credential": row.credential,
            }
            for row in Certificate.objects.filter(holder=user).order_by("issued_at", "pk")
        ],
        "registry_listing": None
        if listing is None
        else {
            "display_name": listing.display_name,
            "languages": listing.language_codes,
            "specialities": listing.speciality_codes,
            "region": listing.region,
            "experience": listing.experience,
            "availability": listing.availability,
            "availability_note": listing.availability_note,
            "listed_at": listing.listed_at,
            "withdrawn_at": listing.withdrawn_at,
        },
        "registry_booking_requests": [
            {
                "production": row.production.name,
                "state": row.state,
                "sent_at": row.created_at,
                "closed_at": row.closed_at,
            }
            for row in Booking.objects.filter(coordinator=user)
            .select_related("production")
            .order_by("created_at", "pk")
        ],
        "academy_reviews_given": [
            {
                "application": row.application.reference,
                "assigned_at": row.assigned_at,
                "submitted_at": row.submitted_at,
                "recused_at": row.recused_at,
                "comment": row.comment,
                "scores": {score.criterion.name: score.value for score in row.scores.all()},
            }
            for row in ReviewAssignment.objects.filter(reviewer=user)
            .select_related("application")
            .prefetch_related("scores__criterion")
            .order_by("assigned_at", "pk")
        ],
    }


def _invoice(enrolment: Enrolment) -> dict[str, Any] | None:
    invoice = getattr(enrolment, "invoice", None)
    if invoice is None:
        return None
    return {
        "number": invoice.number,
        "issued_at": invoice.issued_at,
        "amount": str(invoice.amount),
        "currency": invoice.currency,
        "payments": [
            {"amount": str(p.amount), "received_on": p.received_on, "reference": p.reference}
            for p in invoice.payments.order_by("received_on", "pk")
        ],
    }
