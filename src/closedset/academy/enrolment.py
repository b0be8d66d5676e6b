"""Awards onwards: offers, the waiting list, enrolment, invoices and payments, course pages and
progress. Every such change goes through here; pages and the API only call these.

The arithmetic of who gets what is closedset.core.awards (rank and decide); this module keeps
the database in step with it:
- compute_awards: once review is complete, each reviewed application's final score is stored
  and decide() makes the offers (full, partial or paid place) and the waiting list.
- an offer that is declined or runs out takes its application out of the running (status
  "declined"); deciding again without it passes the place on: everyone whose award improved
  gets the better offer (pass_on, run by decline_offer and sweep_offers).
- accept_offer enrols, with the cohort row locked and the enrolments counted inside the same
  transaction, so the cohort never holds more people than its capacity, however many accept
  at once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from closedset.academy.models import (
    Application,
    Cohort,
    Enrolment,
    Invoice,
    LiveSession,
    Material,
    Module,
    ModuleProgress,
    Offer,
    Payment,
)
from closedset.academy.roles import is_staff, require_staff
from closedset.academy.status import change_status
from closedset.lib.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    require_known_ids,
)
from closedset.lib.i18n import interpolate_lazy, language_of

log = logging.getLogger(__name__)

NOT_FOUND = gettext_noop("Not found.")
# Better first: what an award is worth to the person who gets it.
AWARD_ORDER = {"full": 3, "partial": 2, "paid": 1, "waitlist": 0}
INVOICE_PREFIX = "CS"
CENT = Decimal("0.01")
# Reference for a payment: what the bank statement says, kept short.
REFERENCE_MAX = 100
AMOUNT_MAX = Decimal("99999999.99")

TIE_RULE = gettext_lazy(
    "Higher score first. When scores are equal, the application sent earlier comes first; "
    "when that is equal too, the reference in alphabetical order decides."
)


# ---------------------------------------------------------------- who may


def staff_cohort(user: Any, cohort_id: int) -> Cohort:
    require_known_ids(cohort_id)
    require_staff(user)
    cohort = Cohort.objects.select_related("course").filter(pk=cohort_id).first()
    if cohort is None:
        raise NotFound(NOT_FOUND)
    return cohort


def _pk(user: Any) -> int:
    # Nobody signed in owns nothing: no row has id 0.
    return int(user.pk) if getattr(user, "is_authenticated", False) else 0


def own_offer(user: Any, offer_id: int) -> Offer:
    """The offer, when it was made to `user`; anyone else is told it does not exist."""
    require_known_ids(offer_id)
    offer = (
        Offer.objects.select_related("application__cohort__course")
        .filter(pk=offer_id, application__applicant_id=_pk(user))
        .first()
    )
    if offer is None:
        raise NotFound(NOT_FOUND)
    return offer


def own_enrolment(user: Any, enrolment_id: int) -> Enrolment:
    require_known_ids(enrolment_id)
    enrolment = (
        Enrolment.objects.select_related("cohort__course", "application", "offer")
        .filter(pk=enrolment_id, user_id=_pk(user))
        .first()
    )
    if enrolment is None:
        raise NotFound(NOT_FOUND)
    return enrolment


def staff_enrolment(user: Any, enrolment_id: int) -> Enrolment:
    require_known_ids(enrolment_id)
    require_staff(user)
    enrolment = (
        Enrolment.objects.select_related("cohort__course", "application", "offer", "user")
        .filter(pk=enrolment_id)
        .first()
    )
    if enrolment is None:
        raise NotFound(NOT_FOUND)
    return enrolment


def readable_enrolment(user: Any, enrolment_id: int) -> Enrolment:
    """The participant's own enrolment, or any enrolment for staff (the invoice)."""
    require_known_ids(enrolment_id)
    if is_staff(user):
        return staff_enrolment(user, enrolment_id)
    return own_enrolment(user, enrolment_id)


# ---------------------------------------------------------------- money


def amount_for(cohort: Cohort, kind: str) -> Decimal:
    """What a place of this kind costs: the price, less the partial discount, nothing for a
    full scholarship."""
    if kind == Offer.Kind.FULL:
        return Decimal("0.00")
    price = Decimal(cohort.price)
    if kind == Offer.Kind.PARTIAL:
        price = price * (100 - cohort.partial_discount_percent) / 100
    return price.quantize(CENT, rounding=ROUND_HALF_UP)


