"""Pages for boundaries: thin, each calls one service and renders the result."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from closedset.boundaries import errors_text, services, words
from closedset.core.profile import Boundary
from closedset.core.profile import BoundaryProfile as CoreProfile
from closedset.core.taxonomy import Act, Intensity, load_taxonomy
from closedset.lib.errors import NotFound
from closedset.lib.i18n import current_language, in_document_language
from closedset.lib.uploads import import_text
from closedset.productions.services import performers

DIRECTION_LABELS = words.DIRECTION_LABELS
ANSWER_LABELS = words.ANSWER_LABELS
BARRIER_LABELS = words.BARRIER_LABELS
# The English page's own names for the groups; other languages take the taxonomy's.
CATEGORY_LABELS = {
    "nudity": "Nudity",
    "kissing": "Kissing",
    "touch": "Touch",
    "impact": "Impact (slaps, spanks)",
    "rough": "Rough play",
    "restraint": "Restraint",
    "fluids": "Fluids",
    "verbal": "Words",
    "oral": "Oral sex",
    "manual": "Manual sex",
    "penetration": "Penetration",
    "simulated": "Simulated sex",
    "solo": "On your own",
    "other": "Other",
}


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
    names: Mapping[str, str] = field(default_factory=dict)

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
    def answer_word(self) -> str:
        """The answer as a word in a sentence ("no"), in the page's language."""
        return words.answer_in_sentence(self.answer)

    @property
    def detail(self) -> list[str]:
        """Short phrases for what the detail page holds, so the row shows it at a glance."""
        if self.entry is None:
            return []
        parts = [
            f"{words.zone_label(z)}: {words.answer_in_sentence(a)}"
            for z, a in self.entry.zones.items()
        ]
        if self.entry.max_intensity is not None:
            level = words.level_word(self.entry.max_intensity)
            parts.append(gettext("at most %(level)s") % {"level": level})
        if words.is_no(self.entry):
            parts.append(
                gettext("hard limit") if self.entry.limit == "hard" else gettext("soft limit")
            )
        if self.entry.partners is not None:
            who = words.people(self.entry.partners, self.names)
            parts.append(gettext("only with %(people)s") % {"people": who})
        if self.entry.note:
            parts.append(gettext("note for the coordinator"))
        return parts


@dataclass
class Category:
    name: str
    acts: list[tuple[Act, list[Row]]] = field(default_factory=list)

    @property
    def label(self) -> str:
        if current_language() == "en":
            return CATEGORY_LABELS.get(self.name, self.name.capitalize())
        return words.taxonomy().category_label(self.name).capitalize()

    @property
    def answered(self) -> int:
        return sum(1 for _, rows in self.acts for row in rows if row.entry is not None)

    @property
    def total(self) -> int:
        return sum(len(rows) for _, rows in self.acts)


def categories(profile: CoreProfile, names: Mapping[str, str] | None = None) -> list[Category]:
    taxonomy = words.taxonomy()
    found: dict[str, Category] = {}
    for act in taxonomy.acts.values():
        category = found.setdefault(act.category, Category(act.category))
        rows = [Row(act, d, profile.boundary(act.id, d), names=names or {}) for d in act.directions]
        category.acts.append((act, rows))
    return list(found.values())


def _category(profile: CoreProfile, name: str, names: Mapping[str, str]) -> Category:
    for category in categories(profile, names):
        if category.name == name:
            return category
    raise NotFound(gettext("No such group of acts."))


def _path(user: object, here: str) -> dict[str, object]:
    """The performer's path: fill in, review, share; what is done of each."""
    profile, _ = services.my_profile(user)  # type: ignore[arg-type]
    shares = services.my_shares(user)  # type: ignore[arg-type]
    total = sum(len(a.directions) for a in load_taxonomy().acts.values())
    return {
        "here": here,
        "answered": len(profile.boundaries),
        "total": total,
        "shared": sum(1 for s in shares if s.shared_at),
        "productions": len(shares),
    }


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The profile page. Groups are closed and their acts load when opened (htmx); without
    scripts, ?open=<group> shows that group's acts."""
    profile, number = services.my_profile(request.user)
    names = services.partner_names(request.user)
    groups = categories(profile, names)
    opened = request.GET.get("open", "")
    return render(
        request,
        "boundaries/mine.html",
        {
            "profile": profile,
            "number": number,
            "categories": groups,
            "opened": opened if any(c.name == opened for c in groups) else "",
            "answers": ANSWER_LABELS,
            "barriers": BARRIER_LABELS,
            "path": _path(request.user, "fill"),
        },
    )


