"""Blind review: who reviews which application, what a reviewer may read of it, their scores,
recusals and conflicts, and how far review has come.

Reviewers know an application by its reference only. Everything they read goes through
`blind_view`, which leaves out the identifying fields and removes every identifying value from
the answers they do read (`redact`). The arithmetic (weighted scores, disagreement, the final
score) is closedset.core.awards'.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy, gettext_noop, ngettext, pgettext_lazy

from closedset.academy.models import (
    AcademyRole,
    Application,
    Cohort,
    Criterion,
    ReviewAssignment,
    ReviewerConflict,
    Score,
)
from closedset.academy.roles import is_reviewer, is_staff
from closedset.academy.services import plain_text
from closedset.academy.status import change_status
from closedset.core import awards
from closedset.lib.errors import Conflict, Forbidden, InvalidInput, NotFound, require_known_ids
from closedset.lib.i18n import interpolate_lazy

# What stands where an identifying value was, in the reader's language.
REMOVED = gettext_noop("[removed]")
# Rounds 1 and 2 are the pair every application gets; 3 is called when they disagree.
PAIR = (1, 2)
THIRD = 3
COMMENT_MAX = 5000
CONFLICT_NAME_MAX = 200

NOT_A_REVIEWER = gettext_noop("This page is for academy reviewers.")
NOT_FOUND = gettext_noop("Not found.")


# ---------------------------------------------------------------- who may do what


def require_reviewer(user: Any) -> None:
    if not is_reviewer(user):
        raise Forbidden(NOT_A_REVIEWER)


# ---------------------------------------------------------------- matching people

_LOOKALIKES = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "\u2010": "-",
        "\u2011": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
        # A zero-width space still parts two words, though nothing shows.
        "\u200b": " ",
        # Letters NFKD does not take apart: written plainly as often as not.
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ħ": "h",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ı": "i",
        "þ": "th",
        "Þ": "TH",
    }
)


def _fold_char(char: str) -> str:
    """One character as compared: no accents, no case, look-alike punctuation made plain;
    invisible format characters (zero-width spaces, soft hyphens, direction marks) count as
    nothing, so "Ana\u200bLima" is still Ana Lima."""
    char = char.translate(_LOOKALIKES)
    if len(char) == 1 and unicodedata.category(char) == "Cf":
        return ""
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def fold(text: str) -> str:
    """Text as people are matched: case, accents and runs of white space do not count."""
    return " ".join("".join(_fold_char(c) for c in text).split())


def _same_person(conflict: ReviewerConflict, names: set[str], emails: set[str]) -> bool:
    return bool(
        (conflict.name and fold(conflict.name) in names)
        or (conflict.email and fold(conflict.email) in emails)
    )


def _who(application: Application) -> tuple[set[str], set[str]]:
    applicant = application.applicant
    names = {fold(v) for v in (application.full_name, applicant.display_name) if v.strip()}
    emails = {fold(v) for v in (application.email, applicant.email) if v.strip()}
    return names, emails


def conflicted(reviewer: Any, application: Application) -> bool:
    """True when the reviewer must not review this application: it is their own, they applied
    to the same cohort (a rival for its places), or they declared a conflict with someone of its
    name or e-mail address."""
    names, emails = _who(application)
    if application.applicant_id == reviewer.pk or fold(reviewer.email) in emails:
        return True
    if Application.objects.filter(cohort_id=application.cohort_id, applicant=reviewer).exists():
        return True
    return any(
        _same_person(conflict, names, emails)
        for conflict in ReviewerConflict.objects.filter(reviewer=reviewer)
    )


# ---------------------------------------------------------------- redaction


_NOT_ALNUM_BEFORE = r"(?<![^\W_])"
_NOT_ALNUM_AFTER = r"(?![^\W_])"
_PHONE_RUN = re.compile(r"\d(?:[\s().\-/]*\d)*")
_LETTERS = re.compile(r"[^\W\d_]+")
_LINK_SPLIT = re.compile(r"[\s,;]+")
# The digits of a phone number that identify it whatever the country prefix written.
_PHONE_KEY_DIGITS = 7
_PHONE_PART_MIN = 6


@dataclass(frozen=True)
class Identity:
    """Everything that tells who an applicant is, as matched against their answers."""

    phrases: tuple[str, ...]  # matched anywhere (e-mail addresses, links, hosts)
    words: tuple[str, ...]  # matched as whole words (names, name words, places, handle)
    phone: str  # digits only


def _phrase(value: str) -> str:
    return r"\s+".join(re.escape(part) for part in fold(value).split(" "))


def _host(link: str) -> str:
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", fold(link))
    host = re.split(r"[/?#]", text, maxsplit=1)[0].split("@")[-1].split(":")[0]
    return host


def identity_of(application: Application) -> Identity:
    applicant = application.applicant
    phrases: set[str] = set()
    words: set[str] = set()
    for name in (application.full_name, applicant.display_name):
        if name.strip():
            folded = fold(name)
            words.add(folded)
            # Each word, and each part of a compound name ("o'brien-strasse", "o'brien").
            pieces = folded.split() + re.split(r"[\s\-]+", folded) + _LETTERS.findall(folded)
            words.update(w for w in pieces if sum(c.isalpha() for c in w) >= 3)
    for email in {application.email, applicant.email}:
        if email.strip():
            phrases.add(fold(email))
            local = fold(email).split("@")[0]
            words.add(local)
            words.update(w for w in re.split(r"[._+\-]+", local) if len(w) >= 3)
    if applicant.handle and len(applicant.handle) >= 3:
        words.add(fold(applicant.handle))
    if application.location.strip():
        words.add(fold(application.location))
        words.update(fold(part) for part in re.split(r"[,;/\n]+", application.location))
    for link in _LINK_SPLIT.split(application.links or ""):
        if not link.strip():
            continue
        phrases.add(fold(link))
        # As it is often written: no scheme, no "www.".
        bare = re.sub(r"^(?:[a-z][a-z0-9+.-]*://)?(?:www\.)?", "", fold(link)).rstrip("/")
        if bare:
            phrases.add(bare)
        host = _host(link)
        if host:
            phrases.add(host)
            if host.startswith("www."):
                phrases.add(host[4:])
    phone = re.sub(r"\D", "", application.phone or "")
    return Identity(
        phrases=tuple(sorted(p for p in phrases if p)),
        words=tuple(sorted(w for w in words if w.strip())),
        phone=phone,
    )


# Embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): removed from what a
# reviewer reads. The plain direction marks (U+200E, U+200F) change no order and may stay.
BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def _phone_matches(digits: str, phone: str) -> bool:
    if not phone or not digits:
        return False
    if len(phone) < _PHONE_PART_MIN:
        return digits == phone
    key = phone[-_PHONE_KEY_DIGITS:]
    if len(key) >= _PHONE_PART_MIN and key in digits:
        return True
    return len(digits) >= _PHONE_PART_MIN and digits in phone


def redact(text: str, identity: Identity) -> str:
    """`text` with every identifying value of `identity` replaced by "[removed]": whatever
    its case, accents or spacing, with the punctuation around it left as it was; a phone
    number however it is written (spaces, dashes, brackets, with or without country code)."""
    if not text:
        return text
    # Text that reorders itself on screen would show a name the filter never saw written.
    text = text.translate(BIDI_CONTROLS)
    # The folded text, and for each of its characters the original one it came from.
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for piece in _fold_char(char):
            folded.append(piece)
            origin.append(index)
    haystack = "".join(folded)
    spans: list[tuple[int, int]] = []
    patterns = [_phrase(p) for p in identity.phrases] + [
        _NOT_ALNUM_BEFORE + _phrase(w) + _NOT_ALNUM_AFTER for w in identity.words
    ]
    for pattern in patterns:
        for match in re.finditer(pattern, haystack):
            if match.end() > match.start():
                spans.append((origin[match.start()], origin[match.end() - 1] + 1))
    for match in _PHONE_RUN.finditer(haystack):
        digits = re.sub(r"\D", "", match.group())
        if _phone_matches(digits, identity.phone):
            start = match.start()
            # A "+" written before the number goes with it.
            if start and haystack[start - 1] == "+":
                start -= 1
            spans.append((origin[start], origin[match.end() - 1] + 1))
    if not spans:
        return text
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out: list[str] = []
    last = 0
    for start, end in merged:
        out.append(text[last:start])
        out.append(gettext(REMOVED))
        last = end
    out.append(text[last:])
    return "".join(out)


# ---------------------------------------------------------------- what a reviewer reads


@dataclass(frozen=True)
class RubricLine:
    id: int
    name: str
    description: str
    weight: int


@dataclass(frozen=True)
class BlindView:
    """An application as its reviewer sees it: nothing that tells who applied."""

    assignment_id: int
    reference: str
    cohort: str
    round: int
    background: str
    motivation: str
    scholarship: str  # '', 'full', 'partial'
    scholarship_label: str
    scholarship_reason: str
    score_max: int
    rubric: tuple[RubricLine, ...]
    submitted_at: Any
    scores: dict[int, int]
    comment: str
    weighted: Fraction | None

    @property
    def is_open(self) -> bool:
        return self.submitted_at is None


def rubric(cohort: Cohort) -> tuple[RubricLine, ...]:
    return tuple(
        RubricLine(c.pk, c.name, c.description, c.weight)
        for c in Criterion.objects.filter(cohort=cohort)
    )


def _weights(lines: Sequence[RubricLine]) -> list[Any]:
    return [awards.Weight(str(line.id), line.weight) for line in lines]


def assignment_score(assignment: ReviewAssignment) -> Fraction:
    """The reviewer's weighted score (0-100) of a submitted assignment."""
    cohort = assignment.application.cohort
    values = {str(s.criterion_id): s.value for s in assignment.scores.all()}
    # The lines it was scored on (a line added to the rubric later does not undo a score).
    lines = [line for line in rubric(cohort) if str(line.id) in values]
    return awards.weighted_score(values, _weights(lines), cohort.score_max)