def paid_total(invoice: Invoice) -> Decimal:
    total = sum((payment.amount for payment in invoice.payments.all()), Decimal("0.00"))
    return Decimal(total).quantize(CENT)


def balance(invoice: Invoice) -> Decimal:
    return (Decimal(invoice.amount) - paid_total(invoice)).quantize(CENT)


def _next_invoice_number(year: int) -> str:
    prefix = f"{INVOICE_PREFIX}-{year}-"
    last = (
        Invoice.objects.filter(number__startswith=prefix)
        .order_by(Length("number").desc(), "-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = 1
    if last is not None:
        tail = last[len(prefix) :]
        sequence = int(tail) + 1 if tail.isdigit() else 1
    return f"{prefix}{sequence:04d}"


def _issue_invoice(enrolment: Enrolment, now: datetime) -> Invoice:
    """The enrolment's invoice, numbered CS-<year>-<0001…> in the order issued. Invoices of
    other cohorts may be numbered at the same moment: a number taken meanwhile is skipped."""
    for _attempt in range(20):
        number = _next_invoice_number(timezone.localdate(now).year)
        try:
            with transaction.atomic():
                return Invoice.objects.create(
                    enrolment=enrolment,
                    number=number,
                    issued_at=now,
                    amount=enrolment.amount_due,
                    currency=enrolment.currency,
                )
        except IntegrityError:
            continue
    raise Conflict(gettext_noop("The invoice could not be numbered just now. Try again."))


# ---------------------------------------------------------------- awards


@dataclass(frozen=True)
class RankedApplication:
    """One line of the staff's ranking."""

    position: int
    application: Application
    score: Decimal
    award: str
    # Same score as the line above: the tie rule put it here.
    tied: bool
    state: str


def _pool(cohort: Cohort) -> list[Application]:
    """Who is in the running: applications with a final score that are not out (declined,
    or their offer was declined or ran out)."""
    return list(
        Application.objects.filter(cohort=cohort, final_score__isnull=False)
        .exclude(status=Application.Status.DECLINED)
        .select_related("applicant")
    )


def _candidates(applications: Iterable[Application]) -> list[Any]:
    from closedset.core.awards import Candidate

    return [
        Candidate(
            reference=app.reference,
            # The stored score (what staff see) decides, every time the same.
            score=Fraction(app.final_score or 0),
            scholarship=app.scholarship or "",
            submitted_at=app.submitted_at,
        )
        for app in applications
    ]


def _places(cohort: Cohort) -> Any:
    from closedset.core.awards import Places

    return Places(
        capacity=cohort.capacity,
        full=cohort.scholarship_full_places,
        partial=cohort.scholarship_partial_places,
    )


def _decide(cohort: Cohort, applications: list[Application]) -> Any:
    from closedset.core.awards import decide

    return decide(_candidates(applications), _places(cohort))


def _review_complete(cohort: Cohort) -> bool:
    from closedset.academy import review

    return bool(review.review_complete(cohort))


def _final_scores(cohort: Cohort) -> dict[int, Fraction]:
    from closedset.academy import review

    return dict(review.final_scores(cohort))


def _stored(score: Fraction) -> Decimal:
    value = Decimal(score.numerator) / Decimal(score.denominator)
    return value.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def _make_offer(application: Application, kind: str, now: datetime) -> Offer:
    cohort = application.cohort
    return Offer.objects.create(
        application=application,
        kind=kind,
        made_at=now,
        expires_at=now + timedelta(days=cohort.offer_days),
    )


@dataclass
class AwardsResult:
    offered: list[str] = field(default_factory=list)
    waitlisted: list[str] = field(default_factory=list)
    already: bool = False


def compute_awards(user: Any, cohort_id: int, *, now: datetime | None = None) -> AwardsResult:
    """Store each reviewed application's final score and make the offers and the waiting list.
    Done once per cohort: asked again, it changes nothing (the cohort row is locked, so two
    staff pressing at once do not make two sets of offers)."""
    staff_cohort(user, cohort_id)
    now = now or timezone.now()
    with transaction.atomic():
        cohort = Cohort.objects.select_for_update().select_related("course").get(pk=cohort_id)
        if cohort.awards_computed_at is not None:
            return AwardsResult(already=True)
        if cohort.accepts_applications(now):
            raise Conflict(
                gettext_noop(
                    "Applications are still open. Close them and let the reviewers score "
                    "every application first."
                )
            )
        if not _review_complete(cohort):
            raise Conflict(
                gettext_noop(
                    "Review is not finished yet: every application needs all its reviewers' "
                    "scores before awards can be computed."
                )
            )
        scores = _final_scores(cohort)
        if not scores:
            raise Conflict(
                gettext_noop("No application has been scored yet, so there is nothing to award.")
            )
        applications = list(
            Application.objects.filter(cohort=cohort, pk__in=list(scores))
            .exclude(status=Application.Status.DECLINED)
            .select_related("cohort__course", "applicant")
        )
        for application in applications:
            application.final_score = _stored(scores[application.pk])
            application.save(update_fields=["final_score"])
        awards = _decide(cohort, applications)
        by_reference = {app.reference: app for app in applications}
        result = AwardsResult()
        for kind in (Offer.Kind.FULL, Offer.Kind.PARTIAL, Offer.Kind.PAID):
            for reference in getattr(awards, kind):
                application = by_reference[reference]
                _make_offer(application, kind, now)
                change_status(application, Application.Status.OFFERED)
                result.offered.append(reference)
        for reference in awards.waitlist:
            change_status(by_reference[reference], Application.Status.WAITLISTED)
            result.waitlisted.append(reference)
        cohort.awards_computed_at = now
        cohort.save(update_fields=["awards_computed_at"])
    return result


def _current_award(application: Application) -> tuple[str, Offer | None]:
    """What the application holds now: its enrolment's place, its open offer, or nothing
    (the waiting list)."""
    enrolment = Enrolment.objects.filter(application=application).select_related("offer").first()
    if enrolment is not None:
        return enrolment.offer.kind, enrolment.offer
    for offer in application.offers.all():
        if offer.is_open:
            return offer.kind, offer
    return "waitlist", None


def _held(cohort: Cohort, exclude_application: int) -> dict[str, int]:
    """Places held by others (enrolled or with an open offer), by kind and in all."""
    held = {"full": 0, "partial": 0, "paid": 0}
    for kind in (
        Enrolment.objects.filter(cohort=cohort)
        .exclude(application_id=exclude_application)
        .values_list("offer__kind", flat=True)
    ):
        held[kind] += 1
    open_offers = Offer.objects.filter(
        application__cohort=cohort,
        accepted_at__isnull=True,
        declined_at__isnull=True,
        expired_at__isnull=True,
    ).exclude(application_id=exclude_application)
    for kind in open_offers.values_list("kind", flat=True):
        held[kind] += 1
    held["all"] = held["full"] + held["partial"] + held["paid"]
    return held


def _room_for(cohort: Cohort, application: Application, kind: str, current: str) -> bool:
    """Never more places held than the cohort has, whatever state the rows are in."""
    held = _held(cohort, application.pk)
    if held["all"] >= cohort.capacity:
        return False
    if kind == "full":
        return held["full"] < cohort.scholarship_full_places
    if kind == "partial":
        return held["partial"] < cohort.scholarship_partial_places
    return True


def _tell(application: Application, subject: Any, body: Any) -> None:
    from closedset.notices.models import Kind
    from closedset.notices.services import notify

    notify(
        application.applicant,
        Kind.ACADEMY_APPLICATION,
        subject=subject,
        body=body,
        url=reverse("learning:mine"),
    )


def _upgrade_enrolment(enrolment: Enrolment, kind: str, now: datetime) -> None:
    """A participant already enrolled whose award improved: the better place, at its price."""
    application = enrolment.application
    offer = Offer.objects.create(
        application=application,
        kind=kind,
        made_at=now,
        expires_at=now,
        accepted_at=now,
    )
    enrolment.offer = offer
    enrolment.amount_due = amount_for(enrolment.cohort, kind)
    enrolment.save(update_fields=["offer", "amount_due"])
    Invoice.objects.filter(enrolment=enrolment).update(amount=enrolment.amount_due)
    _tell(
        application,
        interpolate_lazy(
            gettext_lazy("Your place in %(cohort)s now comes with a scholarship"),
            cohort=application.cohort.course.title,
        ),
        gettext_lazy(
            "A scholarship place came free and it is yours. Your invoice shows the new amount."
        ),
    )


def pass_on(cohort: Cohort, now: datetime | None = None) -> list[str]:
    """Decide again without everyone who is out; whoever's award improved gets it (a new offer,
    the old open one closed). Call with the cohort row locked. Returns the references that
    got something better."""
    now = now or timezone.now()
    if cohort.awards_computed_at is None:
        return []
    applications = _pool(cohort)
    if not applications:
        return []
    awards = _decide(cohort, applications)
    from closedset.core.awards import rank

    order = {c.reference: i for i, c in enumerate(rank(_candidates(applications)))}
    improved = []
    for application in sorted(applications, key=lambda app: order[app.reference]):
        application.cohort = cohort
        new = awards.award_of(application.reference)
        current, offer = _current_award(application)
        if AWARD_ORDER[new] <= AWARD_ORDER[current]:
            continue
        if not _room_for(cohort, application, new, current):
            continue
        enrolment = Enrolment.objects.filter(application=application).first()
        if enrolment is not None:
            enrolment.cohort = cohort
            _upgrade_enrolment(enrolment, new, now)
        else:
            if offer is not None:
                # Replaced by the better offer made now.
                offer.expired_at = now
                offer.save(update_fields=["expired_at"])
            _make_offer(application, new, now)
            if application.status == Application.Status.OFFERED:
                _tell(
                    application,
                    interpolate_lazy(
                        gettext_lazy("A better offer from %(cohort)s"),
                        cohort=cohort.course.title,
                    ),
                    gettext_lazy(
                        "A place came free and your offer is now better. Open your offer to "
                        "accept or decline it before it ends."
                    ),
                )
            else:
                change_status(application, Application.Status.OFFERED)
        improved.append(application.reference)
    return improved


@dataclass
class SweepResult:
    expired: list[str] = field(default_factory=list)
    improved: list[str] = field(default_factory=list)


def sweep_offers(cohort: Cohort, now: datetime | None = None) -> SweepResult:
    """Open offers past their end are marked expired (their applications are out) and their
    places passed on. Safe to run any time, as often as wanted."""
    now = now or timezone.now()
    # The row as it is now: the caller's copy may predate the awards.
    if not Cohort.objects.filter(pk=cohort.pk, awards_computed_at__isnull=False).exists():
        return SweepResult()
    result = SweepResult()
    with transaction.atomic():
        locked = Cohort.objects.select_for_update().select_related("course").get(pk=cohort.pk)
        overdue = list(
            Offer.objects.select_for_update()
            .filter(
                application__cohort=locked,
                accepted_at__isnull=True,
                declined_at__isnull=True,
                expired_at__isnull=True,
                expires_at__lte=now,
            )
            .select_related("application__cohort__course", "application__applicant")
        )
        for offer in overdue:
            offer.expired_at = now
            offer.save(update_fields=["expired_at"])
            change_status(offer.application, Application.Status.DECLINED)
            result.expired.append(offer.application.reference)
        result.improved = pass_on(locked, now)
    return result


def sweep_all(now: datetime | None = None) -> dict[str, SweepResult]:
    """Every cohort with awards (the academy_sweep command)."""
    results = {}
    for cohort in Cohort.objects.filter(awards_computed_at__isnull=False):
        results[str(cohort)] = sweep_offers(cohort, now)
    return results


def ranking(cohort: Cohort) -> list[RankedApplication]:
    """The cohort's applications in award order, as decided (the tie rule in TIE_RULE)."""
    from closedset.core.awards import rank

    applications = list(
        Application.objects.filter(cohort=cohort, final_score__isnull=False)
        .select_related("applicant")
        .prefetch_related("offers")
    )
    if not applications:
        return []
    by_reference = {app.reference: app for app in applications}
    pool = [app for app in applications if app.status != Application.Status.DECLINED]
    awards = _decide(cohort, pool) if pool else None
    rows = []
    previous: Decimal | None = None
    for position, candidate in enumerate(rank(_candidates(applications)), start=1):
        app = by_reference[candidate.reference]
        score = Decimal(app.final_score or 0)
        award = awards.award_of(app.reference) if awards and app in pool else "out"
        rows.append(
            RankedApplication(
                position=position,
                application=app,
                score=score,
                award=award,
                tied=previous is not None and score == previous,
                state=app.get_status_display(),
            )
        )
        previous = score
    return rows


AWARD_WORDS = {
    "full": gettext_lazy("full scholarship"),
    "partial": gettext_lazy("partial scholarship"),
    "paid": gettext_lazy("paid place"),
    "waitlist": gettext_lazy("waiting list"),
    "out": gettext_lazy("out (declined or ran out)"),
}


# ---------------------------------------------------------------- the applicant's offer


def offer_state(offer: Offer) -> str:
    """open, accepted, declined, expired or replaced (a better offer came)."""
    if offer.accepted_at:
        return "accepted"
    if offer.declined_at:
        return "declined"
    if offer.expired_at:
        newer = Offer.objects.filter(
            application_id=offer.application_id, made_at__gte=offer.made_at
        ).exclude(pk=offer.pk)
        return "replaced" if newer.exists() else "expired"
    return "open"


def latest_offer(application: Application) -> Offer | None:
    return application.offers.order_by("-made_at", "-pk").first()


def offer_for_reading(user: Any, offer_id: int, *, now: datetime | None = None) -> Offer:
    """The applicant's own offer, after the cohort's offers were swept (an offer past its end
    shows as ended, and places it frees are passed on)."""
    offer = own_offer(user, offer_id)
    sweep_offers(offer.application.cohort, now)
    offer.refresh_from_db()
    return offer


def sweep_mine(user: Any, now: datetime | None = None) -> None:
    """Sweep the cohorts the person applied to (their pages show what the sweep decides)."""
    cohorts = Cohort.objects.filter(applications__applicant=user, awards_computed_at__isnull=False)
    for cohort in cohorts.distinct():
        sweep_offers(cohort, now)


def my_offers(user: Any, *, now: datetime | None = None) -> list[Offer]:
    if not getattr(user, "is_authenticated", False):
        return []
    sweep_mine(user, now)
    return list(
        Offer.objects.filter(application__applicant=user)
        .select_related("application__cohort__course")
        .order_by("-made_at", "-pk")
    )


class OfferClosed(Conflict):
    pass


@dataclass
class Acceptance:
    enrolment: Enrolment | None
    # Set when the cohort was full: the applicant is on the waiting list instead.
    message: str = ""


COHORT_FULL = gettext_noop(
    "Sorry, the last place was taken a moment before you accepted. You are on the waiting "
    "list, and we offer you a place by e-mail if one comes free."
)


def accept_offer(user: Any, offer_id: int, *, now: datetime | None = None) -> Acceptance:
    """Enrol on the offer. The cohort row is locked and its enrolments counted in the same
    transaction, so two acceptances at once cannot both take the last place: the later one
    is put on the waiting list and told so (Acceptance.message)."""
    offer = own_offer(user, offer_id)
    now = now or timezone.now()
    cohort_id = offer.application.cohort_id
    # An offer past its end is closed (and its place passed on) before anything else.
    sweep_offers(offer.application.cohort, now)
    with transaction.atomic():
        cohort = Cohort.objects.select_for_update().select_related("course").get(pk=cohort_id)
        offer = (
            Offer.objects.select_for_update()
            .select_related("application__applicant")
            .get(pk=offer.pk)
        )
        application = offer.application
        application.cohort = cohort
        if offer.accepted_at is not None:
            return Acceptance(Enrolment.objects.get(application=application))
        if offer.declined_at is not None:
            raise OfferClosed(gettext_noop("You declined this offer already."))
        # Staff declined the application since the offer was made: the offer went with it.
        if (
            offer.expired_at is not None
            or offer.expires_at <= now
            or application.status != Application.Status.OFFERED
        ):
            raise OfferClosed(
                gettext_noop("This offer has ended. Open your applications to see where you are.")
            )
        taken = Enrolment.objects.filter(cohort=cohort).count()
        if taken >= cohort.capacity:
            offer.expired_at = now
            offer.save(update_fields=["expired_at"])
            change_status(application, Application.Status.WAITLISTED)
            return Acceptance(None, COHORT_FULL)
        offer.accepted_at = now
        offer.save(update_fields=["accepted_at"])
        enrolment = Enrolment.objects.create(
            cohort=cohort,
            user=application.applicant,
            application=application,
            offer=offer,
            enrolled_at=now,
            amount_due=amount_for(cohort, offer.kind),
            currency=cohort.currency,
        )
        _issue_invoice(enrolment, now)
        change_status(application, Application.Status.ENROLLED)
    return Acceptance(enrolment)


def decline_offer(user: Any, offer_id: int, *, now: datetime | None = None) -> Offer:
    """Say no to the offer: the application is out, and the place goes to the next in line at
    once."""
    offer = own_offer(user, offer_id)
    now = now or timezone.now()
    with transaction.atomic():
        cohort = (
            Cohort.objects.select_for_update()
            .select_related("course")
            .get(pk=offer.application.cohort_id)
        )
        offer = (
            Offer.objects.select_for_update()
            .select_related("application__applicant")
            .get(pk=offer.pk)
        )
        if offer.declined_at is not None:
            return offer
        if offer.accepted_at is not None:
            raise OfferClosed(
                gettext_noop(
                    "You accepted this offer already. To leave the course, write to the academy."
                )
            )
        if offer.expired_at is not None:
            raise OfferClosed(gettext_noop("This offer has ended already."))
        offer.declined_at = now
        offer.save(update_fields=["declined_at"])
        offer.application.cohort = cohort
        change_status(offer.application, Application.Status.DECLINED)
        pass_on(cohort, now)
    return offer


# ---------------------------------------------------------------- payments


def _parse_amount(raw: object) -> Decimal:
    text = str(raw if raw is not None else "").strip().replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise InvalidInput(
            gettext_noop("Please correct the marked fields."),
            {"amount": gettext_noop("Write the amount as a number, for example 450.00.")},
        )
    if amount <= 0:
        raise InvalidInput(
            gettext_noop("Please correct the marked fields."),
            {"amount": gettext_noop("The amount must be more than zero.")},
        )
    if amount > AMOUNT_MAX or int(amount.as_tuple().exponent) < -2:
        raise InvalidInput(
            gettext_noop("Please correct the marked fields."),
            {"amount": gettext_noop("Use at most two decimals, for example 450.50.")},
        )
    return amount.quantize(CENT)


def _parse_day(raw: object, today: date) -> date:
    text = str(raw if raw is not None else "").strip()
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            gettext_noop("Please correct the marked fields."),
            {"received_on": gettext_noop("Give the day the money arrived, like 2026-11-26.")},
        ) from None
    if day > today:
        raise InvalidInput(
            gettext_noop("Please correct the marked fields."),
            {"received_on": gettext_noop("The day the money arrived cannot be in the future.")},
        )
    return day


def record_payment(
    user: Any,
    enrolment_id: int,
    *,
    amount: object,
    received_on: object,
    reference: object = "",
    now: datetime | None = None,
) -> Payment:
    """Staff record money received against the enrolment's invoice (no cards here)."""
    enrolment = staff_enrolment(user, enrolment_id)
    now = now or timezone.now()
    value = _parse_amount(amount)
    day = _parse_day(received_on, timezone.localdate(now))
    from closedset.academy.services import plain_text

    text = " ".join(plain_text(reference).split())
    if len(text) > REFERENCE_MAX:
        raise InvalidInput(
            gettext_noop("Please correct the marked fields."),
            {"reference": gettext_noop("Keep the reference to 100 characters.")},
        )
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().filter(enrolment=enrolment).first()
        if invoice is None:
            raise NotFound(NOT_FOUND)
        if value > balance(invoice):
            raise InvalidInput(
                gettext_noop("Please correct the marked fields."),
                {
                    "amount": gettext_noop(
                        "That is more than is still owed on this invoice; check the amount."
                    )
                },
            )
        return Payment.objects.create(
            invoice=invoice,
            amount=value,
            received_on=day,
            reference=text,
            recorded_by=user,
            recorded_at=now,
        )


def invoice_pdf(user: Any, enrolment_id: int) -> tuple[str, bytes]:
    """The invoice as a PDF in the active language: (file name, bytes)."""
    from django.template.loader import render_to_string

    from closedset.rider.pdf import _render_pdf

    enrolment = readable_enrolment(user, enrolment_id)
    invoice = Invoice.objects.filter(enrolment=enrolment).first()
    if invoice is None:
        raise NotFound(NOT_FOUND)
    payments = list(invoice.payments.order_by("received_on", "pk"))
    html = render_to_string(
        "academy/learn/invoice_pdf.html",
        {
            "academy": settings.CLOSEDSET_ACADEMY_NAME,
            "invoice": invoice,
            "enrolment": enrolment,
            "participant": enrolment.application.full_name or enrolment.user.display_name,
            "payments": payments,
            "paid": paid_total(invoice),
            "balance": balance(invoice),
            "kind": enrolment.offer.get_kind_display(),
            "payment_details": settings.CLOSEDSET_ACADEMY_PAYMENT_DETAILS,
        },
    )
    return f"invoice-{invoice.number}.pdf", _render_pdf(html)


# ---------------------------------------------------------------- the course


@dataclass(frozen=True)
class ModuleView:
    module: Module
    materials: list[Material]
    sessions: list[Any]
    done: bool
    # Self-marked, but staff have still to confirm it.
    waiting: bool
    complete: bool


@dataclass(frozen=True)
class SessionView:
    session: LiveSession
    # The wall-clock time in the session's own zone, without the zone (so templates show it
    # as it is, not converted to the reader's).
    local_start: datetime
    zone: str


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _session_view(session: LiveSession) -> SessionView:
    zone = _zone(session.time_zone)
    local = session.starts_at.astimezone(zone).replace(tzinfo=None)
    return SessionView(session, local, str(zone.key))


def _is_complete(module: Module, row: ModuleProgress | None) -> bool:
    if row is None or row.self_marked_at is None:
        return False
    return row.confirmed_at is not None or not module.needs_confirmation


def modules_of(enrolment: Enrolment) -> list[ModuleView]:
    modules = list(
        Module.objects.filter(course_id=enrolment.cohort.course_id).prefetch_related("materials")
    )
    progress = {row.module_id: row for row in ModuleProgress.objects.filter(enrolment=enrolment)}
    sessions: dict[int | None, list[SessionView]] = {}
    for session in LiveSession.objects.filter(cohort_id=enrolment.cohort_id):
        sessions.setdefault(session.module_id, []).append(_session_view(session))
    views = []
    for module in modules:
        row = progress.get(module.pk)
        done = row is not None and row.self_marked_at is not None
        complete = _is_complete(module, row)
        views.append(
            ModuleView(
                module=module,
                materials=list(module.materials.all()),
                sessions=sessions.get(module.pk, []),
                done=done,
                waiting=done and not complete,
                complete=complete,
            )
        )
    return views


def other_sessions(enrolment: Enrolment) -> list[SessionView]:
    """Live sessions tied to no module."""
    return [
        _session_view(s)
        for s in LiveSession.objects.filter(cohort_id=enrolment.cohort_id, module__isnull=True)
    ]


def my_enrolments(user: Any) -> list[Enrolment]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Enrolment.objects.filter(user=user)
        .select_related("cohort__course", "offer", "invoice")
        .order_by("-enrolled_at", "pk")
    )


