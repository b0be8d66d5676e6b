"""Plan history pages: compare two saved versions; restore an old one (after a confirm step)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from closedset.plans import history, services


def _urls(production_id: int, scene_id: int) -> dict[str, str]:
    args = [production_id, scene_id]
    return {
        "plan_url": reverse("plans:plan", args=args),
        "versions_url": reverse("plans:versions", args=args),
        "compare_url": reverse("plan_history:compare", args=args),
    }


@login_required
@require_GET
def compare(request: HttpRequest, production_id: int, scene_id: int) -> HttpResponse:
    """?a=N&b=M: what changed from version N to version M, side by side."""
    found = history.compare(
        request.user, production_id, scene_id, request.GET.get("a"), request.GET.get("b")
    )
    context = {
        "found": found,
        "versions": [{"number": number} for number in found.numbers],
        "production_id": production_id,
        "scene_id": scene_id,
    }
    context.update(_urls(production_id, scene_id))
    # A number that names no version is the asker's to fix: said in words, with a 422.
    status = 422 if found.error and len(found.numbers) >= 2 else 200
    return render(request, "plan_history/compare.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def restore(request: HttpRequest, production_id: int, scene_id: int, number: int) -> HttpResponse:
    """GET: what restoring would change, and a button; POST: restore (coordinator only)."""
    error = ""
    if request.method == "POST":
        try:
            done = history.restore(request.user, production_id, scene_id, number)
        except services.PlanInvalid as invalid:
            error = invalid.message
        else:
            said = _("Version %(number)s restored as version %(new)s.") % {
                "number": number,
                "new": done.number,
            }
            if done.kept:
                said += " " + _("Your unsaved changes were saved first as version %(kept)s.") % {
                    "kept": done.kept
                }
            messages.success(request, said)
            versions_url = reverse("plans:versions", args=[production_id, scene_id])
            return redirect(f"{versions_url}#v{done.number}")
    preview = history.restore_preview(request.user, production_id, scene_id, number)
    context = {"preview": preview, "error": error}
    context.update(_urls(production_id, scene_id))
    return render(request, "plan_history/restore.html", context, status=422 if error else 200)
