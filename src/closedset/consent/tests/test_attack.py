"""Attacks on consent, compliance, the record and riders, from every side.

Each test asserts the SAFE behaviour. Tests marked "HOLE" fail today: they show something an
attacker can do that they should not (see the report of the review that added them).
"""

from __future__ import annotations

import base64
import json
import re
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from closedset.compliance.tests.helpers import (
    PNG,
    call_on,
    fast_passwords,
    future_day,
    ready_scene,
    verified_record,
)
from closedset.consent import services
from closedset.consent.models import BeatDecision, ConsentRequest
from closedset.consent.tests.conftest import CONSENT_PLAN, request_of, save_version, shown_rider

API = "/api/v1/consent"
CAPI = "/api/v1/compliance"
LOG = "/api/v1/log"
MISSING = 987654
REASON = "my-private-reason-xq7"


@pytest.fixture(autouse=True)
def _fast(world: Any, settings: Any) -> None:
    fast_passwords(world, settings)


def _post(client: Client, url: str, body: Any = None, raw: str | None = None) -> Any:
    data = raw if raw is not None else json.dumps(body if body is not None else {})
    return client.post(url, data, content_type="application/json")


def _put(client: Client, url: str, body: Any = None, raw: str | None = None) -> Any:
    data = raw if raw is not None else json.dumps(body if body is not None else {})
    return client.put(url, data, content_type="application/json")


_VOLATILE = re.compile(rb'(?:(?:nonce|value|content)=|"X-CSRFToken": )"[A-Za-z0-9+/=_-]{16,}"')


def _same(a: Any, b: Any) -> None:
    """Byte for byte (per-response nonces and CSRF tokens aside), with the same headers."""
    assert a.status_code == b.status_code
    assert a.get("Content-Type") == b.get("Content-Type")
    assert a.get("Location") == b.get("Location") or (
        a.status_code in (301, 302) and a["Location"].split("?")[0] == b["Location"].split("?")[0]
    )
    assert _VOLATILE.sub(b"", a.content) == _VOLATILE.sub(b"", b.content)


def _decide(world: Any, who: str, answers: dict[str, str], reasons: Any = None) -> list[Any]:
    from closedset.conftest import PERSONA_PASSWORD

    rid = request_of(world.users[who]).pk
    return services.decide(
        world.users[who], rid, answers, reasons or {}, password_or_code=PERSONA_PASSWORD
    )


# ---------------------------------------------------------------- another performer's things


def test_another_persons_request_looks_exactly_like_a_missing_one(world, final, client_as):
    rid = request_of(world.mara).pk
    p = world.production.pk
    for who in ("jonas", "ines", "dario", "petra", "cora", "oscar"):
        client = client_as(who)
        for url, missing in [
            (f"/consent/requests/{rid}/", f"/consent/requests/{MISSING}/"),
            (f"{API}/{p}/requests/{rid}", f"{API}/{p}/requests/{MISSING}"),
        ]:
            _same(client.get(url), client.get(missing))
        posted = client.post(f"/consent/requests/{rid}/", {"answer-b1": "consent"})
        _same(posted, client.post(f"/consent/requests/{MISSING}/", {"answer-b1": "consent"}))
        signed = client.post(f"/consent/requests/{rid}/sign/", {"answer-b1": "consent"})
        _same(signed, client.post(f"/consent/requests/{MISSING}/sign/", {"answer-b1": "consent"}))
        body = {"answers": {"b1": "consent"}, "password_or_code": "x", "rider_sha256": "0" * 64}
        _same(
            _post(client, f"{API}/{p}/requests/{rid}/decide", body),
            _post(client, f"{API}/{p}/requests/{MISSING}/decide", body),
        )
    # Nobody but Mara opened it.
    assert not request_of(world.mara).events.filter(kind="opened").exists()
    assert BeatDecision.objects.count() == 0


def test_another_persons_decision_looks_exactly_like_a_missing_one(world, final, client_as):
    _decide(world, "mara", {"b1": "consent", "b2": "decline"}, {"b2": REASON})
    did = BeatDecision.objects.get(beat_id="b1").pk
    p = world.production.pk
    for who in ("jonas", "ines", "dario", "petra", "cora", "oscar"):
        client = client_as(who)
        for suffix in ("receipt.json", "receipt.pdf", "receipt.json?withdrawal=1"):
            _same(
                client.get(f"/consent/decisions/{did}/{suffix}"),
                client.get(f"/consent/decisions/{MISSING}/{suffix}"),
            )
        _same(
            client.post(f"/consent/decisions/{did}/withdraw/"),
            client.post(f"/consent/decisions/{MISSING}/withdraw/"),
        )
        _same(
            client.get(f"{API}/{p}/decisions/{did}/receipt"),
            client.get(f"{API}/{p}/decisions/{MISSING}/receipt"),
        )
        _same(
            _post(client, f"{API}/{p}/decisions/{did}/withdraw"),
            _post(client, f"{API}/{p}/decisions/{MISSING}/withdraw"),
        )
    assert BeatDecision.objects.get(pk=did).withdrawn_at is None


def test_anonymous_reaches_nothing(world, final, client_as):
    rid = request_of(world.mara).pk
    anon = client_as("anonymous")
    p = world.production.pk
    _same(anon.get(f"/consent/requests/{rid}/"), anon.get(f"/consent/requests/{MISSING}/"))
    for url in (f"{API}/{p}/requests/{rid}", f"{API}/requests"):
        assert anon.get(url).status_code == 401
    assert _post(anon, f"{API}/{p}/requests/{rid}/decide", {}).status_code == 401


