"""The shoot day's pages (docs/shootday.md). Thin: every rule is in onset.services.

The coordinator starts a scene and keeps its console open; a performer cast in the scene
keeps her phone page open with PAUSE and STOP. Both catch up by sequence number from
`signals/?after=` (the WebSocket only makes it faster). Anyone else, and anyone asking for a
run that does not exist, gets the same "not found".
"""

from __future__ import annotations

import functools
import io
import json
import uuid
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from importlib import import_module
from pathlib import Path
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from closedset.compliance.services import GateClosed
from closedset.lib.errors import DomainError, NotFound
from closedset.onset import services
from closedset.onset.models import Run, Signal
from closedset.productions.models import Role
from closedset.productions.services import get_scene

SERVICE_WORKER = Path(__file__).resolve().parent / "static" / "onset" / "sw.js"
# Marked here, translated where sent (callers and tests compare the English text).
SIGNED_OUT = gettext_noop(
    "You are signed out. Log in again; anything you pressed stays on this phone and is sent "
    "once you are back."
)
UNREADABLE = gettext_noop(
    "The phone sent something the server could not read. Reload the page and press again."
)
# Said about a run to anyone who may not see it, and for a run that does not exist.
NO_RUN = services.NO_RUN


# --- helpers --------------------------------------------------------------------------------


def _json_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": gettext(message)}, status=status)


def _json_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """JSON in words: signed-out callers get 401, refusals {"detail"} with 400 or 404."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return _json_error(SIGNED_OUT, 401)
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            return _json_error(NO_RUN, 404)
        except DomainError as error:
            return _json_error(error.message, 400)

    return wrapped


def _clock(moment: datetime | None) -> str | None:
    """14:02:11 in the production's time zone."""
    return timezone.localtime(moment).strftime("%H:%M:%S") if moment else None


def _first_name(user: Any) -> str:
    name = str(getattr(user, "display_name", "") or "").strip()
    return name.split()[0] if name else gettext("the coordinator")


# Whose screen each is: the console is the coordinator's, the phone page a performer's.
SCREEN_ROLE = {"console": "coordinator", "phone": "performer"}


def run_as(user: Any, run_id: int, role: str) -> tuple[Run, set[str]]:
    """The run and what `user` is in it, if she is in it as `role`; anyone else gets the same
    "not found" as for a run that does not exist."""
    run, what = services.run_for(user, run_id)
    if role not in what:
        raise NotFound(NO_RUN)
    return run, what


def _item(signal: Signal, user: Any, *, console: bool) -> dict[str, Any]:
    """One signal as a screen shows it. A phone gets its own key back (to match its outbox)
    and never an id; the console gets who sent it and where to acknowledge it."""
    mine = signal.sender_id == user.pk
    item: dict[str, Any] = {
        "seq": signal.seq,
        "kind": signal.kind,
        "label": services.kind_label(signal.kind),
        "stored_at": signal.stored_at.isoformat(),
        "stored_time": _clock(signal.stored_at),
        "acknowledged_at": signal.acknowledged_at.isoformat() if signal.acknowledged_at else None,
        "seen_by": _first_name(signal.acknowledged_by) if signal.acknowledged_at else None,
        "seen_at": _clock(signal.acknowledged_at),
        "escalated": signal.escalated_at is not None,
        "mine": mine,
    }
    if mine:
        item["key"] = signal.key
    if console:
        item["sender_name"] = getattr(signal.sender, "display_name", "") or gettext("Someone")
        item["acknowledged_by_name"] = (
            getattr(signal.acknowledged_by, "display_name", None)
            if signal.acknowledged_at
            else None
        )
        item["ack_url"] = reverse("onset:acknowledge", args=[signal.pk])
    return item


def _signals(user: Any, run_id: int, after: int = 0) -> list[Signal]:
    rows = services.signals_after(user, run_id, after)
    ids = [s.pk for s in rows]
    # Names for the screen in one query, oldest first as the service gives them.
    by_id = Signal.objects.select_related("sender", "acknowledged_by").in_bulk(ids)
    return [by_id[pk] for pk in ids]


def _body(request: HttpRequest) -> dict[str, Any]:
    """A phone sends JSON; a form (or a test) sends fields. Either reads the same."""
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            return {}
        return data if isinstance(data, dict) else {}
    return {key: request.POST.get(key) for key in request.POST}


