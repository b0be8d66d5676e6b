"""The academy's catalogue, applications and the staff's course and cohort setup.

Every rule and every change for these is here; pages and the API only call in. Blind review
(review.py) and awards onwards (enrolment.py) are separate.

Staff pages answer "not found" to everyone who is not academy staff: nobody else learns that a
staff area (or a given cohort's applicant list) exists.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from closedset.academy.models import (
    Application,
    Cohort,
    Course,
    Criterion,
    LiveSession,
    Material,
    Module,
)
from closedset.academy.roles import require_staff
from closedset.lib.errors import Conflict, InvalidInput, NotFound, require_known_ids

# --- limits (said in the messages, so a person knows how much fits) -------------------------

MAX_NAME = 200
MAX_PHONE = 40
MAX_LOCATION = 200
MAX_LINKS = 1000
MAX_TEXT = 5000  # background, motivation, the scholarship reason
MAX_TITLE = 200
MAX_SUMMARY = 5000
MAX_MATERIAL_TEXT = 20000
MATERIAL_FILE_MAX_KB = 900
MAX_CRITERION_NAME = 120


def _fix(errors: dict[str, str]) -> InvalidInput:
    return InvalidInput(gettext("Please correct the marked fields."), errors)


def _too_long(limit: int) -> str:
    return gettext("This is too long: at most %(limit)s characters.") % {"limit": limit}


# Embeddings, overrides and isolates; the plain direction marks (U+200E, U+200F) may stay.
_BIDI_OVERRIDES = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))


def plain_text(value: object) -> str:
    """Text as typed, trimmed: no control characters but line breaks and tabs (NUL breaks
    storage) and no direction overrides (they would show the text in another order than it
    is stored and checked: a name written backwards, shown forwards)."""
    text = str(value or "").strip()
    text = "".join(
        ch
        for ch in text
        if ch in "\n\t" or (unicodedata.category(ch) != "Cc" and ch not in _BIDI_OVERRIDES)
    )
    return text.replace("\r\n", "\n")


def _text(
    errors: dict[str, str],
    name: str,
    value: object,
    limit: int,
    *,
    required: str | None = None,
    one_line: bool = False,
) -> str:
    """The cleaned text of one field; a message in `errors` when it is missing or too long."""
    text = plain_text(value)
    if one_line:
        text = " ".join(text.split())
    if len(text) > limit:
        errors[name] = _too_long(limit)
    elif required is not None and not text:
        errors[name] = required
    return text


# --- who may do what --------------------------------------------------------------------------


# --- the public catalogue ---------------------------------------------------------------------


def language_name(code: str) -> str:
    """A cohort's language, named in itself ("Čeština"), as the language picker names it."""
    return dict(settings.LANGUAGES).get(code, code)


def weeks_of(course: Course) -> int:
    """How many weeks the course runs: its last module's week."""
    weeks = [module.week for module in course.modules.all()]
    return max(weeks) if weeks else 0


@dataclass(frozen=True)
class CohortSummary:
    cohort: Cohort
    weeks: int
    open: bool

    @property
    def course(self) -> Course:
        return self.cohort.course

    @property
    def language_name(self) -> str:
        return language_name(self.cohort.language)


def open_cohorts(now: datetime | None = None) -> list[CohortSummary]:
    """Cohorts taking applications now (deadline not passed, not closed), soonest first."""
    moment = now or timezone.now()
    cohorts = (
        Cohort.objects.filter(applications_closed_at__isnull=True, application_deadline__gt=moment)
        .select_related("course")
        .prefetch_related("course__modules")
        .order_by("starts_on", "pk")
    )
    return [CohortSummary(cohort, weeks_of(cohort.course), True) for cohort in cohorts]


def get_cohort(cohort_id: int) -> Cohort:
    require_known_ids(cohort_id)
    cohort = Cohort.objects.select_related("course").filter(pk=cohort_id).first()
    if cohort is None:
        raise NotFound(gettext("Not found."))
    return cohort


@dataclass(frozen=True)
class Week:
    number: int
    modules: list[Module]


@dataclass(frozen=True)
class SessionTime:
    """A live session as announced: in its own time zone, with that zone's UTC offset."""

    session: LiveSession
    local: datetime
    offset: str  # "UTC+01:00"
    zone: str


UTC = zoneinfo.ZoneInfo("UTC")


