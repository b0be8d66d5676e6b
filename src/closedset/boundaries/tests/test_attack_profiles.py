"""Attacks on profile versions, notices, the production overview and the coordinator's
invitations, as every role. A passing test is a defence that held; a failing one is a hole."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from closedset.boundaries import services as boundaries
from closedset.boundaries.models import ProfileVersion
from closedset.lib.errors import Forbidden, NotFound
from closedset.notices import services as notices
from closedset.notices.models import MailPreference, Notice
from closedset.plans.tests.conftest import shared, slap_plan  # noqa: F401 - fixtures
from closedset.plans.tests.scenario import JONAS, MARA, PLAN
from closedset.productions import services as productions
from closedset.productions.models import Membership

EVERYONE = ("mara", "jonas", "ines", "dario", "petra", "cora", "oscar")


def _quiet(client: Any) -> Any:
    # A 500 must show as a status here, not as an exception inside the test client.
    client.raise_request_exception = False
    return client


def _share_both(world: Any) -> None:
    for user, data in ((world.mara, MARA), (world.jonas, JONAS)):
        boundaries.replace_profile(user, data)
        boundaries.share(user, world.production.pk)


# ---------------------------------------------------------------- one sitting


def test_an_edit_after_the_coordinator_read_makes_a_new_version(world, client_as):
    _share_both(world)
    boundaries.set_answer(world.mara, "kiss", "give", "yes")
    _, read = boundaries.my_profile(world.mara)
    page = client_as("ines").get(
        reverse("boundaries:production_profile", args=[world.production.pk, "mara"])
    )
    assert page.status_code == 200
    after = boundaries.set_answer(world.mara, "kiss", "give", "no")
    assert after == read + 1
    # What the coordinator read is still there, word for word.
    assert boundaries.my_version(world.mara, read).boundary("kiss", "give").answer == "yes"


def test_a_read_racing_an_amendment_marks_what_the_coordinator_read(world):
    """The coordinator's page reads the profile, then marks the version seen. A sitting's
    amendment landing between the two rewrites the version she read, and the version is then
    marked seen with content she never saw (production_profile: shared_profile, then
    record_profile_view, without a lock on the version)."""
    _share_both(world)
    boundaries.set_answer(world.mara, "kiss", "give", "yes")
    _, number = boundaries.my_profile(world.mara)
    # The coordinator's read, step one: the profile as it is.
    seen = boundaries.shared_profile(world.mara, world.production, coordinator=world.ines)
    assert seen is not None and seen.boundary("kiss", "give").answer == "yes"
    # Mara's amendment in the same sitting lands now.
    boundaries.set_answer(world.mara, "kiss", "give", "no")
    # The coordinator's read, step two: the version is marked seen.
    boundaries.record_profile_view(world.ines, world.mara, world.production, "page")
    version = ProfileVersion.objects.get(profile__owner=world.mara, number=number)
    held = boundaries.my_version(world.mara, number).boundary("kiss", "give").answer
    # A version marked read must hold what was read.
    assert version.seen_at is None or held == "yes"


# ---------------------------------------------------------------- compare, versions, restore


@pytest.fixture
def jonas_versions(world: Any) -> Any:
    boundaries.replace_profile(
        world.jonas,
        {"boundaries": [{"act": "slap", "direction": "give", "answer": "yes", "note": "SECRETJ"}]},
    )
    boundaries.replace_profile(world.jonas, JONAS)
    boundaries.replace_profile(world.jonas, {"boundaries": []})
    boundaries.replace_profile(world.mara, MARA)
    return world


@pytest.mark.parametrize("who", EVERYONE)
def test_compare_shows_only_ones_own_versions(jonas_versions, client_as, who):
    if who == "jonas":
        return
    page = _quiet(client_as(who)).get(reverse("boundaries:compare") + "?from=1&to=3")
    assert page.status_code in (200, 403)
    assert "SECRETJ" not in page.content.decode()
    for number in (2, 3):
        assert _quiet(client_as(who)).get(
            reverse("boundaries:version", args=[number])
        ).status_code in (403, 404)


@pytest.mark.parametrize(
    "value",
    ["-1", "abc", "9" * 40, "0", "1e3", " 1", "1.5", "%00", "٣", "²", "①", "¹¹"],
)
def test_compare_takes_any_number_without_an_error_page(jonas_versions, client_as, value):
    client = _quiet(client_as("mara"))
    page = client.get(reverse("boundaries:compare"), {"from": value, "to": value})
    assert page.status_code == 200, f"from={value!r} gave {page.status_code}"


def test_version_and_restore_numbers_out_of_range_are_not_found(jonas_versions, client_as):
    client = _quiet(client_as("mara"))
    for number in ("0", "99999999999999999999999", "2147483648"):
        assert client.get(f"/boundaries/history/{number}/").status_code == 404
        assert client.post(f"/boundaries/history/{number}/restore/").status_code == 404


@pytest.mark.parametrize("who", EVERYONE)
def test_nobody_restores_someone_elses_version(jonas_versions, client_as, who):
    if who == "jonas":
        return
    before = ProfileVersion.objects.filter(profile__owner=jonas_versions.jonas).count()
    _quiet(client_as(who)).post(reverse("boundaries:restore", args=[1]))
    assert ProfileVersion.objects.filter(profile__owner=jonas_versions.jonas).count() == before
    current, _ = boundaries.my_profile(jonas_versions.jonas)
    assert current.boundaries == ()


def test_signed_out_gets_no_version_pages(jonas_versions, client_as):
    client = client_as("anonymous")
    for url in (
        reverse("boundaries:compare"),
        reverse("boundaries:version", args=[1]),
        reverse("boundaries:review"),
        reverse("boundaries:pdf"),
        reverse("boundaries:group", args=["impact"]),
    ):
        assert client.get(url).status_code == 302
    assert client.post(reverse("boundaries:restore", args=[1])).status_code == 302


def test_restoring_a_version_naming_a_former_partner_keeps_their_name_off_the_page(
    world, client_as
):
    """Mara named Jonas; Jonas leaves the production; she restores that version."""
    boundaries.set_boundary(
        world.mara,
        "kiss",
        "give",
        boundaries.BoundaryForm(answer="yes", partners=["jonas"]),
    )
    boundaries.replace_profile(world.mara, {"boundaries": []})
    Membership.objects.filter(user=world.jonas, role="performer").delete()
    client = client_as("mara")
    assert client.post(reverse("boundaries:restore", args=[1])).status_code == 302
    current, _ = boundaries.my_profile(world.mara)
    assert current.boundary("kiss", "give").partners == ("jonas",)
    # The page names no id of someone she no longer works with.
    review = client.get(reverse("boundaries:review")).content.decode()
    assert review.count(">") and not re.search(r"\bjonas\b", review)


# ---------------------------------------------------------------- PDF, review, groups


@pytest.mark.parametrize("who", EVERYONE)
def test_the_pdf_is_never_cached_and_never_someone_elses(world, client_as, who):
    boundaries.replace_profile(world.mara, MARA)
    page = _quiet(client_as(who)).get(reverse("boundaries:pdf"))
    assert page.status_code < 500
    if page.status_code == 200:
        assert "no-store" in page["Cache-Control"]
        assert page["Content-Type"] == "application/pdf"
    if who != "mara":
        html = _quiet(client_as(who)).get(reverse("boundaries:review")).content.decode()
        assert "left ear" not in html


def test_the_pdf_html_holds_only_the_signed_in_persons_profile(world):
    from django.test import RequestFactory

    from closedset.boundaries.views import pdf_html

    boundaries.replace_profile(world.mara, MARA)
    boundaries.replace_profile(world.jonas, JONAS)
    request = RequestFactory().get("/boundaries/my-boundaries.pdf?performer=mara&handle=mara")
    request.user = world.jonas
    html = pdf_html(request)
    assert "left ear" not in html
    request.user = world.mara
    assert "left ear" in pdf_html(request)


@pytest.mark.parametrize(
    "name", ["nope", "a" * 3000, "impact-", "IMPACT", "__proto__", "group", "1"]
)
def test_an_unknown_group_is_not_found(world, client_as, name):
    client = _quiet(client_as("mara"))
    page = client.get(reverse("boundaries:group", args=[name]), HTTP_HX_REQUEST="true")
    assert page.status_code == 404


def test_a_group_fragment_shows_only_ones_own_answers(world, client_as):
    boundaries.replace_profile(world.mara, MARA)
    for who in ("jonas", "ines", "dario", "petra", "cora", "oscar"):
        page = _quiet(client_as(who)).get(
            reverse("boundaries:group", args=["impact"]) + "?performer=mara&handle=mara&user=1",
            HTTP_HX_REQUEST="true",
        )
        assert "left ear" not in page.content.decode()
        assert "face: no" not in page.content.decode().lower()


def test_a_huge_query_string_on_the_profile_page_is_harmless(world, client_as):
    client = _quiet(client_as("mara"))
    junk = "x" * 20000
    page = client.get(reverse("boundaries:mine"), {"open": junk})
    assert page.status_code == 200
    assert junk not in page.content.decode()
    page = client.get(reverse("boundaries:group", args=["impact"]), {"q": junk})
    assert page.status_code == 302
    assert page["Location"].startswith("/boundaries/?open=impact")


# ---------------------------------------------------------------- partner choice


def test_naming_an_outsider_as_partner_is_refused_like_a_nonexistent_handle(world, client_as):
    client = _quiet(client_as("mara"))
    url = reverse("boundaries:detail", args=["kiss", "give"])
    real = client.post(url, {"answer": "yes", "partners": "oscar"})
    fake = client.post(url, {"answer": "yes", "partners": "nobody-at-all-xyz"})
    assert real.status_code == fake.status_code == 422
    strip = lambda r, h: r.content.decode().replace(h, "HANDLE")  # noqa: E731
    no_csrf = lambda s: re.sub(r"[A-Za-z0-9]{40,}", "", s)  # noqa: E731
    assert no_csrf(strip(real, "oscar")) == no_csrf(strip(fake, "nobody-at-all-xyz"))
    current, _ = boundaries.my_profile(world.mara)
    assert current.boundary("kiss", "give") is None


def test_an_imported_file_naming_an_outsider_tells_nothing_about_the_handle(world, client_as):
    """Import does not check partners against co-performers; whether it accepts or refuses,
    a real handle and a made-up one must be treated the same."""
    client = _quiet(client_as("mara"))
    results = []
    for handle in ("oscar", "nobody-at-all-xyz"):
        text = (
            "boundaries:\n  - act: kiss\n    direction: give\n    answer: yes\n"
            f"    partners: [{handle}]\n"
        )
        page = client.post(reverse("boundaries:import"), {"text": text})
        results.append(page.status_code)
        detail = client.get(reverse("boundaries:detail", args=["kiss", "give"])).content.decode()
        assert "Oscar" not in detail
    assert results[0] == results[1]


def test_a_performer_of_another_production_is_not_offered_as_partner(world, client_as):
    Membership.objects.create(user=world.oscar, production=world.other_production, role="performer")
    assert "oscar" not in boundaries.partner_names(world.mara)
    page = client_as("mara").get(reverse("boundaries:detail", args=["kiss", "give"]))
    assert "Oscar" not in page.content.decode()


# ---------------------------------------------------------------- notices


def _notice(user: Any, url: str = "", kind: str = "cast") -> Notice:
    notices.notify(user, kind, subject="Something happened", body="Look.", url=url)
    return Notice.objects.filter(recipient=user).latest("id")


@pytest.mark.parametrize("who", ("jonas", "ines", "dario", "petra", "cora", "oscar"))
def test_nobody_marks_or_follows_someone_elses_notice(world, client_as, who):
    notice = _notice(world.mara, url="/boundaries/sharing/")
    page = client_as(who).post(reverse("notices:read"), {"notice": str(notice.pk)})
    assert page.status_code == 302
    assert page["Location"] == reverse("notices:list")
    notice.refresh_from_db()
    assert notice.read_at is None
    assert "Something happened" not in client_as(who).get(reverse("notices:list")).content.decode()


def test_signed_out_cannot_mark_a_notice(world, client_as):
    notice = _notice(world.mara)
    page = client_as("anonymous").post(reverse("notices:read"), {"notice": str(notice.pk)})
    assert page.status_code == 302 and "login" in page["Location"]
    notice.refresh_from_db()
    assert notice.read_at is None


@pytest.mark.parametrize(
    "url",
    [
        "//evil.example/x",
        "/\\evil.example",
        "\\\\evil.example",
        "https://evil.example/",
        "/%2F%2Fevil.example",
        "javascript:alert(1)",
        " //evil.example",
        "/\t/evil.example",
    ],
)
def test_a_notice_url_never_leaves_the_site(world, client_as, url):
    notice = _notice(world.mara, url=url)
    page = client_as("mara").post(reverse("notices:read"), {"notice": str(notice.pk)})
    assert page.status_code == 302
    location = page["Location"]
    assert location == reverse("notices:list") or (
        location.startswith("/") and not location.startswith(("//", "/\\"))
    )
    assert "evil.example" not in location or location.startswith("/%2F")


@pytest.mark.parametrize("raw", ["-1", "1e9", "9" * 30, "abc", "1;DROP", "٣"])
def test_odd_notice_ids_change_nothing_and_break_nothing(world, client_as, raw):
    notice = _notice(world.mara)
    page = _quiet(client_as("mara")).post(reverse("notices:read"), {"notice": raw})
    assert page.status_code == 302
    notice.refresh_from_db()
    assert notice.read_at is None


def test_settings_for_kinds_not_ones_own_change_nothing(world, client_as):
    client_as("mara").post(reverse("notices:settings"), {"mail": ["proposal", "released", "x"]})
    kinds = set(MailPreference.objects.filter(user=world.mara).values_list("kind", flat=True))
    assert kinds == {
        "cast",
        "plan_changed",
        "profile_seen_by_new",
        "consent_request",
        "consent_reminder",
    }
    assert (
        not MailPreference.objects.filter(user=world.mara, send_mail=True)
        .exclude(kind__in=["proposal", "released"])
        .exists()
    )
    # Producers (Oscar elsewhere, Petra here) and Cora get none of these kinds: a producer's
    # kinds are the shoot day's and the registry's, and whatever else is posted is dropped.
    for who in ("oscar", "cora", "petra"):
        client_as(who).post(reverse("notices:settings"), {"mail": ["cast", "proposal"]})
        kinds = set(
            MailPreference.objects.filter(user=world.users[who]).values_list("kind", flat=True)
        )
        assert kinds <= {"gate_changed", "signal_escalated", "booking"}
        assert not MailPreference.objects.filter(
            user=world.users[who], kind__in=["cast", "proposal"]
        ).exists()


SECRETS = (
    "left ear",
    "face",
    "slap",
    "buttocks",
    "blocked",
    "needs discussion",
    "hard limit",
    "maybe",
    "light",
)


def test_notices_and_mails_carry_no_boundary_detail_and_no_acting_links(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _every_notice(world)
    _no_detail_in_notices()


def _every_notice(world: Any) -> None:
    from closedset.plans import services as plans

    mail.outbox.clear()
    _share_both(world)  # seen by new
    boundaries.set_answer(world.mara, "kiss", "give", "no")  # profile changed
    plans.replace_plan(world.dario, world.production.pk, world.scene.pk, PLAN)  # proposal
    plans.replace_plan(world.ines, world.production.pk, world.scene.pk, PLAN)  # plan changed
    plans.cast_role(world.ines, world.production.pk, world.scene.pk, "B", "")
    plans.cast_role(world.ines, world.production.pk, world.scene.pk, "B", "jonas")  # cast
    plans.release(world.ines, world.production.pk, world.scene.pk)  # released
    fewer = PLAN | {"beats": PLAN["beats"][:1]}
    plans.replace_plan(world.ines, world.production.pk, world.scene.pk, fewer)
    plans.save_version(world.ines, world.production.pk, world.scene.pk)  # plan changed
    boundaries.revoke(world.mara, world.production.pk)  # unshared


def _no_detail_in_notices() -> None:
    kinds = set(Notice.objects.values_list("kind", flat=True))
    assert {
        "profile_seen_by_new",
        "profile_changed",
        "proposal",
        "cast",
        "plan_changed",
        "released",
        "profile_unshared",
    } <= (kinds)
    texts = [f"{n.subject}\n{n.body}" for n in Notice.objects.all()]
    texts += [f"{m.subject}\n{m.body}" for m in mail.outbox]
    for text in texts:
        for word in SECRETS:
            assert not re.search(rf"\b{word}\b", text, re.I), f"{word!r} in {text!r}"
    for m in mail.outbox:
        # Links in mail only open pages; none carries a key that acts on its own.
        for link in re.findall(r"https?://\S+", m.body):
            assert not re.search(
                r"(token|key|read|restore|revoke|share)/?\S*[=/][A-Za-z0-9_-]{20,}", link
            )


# ---------------------------------------------------------------- the production overview


def _producer_page(world: Any, client_as: Any) -> str:
    page = client_as("petra").get(reverse("productions:production", args=[world.production.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    # Per-request tokens (CSRF, nonces) differ on every page; nothing else may.
    html = re.sub(r"[A-Za-z0-9_-]{32,}", "", html)
    return html


def test_the_producer_sees_the_same_page_for_no_maybe_and_not_shared(world, client_as):
    from closedset.plans import services as plans

    boundaries.replace_profile(world.jonas, JONAS)
    boundaries.share(world.jonas, world.production.pk)
    plans.replace_plan(world.ines, world.production.pk, world.scene.pk, PLAN)
    pages = {}
    # Mara says no to a face slap.
    boundaries.replace_profile(world.mara, MARA)
    boundaries.share(world.mara, world.production.pk)
    pages["no"] = _producer_page(world, client_as)
    # A maybe.
    maybe = {**MARA, "boundaries": [{**MARA["boundaries"][0], "zones": {"face": "maybe"}}]}
    boundaries.replace_profile(world.mara, maybe)
    pages["maybe"] = _producer_page(world, client_as)
    # Not shared at all.
    boundaries.revoke(world.mara, world.production.pk)
    pages["not shared"] = _producer_page(world, client_as)
    assert pages["no"] == pages["maybe"] == pages["not shared"]
    for word in ("blocked", "discussion", "not shared", "left ear"):
        assert word not in pages["no"].lower()


@pytest.mark.parametrize("who", ("dario", "mara", "jonas", "cora", "oscar"))
def test_no_one_but_coordinator_and_producer_gets_the_gate_counts(slap_plan, client_as, who):  # noqa: F811
    from closedset.plans import overview

    user = slap_plan.users[who]
    with pytest.raises(Exception) as refused:
        overview.production_overview(user, slap_plan.production.pk)
    assert refused.type.__name__ in ("Forbidden", "NotFound")
    page = _quiet(client_as(who)).get(
        reverse("productions:production", args=[slap_plan.production.pk])
    )
    html = page.content.decode().lower()
    for word in ("blocked", "needs discussion", "not shared", "left ear"):
        assert word not in html, (who, word)


def test_a_production_token_for_another_production_gets_no_overview(world, client_as):
    from closedset.accounts import services as accounts
    from closedset.accounts.models import ApiToken

    _, secret = accounts.create_api_token(
        world.oscar, "cli", access=ApiToken.Access.WRITE, session_verified=True
    )
    page = _quiet(client_as("anonymous")).get(
        reverse("productions:production", args=[world.production.pk]),
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert page.status_code in (302, 403, 404)
    assert "Harbour" not in page.content.decode()


# ---------------------------------------------------------------- the coordinator's invitations


@pytest.mark.parametrize("role", ["director", "producer", "custodian", "coordinator"])
def test_the_coordinator_cannot_invite_crew(world, role):
    with pytest.raises(Forbidden):
        productions.invite(world.ines, world.production, email="new@example.org", role=role)
    with pytest.raises(Forbidden):
        productions.invite(world.ines, world.production, email="ines@example.org", role=role)


def test_the_coordinator_cannot_invite_crew_through_the_page(world, client_as):
    from closedset.productions.models import Invitation

    client = _quiet(client_as("ines"))
    for role in ("director", "producer", "custodian"):
        client.post(
            reverse("productions:invitations", args=[world.production.pk]),
            {"email": "ines@example.org", "role": role},
        )
        client.post(
            reverse("productions:invitations", args=[world.production.pk]),
            {"email": "someone@example.org", "role": role},
        )
    assert not Invitation.objects.exclude(role="performer").exists()


@pytest.mark.parametrize("who", ("mara", "dario", "cora", "oscar"))
def test_only_producer_and_coordinator_invite(world, who):
    with pytest.raises((Forbidden, NotFound)):
        productions.invite(
            world.users[who], world.production, email="new@example.org", role="performer"
        )


def test_the_producer_cannot_make_the_coordinator_director(world):
    from closedset.productions.errors import RolesConflict

    with pytest.raises(RolesConflict):
        productions.invite(world.petra, world.production, email="ines@example.org", role="director")
    with pytest.raises(RolesConflict):
        productions.add_member(world.ines, world.production, "producer")


# ---------------------------------------------------------------- API tokens


def _token(user: Any, **options: Any) -> str:
    from closedset.accounts import services as accounts

    return accounts.create_api_token(user, "cli", session_verified=True, **options)[1]


def test_a_production_scoped_token_reaches_no_version_of_the_profile(world, client):
    from closedset.accounts.models import ApiToken

    boundaries.replace_profile(world.mara, MARA)
    boundaries.replace_profile(world.mara, JONAS | {"performer": "mara"})
    secret = _token(world.mara, access=ApiToken.Access.WRITE, production_id=world.production.pk)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    for url in (
        "/api/v1/boundaries/me",
        "/api/v1/boundaries/me/versions",
        "/api/v1/boundaries/me/versions/1",
    ):
        page = client.get(url, **auth)
        assert page.status_code == 403, url
        assert "left ear" not in page.content.decode()


def test_a_read_token_changes_no_version(world, client):
    from closedset.accounts.models import ApiToken

    boundaries.replace_profile(world.mara, MARA)
    secret = _token(world.mara, access=ApiToken.Access.READ)
    page = client.put(
        "/api/v1/boundaries/me",
        data={"boundaries": []},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert page.status_code == 403
    assert ProfileVersion.objects.filter(profile__owner=world.mara).count() == 1


@pytest.mark.parametrize("who", ("jonas", "ines", "dario", "petra", "cora", "oscar"))
def test_anothers_token_reads_only_its_owners_versions(world, client, who):
    from closedset.accounts.models import ApiToken

    boundaries.replace_profile(world.mara, MARA)
    secret = _token(world.users[who], access=ApiToken.Access.WRITE)
    page = client.get("/api/v1/boundaries/me/versions/1", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert page.status_code in (403, 404)
    assert "left ear" not in page.content.decode()


def test_a_token_does_not_open_the_html_pages(world, client):
    from closedset.accounts.models import ApiToken

    boundaries.replace_profile(world.mara, MARA)
    secret = _token(world.mara, access=ApiToken.Access.WRITE)
    for url in (
        reverse("boundaries:pdf"),
        reverse("boundaries:compare"),
        reverse("boundaries:review"),
    ):
        page = client.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}")
        assert page.status_code == 302, url