def posted(request: HttpRequest, *names: str) -> list[str]:
    """The form's fields in that order, each "" when it was not sent."""
    return [str(request.POST.get(name, "")) for name in names]


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


# The parts of the day each add what they show to the console and the phone (onset/parts_*).
PARTS = ("day", "checkins", "changes", "closure")


PartContext = Callable[[HttpRequest, Run, set[str]], dict[str, Any]]


def _part_context(name: str, screen: str) -> PartContext:
    """onset/parts_<name>.py's console_context or phone_context."""
    found: PartContext = getattr(
        import_module(f"closedset.onset.parts_{name}"), f"{screen}_context"
    )
    return found


def _parts(request: HttpRequest, run: Run, what: set[str], screen: str) -> dict[str, Any]:
    return {name: _part_context(name, screen)(request, run, what) for name in PARTS}


def live_part(request: HttpRequest, run_id: int, part: str, screen: str) -> HttpResponse:
    """One part's section of the console or the phone page alone, for the screen's polling:
    onset/_<screen>_<part>.html with what the part adds to the whole page."""
    run, what = run_as(request.user, run_id, SCREEN_ROLE[screen])
    context = _part_context(part, screen)(request, run, what)
    return render(request, f"onset/_{screen}_{part}.html", {"run": run, part: context})


# --- starting a scene -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, production_id: int, scene_id: int) -> HttpResponse:
    """GET: start scene 12B (or open today's console). POST: start it if the gate passes."""
    scene = get_scene(request.user, production_id, scene_id, Role.COORDINATOR)
    message = ""
    status = 200
    if request.method == "POST":
        try:
            run = services.start(request.user, scene)
        except GateClosed as refused:
            message, status = refused.message, 409
        else:
            return redirect("onset:console", run_id=run.pk)
    today = Run.objects.filter(scene=scene, day=services.shoot_day(scene)).first()
    return render(
        request,
        "onset/start.html",
        {
            "scene": scene,
            "run": today,
            "state_label": services.state_label(today.state) if today else "",
            "message": message,
        },
        status=status,
    )


# --- the coordinator's console --------------------------------------------------------------


@login_required
@require_GET
def console(request: HttpRequest, run_id: int) -> HttpResponse:
    run, what = run_as(request.user, run_id, "coordinator")
    run = services.shoot_newest(run)
    # signals_after escalates what waited too long, so the console's own reading does too.
    items = [_item(s, request.user, console=True) for s in _signals(request.user, run.pk)]
    items.reverse()  # newest first
    return render(
        request,
        "onset/console.html",
        {
            "run": run,
            "scene": run.scene,
            "state_label": services.state_label(run.state),
            "items": items,
            "waiting": [i for i in items if not i["acknowledged_at"]],
            "signals_url": reverse("onset:signals", args=[run.pk]),
            **_parts(request, run, what, "console"),
        },
    )


# --- the performer's phone ------------------------------------------------------------------


def _phone_page(
    request: HttpRequest,
    run: Run,
    what: set[str],
    *,
    message: str = "",
    status: int = 200,
) -> HttpResponse:
    items = [_item(s, request.user, console=False) for s in _signals(request.user, run.pk)]
    items.reverse()
    return render(
        request,
        "onset/phone.html",
        {
            "run": run,
            "scene": run.scene,
            "latest": items[0] if items else None,
            "earlier": items[1:6],
            "message": message,
            # A fresh key per button for phones without JavaScript; a script makes its own.
            "pause_key": uuid.uuid4().hex,
            "stop_key": uuid.uuid4().hex,
            "signals_url": reverse("onset:signals", args=[run.pk]),
            "shell": [
                request.path,
                static("closedset/site.css"),
                static("onset/onset.css"),
                static("onset/phone.js"),
            ],
            **_parts(request, run, what, "phone"),
        },
        status=status,
    )


