"""Check-ins, deviations and incident reports (docs/shootday.md). Thin: the rules are in
onset.checkins and onset.incidents.

The console's and the phone's live parts reload themselves every few seconds (htmx); each asks
with the digest of what it shows and gets 204 when nothing changed, so a screen reader hears a
change once, not every poll. Every form also works without JavaScript: POST, then back.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from closedset.core.taxonomy import Intensity, load_taxonomy
from closedset.core.words import words_in
from closedset.lib.errors import DomainError, NotFound
from closedset.lib.i18n import current_language
from closedset.onset import checkins, incidents
from closedset.onset.models import Incident, Run
from closedset.onset.views import phone_refusal, posted, run_as
from closedset.productions.models import Role
from closedset.productions.services import get_production, role_in


def _live(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """A live check-in part; 204 when the screen already shows this digest (?v=)."""
    if request.GET.get("v") == context["digest"]:
        return HttpResponse(status=204)
    return render(request, template, context)


# --- check-ins: the console -----------------------------------------------------------------


def console_live(request: HttpRequest, run: Run) -> dict[str, Any]:
    view = checkins.console_view(run)
    return {"run": run, "view": view, "digest": view.digest()}


@login_required
@require_http_methods(["GET", "POST"])
def console_checkins(request: HttpRequest, run_id: int) -> HttpResponse:
    """GET: the console's live check-in part. POST: ask everyone cast for a check-in."""
    run, _ = run_as(request.user, run_id, "coordinator")
    if request.method == "GET":
        return _live(request, "onset/checkin_console.html", console_live(request, run))
    after_beat = str(request.POST.get("after_beat", ""))
    try:
        checkins.ask(request.user, run.pk, after_beat)
    except NotFound:
        raise
    except DomainError as error:
        return render(
            request,
            "onset/checkin_ask.html",
            {
                "run": run,
                "scene": run.scene,
                "message": error.message,
                "beats": checkins.beat_ids(run),
            },
            status=400,
        )
    return redirect("onset:console", run_id=run.pk)


@login_required
@require_POST
def close_checkin(request: HttpRequest, run_id: int, checkin_id: int) -> HttpResponse:
    checkins.close(request.user, run_id, checkin_id)
    return redirect("onset:console", run_id=run_id)


@login_required
@require_POST
def talked(request: HttpRequest, run_id: int, answer_id: int) -> HttpResponse:
    """The coordinator has talked to the performer who answered yellow."""
    checkins.talked(request.user, run_id, answer_id)
    return redirect("onset:console", run_id=run_id)


# --- check-ins: the phone -------------------------------------------------------------------


def phone_live(request: HttpRequest, run: Run) -> dict[str, Any]:
    view = checkins.phone_view(run, request.user)
    return {"run": run, "view": view, "digest": view.digest()}


@login_required
@require_http_methods(["GET", "POST"])
def phone_checkin(request: HttpRequest, run_id: int) -> HttpResponse:
    """GET: the phone's live check-in part. POST: her answer, green, yellow or red."""
    run, what = run_as(request.user, run_id, "performer")
    if request.method == "GET":
        return _live(request, "onset/checkin_phone.html", phone_live(request, run))
    try:
        checkins.answer(request.user, run.pk, str(request.POST.get("colour", "")))
    except NotFound:
        raise
    except DomainError as error:
        return phone_refusal(request, run, what, error.message)
    return redirect("onset:phone", run_id=run.pk)


# --- deviations: "Something unplanned" --------------------------------------------------------