def _course_module(enrolment: Enrolment, module_id: int) -> Module:
    require_known_ids(module_id)
    module = Module.objects.filter(pk=module_id, course_id=enrolment.cohort.course_id).first()
    if module is None:
        raise NotFound(NOT_FOUND)
    return module


def _complete_if_all_done(enrolment: Enrolment, now: datetime) -> bool:
    """All modules complete: the enrolment is completed (call inside the transaction)."""
    views = modules_of(enrolment)
    if not views or not all(view.complete for view in views):
        return False
    if enrolment.completed_at is None:
        enrolment.completed_at = now
        enrolment.save(update_fields=["completed_at"])
    return True


def issue_certificate_for(enrolment: Enrolment) -> Any:
    """The completed enrolment's certificate (certificates.services, idempotent)."""
    from closedset.certificates.services import issue_certificate

    return issue_certificate(enrolment)


def mark_done(
    user: Any, enrolment_id: int, module_id: int, *, now: datetime | None = None
) -> ModuleProgress:
    """The participant says they have done the module."""
    enrolment = own_enrolment(user, enrolment_id)
    module = _course_module(enrolment, module_id)
    now = now or timezone.now()
    with transaction.atomic():
        row, _ = ModuleProgress.objects.select_for_update().get_or_create(
            enrolment=enrolment, module=module
        )
        if row.self_marked_at is None:
            row.self_marked_at = now
            row.save(update_fields=["self_marked_at"])
        completed = _complete_if_all_done(enrolment, now)
    # After the progress is saved: a certificate that cannot be issued loses no progress.
    if completed:
        issue_certificate_for(enrolment)
    return row