def test_a_co_performer_learns_nothing_of_the_others_answers(world, final, client_as):
    _decide(world, "mara", {"b1": "consent", "b2": "decline"}, {"b2": REASON})
    jonas = client_as("jonas")
    rid = request_of(world.jonas).pk
    p = world.production.pk
    for response in (
        jonas.get("/consent/"),
        jonas.get(f"/consent/requests/{rid}/"),
        jonas.get(f"{API}/requests"),
        jonas.get(f"{API}/{p}/requests/{rid}"),
        jonas.get(f"/rider/{p}/{world.scene.pk}/jonas/"),
    ):
        assert response.status_code == 200
        text = response.content.decode()
        assert REASON not in text
        assert "declin" not in text.lower() or "decline" in text.lower()  # his own buttons
    # The rider of another performer is "no such rider", like a missing one.
    _same(
        jonas.get(f"/rider/{p}/{world.scene.pk}/mara/"),
        jonas.get(f"/rider/{p}/{world.scene.pk}/nobody/"),
    )
    _same(
        jonas.get(f"/rider/{p}/{world.scene.pk}/mara/pdf/"),
        jonas.get(f"/rider/{p}/{world.scene.pk}/nobody/pdf/"),
    )


# ---------------------------------------------------------------- signing and deciding


def test_replay_and_change_of_a_decision(world, final, client_as, persona_password):
    rid = request_of(world.mara).pk
    p = world.production.pk
    mara = client_as("mara")
    rider = shown_rider(world.mara)
    body = {
        "answers": {"b1": "consent"},
        "password_or_code": persona_password,
        "rider_sha256": rider,
    }
    assert _post(mara, f"{API}/{p}/requests/{rid}/decide", body).status_code == 200
    for _ in range(3):
        again = _post(mara, f"{API}/{p}/requests/{rid}/decide", body)
        assert again.status_code == 200
        assert again.json()["recorded"] == []
    flipped = {
        "answers": {"b1": "decline"},
        "password_or_code": persona_password,
        "rider_sha256": rider,
    }
    assert _post(mara, f"{API}/{p}/requests/{rid}/decide", flipped).status_code == 409
    assert BeatDecision.objects.count() == 1


def test_a_superseded_final_cannot_be_decided_or_withdrawn(
    world, final, client_as, persona_password
):
    old = request_of(world.mara).pk
    _decide(world, "mara", {"b1": "consent"})
    b1 = BeatDecision.objects.get(beat_id="b1")
    plan = json.loads(json.dumps(CONSENT_PLAN))
    plan["beats"][0]["intensity"] = "hard"
    services.mark_final(world.ines, save_version(world, plan))
    assert request_of(world.mara).pk != old
    p = world.production.pk
    mara = client_as("mara")
    body = {
        "answers": {"b2": "consent"},
        "password_or_code": persona_password,
        "rider_sha256": shown_rider(world.mara, old),
    }
    assert _post(mara, f"{API}/{p}/requests/{old}/decide", body).status_code == 409
    page = mara.post(
        f"/consent/requests/{old}/sign/",
        {"answer-b2": "consent", "password_or_code": persona_password},
    )
    assert page.status_code == 409
    assert not BeatDecision.objects.filter(request_id=old, beat_id="b2").exists()
    withdrawn = _post(mara, f"{API}/{p}/decisions/{b1.pk}/withdraw")
    assert withdrawn.status_code in (200, 409)


def test_answers_for_beats_not_yours_or_unknown_are_refused(
    world, final, client_as, persona_password
):
    rid = request_of(world.mara).pk
    p = world.production.pk
    mara = client_as("mara")
    for answers in ({"b9": "consent"}, {"b1": "yes"}, {"b1": "consent", "x" * 5000: "consent"}):
        body = {
            "answers": answers,
            "password_or_code": persona_password,
            "rider_sha256": shown_rider(world.mara),
        }
        response = _post(mara, f"{API}/{p}/requests/{rid}/decide", body)
        assert response.status_code == 422, answers
        assert "detail" in response.json()
    assert BeatDecision.objects.count() == 0


def test_signing_for_someone_else_by_naming_their_request_fails(
    world, final, client_as, persona_password
):
    # Jonas knows his own password; Mara's request id is still "not found" for him.
    rid = request_of(world.mara).pk
    jonas = client_as("jonas")
    page = jonas.post(
        f"/consent/requests/{rid}/sign/",
        {"answer-b1": "consent", "password_or_code": persona_password},
    )
    assert page.status_code == 404
    assert BeatDecision.objects.count() == 0


def test_a_wrong_password_locks_signing_before_it_can_be_guessed(world, final, client_as):
    rid = request_of(world.mara).pk
    p = world.production.pk
    mara = client_as("mara")
    codes = [
        _post(
            mara,
            f"{API}/{p}/requests/{rid}/decide",
            {
                "answers": {"b1": "consent"},
                "password_or_code": f"guess{i}",
                "rider_sha256": shown_rider(world.mara),
            },
        ).status_code
        for i in range(8)
    ]
    assert codes[0] == 422
    assert 429 in codes


# ---------------------------------------------------------------- junk to every new API route


