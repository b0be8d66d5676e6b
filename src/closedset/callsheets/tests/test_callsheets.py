"""The closed-set call sheet: what it says, what it never says, who gets it."""

from __future__ import annotations

import re
import subprocess
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from closedset.conftest import PERSONA_PASSWORD
from closedset.plans.tests.scenario import JONAS, MARA, PLAN

DAY_OFFSET = 10
NOTE = MARA["boundaries"][0]["note"]
REASON = "not after the long night shoot"


def _pdf_text(pdf: bytes, tmp_path: Path, name: str = "sheet") -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _fonts(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdffonts", str(path)], check=True, capture_output=True, text=True
    ).stdout


def _call(day: Any, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


@pytest.fixture
def shoot(world: Any, settings: Any) -> Any:
    """Scene 12B (the slap plan, final): Mara consented to every beat, Jonas declined one
    with a reason; both shared their boundary profiles. 12B is called at nine on the shoot
    day, scene 14 (no plan, nothing intimate) at two. Ines named two people for the closed
    set and wrote the checklists; her phone is set."""
    from closedset.boundaries import services as boundaries
    from closedset.callsheets import services
    from closedset.compliance.models import Schedule
    from closedset.compliance.tests.helpers import fast_passwords, mark_final, plan_scene
    from closedset.consent import services as consent
    from closedset.consent.models import ConsentRequest
    from closedset.onset import day as onset_day
    from closedset.productions.models import Scene

    fast_passwords(world, settings)
    for user, data in ((world.mara, MARA), (world.jonas, JONAS)):
        boundaries.replace_profile(user, data)
        boundaries.share(user, world.production.pk)
    version = plan_scene(world, PLAN)
    final = mark_final(world, version)
    for handle, answers, reasons in (
        ("mara", {"b1": "consent", "b2": "consent"}, None),
        ("jonas", {"b1": "consent", "b2": "decline"}, {"b2": REASON}),
    ):
        user = world.users[handle]
        request = ConsentRequest.objects.get(final=final, performer=user)
        mine = consent.beat_ids_for(final.plan_version.data, handle)
        consent.decide(
            user,
            request.pk,
            {b: a for b, a in answers.items() if b in mine},
            {b: r for b, r in (reasons or {}).items() if b in mine},
            password_or_code=PERSONA_PASSWORD,
        )
    day = timezone.localdate() + timedelta(days=DAY_OFFSET)
    Schedule.objects.create(scene=world.scene, call_at=_call(day, 9))
    plain = Scene.objects.create(production=world.production, number="14", title="The ferry")
    Schedule.objects.create(scene=plain, call_at=_call(day, 14))
    ids = (world.production.pk, world.scene.pk)
    onset_day.add_to_roster(world.ines, *ids, day, "Sam Okafor", "camera operator")
    onset_day.add_to_roster(world.ines, *ids, day, "Lenka Dvořáková", "boom operator")
    onset_day.add_check(world.ines, *ids, day, "mara", "garment", "nude-colour thong")
    onset_day.add_check(world.ines, *ids, day, "jonas", "garment", "")
    onset_day.add_check(world.ines, *ids, day, "mara", "barrier", "hip pad")
    onset_day.add_check(world.ines, *ids, day, "jonas", "barrier", "hip pad")
    onset_day.add_check(world.ines, *ids, day, "mara", "robe", "")
    onset_day.add_check(world.ines, *ids, day, "jonas", "robe", "")
    onset_day.add_check(world.ines, *ids, day, "mara", "water", "")
    onset_day.add_check(world.ines, *ids, day, "mara", "other", "ask about the left ear")
    services.set_phone(world.ines, world.production.pk, "+420 601 234 567")
    return day


def _url(world: Any, day: Any, lang: str = "") -> str:
    url = f"/callsheet/{world.production.pk}/{day:%Y-%m-%d}.pdf"
    return url + (f"?lang={lang}" if lang else "")


def _boundary_words(lang: str) -> list[str]:
    """Every word of the plan, the consent and the profiles that must never be on the sheet."""
    from closedset.core.taxonomy import load_taxonomy

    words = [NOTE, REASON, "left ear", "b1", "b2", "slap", "buttocks", "face", "decline"]
    for taxonomy in (load_taxonomy(), load_taxonomy(lang=lang)):
        act = taxonomy.acts["slap"]
        words += [act.label, act.gloss]
        words += [taxonomy.zones[z].label for z in ("buttocks", "face")]
    return words


def _assert_no_boundary_detail(text: str, lang: str = "en") -> None:
    folded = " ".join(text.split()).lower()
    for word in _boundary_words(lang):
        assert not re.search(rf"\b{re.escape(word.lower())}\b", folded), word


def test_the_sheet_says_what_the_crew_needs(
    world: Any, shoot: Any, client_as: Any, tmp_path: Path
) -> None:
    response = client_as("ines").get(_url(world, shoot))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    text = _pdf_text(response.content, tmp_path)
    flat = " ".join(text.split())
    assert "Closed-set call sheet" in flat
    assert "Harbour Lights" in flat
    # The roster, with the jobs, Czech letters intact.
    assert "Sam Okafor" in flat and "camera operator" in flat
    assert "Lenka Dvořáková" in flat
    # The coordinator and her phone.
    assert "Ines" in flat and "+420 601 234 567" in flat
    # What is needed: counted per scene, never whose.
    assert "nude-colour thong" in flat and "modesty garment" in flat
    assert "hip pad × 2" in flat
    assert re.search(r"Robes\s+2", flat)
    # The rules of a closed set.
    for rule in ("No personal devices", "No stills", "Monitors restricted"):
        assert rule in flat
    # 12B is a closed set, 14 is not.
    assert re.search(r"09:00\s+12B, The boathouse\s+CLOSED SET", flat)
    assert re.search(r"14:00\s+14, The ferry\s+OPEN SET", flat)
    assert "Scene 12B" in flat and "Scene 14 " not in flat
    # Per performer: Mara signed, Jonas did not (one beat declined); both told in time.
    assert re.search(r"Mara\s+yes\s+yes", flat)
    assert re.search(r"Jonas\s+not yet\s+yes", flat)
    assert "Notice met (24 hours)" in flat
    # The coordinator's own "other" line never reaches the sheet.
    _assert_no_boundary_detail(text)


def test_no_boundary_detail_whatever_the_reader(
    world: Any, shoot: Any, client_as: Any, tmp_path: Path
) -> None:
    for who in ("ines", "dario", "petra"):
        response = client_as(who).get(_url(world, shoot))
        assert response.status_code == 200, who
        _assert_no_boundary_detail(_pdf_text(response.content, tmp_path, who))


def test_notice_not_met_and_no_consent_yet(world: Any, client_as: Any, tmp_path: Path) -> None:
    """A final version made three hours before call: the notice is not met for anyone, and
    nobody has signed yet."""
    from closedset.compliance.models import Schedule
    from closedset.compliance.tests.helpers import mark_final, plan_scene

    mark_final(world, plan_scene(world, PLAN))
    call_at = timezone.now() + timedelta(hours=3)
    Schedule.objects.create(scene=world.scene, call_at=call_at)
    day = timezone.localdate(call_at)
    response = client_as("ines").get(_url(world, day))
    flat = " ".join(_pdf_text(response.content, tmp_path).split())
    assert re.search(r"Mara\s+not yet\s+no", flat)
    assert re.search(r"Jonas\s+not yet\s+no", flat)
    # No phone set: crew ask the production office.
    assert "Phone: ask the production office" in flat
    # Nobody named yet: the sheet says who may be there meanwhile.
    assert "No one is named yet" in flat


def test_czech_sheet_has_czech_words_and_embedded_fonts(
    world: Any, shoot: Any, client_as: Any, tmp_path: Path
) -> None:
    response = client_as("ines").get(_url(world, shoot, "cs"))
    assert response.status_code == 200
    text = _pdf_text(response.content, tmp_path)
    flat = " ".join(text.split())
    assert "Uzavřený plac" in flat or "UZAVŘENÝ PLAC" in flat
    assert "Žádná osobní zařízení" in flat
    assert "Lenka Dvořáková" in flat
    _assert_no_boundary_detail(text, "cs")
    fonts = _fonts(response.content, tmp_path)
    rows = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all("DejaVu" in row for row in rows), fonts
    # Every font is embedded (the "emb" column).
    assert all(row.split()[-5] == "yes" for row in rows), fonts


def test_hungarian_and_spanish_sheets(
    world: Any, shoot: Any, client_as: Any, tmp_path: Path
) -> None:
    for lang, word in (("hu", "Zárt forgatás"), ("es", "Set cerrado")):
        response = client_as("petra").get(_url(world, shoot, lang))
        flat = " ".join(_pdf_text(response.content, tmp_path, lang).split())
        assert word.upper() in flat or word in flat, lang
        _assert_no_boundary_detail(flat, lang)


@pytest.mark.parametrize("who", ["anonymous", "oscar", "mara", "jonas", "cora"])
def test_others_find_nothing(world: Any, shoot: Any, client_as: Any, who: str) -> None:
    client = client_as(who)
    for url in (
        f"/callsheet/{world.production.pk}/",
        _url(world, shoot),
        f"/callsheet/{world.production.pk}/not-a-day.pdf",
    ):
        response = client.get(url)
        if who == "anonymous":
            assert response.status_code == 302 and "/login/" in response["Location"]
        else:
            assert response.status_code == 404, (who, url)
            assert b"%PDF" not in response.content[:10]


@pytest.mark.parametrize("who", ["ines", "dario", "petra"])
def test_readers_see_the_page(world: Any, shoot: Any, client_as: Any, who: str) -> None:
    response = client_as(who).get(f"/callsheet/{world.production.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert _url(world, shoot) in body
    assert "lang=cs" in body  # the print-language links
    assert "+420 601 234 567" in body
    assert ('name="phone"' in body) == (who == "ines")
    _assert_no_boundary_detail(body.split("<main", 1)[-1])


@pytest.mark.parametrize(
    "day", ["not-a-day", "2026-02-30", "26-11-2026", "2026-13-01", "9999999999-01-01"]
)
def test_a_bad_date_is_a_plain_message(world: Any, client_as: Any, day: str) -> None:
    response = client_as("ines").get(f"/callsheet/{world.production.pk}/{day}.pdf")
    assert response.status_code == 422
    assert "does not name a day" in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_a_day_with_nothing_called(world: Any, client_as: Any) -> None:
    response = client_as("dario").get(f"/callsheet/{world.production.pk}/2026-01-05.pdf")
    assert response.status_code == 404
    assert "no call sheet for that day" in response.content.decode()


def test_a_coordinator_sets_and_clears_her_phone(world: Any, client_as: Any) -> None:
    from closedset.callsheets.models import CoordinatorPhone

    client = client_as("ines")
    url = f"/callsheet/{world.production.pk}/"
    response = client.post(url, {"phone": "+36 1 234 5678"})
    assert response.status_code == 302
    assert CoordinatorPhone.objects.get(coordinator=world.ines).phone == "+36 1 234 5678"
    response = client.post(url, {"phone": "call me maybe <script>"})
    assert response.status_code == 422
    assert "digits, spaces" in response.content.decode()
    assert CoordinatorPhone.objects.get(coordinator=world.ines).phone == "+36 1 234 5678"
    assert client.post(url, {"phone": ""}).status_code == 302
    assert CoordinatorPhone.objects.get(coordinator=world.ines).phone == ""
    # The producer and the director read the page but do not set a coordinator's phone.
    assert client_as("petra").post(url, {"phone": "+1 555 0100"}).status_code == 403
    assert client_as("dario").post(url, {"phone": "+1 555 0100"}).status_code == 403


def test_the_production_page_door(world: Any) -> None:
    from closedset.callsheets.links import doors

    for who in ("ines", "dario", "petra"):
        assert [d.url for d in doors(world.users[who], world.production)] == [
            f"/callsheet/{world.production.pk}/"
        ]
    for who in ("mara", "jonas", "cora", "oscar"):
        assert doors(world.users[who], world.production) == []


def test_a_scene_without_beats_is_not_intimate(world: Any) -> None:
    from closedset.callsheets.services import is_intimate
    from closedset.compliance.tests.helpers import plan_scene

    assert not is_intimate(world.scene, None)
    plan_scene(world, PLAN)
    assert is_intimate(world.scene, None)
