"""The registry: certified coordinators list themselves; producers search and book them.

Rules (docs/academy.md, "The registry"):
- Only a person the academy certified may list, one listing each, and it shows only while
  they still are: certification is checked whenever a listing is read, so a revoked
  certificate hides it at once.
- Withdrawing takes effect at once: search and the listing page no longer find it, and every
  request still waiting for an answer is closed as "no longer listed", its producer told.
- Search and listings are for producers: anyone who produces at least one production. Everyone
  else signed in is refused in words (403): that the registry exists is no secret. A listing
  shows its own fields only: never an e-mail address, a handle or anyone's productions.
- A producer asks a listed coordinator to coordinate one of the productions they produce. The
  coordinator accepts (and becomes its coordinator through productions.services.add_member,
  so separation of duties holds) or declines; the producer is told either way. A request the
  independence rule refuses stays open: nothing changed, and the coordinator may still decline,
  or accept once the conflicting role is given up.
- An API token held to one production reaches only that production's requests; the person's
  own listing belongs to no production, so such a token neither reads nor changes it.
- Names, regions, notes and messages lose control and direction-changing characters on the
  way in, so nothing shown to a producer can read backwards or hide words.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from closedset.lib import scope
from closedset.lib.errors import Conflict, Forbidden, InvalidInput, NotFound, require_known_ids
from closedset.lib.i18n import interpolate_lazy
from closedset.lib.paging import Page, page_of
from closedset.productions.models import Membership, Production, Role
from closedset.registry.models import AVAILABILITY_ORDER, Availability, Booking, Listing, Speciality

# Limits, in characters: enough to say it, short enough to read on a phone.
NAME_MAX = Listing._meta.get_field("display_name").max_length or 80
REGION_MAX = Listing._meta.get_field("region").max_length or 80
NOTE_MAX = Listing._meta.get_field("availability_note").max_length or 200
EXPERIENCE_MAX = 2000
MESSAGE_MAX = 1000
LANGUAGES_MAX = 12
# An unanswered request closes by itself after this many days.
BOOKING_DAYS = 14
PER_PAGE = 20

# Every ISO 639-1 language Django can name (in the reader's language, from its own catalogs).
LANGUAGE_CODES: tuple[str, ...] = tuple(
    sorted(code for code, info in LANG_INFO.items() if len(code) == 2 and "name" in info)
)

SPECIALITY_LABELS: dict[str, Any] = {
    Speciality.ADULT: gettext_lazy("Adult"),
    Speciality.MAINSTREAM: gettext_lazy("Mainstream film/TV"),
    Speciality.THEATRE: gettext_lazy("Theatre"),
}
AVAILABILITY_LABELS: dict[str, Any] = {
    Availability.AVAILABLE: gettext_lazy("Available"),
    Availability.LIMITED: gettext_lazy("Limited availability"),
    Availability.UNAVAILABLE: gettext_lazy("Not taking bookings now"),
}
STATE_LABELS: dict[str, Any] = {
    Booking.State.OPEN: gettext_lazy("Waiting for an answer"),
    Booking.State.ACCEPTED: gettext_lazy("Accepted"),
    Booking.State.DECLINED: gettext_lazy("Declined"),
    Booking.State.UNLISTED: gettext_lazy("No longer listed"),
    Booking.State.CANCELLED: gettext_lazy("Cancelled by the producer"),
    Booking.State.EXPIRED: gettext_lazy("Expired without an answer"),
}

NOT_CERTIFIED = gettext_noop(
    "The registry is for people the academy certified. Once you hold a valid certificate you "
    "can list yourself here."
)
PRODUCERS_ONLY = gettext_noop(
    "The registry is for producers: you can search it once you produce a production."
)
NO_LISTING = gettext_noop("No such listing. It may have been withdrawn.")
NO_BOOKING = gettext_noop("No such booking request.")
WHOLE_ACCOUNT_ONLY = gettext_noop(
    "This token is for one production only, and your listing is yours in every production. "
    "Use a token made for all your productions."
)


# Offered first on the listing form (the rest wait under "More languages"): the languages the
# site speaks, then those most often worked in on European and American sets. Only codes in
# LANGUAGE_CODES count (Chinese has no two-letter code there).
SITE_LANGUAGES: tuple[str, ...] = tuple(code for code, _name in settings.LANGUAGES)
COMMON_LANGUAGES: tuple[str, ...] = tuple(
    dict.fromkeys(
        code
        for code in (
            *SITE_LANGUAGES,
            *"de fr it pt pl nl sv da no fi ro sk sl hr sr bg el tr uk ru".split(),
            *"ar he hi ja ko".split(),
        )
        if code in LANGUAGE_CODES
    )
)


# Where Django's own name for a language is not the one its speakers write, or would read
# "Norsk (bokmål) (Norwegian Bokmal)" with its translation after it.
_OWN_NAMES = {
    "eu": "Euskara",
    "km": "ភាសាខ្មែរ",
    "kn": "ಕನ್ನಡ",
    "mn": "Монгол",
    "pa": "ਪੰਜਾਬੀ",
    "nb": "Norsk bokmål",
    "nn": "Norsk nynorsk",
}
# Names Django's catalogs do not translate; ours do (name_translated looks them up in all).
_MORE_NAMES = (gettext_noop("Norwegian"), gettext_noop("Norwegian Bokmal"))


def language_name(code: str) -> str:
    """A language in its own name, then in the reader's language in brackets when that reads
    differently, each with a capital first letter: "Čeština (Czech)" to an English reader,
    "English" to them too. The site's own languages are spelled as its language picker spells
    them, so the card, the search filter and the listing form all say the same."""
    try:
        info = translation.get_language_info(code)
    except KeyError:
        return code
    own = _capital(dict(settings.LANGUAGES).get(code) or _OWN_NAMES.get(code) or info["name_local"])
    theirs = _capital(info["name_translated"])
    reader = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if code == reader or theirs.casefold() == own.casefold():
        return own
    return f"{own} ({theirs})"


def _capital(name: object) -> str:
    text = str(name).strip()
    return text[:1].upper() + text[1:]


def language_choices() -> list[tuple[str, str]]:
    """(code, name) for every language a listing may name, in alphabetical order."""
    return _by_name(LANGUAGE_CODES)


def language_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every language a listing may name in two groups, each alphabetical: the common ones,
    then the rest ("More languages"), as choices with optgroups."""
    common = set(COMMON_LANGUAGES)
    return [
        (_("Common languages"), _by_name(COMMON_LANGUAGES)),
        (_("More languages"), _by_name(code for code in LANGUAGE_CODES if code not in common)),
    ]