JUNK = [
    "not json",
    "[]",
    "null",
    '"text"',
    "{}",
    json.dumps({"answers": [], "password_or_code": 5}),
    json.dumps({"answers": {"b1": {"nested": ["x"]}}, "password_or_code": "x"}),
    json.dumps({"answers": {"b1": "consent"}, "reasons": {"b1": ["x"]}, "password_or_code": "x"}),
    json.dumps({"answers": {"b1": "consent"}, "password_or_code": "x" * 200_000}),
    "[" * 5000 + "]" * 5000,
    json.dumps({"deadline": "soon"}),
    json.dumps({"deadline": "99999-01-01T00:00:00"}),
    json.dumps({"call_at": "2026-02-30T10:00"}),
    json.dumps({"call_at": None}),
    json.dumps({"content_base64": "!!!"}),
    json.dumps({"content_base64": ["x"]}),
    json.dumps({"legal_name": "x" * 10_000, "date_of_birth": "1990-01-01"}),
    json.dumps({"legal_name": "A\x00B", "date_of_birth": "0000-01-01"}),
    json.dumps({"performer": "oscar", "cleared": "maybe", "tested_on": "2026-13-01"}),
    json.dumps({"on": "yes"}),
    json.dumps({"notice_hours": -5, "clearance_valid_days": 10**30}),
]


def test_junk_json_to_every_new_api_route_is_a_4xx(world, final, client_as):
    from closedset.compliance.tests.helpers import record_input

    p = world.production.pk
    s = world.scene.pk
    rid = request_of(world.mara).pk
    version = final.plan_version.pk
    from closedset.compliance import services as compliance

    record = compliance.add_record(
        world.cora, world.organisation, "mara", record_input("mara", date(1990, 1, 1))
    )
    routes = [
        ("mara", "post", f"{API}/{p}/requests/{rid}/decide"),
        ("mara", "post", f"{API}/{p}/decisions/1/withdraw"),
        ("ines", "post", f"{API}/{p}/plans/{version}/final"),
        ("cora", "post", f"{CAPI}/{p}/records"),
        ("cora", "put", f"{CAPI}/{p}/records/{record.pk}"),
        ("cora", "put", f"{CAPI}/{p}/records/{record.pk}/document"),
        ("cora", "post", f"{CAPI}/{p}/records/{record.pk}/verify"),
        ("cora", "post", f"{CAPI}/{p}/clearances"),
        ("petra", "put", f"{CAPI}/{p}/scenes/{s}/schedule"),
        ("petra", "put", f"{CAPI}/{p}/hold"),
        ("petra", "put", f"{CAPI}/{p}/settings"),
    ]
    crashes = []
    for who, method, url in routes:
        client = client_as(who)
        for raw in JUNK:
            send = _post if method == "post" else _put
            response = send(client, url, raw=raw)
            if not 400 <= response.status_code < 500:
                if response.status_code == 200 and raw in ("{}",) and url.endswith("verify"):
                    continue
                if response.status_code == 200 and url.endswith(("/final", "/hold")):
                    continue  # an empty or harmless body is a valid request there
                crashes.append((url, raw[:40], response.status_code))
                continue
            if response.status_code != 404:
                detail = response.json().get("detail")
                assert detail, (url, raw[:40])
    assert not crashes


def test_the_public_log_api_answers_bad_sizes_in_words(world, final, client_as):
    from closedset.record.models import Log

    slug = Log.objects.get().slug
    anon = client_as("anonymous")
    assert anon.get(f"{LOG}/{slug}/checkpoint").status_code == 200
    for query in (
        "index=-1&size=1",
        "index=0&size=-1",
        "index=0&size=0",
        "index=0&size=99999999999999999999999999",
        f"index={2**63}&size={2**64}",
        "index=abc&size=1",
        "index=0&size=1e9",
        "index=0",
        "",
    ):
        response = anon.get(f"{LOG}/{slug}/proof/inclusion?{query}")
        assert 400 <= response.status_code < 500, query
        assert response.json().get("detail"), query
    for query in ("from=-1&to=1", "from=5&to=1", "from=0&to=0", f"from=1&to={10**40}", "from=x"):
        response = anon.get(f"{LOG}/{slug}/proof/consistency?{query}")
        assert 400 <= response.status_code < 500, query
    for slug_ in ("x" * 5000, "%00", "..%2F..%2Fetc"):
        assert anon.get(f"{LOG}/{slug_}/key").status_code == 404


# ---------------------------------------------------------------- /verify/


def _receipt(world: Any) -> dict[str, Any]:
    _decide(world, "mara", {"b1": "consent"})
    b1 = BeatDecision.objects.get(beat_id="b1")
    return services.receipt(world.mara, b1.pk)


def test_verify_takes_forged_huge_and_nested_receipts_without_crashing(world, final, client_as):
    anon = client_as("anonymous")
    good = _receipt(world)
    ok = anon.post("/verify/", {"text": json.dumps(good)})
    assert ok.status_code == 200
    assert b"Not valid" not in ok.content
    forged = json.loads(json.dumps(good))
    forged["readable"]["decision"] = "decline"
    other_entry = json.loads(json.dumps(good))
    entry = json.loads(base64.b64decode(other_entry["entry"]))
    entry["type"] = "decline"
    other_entry["entry"] = base64.b64encode(json.dumps(entry).encode()).decode()
    for text in (
        json.dumps(forged),
        json.dumps(other_entry),
        json.dumps({**good, "log_key": "x+y+z"}),
        json.dumps({**good, "proof": ["A" * 10000] * 50}),
        json.dumps({**good, "index": -1}),
        json.dumps({**good, "index": 10**40}),
        "[" * 100_000,
        '{"a":' * 20_000 + "1" + "}" * 20_000,
        "\x00\xff",
        json.dumps(good)[:200],
    ):
        response = anon.post("/verify/", {"text": text})
        assert response.status_code in (200, 413, 422), text[:40]
        assert b'<h2 id="verdict-heading">Valid' not in response.content
    huge = anon.post("/verify/", {"text": "x" * 200_000})
    assert huge.status_code in (413, 422)