def utc_offset(moment: datetime) -> str:
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def session_time(session: LiveSession) -> SessionTime:
    try:
        zone = zoneinfo.ZoneInfo(session.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    local = session.starts_at.astimezone(zone)
    return SessionTime(session, local, utc_offset(local), str(zone))


@dataclass(frozen=True)
class CohortPage:
    cohort: Cohort
    weeks: list[Week]
    week_count: int
    sessions: list[SessionTime]
    open: bool

    @property
    def language_name(self) -> str:
        return language_name(self.cohort.language)


def cohort_page(cohort_id: int, now: datetime | None = None) -> CohortPage:
    """What anyone may read of a cohort: modules by week (titles and summaries, never the
    materials), live session dates, and whether it takes applications."""
    cohort = get_cohort(cohort_id)
    modules = list(cohort.course.modules.all())
    by_week: dict[int, list[Module]] = {}
    for module in modules:
        by_week.setdefault(module.week, []).append(module)
    weeks = [Week(number, items) for number, items in sorted(by_week.items())]
    sessions = [session_time(s) for s in cohort.live_sessions.all()]
    return CohortPage(
        cohort=cohort,
        weeks=weeks,
        week_count=max(by_week, default=0),
        sessions=sessions,
        open=cohort.accepts_applications(now),
    )


def cohort_json(summary: CohortSummary | CohortPage) -> dict[str, Any]:
    cohort = summary.cohort
    weeks = summary.weeks if isinstance(summary, CohortSummary) else summary.week_count
    return {
        "id": cohort.pk,
        "course": cohort.course.title,
        "name": cohort.name,
        "summary": cohort.course.summary,
        "starts_on": cohort.starts_on.isoformat(),
        "weeks": weeks,
        "language": cohort.language,
        "price": str(cohort.price),
        "currency": cohort.currency,
        "scholarship_full_places": cohort.scholarship_full_places,
        "scholarship_partial_places": cohort.scholarship_partial_places,
        "partial_discount_percent": cohort.partial_discount_percent,
        "application_deadline": cohort.application_deadline.isoformat(),
        "open": summary.open,
    }


# --- applying ---------------------------------------------------------------------------------

SCHOLARSHIPS = {"": "", "none": "", "full": "full", "partial": "partial"}


@dataclass
class ApplicationInput:
    full_name: str = ""
    email: str = ""
    phone: str = ""
    location: str = ""
    links: str = ""
    background: str = ""
    motivation: str = ""
    scholarship: str = ""
    scholarship_reason: str = ""


def closed_message() -> str:
    return gettext(
        "Applications for this cohort are closed. Look at the catalogue for a cohort that is"
        " still open."
    )


def clean_application(data: ApplicationInput) -> ApplicationInput:
    """The answers, trimmed and checked; InvalidInput naming each field to correct."""
    errors: dict[str, str] = {}
    clean = ApplicationInput(
        full_name=_text(
            errors,
            "full_name",
            data.full_name,
            MAX_NAME,
            one_line=True,
            required=gettext("Write your full name."),
        ),
        email=_text(
            errors,
            "email",
            data.email,
            254,
            one_line=True,
            required=gettext("Write your e-mail address."),
        ).lower(),
        phone=_text(errors, "phone", data.phone, MAX_PHONE, one_line=True),
        location=_text(errors, "location", data.location, MAX_LOCATION, one_line=True),
        links=_text(errors, "links", data.links, MAX_LINKS),
        background=_text(
            errors,
            "background",
            data.background,
            MAX_TEXT,
            required=gettext("Tell us about your background."),
        ),
        motivation=_text(
            errors,
            "motivation",
            data.motivation,
            MAX_TEXT,
            required=gettext("Tell us why you want to take part."),
        ),
        scholarship=str(data.scholarship or "").strip().lower(),
        scholarship_reason=_text(errors, "scholarship_reason", data.scholarship_reason, MAX_TEXT),
    )
    if "email" not in errors:
        try:
            EmailValidator()(clean.email)
        except ValidationError:
            errors["email"] = gettext("Write an e-mail address, for example name@example.org.")
    if clean.scholarship not in SCHOLARSHIPS:
        errors["scholarship"] = gettext(
            "Choose no scholarship, a full scholarship or a partial one."
        )
    else:
        clean.scholarship = SCHOLARSHIPS[clean.scholarship]
    if clean.scholarship and not clean.scholarship_reason and "scholarship_reason" not in errors:
        errors["scholarship_reason"] = gettext(
            "Tell us why you ask for a scholarship: a few words are enough."
        )
    if not clean.scholarship:
        clean.scholarship_reason = ""
    if errors:
        raise _fix(errors)
    return clean


def application_of(user: Any, cohort: Cohort) -> Application | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Application.objects.filter(cohort=cohort, applicant=user).first()


class AlreadyApplied(Conflict):
    def __init__(self, application: Application) -> None:
        super().__init__(
            gettext(
                "You have applied to this cohort already (reference %(reference)s). Your"
                " application is on your applications page."
            )
            % {"reference": application.reference}
        )
        self.application = application


def _require_open(cohort: Cohort) -> None:
    if not cohort.accepts_applications():
        raise Conflict(closed_message())


def apply(user: Any, cohort_id: int, data: ApplicationInput) -> Application:
    """`user` applies to the cohort: one application each, only while it takes applications,
    with their own e-mail address. The applicant is told their application arrived."""
    cohort = get_cohort(cohort_id)
    _require_open(cohort)
    existing = application_of(user, cohort)
    if existing is not None:
        raise AlreadyApplied(existing)
    clean = clean_application(data)
    if clean.email != user.email.lower():
        message = gettext(
            "Use the e-mail address of your account (%(email)s): we write to you there."
        ) % {"email": user.email}
        raise _fix({"email": message})
    try:
        with transaction.atomic():
            application = Application.objects.create(
                cohort=cohort,
                applicant=user,
                full_name=clean.full_name,
                email=clean.email,
                phone=clean.phone,
                location=clean.location,
                links=clean.links,
                background=clean.background,
                motivation=clean.motivation,
                scholarship=clean.scholarship,
                scholarship_reason=clean.scholarship_reason,
                status=Application.Status.SUBMITTED,
            )
    except IntegrityError:
        # Two submissions at once: the first one counts.
        existing = application_of(user, cohort)
        if existing is None:
            raise
        raise AlreadyApplied(existing) from None
    _tell_submitted(application)
    return application


def _tell_submitted(application: Application) -> None:
    from closedset.academy.status import STATUS_NEWS
    from closedset.lib.i18n import interpolate_lazy
    from closedset.notices.models import Kind
    from closedset.notices.services import notify

    label = dict(Application.Status.choices)[Application.Status.SUBMITTED]
    notify(
        application.applicant,
        Kind.ACADEMY_APPLICATION,
        subject=interpolate_lazy(
            pgettext_lazy("mail subject", "Your application to %(cohort)s: %(status)s"),
            cohort=application.cohort.course.title,
            status=label,
        ),
        body=STATUS_NEWS[Application.Status.SUBMITTED],
        url=reverse("academy:mine"),
    )


HANDLE_MAX = 40


def handle_from_name(name: str) -> str:
    """A free handle made of the name's letters ("Ana Lima" -> "ana-lima", then "ana-lima-2")."""
    from closedset.accounts.models import RetiredHandle, User

    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:30].strip("-")
    base = base or "applicant"

    def free(handle: str) -> bool:
        return (
            not User.objects.filter(handle=handle).exists()
            and not RetiredHandle.objects.filter(digest=RetiredHandle.digest_of(handle)).exists()
        )

    if free(base):
        return base
    for number in range(2, 30):
        candidate = f"{base}-{number}"
        if free(candidate):
            return candidate
    while True:
        candidate = f"{base}-{secrets.token_hex(3)}"
        if free(candidate):
            return candidate