def _by_name(codes: Any) -> list[tuple[str, str]]:
    return sorted(
        ((code, language_name(code)) for code in codes), key=lambda choice: _sort_key(choice[1])
    )


def _sort_key(name: str) -> str:
    """Alphabetical as a reader expects: "česky" beside "Cymraeg", not after "Türkçe"."""
    plain = unicodedata.normalize("NFKD", name)
    return "".join(c for c in plain if not unicodedata.combining(c)).casefold()


# --- who may do what ---------------------------------------------------------------------


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def is_certified(user: Any) -> bool:
    """The academy certified this person and the certificate is not revoked (asked each time:
    a revocation counts at once)."""
    from closedset.certificates.services import is_certified as certified

    return _active(user) and certified(user)


def require_certified(user: Any) -> None:
    if not is_certified(user):
        raise Forbidden(NOT_CERTIFIED)


def is_producer(user: Any) -> bool:
    """Produces at least one production: may search the registry."""
    return _active(user) and Membership.objects.filter(user=user, role=Role.PRODUCER).exists()


def require_producer(user: Any) -> None:
    if not is_producer(user):
        raise Forbidden(PRODUCERS_ONLY)


def produced_by(user: Any) -> list[Production]:
    """The productions this person may book a coordinator onto (their API token's scope
    honoured)."""
    if not _active(user):
        return []
    ids = scope.only_allowed(Membership.objects.filter(user=user, role=Role.PRODUCER)).values_list(
        "production_id", flat=True
    )
    return list(Production.objects.filter(pk__in=list(ids)).order_by("name", "id"))


# --- listings ----------------------------------------------------------------------------


