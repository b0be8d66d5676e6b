from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    # Usually a page left open past its session; say what to do, not what failed.
    return render(
        request,
        "403.html",
        {"message": gettext("This form has expired. Reload the page and try again.")},
        status=403,
    )