def blind_view(assignment: ReviewAssignment) -> BlindView:
    application = assignment.application
    cohort = application.cohort
    identity = identity_of(application)
    scores = {s.criterion_id: s.value for s in assignment.scores.all()}
    submitted = assignment.submitted_at is not None
    return BlindView(
        assignment_id=assignment.pk,
        reference=application.reference,
        cohort=str(cohort.name),
        round=assignment.round,
        background=redact(application.background, identity),
        motivation=redact(application.motivation, identity),
        scholarship=application.scholarship,
        scholarship_label=str(application.get_scholarship_display()),
        scholarship_reason=redact(application.scholarship_reason, identity),
        score_max=cohort.score_max,
        rubric=rubric(cohort),
        submitted_at=assignment.submitted_at,
        scores=scores,
        # The reviewer's own words, read through the same filter.
        comment=redact(assignment.comment, identity),
        weighted=assignment_score(assignment) if submitted else None,
    )


def _mine(reviewer: Any) -> QuerySet[ReviewAssignment]:
    return ReviewAssignment.objects.filter(reviewer=reviewer, recused_at__isnull=True)


def assignments_of(reviewer: Any) -> tuple[list[ReviewAssignment], list[ReviewAssignment]]:
    """The reviewer's open and done assignments (recused ones are no longer theirs)."""
    require_reviewer(reviewer)
    rows = list(
        _mine(reviewer)
        .select_related("application__cohort")
        # By the random reference, never by when it came: the order tells nothing of when
        # anyone applied.
        .order_by("application__cohort__starts_on", "application__reference", "pk")
    )
    # An application staff took out of review (declined) waits for nobody's scores.
    return (
        [
            a
            for a in rows
            if a.submitted_at is None and a.application.status == Application.Status.UNDER_REVIEW
        ],
        [a for a in rows if a.submitted_at is not None],
    )