def visible(listing: Listing | None) -> bool:
    return (
        listing is not None
        and listing.withdrawn_at is None
        and listing.user.is_active
        and is_certified(listing.user)
    )


def require_whole_account() -> None:
    """A token held to one production is for that production's tools: it neither reads nor
    changes the person's own listing, which belongs to no production."""
    if scope.allowed_productions() is not None:
        raise Forbidden(WHOLE_ACCOUNT_ONLY)


def own_listing(user: Any) -> Listing:
    """The caller's current listing, for them to read (not found when they have none)."""
    require_whole_account()
    found = my_listing(user)
    if found is None:
        raise NotFound(NO_LISTING)
    return found


def my_listing(user: Any) -> Listing | None:
    """The person's current listing (None when they have none or withdrew it)."""
    if not _active(user):
        return None
    return Listing.objects.filter(user=user, withdrawn_at__isnull=True).first()


# Kept although invisible: joiners some scripts and emoji need.
_JOINERS = frozenset({"\u200c", "\u200d"})


def _visible(text: str, *, lines: bool = False) -> str:
    """`text` without control, direction-changing or otherwise invisible characters, which
    could make a name read backwards, hide words or pass for someone else's name on a page.
    Line breaks stay where `lines` allows them."""
    kept = []
    for char in text:
        if lines and char == "\n":
            kept.append(char)
        elif char == "\t":
            kept.append(" ")
        elif char in _JOINERS or unicodedata.category(char) not in _HIDDEN:
            kept.append(char)
    return "".join(kept)


_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def _text(value: object) -> str:
    return " ".join(_visible(str(value or "")).split())


def _long_text(value: object) -> str:
    """Several lines, as written (Windows line ends made plain), invisible characters out."""
    text = str(value or "").replace("\r\n", "\n").replace("\r", "\n")
    return _visible(text, lines=True).strip()


# How many codes one field may send before the rest are not even read.
_CODES_READ = 100


def _codes(values: object) -> list[str]:
    if isinstance(values, str):
        values = values.replace(",", " ").split()
    if not isinstance(values, list | tuple):
        return []
    seen: dict[str, None] = {}
    for value in values[:_CODES_READ]:
        code = str(value).strip().lower()[:20]
        if code:
            seen.setdefault(code, None)
    if len(values) > _CODES_READ:
        # Far more than any list on the form: said too many, without reading them all.
        seen.setdefault("\u2026", None)
    return list(seen)


@dataclass(frozen=True)
class ListingData:
    display_name: str
    languages: list[str]
    region: str
    experience: str
    specialities: list[str]
    availability: str
    availability_note: str


def clean_listing(
    *,
    display_name: object,
    languages: object,
    region: object = "",
    experience: object = "",
    specialities: object,
    availability: object,
    availability_note: object = "",
) -> ListingData:
    """The listing's values, or InvalidInput naming each field to correct."""
    errors: dict[str, str] = {}
    name = _text(display_name)
    if not name:
        errors["display_name"] = _("Write the name producers should see.")
    elif len(name) > NAME_MAX:
        errors["display_name"] = _("At most %(count)d characters.") % {"count": NAME_MAX}
    codes = _codes(languages)
    unknown = [code for code in codes if code not in LANGUAGE_CODES]
    if not codes:
        errors["languages"] = _("Choose at least one language you work in.")
    elif unknown:
        errors["languages"] = _("Choose languages from the list.")
    elif len(codes) > LANGUAGES_MAX:
        errors["languages"] = _("Choose at most %(count)d languages.") % {"count": LANGUAGES_MAX}
    place = _text(region)
    if len(place) > REGION_MAX:
        errors["region"] = _("At most %(count)d characters.") % {"count": REGION_MAX}
    story = _long_text(experience)
    if len(story) > EXPERIENCE_MAX:
        errors["experience"] = _("At most %(count)d characters.") % {"count": EXPERIENCE_MAX}
    kinds = _codes(specialities)
    if not kinds:
        errors["specialities"] = _("Choose at least one: adult, mainstream film/TV or theatre.")
    elif any(kind not in Speciality.values for kind in kinds):
        errors["specialities"] = _("Choose from adult, mainstream film/TV and theatre.")
    when = str(availability or "").strip()
    if when not in Availability.values:
        errors["availability"] = _("Choose whether you are available now.")
    note = _text(availability_note)
    if len(note) > NOTE_MAX:
        errors["availability_note"] = _("At most %(count)d characters.") % {"count": NOTE_MAX}
    if errors:
        raise InvalidInput(_("Please correct the marked fields."), errors)
    ordered_kinds = [kind for kind in Speciality.values if kind in kinds]
    return ListingData(name, codes, place, story, ordered_kinds, when, note)


