"""THE blindness test: every reviewer page and every reviewer API answer (errors included), for
every reviewer, holds none of any applicant's identifying values: full name, each name word,
e-mail address and its local part, phone digits however spaced, place, links and their hosts,
the account's display name and handle. Applicants here write their name, address, phone and
links into the very answers reviewers read."""

from __future__ import annotations

import html
import json
import re
import unicodedata
from typing import Any

import pytest
from django.utils import timezone

from closedset.academy import review
from closedset.academy.models import Application, ReviewAssignment
from closedset.academy.tests.test_review_helpers import score_all
from closedset.accounts.models import User
from closedset.conftest import verified_client

API = "/api/v1/academy/review"

TRICKY = {
    # handle: (display name, full name, e-mail, phone, location, links, background, motivation,
    #          scholarship reason)
    "maggied": (
        "Maggie D",
        "Marguerite Dubois-Léger",
        "mdl.writes@post.example",
        "+33 6 12 34 56 78",
        "Lyon, France",
        "https://www.dubois-leger.example/about https://social.example/@mdubois",
        "Call me on 06 12 34 56 78 or (+33) 6-12-34-56-78; portfolio at"
        " dubois-leger.example/about, or social.example/@mdubois. Mail MDL.WRITES@POST.EXAMPLE.",
        "My friends call me MARGUERITE, or Maggie D; as Marguerite Dubois‑Léger I ran a"
        " theatre in lyon. Dubois-Leger is on every poster.",
        "Rents in LYON are high; ask for marguerite.",
    ),
    "tomas_o": (
        "Tomás Ødegård",
        "Tomás Ødegård",
        "t.odegard@fjord.example",
        "+47 912 34 567",
        "Tromsø, Norway",
        "http://odegard.example",
        "Thirteen years in film (tel. 0047 91234567). Odegard.example has my reel.",
        "Tomas ODEGARD here: I coordinated three shoots in TROMSO; write t.odegard@fjord.example.",
        "",
    ),
}


def _fold(text: str) -> str:
    plain = text.translate(str.maketrans({"ø": "o", "Ø": "O", "\u2011": "-", "\u00a0": " "}))
    decomposed = unicodedata.normalize("NFKD", plain)
    return " ".join(
        "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split()
    )


def _as_text(body: bytes) -> str:
    text = body.decode("utf-8")
    try:
        return json.dumps(json.loads(text), ensure_ascii=False)
    except ValueError:
        return html.unescape(text)


def _word(value: str) -> str:
    return r"(?<![^\W_])" + re.escape(value) + r"(?![^\W_])"


def leaks(body: bytes, application: Application) -> list[str]:
    """The identifying values of `application` found in `body`."""
    text = _fold(_as_text(body))
    user = application.applicant
    found = []
    anywhere = [application.email, user.email, application.full_name, user.display_name]
    anywhere += [link for link in application.links.split() if link]
    hosts = [re.sub(r"^https?://(www\.)?", "", link).split("/")[0] for link in anywhere[4:]]
    for value in anywhere + hosts:
        if _fold(value) in text:
            found.append(value)
    words = [user.handle, application.email.split("@")[0], user.email.split("@")[0]]
    words += [p for p in re.split(r"[,]", application.location) if p.strip()]
    for name in (application.full_name, user.display_name):
        words += [w for w in re.split(r"[\s\-]+", name) if sum(c.isalpha() for c in w) >= 3]
    for value in words:
        if re.search(_word(_fold(value)), text):
            found.append(value)
    phone = re.sub(r"\D", "", application.phone)
    if phone:
        for run in re.finditer(r"\d(?:[\s().\-/]*\d)*", text):
            digits = re.sub(r"\D", "", run.group())
            if phone[-7:] in digits or (len(digits) >= 7 and digits in phone):
                found.append(f"phone {application.phone} as {run.group()!r}")
    return found


def _seed_tricky(academy: Any) -> None:
    now = timezone.now()
    for handle, values in TRICKY.items():
        shown, full, email, phone, place, links, background, motivation, reason = values
        user = User.objects.create(
            email=f"{handle}@accounts.example",
            display_name=shown,
            handle=handle,
            email_verified_at=now,
        )
        academy.applicants[handle] = user
        academy.applications[handle] = Application.objects.create(
            cohort=academy.cohort,
            applicant=user,
            full_name=full,
            email=email,
            phone=phone,
            location=place,
            links=links,
            background=background,
            motivation=motivation,
            scholarship="full" if reason else "",
            scholarship_reason=reason,
        )
    # The seeded applicants write their own names into their answers too.
    for handle in ("ana", "chen"):
        application = academy.applications[handle]
        application.motivation = (
            f"{application.full_name.upper()} here. Reach me at {application.email} or"
            f" {application.phone.replace(' ', '')}; I live in {application.location}."
        )
        application.background = f"See {application.links} — {application.full_name.split()[0]}"
        application.save()