def assignment_for(reviewer: Any, assignment_id: int) -> ReviewAssignment:
    """One of the reviewer's own assignments; anyone else's, a recused one or one whose
    applicant they declared a conflict with is not found."""
    require_reviewer(reviewer)
    require_known_ids(assignment_id)
    assignment = (
        _mine(reviewer)
        .select_related("application__cohort", "application__applicant")
        .filter(pk=assignment_id)
        .first()
    )
    if assignment is None or conflicted(reviewer, assignment.application):
        raise NotFound(NOT_FOUND)
    return assignment


def view_for(reviewer: Any, assignment_id: int) -> BlindView:
    return blind_view(assignment_for(reviewer, assignment_id))


# ---------------------------------------------------------------- assigning reviewers


def _reviewers() -> list[Any]:
    from closedset.accounts.models import User

    return list(
        User.objects.filter(is_active=True, academy_roles__role=AcademyRole.Kind.REVIEWER).order_by(
            "pk"
        )
    )


def _open_load(reviewers: Iterable[Any]) -> dict[int, int]:
    ids = [r.pk for r in reviewers]
    rows = (
        ReviewAssignment.objects.filter(
            reviewer_id__in=ids, submitted_at__isnull=True, recused_at__isnull=True
        )
        .values("reviewer_id")
        .annotate(n=Count("pk"))
    )
    load = dict.fromkeys(ids, 0)
    load.update({row["reviewer_id"]: row["n"] for row in rows})
    return load


