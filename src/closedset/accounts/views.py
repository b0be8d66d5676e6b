"""Pages for signing in, the second factor and API tokens. Thin: every change is a service call."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login

from closedset.accounts import language as languages
from closedset.accounts import services
from closedset.accounts.errors import MailNotSent, RateLimited
from closedset.accounts.forms import (
    CodeForm,
    LoginForm,
    PasswordResetForm,
    RecoveryCodeForm,
    TokenForm,
    add_domain_errors,
)
from closedset.accounts.models import ApiToken
from closedset.lib.errors import InvalidInput
from closedset.lib.net import client_ip


def _next_url(request: HttpRequest, default: str = "productions:home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    from django.urls import reverse

    return reverse(default)


def _is_site_path(target: str) -> bool:
    return target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts=None, require_https=False
    )


def _same_site_path(request: HttpRequest) -> str:
    """Where the picker was: `next` if it is a path of this site, else the page the browser
    says it came from (same-origin requests send it in full), else the front page. The page
    does not carry its own address, so two pages differ in nothing but what they show."""
    target = request.POST.get("next", "")
    if not target:
        referer = request.META.get("HTTP_REFERER", "")
        if url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            parts = urlsplit(referer)
            target = urlunsplit(("", "", parts.path, parts.query, ""))
    return target if _is_site_path(target) else "/"


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """The footer's language picker: kept on the account when signed in, and in the browser
    (a cookie, as Django's set_language does) either way; then back to the same page."""
    code = request.POST.get("language", "")
    if not languages.is_offered(code):
        raise InvalidInput(_("Choose one of the languages in the list."))
    if request.user.is_authenticated:
        languages.choose(request.user, code)
    # Only a page of this site: a link elsewhere must not borrow our redirect.
    response = HttpResponseRedirect(_same_site_path(request))
    languages.remember_in_browser(response, code)
    return response


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


# Set by a verified session that forgot its authenticator, until the new one is confirmed.
REPLACING_AUTHENTICATOR = "closedset.replacing_authenticator"


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        # What this browser kept for the person (the shoot-day page's offline copy and its
        # outbox) goes with them: the next person at this phone finds none of it.
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    # Only an authenticator app counts here: a passkey holder may add one (or replace theirs).
    if services.has_confirmed_totp(request.user):
        return redirect("accounts:otp_verify")
    # Someone who has any factor adds one only from a session that proved it: a password
    # alone must never let a stranger put their own authenticator on the account.
    proved = request.user.is_verified() or request.session.get(REPLACING_AUTHENTICATOR)  # type: ignore[union-attr]
    if not proved and (
        services.has_confirmed_device(request.user) or services.recovery_codes_left(request.user)
    ):
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
            request.session.pop(REPLACING_AUTHENTICATOR, None)
            # Shown once, in this response only: nothing but their hashes is kept.
            codes = services.new_recovery_codes(request.user)  # type: ignore[arg-type]
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "just_set_up": True, "continue_url": _next_url(request)},
            )
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "qr_svg": services.totp_qr_svg(device),
            "secret": _base32(device.bin_key),
            "next": request.POST.get("next") or request.GET.get("next", ""),
            "required": services.needs_second_factor(request.user),
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
        request,
        "accounts/otp_verify.html",
        {
            "form": form,
            "next": request.GET.get("next", ""),
            "has_recovery_codes": services.recovery_codes_left(request.user) > 0,
            "has_totp": services.has_confirmed_totp(request.user),
            "has_passkey": services.has_passkey(request.user),
        },
    )


def _token_form(request: HttpRequest, data: Any = None) -> TokenForm:
    from closedset.productions.services import my_productions

    productions = [(e.production.pk, e.production.name) for e in my_productions(request.user)]
    return TokenForm(data, productions=productions, day_choices=services.token_day_choices())


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    form = _token_form(request, request.POST or None)
    secret = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                _, secret = services.create_api_token(
                    request.user,  # type: ignore[arg-type]
                    data["name"],
                    access=data["access"] or ApiToken.Access.READ,
                    production_id=int(data["production"]) if data["production"] else None,
                    days=data["days"] or None,
                    # Only a session that passed the second factor may mint a token.
                    session_verified=request.user.is_verified(),  # type: ignore[union-attr]
                )
            except InvalidInput as error:
                add_domain_errors(form, error)
                status = 422
            else:
                form = _token_form(request)
        else:
            status = 422
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "secret": secret,
            "tokens": services.my_api_tokens(request.user),
            "now": timezone.now(),
            "longest_days": services.token_day_choices()[-1],
        },
        status=status,
    )


@login_required
@require_POST
def token_delete(request: HttpRequest, token_id: int) -> HttpResponse:
    services.revoke_api_token(request.user, token_id)  # type: ignore[arg-type]
    messages.success(request, _("Token revoked."))
    return redirect("accounts:tokens")


# --- sessions ------------------------------------------------------------------------------


