"""Attacks on the language machinery (issue 11): what a language can tell, who can set one,
the picker's redirect and cookie, odd Accept-Language headers, and user text that looks like a
format string in every language."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from closedset.conftest import speaks, without_tokens
from closedset.consent import services as consent
from closedset.consent.models import ConsentRequest
from closedset.consent.tests.conftest import CONSENT_PLAN, save_version
from closedset.onset import changes
from closedset.onset import services as onset
from closedset.onset.tests.helpers import started_with_profiles
from closedset.plans.services import BeatInput
from closedset.productions.models import Production

pytestmark = pytest.mark.django_db

SLAP = BeatInput(act="slap", by="B", to=["A"], zone="buttocks", intensity="light", barrier="none")
LANGUAGES = ("en", "es", "cs", "hu")


def _seed_terms(world: Any) -> None:
    from closedset.rider.tests.terms import seed_rider_terms

    seed_rider_terms(world)


# --- the blind no, with the performers in different languages --------------------------------

WAYS = {
    "mara no": [("mara", "no", 30), ("jonas", "yes", 40)],
    "jonas no": [("jonas", "no", 30), ("mara", "yes", 40)],
    "both no": [("mara", "no", 30), ("jonas", "no", 31)],
    "no answer": [],
}


def _director_bytes(client: Client, world: Any, run: Any) -> list[bytes]:
    api = f"/api/v1/onset/{world.production.pk}/runs/{run.pk}/changes"
    responses = [
        client.get(f"/onset/runs/{run.pk}/director/"),
        client.get(f"/onset/runs/{run.pk}/director/changes/"),
        client.get(api),
    ]
    heads = [
        json.dumps(
            [r.status_code, sorted((k, v) for k, v in r.headers.items() if k != "Content-Length")]
        ).encode()
        for r in responses
    ]
    return [without_tokens(r.content.decode()).encode() for r in responses] + heads


@pytest.mark.parametrize("director_language", ["en", "cs"])
def test_blind_no_is_byte_identical_when_the_performers_speak_different_languages(
    world, client_as, director_language
):
    run = started_with_profiles(world)
    languages = {"mara": "cs", "jonas": "hu"}
    for name, code in languages.items():
        speaks(world.users[name], code)
    dario = client_as(speaks(world.dario, director_language))
    phones = {name: client_as(name) for name in languages}
    proposed = timezone.now().replace(microsecond=0) - onset.reflection_period(run.scene.production)
    proposed -= timedelta(seconds=1)
    seen: dict[str, list[bytes]] = {}
    for way, answers in WAYS.items():
        with transaction.atomic():
            change = changes.propose(world.dario, run.pk, SLAP, now=proposed)
            for name, said, after in answers:
                # Each answers from her own phone, in her own language.
                with translation.override(languages[name]):
                    changes.answer(
                        world.users[name],
                        run.pk,
                        change.pk,
                        said,
                        now=proposed + timedelta(seconds=after),
                    )
            # The decliner's own phone is the first screen to read the run after the period:
            # it settles the change, in her language.
            first = answers[0][0] if answers else "mara"
            assert phones[first].get(f"/onset/runs/{run.pk}/changes/phone/").status_code == 200
            seen[way] = _director_bytes(dario, world, run)
            transaction.set_rollback(True)
    baseline = seen["mara no"]
    for way, got in seen.items():
        assert got == baseline, way


def test_the_timeline_of_a_settled_change_is_not_in_the_decliners_language(world, client_as):
    """The console (read by the director when he also coordinates) keeps stored words in
    one language, whoever's screen settled the change."""
    from closedset.onset.models import TimelineEntry

    run = started_with_profiles(world)
    speaks(world.mara, "cs")
    proposed = timezone.now() - onset.reflection_period(run.scene.production) - timedelta(seconds=5)
    change = changes.propose(world.dario, run.pk, SLAP, now=proposed)
    with translation.override("cs"):
        changes.answer(world.mara, run.pk, change.pk, "no", now=proposed + timedelta(seconds=2))
    assert client_as("mara").get(f"/onset/runs/{run.pk}/changes/phone/").status_code == 200
    texts = list(TimelineEntry.objects.filter(run=run).values_list("text", flat=True))
    assert any("not approved" in t for t in texts)
    assert not any(c in t for t in texts for c in "áéíóúůýčďěňřšťž")


