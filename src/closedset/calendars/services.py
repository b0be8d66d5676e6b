"""A person's calendar: call times, consent deadlines and notice deadlines as an ICS feed.

What the feed says is meant to sit in a phone's calendar, next to everything else, and to be
fetched by a calendar service we do not control. So each event names only a scene number and
what is due (a call to a closed set, consent answers, the plan's final version) and links back
here, where the person signs in for the rest. Never the production's name, the scene's title,
its beats or acts, anyone's name or any boundary.

Who sees what:
- call times: the performers cast in the scene (compliance.services.cast_performers, the one
  reader of who is cast) and the production's coordinators, directors and producers;
- consent deadlines: each performer asked to answer (a ConsentRequest of the scene's current
  final version) and the production's coordinators;
- notice deadlines (when the plan must be final to meet the production's notice period): the
  coordinators, who mark it final.
Roles are the ones a person may act in (productions.services.granted_roles), so separation of
duties holds here too.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from icalendar import Calendar
from icalendar import Event as IcsEvent

from closedset.accounts.services import hash_secret, rate_limit
from closedset.calendars.models import Feed
from closedset.lib.i18n import language_of
from closedset.productions.models import Membership, Role

# 32 random bytes, written URL-safe (43 characters).
SECRET_BYTES = 32
# Events that have passed stay this long, so yesterday's call is still there to look back at.
PAST_DAYS = 30
# A calendar service asks again about this often (REFRESH-INTERVAL and X-PUBLISHED-TTL).
REFRESH = timedelta(hours=1)
# Guesses: this many unknown addresses from one network address in an hour, then every further
# guess from it is refused for the rest of the hour. A right address is always answered: a
# calendar service's shared fetcher (or a carrier's NAT) must not be locked out by someone
# else's wrong guesses from it. IPv6 is counted by /64, the block one subscriber holds.
MISSES_PER_HOUR = 60
MISS_WINDOW = 3600

CREW_ROLES = frozenset({Role.COORDINATOR, Role.DIRECTOR, Role.PRODUCER})

CALL, CONSENT, NOTICE = "call", "consent", "notice"


# ---------------------------------------------------------------- the address


def _new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


def feed_of(user: Any) -> Feed | None:
    """The person's calendar address (as a row: the secret itself is never kept), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Feed.objects.filter(user=user).first()


def make_address(user: Any) -> str:
    """A new calendar address for `user`: returns its secret, shown to them once. Any address
    they had before stops working at once."""
    secret = _new_secret()
    now = timezone.now()
    with transaction.atomic():
        feed = Feed.objects.select_for_update().filter(user=user).first()
        if feed is None:
            Feed.objects.create(user=user, token_hash=hash_secret(secret), created_at=now)
        else:
            feed.token_hash = hash_secret(secret)
            feed.reset_at = now
            feed.save(update_fields=["token_hash", "reset_at"])
    return secret


def turn_off(user: Any) -> bool:
    """No calendar address any more; True if there was one."""
    deleted, _ = Feed.objects.filter(user=user).delete()
    return bool(deleted)


def user_for_secret(secret: str) -> Any | None:
    """The active person whose current address has this secret, or None (wrong, replaced,
    turned off, or the account is closed): the caller answers all of them the same way."""
    if not secret or len(secret) > 200 or not secret.isascii():
        return None
    wanted = hash_secret(secret)
    feed = Feed.objects.select_related("user").filter(token_hash=wanted).first()
    if feed is None or not hmac.compare_digest(feed.token_hash, wanted):
        return None
    return feed.user if feed.user.is_active else None


def guesser(ip: str) -> str:
    """Who guesses, as counted: the IPv4 address, or the /64 block of an IPv6 one."""
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return ip.strip()
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def _blocked_key(ip: str) -> str:
    return f"closedset:calendar:blocked:{hash_secret(guesser(ip))}"


def blocked(ip: str) -> bool:
    """Whether this network address (IPv6: its /64) guessed too often in the last hour: its
    wrong guesses are refused; a right address from it is still answered."""
    return bool(ip) and cache.get(_blocked_key(ip)) is not None


def count_miss(ip: str) -> None:
    """One more unknown address asked for from `ip`; past the limit, `ip` is blocked."""
    if not ip:
        return
    limit = int(getattr(settings, "CLOSEDSET_CALENDAR_MISSES_PER_HOUR", MISSES_PER_HOUR))
    if not rate_limit("calendar-miss", guesser(ip), limit=limit, window=MISS_WINDOW):
        cache.set(_blocked_key(ip), 1, MISS_WINDOW)


# ---------------------------------------------------------------- what is in it


@dataclass(frozen=True)
class CalendarEvent:
    kind: str  # CALL, CONSENT or NOTICE
    scene_id: int
    scene_number: str
    start: datetime
    stamp: datetime
    # The page to sign in to for the details (a path of this site).
    link: str

    @property
    def summary(self) -> str:
        """The event's title in the active language: a scene number and what is due."""
        if self.kind == CALL:
            text = gettext("Scene %(number)s — closed set")
        elif self.kind == CONSENT:
            text = gettext("Scene %(number)s — consent answers due")
        else:
            text = gettext("Scene %(number)s — plan final by")
        return text % {"number": self.scene_number}