@dataclass(frozen=True)
class NewApplicant:
    name: str
    email: str
    password: str
    language: str = ""


def apply_with_new_account(
    cohort_id: int, person: NewApplicant, data: ApplicationInput
) -> tuple[Any, Application]:
    """Someone without an account applies: the account is made from their name, address and
    password (its address still to be confirmed), and the application with it. Nothing is
    kept when anything is wrong."""
    from closedset.accounts import services as accounts

    cohort = get_cohort(cohort_id)
    _require_open(cohort)
    data.email = person.email
    if not data.full_name.strip():
        data.full_name = person.name
    errors: dict[str, str] = {}
    try:
        clean = clean_application(data)
    except InvalidInput as error:
        errors.update(error.fields)
        clean = None
    name = _text(
        errors, "name", person.name, 120, one_line=True, required=gettext("Write your name.")
    )
    if not person.password:
        errors["password"] = gettext("Choose a password.")
    if errors:
        raise _fix(errors)
    assert clean is not None
    with transaction.atomic():
        try:
            user = accounts.create_user(
                email=clean.email,
                display_name=name,
                handle=handle_from_name(name),
                password=person.password,
                language=person.language,
            )
        except InvalidInput as error:
            fields = dict(error.fields)
            # The handle is made here; a person only ever sees their name.
            if "display_name" in fields:
                fields["name"] = fields.pop("display_name")
            fields.pop("handle", None)
            if "email" in fields:
                fields["email"] = gettext(
                    "An account with this e-mail address exists already. Log in, then apply."
                )
            raise _fix(fields or {"name": error.message}) from None
        application = apply(user, cohort.pk, clean)
    return user, application


# --- my applications --------------------------------------------------------------------------

NEXT_STEP = {
    Application.Status.SUBMITTED: gettext_lazy(
        "When applications close, reviewers read yours without your name. We write to you"
        " when that starts."
    ),
    Application.Status.UNDER_REVIEW: gettext_lazy(
        "Reviewers are reading it now, without your name. We write to you with the outcome."
    ),
    Application.Status.OFFERED: gettext_lazy(
        "Open the offer to accept or decline it before it ends."
    ),
    Application.Status.WAITLISTED: gettext_lazy(
        "Nothing to do for now. If a place opens, we offer it to you by e-mail."
    ),
    Application.Status.DECLINED: gettext_lazy(
        "Nothing more happens with this one. You are welcome to apply to a later cohort."
    ),
    Application.Status.ENROLLED: gettext_lazy(
        "Your course page has the modules, the live sessions and your invoice."
    ),
}


@dataclass(frozen=True)
class MyApplication:
    application: Application
    cohort: Cohort
    status_label: str
    news: str
    next_step: str
    # Where the applicant acts next (an offer, the course page), when there is such a page.
    url: str | None


