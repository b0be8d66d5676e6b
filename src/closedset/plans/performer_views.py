"""The performer's scene pages: thin, each asks plans.performer and renders the result."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from closedset.plans import performer


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """Every scene the person is cast in; a plain page for someone cast in none."""
    return render(request, "scenes/mine.html", {"scenes": performer.my_scenes(request.user)})


@login_required
@require_GET
def scene(request: HttpRequest, production_id: int, scene_id: int) -> HttpResponse:
    found = performer.scene_for_performer(request.user, production_id, scene_id)
    return render(request, "scenes/scene.html", {"found": found})