def _padded(codes: list[str]) -> str:
    return f" {' '.join(codes)} "


def save_listing(user: Any, **values: object) -> Listing:
    """List the person, or change their listing. Only the certified may."""
    require_whole_account()
    require_certified(user)
    data = clean_listing(**values)
    now = timezone.now()
    fields = {
        "display_name": data.display_name,
        "languages": _padded(data.languages),
        "specialities": _padded(data.specialities),
        "region": data.region,
        "experience": data.experience,
        "availability": data.availability,
        "availability_rank": AVAILABILITY_ORDER[data.availability],
        "availability_note": data.availability_note,
        "updated_at": now,
    }
    with transaction.atomic():
        listing = Listing.objects.select_for_update().filter(user=user).first()
        if listing is None:
            return Listing.objects.create(user=user, listed_at=now, **fields)
        if listing.withdrawn_at is not None:
            # Listed again: a new listing as far as anyone can tell.
            fields.update(listed_at=now, withdrawn_at=None)
        for name, value in fields.items():
            setattr(listing, name, value)
        listing.save()
    return listing


def erase_listing(user: Any) -> None:
    """Account erasure: the listing leaves the registry (open requests closed, their producers
    told) and keeps nothing the person wrote; the producers' requests stay as their history."""
    if Listing.objects.filter(user=user, withdrawn_at__isnull=True).exists():
        withdraw_listing(user)
    Listing.objects.filter(user=user).update(
        display_name="", region="", experience="", availability_note="", languages=" "
    )


def withdraw_listing(user: Any) -> Listing:
    """Off the registry at once; requests still waiting are closed and their producers told."""
    require_whole_account()
    with transaction.atomic():
        listing = (
            Listing.objects.select_for_update().filter(user=user, withdrawn_at__isnull=True).first()
            if _active(user)
            else None
        )
        if listing is None:
            raise NotFound(NO_LISTING)
        now = timezone.now()
        listing.withdrawn_at = now
        listing.save(update_fields=["withdrawn_at"])
        waiting = list(
            Booking.objects.select_for_update().filter(listing=listing, state=Booking.State.OPEN)
        )
        Booking.objects.filter(pk__in=[b.pk for b in waiting]).update(
            state=Booking.State.UNLISTED, closed_at=now
        )
    for booking in waiting:
        booking.state = Booking.State.UNLISTED
        _tell_producer(
            booking,
            interpolate_lazy(
                gettext_lazy("%(name)s is no longer listed in the registry"),
                name=listing.display_name,
            ),
            interpolate_lazy(
                gettext_lazy(
                    "%(name)s withdrew from the registry, so your request to coordinate "
                    "%(production)s is closed."
                ),
                name=listing.display_name,
                production=booking.production.name,
            ),
        )
    return listing


def _filters(
    speciality: str, language: str, region: str, availability: str
) -> tuple[str, str, str, str]:
    errors: dict[str, str] = {}
    speciality, language = speciality.strip().lower(), language.strip().lower()
    availability, region = availability.strip().lower(), _text(region)
    if speciality and speciality not in Speciality.values:
        errors["speciality"] = _("Choose from adult, mainstream film/TV and theatre.")
    if language and language not in LANGUAGE_CODES:
        errors["language"] = _("Choose languages from the list.")
    if availability and availability not in Availability.values:
        errors["availability"] = _("Choose whether you are available now.")
    if len(region) > REGION_MAX:
        errors["region"] = _("At most %(count)d characters.") % {"count": REGION_MAX}
    if errors:
        raise InvalidInput(_("Please correct the marked fields."), errors)
    return speciality, language, region, availability