def _eligible(
    application: Application,
    reviewers: Sequence[Any],
    conflicts: Mapping[int, list[ReviewerConflict]],
    involved: set[int],
) -> list[Any]:
    names, emails = _who(application)
    # Someone who applied to the cohort competes for its places: they review none of it.
    rivals = set(
        Application.objects.filter(cohort_id=application.cohort_id).values_list(
            "applicant_id", flat=True
        )
    )
    return [
        reviewer
        for reviewer in reviewers
        if reviewer.pk not in involved
        and reviewer.pk not in rivals
        and fold(reviewer.email) not in emails
        and not any(_same_person(c, names, emails) for c in conflicts.get(reviewer.pk, ()))
    ]


def _conflicts_by_reviewer(reviewers: Sequence[Any]) -> dict[int, list[ReviewerConflict]]:
    found: dict[int, list[ReviewerConflict]] = {}
    for conflict in ReviewerConflict.objects.filter(reviewer__in=reviewers):
        found.setdefault(conflict.reviewer_id, []).append(conflict)
    return found


def _least_loaded(candidates: Sequence[Any], load: Mapping[int, int], count: int) -> list[Any]:
    # Fewest open assignments first; equal loads by who became a user first (lowest id).
    return sorted(candidates, key=lambda r: (load[r.pk], r.pk))[:count]


def _waiting_text(count: int, cohort: str) -> str:
    return ngettext(
        "%(count)d application of %(cohort)s waits for your review. You see no names: if you"
        " recognise the person anyway, say so on its page and someone else reviews it.",
        "%(count)d applications of %(cohort)s wait for your review. You see no names: if you"
        " recognise a person anyway, say so on its page and someone else reviews it.",
        count,
    ) % {"count": count, "cohort": cohort}


# Written when shown, in the reviewer's language (notices.notify picks it).
_waiting_lazy = lazy(_waiting_text, str)


def _tell_reviewers(cohort: Cohort, counts: Mapping[Any, int]) -> None:
    from closedset.notices.models import Kind
    from closedset.notices.services import notify

    for reviewer, count in counts.items():
        notify(
            reviewer,
            Kind.REVIEW_ASSIGNED,
            subject=interpolate_lazy(
                pgettext_lazy("mail subject", "Applications to review: %(cohort)s"),
                cohort=cohort.course.title,
            ),
            body=_waiting_lazy(count, str(cohort.name)),
            url=reverse("review:list"),
        )


def start_review(cohort: Cohort) -> list[ReviewAssignment]:
    """Every submitted application of the cohort goes under review with two reviewers each
    (rounds 1 and 2): fewest open assignments first, never their own application nor anyone
    they declared a conflict with. All or nothing: when some application has fewer than two
    reviewers who may take it, Conflict and nothing changes. Each reviewer is told once."""
    with transaction.atomic():
        cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
        applications = list(
            Application.objects.select_for_update(of=("self",))
            .filter(cohort=cohort, status=Application.Status.SUBMITTED)
            .select_related("applicant", "cohort__course")
            .order_by("submitted_at", "pk")
        )
        if not applications:
            return []
        if not Criterion.objects.filter(cohort=cohort, weight__gt=0).exists():
            raise Conflict(
                gettext_noop(
                    "This cohort has no review rubric yet. Add at least one criterion with a"
                    " weight above zero, then close applications again."
                )
            )
        reviewers = _reviewers()
        conflicts = _conflicts_by_reviewer(reviewers)
        load = _open_load(reviewers)
        plan: list[tuple[Application, list[Any]]] = []
        for application in applications:
            involved = set(
                ReviewAssignment.objects.filter(application=application).values_list(
                    "reviewer_id", flat=True
                )
            )
            chosen = _least_loaded(
                _eligible(application, reviewers, conflicts, involved), load, len(PAIR)
            )
            if len(chosen) < len(PAIR):
                raise Conflict(
                    gettext_noop(
                        "Review cannot start: some applications have fewer than two reviewers"
                        " who may review them (reviewers never review themselves or people"
                        " they declared they know). Add reviewers to the academy, then close"
                        " applications again. Nothing was changed."
                    )
                )
            for reviewer in chosen:
                load[reviewer.pk] += 1
            plan.append((application, chosen))
        made: list[ReviewAssignment] = []
        told: dict[Any, int] = {}
        for application, chosen in plan:
            change_status(application, Application.Status.UNDER_REVIEW)
            for round_, reviewer in zip(PAIR, chosen, strict=True):
                made.append(
                    ReviewAssignment.objects.create(
                        application=application, reviewer=reviewer, round=round_
                    )
                )
                told[reviewer] = told.get(reviewer, 0) + 1
        _tell_reviewers(cohort, told)
        return made


