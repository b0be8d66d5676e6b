"""Pages for people and productions. Thin: every change is a service call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login

from closedset.lib.errors import InvalidInput
from closedset.people import services
from closedset.people.forms import (
    AcceptForm,
    CodeForm,
    InvitationForm,
    LoginForm,
    ProductionForm,
    SceneForm,
    TokenForm,
    add_domain_errors,
)
from closedset.people.models import ApiToken, Role


def _next_url(request: HttpRequest, default: str = "people:home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    from django.urls import reverse

    return reverse(default)


class LoginView(auth_views.LoginView):
    template_name = "people/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "people/home.html",
        {
            "productions": services.my_productions(request.user),
            "has_second_factor": services.has_confirmed_device(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    if services.has_confirmed_device(request.user):
        return redirect("people:otp_verify")
    device = services.start_totp_enrolment(request.user)  # type: ignore[arg-type]
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.confirm_totp(request.user, form.cleaned_data["code"])  # type: ignore[arg-type]
        except InvalidInput as error:
            add_domain_errors(form, error)
        else:
            otp_login(request, device)
            messages.success(request, "Your authenticator app is set up.")
            return redirect(_next_url(request))
    return render(
        request,
        "people/otp_setup.html",
        {
            "form": form,
            "qr_svg": services.totp_qr_svg(device),
            "secret": _base32(device.bin_key),
            "next": request.GET.get("next", ""),
        },
    )


def _base32(key: bytes) -> str:
    import base64

    return base64.b32encode(key).decode().rstrip("=")


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    if not services.has_confirmed_device(request.user):
        return redirect("people:otp_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.verify_totp(request.user, form.cleaned_data["code"])  # type: ignore[arg-type]
        except InvalidInput as error:
            add_domain_errors(form, error)
        else:
            otp_login(request, device)
            return redirect(_next_url(request))
    return render(
        request, "people/otp_verify.html", {"form": form, "next": request.GET.get("next", "")}
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
                )
            except InvalidInput as error:
                add_domain_errors(form, error)
                status = 422
            else:
                messages.success(request, f"{prod.name} is set up; you are its producer.")
                return redirect("people:production", production_id=prod.pk)
        else:
            status = 422
    return render(request, "people/production_new.html", {"form": form}, status=status)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, production_id: int, invitation_id: int) -> HttpResponse:
    prod = services.get_production(request.user, production_id, Role.PRODUCER)
    services.revoke_invitation(request.user, prod, invitation_id)
    messages.success(request, "Invitation withdrawn; its link no longer works.")
    return redirect("people:invitations", production_id=prod.pk)


@login_required
@require_GET
def production(request: HttpRequest, production_id: int) -> HttpResponse:
    prod = services.get_production(request.user, production_id)
    roles = services.role_in(request.user, prod)
    can_see_roster = bool(roles & services.ROSTER_ROLES)
    return render(
        request,
        "people/production.html",
        {
            "production": prod,
            "roles": sorted(roles),
            "roster": services.roster(request.user, prod) if can_see_roster else None,
            "scenes": prod.scenes.all(),
            "is_producer": Role.PRODUCER in roles,
            "scene_form": SceneForm(),
        },
    )


@login_required
@require_POST
def scene_create(request: HttpRequest, production_id: int) -> HttpResponse:
    prod = services.get_production(request.user, production_id, Role.PRODUCER)
    form = SceneForm(request.POST)
    if form.is_valid():
        try:
            scene = services.create_scene(request.user, prod, **form.cleaned_data)
        except InvalidInput as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, f"Scene {scene.number} added.")
            return redirect("people:production", production_id=prod.pk)
    roles = services.role_in(request.user, prod)
    return render(
        request,
        "people/production.html",
        {
            "production": prod,
            "roles": sorted(roles),
            "roster": services.roster(request.user, prod),
            "scenes": prod.scenes.all(),
            "is_producer": True,
            "scene_form": form,
        },
        status=422,
    )


@login_required
@require_http_methods(["GET", "POST"])
def invitations(request: HttpRequest, production_id: int) -> HttpResponse:
    prod = services.get_production(request.user, production_id, Role.PRODUCER)
    form = InvitationForm(request.POST or None)
    link = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                invitation, key = services.invite(request.user, prod, **form.cleaned_data)
            except InvalidInput as error:
                add_domain_errors(form, error)
                status = 422
            else:
                from django.urls import reverse

                link = request.build_absolute_uri(reverse("people:invitation", args=[key]))
                form = InvitationForm()
        else:
            status = 422
    return render(
        request,
        "people/invitations.html",
        {
            "production": prod,
            "form": form,
            "link": link,
            "invitations": services.open_invitations(request.user, prod),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, key: str) -> HttpResponse:
    invite = services.read_invitation(key)
    user = request.user
    if user.is_authenticated:
        if request.method == "POST":
            services.accept_invitation(key, user)
            messages.success(request, f"You joined {invite.production.name}.")
            return redirect("people:production", production_id=invite.production_id)
        return render(request, "people/invitation.html", {"invitation": invite, "form": None})
    if services.account_exists(invite.email):
        # They have an account: log in first, then come back to this page to accept.
        return render(
            request,
            "people/invitation.html",
            {"invitation": invite, "form": None, "log_in_first": True},
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
                messages.success(request, f"Welcome. You joined {invite.production.name}.")
                return redirect("people:production", production_id=invite.production_id)
        else:
            status = 422
    return render(
        request, "people/invitation.html", {"invitation": invite, "form": form}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    secret = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _, secret = services.create_api_token(request.user, form.cleaned_data["name"])  # type: ignore[arg-type]
            except InvalidInput as error:
                add_domain_errors(form, error)
                status = 422
            else:
                form = TokenForm()
        else:
            status = 422
    return render(
        request,
        "people/tokens.html",
        {
            "form": form,
            "secret": secret,
            "tokens": ApiToken.objects.filter(user=request.user),
        },
        status=status,
    )


@login_required
@require_POST
def token_delete(request: HttpRequest, token_id: int) -> HttpResponse:
    services.revoke_api_token(request.user, token_id)  # type: ignore[arg-type]
    messages.success(request, "Token revoked.")
    return redirect("people:tokens")