def _next_url(application: Application) -> str | None:
    """The open offer's page, or the course page once enrolled (learning namespace)."""
    try:
        if application.status == Application.Status.OFFERED:
            offer = next((o for o in application.offers.all() if o.is_open), None)
            if offer is not None:
                return reverse("learning:offer", args=[offer.pk])
            return reverse("learning:mine")
        if application.status == Application.Status.ENROLLED:
            enrolment = getattr(application, "enrolment", None)
            if enrolment is not None:
                return reverse("learning:course", args=[enrolment.pk])
            return reverse("learning:mine")
    except NoReverseMatch:
        return None
    return None


def my_applications(user: Any) -> list[MyApplication]:
    """The person's own applications, newest first, each with its status in words and what
    happens next. Nobody else's, ever."""
    from closedset.academy.status import STATUS_NEWS

    if not getattr(user, "is_authenticated", False):
        return []
    from closedset.academy.enrolment import sweep_mine

    # Offers past their end are passed on before the person reads where they stand.
    sweep_mine(user)
    rows = (
        Application.objects.filter(applicant=user)
        .select_related("cohort__course", "enrolment")
        .prefetch_related("offers")
        .order_by("-submitted_at", "-pk")
    )
    labels: dict[str, Any] = dict(Application.Status.choices)
    news = {str(status): text for status, text in STATUS_NEWS.items()}
    steps = {str(status): text for status, text in NEXT_STEP.items()}
    return [
        MyApplication(
            application=row,
            cohort=row.cohort,
            status_label=str(labels.get(row.status, row.status)),
            news=str(news.get(row.status, "")),
            next_step=str(steps.get(row.status, "")),
            url=_next_url(row),
        )
        for row in rows
    ]


def my_application_json(item: MyApplication) -> dict[str, Any]:
    application = item.application
    return {
        "reference": application.reference,
        "cohort_id": item.cohort.pk,
        "course": item.cohort.course.title,
        "cohort": item.cohort.name,
        "starts_on": item.cohort.starts_on.isoformat(),
        "status": application.status,
        "status_label": item.status_label,
        "next_step": item.next_step,
        "scholarship": application.scholarship,
        "submitted_at": application.submitted_at.isoformat(),
    }


# --- erasure ----------------------------------------------------------------------------------

ERASED_TEXT = "-"


def erase_applicant_data(user: Any) -> int:
    """The person's account is being erased: their applications keep no word of theirs (who
    they are, nor what they wrote), only the status and scores the cohort's awards rest on.
    Returns how many applications were emptied. Applications they were reviewing go to
    other reviewers, so none waits for them for ever."""
    from closedset.academy import review

    review.release_open_assignments(user)
    return Application.objects.filter(applicant=user).update(
        full_name=ERASED_TEXT,
        email=f"erased-{secrets.token_hex(8)}@erased.invalid",
        phone="",
        location="",
        links="",
        background=ERASED_TEXT,
        motivation=ERASED_TEXT,
        scholarship_reason="",
    )


# --- staff: overview and applications ---------------------------------------------------------


@dataclass(frozen=True)
class CohortCounts:
    cohort: Cohort
    total: int
    by_status: list[tuple[str, str, int]]  # (status, label, count), every status
    open: bool


def staff_overview(user: Any) -> list[CohortCounts]:
    require_staff(user)
    cohorts = list(Cohort.objects.select_related("course").order_by("-starts_on", "-pk"))
    counts: Counter[tuple[int, str]] = Counter()
    for cohort_id, status in Application.objects.values_list("cohort_id", "status"):
        counts[(cohort_id, status)] += 1
    result = []
    for cohort in cohorts:
        by_status = [
            (value, str(label), counts[(cohort.pk, value)])
            for value, label in Application.Status.choices
        ]
        result.append(
            CohortCounts(
                cohort,
                sum(count for _, _, count in by_status),
                by_status,
                cohort.accepts_applications(),
            )
        )
    return result


def staff_courses(user: Any) -> list[Course]:
    require_staff(user)
    return list(Course.objects.all())


def counts_json(item: CohortCounts) -> dict[str, Any]:
    return {
        "id": item.cohort.pk,
        "course": item.cohort.course.title,
        "name": item.cohort.name,
        "starts_on": item.cohort.starts_on.isoformat(),
        "application_deadline": item.cohort.application_deadline.isoformat(),
        "applications_closed_at": (
            item.cohort.applications_closed_at.isoformat()
            if item.cohort.applications_closed_at
            else None
        ),
        "open": item.open,
        "applications": item.total,
        "by_status": {status: count for status, _, count in item.by_status},
    }


def staff_cohort(user: Any, cohort_id: int) -> Cohort:
    require_staff(user)
    return get_cohort(cohort_id)


def staff_applications(user: Any, cohort_id: int) -> tuple[Cohort, list[Application]]:
    """A cohort's applications with who applied (staff may see identities)."""
    cohort = staff_cohort(user, cohort_id)
    return cohort, list(cohort.applications.select_related("applicant").all())