def search(
    user: Any,
    *,
    speciality: str = "",
    language: str = "",
    region: str = "",
    availability: str = "",
    page: int | str | None = 1,
) -> Page[Listing]:
    """Listed, still-certified coordinators matching every filter given: available first,
    then limited, then not taking bookings; by name within each (then by when listed)."""
    require_producer(user)
    speciality, language, region, availability = _filters(
        speciality, language, region, availability
    )
    rows = Listing.objects.filter(withdrawn_at__isnull=True, user__is_active=True)
    if speciality:
        rows = rows.filter(specialities__contains=f" {speciality} ")
    if language:
        rows = rows.filter(languages__contains=f" {language} ")
    if region:
        rows = rows.filter(region__icontains=region)
    if availability:
        rows = rows.filter(availability=availability)
    rows = rows.select_related("user").order_by("availability_rank", "display_name", "id")
    shown = [listing for listing in rows if is_certified(listing.user)]
    return page_of(shown, PER_PAGE, page, lambda listing: listing)


def get_listing(user: Any, listing_id: int) -> Listing:
    """A listing a producer may see (withdrawn or no longer certified: not found)."""
    require_producer(user)
    require_known_ids(listing_id)
    listing = Listing.objects.select_related("user").filter(pk=listing_id).first()
    if not visible(listing):
        raise NotFound(NO_LISTING)
    assert listing is not None
    return listing


def listing_json(listing: Listing) -> dict[str, Any]:
    """What anyone who may see a listing sees: its own fields, nothing about its holder."""
    return {
        "id": listing.pk,
        "display_name": listing.display_name,
        "languages": listing.language_codes,
        "language_names": [language_name(code) for code in listing.language_codes],
        "region": listing.region,
        "experience": listing.experience,
        "specialities": listing.speciality_codes,
        "availability": listing.availability,
        "availability_note": listing.availability_note,
        "listed_at": listing.listed_at,
    }


# --- booking -----------------------------------------------------------------------------


def _expire_due(rows: Any = None) -> None:
    """Requests left unanswered past their time close as expired."""
    due = (rows if rows is not None else Booking.objects).filter(
        state=Booking.State.OPEN, expires_at__lte=timezone.now()
    )
    due.update(state=Booking.State.EXPIRED, closed_at=timezone.now())


def booking_url(booking: Booking) -> str:
    return reverse("registry:booking", args=[booking.pk])


def request_booking(
    user: Any, listing_id: int, production_id: int | None, message: object = ""
) -> Booking:
    """A producer asks the listed coordinator to coordinate one of their productions."""
    from closedset.notices.models import Kind
    from closedset.notices.services import notify
    from closedset.productions import services as productions
    from closedset.productions.services import check_independence

    if production_id is None:
        get_listing(user, listing_id)
        raise InvalidInput(
            _("Choose the production you want them to coordinate."),
            {"production": _("Choose one of your productions.")},
        )
    # The production first: someone who does not produce it learns nothing about it.
    production = productions.get_production(user, production_id, Role.PRODUCER)
    listing = get_listing(user, listing_id)
    text = _long_text(message)
    if len(text) > MESSAGE_MAX:
        raise InvalidInput(
            _("Your message is too long."),
            {"message": _("At most %(count)d characters.") % {"count": MESSAGE_MAX}},
        )
    coordinator = listing.user
    if coordinator.pk == user.pk:
        raise InvalidInput(
            _("You cannot book yourself. Ask someone else to coordinate your production."),
            {"production": _("You cannot book yourself.")},
        )
    held = set(
        Membership.objects.filter(user=coordinator, production=production).values_list(
            "role", flat=True
        )
    )
    if Role.COORDINATOR in held:
        raise Conflict(
            _("%(name)s already coordinates %(production)s.")
            % {"name": listing.display_name, "production": production.name}
        )
    # Separation of duties, said before anyone is asked: the same check add_member makes.
    check_independence(production, held | {Role.COORDINATOR})
    with transaction.atomic():
        try:
            with transaction.atomic():
                _expire_due(Booking.objects.filter(production=production, coordinator=coordinator))
                if Booking.objects.filter(
                    production=production, coordinator=coordinator, state=Booking.State.OPEN
                ).exists():
                    raise IntegrityError("open request")
                now = timezone.now()
                booking = Booking.objects.create(
                    listing=listing,
                    coordinator=coordinator,
                    production=production,
                    producer=user,
                    message=text,
                    created_at=now,
                    expires_at=now + timedelta(days=BOOKING_DAYS),
                )
        except IntegrityError:
            raise Conflict(
                _(
                    "%(name)s already has a request to coordinate %(production)s waiting for an "
                    "answer. You will be told when they answer."
                )
                % {"name": listing.display_name, "production": production.name}
            ) from None
        # Told in the same transaction as the request (see answer_booking); outside the
        # savepoint, so only a second request reads as "already waiting".
        notify(
            coordinator,
            Kind.BOOKING,
            production=production,
            subject=interpolate_lazy(
                gettext_lazy("%(production)s asks you to coordinate"), production=production.name
            ),
            body=interpolate_lazy(
                gettext_lazy(
                    "The producer of %(production)s found you in the registry and asks you to be "
                    "its intimacy coordinator. Open the request to accept or decline."
                ),
                production=production.name,
            ),
            url=booking_url(booking),
        )
    return booking