def confirm_module(
    user: Any, enrolment_id: int, module_id: int, *, now: datetime | None = None
) -> ModuleProgress:
    """Staff confirm a module that asks for it, once the participant has marked it done."""
    enrolment = staff_enrolment(user, enrolment_id)
    module = _course_module(enrolment, module_id)
    now = now or timezone.now()
    if not module.needs_confirmation:
        raise Conflict(
            gettext_noop("This module needs no confirmation: marking it done is enough.")
        )
    with transaction.atomic():
        row, _ = ModuleProgress.objects.select_for_update().get_or_create(
            enrolment=enrolment, module=module
        )
        if row.self_marked_at is None:
            raise Conflict(
                gettext_noop(
                    "The participant has not marked this module done yet; confirm it once they"
                    " have."
                )
            )
        if row.confirmed_at is None:
            row.confirmed_at = now
            row.confirmed_by = user
            row.save(update_fields=["confirmed_at", "confirmed_by"])
        completed = _complete_if_all_done(enrolment, now)
    if completed:
        issue_certificate_for(enrolment)
    return row


def material_download(user: Any, enrolment_id: int, material_id: int) -> tuple[str, str, bytes]:
    """A file of the course, for its enrolled participants: (name, type, bytes)."""
    enrolment = own_enrolment(user, enrolment_id)
    require_known_ids(material_id)
    material = Material.objects.filter(
        pk=material_id, module__course_id=enrolment.cohort.course_id, kind=Material.Kind.FILE
    ).first()
    if material is None:
        raise NotFound(NOT_FOUND)
    try:
        from closedset.academy.services import material_file
    except ImportError:
        data = bytes(material.file_data or b"")
        name, kind = material.file_name, material.file_type
    else:
        found = material_file(material)
        if isinstance(found, tuple) and len(found) == 3:
            name, kind, data = found
        else:
            data = bytes(found or b"")
            name, kind = material.file_name, material.file_type
    if not data:
        raise NotFound(NOT_FOUND)
    return name or "material", kind or "application/octet-stream", data


