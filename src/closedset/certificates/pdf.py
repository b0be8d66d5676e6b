"""The certificate as a PDF: WeasyPrint from a template, with a QR code to its verify page."""

from __future__ import annotations

import base64

from django.template.loader import render_to_string

from closedset.certificates.models import Certificate
from closedset.lib.i18n import current_language


def _qr_data_uri(text: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(
        text,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
    )
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode("ascii")


def certificate_pdf(certificate: Certificate, *, verify_url: str, academy_name: str) -> bytes:
    """In the active language (the view sets it from ?lang=)."""
    from weasyprint import HTML, URLFetcher

    html = render_to_string(
        "certificates/certificate_pdf.html",
        {
            "certificate": certificate,
            "verify_url": verify_url,
            "qr": _qr_data_uri(verify_url),
            "academy_name": academy_name,
            "lang": current_language(),
        },
    )
    # Self-contained: only the inline QR image, nothing fetched from anywhere.
    fetcher = URLFetcher(allowed_protocols=["data"])
    pdf: bytes = HTML(string=html, url_fetcher=fetcher).write_pdf()
    return pdf