def _readable(user: Any, booking: Booking) -> str:
    """'coordinator' or 'producer' for who may read this request; '' for everyone else."""
    if not _active(user) or not scope.allows(booking.production_id):
        return ""
    if booking.coordinator_id == user.pk:
        return "coordinator"
    from closedset.productions.services import role_in

    if Role.PRODUCER in role_in(user, booking.production_id):
        return "producer"
    return ""


def get_booking(user: Any, booking_id: int) -> tuple[Booking, str]:
    """The request and whether the reader is its coordinator or a producer of its production;
    anyone else: not found."""
    require_known_ids(booking_id)
    _expire_due(Booking.objects.filter(pk=booking_id))
    booking = (
        Booking.objects.select_related("production", "listing", "producer")
        .filter(pk=booking_id)
        .first()
    )
    side = _readable(user, booking) if booking is not None else ""
    if booking is None or not side:
        raise NotFound(NO_BOOKING)
    return booking, side


@dataclass(frozen=True)
class MyBookings:
    incoming: list[Booking]
    outgoing: list[Booking]


def my_bookings(user: Any) -> MyBookings:
    """Requests to the person (as coordinator), and for the productions they produce."""
    if not _active(user):
        return MyBookings([], [])
    produced = [production.pk for production in produced_by(user)]
    _expire_due(Booking.objects.filter(Q(coordinator=user) | Q(production_id__in=produced)))
    related = ("production", "listing", "producer")
    incoming = scope.only_allowed(Booking.objects.filter(coordinator=user)).select_related(*related)
    outgoing = Booking.objects.filter(production_id__in=produced).select_related(*related)
    return MyBookings(list(incoming), list(outgoing))


def production_bookings(user: Any, production_id: int) -> list[Booking]:
    """Every request for one production, for its producers."""
    from closedset.productions import services as productions

    production = productions.get_production(user, production_id, Role.PRODUCER)
    _expire_due(Booking.objects.filter(production=production))
    return list(
        Booking.objects.filter(production=production).select_related(
            "production", "listing", "producer"
        )
    )