def _bodies_for(reviewer: Any, academy: Any) -> list[tuple[str, bytes]]:
    """Every page and API answer this reviewer can get, errors included."""
    client = verified_client(reviewer)
    seen: list[tuple[str, bytes]] = []

    def keep(label: str, response: Any) -> Any:
        seen.append((f"{label} [{response.status_code}]", response.content))
        return response

    mine = list(ReviewAssignment.objects.filter(reviewer=reviewer).order_by("pk"))
    others = ReviewAssignment.objects.exclude(reviewer=reviewer).order_by("pk")
    criteria = list(academy.cohort.criteria.all())

    keep("list", client.get("/academy/review/"))
    keep("api list", client.get(f"{API}/assignments"))
    keep("conflicts", client.get("/academy/review/conflicts/"))
    keep("conflicts bad", client.post("/academy/review/conflicts/", {"email": "nope"}))
    keep("api conflicts", client.get(f"{API}/conflicts"))
    keep(
        "api conflicts bad",
        client.post(f"{API}/conflicts", {"email": "x"}, content_type="application/json"),
    )
    keep(
        "api conflicts bad body",
        client.post(f"{API}/conflicts", "{", content_type="application/json"),
    )
    for assignment in mine:
        page = f"/academy/review/{assignment.pk}/"
        one = f"{API}/assignments/{assignment.pk}"
        keep("page", client.get(page))
        keep("api one", client.get(one))
        keep("page bad score", client.post(page, {f"score_{criteria[0].pk}": "99"}))
        keep(
            "api bad score",
            client.post(
                f"{one}/scores",
                {"scores": {str(criteria[0].pk): 99, "nope": "x"}},
                content_type="application/json",
            ),
        )
        keep(
            "api bad body",
            client.post(f"{one}/scores", {"scores": 3}, content_type="application/json"),
        )
    # Score all but the last through the page and the API, then read them again.
    for index, assignment in enumerate(mine[:-1]):
        page = f"/academy/review/{assignment.pk}/"
        one = f"{API}/assignments/{assignment.pk}"
        if index % 2:
            keep(
                "api submit",
                client.post(
                    f"{one}/scores",
                    {"scores": {str(c.pk): 4 for c in criteria}, "comment": "Solid."},
                    content_type="application/json",
                ),
            )
        else:
            form = {f"score_{c.pk}": "2" for c in criteria} | {"comment": "Thoughtful."}
            keep("page submit", client.post(page, form, follow=True))
        keep("page done", client.get(page))
        keep("api done", client.get(one))
        keep("page again", client.post(page, {f"score_{c.pk}": "1" for c in criteria}, follow=True))
        keep(
            "api again",
            client.post(
                f"{one}/scores",
                {"scores": {str(c.pk): 1 for c in criteria}},
                content_type="application/json",
            ),
        )
        keep("api recuse done", client.post(f"{one}/recuse", content_type="application/json"))
    keep("export", client.get("/academy/review/mine.csv"))
    if mine:
        last = mine[-1]
        keep("recuse", client.post(f"/academy/review/{last.pk}/recuse/", follow=True))
        keep("page recused", client.get(f"/academy/review/{last.pk}/"))
        keep("api recused", client.get(f"{API}/assignments/{last.pk}"))
    for other in others[:3]:
        keep("page of another", client.get(f"/academy/review/{other.pk}/"))
        keep("api of another", client.get(f"{API}/assignments/{other.pk}"))
        keep(
            "api score another",
            client.post(
                f"{API}/assignments/{other.pk}/scores",
                {"scores": {}},
                content_type="application/json",
            ),
        )
    keep("page none", client.get("/academy/review/999999/"))
    keep("api none", client.get(f"{API}/assignments/999999"))
    keep("api absurd", client.get(f"{API}/assignments/{10**30}"))
    keep(
        "conflict saved",
        client.post("/academy/review/conflicts/", {"name": "Someone Else"}, follow=True),
    )
    keep(
        "api conflict saved",
        client.post(
            f"{API}/conflicts", {"name": "Another Person"}, content_type="application/json"
        ),
    )
    keep("list at the end", client.get("/academy/review/"))
    keep("api list at the end", client.get(f"{API}/assignments"))
    return seen


@pytest.mark.django_db
def test_no_reviewer_page_or_answer_tells_who_applied(academy):
    _seed_tricky(academy)
    review.start_review(academy.cohort)
    checked = 0
    statuses = set()
    for reviewer in academy.reviewers:
        for label, body in _bodies_for(reviewer, academy):
            checked += 1
            statuses.add(label.rsplit("[", 1)[1])
            for application in academy.applications.values():
                found = leaks(body, application)
                assert not found, f"{reviewer.handle}, {label}: {found}"
    # The walk met successes, refusals and errors alike.
    assert {"200]", "404]", "422]", "409]"} <= statuses, statuses
    assert checked > 100


@pytest.mark.django_db
def test_the_staff_progress_page_names_applications_by_reference_only(academy, client_as):
    _seed_tricky(academy)
    review.start_review(academy.cohort)
    for assignment in ReviewAssignment.objects.all()[:6]:
        score_all(assignment, 3)
    response = verified_client(academy.staff).get(f"/academy/review/staff/{academy.cohort.pk}/")
    assert response.status_code == 200
    for application in academy.applications.values():
        assert application.reference.encode() in response.content
        assert not leaks(response.content, application)


@pytest.mark.django_db
def test_the_checker_finds_what_it_looks_for(academy):
    """The test above means something only if leaks() sees a value written any way."""
    _seed_tricky(academy)
    marguerite = academy.applications["maggied"]
    for written in (
        "MARGUERITE",
        "Dubois-Léger",
        "dubois&#x27;s",
        "maggied",
        "06 12 34 56 78",
        "mdl.writes",
        "social.example",
        "Lyon",
    ):
        assert leaks(f"<p>{written}</p>".encode(), marguerite), written
    assert not leaks(b"<p>Lyonnaise sauce; 2026-11-26 12:34; 612 345</p>", marguerite)
