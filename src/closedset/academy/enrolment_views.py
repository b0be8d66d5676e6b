"""Offers, courses, invoices and the staff's side of them: thin. Every rule is in
academy/enrolment.py; errors go to the usual error pages."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from closedset.academy import enrolment as services
from closedset.academy.models import Enrolment, Invoice
from closedset.lib.errors import InvalidInput
from closedset.lib.i18n import in_document_language
from closedset.lib.middleware import translated


def _download(data: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    # Only safe letters in the file name: the rest become "-".
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "-" for c in name)
    response["Content-Disposition"] = f'attachment; filename="{safe or "download"}"'
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------- participants


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """My courses, and any offer waiting for my answer."""
    offers = services.my_offers(request.user)
    return render(
        request,
        "academy/learn/mine.html",
        {
            "enrolments": services.my_enrolments(request.user),
            "open_offers": [offer for offer in offers if offer.is_open],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def offer(request: HttpRequest, offer_id: int) -> HttpResponse:
    """The offer in words; accept or decline it."""
    if request.method == "POST":
        decision = request.POST.get("decision", "")
        if decision == "accept":
            try:
                acceptance = services.accept_offer(request.user, offer_id)
            except services.OfferClosed as error:
                messages.error(request, translated(error)[0])
                return redirect(reverse("learning:offer", args=[offer_id]))
            if acceptance.enrolment is None:
                messages.warning(request, _(acceptance.message))
                return redirect(reverse("learning:offer", args=[offer_id]))
            messages.success(request, _("You are enrolled. Welcome!"))
            return redirect(reverse("learning:course", args=[acceptance.enrolment.pk]))
        if decision == "decline":
            try:
                services.decline_offer(request.user, offer_id)
            except services.OfferClosed as error:
                messages.error(request, translated(error)[0])
            else:
                messages.success(request, _("You declined the offer. Thank you for telling us."))
            return redirect(reverse("learning:offer", args=[offer_id]))
        # Still the applicant's own offer, or not found, before anything is said about it.
        services.own_offer(request.user, offer_id)
        raise InvalidInput(_("Choose to accept or to decline the offer."))
    found = services.offer_for_reading(request.user, offer_id)
    cohort = found.application.cohort
    enrolment = (
        Enrolment.objects.filter(application=found.application).first()
        if found.accepted_at
        else None
    )
    newest = services.latest_offer(found.application)
    return render(
        request,
        "academy/learn/offer.html",
        {
            "offer": found,
            "cohort": cohort,
            "state": services.offer_state(found),
            "amount": services.amount_for(cohort, found.kind),
            "enrolment": enrolment,
            "newest": newest if newest and newest.pk != found.pk else None,
        },
    )


@login_required
@require_GET
def course(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    enrolment = services.own_enrolment(request.user, enrolment_id)
    invoice = Invoice.objects.filter(enrolment=enrolment).first()
    return render(
        request,
        "academy/learn/course.html",
        {
            "enrolment": enrolment,
            "cohort": enrolment.cohort,
            "modules": services.modules_of(enrolment),
            "other_sessions": services.other_sessions(enrolment),
            "invoice": invoice,
            "balance": services.balance(invoice) if invoice else None,
            # How to pay (bank account, reference): empty, the academy tells them.
            "payment_details": settings.CLOSEDSET_ACADEMY_PAYMENT_DETAILS,
        },
    )


@login_required
@require_POST
def done(request: HttpRequest, enrolment_id: int, module_id: int) -> HttpResponse:
    services.mark_done(request.user, enrolment_id, module_id)
    enrolment = services.own_enrolment(request.user, enrolment_id)
    if enrolment.completed_at:
        messages.success(request, _("You completed every module. Your certificate is issued."))
    else:
        messages.success(request, _("Marked as done."))
    return redirect(reverse("learning:course", args=[enrolment_id]) + f"#module-{module_id}")


@login_required
@never_cache
@require_GET
def material(request: HttpRequest, enrolment_id: int, material_id: int) -> HttpResponse:
    name, content_type, data = services.material_download(request.user, enrolment_id, material_id)
    return _download(data, content_type, name)


@login_required
@never_cache
@require_GET
def sessions_ics(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    data = services.sessions_ics(request.user, enrolment_id, domain=request.get_host())
    response = _download(data, "text/calendar; charset=utf-8", "live-sessions.ics")
    return response


@login_required
@never_cache
@require_GET
@in_document_language
def invoice_pdf(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    name, pdf = services.invoice_pdf(request.user, enrolment_id)
    return _download(pdf, "application/pdf", name)


# ---------------------------------------------------------------- staff


@login_required
@require_GET
def staff_cohorts(request: HttpRequest) -> HttpResponse:
    services.require_staff(request.user)
    from closedset.academy.models import Cohort

    cohorts = Cohort.objects.select_related("course").order_by("-starts_on", "pk")
    return render(request, "academy/learn/staff_cohorts.html", {"cohorts": cohorts})


@login_required
@require_http_methods(["GET", "POST"])
def staff_cohort(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """The ranking with the tie rule, computing awards, and who is enrolled."""
    cohort = services.staff_cohort(request.user, cohort_id)
    if request.method == "POST":
        result = services.compute_awards(request.user, cohort_id)
        if result.already:
            messages.info(request, _("Awards were computed already; nothing changed."))
        else:
            messages.success(
                request,
                ngettext(
                    "Awards computed: %(offered)s offer made, %(waiting)s on the waiting list.",
                    "Awards computed: %(offered)s offers made, %(waiting)s on the waiting list.",
                    len(result.offered),
                )
                % {"offered": len(result.offered), "waiting": len(result.waitlisted)},
            )
        return redirect(reverse("learning:staff_cohort", args=[cohort_id]))
    services.sweep_offers(cohort)
    cohort.refresh_from_db()
    rows = services.ranking(cohort)
    return render(
        request,
        "academy/learn/staff_cohort.html",
        {
            "cohort": cohort,
            "rows": rows,
            "award_words": services.AWARD_WORDS,
            "tie_rule": services.TIE_RULE,
            "table": services.progress_table(cohort),
        },
    )


def _staff_enrolment_page(
    request: HttpRequest,
    enrolment_id: int,
    errors: dict[str, str] | None = None,
    entered: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    enrolment = services.staff_enrolment(request.user, enrolment_id)
    invoice = Invoice.objects.filter(enrolment=enrolment).first()
    return render(
        request,
        "academy/learn/staff_enrolment.html",
        {
            "enrolment": enrolment,
            "cohort": enrolment.cohort,
            "modules": services.modules_of(enrolment),
            "invoice": invoice,
            "payments": invoice.payments.order_by("received_on", "pk") if invoice else [],
            "paid": services.paid_total(invoice) if invoice else None,
            "balance": services.balance(invoice) if invoice else None,
            "errors": errors or {},
            "entered": entered or {"received_on": timezone.localdate().isoformat()},
        },
        status=status,
    )


@login_required
@require_GET
def staff_enrolment(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    return _staff_enrolment_page(request, enrolment_id)


@login_required
@require_POST
def confirm(request: HttpRequest, enrolment_id: int, module_id: int) -> HttpResponse:
    services.confirm_module(request.user, enrolment_id, module_id)
    messages.success(request, _("Module confirmed."))
    return redirect(reverse("learning:staff_enrolment", args=[enrolment_id]))


@login_required
@require_POST
def payment(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    entered = {name: request.POST.get(name, "") for name in ("amount", "received_on", "reference")}
    try:
        services.record_payment(
            request.user,
            enrolment_id,
            amount=entered["amount"],
            received_on=entered["received_on"],
            reference=entered["reference"],
        )
    except InvalidInput as error:
        message, fields = translated(error)
        return _staff_enrolment_page(
            request, enrolment_id, fields or {"amount": message}, entered, status=422
        )
    messages.success(request, _("Payment recorded."))
    return redirect(reverse("learning:staff_enrolment", args=[enrolment_id]))