@login_required
@require_GET
def group(request: HttpRequest, category: str) -> HttpResponse:
    """One group's acts: for htmx when the group opens; a plain request gets the page."""
    if not _htmx(request):
        return redirect(reverse("boundaries:mine") + f"?open={category}#cat-{category}")
    profile, _ = services.my_profile(request.user)
    found = _category(profile, category, services.partner_names(request.user))
    return render(request, "boundaries/_group.html", {"category": found, "answers": ANSWER_LABELS})


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
    profile, number = services.my_profile(request.user)
    names = services.partner_names(request.user)
    taxonomy = words.taxonomy()
    row = Row(taxonomy.acts[act], direction, profile.boundary(act, direction), names=names)
    if row_error:
        row.error = row_error
    else:
        row.saved = gettext("Saved: %(answer)s.") % {"answer": ANSWER_LABELS[value]}
    if _htmx(request):
        # The row, and out of band the group's "n of m answered" in its summary.
        category = _category(profile, row.act.category, names)
        context = {
            "row": row,
            "answers": ANSWER_LABELS,
            "category": category,
            "path": _path(request.user, "fill"),
            "number": number,
            "oob": True,
        }
        return render(request, "boundaries/_answered.html", context)
    if row_error:
        return render(
            request,
            "boundaries/error.html",
            {"message": row_error, "back": reverse("boundaries:mine")},
            status=422,
        )
    return redirect(reverse("boundaries:mine") + f"?open={row.act.category}#act-{act}")


@login_required
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, act: str, direction: str) -> HttpResponse:
    """Every detail of one act and direction: zones, intensity, limit, partners, note."""
    taxonomy = words.taxonomy()
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
            partners=request.POST.getlist("partners"),
            note=request.POST.get("note", ""),
        )
        try:
            services.set_boundary(request.user, act, direction, form)
        except services.ProfileInvalid as error:
            errors, message = error.fields, error.message
        else:
            category = taxonomy.acts[act].category
            return redirect(reverse("boundaries:mine") + f"?open={category}#act-{act}")
    else:
        form = services.BoundaryForm(
            answer=entry.answer if entry else "",
            zones=dict(entry.zones) if entry else {},
            max_intensity=entry.max_intensity.name if entry and entry.max_intensity else "",
            limit=entry.limit if entry else "hard",
            partners=list(entry.partners or ()) if entry else [],
            note=entry.note or "" if entry else "",
        )
    act_obj = taxonomy.acts[act]
    zones = [(taxonomy.zones[z], (form.zones or {}).get(z, "")) for z in act_obj.zones]
    chosen = form.partners if isinstance(form.partners, list) else form.partners.split(",")
    names = services.partner_names(request.user)
    people = [(handle, name, handle in chosen) for handle, name in names.items()]
    # Partners named in an imported file who are in none of the performer's productions.
    people += [
        (handle, gettext("A performer outside your productions (from your file)"), True)
        for handle in chosen
        if handle and handle not in names
    ]
    return render(
        request,
        "boundaries/detail.html",
        {
            "act": act_obj,
            "direction": direction,
            "direction_label": DIRECTION_LABELS[direction],
            "form": form,
            "zones": zones,
            "people": people,
            # (value, label): the form posts the level's name, the person reads it in words.
            "intensities": [(level.name, words.level_word(level)) for level in Intensity],
            "answers": ANSWER_LABELS,
            "errors": errors,
            "message": message,
        },
        status=422 if errors else 200,
    )


@login_required
@require_POST
def barrier(request: HttpRequest) -> HttpResponse:
    try:
        services.set_barrier(request.user, request.POST.get("barrier", ""))
    except services.ProfileInvalid as error:
        return render(
            request,
            "boundaries/error.html",
            {"message": error.message, "back": reverse("boundaries:mine")},
            status=422,
        )
    return redirect(reverse("boundaries:mine") + "#barrier")