def _assign_one(application: Application, round_: int) -> ReviewAssignment | None:
    """A reviewer not yet involved with the application takes `round_` (fewest open
    assignments first); None when nobody may. The caller holds the application's lock."""
    reviewers = _reviewers()
    involved = set(
        ReviewAssignment.objects.filter(application=application).values_list(
            "reviewer_id", flat=True
        )
    )
    candidates = _eligible(application, reviewers, _conflicts_by_reviewer(reviewers), involved)
    chosen = _least_loaded(candidates, _open_load(candidates), 1)
    if not chosen:
        return None
    assignment = ReviewAssignment.objects.create(
        application=application, reviewer=chosen[0], round=round_
    )
    _tell_reviewers(application.cohort, {chosen[0]: 1})
    return assignment


def _pair_scores(application: Application) -> list[Fraction]:
    pair = (
        ReviewAssignment.objects.filter(
            application=application,
            round__in=PAIR,
            recused_at__isnull=True,
            submitted_at__isnull=False,
        )
        .select_related("application__cohort")
        .prefetch_related("scores")
    )
    return [assignment_score(a) for a in pair]


def _missing_rounds(application: Application) -> list[int]:
    """The rounds that still need a reviewer: one of the pair lost to a recusal, or a third
    when the pair disagree beyond the cohort's threshold."""
    active = set(
        ReviewAssignment.objects.filter(
            application=application, recused_at__isnull=True
        ).values_list("round", flat=True)
    )
    missing = [r for r in PAIR if r not in active]
    if not missing and THIRD not in active:
        scores = _pair_scores(application)
        if len(scores) == len(PAIR) and awards.disagree(
            scores, application.cohort.disagreement_threshold
        ):
            missing.append(THIRD)
    return missing


def _fill(application: Application) -> list[ReviewAssignment]:
    made = []
    for round_ in _missing_rounds(application):
        assignment = _assign_one(application, round_)
        if assignment is not None:
            made.append(assignment)
    return made


def _lock_application(application_id: int) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("cohort__course", "applicant")
        .get(pk=application_id)
    )


def fill_gaps(cohort: Cohort) -> int:
    """Staff, after adding reviewers: every application under review that lacks a reviewer
    (after recusals, or a third after disagreement) gets one where someone may. Returns how
    many assignments were made."""
    made = 0
    ids = Application.objects.filter(
        cohort=cohort, status=Application.Status.UNDER_REVIEW
    ).values_list("pk", flat=True)
    for application_id in list(ids):
        with transaction.atomic():
            made += len(_fill(_lock_application(application_id)))
    return made


# ---------------------------------------------------------------- scoring, recusing, conflicts


def _whole_number(text: str) -> int | None:
    """A score typed as text: plain digits only (not "²", not thousands of digits)."""
    text = text.strip()
    if not (0 < len(text) <= 6 and text.isascii() and text.isdigit()):
        return None
    return int(text)


def _scores_from(
    raw: Mapping[Any, Any], lines: Sequence[RubricLine], score_max: int
) -> dict[int, int]:
    by_id = {str(line.id): line for line in lines}
    errors: dict[str, str] = {}
    values: dict[int, int] = {}
    for key in raw:
        if str(key) not in by_id:
            errors[str(key)] = gettext_noop("This is not a line of this cohort's rubric.")
    for key, line in by_id.items():
        value = raw[key] if key in raw else raw.get(line.id)
        if isinstance(value, str):
            value = _whole_number(value)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= score_max:
            errors[key] = interpolate_lazy(
                gettext_lazy("Give %(criterion)s a whole number from 0 to %(max)s."),
                criterion=line.name,
                max=score_max,
            )
            continue
        values[line.id] = value
    if errors:
        raise InvalidInput(
            gettext_noop("Some scores are missing or out of range; nothing was saved."),
            {k: str(v) for k, v in errors.items()},
        )
    return values