# --- the language picker -----------------------------------------------------------------------

REDIRECTS = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "/\\/evil.example/",
    "javascript:alert(1)",
    " //evil.example/",
    "\t//evil.example/",
    "%2F%2Fevil.example/",
    "/%2F%2Fevil.example/",
    "///evil.example/",
    "http:/evil.example",
    "https:evil.example",
    "\x00//evil.example",
    "/\r\nSet-Cookie: owned=1",
]


@pytest.mark.parametrize("target", REDIRECTS)
def test_the_picker_never_redirects_off_site(world, client_as, target):
    for client in (Client(), client_as("mara")):
        response = client.post("/language/", {"language": "cs", "next": target})
        assert response.status_code == 302, target
        location = response.headers["Location"]
        assert location.startswith("/") and not location.startswith(("//", "/\\")), location
        assert "\r" not in location and "\n" not in location
        assert "owned" not in response.cookies


@pytest.mark.parametrize(
    "referer",
    ["https://evil.example/x", "//evil.example/", "http://testserver@evil.example/"],
)
def test_the_picker_ignores_a_foreign_referer(world, referer):
    response = Client().post("/language/", {"language": "cs"}, HTTP_REFERER=referer)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_the_picker_needs_csrf(world):
    mara = Client(enforce_csrf_checks=True)
    mara.force_login(world.mara, backend="django.contrib.auth.backends.ModelBackend")
    response = mara.post("/language/", {"language": "cs", "next": "/"})
    assert response.status_code == 403
    world.mara.refresh_from_db()
    assert world.mara.language == ""


@pytest.mark.parametrize(
    "code",
    ["xx", "", "CS", "cs-CZ", "cs\r\nSet-Cookie: a=b", "cs;", "c" * 10_000, "en\x00", "../en"],
)
def test_the_picker_refuses_odd_codes_in_words(world, client_as, code):
    client = client_as("mara")
    response = client.post("/language/", {"language": code, "next": "/"})
    assert response.status_code in (400, 422), response.status_code
    assert "Traceback" not in response.content.decode()
    assert "django_language" not in response.cookies
    world.mara.refresh_from_db()
    assert world.mara.language == ""


def test_the_picker_is_post_only(world, client_as):
    assert client_as("mara").get("/language/?language=cs&next=/").status_code == 405


@pytest.mark.parametrize(
    "header",
    [
        "cs," * 40_000,
        "x" * 100_000,
        "cs;q=abc, hu;q=-1, es;q=1e999",
        ";;;,,,=,q=",
        "\u010de\u0161tina",
        "*",
        "zz-ZZ-zzzz-123456789",
        "cs-" + "a" * 5000,
    ],
)
def test_odd_accept_language_never_breaks_a_page(world, header):
    for url in ("/login/", "/"):
        response = Client().get(url, HTTP_ACCEPT_LANGUAGE=header)
        assert response.status_code in (200, 302), (url, response.status_code)


@pytest.mark.parametrize("cookie", ["x" * 10_000, "cs\x00", "cs; path=/", "../../etc"])
def test_an_odd_language_cookie_never_breaks_a_page(world, cookie):
    client = Client()
    client.cookies["django_language"] = cookie
    assert client.get("/login/").status_code == 200


# --- a production's language: who may set it ---------------------------------------------------


