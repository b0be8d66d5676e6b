"""Pages for productions, scenes and invitations. Thin: every change is a service call."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from closedset.accounts import services as accounts
from closedset.accounts.errors import RateLimited
from closedset.accounts.forms import add_domain_errors
from closedset.breakdown.links import doors as breakdown_doors
from closedset.callsheets.links import doors as callsheet_doors
from closedset.lib.errors import DomainError, InvalidInput
from closedset.lib.net import client_ip
from closedset.notices import services as notices
from closedset.onset.links import doors as onset_doors
from closedset.plans import overview
from closedset.productions import services
from closedset.productions.forms import (
    AcceptForm,
    InvitationForm,
    LanguageForm,
    ProductionForm,
    SceneForm,
)
from closedset.productions.labels import role_label
from closedset.productions.models import Invitation, Production, Role


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    unread, unread_count = notices.unread_of(request.user)
    mine = services.my_productions(request.user)
    return render(
        request,
        "productions/home.html",
        {
            "productions": mine,
            "has_second_factor": accounts.has_confirmed_device(request.user),
            "unread": unread,
            "unread_count": unread_count,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def production_create(request: HttpRequest) -> HttpResponse:
    organisations = services.my_organisations(request.user)
    form = ProductionForm(request.POST or None, organisations=organisations)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                prod = services.start_production(
                    request.user,
                    name=data["name"],
                    kind=data["kind"],
                    organisation_id=data["organisation"],
                    new_organisation=data["new_organisation"],
                    language=data["language"],
                )
            except InvalidInput as error:
                add_domain_errors(form, error)
                status = 422
            else:
                messages.success(
                    request, _("%(name)s is set up; you are its producer.") % {"name": prod.name}
                )
                return redirect("productions:production", production_id=prod.pk)
        else:
            status = 422
    return render(request, "productions/production_new.html", {"form": form}, status=status)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, production_id: int, invitation_id: int) -> HttpResponse:
    prod = services.get_production(request.user, production_id, *services.INVITER_ROLES)
    services.revoke_invitation(request.user, prod, invitation_id)
    messages.success(request, _("Invitation withdrawn; its link no longer works."))
    return redirect("productions:invitations", production_id=prod.pk)


def _link_maker(request: HttpRequest) -> Callable[[str], str]:
    """Absolute invitation links for this site; they go into the e-mail only."""

    def link_for(key: str) -> str:
        return request.build_absolute_uri(reverse("productions:invitation", args=[key]))

    return link_for


@login_required
@require_POST
def invitation_resend(request: HttpRequest, production_id: int, invitation_id: int) -> HttpResponse:
    prod = services.get_production(request.user, production_id, *services.INVITER_ROLES)
    invitation = services.resend_invitation(
        request.user, prod, invitation_id, link_for=_link_maker(request), ip=client_ip(request)
    )
    messages.success(
        request,
        _("A new link was sent to %(email)s; the earlier one no longer works.")
        % {"email": invitation.email},
    )
    return redirect("productions:invitations", production_id=prod.pk)


@login_required
@require_GET
def production(request: HttpRequest, production_id: int) -> HttpResponse:
    prod = services.get_production(request.user, production_id)
    return render(request, "productions/production.html", _production_context(request, prod))


# Where each next step leads; the services name the step, the page makes the link.
STEP_LINKS = {
    "profile": ("boundaries:mine", False),
    "review": ("boundaries:review", False),
    "my_scenes": ("scenes:mine", False),
    "share": ("boundaries:sharing", False),
    "invite": ("productions:invitations", True),
    "scenes": ("", False),  # the "Add a scene" form on this very page
    "plans": ("plans:index", True),
}


def _steps(request: HttpRequest, prod: Production) -> list[dict[str, object]]:
    steps = []
    for step in services.next_steps(request.user, prod):
        name, with_production = STEP_LINKS.get(step.key, ("", False))
        if step.key == "scenes":
            url = "#add-scene"
        elif name:
            url = reverse(name, args=[prod.pk] if with_production else [])
        else:
            url = ""
        steps.append({"label": step.label, "done": step.done, "url": url})
    return steps


def _linked_scenes(request: HttpRequest, prod: Production, roles: set[str]) -> set[int]:
    if roles == {Role.CUSTODIAN}:
        return set()
    if roles == {Role.PERFORMER}:
        return overview.scenes_cast_in(request.user, prod)
    return set(prod.scenes.values_list("pk", flat=True))


def _production_context(
    request: HttpRequest, prod: Production, scene_form: SceneForm | None = None
) -> dict[str, object]:
    roles = services.role_in(request.user, prod)
    can_see_roster = bool(roles & services.ROSTER_ROLES)
    who = overview.overview_audience(request.user, prod)
    steps = _steps(request, prod)
    return {
        "production": prod,
        "roles": sorted(roles),
        "roster": services.roster(request.user, prod) if can_see_roster else None,
        "scenes": prod.scenes.all(),
        "is_producer": Role.PRODUCER in roles,
        "can_add_scenes": bool(roles & set(services.SCENE_ROLES)),
        "can_invite": bool(services.invitable_roles(request.user, prod)),
        "invites_performers_only": Role.PRODUCER not in roles,
        "scene_form": scene_form or SceneForm(),
        "overview": overview.production_overview(request.user, prod.pk) if who else None,
        "steps": steps,
        # Once every step is taken the list has nothing left to say.
        "steps_open": any(not step["done"] for step in steps),
        "cast_names": (
            services.cast_names(request.user, prod) if Role.CUSTODIAN in roles else None
        ),
        "is_custodian": Role.CUSTODIAN in roles,
        # Which scenes link to their plan: a custodian alone sees names only (plans are not
        # part of her records), a performer alone the scenes she is cast in.
        "linked_scenes": _linked_scenes(request, prod, roles),
        # The shoot day's doors this person may open (onset/links.py).
        "onset_doors": onset_doors(request.user, prod),
        # The script breakdown and the call sheets, for those who may open them (their links.py).
        "planning_doors": breakdown_doors(request.user, prod) + callsheet_doors(request.user, prod),
        "language_form": (
            LanguageForm(initial={"language": prod.language})
            if roles & set(services.SCENE_ROLES)
            else None
        ),
    }


@login_required
@require_POST
def production_language(request: HttpRequest, production_id: int) -> HttpResponse:
    """The producer or coordinator sets the language the production's documents are in."""
    prod = services.get_production(request.user, production_id, *services.SCENE_ROLES)
    form = LanguageForm(request.POST)
    if form.is_valid():
        try:
            services.set_language(request.user, prod.pk, form.cleaned_data["language"])
        except InvalidInput as error:
            add_domain_errors(form, error)
        else:
            messages.success(
                request,
                _("The production's documents are now in %(language)s.")
                % {"language": dict(settings.LANGUAGES)[form.cleaned_data["language"]]},
            )
            return redirect("productions:production", production_id=prod.pk)
    context = _production_context(request, prod) | {"language_form": form}
    return render(request, "productions/production.html", context, status=422)