def sessions_ics(user: Any, enrolment_id: int, *, domain: str) -> bytes:
    """The participant's live sessions as an ICS file, each in its own time zone, with the
    meeting link."""
    from icalendar import Calendar
    from icalendar import Event as IcsEvent

    enrolment = own_enrolment(user, enrolment_id)
    cohort = enrolment.cohort
    with translation.override(language_of(user)):
        calendar = Calendar()
        calendar.add("prodid", f"-//{settings.SITE_NAME}//academy//EN")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        name = gettext("%(course)s: live sessions") % {"course": cohort.course.title}
        calendar.add("name", name)
        calendar.add("x-wr-calname", name)
        for session in LiveSession.objects.filter(cohort=cohort):
            zone = _zone(session.time_zone)
            start = session.starts_at.astimezone(zone)
            event = IcsEvent()
            event.add("uid", f"academy-session-{session.pk}-{enrolment.pk}@{domain}")
            event.add("dtstamp", timezone.now().astimezone(ZoneInfo("UTC")))
            event.add("dtstart", start)
            event.add("dtend", start + timedelta(minutes=session.duration_minutes))
            event.add("summary", session.title)
            if session.meeting_link:
                event.add("url", session.meeting_link)
                event.add("location", session.meeting_link)
                event.add(
                    "description",
                    gettext("Join here: %(link)s") % {"link": session.meeting_link},
                )
            event.add("class", "PRIVATE")
            calendar.add_component(event)
        calendar.add_missing_timezones()
        return bytes(calendar.to_ical())


@dataclass(frozen=True)
class ProgressLine:
    enrolment: Enrolment
    complete: int
    total: int
    # Marked done, waiting for staff to confirm.
    waiting: int


def progress_table(cohort: Cohort) -> list[ProgressLine]:
    """Each participant of the cohort and how far they are."""
    lines = []
    for enrolled in Enrolment.objects.filter(cohort=cohort).select_related(
        "user", "application", "offer", "cohort__course"
    ):
        views = modules_of(enrolled)
        lines.append(
            ProgressLine(
                enrolment=enrolled,
                complete=sum(1 for view in views if view.complete),
                total=len(views),
                waiting=sum(1 for view in views if view.waiting),
            )
        )
    return lines