@pytest.mark.parametrize("who", ["mara", "dario", "cora", "oscar", "anonymous"])
def test_only_its_producer_or_coordinator_sets_a_productions_language(world, client_as, who):
    response = client_as(who).post(f"/p/{world.production.pk}/language/", {"language": "cs"})
    assert response.status_code in (302, 403, 404)
    if who == "anonymous":
        assert "/login/" in response.headers.get("Location", "")
    world.production.refresh_from_db()
    assert world.production.language != "cs"


@pytest.mark.parametrize("who", ["mara", "dario", "oscar"])
def test_the_api_refuses_others_a_productions_language(world, who):
    from closedset.accounts.models import ApiToken
    from closedset.accounts.services import create_api_token

    _token, secret = create_api_token(
        world.users[who], "t", access=ApiToken.Access.WRITE, session_verified=True
    )
    response = Client().put(
        f"/api/v1/productions/{world.production.pk}/language",
        data=json.dumps({"language": "cs"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code in (403, 404)
    world.production.refresh_from_db()
    assert world.production.language != "cs"


def test_a_read_only_token_cannot_set_a_productions_language(world):
    from closedset.accounts.models import ApiToken
    from closedset.accounts.services import create_api_token

    _token, secret = create_api_token(
        world.petra, "t", access=ApiToken.Access.READ, session_verified=True
    )
    response = Client().put(
        f"/api/v1/productions/{world.production.pk}/language",
        data=json.dumps({"language": "cs"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code in (401, 403, 404)
    world.production.refresh_from_db()
    assert world.production.language != "cs"


def test_a_token_scoped_to_another_production_cannot_set_this_ones_language(world):
    from closedset.accounts.models import ApiToken
    from closedset.accounts.services import create_api_token
    from closedset.productions.models import Membership

    mine = Production.objects.create(
        organisation=world.organisation, name="Second", kind="mainstream"
    )
    Membership.objects.create(user=world.petra, production=mine, role="producer")
    _token, secret = create_api_token(
        world.petra,
        "t",
        access=ApiToken.Access.WRITE,
        production_id=mine.pk,
        session_verified=True,
    )
    response = Client().put(
        f"/api/v1/productions/{world.production.pk}/language",
        data=json.dumps({"language": "cs"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code in (403, 404)
    world.production.refresh_from_db()
    assert world.production.language != "cs"


@pytest.mark.parametrize("code", ["xx", "", "c" * 10_000, "cs\n", None, 5, ["cs"]])
def test_odd_production_languages_are_refused_in_words(world, client_as, code):
    petra = client_as("petra")
    response = petra.put(
        f"/api/v1/productions/{world.production.pk}/language",
        data=json.dumps({"language": code}),
        content_type="application/json",
    )
    assert response.status_code in (400, 422)
    if isinstance(code, str):
        page = petra.post(f"/p/{world.production.pk}/language/", {"language": code})
        assert page.status_code in (400, 422)
    world.production.refresh_from_db()
    assert world.production.language in ("", "en")


# --- bilingual consent: the rider changes language while she reads ------------------------------


def _final_for_mara(world: Any) -> ConsentRequest:
    _seed_terms(world)
    version = save_version(world, CONSENT_PLAN)
    consent.mark_final(world.ines, version)
    return ConsentRequest.objects.filter(performer=world.mara).order_by("-pk").first()


def test_a_production_language_change_while_she_reads_is_refused_plainly(
    world, client_as, persona_password
):
    from closedset.consent.models import BeatDecision
    from closedset.productions import services as productions

    request = _final_for_mara(world)
    mara = client_as(speaks(world.mara, "cs"))
    page = mara.get(reverse("consent:request", args=[request.pk])).content.decode()
    shown = re.search(r'name="rider_sha256" value="([0-9a-f]{64})"', page).group(1)
    # Meanwhile the coordinator switches the production to Hungarian.
    productions.set_language(world.ines, world.production.pk, "hu")
    response = mara.post(
        reverse("consent:sign", args=[request.pk]),
        {
            "answer-b1": "consent",
            "answer-b2": "consent",
            "rider_sha256": shown,
            "password_or_code": persona_password,
        },
    )
    assert response.status_code == 409
    text = response.content.decode()
    assert "Traceback" not in text and shown not in text.replace(f'value="{shown}"', "")
    assert not BeatDecision.objects.filter(request=request).exists()


def test_signing_without_the_shown_hash_is_not_recorded_against_unseen_text(
    world, client_as, persona_password
):
    """The API takes rider_sha256 as optional: an answer that does not say which rider it was
    given against is recorded against whatever the rider reads now (after a language change,
    text she never saw)."""
    from closedset.consent.models import BeatDecision
    from closedset.productions import services as productions

    request = _final_for_mara(world)
    mara = client_as(speaks(world.mara, "cs"))
    base = f"/api/v1/consent/{world.production.pk}/requests/{request.pk}"
    read = mara.get(base)
    assert read.status_code == 200
    shown = read.json()["rider_sha256"]
    # She read it in Czech beside English; the production now prints in Hungarian.
    productions.set_language(world.ines, world.production.pk, "hu")
    url = f"{base}/decide"
    response = mara.post(
        url,
        data=json.dumps({"answers": {"b1": "consent"}, "password_or_code": persona_password}),
        content_type="application/json",
    )
    assert response.status_code in (400, 409, 422), BeatDecision.objects.filter(
        request=request
    ).values_list("log_entry__data", flat=True)
    assert not BeatDecision.objects.filter(request=request).exists()
    assert shown


def test_the_record_names_both_languages_of_a_bilingual_rider(world, client_as, persona_password):
    """The hash covers her language *and* the production's; the entry must say both, or no
    one can later rebuild the text it is the hash of (the production's language can change)."""
    from closedset.consent.models import BeatDecision
    from closedset.productions import services as productions

    productions.set_language(world.ines, world.production.pk, "en")
    request = _final_for_mara(world)
    speaks(world.mara, "cs")
    with translation.override("cs"):
        view = consent.request_view(request)
        assert view.languages == ("cs", "en")
        consent.decide(
            world.mara,
            request.pk,
            {"b1": "consent"},
            {},
            password_or_code=persona_password,
            rider_sha256=view.rider_sha256,
        )
    decision = BeatDecision.objects.get(request=request, beat_id="b1")
    entry = json.loads(bytes(decision.log_entry.data))
    assert entry["rider_sha256"] == view.rider_sha256
    shown = entry.get("languages") or entry.get("language")
    assert shown in ("cs+en", ["cs", "en"]), entry


# --- documents: ?lang= opens nothing new -------------------------------------------------------


@pytest.mark.parametrize("lang", ["cs", "hu", "xx", "../en", "c" * 5000])
def test_a_documents_lang_opens_no_one_elses_rider(world, client_as, lang):
    _seed_terms(world)
    save_version(world, CONSENT_PLAN)
    base = f"/rider/{world.production.pk}/{world.scene.pk}"
    mara = client_as("mara")
    own = mara.get(f"{base}/mara/pdf/?lang={lang}")
    assert own.status_code == 200
    assert mara.get(f"{base}/jonas/pdf/?lang={lang}").status_code == 404
    assert client_as("oscar").get(f"{base}/mara/pdf/?lang={lang}").status_code == 404
    assert client_as("dario").get(f"{base}/mara/pdf/?lang={lang}").status_code in (403, 404)


# --- user text that looks like a format string -------------------------------------------------

NASTY = "%(name)s {0} %s %% {production} %(performer)s"


@pytest.mark.parametrize("language", LANGUAGES)
def test_format_strings_in_names_break_nothing(world, client_as, language):
    from closedset.notices.models import Notice

    Production.objects.filter(pk=world.production.pk).update(name=f"Prod {NASTY}")
    world.production.refresh_from_db()
    world.scene.title = f"Scene {NASTY}"
    world.scene.save()
    for who in ("mara", "jonas", "ines", "dario", "petra"):
        user = world.users[who]
        user.display_name = f"{who} {NASTY}"
        user.language = language
        user.save()
    _seed_terms(world)
    version = save_version(world, CONSENT_PLAN)
    consent.mark_final(world.ines, version)  # notices to both performers, in their language
    notices = list(Notice.objects.filter(recipient=world.mara))
    assert notices and any(NASTY in n.subject + n.body for n in notices)
    request = ConsentRequest.objects.filter(performer=world.mara).order_by("-pk").first()
    mara = client_as("mara")
    for url in (
        "/",
        reverse("consent:mine"),
        reverse("consent:request", args=[request.pk]),
        reverse("rider:rider", args=[world.production.pk, world.scene.pk, "mara"]),
        reverse("rider:pdf", args=[world.production.pk, world.scene.pk, "mara"])
        + f"?lang={language}",
    ):
        response = mara.get(url)
        assert response.status_code in (200, 302), url
    page = mara.get(reverse("consent:request", args=[request.pk])).content.decode()
    assert "%(name)s {0} %s %% {production}" in page.replace("&#x27;", "'")
    ines = client_as("ines")
    for url in (f"/p/{world.production.pk}/",):
        assert ines.get(url).status_code == 200


@pytest.mark.parametrize("language", ["cs", "hu"])
def test_a_production_name_is_escaped_on_a_translated_page(world, client_as, language):
    Production.objects.filter(pk=world.production.pk).update(
        name="<script>alert(1)</script>\"'><img src=x onerror=alert(2)>"
    )
    for who in ("ines", "mara", "dario", "petra"):
        page = (
            client_as(speaks(world.users[who], language))
            .get(f"/p/{world.production.pk}/")
            .content.decode()
        )
        assert "<script>alert(1)" not in page
        assert "<img src=x" not in page


# --- a name that looks like a placeholder of the beat sentence ---------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", ["{by}", "{zone}", "{own}"])
def test_a_receivers_name_is_never_read_as_a_placeholder(language, name):
    from closedset.core.plan import Beat as CoreBeat
    from closedset.core.plan import Intensity
    from closedset.core.words import Persons, beat_sentence

    beat = CoreBeat(
        id="b1",
        act="slap",
        by="B",
        to=("A",),
        zone="buttocks",
        intensity=Intensity.light,
        barrier="none",
    )
    for me in (None, "B"):
        sentence = beat_sentence(beat, Persons({"A": name, "B": "Jonas"}, me=me), lang=language)
        assert name in sentence, (me, sentence)


def test_a_partners_rider_shows_her_name_as_she_wrote_it(world, client_as):
    _seed_terms(world)
    save_version(world, CONSENT_PLAN)
    world.mara.display_name = "{by}"
    world.mara.save()
    page = client_as("jonas").get(
        reverse("rider:rider", args=[world.production.pk, world.scene.pk, "jonas"])
    )
    assert page.status_code == 200
    assert "{by}" in page.content.decode()


# --- what the others are told when she declines, in Czech -----------------------------------

CZECH = set("áčďéěíňóřšťúůýžÁČĎÉĚÍŇÓŘŠŤÚŮÝŽ")


def test_a_decline_in_czech_reaches_no_one_else_in_czech(
    world, client_as, persona_password, django_capture_on_commit_callbacks
):
    from closedset.notices.models import Notice

    request = _final_for_mara(world)
    for who in ("ines", "dario", "petra", "jonas"):
        speaks(world.users[who], "en")
    Notice.objects.all().delete()
    mara = client_as(speaks(world.mara, "cs"))
    page = mara.get(reverse("consent:request", args=[request.pk])).content.decode()
    shown = re.search(r'name="rider_sha256" value="([0-9a-f]{64})"', page).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        signed = mara.post(
            reverse("consent:sign", args=[request.pk]),
            {
                "answer-b1": "decline",
                "answer-b2": "consent",
                "rider_sha256": shown,
                "password_or_code": persona_password,
            },
        )
    assert signed.status_code == 302
    assert Notice.objects.filter(recipient=world.ines).exists()
    told = list(Notice.objects.exclude(recipient=world.mara))
    for notice in told:
        assert not CZECH & set(notice.subject + notice.body), notice.subject
    assert not Notice.objects.filter(recipient__in=[world.dario, world.petra]).exists()


@pytest.mark.parametrize("language", ["cs", "hu", "es"])
def test_user_text_is_escaped_on_her_bilingual_consent_page(world, client_as, language):
    evil = "<img src=x onerror=alert(1)>"
    Production.objects.filter(pk=world.production.pk).update(name=f"P {evil}")
    world.scene.title = f"S {evil}"
    world.scene.save()
    world.jonas.display_name = f"J {evil}"
    world.jonas.save()
    request = _final_for_mara(world)
    page = (
        client_as(speaks(world.mara, language))
        .get(reverse("consent:request", args=[request.pk]))
        .content.decode()
    )
    assert 'lang="en"' in page  # the production's English stands beside hers
    assert "<img src=x" not in page


# --- the command ---------------------------------------------------------------------------------

ODD_LANG = [
    "../../etc/passwd",
    "cs\x00",
    "c" * 100_000,
    ":::",
    "cs_CZ.UTF-8@" + "x" * 1000,
    "C.UTF-8",
    ".",
]


@pytest.mark.parametrize("value", ODD_LANG)
def test_an_odd_environment_language_is_english_without_a_crash(capsys, monkeypatch, value):
    from closedset.cli import main

    monkeypatch.setenv("LANG", value.replace("\x00", ""))
    code = main(["taxonomy", "--json"])
    captured = capsys.readouterr()
    assert code == 0 and "Traceback" not in captured.err
    json.loads(captured.out)


@pytest.mark.parametrize("value", ["../cs", "cs/../hu", "", "CS", "c" * 10_000])
def test_an_odd_lang_option_is_a_plain_error(capsys, value):
    from closedset.cli import main

    code = main(["taxonomy", "--lang", value])
    captured = capsys.readouterr()
    assert code == 2, (code, captured.err[-300:])
    assert "Traceback" not in captured.err
    assert len(captured.err) < 2000


def test_closedset_verify_accepts_a_bilingual_receipt(world, persona_password, tmp_path, capsys):
    from closedset.cli import main
    from closedset.consent.models import BeatDecision

    request = _final_for_mara(world)
    speaks(world.mara, "cs")
    with translation.override("cs"):
        view = consent.request_view(request)
        assert view.bilingual
        consent.decide(
            world.mara,
            request.pk,
            {"b1": "consent"},
            {},
            password_or_code=persona_password,
            rider_sha256=view.rider_sha256,
        )
        decision = BeatDecision.objects.get(request=request, beat_id="b1")
        receipt = consent.receipt(world.mara, decision.pk)
    path = tmp_path / "receipt.json"
    path.write_text(json.dumps(receipt, ensure_ascii=False), encoding="utf-8")
    code = main(["verify", str(path)])
    assert code == 0, capsys.readouterr()
    import base64

    entry = json.loads(base64.b64decode(receipt["entry"]))
    assert entry["rider_sha256"] == view.rider_sha256


@pytest.mark.parametrize("language", ["cs", "es", "hu"])
def test_a_finding_line_names_the_performer_as_she_wrote_it(language):
    from closedset.core.check import Finding, Status
    from closedset.core.taxonomy import load_taxonomy
    from closedset.plans.reasons import finding_line

    finding = Finding(
        beat="b1",
        role="A",
        performer="mara",
        direction="receive",
        act="slap",
        zone="face",
        intensity="light",
        status=Status.blocked,
        reason="mara: slap to face is a hard limit",
    )
    line = finding_line(finding, {"mara": "{by}"}, load_taxonomy(language))
    assert line and "{by}" in line, line