def _review_context(user: object) -> dict[str, object]:
    profile, number = services.my_profile(user)  # type: ignore[arg-type]
    names = services.partner_names(user)  # type: ignore[arg-type]
    by_answer: dict[str, list[str]] = {"no": [], "maybe": [], "yes": []}
    for entry in profile.boundaries:
        by_answer[entry.answer].append(words.entry_sentence(entry, names))
    return {
        "profile": profile,
        "number": number,
        "by_answer": [
            (gettext("Your noes"), by_answer["no"]),
            (gettext("Your maybes"), by_answer["maybe"]),
            (gettext("Your yeses"), by_answer["yes"]),
        ],
        # Nothing answered yet: no barrier setting to read back either.
        "barrier": words.BARRIER_SENTENCES[profile.barrier]
        if profile.boundaries or profile.barrier != "none"
        else "",
        "notes": [
            (words.act_phrase(e.act, e.direction), e.note) for e in profile.boundaries if e.note
        ],
    }


@login_required
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    """The whole profile in sentences, before sharing it."""
    context = _review_context(request.user) | {"path": _path(request.user, "review")}
    return render(request, "boundaries/review.html", context)


def pdf_html(request: HttpRequest) -> str:
    """The document the PDF is made from: the signed-in person's own profile, nobody else's."""
    context = _review_context(request.user) | {
        "person": request.user,
        "page_footer": _page_footer(),
        "printed": dateformat.format(
            timezone.localtime(), PRINTED_FORMATS.get(current_language(), "j F Y, H:i")
        ),
    }
    return render_to_string("boundaries/pdf.html", context, request=request)


# When the PDF was printed, as each language writes a date ("26. listopadu 2026").
PRINTED_FORMATS = {
    "en": "j F Y, H:i",
    "es": r"j \d\e F \d\e Y, H:i",
    "cs": "j. E Y, H:i",
    "hu": "Y. F j., H:i",
}


def _page_footer() -> str:
    """The PDF's "Page 1 of 3" as a CSS content value: the translated sentence, its numbers
    being CSS counters, so each language orders the words its own way."""
    text = gettext("Page %(page)s of %(pages)s")
    text = text.replace("\\", "").replace('"', "")  # nothing may end the CSS string early
    parts = text.replace("%(page)s", '" counter(page) "').replace("%(pages)s", '" counter(pages) "')
    return f'"{parts}"'


@login_required
@require_GET
@never_cache
@in_document_language
def pdf(request: HttpRequest) -> HttpResponse:
    """The person's own profile as a PDF; only ever their own, never kept in any cache."""
    from weasyprint import HTML

    html = pdf_html(request)

    def refuse(url: str, *args: object, **kwargs: object) -> dict[str, object]:
        # The document is self-contained; it fetches nothing from anywhere.
        raise ValueError("no external resources")

    document = HTML(string=html, url_fetcher=refuse).write_pdf()
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="my-boundaries.pdf"'
    response["Cache-Control"] = "no-store, private"
    return response


@login_required
@require_GET
def history(request: HttpRequest) -> HttpResponse:
    versions = services.my_versions(request.user)
    return render(request, "boundaries/history.html", {"versions": versions})


@login_required
@require_GET
def version(request: HttpRequest, number: int) -> HttpResponse:
    profile = services.my_version(request.user, number)
    _, current = services.my_profile(request.user)
    names = services.partner_names(request.user)
    return render(
        request,
        "boundaries/version.html",
        {
            "number": number,
            "current": current,
            "profile": profile,
            "sentences": [words.entry_sentence(e, names) for e in profile.boundaries],
            "barrier": words.BARRIER_SENTENCES[profile.barrier],
        },
    )


def _version_number(value: str | None) -> int | None:
    # isdigit() alone also takes "²" and "①", which int() refuses.
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 10 else None


@login_required
@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    """What changed between any two versions, in sentences."""
    versions = services.my_versions(request.user)
    numbers = [v.number for v in versions]
    older = _version_number(request.GET.get("from"))
    newer = _version_number(request.GET.get("to"))
    if newer not in numbers:
        newer = numbers[0] if numbers else None
    if older not in numbers:
        older = numbers[1] if len(numbers) > 1 else newer
    found = (
        services.compare_versions(request.user, older, newer)
        if older is not None and newer is not None
        else []
    )
    return render(
        request,
        "boundaries/compare.html",
        {"numbers": numbers, "older": older, "newer": newer, "changes": found},
    )