@login_required
@require_POST
def scene_create(request: HttpRequest, production_id: int) -> HttpResponse:
    prod = services.get_production(request.user, production_id, *services.SCENE_ROLES)
    form = SceneForm(request.POST)
    if form.is_valid():
        try:
            scene = services.create_scene(request.user, prod, **form.cleaned_data)
        except InvalidInput as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Scene %(number)s added.") % {"number": scene.number})
            return redirect("productions:production", production_id=prod.pk)
    return render(
        request,
        "productions/production.html",
        _production_context(request, prod, scene_form=form),
        status=422,
    )


@login_required
@require_http_methods(["GET", "POST"])
def invitations(request: HttpRequest, production_id: int) -> HttpResponse:
    prod = services.get_production(request.user, production_id, *services.INVITER_ROLES)
    roles = services.invitable_roles(request.user, prod)
    form = InvitationForm(request.POST or None, roles=roles)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                invitation = services.invite_by_email(
                    request.user,
                    prod,
                    link_for=_link_maker(request),
                    ip=client_ip(request),
                    **form.cleaned_data,
                )
            except (InvalidInput, RateLimited) as error:
                add_domain_errors(form, error)
                status = error.status
            else:
                # The same answer whether or not the address has an account: the link went
                # to the address, and the page says only that.
                messages.success(
                    request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
                )
                return redirect("productions:invitations", production_id=prod.pk)
        else:
            status = 422
    return render(
        request,
        "productions/invitations.html",
        {
            "production": prod,
            "form": form,
            "invitations": services.open_invitations(request.user, prod),
            "days": settings.CLOSEDSET_INVITATION_DAYS,
            "crew_is_producers": Role.PRODUCER not in roles,
        },
        status=status,
    )