def submit_scores(
    reviewer: Any, assignment_id: int, scores: Mapping[Any, Any], comment: str = ""
) -> ReviewAssignment:
    """Score every line of the rubric (0..score_max) and optionally comment: final once in.
    After the second score of an application, a disagreement beyond the cohort's threshold
    calls a third reviewer."""
    require_reviewer(reviewer)
    require_known_ids(assignment_id)
    comment = plain_text(comment)
    if len(comment) > COMMENT_MAX:
        raise InvalidInput(
            gettext_noop("Your comment is too long; keep it under 5000 characters."),
            {"comment": gettext_noop("Keep it under 5000 characters.")},
        )
    with transaction.atomic():
        found = _mine(reviewer).filter(pk=assignment_id).values_list("application_id", flat=True)
        application_id = found.first()
        if application_id is None:
            raise NotFound(NOT_FOUND)
        # The application first, then the assignment: two reviewers of one application and
        # two tabs of one reviewer take their turns, and each sees what the other saved.
        application = _lock_application(application_id)
        assignment = ReviewAssignment.objects.select_for_update().filter(pk=assignment_id).first()
        if (
            assignment is None
            or assignment.recused_at is not None
            or conflicted(reviewer, application)
        ):
            raise NotFound(NOT_FOUND)
        if assignment.submitted_at is not None:
            raise Conflict(
                gettext_noop("Your scores for this application are already in; they are final.")
            )
        if application.status != Application.Status.UNDER_REVIEW:
            raise Conflict(gettext_noop("Review of this application has ended."))
        cohort = application.cohort
        values = _scores_from(scores, rubric(cohort), cohort.score_max)
        try:
            with transaction.atomic():
                Score.objects.bulk_create(
                    Score(assignment=assignment, criterion_id=cid, value=value)
                    for cid, value in values.items()
                )
        except IntegrityError as error:
            raise Conflict(
                gettext_noop("Your scores for this application are already in; they are final.")
            ) from error
        assignment.submitted_at = timezone.now()
        assignment.comment = comment
        assignment.save(update_fields=["submitted_at", "comment"])
        _fill(application)
    return assignment


def recuse(reviewer: Any, assignment_id: int) -> ReviewAssignment | None:
    """ "I know this person": the assignment is no longer the reviewer's and another reviewer
    who may takes its round. Returns the new assignment, or None when nobody may yet (staff
    see that it waits for a reviewer)."""
    require_reviewer(reviewer)
    require_known_ids(assignment_id)
    with transaction.atomic():
        application_id = (
            _mine(reviewer).filter(pk=assignment_id).values_list("application_id", flat=True)
        ).first()
        if application_id is None:
            raise NotFound(NOT_FOUND)
        application = _lock_application(application_id)
        assignment = ReviewAssignment.objects.select_for_update().get(pk=assignment_id)
        if assignment.recused_at is not None:
            raise NotFound(NOT_FOUND)
        if assignment.submitted_at is not None:
            raise Conflict(
                gettext_noop(
                    "Your scores for this application are already in. If you know this"
                    " person, tell academy staff."
                )
            )
        return _recuse(assignment, application)


def _recuse(assignment: ReviewAssignment, application: Application) -> ReviewAssignment | None:
    assignment.recused_at = timezone.now()
    assignment.save(update_fields=["recused_at"])
    if application.status != Application.Status.UNDER_REVIEW:
        return None
    made = _fill(application)
    return next((a for a in made if a.round == assignment.round), None)


def release_open_assignments(reviewer: Any) -> int:
    """The person reviews no more (their account is erased): each open assignment is passed
    on as if they had recused, so no application waits for them for ever. Returns how many."""
    released = 0
    open_ids = list(
        _mine(reviewer).filter(submitted_at__isnull=True).values_list("pk", "application_id")
    )
    for assignment_id, application_id in open_ids:
        with transaction.atomic():
            application = _lock_application(application_id)
            assignment = ReviewAssignment.objects.select_for_update().get(pk=assignment_id)
            if assignment.recused_at is not None or assignment.submitted_at is not None:
                continue
            _recuse(assignment, application)
            released += 1
    return released