def staff_application(user: Any, application_id: int) -> Application:
    require_staff(user)
    require_known_ids(application_id)
    application = (
        Application.objects.select_related("cohort__course", "applicant")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise NotFound(gettext("Not found."))
    return application


def staff_application_json(application: Application) -> dict[str, Any]:
    return {
        "id": application.pk,
        "reference": application.reference,
        "full_name": application.full_name,
        "email": application.email,
        "phone": application.phone,
        "location": application.location,
        "links": application.links,
        "background": application.background,
        "motivation": application.motivation,
        "scholarship": application.scholarship,
        "scholarship_reason": application.scholarship_reason,
        "status": application.status,
        "submitted_at": application.submitted_at.isoformat(),
        "final_score": (
            str(application.final_score) if application.final_score is not None else None
        ),
    }


def decline_application(user: Any, application_id: int) -> Application:
    """Staff decline an application (the applicant is told); an enrolled one cannot be."""
    from closedset.academy import enrolment
    from closedset.academy.models import Offer
    from closedset.academy.status import change_status

    application = staff_application(user, application_id)
    with transaction.atomic():
        # The cohort first, as accepting an offer does: a decline and an acceptance at the same
        # moment take turns, and the one that comes second sees what the first did.
        cohort = Cohort.objects.select_for_update().get(pk=application.cohort_id)
        application = Application.objects.select_related("cohort__course", "applicant").get(
            pk=application.pk
        )
        application.cohort = cohort
        if application.status == Application.Status.ENROLLED:
            raise Conflict(gettext("This person is enrolled already; the application stays."))
        if application.status == Application.Status.DECLINED:
            # Pressed twice: the applicant was told once.
            return application
        # An open offer ends with the application, and its place goes to the next in line.
        now = timezone.now()
        open_offers = Offer.objects.filter(
            application=application,
            accepted_at__isnull=True,
            declined_at__isnull=True,
            expired_at__isnull=True,
        )
        had_offer = open_offers.update(expired_at=now) > 0
        change_status(application, Application.Status.DECLINED)
        if had_offer:
            enrolment.pass_on(cohort, now)
    return application


def close_applications(user: Any, cohort_id: int) -> Cohort:
    """Staff close a cohort's applications: nobody can apply any more and blind review starts."""
    from closedset.academy import review

    require_staff(user)
    require_known_ids(cohort_id)
    with transaction.atomic():
        cohort = Cohort.objects.select_for_update().filter(pk=cohort_id).first()
        if cohort is None:
            raise NotFound(gettext("Not found."))
        if cohort.applications_closed_at is not None:
            raise Conflict(gettext("Applications for this cohort are closed already."))
        cohort.applications_closed_at = timezone.now()
        cohort.save(update_fields=["applications_closed_at"])
        # In the same transaction: when review cannot start (too few reviewers free of
        # conflicts), applications stay open and staff are told why.
        review.start_review(cohort)
    return cohort


# --- staff: courses, modules, materials -------------------------------------------------------


@dataclass
class CourseInput:
    title: str = ""
    summary: str = ""
    achievement: str = ""


def save_course(user: Any, course_id: int | None, data: CourseInput) -> Course:
    require_staff(user)
    errors: dict[str, str] = {}
    title = _text(
        errors,
        "title",
        data.title,
        MAX_TITLE,
        one_line=True,
        required=gettext("Give the course a title."),
    )
    summary = _text(errors, "summary", data.summary, MAX_SUMMARY)
    achievement = _text(errors, "achievement", data.achievement, MAX_SUMMARY)
    if errors:
        raise _fix(errors)
    course = Course() if course_id is None else staff_course(user, course_id)
    course.title, course.summary, course.achievement = title, summary, achievement
    course.save()
    return course


def staff_course(user: Any, course_id: int) -> Course:
    require_staff(user)
    require_known_ids(course_id)
    course = Course.objects.filter(pk=course_id).first()
    if course is None:
        raise NotFound(gettext("Not found."))
    return course


@dataclass
class ModuleInput:
    week: object = 1
    position: object = 1
    title: str = ""
    summary: str = ""
    needs_confirmation: bool = False


def _whole(
    errors: dict[str, str], name: str, value: object, low: int, high: int, message: str
) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        errors[name] = message
        return low
    if not low <= number <= high:
        errors[name] = message
        return low
    return number


def save_module(
    user: Any, course_id: int | None, module_id: int | None, data: ModuleInput
) -> Module:
    """Add a module to a course (course_id) or change one (module_id)."""
    require_staff(user)
    if module_id is not None:
        module = staff_module(user, module_id)
    else:
        module = Module(course=staff_course(user, course_id or 0))
    errors: dict[str, str] = {}
    module.week = _whole(
        errors, "week", data.week, 1, 52, gettext("Write the week as a number from 1 to 52.")
    )
    module.position = _whole(
        errors,
        "position",
        data.position,
        1,
        99,
        gettext("Write the order within the week as a number from 1 to 99."),
    )
    module.title = _text(
        errors,
        "title",
        data.title,
        MAX_TITLE,
        one_line=True,
        required=gettext("Give the module a title."),
    )
    module.summary = _text(errors, "summary", data.summary, MAX_SUMMARY)
    module.needs_confirmation = bool(data.needs_confirmation)
    if errors:
        raise _fix(errors)
    module.save()
    return module


def staff_module(user: Any, module_id: int) -> Module:
    require_staff(user)
    require_known_ids(module_id)
    module = Module.objects.select_related("course").filter(pk=module_id).first()
    if module is None:
        raise NotFound(gettext("Not found."))
    return module


def delete_module(user: Any, module_id: int) -> Course:
    module = staff_module(user, module_id)
    course = module.course
    module.delete()
    return course


@dataclass
class MaterialInput:
    kind: str = Material.Kind.TEXT
    title: str = ""
    body: str = ""
    url: str = ""
    position: object = 1
    file_name: str = ""
    file_data: bytes | None = None


FILE_TYPES = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}