def test_hole_verify_shows_forged_beat_words_as_valid(world, final, client_as):
    """HOLE: the readable beat words are not covered by any check, yet the page says "Valid"
    and shows them under a line claiming the check proves the beats. A performer's receipt for
    "slaps your buttocks, lightly" can be edited to read anything and still show Valid."""
    anon = client_as("anonymous")
    good = _receipt(world)
    forged = json.loads(json.dumps(good))
    forged["readable"]["beats"][0]["words"] = "Jonas punches your face, hard"
    response = anon.post("/verify/", {"text": json.dumps(forged)})
    text = response.content.decode()
    shown_as_valid = 'id="verdict-heading">Valid' in text
    assert not (shown_as_valid and "punches your face" in text)


# ---------------------------------------------------------------- who may learn who said no


def test_reason_and_who_declined_appear_on_the_coordinators_board_only(world, final, client_as):
    _decide(world, "mara", {"b1": "consent", "b2": "decline"}, {"b2": REASON})
    p = world.production.pk
    s = world.scene.pk
    board = client_as("ines").get(f"/consent/{p}/scenes/{s}/")
    assert REASON in board.content.decode()
    urls = [
        f"/consent/{p}/scenes/{s}/",
        f"{API}/{p}/scenes/{s}/state",
        f"{API}/{p}/scenes/{s}/board",
        f"/compliance/{p}/",
        f"/compliance/{p}/scenes/{s}/",
        f"{CAPI}/{p}/scenes/{s}/gate",
        reverse("productions:production", args=[p]),
        reverse("notices:list"),
        f"/plans/{p}/scenes/{s}/",
    ]
    for who in ("dario", "petra", "cora", "jonas", "oscar"):
        client = client_as(who)
        for url in urls:
            text = client.get(url).content.decode()
            assert REASON not in text, (who, url)
            lowered = text.lower()
            assert "declined" not in lowered, (who, url)
            assert "withdrawn" not in lowered, (who, url)
    # Mara's own copies: her receipt and her portal never carry the reason either.
    receipt = services.receipt(world.mara, BeatDecision.objects.get(beat_id="b2").pk)
    assert REASON not in json.dumps(receipt)


def test_a_refused_schedule_does_not_name_who_for_the_producer(world, final, client_as):
    from closedset.conftest import without_tokens

    _decide(world, "mara", {"b1": "consent", "b2": "decline"}, {"b2": REASON})
    p = world.production.pk
    s = world.scene.pk
    call = call_on(future_day(3)).isoformat()
    petra = client_as("petra")
    api = _put(petra, f"{CAPI}/{p}/scenes/{s}/schedule", {"call_at": call})
    page = petra.post(f"/compliance/{p}/scenes/{s}/", {"call_at": call[:16]})
    for response in (api, page):
        assert response.status_code in (409, 422)
        text = without_tokens(response.content.decode())
        for leak in ("Mara", "Jonas", REASON, "b2", "declin"):
            assert not re.search(rf"\b{re.escape(leak)}", text), leak
    from closedset.compliance.models import Schedule

    assert not Schedule.objects.exists()


def test_state_and_board_for_outsiders_and_other_productions(world, final, client_as):
    p = world.production.pk
    s = world.scene.pk
    o = world.other_production.pk
    for who in ("oscar", "mara", "cora"):
        client = client_as(who)
        _same(
            client.get(f"{API}/{p}/scenes/{s}/state"),
            client.get(f"{API}/{p}/scenes/{MISSING}/state"),
        )
        _same(
            client.get(f"/consent/{p}/scenes/{s}/"), client.get(f"/consent/{p}/scenes/{MISSING}/")
        )
    # The producer of another production names her own production with our scene.
    oscar = client_as("oscar")
    assert oscar.get(f"{API}/{o}/scenes/{s}/state").status_code == 404
    assert oscar.get(f"/consent/{o}/scenes/{s}/").status_code == 404
    assert _post(oscar, f"{API}/{o}/plans/{final.plan_version.pk}/final").status_code == 404
    for who in ("dario", "petra"):
        assert client_as(who).get(f"{API}/{p}/scenes/{s}/board").status_code == 404
        marked = client_as(who).post(f"/consent/{p}/scenes/{s}/final/", {"number": "1"})
        assert marked.status_code == 404


# ---------------------------------------------------------------- tokens


def _token(user: Any, **options: Any) -> dict[str, str]:
    from closedset.plans.tests.test_attack_proposals import bearer, token

    return bearer(token(user, **options))


def test_a_token_for_another_production_or_read_only_reaches_nothing(
    world, final, persona_password
):
    from closedset.accounts.models import ApiToken
    from closedset.productions.models import Membership

    Membership.objects.create(user=world.mara, production=world.other_production, role="performer")
    rid = request_of(world.mara).pk
    p = world.production.pk
    elsewhere = _token(world.mara, production_id=world.other_production.pk)
    client = Client()
    assert client.get(f"{API}/requests", headers=elsewhere).json() == []
    assert client.get(f"{API}/{p}/requests/{rid}", headers=elsewhere).status_code == 404
    body = json.dumps(
        {
            "answers": {"b1": "consent"},
            "password_or_code": persona_password,
            "rider_sha256": shown_rider(world.mara),
        }
    )
    decide = client.post(
        f"{API}/{p}/requests/{rid}/decide", body, content_type="application/json", headers=elsewhere
    )
    assert decide.status_code == 404
    read_only = _token(world.mara, access=ApiToken.Access.READ)
    decide = client.post(
        f"{API}/{p}/requests/{rid}/decide", body, content_type="application/json", headers=read_only
    )
    assert decide.status_code == 403
    assert BeatDecision.objects.count() == 0
    # A custodian's token for another production reaches no records.
    Membership.objects.create(user=world.cora, production=world.other_production, role="custodian")
    verified_record(world, "mara", date(1990, 1, 1))
    cora_elsewhere = _token(world.cora, production_id=world.other_production.pk)
    assert client.get(f"{CAPI}/{p}/records", headers=cora_elsewhere).status_code in (403, 404)