@login_required
@require_GET
def sessions(request: HttpRequest) -> HttpResponse:
    """Where the person is signed in, and their API tokens."""
    current = services.session_key_hash(request.session)
    rows = [
        {
            "session": record,
            "current": record.key_hash == current,
            "browser": services.browser_label(record.browser),
        }
        for record in services.active_sessions(request.user)
    ]
    return render(
        request,
        "accounts/sessions.html",
        {"sessions": rows, "tokens": services.my_api_tokens(request.user), "now": timezone.now()},
    )


@login_required
@require_POST
def session_end(request: HttpRequest, session_id: int) -> HttpResponse:
    ended = services.end_session(request.user, session_id)
    if ended.key_hash == services.session_key_hash(request.session):
        logout(request)
        messages.success(request, _("You are signed out on this device."))
        return redirect("accounts:login")
    messages.success(request, _("That device is signed out."))
    return redirect("accounts:sessions")


@login_required
@require_http_methods(["GET", "POST"])
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    """GET asks for confirmation; the POST from that page ends every session (this one too)
    and revokes every API token."""
    if request.method == "GET":
        return render(
            request,
            "accounts/sign_out_everywhere.html",
            {
                "session_count": len(services.active_sessions(request.user)),
                "token_count": len(services.my_api_tokens(request.user)),
            },
        )
    done = services.end_all_sessions(request.user)
    logout(request)
    devices = ngettext(
        "%(count)s device signed out", "%(count)s devices signed out", done.sessions
    ) % {"count": done.sessions}
    tokens = ngettext(
        "%(count)s API token revoked", "%(count)s API tokens revoked", done.tokens
    ) % {"count": done.tokens}
    messages.success(
        request,
        _("Signed out everywhere: %(devices)s, %(tokens)s.")
        % {"devices": devices, "tokens": tokens},
    )
    return redirect("accounts:login")


# --- account page --------------------------------------------------------------------------


@login_required
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "accounts/account.html",
        {
            "has_factor": services.has_confirmed_device(user),
            "needs_factor": services.needs_second_factor(user),
            "codes_left": services.recovery_codes_left(user),
            "has_totp": services.has_confirmed_totp(user),
            "passkeys": services.passkeys_of(user),
            # Adding a passkey needs a session that passed the second factor.
            "can_add_passkey": user.is_verified(),  # type: ignore[union-attr]
        },
    )


@login_required
@require_POST
def passkey_remove(request: HttpRequest, passkey_id: int) -> HttpResponse:
    try:
        services.remove_passkey(request.user, passkey_id)  # type: ignore[arg-type]
    except InvalidInput as error:
        messages.error(request, error.message)
    else:
        messages.info(request, _("The passkey was removed; it no longer works for your account."))
    return redirect("accounts:account")