class UnplannedForm(forms.Form):
    """Act, zone, intensity, who, to whom and the beat: selects from the taxonomy and the run."""

    # Plain words, never Django's "Select a valid choice. X is not ...", which echoes input.
    act = forms.ChoiceField(
        label=gettext_lazy("What happened"),
        error_messages={
            "required": gettext_lazy("Choose what happened from the list."),
            "invalid_choice": gettext_lazy("Choose what happened from the list."),
        },
    )
    zone = forms.ChoiceField(
        label=gettext_lazy("Where"),
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy("Choose where from the list, or “no zone”."),
        },
    )
    intensity = forms.ChoiceField(
        label=gettext_lazy("How hard"),
        error_messages={
            "required": gettext_lazy("Choose how hard: light, medium or hard."),
            "invalid_choice": gettext_lazy("Choose how hard: light, medium or hard."),
        },
    )
    by = forms.ChoiceField(
        label=gettext_lazy("Who did it"),
        error_messages={
            "required": gettext_lazy("Choose who did it from the scene's cast."),
            "invalid_choice": gettext_lazy("Choose who did it from the scene's cast."),
        },
    )
    to = forms.ChoiceField(
        label=gettext_lazy("To whom"),
        error_messages={
            "required": gettext_lazy("Choose to whom from the scene's cast."),
            "invalid_choice": gettext_lazy("Choose to whom from the scene's cast."),
        },
    )
    beat = forms.ChoiceField(
        label=pgettext_lazy("a deviation's beat", "During"),
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy("Choose one of the scene's beats, or “between beats”."),
        },
    )

    def __init__(self, run: Run, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The taxonomy's words in the reader's language; the values stay the ids.
        lang = current_language()
        taxonomy = load_taxonomy(lang)
        groups: dict[str, list[tuple[str, str]]] = {}
        for act in taxonomy.acts.values():
            category = act.category if lang == "en" else taxonomy.category_label(act.category)
            groups.setdefault(category.capitalize(), []).append((act.id, act.label))
        choose = gettext("Choose…")
        _choices(self, "act", [("", choose), *groups.items()])
        zones = [(zone.id, zone.label) for zone in taxonomy.zones.values()]
        _choices(self, "zone", [("", gettext("No zone")), *zones])
        _choices(self, "intensity", [("", choose), *_intensities(lang)])
        performer = gettext("A performer")
        cast = [(p.handle, p.display_name or performer) for p in checkins.cast_people(run)]
        _choices(self, "by", cast)
        _choices(self, "to", cast)
        beats = checkins.beat_ids(run)
        _choices(
            self,
            "beat",
            [(b, gettext("beat %(place)s") % {"place": n}) for n, b in enumerate(beats, start=1)]
            + [("", gettext("between beats"))],
        )
        if not self.is_bound:
            # Prefilled for a few taps: the first two cast, the beat being shot.
            if len(cast) > 1:
                self.initial.setdefault("by", cast[0][0])
                self.initial.setdefault("to", cast[1][0])
            self.initial.setdefault("beat", _beat_in_progress(run) or (beats[0] if beats else ""))


def _intensities(lang: str) -> list[tuple[str, str]]:
    """(value, name) for the intensity list: the plan file's words in English ("medium"),
    the level's name in another language."""
    if lang == "en":
        return [(n, n) for n in Intensity.names()]
    words = words_in(lang)
    return [(n, words(f"level:{n}")) for n in Intensity.names()]


def _choices(form: forms.Form, name: str, choices: list[Any]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def _beat_in_progress(run: Run) -> str:
    from closedset.onset.models import BeatState

    found = (
        BeatState.objects.filter(run=run, status=BeatState.Status.IN_PROGRESS)
        .order_by("-changed_at")
        .first()
    )
    return found.beat_id if found else ""


def unplanned_context(run: Run, form: UnplannedForm | None = None) -> dict[str, Any]:
    return {
        "run": run,
        "scene": run.scene,
        "unplanned_form": form or UnplannedForm(run),
        "deviations": [
            (
                i,
                incidents.deviation_words(i),
                checkins.beat_place(run, i.beat_id) if i.beat_id else "",
            )
            for i in incidents.for_run(run)
        ],
    }


@login_required
@require_http_methods(["GET", "POST"])
def unplanned(request: HttpRequest, run_id: int) -> HttpResponse:
    """GET: the form on a page of its own. POST: record it; the scene goes on hold."""
    run, _ = run_as(request.user, run_id, "coordinator")
    form = UnplannedForm(run, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            seen = incidents.Unplanned(**{k: str(v or "") for k, v in form.cleaned_data.items()})
            try:
                incident = incidents.record_unplanned(request.user, run.pk, seen)
            except NotFound:
                raise
            except DomainError as error:
                for field, words in error.fields.items() or [(None, error.message)]:
                    form.add_error(field if field in form.fields else None, words)
            else:
                messages.success(
                    request,
                    gettext("Recorded: %(what)s. The scene is on hold.")
                    % {"what": incidents.deviation_words(incident)},
                )
                return redirect("onset:console", run_id=run.pk)
        status = 400
    return render(
        request, "onset/incident_unplanned.html", unplanned_context(run, form), status=status
    )


# --- incidents --------------------------------------------------------------------------------


class ReportForm(forms.Form):
    description = forms.CharField(
        label=gettext_lazy("What happened"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=incidents.TEXT_MAX,
        help_text=gettext_lazy("Only the coordinator can read this."),
        error_messages={"required": gettext_lazy("Say what happened, in your own words.")},
    )
    scene = forms.TypedChoiceField(
        label=gettext_lazy("Scene"),
        required=False,
        coerce=int,
        empty_value=None,
        # Django's own words would echo what was sent back (an id, for a scene not listed).
        error_messages={"invalid_choice": gettext_lazy("Choose a scene from the list, or none.")},
    )
    anonymous = forms.BooleanField(
        label=gettext_lazy("Send it without my name"),
        required=False,
        help_text=gettext_lazy(
            "Nobody, the coordinator included, will be able to see who sent it; you will not "
            "be able to follow its state here either."
        ),
    )

    def __init__(self, production: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scenes = production.scenes.order_by("number", "pk")
        _choices(
            self,
            "scene",
            [("", gettext("None in particular"))]
            + [(s.pk, f"{s.number}{': ' + s.title if s.title else ''}") for s in scenes],
        )


@login_required
@require_GET
def incident_list(request: HttpRequest, production_id: int) -> HttpResponse:
    """What each role sees: the coordinator everything, the producer counts by state, anyone
    their own named reports' states."""
    production = get_production(request.user, production_id)
    roles = role_in(request.user, production)
    context: dict[str, Any] = {
        "production": production,
        "mine": incidents.my_reports(request.user, production.pk),
    }
    context["coordinator"] = Role.COORDINATOR in roles
    if context["coordinator"]:
        context["rows"] = [
            _row(incident, request.user)
            for incident in incidents.for_coordinator(request.user, production.pk)
        ]
    if Role.PRODUCER in roles or Role.COORDINATOR in roles:
        found = incidents.counts(request.user, production.pk)
        context["counts"] = [
            (INCIDENT_STATES.get(value, label), found[value])
            for value, label in Incident.State.choices
        ]
    return render(request, "onset/incidents.html", context)


# An incident's state in the reader's language (the model's labels stay the English ones).
INCIDENT_STATES: dict[str, Any] = {
    Incident.State.OPEN: pgettext_lazy("incident state", "open"),
    Incident.State.ACKNOWLEDGED: pgettext_lazy("incident state", "acknowledged"),
    Incident.State.RESOLVED: pgettext_lazy("incident state", "resolved"),
}


def _row(incident: Incident, reader: Any) -> dict[str, Any]:
    return {
        "incident": incident,
        "what": incidents.deviation_words(incident)
        if incident.kind == Incident.Kind.DEVIATION
        else "",
        "description": incidents.read_text(incident, "description", reader),
        "actions": incidents.read_text(incident, "actions", reader),
        "sealed_elsewhere": incident.sealed_for_id not in (None, reader.pk)
        and (incident.description is not None or incident.actions is not None),
    }


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, production_id: int) -> HttpResponse:
    """Anyone in the production reports an incident, with or without their name."""
    production = get_production(request.user, production_id)
    form = ReportForm(production, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                incidents.report(
                    request.user,
                    production.pk,
                    data["description"],
                    anonymous=bool(data["anonymous"]),
                    scene_id=data["scene"],
                )
            except NotFound:
                raise
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    gettext("Sent to the coordinator without your name.")
                    if data["anonymous"]
                    else gettext("Sent to the coordinator. Its state shows below."),
                )
                return redirect("onset:incidents", production_id=production.pk)
        status = 400
    return render(
        request, "onset/incident_new.html", {"production": production, "form": form}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def incident_detail(request: HttpRequest, production_id: int, incident_id: int) -> HttpResponse:
    """The coordinator's page of one incident: everything, and acknowledge or resolve."""
    incident = incidents.incident_for_coordinator(request.user, production_id, incident_id)
    message, status = "", 200
    if request.method == "POST":
        step, actions = posted(request, "step", "actions")
        try:
            incidents.move(request.user, production_id, incident.pk, step, actions)
        except NotFound:
            raise
        except DomainError as error:
            message, status = error.message, 400
        else:
            return redirect("onset:incident", production_id=production_id, incident_id=incident.pk)
    incident = incidents.incident_for_coordinator(request.user, production_id, incident.pk)
    return render(
        request,
        "onset/incident_detail.html",
        {
            "production": incident.production,
            "row": _row(incident, request.user),
            "message": message,
            "typed": str(request.POST.get("actions", "")) if message else "",
        },
        status=status,
    )