def conflicts_of(reviewer: Any) -> list[ReviewerConflict]:
    require_reviewer(reviewer)
    return list(ReviewerConflict.objects.filter(reviewer=reviewer).order_by("created_at", "pk"))


@dataclass
class Declared:
    conflict: ReviewerConflict
    # How many open assignments went to someone else because of it.
    passed_on: int = 0
    replaced: list[ReviewAssignment] = field(default_factory=list)


def declare_conflict(reviewer: Any, name: str = "", email: str = "") -> Declared:
    """Someone the reviewer knows, by name, e-mail address or both: their application is
    never given to this reviewer, and an open assignment that matches is passed on now."""
    require_reviewer(reviewer)
    name = " ".join(plain_text(name).split())
    email = plain_text(email)
    errors: dict[str, str] = {}
    if not name and not email:
        raise InvalidInput(
            gettext_noop("Give the person's name, their e-mail address, or both."),
            {"name": gettext_noop("Give a name or an e-mail address.")},
        )
    if len(name) > CONFLICT_NAME_MAX:
        errors["name"] = gettext_noop("Keep the name under 200 characters.")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = gettext_noop(
                "This does not look like an e-mail address, e.g. name@example.org."
            )
    if errors:
        raise InvalidInput(gettext_noop("Please correct the marked fields."), errors)
    with transaction.atomic():
        conflict = ReviewerConflict.objects.create(reviewer=reviewer, name=name, email=email)
        declared = Declared(conflict)
        open_ids = list(
            _mine(reviewer).filter(submitted_at__isnull=True).values_list("pk", "application_id")
        )
        for assignment_id, application_id in open_ids:
            application = _lock_application(application_id)
            names, emails = _who(application)
            if not _same_person(conflict, names, emails):
                continue
            assignment = ReviewAssignment.objects.select_for_update().get(pk=assignment_id)
            if assignment.recused_at is not None or assignment.submitted_at is not None:
                continue
            replacement = _recuse(assignment, application)
            declared.passed_on += 1
            if replacement is not None:
                declared.replaced.append(replacement)
    return declared


# ---------------------------------------------------------------- progress, for staff and awards


def _under_review(cohort: Cohort) -> Any:
    return Application.objects.filter(cohort=cohort, status=Application.Status.UNDER_REVIEW)


def review_complete(cohort: Cohort) -> bool:
    """Every application under review has all its reviewers' scores in and needs no other
    reviewer (after a recusal or a disagreement)."""
    for application in _under_review(cohort).select_related("cohort"):
        waiting = ReviewAssignment.objects.filter(
            application=application, recused_at__isnull=True, submitted_at__isnull=True
        ).exists()
        if waiting or _missing_rounds(application):
            return False
    return True


def final_scores(cohort: Cohort) -> dict[int, Fraction]:
    """Application pk -> the mean (core.awards.final_score) of its reviewers' weighted scores,
    for every application of the cohort with at least one score in."""
    done = (
        ReviewAssignment.objects.filter(
            application__cohort=cohort, recused_at__isnull=True, submitted_at__isnull=False
        )
        .select_related("application__cohort")
        .prefetch_related("scores")
        .order_by("application_id", "round", "pk")
    )
    by_application: dict[int, list[Fraction]] = {}
    for assignment in done:
        by_application.setdefault(assignment.application_id, []).append(
            assignment_score(assignment)
        )
    return {pk: awards.final_score(scores) for pk, scores in by_application.items()}


@dataclass(frozen=True)
class ReviewerLine:
    name: str
    round: int
    state: str  # 'open', 'done', 'recused'
    state_label: str
    score: Fraction | None


@dataclass(frozen=True)
class ApplicationProgress:
    reference: str
    status_label: str
    reviewers: tuple[ReviewerLine, ...]
    disagreement: bool
    needs_reviewer: bool
    complete: bool
    final: Fraction | None


@dataclass(frozen=True)
class ReviewProgress:
    applications: int
    complete: int
    waiting_for_scores: int
    needs_reviewer: int
    disagreements: int
    open_assignments: int
    done_assignments: int
    recused: int
    rows: tuple[ApplicationProgress, ...]

    @property
    def all_complete(self) -> bool:
        return self.applications > 0 and self.complete == self.applications


