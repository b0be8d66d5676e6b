"""Certificate pages. Thin: every rule is in certificates.services.

Public, no sign-in: the verify page and what outside verifiers fetch (the issuer profile, the
public keys, the revocation list). Signed in: the holder's own certificates. Academy staff:
every certificate, and revoking one.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from closedset.certificates import services, signing
from closedset.certificates.models import Certificate
from closedset.certificates.pdf import certificate_pdf
from closedset.lib.errors import InvalidInput, NotFound
from closedset.lib.i18n import in_document_language
from closedset.lib.net import client_ip


def _code_check(request: HttpRequest, code: str) -> tuple[services.CheckResult | None, int]:
    """The check of a code, or (None, 429) once this address guessed too often."""
    try:
        return services.verify_code_from(client_ip(request) or "", code), 200
    except services.TooManyGuesses:
        return None, 429


def _public(response: HttpResponse) -> HttpResponse:
    # Outside verifiers (a wallet, another site's page) read these from their own origin.
    response["Access-Control-Allow-Origin"] = "*"
    return response


# ---------------------------------------------------------------- the verify page


def _verify_page(
    request: HttpRequest,
    *,
    result: services.CheckResult | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    code: str = "",
) -> HttpResponse:
    response = render(
        request,
        "certificates/verify.html",
        {"result": result, "errors": errors or {}, "code": services.echo_code(code)},
        status=status,
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _verify_page(request)
    code = str(request.POST.get("code", "")).strip()[:100]
    credential = str(request.POST.get("credential", ""))[: services.CREDENTIAL_MAX_CHARS + 1000]
    if credential.strip():
        return _verify_page(request, result=services.verify_credential(credential))
    if code:
        result, status = _code_check(request, code)
        if result is None:
            return _verify_page(
                request, errors={"code": str(services.TOO_MANY)}, status=status, code=code
            )
        return _verify_page(request, result=result, code=code)
    message = gettext("Type the code printed on the certificate, or paste the credential.")
    return _verify_page(request, errors={"code": message}, status=422)


@require_GET
def verify_code(request: HttpRequest, code: str) -> HttpResponse:
    """Where the QR code on the PDF leads."""
    result, status = _code_check(request, code[:100])
    if result is None:
        return _verify_page(request, errors={"code": str(services.TOO_MANY)}, status=status)
    return _verify_page(request, result=result, code=code[:100])


# ---------------------------------------------------------------- the holder's


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "certificates/mine.html",
        {"certificates": services.certificates_of(request.user)},
    )


def _verify_url(request: HttpRequest, certificate: Certificate) -> str:
    return request.build_absolute_uri(reverse("certificates:verify_code", args=[certificate.code]))


@login_required
@require_GET
@in_document_language
def pdf(request: HttpRequest, certificate_id: int) -> HttpResponse:
    certificate = services.certificate_for(request.user, certificate_id)
    body = certificate_pdf(
        certificate,
        verify_url=_verify_url(request, certificate),
        academy_name=str(settings.CLOSEDSET_ACADEMY_NAME),
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def credential(request: HttpRequest, certificate_id: int) -> HttpResponse:
    """The Open Badges credential as a .jwt file, for a wallet or a profile."""
    certificate = services.certificate_for(request.user, certificate_id)
    response = HttpResponse(certificate.credential, content_type="application/vc+jwt")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.jwt"'
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------- staff


def _staff_page(
    request: HttpRequest, errors: dict[int, str] | None = None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "certificates/staff.html",
        {"certificates": services.all_certificates(request.user), "errors": errors or {}},
        status=status,
    )


@login_required
@require_GET
def staff(request: HttpRequest) -> HttpResponse:
    return _staff_page(request)


@login_required
@require_POST
def revoke(request: HttpRequest, certificate_id: int) -> HttpResponse:
    try:
        certificate = services.revoke_by_id(
            request.user, certificate_id, str(request.POST.get("reason", ""))
        )
    except InvalidInput as error:
        return _staff_page(request, {certificate_id: gettext(error.message)}, status=422)
    messages.success(
        request,
        gettext("Certificate %(code)s is revoked. The verify page says so from now on.")
        % {"code": certificate.code},
    )
    return redirect("certificates:staff")


# ---------------------------------------------------------------- for outside verifiers


@require_GET
def issuer(request: HttpRequest) -> HttpResponse:
    """The issuer's Open Badges profile: the URL every credential names as its issuer."""
    return _public(JsonResponse(services.issuer_profile(), json_dumps_params={"indent": 1}))


@require_GET
def jwks(request: HttpRequest) -> HttpResponse:
    """Every key that signed or signs certificates (the first signs new ones)."""
    response = _public(
        HttpResponse(json.dumps(signing.jwks(), indent=1), content_type="application/jwk-set+json")
    )
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def key(request: HttpRequest, fingerprint: str) -> HttpResponse:
    """One public key as a JWK: what a credential's `kid` names."""
    found: Any = next((k for k in signing.academy_keys() if k.fingerprint == fingerprint), None)
    if found is None:
        raise NotFound("Not found.")
    response = _public(
        HttpResponse(json.dumps(found.jwk(), indent=1), content_type="application/jwk+json")
    )
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def status_list(request: HttpRequest) -> HttpResponse:
    """The revocation list (Bitstring Status List), signed, valid a few days: built at each
    request, so a revocation shows at once."""
    response = _public(
        HttpResponse(services.signed_status_list(), content_type="application/vc+jwt")
    )
    response["Cache-Control"] = "public, max-age=60"
    return response
