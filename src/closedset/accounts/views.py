"""Pages for signing in, the second factor and API tokens. Thin: every change is a service call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from closedset.accounts import services
from closedset.accounts.forms import CodeForm, LoginForm, TokenForm, add_domain_errors
from closedset.accounts.models import ApiToken
from closedset.lib.errors import InvalidInput


def _next_url(request: HttpRequest, default: str = "productions:home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    from django.urls import reverse

    return reverse(default)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    if services.has_confirmed_device(request.user):
        return redirect("accounts:otp_verify")
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
        "accounts/otp_setup.html",
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
        return redirect("accounts:otp_setup")
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
        request, "accounts/otp_verify.html", {"form": form, "next": request.GET.get("next", "")}
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
        "accounts/tokens.html",
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
    return redirect("accounts:tokens")