def _roles_by_production(user: Any) -> dict[int, set[str]]:
    from closedset.productions.services import granted_roles

    if not getattr(user, "is_active", False):
        return {}
    ids = set(Membership.objects.filter(user=user).values_list("production_id", flat=True))
    found = {pid: set(granted_roles(user, pid)) for pid in sorted(ids)}
    return {pid: roles for pid, roles in found.items() if roles}


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def events_for(user: Any, *, now: datetime | None = None) -> list[CalendarEvent]:
    """Every event of the person's calendar, oldest first (from PAST_DAYS ago on)."""
    from closedset.compliance import services as compliance
    from closedset.compliance.models import Schedule

    roles = _roles_by_production(user)
    if not roles:
        return []
    since = (now or timezone.now()) - timedelta(days=PAST_DAYS)
    events: dict[tuple[str, int], CalendarEvent] = {}
    notice: dict[int, timedelta] = {}

    schedules = (
        Schedule.objects.filter(scene__production_id__in=roles)
        .select_related("scene__production")
        .order_by("call_at", "pk")
    )
    for row in schedules:
        scene = row.scene
        held = roles[scene.production_id]
        crew = bool(held & CREW_ROLES)
        if row.call_at >= since:
            cast = Role.PERFORMER in held and any(
                person.pk == user.pk for person in compliance.cast_performers(scene)
            )
            if crew or cast:
                link = (
                    reverse("productions:production", args=[scene.production_id])
                    if crew
                    else reverse("scenes:scene", args=[scene.production_id, scene.pk])
                )
                events[(CALL, scene.pk)] = CalendarEvent(
                    CALL, scene.pk, scene.number, row.call_at, row.scheduled_at, link
                )
        if Role.COORDINATOR in held:
            if scene.production_id not in notice:
                notice[scene.production_id] = compliance.notice_period(scene.production)
            final_by = row.call_at - notice[scene.production_id]
            if final_by >= since:
                events[(NOTICE, scene.pk)] = CalendarEvent(
                    NOTICE,
                    scene.pk,
                    scene.number,
                    final_by,
                    row.scheduled_at,
                    reverse("consent:scene", args=[scene.production_id, scene.pk]),
                )

    for final, request_id in _consent_deadlines(user, roles, since):
        scene = final.plan_version.plan.scene
        if Role.COORDINATOR in roles[scene.production_id]:
            link = reverse("consent:scene", args=[scene.production_id, scene.pk])
        elif request_id is not None:
            link = reverse("consent:request", args=[request_id])
        else:
            continue
        events[(CONSENT, scene.pk)] = CalendarEvent(
            CONSENT, scene.pk, scene.number, final.deadline, final.marked_at, link
        )
    return sorted(events.values(), key=lambda e: (e.start, e.kind, e.scene_id))


def _consent_deadlines(
    user: Any, roles: dict[int, set[str]], since: datetime
) -> Iterable[tuple[Any, int | None]]:
    """The current final version of each scene with a deadline the person has to know: as
    coordinator, or as a performer asked to answer (with their request's id)."""
    from closedset.consent.models import ConsentRequest, FinalVersion

    finals = (
        FinalVersion.objects.filter(
            superseded_at__isnull=True,
            deadline__isnull=False,
            deadline__gte=since,
            plan_version__plan__scene__production_id__in=roles,
        )
        .select_related("plan_version__plan__scene")
        .order_by("plan_version__plan__scene_id", "-plan_version__number", "-pk")
    )
    current: dict[int, Any] = {}
    for final in finals:
        # The newest final of a scene is its current one (consent.services.current_final).
        current.setdefault(final.plan_version.plan.scene_id, final)
    asked = dict(
        ConsentRequest.objects.filter(
            final__in=[final.pk for final in current.values()], performer=user
        ).values_list("final_id", "pk")
    )
    for final in current.values():
        held = roles[final.plan_version.plan.scene.production_id]
        request_id = asked.get(final.pk) if Role.PERFORMER in held else None
        if Role.COORDINATOR in held or request_id is not None:
            yield final, request_id


# ---------------------------------------------------------------- the feed


def feed_ics(user: Any, *, base_url: str, domain: str) -> bytes:
    """The person's calendar as ICS, in their own language. `base_url` ("https://host") makes
    the links absolute; `domain` makes each event's UID unique to this site."""
    base = base_url.rstrip("/")
    with translation.override(language_of(user)):
        calendar = Calendar()
        calendar.add("prodid", f"-//{settings.SITE_NAME}//calendar//EN")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        name = gettext("%(brand)s: your calls and deadlines") % {"brand": settings.SITE_NAME}
        calendar.add("name", name)
        calendar.add("x-wr-calname", name)
        calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT1H")
        for item in events_for(user):
            event = IcsEvent()
            event.add("uid", f"{item.kind}-{item.scene_id}@{domain}")
            event.add("dtstamp", _utc(item.stamp))
            event.add("dtstart", _utc(item.start))
            event.add("summary", item.summary)
            link = base + item.link
            event.add("url", link)
            event.add("description", link)
            # A deadline is a moment to keep in mind, not time taken up.
            event.add("transp", "OPAQUE" if item.kind == CALL else "TRANSPARENT")
            event.add("class", "PRIVATE")
            calendar.add_component(event)
        return bytes(calendar.to_ical())