def answer_booking(user: Any, booking_id: int, accept: bool) -> Booking:
    """The coordinator accepts (becoming the production's coordinator) or declines."""
    from closedset.productions.services import add_member

    booking, side = get_booking(user, booking_id)
    if side != "coordinator":
        raise Forbidden(_("Only the coordinator who was asked can answer this request."))
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("production", "listing", "producer")
            .get(pk=booking.pk)
        )
        if booking.state != Booking.State.OPEN:
            raise Conflict(
                _("This request is closed: %(state)s.") % {"state": state_label(booking.state)}
            )
        if accept:
            if not is_certified(user):
                raise Forbidden(
                    _(
                        "Your certificate is no longer valid, so you cannot accept bookings "
                        "from the registry. You can still decline."
                    )
                )
            held = set(
                Membership.objects.filter(user=user, production=booking.production).values_list(
                    "role", flat=True
                )
            )
            if Role.COORDINATOR in held:
                raise Conflict(
                    _("You already coordinate %(production)s. Decline this request to close it.")
                    % {"production": booking.production.name}
                )
            # RolesConflict (separation of duties) leaves the request open: nothing changed.
            add_member(user, booking.production, Role.COORDINATOR)
        booking.state = Booking.State.ACCEPTED if accept else Booking.State.DECLINED
        booking.closed_at = timezone.now()
        booking.save(update_fields=["state", "closed_at"])
        # Told in the same transaction: a busy database undoes the answer and the notice
        # together, so trying again never meets an answer that was given but not reported.
        name = booking.listing.display_name
        production = booking.production.name
        if accept:
            subject = interpolate_lazy(
                gettext_lazy("%(name)s accepted: they coordinate %(production)s"),
                name=name,
                production=production,
            )
            body = interpolate_lazy(
                gettext_lazy("%(name)s is now the intimacy coordinator of %(production)s."),
                name=name,
                production=production,
            )
        else:
            subject = interpolate_lazy(
                gettext_lazy("%(name)s declined to coordinate %(production)s"),
                name=name,
                production=production,
            )
            body = interpolate_lazy(
                gettext_lazy(
                    "%(name)s declined your request to coordinate %(production)s. "
                    "You can search the registry for someone else."
                ),
                name=name,
                production=production,
            )
        _tell_producer(booking, subject, body)
    return booking


def cancel_booking(user: Any, booking_id: int) -> Booking:
    """A producer of the production takes back a request still waiting; the coordinator is
    told."""
    from closedset.notices.models import Kind
    from closedset.notices.services import notify

    booking, side = get_booking(user, booking_id)
    if side != "producer":
        raise Forbidden(_("Only the production's producers can cancel this request."))
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("production", "listing", "producer")
            .get(pk=booking.pk)
        )
        if booking.state != Booking.State.OPEN:
            raise Conflict(
                _("This request is closed: %(state)s.") % {"state": state_label(booking.state)}
            )
        booking.state = Booking.State.CANCELLED
        booking.closed_at = timezone.now()
        booking.save(update_fields=["state", "closed_at"])
        # Told in the same transaction as the cancellation (see answer_booking).
        notify(
            booking.coordinator,
            Kind.BOOKING,
            production=booking.production,
            subject=interpolate_lazy(
                gettext_lazy("Request cancelled: %(production)s"),
                production=booking.production.name,
            ),
            body=interpolate_lazy(
                gettext_lazy(
                    "The producer of %(production)s cancelled the request to coordinate it. "
                    "There is nothing you need to do."
                ),
                production=booking.production.name,
            ),
            url=booking_url(booking),
        )
    return booking


def _tell_producer(booking: Booking, subject: Any, body: Any) -> None:
    """The producer who asked; if they left, the production's producers."""
    from closedset.notices.models import Kind
    from closedset.notices.services import notify
    from closedset.productions.services import acting_members

    producers = acting_members(booking.production, Role.PRODUCER)
    asker = booking.producer
    told = [asker] if asker is not None and any(p.pk == asker.pk for p in producers) else producers
    for producer in told:
        notify(
            producer,
            Kind.BOOKING,
            production=booking.production,
            subject=subject,
            body=body,
            url=booking_url(booking),
        )


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))


def booking_json(booking: Booking, side: str = "") -> dict[str, Any]:
    """A request as either side sees it: names as listed or as shown on the site, never an
    e-mail address or handle."""
    return {
        "id": booking.pk,
        "state": booking.state,
        "state_label": state_label(booking.state),
        "production": {"id": booking.production_id, "name": booking.production.name},
        "coordinator": booking.listing.display_name,
        "listing_id": booking.listing_id,
        "producer": booking.producer.display_name if booking.producer else "",
        "message": booking.message,
        "created_at": booking.created_at,
        "expires_at": booking.expires_at,
        "closed_at": booking.closed_at,
        "yours_to_answer": side == "coordinator" and booking.state == Booking.State.OPEN,
    }


def is_open(booking: Booking, now: datetime | None = None) -> bool:
    return booking.state == Booking.State.OPEN and booking.expires_at > (now or timezone.now())