def material_file_too_large() -> str:
    return gettext("The file is larger than %(kb)s KB. Upload a smaller file.") % {
        "kb": MATERIAL_FILE_MAX_KB
    }


def _file_type(name: str, data: bytes) -> str:
    for magic, content_type in FILE_TYPES.items():
        if data.startswith(magic):
            return content_type
    if name.lower().endswith((".txt", ".md")):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return "application/octet-stream"
        return "text/plain"
    return "application/octet-stream"


def _safe_file_name(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    base = re.sub(r"[^A-Za-z0-9._-]+", "-", base).strip(".-")
    return base[:120] or "material"


def save_material(
    user: Any, module_id: int | None, material_id: int | None, data: MaterialInput
) -> Material:
    """Add a material to a module (module_id) or change one (material_id): a text, a link or
    a small file (kept in the database; a new upload replaces the old file)."""
    require_staff(user)
    if material_id is not None:
        material = staff_material(user, material_id)
    else:
        material = Material(module=staff_module(user, module_id or 0))
    errors: dict[str, str] = {}
    kind = str(data.kind or "")
    if kind not in Material.Kind.values:
        errors["kind"] = gettext("Choose text, link or file.")
    material.kind = kind
    material.title = _text(
        errors,
        "title",
        data.title,
        MAX_TITLE,
        one_line=True,
        required=gettext("Give the material a title."),
    )
    material.position = _whole(
        errors,
        "position",
        data.position,
        1,
        99,
        gettext("Write the order as a number from 1 to 99."),
    )
    material.body = _text(errors, "body", data.body, MAX_MATERIAL_TEXT)
    url = _text(errors, "url", data.url, 200, one_line=True)
    if url:
        try:
            URLValidator(schemes=["https", "http"])(url)
        except ValidationError:
            errors["url"] = gettext("Write a whole web address, for example https://example.org.")
    material.url = url
    if kind == Material.Kind.TEXT and not material.body and "body" not in errors:
        errors["body"] = gettext("Write the text of the material.")
    if kind == Material.Kind.LINK and not url and "url" not in errors:
        errors["url"] = gettext("Write the web address the material links to.")
    if data.file_data is not None:
        if len(data.file_data) > MATERIAL_FILE_MAX_KB * 1024:
            errors["file"] = material_file_too_large()
        elif not data.file_data:
            errors["file"] = gettext("The file is empty. Choose another one.")
        else:
            material.file_name = _safe_file_name(data.file_name)
            material.file_type = _file_type(data.file_name, data.file_data)
            material.file_data = data.file_data
    if kind == Material.Kind.FILE and not material.file_data and "file" not in errors:
        errors["file"] = gettext("Choose a file to upload (at most %(kb)s KB).") % {
            "kb": MATERIAL_FILE_MAX_KB
        }
    if errors:
        raise _fix(errors)
    if kind != Material.Kind.FILE:
        material.file_name, material.file_type, material.file_data = "", "", None
    material.save()
    return material


def staff_material(user: Any, material_id: int) -> Material:
    require_staff(user)
    require_known_ids(material_id)
    material = Material.objects.select_related("module__course").filter(pk=material_id).first()
    if material is None:
        raise NotFound(gettext("Not found."))
    return material


def delete_material(user: Any, material_id: int) -> Module:
    material = staff_material(user, material_id)
    module = material.module
    material.delete()
    return module


def material_file(material: Material) -> tuple[str, str, bytes]:
    """A file material's (name, content type, bytes); NotFound when it holds no file.
    The caller decides who may read it (staff here; enrolled participants in enrolment.py)."""
    if material.kind != Material.Kind.FILE or not material.file_data:
        raise NotFound(gettext("Not found."))
    return (
        material.file_name or "material",
        material.file_type or "application/octet-stream",
        bytes(material.file_data),
    )


def staff_material_file(user: Any, material_id: int) -> tuple[str, str, bytes]:
    return material_file(staff_material(user, material_id))


# --- staff: cohorts, rubric, live sessions ----------------------------------------------------


@dataclass
class CohortInput:
    course_id: object = None
    name: str = ""
    starts_on: object = None  # date or "YYYY-MM-DD"
    language: str = "en"
    capacity: object = 0
    price: object = "0"
    currency: str = "EUR"
    scholarship_full_places: object = 0
    scholarship_partial_places: object = 0
    partial_discount_percent: object = 50
    application_deadline: object = None  # aware datetime, or ISO text (UTC when naive)
    score_max: object = 5
    disagreement_threshold: object = 20
    offer_days: object = 7
    extra: dict[str, Any] = field(default_factory=dict)


def _date(errors: dict[str, str], name: str, value: object, message: str) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        errors[name] = message
        return None


def _moment(
    errors: dict[str, str], name: str, value: object, message: str, zone: Any = None
) -> datetime | None:
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value or "").strip())
        except ValueError:
            errors[name] = message
            return None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=zone or zoneinfo.ZoneInfo("UTC"))
    return moment