def phone_refusal(request: HttpRequest, run: Run, what: set[str], message: str) -> HttpResponse:
    """Her whole phone page again, PAUSE and STOP with it, the refusal's words on top: what a
    part's form posted without JavaScript gets back."""
    run.refresh_from_db()
    return _phone_page(request, run, what, message=message, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def phone(request: HttpRequest, run_id: int) -> HttpResponse:
    """GET: PAUSE and STOP, and what became of the last one. POST: the same without
    JavaScript, landing back here."""
    run, what = run_as(request.user, run_id, "performer")
    if request.method == "GET":
        run = services.shoot_newest(run)
        return _phone_page(request, run, what)
    try:
        services.send(request.user, run.pk, *posted(request, "kind", "key"))
    except NotFound:
        raise
    except DomainError as error:
        return _phone_page(request, run, what, message=error.message, status=400)
    return redirect("onset:phone", run_id=run.pk)


# --- JSON: signals and acknowledging --------------------------------------------------------


@_json_view
@require_http_methods(["GET", "POST"])
def signals(request: HttpRequest, run_id: int) -> HttpResponse:
    """GET ?after=<seq>: what the screen missed. POST {kind, key}: a performer's signal."""
    if request.method == "POST":
        data = _body(request)
        kind, key = data.get("kind"), data.get("key")
        if not isinstance(kind, str) or not isinstance(key, str):
            return _json_error(UNREADABLE, 400)
        signal = services.send(request.user, run_id, kind.lower(), key)
        return JsonResponse(
            {
                "seq": signal.seq,
                "kind": signal.kind,
                "key": signal.key,
                "acknowledged": signal.acknowledged_at is not None,
            },
            status=201,
        )
    raw = request.GET.get("after", "0")
    if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        return _json_error("Ask from a sequence number of 0 or more.", 400)
    run, what = services.run_for(request.user, run_id)
    console = "coordinator" in what
    rows = _signals(request.user, run.pk, int(raw))
    run.refresh_from_db(fields=["state", "last_seq"])
    return JsonResponse(
        {
            "state": run.state,
            "state_label": services.state_label(run.state),
            "last_seq": run.last_seq,
            "signals": [_item(s, request.user, console=console) for s in rows],
        }
    )


@login_required
@require_POST
def acknowledge(request: HttpRequest, signal_id: int) -> HttpResponse:
    """The coordinator's "I have seen it": back to the console (or JSON for a script)."""
    try:
        signal = services.acknowledge(request.user, signal_id)
    except NotFound:
        if _wants_json(request):
            return _json_error(NO_RUN, 404)
        raise
    if _wants_json(request):
        signal = Signal.objects.select_related("sender", "acknowledged_by").get(pk=signal.pk)
        return JsonResponse(_item(signal, request.user, console=True))
    return redirect("onset:console", run_id=signal.run_id)


# --- installable phone page -----------------------------------------------------------------


@require_safe
def manifest(request: HttpRequest) -> HttpResponse:
    """The phone page as an app; ?run=<n> makes it open on that run's page."""
    run = request.GET.get("run", "")
    start_url = (
        reverse("onset:phone", args=[int(run)])
        if run.isascii() and run.isdigit() and 0 < len(run) < 19
        else "/"
    )
    data = {
        "name": "closedset — PAUSE and STOP",
        "short_name": "PAUSE / STOP",
        "start_url": start_url,
        "scope": "/onset/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#991b1b",
        "icons": [
            {
                "src": reverse("onset:icon", args=[size]),
                "sizes": f"{size}x{size}",
                "type": "image/png",
            }
            for size in ICON_SIZES
        ],
    }
    response = HttpResponse(json.dumps(data), content_type="application/manifest+json")
    response["Cache-Control"] = "no-cache"
    return response


ICON_SIZES = (192, 512)


@functools.lru_cache(maxsize=len(ICON_SIZES))
def _icon_png(size: int) -> bytes:
    # Drawn, not shipped: a PAUSE sign on the STOP button's red, for the home screen.
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (size, size), "#991b1b")
    draw = ImageDraw.Draw(image)
    bar_width, bar_height = size // 7, size // 2
    top = (size - bar_height) // 2
    for left in (size // 2 - bar_width - size // 14, size // 2 + size // 14):
        draw.rounded_rectangle(
            (left, top, left + bar_width, top + bar_height), radius=size // 40, fill="white"
        )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@require_safe
def icon(request: HttpRequest, size: int) -> HttpResponse:
    """The installed phone page's icon, in the sizes browsers ask for."""
    if size not in ICON_SIZES:
        raise Http404("There is no icon of that size.")
    response = HttpResponse(_icon_png(size), content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    """Served here rather than from /static/ so that its scope covers /onset/."""
    response = HttpResponse(
        SERVICE_WORKER.read_text(encoding="utf-8"), content_type="text/javascript"
    )
    response["Cache-Control"] = "no-cache"
    return response