# ---------------------------------------------------------------- the custodian's records


def test_identity_records_stay_with_their_organisations_custodian(world, client_as):
    from closedset.compliance import services as compliance
    from closedset.productions.models import Membership, OrgMembership

    record = verified_record(world, "mara", date(1990, 1, 1))
    p = world.production.pk
    o = world.other_production.pk
    # Oscar becomes the custodian of Elsewhere Pictures.
    Membership.objects.create(user=world.oscar, production=world.other_production, role="custodian")
    oscar = client_as("oscar")
    for url in (
        f"/compliance/{o}/records/{record.pk}/",
        f"/compliance/{o}/records/{record.pk}/document/",
        f"{CAPI}/{o}/records/{record.pk}",
        f"{CAPI}/{o}/records/{record.pk}/document",
    ):
        assert oscar.get(url).status_code == 404, url
    listed = oscar.get(f"{CAPI}/{o}/records?q=Marianne").json()
    assert listed == []
    assert "Marianne" not in oscar.get(f"/compliance/{o}/records/?q=Mar").content.decode()
    for url in (f"/compliance/{p}/records/{record.pk}/", f"{CAPI}/{p}/records/{record.pk}"):
        assert oscar.get(url).status_code == 404, url
    # Mara's handle is in Elsewhere? Only if she is a member: a record for her is refused.
    assert oscar.post(
        f"{CAPI}/{o}/records",
        json.dumps({"performer": "mara", "legal_name": "X"}),
        content_type="application/json",
    ).status_code in (404, 422)
    # Performers, director, producer, coordinator: never the record's words.
    OrgMembership.objects.get_or_create(user=world.oscar, organisation=world.organisation)
    for who in ("mara", "jonas", "dario", "petra", "ines"):
        client = client_as(who)
        for url in (
            f"/compliance/{p}/records/",
            f"/compliance/{p}/records/{record.pk}/",
            f"/compliance/{p}/records/{record.pk}/document/",
            f"{CAPI}/{p}/records",
            f"{CAPI}/{p}/records/{record.pk}",
            f"{CAPI}/{p}/records/{record.pk}/document",
        ):
            response = client.get(url)
            assert response.status_code in (403, 404), (who, url)
            assert "Marianne" not in response.content.decode(), (who, url)
    assert compliance.is_custodian(world.cora, world.organisation)