# What a newcomer reads first; the steps themselves are on the production page.
WELCOME_NEXT: dict[str, object] = {
    Role.PERFORMER: gettext_lazy(
        "Start by filling in your boundary profile; you share it only at the end."
    ),
    Role.COORDINATOR: gettext_lazy("Start by adding the scenes and inviting the performers."),
    Role.PRODUCER: gettext_lazy("Start by inviting an intimacy coordinator."),
    Role.DIRECTOR: gettext_lazy(
        "Open a scene's plan to propose beats to the intimacy coordinator."
    ),
    Role.CUSTODIAN: gettext_lazy("Below is the cast and what you will keep for them."),
}


def _welcome(invite: Invitation, new_account: bool = False) -> str:
    joined = _("You joined %(production)s.") % {"production": invite.production.name}
    if new_account:
        joined = _("Welcome. %(joined)s") % {"joined": joined}
    return f"{joined} {WELCOME_NEXT.get(invite.role, '')}".strip()


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, key: str) -> HttpResponse:
    invite = services.read_invitation(key)
    user = request.user
    if user.is_authenticated:
        if request.method == "POST":
            try:
                services.accept_invitation(key, user)
            except InvalidInput as error:
                # E.g. the coordinator's independence: say so on the invitation itself.
                return render(
                    request,
                    "productions/invitation.html",
                    {
                        "invitation": invite,
                        "role": role_label(invite.role),
                        "form": None,
                        "refused": error.message,
                    },
                    status=error.status,
                )
            messages.success(request, _welcome(invite))
            return redirect("productions:production", production_id=invite.production_id)
        return render(
            request,
            "productions/invitation.html",
            {"invitation": invite, "role": role_label(invite.role), "form": None},
        )
    if services.account_exists(invite.email):
        # They have an account: log in first, then come back to this page to accept.
        return render(
            request,
            "productions/invitation.html",
            {
                "invitation": invite,
                "role": role_label(invite.role),
                "form": None,
                "log_in_first": True,
            },
        )
    form = AcceptForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                member = services.accept_invitation(key, None, **form.cleaned_data)
            except InvalidInput as error:
                add_domain_errors(form, error)
                status = 422
            else:
                auth_login(request, member, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, _welcome(invite, new_account=True))
                return redirect("productions:production", production_id=invite.production_id)
        else:
            status = 422
    return render(
        request,
        "productions/invitation.html",
        {"invitation": invite, "role": role_label(invite.role), "form": form},
        status=status,
    )


# --- one-person crew ----------------------------------------------------------------------


@login_required
@require_GET
def one_person_crew(request: HttpRequest, production_id: int) -> HttpResponse:
    prod = services.get_production(request.user, production_id, Role.PRODUCER, Role.PERFORMER)
    return render(request, "productions/one_person_crew.html", _crew_context(request, prod))


def _crew_context(request: HttpRequest, prod: Production) -> dict[str, object]:
    return {
        "production": prod,
        "state": services.crew_state(request.user, prod),
        "is_producer": Role.PRODUCER in services.role_in(request.user, prod),
    }


@login_required
@require_POST
def one_person_crew_setting(request: HttpRequest, production_id: int) -> HttpResponse:
    prod = services.get_production(request.user, production_id, Role.PRODUCER)
    allow = request.POST.get("allow") == "yes"
    services.set_one_person_crew(request.user, prod, allow=allow)
    messages.success(
        request,
        _("Performers are asked to agree.")
        if allow
        else _("No one may combine the roles any more."),
    )
    return redirect("productions:one_person_crew", production_id=prod.pk)


@login_required
@require_POST
def one_person_crew_agreement(request: HttpRequest, production_id: int) -> HttpResponse:
    prod = services.get_production(request.user, production_id, Role.PERFORMER)
    agree = request.POST.get("agree") == "yes"
    try:
        services.agree_one_person_crew(request.user, prod, agree=agree)
    except DomainError as error:
        return render(
            request,
            "productions/one_person_crew.html",
            _crew_context(request, prod) | {"error": error.message},
            status=error.status,
        )
    messages.success(
        request, _("You agreed.") if agree else _("You withdrew your agreement; it ends at once.")
    )
    return redirect("productions:one_person_crew", production_id=prod.pk)
