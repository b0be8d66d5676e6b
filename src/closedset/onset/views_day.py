"""The day's pages (onset/day.py has the rules): the coordinator's day page per scene (call
time, closed-set roster, pre-scene checklists), the production's shoot-day settings, and the
parts of the console and the phone that poll for beats, the timeline and her checklist.

Every form works without JavaScript: it posts, then lands back where it was. A refusal says
what to do next and keeps what was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from closedset.lib.errors import DomainError, NotFound
from closedset.onset import day, services
from closedset.onset.models import CheckItem, DaySettings
from closedset.onset.views import live_part, posted
from closedset.productions.models import Role
from closedset.productions.services import get_scene


def _asked_day(request: HttpRequest) -> date | None:
    """?day=2026-11-26 from a link, else the page's own day (the call day)."""
    raw = request.GET.get("day") or request.POST.get("day")
    return day.parse_day(raw) if raw else None


def _day_url(production_id: int, scene_id: int, on: date | None = None) -> str:
    url = reverse("onset:day", args=[production_id, scene_id])
    return f"{url}?day={on.isoformat()}" if on else url


def _day_page(
    request: HttpRequest,
    production_id: int,
    scene_id: int,
    on: date | None,
    *,
    error: DomainError | None = None,
    form: str = "",
) -> HttpResponse:
    view = day.day_view(request.user, production_id, scene_id, on)
    return render(
        request,
        "onset/day.html",
        {
            "view": view,
            "scene": view.scene,
            # The kinds' names in the reader's language; the values stay the ids.
            "kinds": [(value, day.kind_label(value)) for value in CheckItem.Kind.values],
            "run_state": services.state_label(view.run.state) if view.run else "",
            "error": error.message if error else "",
            "fields": error.fields if error else {},
            # Which form the refusal belongs to, and what was typed in it: nothing is lost.
            "form": form,
            "typed": request.POST if error else {},
            "start_url": reverse("onset:start", args=[production_id, scene_id]),
            "settings_url": reverse("onset:day_settings", args=[production_id]),
        },
        status=error.status if error else 200,
    )


@login_required
@require_GET
def day_page(request: HttpRequest, production_id: int, scene_id: int) -> HttpResponse:
    """The coordinator's day for a scene; the producer sees the roster only."""
    try:
        on = _asked_day(request)
    except DomainError as error:
        return _day_page(request, production_id, scene_id, None, error=error)
    return _day_page(request, production_id, scene_id, on)


# Where a day-page change acts: (who asks, production id, scene id), as the day.* rules take it.
At = tuple[Any, int, int]


def _day_change(form: str) -> Callable[[Callable[..., str]], Callable[..., HttpResponse]]:
    """A POST on the day page: do it, say so, land back on the page; or show the page again
    with the refusal beside the form it belongs to."""

    def decorate(change: Callable[..., str]) -> Callable[..., HttpResponse]:
        @login_required
        @require_POST
        def view(
            request: HttpRequest, production_id: int, scene_id: int, **ids: int
        ) -> HttpResponse:
            # The coordinator's only: others are refused before their input is read.
            get_scene(request.user, production_id, scene_id, Role.COORDINATOR)
            try:
                on = day.parse_day(request.POST.get("day"))
                done = change(request, (request.user, production_id, scene_id), on, **ids)
            except NotFound:
                raise
            except DomainError as error:
                return _day_page(
                    request, production_id, scene_id, _safe_day(request), error=error, form=form
                )
            messages.success(request, done)
            return redirect(_day_url(production_id, scene_id, on))

        view.__name__ = change.__name__
        view.__doc__ = change.__doc__
        return view

    return decorate


def _safe_day(request: HttpRequest) -> date | None:
    try:
        return day.parse_day(request.POST.get("day"))
    except DomainError:
        return None


@_day_change("roster")
def roster_add(request: HttpRequest, at: At, on: date) -> str:
    """Someone who may be on the closed set."""
    entry = day.add_to_roster(*at, on, *posted(request, "name", "job"))
    return gettext("%(name)s is on the closed set.") % {"name": entry.name}