# --- e-mail address ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def email_pending(request: HttpRequest) -> HttpResponse:
    """Where a person whose address is not confirmed yet waits; "send again" is rate limited."""
    user = request.user
    if not services.needs_email_verification(user):
        return redirect("accounts:account")
    base_url = request.build_absolute_uri("/")
    status = 200
    error = None
    if request.method == "POST":
        try:
            services.send_verification_mail(user, base_url=base_url, ip=client_ip(request) or None)  # type: ignore[arg-type]
        except (RateLimited, MailNotSent) as failure:
            error, status = failure.message, failure.status
        else:
            messages.success(request, _("We have sent you a new link."))
            return redirect("accounts:email_pending")
    else:
        services.send_first_verification_mail(
            user, base_url=base_url, ip=client_ip(request) or None
        )  # type: ignore[arg-type]
    return render(
        request,
        "accounts/email_pending.html",
        {
            "error": error,
            "link_hours": settings.CLOSEDSET_EMAIL_LINK_HOURS,
            # Someone who came to apply to the academy was invited by nobody.
            "applicant": user.applications.exists(),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def email_confirm(request: HttpRequest, key: str) -> HttpResponse:
    """The link from the mail: a button to confirm (mail scanners that open links confirm
    nothing), and no sign-in needed, since the link may be opened on another device."""
    try:
        person = services.read_email_verification_key(key)
    except InvalidInput as error:
        return render(
            request, "accounts/email_confirm.html", {"error": error.message}, status=error.status
        )
    if request.method == "POST":
        services.confirm_email(key)
        messages.success(request, _("Thank you: your e-mail address is confirmed."))
        if not request.user.is_authenticated:
            return redirect("accounts:login")
        return redirect("productions:home")
    return render(request, "accounts/email_confirm.html", {"person": person})


# --- passwords -----------------------------------------------------------------------------


class _UnprocessableOnInvalid:
    """A form that did not validate answers 422, like every other form here."""

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)  # type: ignore[misc]
        response.status_code = 422
        return response  # type: ignore[no-any-return]


class PasswordChangeView(_UnprocessableOnInvalid, auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST" and services.password_change_locked(request.user):
            return render(
                request,
                self.template_name,
                {"form": self.get_form(), "locked": True},
                status=429,
            )
        return super().dispatch(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        if "old_password" in form.errors:
            services.count_wrong_current_password(self.request.user)
        return super().form_invalid(form)

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.password_changed(self.request.user)  # type: ignore[arg-type]
        messages.success(self.request, _("Your password is changed."))
        return response


class PasswordResetView(_UnprocessableOnInvalid, auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = PasswordResetForm
    subject_template_name = "accounts/email/password_reset_subject.txt"
    email_template_name = "accounts/email/password_reset_body.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            services.limit_mail(
                "reset", email=form.cleaned_data["email"], ip=client_ip(self.request) or None
            )
        except RateLimited as error:
            form.add_error("email", error.message)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(_UnprocessableOnInvalid, auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    # Never signed in here: the second factor is still asked for at the next login.
    post_reset_login = False

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        # The link reached this address, so the address is proven.
        services.mark_email_verified(form.user)
        services.password_changed(form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# --- second factor: recovery codes ---------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """How many codes are left; POST makes ten new ones (shown once) and voids the old."""
    if not services.has_confirmed_device(request.user):
        return redirect("accounts:otp_setup")
    codes = None
    if request.method == "POST":
        codes = services.new_recovery_codes(request.user)  # type: ignore[arg-type]
    return render(
        request,
        "accounts/recovery_codes.html",
        {
            "codes": codes,
            "left": services.recovery_codes_left(request.user),
            "continue_url": reverse("accounts:account"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def otp_recovery(request: HttpRequest) -> HttpResponse:
    """Lost your phone? Sign in with a recovery code instead of the 6-digit code."""
    if request.user.is_verified():  # type: ignore[union-attr]
        return redirect(_next_url(request))
    if not services.has_confirmed_device(request.user):
        return redirect("accounts:otp_setup")
    form = RecoveryCodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                device = services.use_recovery_code(request.user, form.cleaned_data["code"])  # type: ignore[arg-type]
            except InvalidInput as error:
                add_domain_errors(form, error)
            else:
                otp_login(request, device)
                left = services.recovery_codes_left(request.user)
                messages.warning(
                    request,
                    ngettext(
                        "You signed in with a recovery code; it cannot be used again "
                        "(%(left)s left). Lost your phone? Set up a new authenticator on your "
                        "account page.",
                        "You signed in with a recovery code; it cannot be used again "
                        "(%(left)s left). Lost your phone? Set up a new authenticator on your "
                        "account page.",
                        left,
                    )
                    % {"left": left},
                )
                return redirect(_next_url(request))
    return render(
        request,
        "accounts/otp_recovery.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
        status=status,
    )


@login_required
@require_POST
def otp_replace(request: HttpRequest) -> HttpResponse:
    """Forget the current authenticator (a lost or new phone) and set up another."""
    services.replace_authenticator(request.user)  # type: ignore[arg-type]
    # This session proved the old factor; forgetting it must not lock the person out.
    request.session[REPLACING_AUTHENTICATOR] = True
    messages.info(request, _("Your old authenticator no longer works. Set up the new one now."))
    return redirect("accounts:otp_setup")


# --- leaving: export and erasure ---


@login_required
@require_http_methods(["GET", "POST"])
def export_data(request: HttpRequest) -> HttpResponse:
    """Everything about the person as one JSON file, after they type their password again."""
    from closedset.accounts.forms import PasswordAgainForm
    from closedset.lib.errors import DomainError

    form = PasswordAgainForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.confirm_password(request.user, form.cleaned_data["password"])  # type: ignore[arg-type]
            except DomainError as error:
                add_domain_errors(form, error)
                status = error.status
            else:
                body = services.export_json(request.user)  # type: ignore[arg-type]
                response = HttpResponse(body, content_type="application/json; charset=utf-8")
                name = f"closedset-{request.user.handle}-{timezone.localdate():%Y-%m-%d}.json"  # type: ignore[union-attr]
                response["Content-Disposition"] = f'attachment; filename="{name}"'
                response["Cache-Control"] = "no-store"
                return response
    return render(request, "accounts/export.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def erase_account(request: HttpRequest) -> HttpResponse:
    """GET explains what erasing does; the POST, with password and ERASE, does it."""
    from closedset.accounts.forms import EraseForm
    from closedset.lib.errors import DomainError

    form = EraseForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                done = services.erase_account(
                    request.user,  # type: ignore[arg-type]
                    form.cleaned_data["password"],
                    form.cleaned_data["confirm"],
                )
            except DomainError as error:
                add_domain_errors(form, error)
                status = error.status
            else:
                logout(request)
                notice = _("Your account is erased.")
                if done.without_producer:
                    notice += " " + _("No producer is left in: %(productions)s.") % {
                        "productions": ", ".join(done.without_producer)
                    }
                messages.success(request, notice)
                return redirect("accounts:login")
    return render(
        request,
        "accounts/erase.html",
        {"form": form, "alone": services.sole_producer_of(request.user)},
        status=status,
    )