def save_cohort(user: Any, cohort_id: int | None, data: CohortInput) -> Cohort:
    """Create a cohort or change one; every field is checked together."""
    require_staff(user)
    cohort = Cohort() if cohort_id is None else staff_cohort(user, cohort_id)
    errors: dict[str, str] = {}
    course_id = data.course_id if data.course_id not in (None, "") else cohort.course_id
    try:
        course = Course.objects.filter(pk=int(str(course_id))).first()
    except (TypeError, ValueError, OverflowError):
        course = None
    if course is None:
        errors["course"] = gettext("Choose the course this cohort runs.")
    cohort.name = _text(
        errors,
        "name",
        data.name,
        MAX_TITLE,
        one_line=True,
        required=gettext("Give the cohort a name, for example Spring 2027."),
    )
    starts_on = _date(
        errors,
        "starts_on",
        data.starts_on,
        gettext("Write the start date as a date, for example 2027-03-01."),
    )
    language = str(data.language or "").strip().lower()
    if language not in dict(settings.LANGUAGES):
        errors["language"] = gettext("Choose one of the languages in the list.")
    number = gettext("Write a whole number from %(low)s to %(high)s.")
    capacity = _whole(
        errors, "capacity", data.capacity, 1, 10000, number % {"low": 1, "high": 10000}
    )
    full = _whole(
        errors,
        "scholarship_full_places",
        data.scholarship_full_places,
        0,
        10000,
        number % {"low": 0, "high": 10000},
    )
    partial = _whole(
        errors,
        "scholarship_partial_places",
        data.scholarship_partial_places,
        0,
        10000,
        number % {"low": 0, "high": 10000},
    )
    percent = _whole(
        errors,
        "partial_discount_percent",
        data.partial_discount_percent,
        1,
        99,
        number % {"low": 1, "high": 99},
    )
    score_max = _whole(
        errors, "score_max", data.score_max, 1, 100, number % {"low": 1, "high": 100}
    )
    threshold = _whole(
        errors,
        "disagreement_threshold",
        data.disagreement_threshold,
        0,
        100,
        number % {"low": 0, "high": 100},
    )
    offer_days = _whole(
        errors, "offer_days", data.offer_days, 1, 90, number % {"low": 1, "high": 90}
    )
    try:
        price = Decimal(str(data.price).strip().replace(",", "."))
        if not price.is_finite() or price < 0 or price >= Decimal("100000000"):
            raise InvalidOperation
        price = price.quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        errors["price"] = gettext("Write the price as a number, for example 900 or 900.00.")
        price = Decimal("0")
    currency = str(data.currency or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        errors["currency"] = gettext("Write the currency as three letters, for example EUR.")
    deadline = _moment(
        errors,
        "application_deadline",
        data.application_deadline,
        gettext("Write the deadline as a date and time, for example 2027-02-01 23:59."),
    )
    if "capacity" not in errors and full + partial > capacity:
        errors["scholarship_full_places"] = gettext(
            "There are more scholarship places than places in the cohort (%(capacity)s)."
        ) % {"capacity": capacity}
    if starts_on and deadline and deadline.date() > starts_on:
        errors["application_deadline"] = gettext(
            "The deadline is after the start date. Set it before the cohort starts."
        )
    if errors:
        raise _fix(errors)
    assert course is not None and starts_on is not None and deadline is not None
    cohort.course = course
    cohort.starts_on = starts_on
    cohort.language = language
    cohort.capacity = capacity
    cohort.price = price
    cohort.currency = currency
    cohort.scholarship_full_places = full
    cohort.scholarship_partial_places = partial
    cohort.partial_discount_percent = percent
    cohort.application_deadline = deadline
    cohort.score_max = score_max
    cohort.disagreement_threshold = threshold
    cohort.offer_days = offer_days
    cohort.save()
    return cohort


@dataclass
class CriterionInput:
    name: str = ""
    description: str = ""
    weight: object = 1
    position: object = 1


def _rubric_fixed(cohort: Cohort) -> None:
    # Once reviewers score, a changed rubric would make their scores mean something else.
    if cohort.applications_closed_at is not None:
        raise Conflict(
            gettext("Review has started: the rubric cannot change now that scores are given.")
        )


def save_criterion(
    user: Any, cohort_id: int | None, criterion_id: int | None, data: CriterionInput
) -> Criterion:
    require_staff(user)
    if criterion_id is not None:
        criterion = staff_criterion(user, criterion_id)
    else:
        criterion = Criterion(cohort=staff_cohort(user, cohort_id or 0))
    _rubric_fixed(criterion.cohort)
    errors: dict[str, str] = {}
    criterion.name = _text(
        errors,
        "name",
        data.name,
        MAX_CRITERION_NAME,
        one_line=True,
        required=gettext("Name the criterion, for example Experience."),
    )
    criterion.description = _text(errors, "description", data.description, MAX_SUMMARY)
    criterion.weight = _whole(
        errors,
        "weight",
        data.weight,
        1,
        100,
        gettext("Write the weight as a number from 1 to 100."),
    )
    criterion.position = _whole(
        errors,
        "position",
        data.position,
        1,
        99,
        gettext("Write the order as a number from 1 to 99."),
    )
    if errors:
        raise _fix(errors)
    criterion.save()
    return criterion


def staff_criterion(user: Any, criterion_id: int) -> Criterion:
    require_staff(user)
    require_known_ids(criterion_id)
    criterion = Criterion.objects.select_related("cohort").filter(pk=criterion_id).first()
    if criterion is None:
        raise NotFound(gettext("Not found."))
    return criterion


def delete_criterion(user: Any, criterion_id: int) -> Cohort:
    criterion = staff_criterion(user, criterion_id)
    _rubric_fixed(criterion.cohort)
    cohort = criterion.cohort
    criterion.delete()
    return cohort


@dataclass
class SessionInput:
    title: str = ""
    starts_at: object = None  # local date and time in `time_zone` ("2027-03-02T18:00")
    time_zone: str = "UTC"
    duration_minutes: object = 90
    meeting_link: str = ""
    module_id: object = None


def valid_time_zone(name: str) -> zoneinfo.ZoneInfo | None:
    name = (name or "").strip()
    if not name or len(name) > 64 or name.startswith("/") or ".." in name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return None


def save_session(
    user: Any, cohort_id: int | None, session_id: int | None, data: SessionInput
) -> LiveSession:
    """Add a live session to a cohort or change one. Its start is written in its own time
    zone (an IANA name such as Europe/Prague)."""
    require_staff(user)
    if session_id is not None:
        session = staff_session(user, session_id)
    else:
        session = LiveSession(cohort=staff_cohort(user, cohort_id or 0))
    errors: dict[str, str] = {}
    session.title = _text(
        errors,
        "title",
        data.title,
        MAX_TITLE,
        one_line=True,
        required=gettext("Give the session a title."),
    )
    zone_name = str(data.time_zone or "").strip()
    zone = valid_time_zone(zone_name)
    if zone is None:
        errors["time_zone"] = gettext(
            "Write a time zone by its name, for example Europe/Prague or America/New_York."
        )
    starts_at = _moment(
        errors,
        "starts_at",
        data.starts_at,
        gettext("Write the start as a date and time, for example 2027-03-02 18:00."),
        zone,
    )
    session.duration_minutes = _whole(
        errors,
        "duration_minutes",
        data.duration_minutes,
        5,
        600,
        gettext("Write the length in minutes, from 5 to 600."),
    )
    link = _text(errors, "meeting_link", data.meeting_link, 200, one_line=True)
    if link:
        try:
            URLValidator(schemes=["https", "http"])(link)
        except ValidationError:
            errors["meeting_link"] = gettext(
                "Write a whole web address, for example https://meet.example.org/room."
            )
    module = None
    if data.module_id not in (None, ""):
        try:
            module = Module.objects.filter(
                pk=int(str(data.module_id)), course_id=session.cohort.course_id
            ).first()
        except (TypeError, ValueError, OverflowError):
            module = None
        if module is None:
            errors["module"] = gettext("Choose one of this course's modules, or none.")
    if errors:
        raise _fix(errors)
    assert starts_at is not None and zone is not None
    session.time_zone = zone_name
    session.starts_at = starts_at
    session.meeting_link = link
    session.module = module
    session.save()
    return session


def staff_session(user: Any, session_id: int) -> LiveSession:
    require_staff(user)
    require_known_ids(session_id)
    session = LiveSession.objects.select_related("cohort__course").filter(pk=session_id).first()
    if session is None:
        raise NotFound(gettext("Not found."))
    return session


def delete_session(user: Any, session_id: int) -> Cohort:
    session = staff_session(user, session_id)
    cohort = session.cohort
    session.delete()
    return cohort