@login_required
@require_POST
def restore(request: HttpRequest, number: int) -> HttpResponse:
    _, before = services.my_profile(request.user)
    restored = services.restore_version(request.user, number)
    if restored == before:
        messages.info(
            request,
            gettext("Your profile is already the same as version %(number)s.") % {"number": number},
        )
    else:
        messages.success(
            request,
            gettext("Version %(number)s is back: it is now version %(restored)s, your current one.")
            % {"number": number, "restored": restored},
        )
    return redirect(reverse("boundaries:history") + f"#v{restored}")


@login_required
@require_GET
@never_cache
def export(request: HttpRequest) -> HttpResponse:
    profile, _ = services.my_profile(request.user)
    response = HttpResponse(services.profile_yaml(profile), content_type="application/yaml")
    response["Content-Disposition"] = 'attachment; filename="my-boundaries.yaml"'
    response["Cache-Control"] = "no-store, private"
    return response


def _in_her_language(error: services.ProfileInvalid) -> dict[str, str]:
    """The import's field messages, with a complaint of the core about the file itself (which
    words.plain_error leaves in English) said in the page's language."""
    core = errors_text.core_error_of(error)
    if core is None or core.code not in errors_text.TEXTS:
        return error.fields
    english = error.message
    message = errors_text.located_text(core)
    return {name: message if text == english else text for name, text in error.fields.items()} | {
        "file": message
    }


@login_required
@require_http_methods(["GET", "POST"])
def import_view(request: HttpRequest) -> HttpResponse:
    text = ""
    errors: dict[str, str] = {}
    if request.method == "POST":
        # import_text says a size that is too large in the page's language already.
        text, errors = import_text(request, 256, "a profile")
        if not errors:
            try:
                number = services.import_profile(request.user, text)
            except services.ProfileInvalid as error:
                errors = _in_her_language(error)
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
            "path": _path(request.user, "share"),
        },
    )


@login_required
@require_POST
def share(request: HttpRequest, production_id: int) -> HttpResponse:
    """Share; a profile with nothing answered first asks whether that is really meant."""
    profile, _ = services.my_profile(request.user)
    if not profile.boundaries and request.POST.get("empty") != "yes":
        state = next(
            (s for s in services.my_shares(request.user) if s.production.pk == production_id),
            None,
        )
        if state is None:
            raise NotFound(gettext("No such production among yours."))
        who = ", ".join(c.display_name for c in state.coordinators)
        return render(
            request, "boundaries/share_empty.html", {"item": state, "coordinator_names": who}
        )
    services.share(request.user, production_id)
    return redirect(reverse("boundaries:sharing") + f"#production-{production_id}")


@login_required
@require_POST
def revoke(request: HttpRequest, production_id: int) -> HttpResponse:
    services.revoke(request.user, production_id)
    return redirect(reverse("boundaries:sharing") + f"#production-{production_id}")


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


COORDINATOR_DIRECTIONS = {
    "give": gettext_lazy("Done by %(name)s to a partner"),
    "receive": gettext_lazy("Done to %(name)s"),
    "self": gettext_lazy("%(name)s, on camera"),
}


@login_required
@require_GET
def production_profile(request: HttpRequest, production_id: int, handle: str) -> HttpResponse:
    production, performer, profile = services.production_profile(
        request.user, production_id, handle
    )
    taxonomy = words.taxonomy()
    name = performer.display_name or performer.handle
    names = {p.handle: p.display_name for p in performers(production)}
    entries = [
        (
            taxonomy.acts[e.act],
            str(COORDINATOR_DIRECTIONS[e.direction]) % {"name": name},
            e,
            Row(taxonomy.acts[e.act], e.direction, e, names=names),
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
            # What matters first, before the full list of answers.
            "summary": services.summarise(performer, production, profile),
        },
    )


# --- access transparency ---


@login_required
@require_GET
def looks(request: HttpRequest) -> HttpResponse:
    """Who has looked at the person's profile: every look, newest first, 50 a page."""
    found = services.who_looked(request.user, request.GET.get("page", 1))
    return render(request, "boundaries/looks.html", {"found": found})
