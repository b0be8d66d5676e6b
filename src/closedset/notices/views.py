"""A person's notices and their e-mail settings. Thin: every change is a service call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from closedset.notices import services


@login_required
@require_GET
def notices(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "notices/list.html",
        {
            "notices": services.notices_of(request.user),
            "unread": services.unread_of(request.user)[1],
        },
    )


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    """Mark one notice read (and go where it points, if it points anywhere), or all of them."""
    raw = request.POST.get("notice", "")
    if raw.isascii() and raw.isdigit() and len(raw) <= 18:
        notice = services.open_notice(request.user, int(raw))
        if notice is not None and notice.url and _is_local(request, notice.url):
            return redirect(notice.url)
    elif raw == "":
        services.mark_read(request.user)
        messages.success(request, gettext("All your notices are marked read."))
    return redirect("notices:list")


def _is_local(request: HttpRequest, url: str) -> bool:
    # Notices point within the site only; anything else is not followed.
    return url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


@login_required
@require_http_methods(["GET", "POST"])
def settings(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        services.set_mail_preferences(request.user, request.POST.getlist("mail"))
        messages.success(request, gettext("Your e-mail settings are saved."))
        return redirect("notices:settings")
    return render(
        request,
        "notices/settings.html",
        {"preferences": services.mail_preferences(request.user)},
    )
