"""What a participant reads: the apply form's list of mistakes, a place that costs nothing, and
how to pay."""

from __future__ import annotations

import re
from decimal import Decimal

from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from closedset.academy import enrolment
from closedset.academy.tests.test_enrolment_helpers import accepted, awarded
from closedset.conftest import verified_client
from closedset.onset.tests.test_closure import pdf_text

ANSWERS = {
    "full_name": "Mara Example",
    "phone": "",
    "location": "",
    "links": "",
    "background": "Eight years as a performer and dance captain.",
    "motivation": "I want to help others say no safely.",
    "scholarship": "",
    "scholarship_reason": "",
}
DETAILS = "Bank: Harbour Bank\nIBAN CZ65 0800 0000 1920 0014 5399\n<b>Quote</b> the invoice number"


def _summary(page: str) -> str:
    found = re.search(r'<div class="error-summary"[^>]*>(.*?)</div>', page, re.S)
    assert found, "no list of mistakes"
    return found.group(0)


# ---------------------------------------------------------------- the apply form


def test_the_apply_form_lists_its_mistakes_at_the_top(academy, world):
    client = verified_client(world.mara)
    url = reverse("academy:apply", args=[academy.cohort.pk])
    assert "error-summary" not in client.get(url).content.decode()
    response = client.post(url, {**ANSWERS, "background": "", "scholarship": "full"})
    assert response.status_code == 422
    page = response.content.decode()
    summary = _summary(page)
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary
    assert "Please correct the marked fields." in summary
    assert '<a href="#id_background">Your background</a>' in summary
    assert '<a href="#id_scholarship_reason">Why you ask for a scholarship</a>' in summary
    # Only the wrong fields, each once, and every link leads to a field on the page.
    assert "Why you want to take part" not in summary
    for target in re.findall(r'href="#([^"]+)"', summary):
        assert f'id="{target}"' in page
    # Above the form, with no script or style of its own.
    assert page.index("error-summary") < page.index('<form method="post" novalidate>')
    assert "<script>" not in page and "<style" not in page


def test_a_new_applicants_account_mistakes_are_listed_first(academy):
    url = reverse("academy:apply", args=[academy.cohort.pk])
    response = Client().post(
        url, {**ANSWERS, "name": "", "email": "eva@example.org", "password": "", "full_name": ""}
    )
    assert response.status_code == 422
    summary = _summary(response.content.decode())
    links = re.findall(r'href="#([^"]+)"', summary)
    assert links[:3] == ["id_name", "id_password", "id_full_name"]


def test_a_group_of_choices_is_reached_at_its_first_choice(academy, world):
    client = verified_client(world.mara)
    url = reverse("academy:apply", args=[academy.cohort.pk])
    response = client.post(url, {**ANSWERS, "scholarship": "all of it"})
    assert response.status_code == 422
    page = response.content.decode()
    summary = _summary(page)
    assert 'href="#id_scholarship_0"' in summary
    assert 'id="id_scholarship_0"' in page


# ---------------------------------------------------------------- nothing to pay


def test_a_full_scholarship_has_nothing_to_pay(academy, monkeypatch, settings):
    settings.CLOSEDSET_ACADEMY_PAYMENT_DETAILS = DETAILS
    awarded(monkeypatch, academy)
    ana = accepted(academy, "ana")
    assert ana.amount_due == Decimal("0.00")
    page = verified_client(academy.applicants["ana"]).get(f"/academy/learn/{ana.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Your place is covered by a full scholarship: there is nothing to pay." in text
    assert "Still to pay" not in text and "0.00 EUR" not in text
    assert "invoice.pdf" not in text and "How to pay" not in text
    offer = verified_client(academy.applicants["ana"]).get(f"/academy/learn/offers/{ana.offer_id}/")
    assert "costs you nothing" in offer.content.decode()


# ---------------------------------------------------------------- how to pay


def test_the_course_page_says_how_to_pay(academy, monkeypatch, settings):
    settings.CLOSEDSET_ACADEMY_PAYMENT_DETAILS = DETAILS
    awarded(monkeypatch, academy)
    chen = accepted(academy, "chen")
    text = verified_client(academy.applicants["chen"]).get(f"/academy/learn/{chen.pk}/")
    text = text.content.decode()
    assert "Still to pay: 450.00 EUR." in text
    assert "How to pay" in text
    assert "Bank: Harbour Bank<br>IBAN CZ65 0800 0000 1920 0014 5399" in text
    assert "&lt;b&gt;Quote&lt;/b&gt;" in text and "<b>Quote" not in text
    assert "The academy tells you how to pay." not in text
    assert f"/academy/learn/{chen.pk}/invoice.pdf" in text


def test_without_details_the_academy_tells_how_to_pay(academy, monkeypatch, settings):
    settings.CLOSEDSET_ACADEMY_PAYMENT_DETAILS = ""
    awarded(monkeypatch, academy)
    chen = accepted(academy, "chen")
    client = verified_client(academy.applicants["chen"])
    text = client.get(f"/academy/learn/{chen.pk}/").content.decode()
    assert "The academy tells you how to pay." in text
    assert "Please give the invoice number with your payment." in text
    assert "IBAN" not in text
    pdf = pdf_text(client.get(f"/academy/learn/{chen.pk}/invoice.pdf").content)
    assert "Please give the invoice number with your payment." in pdf
    assert "How to pay" not in pdf


def _invoice_html(chen, details: str) -> str:
    invoice = chen.invoice
    return render_to_string(
        "academy/learn/invoice_pdf.html",
        {
            "academy": "Harbour Academy",
            "invoice": invoice,
            "enrolment": chen,
            "participant": "Chen Wei",
            "payments": [],
            "paid": Decimal("0.00"),
            "balance": enrolment.balance(invoice),
            "kind": chen.offer.get_kind_display(),
            "payment_details": details,
        },
    )


def test_the_invoice_pdf_prints_how_to_pay(academy, monkeypatch):
    from closedset.rider.pdf import _render_pdf

    awarded(monkeypatch, academy)
    chen = accepted(academy, "chen")
    text = pdf_text(_render_pdf(_invoice_html(chen, DETAILS)))
    for expected in ("How to pay", "Harbour Bank", "CZ65 0800 0000 1920 0014 5399", "<b>Quote"):
        assert expected in text, expected
    assert "Please give the invoice number with your payment." in text


def test_the_downloaded_invoice_prints_how_to_pay(academy, monkeypatch, settings):
    settings.CLOSEDSET_ACADEMY_PAYMENT_DETAILS = DETAILS
    awarded(monkeypatch, academy)
    chen = accepted(academy, "chen")
    client = verified_client(academy.applicants["chen"])
    text = pdf_text(client.get(f"/academy/learn/{chen.pk}/invoice.pdf").content)
    assert "How to pay" in text and "CZ65 0800 0000 1920 0014 5399" in text