@_day_change("roster")
def roster_remove(request: HttpRequest, at: At, on: date, entry_id: int) -> str:
    day.remove_from_roster(*at, entry_id)
    return gettext("Taken off the roster.")


@_day_change("checks")
def check_add(request: HttpRequest, at: At, on: date) -> str:
    item = day.add_check(*at, on, *posted(request, "performer", "kind", "label"))
    return gettext("Added to %(performer)s's checklist: %(line)s.") % {
        "performer": item.performer.display_name,
        "line": day.line_label(item),
    }


@_day_change("checks")
def check_tick(request: HttpRequest, at: At, on: date, item_id: int) -> str:
    done = request.POST.get("done") == "1"
    item = day.tick(*at, item_id, done)
    label = day.line_label(item)
    line = f"{label[:1].upper()}{label[1:]}"
    if done:
        return gettext("%(line)s: ticked.") % {"line": line}
    return gettext("%(line)s: not ticked.") % {"line": line}


@_day_change("checks")
def check_remove(request: HttpRequest, at: At, on: date, item_id: int) -> str:
    day.remove_check(*at, item_id)
    return gettext("Taken off the checklist.")


# --- the production's settings ------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def day_settings(request: HttpRequest, production_id: int) -> HttpResponse:
    """How long a PAUSE or STOP waits before the producer is told; how long a performer has
    to think over a change request."""
    current = day.settings_for(request.user, production_id)
    error: DomainError | None = None
    if request.method == "POST":
        try:
            day.save_settings(
                request.user,
                production_id,
                request.POST.get("escalate_seconds"),
                request.POST.get("reflection_minutes"),
            )
        except NotFound:
            raise
        except DomainError as found:
            error = found
        else:
            messages.success(request, gettext("Shoot-day settings saved."))
            return redirect("onset:day_settings", production_id=production_id)
    values = (
        request.POST
        if error
        else {
            "escalate_seconds": current.escalate_seconds,
            "reflection_minutes": current.reflection_minutes,
        }
    )
    return render(
        request,
        "onset/day_settings.html",
        {
            "production": current.production,
            "values": values,
            "error": error.message if error else "",
            "fields": error.fields if error else {},
            "escalate_min": DaySettings.ESCALATE_MIN,
            "escalate_max": day.ESCALATE_MAX,
            "reflection_min": day.REFLECTION_MIN,
            "reflection_max": day.REFLECTION_MAX,
        },
        status=error.status if error else 200,
    )


# --- the console ------------------------------------------------------------------------------


@login_required
@require_GET
def console_part(request: HttpRequest, run_id: int) -> HttpResponse:
    """Beats, their people and the timeline: what the console polls for."""
    return live_part(request, run_id, "day", "console")


@login_required
@require_POST
def beat(request: HttpRequest, run_id: int) -> HttpResponse:
    """The coordinator moves a beat; a refusal is said at the top of the console."""
    try:
        day.set_beat(request.user, run_id, request.POST.get("beat"), request.POST.get("status"))
    except NotFound:
        raise
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("onset:console", run_id=run_id)


@login_required
@require_POST
def resume(request: HttpRequest, run_id: int) -> HttpResponse:
    try:
        services.resume(request.user, run_id)
    except NotFound:
        raise
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, gettext("The scene is running again."))
    return redirect("onset:console", run_id=run_id)


# --- the phone --------------------------------------------------------------------------------


@login_required
@require_GET
def phone_part(request: HttpRequest, run_id: int) -> HttpResponse:
    """Her beats and her checklist, as the phone page shows them."""
    return live_part(request, run_id, "day", "phone")


@login_required
@require_POST
def my_check(request: HttpRequest, run_id: int, item_id: int) -> HttpResponse:
    """She ticks (or unticks) a line of her own checklist, and is back on her phone page."""
    try:
        day.tick_mine(request.user, run_id, item_id, request.POST.get("done") == "1")
    except NotFound:
        raise
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("onset:phone", run_id=run_id)
