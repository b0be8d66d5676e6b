"""Pages for boundaries: thin, each calls one service and renders the result."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from closedset.boundaries import services
from closedset.core.profile import Boundary
from closedset.core.profile import BoundaryProfile as CoreProfile
from closedset.core.taxonomy import Act, Intensity, load_taxonomy
from closedset.lib.uploads import import_text

DIRECTION_LABELS = {
    "give": "I do it to a partner",
    "receive": "A partner does it to me",
    "self": "Me, on camera",
}
ANSWER_LABELS = {"yes": "Yes", "no": "No", "maybe": "Maybe", "": "Not discussed"}


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@dataclass
class Row:
    """One act in one direction, as the profile page shows it."""

    act: Act
    direction: str
    entry: Boundary | None
    saved: str = ""
    error: str = ""

    @property
    def key(self) -> str:
        return f"{self.act.id}-{self.direction}"

    @property
    def direction_label(self) -> str:
        return DIRECTION_LABELS[self.direction]

    @property
    def answer(self) -> str:
        return self.entry.answer if self.entry else ""

    @property
    def detail(self) -> list[str]:
        """Short phrases for what the detail page holds, so the row shows it at a glance."""
        if self.entry is None:
            return []
        parts = [f"{zone}: {answer}" for zone, answer in self.entry.zones.items()]
        if self.entry.max_intensity is not None:
            parts.append(f"at most {self.entry.max_intensity.name}")
        if self.entry.answer == "no" or "no" in self.entry.zones.values():
            parts.append(f"{self.entry.limit} limit")
        if self.entry.partners is not None:
            parts.append("only with " + (", ".join(self.entry.partners) or "no one"))
        if self.entry.note:
            parts.append("note for the coordinator")
        return parts


@dataclass
class Category:
    name: str
    acts: list[tuple[Act, list[Row]]] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return sum(1 for _, rows in self.acts for row in rows if row.entry is not None)

    @property
    def total(self) -> int:
        return sum(len(rows) for _, rows in self.acts)


def categories(profile: CoreProfile) -> list[Category]:
    taxonomy = load_taxonomy()
    found: dict[str, Category] = {}
    for act in taxonomy.acts.values():
        category = found.setdefault(act.category, Category(act.category))
        rows = [Row(act, d, profile.boundary(act.id, d)) for d in act.directions]
        category.acts.append((act, rows))
    return list(found.values())


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    profile, number = services.my_profile(request.user)
    return render(
        request,
        "boundaries/mine.html",
        {
            "profile": profile,
            "number": number,
            "categories": categories(profile),
            "answers": ANSWER_LABELS,
            "barriers": BARRIER_LABELS,
        },
    )


BARRIER_LABELS = {
    "none": "Nothing required",
    "condom": "A condom",
    "barrier": "A barrier (condom or dental dam)",
}


@login_required
@require_POST
def answer(request: HttpRequest, act: str, direction: str) -> HttpResponse:
    """The quick yes / no / maybe. HTMX gets the row back; a plain form goes back to the page."""
    value = request.POST.get("answer", "")
    row_error = ""
    try:
        services.set_answer(request.user, act, direction, value)
    except services.ProfileInvalid as error:
        row_error = error.message
    profile, _ = services.my_profile(request.user)
    taxonomy = load_taxonomy()
    row = Row(taxonomy.acts[act], direction, profile.boundary(act, direction))
    if row_error:
        row.error = row_error
    else:
        row.saved = f"Saved: {ANSWER_LABELS[value]}."
    if _htmx(request):
        # The row, and out of band the group's "n of m answered" in its summary.
        category = next(c for c in categories(profile) if c.name == row.act.category)
        context = {"row": row, "answers": ANSWER_LABELS, "category": category, "oob": True}
        return render(request, "boundaries/_answered.html", context)
    if row_error:
        return render(
            request,
            "boundaries/error.html",
            {"message": row_error, "back": reverse("boundaries:mine")},
            status=422,
        )
    return redirect(reverse("boundaries:mine") + f"#act-{act}")


@login_required
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, act: str, direction: str) -> HttpResponse:
    """Every detail of one act and direction: zones, intensity, limit, partners, note."""
    taxonomy = load_taxonomy()
    if act not in taxonomy.acts or direction not in taxonomy.acts[act].directions:
        services._act(act, direction)  # raises NotFound
    profile, _ = services.my_profile(request.user)
    entry = profile.boundary(act, direction)
    errors: dict[str, str] = {}
    message = ""
    if request.method == "POST":
        form = services.BoundaryForm(
            answer=request.POST.get("answer", ""),
            zones={z: request.POST.get(f"zone-{z}", "") for z in taxonomy.acts[act].zones},
            max_intensity=request.POST.get("max_intensity", ""),
            limit=request.POST.get("limit", "hard"),
            partners=request.POST.get("partners", ""),
            note=request.POST.get("note", ""),
        )
        try:
            services.set_boundary(request.user, act, direction, form)
        except services.ProfileInvalid as error:
            errors, message = error.fields, error.message
        else:
            return redirect(reverse("boundaries:mine") + f"#act-{act}")
    else:
        form = services.BoundaryForm(
            answer=entry.answer if entry else "",
            zones=dict(entry.zones) if entry else {},
            max_intensity=entry.max_intensity.name if entry and entry.max_intensity else "",
            limit=entry.limit if entry else "hard",
            partners=", ".join(entry.partners or ()) if entry else "",
            note=entry.note or "" if entry else "",
        )
    act_obj = taxonomy.acts[act]
    zones = [(taxonomy.zones[z], (form.zones or {}).get(z, "")) for z in act_obj.zones]
    return render(
        request,
        "boundaries/detail.html",
        {
            "act": act_obj,
            "direction": direction,
            "direction_label": DIRECTION_LABELS[direction],
            "form": form,
            "zones": zones,
            "intensities": Intensity.names(),
            "answers": ANSWER_LABELS,
            "errors": errors,
            "message": message,
        },
        status=422 if errors else 200,
    )


@login_required
@require_POST
def barrier(request: HttpRequest) -> HttpResponse:
    services.set_barrier(request.user, request.POST.get("barrier", ""))
    return redirect(reverse("boundaries:mine") + "#barrier")


@login_required
@require_GET
def history(request: HttpRequest) -> HttpResponse:
    return render(
        request, "boundaries/history.html", {"versions": services.my_versions(request.user)}
    )


@login_required
@require_GET
def version(request: HttpRequest, number: int) -> HttpResponse:
    profile = services.my_version(request.user, number)
    return render(
        request,
        "boundaries/version.html",
        {"number": number, "profile": profile, "text": services.profile_yaml(profile)},
    )


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    profile, _ = services.my_profile(request.user)
    response = HttpResponse(services.profile_yaml(profile), content_type="application/yaml")
    response["Content-Disposition"] = f'attachment; filename="{profile.performer}.yaml"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_view(request: HttpRequest) -> HttpResponse:
    text = ""
    errors: dict[str, str] = {}
    if request.method == "POST":
        text, errors = import_text(request, 256, "a profile")
        if not errors:
            try:
                number = services.import_profile(request.user, text)
            except services.ProfileInvalid as error:
                errors = error.fields
            else:
                return redirect(reverse("boundaries:history") + f"#v{number}")
    return render(
        request,
        "boundaries/import.html",
        {"text": text, "errors": errors},
        status=422 if errors else 200,
    )


@login_required
@require_GET
def sharing(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "boundaries/sharing.html",
        {
            "shares": services.my_shares(request.user),
            "looks": services.recent_looks(request.user),
        },
    )


@login_required
@require_POST
def share(request: HttpRequest, production_id: int) -> HttpResponse:
    services.share(request.user, production_id)
    return redirect("boundaries:sharing")


@login_required
@require_POST
def revoke(request: HttpRequest, production_id: int) -> HttpResponse:
    services.revoke(request.user, production_id)
    return redirect("boundaries:sharing")


@login_required
@require_POST
def confirm(request: HttpRequest, production_id: int, membership_id: int) -> HttpResponse:
    services.confirm_coordinator(request.user, production_id, membership_id)
    return redirect(reverse("boundaries:sharing") + f"#production-{production_id}")


# ---------------------------------------------------------------- the coordinator's pages


@login_required
@require_GET
def production_list(request: HttpRequest, production_id: int) -> HttpResponse:
    production, cast = services.production_profiles(request.user, production_id)
    return render(request, "boundaries/production.html", {"production": production, "cast": cast})


@login_required
@require_GET
def production_profile(request: HttpRequest, production_id: int, handle: str) -> HttpResponse:
    production, performer, profile = services.production_profile(
        request.user, production_id, handle
    )
    taxonomy = load_taxonomy()
    entries = [
        (
            taxonomy.acts[e.act],
            DIRECTION_LABELS[e.direction],
            e,
            Row(taxonomy.acts[e.act], e.direction, e),
        )
        for e in profile.boundaries
    ]
    return render(
        request,
        "boundaries/shared_profile.html",
        {
            "production": production,
            "performer": performer,
            "profile": profile,
            "entries": entries,
            "barrier": BARRIER_LABELS[profile.barrier],
        },
    )


# --- access transparency ---


@login_required
@require_GET
def looks(request: HttpRequest) -> HttpResponse:
    """Who has looked at the person's profile: every look, newest first, 50 a page."""
    found = services.who_looked(request.user, request.GET.get("page", 1))
    return render(request, "boundaries/looks.html", {"found": found})