STATE_LABELS = {
    "open": pgettext_lazy("review state", "waiting for scores"),
    "done": pgettext_lazy("review state", "scored"),
    "recused": pgettext_lazy("review state", "passed on (knows the person)"),
}


def review_progress(cohort: Cohort) -> ReviewProgress:
    """Counts and one line per application (by reference) of the cohort's review."""
    applications = list(
        Application.objects.filter(cohort=cohort)
        .filter(Q(status=Application.Status.UNDER_REVIEW) | Q(assignments__isnull=False))
        .distinct()
        .select_related("cohort")
        .order_by("reference")
    )
    assignments = (
        ReviewAssignment.objects.filter(application__cohort=cohort)
        .select_related("reviewer", "application__cohort")
        .prefetch_related("scores")
        .order_by("round", "assigned_at", "pk")
    )
    by_application: dict[int, list[ReviewAssignment]] = {}
    for assignment in assignments:
        by_application.setdefault(assignment.application_id, []).append(assignment)
    rows = []
    counts = dict.fromkeys(("open", "done", "recused"), 0)
    for application in applications:
        lines = []
        for a in by_application.get(application.pk, []):
            state = "recused" if a.recused_at else ("done" if a.submitted_at else "open")
            counts[state] += 1
            lines.append(
                ReviewerLine(
                    a.reviewer.display_name,
                    a.round,
                    state,
                    str(STATE_LABELS[state]),
                    assignment_score(a) if state == "done" else None,
                )
            )
        under_review = application.status == Application.Status.UNDER_REVIEW
        missing = _missing_rounds(application) if under_review else []
        pair = [line.score for line in lines if line.round in PAIR and line.score is not None]
        disagreement = len(pair) == len(PAIR) and awards.disagree(
            pair, cohort.disagreement_threshold
        )
        done = [line.score for line in lines if line.score is not None]
        waiting = any(line.state == "open" for line in lines)
        complete = bool(done) and not waiting and not missing
        rows.append(
            ApplicationProgress(
                reference=application.reference,
                status_label=str(application.get_status_display()),
                reviewers=tuple(lines),
                disagreement=disagreement,
                needs_reviewer=bool(missing),
                complete=complete,
                final=awards.final_score(done) if complete else None,
            )
        )
    return ReviewProgress(
        applications=len(rows),
        complete=sum(r.complete for r in rows),
        waiting_for_scores=sum(any(x.state == "open" for x in r.reviewers) for r in rows),
        needs_reviewer=sum(r.needs_reviewer for r in rows),
        disagreements=sum(r.disagreement for r in rows),
        open_assignments=counts["open"],
        done_assignments=counts["done"],
        recused=counts["recused"],
        rows=tuple(rows),
    )


def cohort_for_staff(user: Any, cohort_id: int) -> Cohort:
    # As in the rest of the academy's staff area: to anyone else it does not exist.
    if not is_staff(user):
        raise NotFound(NOT_FOUND)
    require_known_ids(cohort_id)
    cohort = Cohort.objects.select_related("course").filter(pk=cohort_id).first()
    if cohort is None:
        raise NotFound(NOT_FOUND)
    return cohort


def export_rows(reviewer: Any) -> list[list[str]]:
    """The reviewer's own submitted scores as CSV rows: references, rubric lines and numbers;
    comments go through the same filter as the pages."""
    _, done = assignments_of(reviewer)
    header = ["reference", "cohort", "round", "submitted_at", "criterion", "score", "weighted"]
    rows = [header]
    for assignment in done:
        view = blind_view(assignment)
        for line in view.rubric:
            rows.append(
                [
                    view.reference,
                    view.cohort,
                    str(view.round),
                    view.submitted_at.isoformat() if view.submitted_at else "",
                    line.name,
                    str(view.scores.get(line.id, "")),
                    f"{float(view.weighted):.2f}" if view.weighted is not None else "",
                ]
            )
    return rows


__all__ = [
    "REMOVED",
    "BlindView",
    "Identity",
    "ReviewProgress",
    "assignment_for",
    "assignments_of",
    "conflicted",
    "conflicts_of",
    "declare_conflict",
    "export_rows",
    "fill_gaps",
    "final_scores",
    "identity_of",
    "recuse",
    "release_open_assignments",
    "redact",
    "review_complete",
    "review_progress",
    "start_review",
    "submit_scores",
    "view_for",
]