def test_document_uploads_only_take_real_images_and_pdfs(world, client_as):
    from closedset.compliance import services as compliance
    from closedset.compliance.tests.helpers import record_input

    record = compliance.add_record(
        world.cora, world.organisation, "mara", record_input("mara", date(1990, 1, 1))
    )
    p = world.production.pk
    cora = client_as("cora")
    url = f"{CAPI}/{p}/records/{record.pk}/document"
    for content in (
        b"<html><script>alert(1)</script></html>",
        b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
        b"GIF89a<script>",
        b"",
        b"%PDF" + b"-" * 0,
        PNG[:4],
    ):
        body = {"content_base64": base64.b64encode(content).decode()}
        response = _put(cora, url, body)
        assert response.status_code == 422, content[:10]
    huge = {"content_base64": base64.b64encode(PNG + b"\0" * (2 * 1024 * 1024)).decode()}
    assert 400 <= _put(cora, url, huge).status_code < 500
    # A polyglot (PNG magic then HTML) is served as an image, never sniffed, never cached.
    polyglot = PNG + b"<html><script>alert(1)</script></html>"
    body = {"content_base64": base64.b64encode(polyglot).decode()}
    assert _put(cora, url, body).status_code == 200
    page = cora.get(f"/compliance/{p}/records/{record.pk}/document/")
    assert page["Content-Type"] == "image/png"
    assert page["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in page["Cache-Control"]
    assert "attachment" in page["Content-Disposition"] or page["Content-Security-Policy"]


# ---------------------------------------------------------------- the gate


def test_the_gate_cannot_be_passed_through_the_api_or_a_hold(world, client_as):
    from closedset.compliance import services as compliance
    from closedset.compliance.models import Schedule
    from closedset.compliance.tests.helpers import withdraw_one

    ready_scene(world)
    p = world.production.pk
    s = world.scene.pk
    call = call_on(future_day(3)).isoformat()
    petra = client_as("petra")
    compliance.set_hold(world.petra, world.production, on=True)
    held = _put(petra, f"{CAPI}/{p}/scenes/{s}/schedule", {"call_at": call})
    assert held.status_code == 409
    assert not Schedule.objects.exists()
    compliance.set_hold(world.petra, world.production, on=False)
    # The director may not schedule, even when the gate would pass.
    dario = _put(client_as("dario"), f"{CAPI}/{p}/scenes/{s}/schedule", {"call_at": call})
    assert dario.status_code in (403, 404)
    assert not Schedule.objects.exists()
    assert _put(petra, f"{CAPI}/{p}/scenes/{s}/schedule", {"call_at": call}).status_code == 200
    # A withdrawal after scheduling: the scene cannot start.
    assert withdraw_one(world, "mara")
    from closedset.compliance.tests.helpers import call_on as on

    assert not compliance.may_start(world.scene, on(future_day(3)))
    # A performer schedules through the page: refused.
    mara = client_as("mara")
    assert mara.post(f"/compliance/{p}/scenes/{s}/", {"call_at": call[:16]}).status_code in (
        403,
        404,
    )


# ---------------------------------------------------------------- the log


def test_no_name_beat_id_scene_number_or_reason_reaches_a_log_entry(world, client_as):
    from closedset.compliance.tests.helpers import withdraw_one
    from closedset.record.models import LogEntry

    plan = {
        "scene": "12B",
        "cast": {"A": "mara", "B": "jonas"},
        "beats": [
            {"id": "kiss-mara", "act": "slap", "by": "B", "to": "A", "zone": "buttocks"},
            {"id": "b2", "act": "slap", "by": "B", "to": "A", "zone": "thighs"},
        ],
    }
    services.mark_final(world.ines, save_version(world, plan))
    _decide(world, "mara", {"kiss-mara": "consent", "b2": "decline"}, {"b2": REASON})
    withdraw_one(world, "mara")
    ready = LogEntry.objects.all()
    assert ready.count() >= 3
    for entry in ready:
        data = bytes(entry.data).decode("utf-8", "replace")
        for leak in (
            "kiss-mara",
            "Mara",
            "mara",
            "Jonas",
            "Harbour",
            "Northlight",
            "12B",
            "boathouse",
            REASON,
            "example.org",
        ):
            assert leak not in data, (leak, data)


# ---------------------------------------------------------------- CSRF on every POST page


def test_every_new_post_page_needs_the_csrf_token(world, final, client_as):
    from closedset.conftest import verified_client

    _decide(world, "mara", {"b1": "consent"})
    record = verified_record(world, "jonas", date(1990, 1, 1))
    did = BeatDecision.objects.get(beat_id="b1").pk
    rid = request_of(world.mara).pk
    p = world.production.pk
    s = world.scene.pk

    def strict(who: str) -> Client:
        client = verified_client(world.users[who])
        client.handler.enforce_csrf_checks = True
        return client

    posts = [
        ("mara", f"/consent/requests/{rid}/", {"answer-b2": "consent"}),
        ("mara", f"/consent/requests/{rid}/sign/", {"answer-b2": "consent"}),
        ("mara", f"/consent/decisions/{did}/withdraw/", {}),
        ("ines", f"/consent/{p}/scenes/{s}/final/", {"number": "1"}),
        ("cora", f"/compliance/{p}/records/new/", {"legal_name": "X"}),
        ("cora", f"/compliance/{p}/records/{record.pk}/", {"legal_name": "X"}),
        ("cora", f"/compliance/{p}/records/{record.pk}/verify/", {}),
        ("cora", f"/compliance/{p}/clearances/", {"performer": "mara", "cleared": "on"}),
        ("petra", f"/compliance/{p}/scenes/{s}/", {"call_at": "2030-01-01T09:00"}),
        ("petra", f"/compliance/{p}/hold/", {"on": "yes"}),
        ("petra", f"/compliance/{p}/settings/", {"notice_hours": "1"}),
        ("ines", f"/rider/{p}/{s}/mara/", {"film": "on"}),
    ]
    for who, url, data in posts:
        assert strict(who).post(url, data).status_code == 403, url
    anon = Client(enforce_csrf_checks=True)
    assert anon.post("/verify/", {"text": "{}"}).status_code == 403
    assert BeatDecision.objects.get(pk=did).withdrawn_at is None
    assert ConsentRequest.objects.filter(performer=world.mara).count() == 1


# ---------------------------------------------------------------- holes: dates that crash


def test_hole_marking_final_with_a_deadline_without_time_zone_is_a_4xx(world, version, client_as):
    """HOLE: POST /api/v1/consent/{p}/plans/{id}/final with {"deadline": "2030-01-01T10:00:00"}
    (no offset) compares a naive with an aware datetime in consent.services.mark_final: 500."""
    ines = client_as("ines")
    ines.raise_request_exception = False
    p = world.production.pk
    response = _post(
        ines, f"{API}/{p}/plans/{version.pk}/final", {"deadline": "2030-01-01T10:00:00"}
    )
    assert response.status_code in (200, 422)
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("deadline", ["9999-12-31T23:59:00-14:00", "9999-12-31T23:59:59"])
def test_hole_a_deadline_at_the_end_of_time_is_a_4xx(world, version, client_as, deadline):
    """HOLE: a deadline that overflows when turned into UTC (year 9999, -14:00) is a 500 from
    the board page and the API (OverflowError in consent.services.mark_final / saving it)."""
    ines = client_as("ines")
    ines.raise_request_exception = False
    p = world.production.pk
    s = world.scene.pk
    api = _post(ines, f"{API}/{p}/plans/{version.pk}/final", {"deadline": deadline})
    assert 400 <= api.status_code < 500, api.status_code
    page = ines.post(f"/consent/{p}/scenes/{s}/final/", {"number": "1", "deadline": deadline})
    assert page.status_code in (302, 422), page.status_code


def test_hole_a_call_time_at_the_end_of_time_is_a_4xx(world, client_as):
    """HOLE: PUT .../schedule {"call_at": "9999-12-31T23:59:00-14:00"} (and the scene page's
    form) overflow in compliance.services.schedule (timezone.localdate / comparison): 500."""
    p = world.production.pk
    s = world.scene.pk
    petra = client_as("petra")
    petra.raise_request_exception = False
    call = "9999-12-31T23:59:00-14:00"
    api = _put(petra, f"{CAPI}/{p}/scenes/{s}/schedule", {"call_at": call})
    assert 400 <= api.status_code < 500, api.status_code
    page = petra.post(f"/compliance/{p}/scenes/{s}/", {"call_at": call})
    assert 400 <= page.status_code < 500, page.status_code


# ---------------------------------------------------------------- who said no: a differential


def _crew_surfaces(world: Any) -> list[str]:
    p = world.production.pk
    s = world.scene.pk
    return [
        f"/consent/{p}/scenes/{s}/",
        f"{API}/{p}/scenes/{s}/state",
        f"/compliance/{p}/",
        f"/compliance/{p}/scenes/{s}/",
        f"{CAPI}/{p}/scenes/{s}/gate",
        reverse("productions:production", args=[p]),
        reverse("productions:home"),
        f"/plans/{p}/",
        f"/plans/{p}/scenes/{s}/",
        f"/plans/{p}/scenes/{s}/versions/",
        reverse("notices:list"),
    ]


def _snapshot(world: Any, client_as: Any, who: str) -> dict[str, tuple[int, bytes]]:
    client = client_as(who)
    shots = {}
    for url in _crew_surfaces(world):
        response = client.get(url)
        shots[url] = (response.status_code, _VOLATILE.sub(b"", response.content))
    return shots


def test_the_crew_cannot_tell_who_said_no_or_to_which_beat(world, final, client_as):
    """Mara declines b2 (Jonas agrees to all), versus Jonas withdrawing b1 (Mara agrees to
    all): for the director, producer and custodian every page reads the same."""
    from closedset.consent.models import BeatDecision as D

    _decide(world, "jonas", {"b1": "consent", "b2": "consent"})
    _decide(world, "mara", {"b1": "consent", "b2": "decline"}, {"b2": REASON})
    before = {who: _snapshot(world, client_as, who) for who in ("dario", "petra", "cora")}
    services.withdraw(world.mara, D.objects.get(request__performer=world.mara, beat_id="b2").pk)
    _decide(world, "mara", {"b2": "consent"})
    services.withdraw(world.jonas, D.objects.get(request__performer=world.jonas, beat_id="b1").pk)
    assert services.scene_consent_state(world.scene) == services.NOT_AGREED
    after = {who: _snapshot(world, client_as, who) for who in ("dario", "petra", "cora")}
    for who in before:
        for url in before[who]:
            assert before[who][url] == after[who][url], (who, url)


def test_hole_changing_the_rider_after_signing_keeps_the_old_consent(world, final, client_as):
    """HOLE: the performer signs the rider as part of consent (its SHA-256 is in the entry),
    but rider.services.save_terms changes footage use, closed set or pay afterwards without
    voiding anything: the scene still reads "agreed" and the gate passes against a rider the
    performer never saw. A changed rider must ask the performer again."""
    from closedset.rider import services as rider

    _decide(world, "mara", {"b1": "consent", "b2": "consent"})
    _decide(world, "jonas", {"b1": "consent", "b2": "consent"})
    assert services.scene_consent_state(world.scene) == services.AGREED
    signed = BeatDecision.objects.filter(request__performer=world.mara).first()
    assert signed is not None
    terms = {"use_film": "on", "use_trailer": "on", "use_stills": "on", "use_promotion": "on"}
    rider.save_terms(world.ines, world.production.pk, world.scene.pk, "mara", terms)
    page = rider.rider_page(world.ines, world.production.pk, world.scene.pk, "mara")
    assert page.rider is not None
    signed_hash = signed.request.events.filter(kind="consented").first().rider_sha256
    assert page.rider.sha256 != signed_hash  # the rider did change
    assert services.scene_consent_state(world.scene) == services.NOT_AGREED


def test_markup_in_names_and_rider_terms_is_escaped_everywhere(world, final, client_as):
    from closedset.rider import services as rider

    evil = "<script>alert(1)</script>"
    world.jonas.display_name = evil
    world.jonas.save(update_fields=["display_name"])
    world.production.name = evil
    world.production.save(update_fields=["name"])
    rider.save_terms(
        world.ines,
        world.production.pk,
        world.scene.pk,
        "mara",
        {"other_terms": evil, "pay": evil, "body_double": evil},
    )
    _decide(world, "mara", {"b1": "consent"})
    rid = request_of(world.mara).pk
    did = BeatDecision.objects.get(beat_id="b1").pk
    p = world.production.pk
    s = world.scene.pk
    for who, url in [
        ("mara", f"/consent/requests/{rid}/"),
        ("mara", "/consent/"),
        ("mara", f"/rider/{p}/{s}/mara/"),
        ("ines", f"/consent/{p}/scenes/{s}/"),
        ("ines", f"/rider/{p}/{s}/mara/"),
        ("dario", f"/consent/{p}/scenes/{s}/"),
    ]:
        response = client_as(who).get(url)
        assert response.status_code == 200, url
        assert evil.encode() not in response.content, (who, url)
    receipt = json.dumps(services.receipt(world.mara, did))
    checked = client_as("anonymous").post("/verify/", {"text": receipt})
    assert evil.encode() not in checked.content


def test_the_record_page_refuses_markup_and_huge_copies(world, client_as, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from closedset.compliance.models import IdentityRecord

    p = world.production.pk
    cora = client_as("cora")
    fields = {
        "performer": "mara",
        "legal_name": "Marianne Kowalczyk",
        "date_of_birth": "1990-01-01",
        "other_names": "",
        "document_type": "passport",
        "document_number": "X1",
        "document_issuer": "Poland",
        "document_expiry": "2035-01-01",
    }
    for name, content, kind in (
        ("id.png", b"<html><script>alert(1)</script>", "image/png"),
        ("id.svg", b"<svg onload='alert(1)'/>", "image/svg+xml"),
        ("id.pdf", b"%PDF-" + b"0" * (2 * 1024 * 1024), "application/pdf"),
    ):
        upload = SimpleUploadedFile(name, content, content_type=kind)
        response = cora.post(f"/compliance/{p}/records/new/", {**fields, "document": upload})
        assert response.status_code in (413, 422), name
    assert not IdentityRecord.objects.exists()


def test_the_performer_never_sees_their_reason_echoed_outside_the_board(world, final, client_as):
    _decide(world, "mara", {"b1": "consent", "b2": "decline"}, {"b2": REASON})
    mara = client_as("mara")
    rid = request_of(world.mara).pk
    p = world.production.pk
    for url in (
        "/consent/",
        f"/consent/requests/{rid}/",
        f"{API}/requests",
        f"{API}/{p}/requests/{rid}",
    ):
        assert REASON not in mara.get(url).content.decode(), url
    for who in ("ines", "dario", "petra", "jonas"):
        assert REASON not in client_as(who).get(reverse("notices:list")).content.decode()


def test_hole_scheduling_inside_the_notice_window_leaves_the_final_unflagged(world, client_as):
    """HOLE (notice rule): the plan is marked final with no call time, so it is not late; the
    producer then schedules the call two hours later. The final was final two hours, not one
    day, before call (domain.md 6), yet nothing refuses it and nothing flags it late: the late
    flag is only computed in consent.services.mark_final, never when the call time is set."""
    from datetime import timedelta

    from django.utils import timezone

    from closedset.compliance import services as compliance

    ready_scene(world)
    compliance.schedule(world.petra, world.scene, timezone.now() + timedelta(hours=2))
    final = services.current_final(world.scene)
    assert final is not None
    assert final.late
    board = client_as("ines").get(f"/consent/{world.production.pk}/scenes/{world.scene.pk}/")
    assert b"late" in board.content.lower()


def test_hole_a_newer_unfinal_version_drops_a_final_performer_from_the_age_gate(world):
    """HOLE (age gate): final version 1 casts Mara and Jonas and both consent; only Jonas has
    a verified record and a clearance. The coordinator then saves version 2 (not final) that
    casts Jonas alone. compliance.services.cast_performers reads the working plan and the
    latest saved version, not the final one that consent covers and the shoot follows, so
    the gate checks Jonas only and schedules a final plan with an unverified Mara in it."""
    from closedset.compliance import services as compliance
    from closedset.compliance.models import Schedule
    from closedset.compliance.tests.helpers import (
        KISS_PLAN,
        clear,
        consent_all,
        mark_final,
        plan_scene,
    )

    mark_final(world, plan_scene(world, KISS_PLAN))
    consent_all(world)
    verified_record(world, "jonas", date(1990, 1, 1))
    clear(world, "jonas", future_day(0))
    solo = {
        "scene": "12B",
        "cast": {"B": "jonas"},
        "beats": [{"id": "b1", "act": "kiss", "by": "B", "to": "B", "zone": "mouth"}],
    }
    try:
        plan_scene(world, solo)
    except Exception:  # noqa: BLE001 - the plan may refuse a solo kiss; try nudity
        solo["beats"] = [{"id": "b1", "act": "nudity-topless", "by": "B"}]
        plan_scene(world, solo)
    final = services.current_final(world.scene)
    assert final is not None and "mara" in final.plan_version.data["cast"].values()
    refused = None
    try:
        compliance.schedule(world.petra, world.scene, call_on(future_day(3)))
    except compliance.GateClosed as error:
        refused = error
    assert refused is not None
    assert not Schedule.objects.exists()


# ---------------------------------------------------------------- a done answer stays done


def test_a_notice_that_fails_after_the_commit_never_reports_a_done_answer_as_failed(
    world, final, monkeypatch, django_capture_on_commit_callbacks
):
    # Declines and withdrawals tell the coordinator after they commit (a slow mail must not
    # hold a withdrawal back from the console). If telling fails then, the performer is not
    # shown an error for an answer that was given: trying again would only meet "closed".
    from django.db import OperationalError

    told: list[str] = []

    def busy(*_args: Any, **kwargs: Any) -> None:
        told.append(str(kwargs.get("subject", "")))
        raise OperationalError("database is locked")

    monkeypatch.setattr("closedset.notices.services.notify", busy)
    with django_capture_on_commit_callbacks(execute=True):
        made = _decide(world, "mara", {"b1": "consent", "b2": "decline"})
    assert {d.beat_id: d.decision for d in made} == {"b1": "consent", "b2": "decline"}
    consented = next(d for d in made if d.decision == "consent")
    with django_capture_on_commit_callbacks(execute=True):
        withdrawn = services.withdraw(world.mara, consented.pk)
    assert withdrawn.withdrawn_at is not None
    assert BeatDecision.objects.get(pk=consented.pk).withdrawn_at is not None
    # Both tells were tried (and failed) after their commits.
    assert len(told) >= 2 and any("declined" in s for s in told)
    assert any("withdrew" in s for s in told)
