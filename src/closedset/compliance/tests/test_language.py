"""A performer's yes / not yet in her own language (issue 11): the scene page and her part of
the overview; in English they read exactly as before. Staff sections may stay English."""

from __future__ import annotations

import json

import pytest

from closedset.compliance import services
from closedset.compliance.tests.helpers import call_on, future_day, ready_scene
from closedset.conftest import speaks

pytestmark = pytest.mark.django_db

# (English source, Czech) pairs a performer reads.
SCENE = [
    ("Scene 12B", "Scéna 12B"),
    ("Everyone you work with is cleared for the shoot date:", "mají na den natáčení platný test"),
    ("You see yes or not yet only", "Vidíš jen ano nebo zatím ne"),
    ("Back to your scene", "Zpět na tvoji scénu"),
]
NOT_SCHEDULED = [
    ("<strong>not yet</strong>", "<strong>zatím ne</strong>"),
    ("The shoot date is not set yet", "Den natáčení zatím není stanovený"),
]
SCHEDULED = [("<strong>yes</strong>", "<strong>ano</strong>")]
OVERVIEW = [
    ("Compliance: ", "Soulad s předpisy: "),
    ("Only the custodian of records can see identity records.", "Doklady totožnosti vidí jen"),
    ("Your scenes", "Tvoje scény"),
    ("everyone you work with is cleared for the shoot date:", "mají na den natáčení platný test"),
    ("<strong>yes</strong>", "<strong>ano</strong>"),
]


def assert_in(page: str, pairs: list[tuple[str, str]], *, czech: bool) -> None:
    for english, cs in pairs:
        shown, hidden = (cs, english) if czech else (english, cs)
        assert shown in page, shown
        assert hidden not in page, hidden


@pytest.mark.parametrize("language", ["cs", "en"])
def test_the_performers_pages(world, client_as, language):
    ready_scene(world)
    czech = language == "cs"
    mara = client_as(speaks(world.mara, language))
    scene = f"/compliance/{world.production.pk}/scenes/{world.scene.pk}/"
    assert_in(mara.get(scene).content.decode(), SCENE + NOT_SCHEDULED, czech=czech)
    services.schedule(world.ines, world.scene, call_on(future_day(3)))
    assert_in(mara.get(scene).content.decode(), SCENE + SCHEDULED, czech=czech)
    overview = mara.get(f"/compliance/{world.production.pk}/").content.decode()
    assert_in(overview, OVERVIEW, czech=czech)


def test_not_cast_is_said_in_her_language(world, client_as):
    ready_scene(world)
    from closedset.productions.models import Scene

    other = Scene.objects.create(production=world.production, number="14")
    api = client_as(speaks(world.mara, "cs"))
    answer = api.get(f"/api/v1/compliance/{world.production.pk}/scenes/{other.pk}/co-performers")
    assert answer.status_code == 404
    assert json.loads(answer.content)["detail"] == "V této scéně nemáš roli."


# --- the custodian's and the coordinator's pages (staff) ------------------------------------

RECORDS = [
    ("Identity records", "Záznamy o totožnosti"),
    ("Only you, the custodian of records, can see these.", "Tohle vidíš jen ty jako správce"),
    ("Find by any name, or by production", "Hledat podle jakéhokoli jména"),
    ("Add a record", "Přidat záznam"),
]
RECORD = [
    ("Record of Mara", "Záznam: Mara"),
    ("Verified by Cora on", "ověřil/a Cora"),
    ("See the copy of the document", "Zobrazit kopii dokladu"),
    ("Legal name", "Úřední jméno"),
    ("Back to the records", "Zpět na záznamy"),
]
CLEARANCES = [
    ("Test clearances", "Výsledky testů"),
    ("Clearance: valid today.", "Test: dnes platný."),
    ("Record a clearance", "Zapsat výsledek testu"),
    ("Result as the clearance service reports it", "Výsledek tak, jak ho hlásí testovací"),
    (": cleared (recorded ", ": v pořádku (zapsáno "),
]
GATE = [
    ("Scene 12B: The boathouse: can it be shot?", "Scéna 12B: The boathouse: dá se natáčet?"),
    ("Not scheduled yet.", "Zatím nenaplánováno."),
    ("<strong>cleared</strong>", "<strong>připraveno k natáčení</strong>"),
    ("The scene can be scheduled only for a day the gate passes", "Scénu jde naplánovat jen"),
    ("Call time", "Čas srazu"),
    ("Back to compliance", "Zpět na soulad s předpisy"),
]
CLOSED_GATE = [
    ("What to do next", "Co dál"),
    ("A production hold is on", "Produkce je pozastavená"),
    ("Open the consent board", "Otevři přehled souhlasů"),
]


@pytest.mark.parametrize("language", ["cs", "en"])
def test_the_custodians_pages(world, client_as, language):
    from closedset.compliance.models import IdentityRecord

    ready_scene(world)
    czech = language == "cs"
    cora = client_as(speaks(world.cora, language))
    base = f"/compliance/{world.production.pk}"
    assert_in(cora.get(f"{base}/records/").content.decode(), RECORDS, czech=czech)
    record = IdentityRecord.objects.get(performer=world.mara)
    assert_in(cora.get(f"{base}/records/{record.pk}/").content.decode(), RECORD, czech=czech)
    assert_in(cora.get(f"{base}/clearances/").content.decode(), CLEARANCES, czech=czech)
    # A refused form speaks her language too.
    refused = cora.post(f"{base}/clearances/", {"performer": "mara", "cleared": "yes"})
    message = "Napiš den, kdy test proběhl." if czech else "Write the day the test was taken."
    assert message in refused.content.decode()


@pytest.mark.parametrize("language", ["cs", "en"])
def test_the_gate_page(world, client_as, language):
    ready_scene(world)
    czech = language == "cs"
    ines = client_as(speaks(world.ines, language))
    url = f"/compliance/{world.production.pk}/scenes/{world.scene.pk}/"
    assert_in(ines.get(url).content.decode(), GATE, czech=czech)
    services.set_hold(world.petra, world.production, on=True)
    from closedset.compliance.tests.helpers import withdraw_one

    withdraw_one(world, "mara")
    assert_in(ines.get(url).content.decode(), CLOSED_GATE, czech=czech)


def test_the_gate_notices_come_in_each_recipients_language(world):
    """The producer reads Czech and the coordinator Hungarian, whoever set off the change and
    whatever language was active then."""
    from django.utils import translation

    from closedset.compliance.tests.helpers import withdraw_one
    from closedset.notices.models import Notice

    ready_scene(world)
    speaks(world.petra, "cs")
    speaks(world.ines, "hu")
    day = future_day(3)
    services.schedule(world.ines, world.scene, call_on(day))
    with translation.override("es"):
        assert withdraw_one(world, "mara")
    told = Notice.objects.filter(url__startswith="/compliance/")
    [petra] = told.filter(recipient=world.petra)
    assert petra.subject.startswith("Scénu 12B už nejde natočit podle plánu, dne ")
    assert "promluv si s koordinátorem nebo koordinátorkou" in petra.subject
    assert "Promluv si s koordinátorem nebo koordinátorkou" in petra.body
    assert "escena" not in petra.subject.lower()
    [ines] = told.filter(recipient=world.ines)
    assert ines.subject.startswith("A(z) 12B jelenet már nem forgatható")
    assert "megfelelőségi oldalát" in ines.body
    from django.core import mail

    [petras_mail] = [m for m in mail.outbox if m.to == [world.petra.email]]
    assert petras_mail.body.startswith("Ahoj") and "Petra," in petras_mail.body
    assert "Scénu 12B už nejde natočit" in petras_mail.subject
    # Told once: the next re-check knows the Czech notice said the gate was lost.
    with translation.override("es"):
        services.gate_changed(world.scene)
    assert told.count() == 2


def test_the_gate_coming_back_is_recognised_in_any_language(world):
    from closedset.compliance.tests.helpers import consent_all, withdraw_one
    from closedset.notices.models import Notice

    ready_scene(world)
    speaks(world.petra, "cs")
    services.schedule(world.ines, world.scene, call_on(future_day(3)))
    withdraw_one(world, "mara")
    consent_all(world, ("mara",))
    services.gate_changed(world.scene)
    told = Notice.objects.filter(url__startswith="/compliance/", recipient=world.petra)
    back = told.order_by("-created_at", "-pk").first()
    assert back.body == "Všechny kontroly zase procházejí; scéna může ten den začít."
    count = told.count()
    services.gate_changed(world.scene)  # nothing changed: nobody is told twice
    assert told.count() == count


# --- the overview's staff sections ----------------------------------------------------------

PRODUCER_OVERVIEW = [
    ('<h2 id="hold-h">Production hold</h2>', '<h2 id="hold-h">Pozastavení produkce</h2>'),
    ("No hold is on.", "Produkce není pozastavená."),
    (">Place a hold<", ">Pozastavit produkci<"),
    ("After a positive test anywhere in the pool", "Po pozitivním testu kohokoli ze skupiny"),
    ("Notice and clearances", "Předstih a výsledky testů"),
    (">Save<", ">Uložit<"),
    ('<h2 id="scenes-h">Scenes</h2>', '<h2 id="scenes-h">Scény</h2>'),
    ("Scene 12B: The boathouse</a>", "Scéna 12B: The boathouse</a>"),
    ("not scheduled", "nenaplánováno"),
]
HELD = [
    ("<strong>A hold is on.</strong> No scene", "<strong>Produkce je pozastavená.</strong>"),
    (">Lift the hold<", ">Zrušit pozastavení<"),
]
CUSTODIAN_OVERVIEW = [
    ('<h2 id="records-h">Records</h2>', '<h2 id="records-h">Záznamy</h2>'),
    ("Identity records: find, add, verify", "Záznamy o totožnosti: hledat, přidat, ověřit"),
    (">Test clearances<", ">Výsledky testů<"),
]


@pytest.mark.parametrize("language", ["cs", "en"])
def test_the_overviews_staff_sections(world, client_as, language):
    ready_scene(world)
    czech = language == "cs"
    url = f"/compliance/{world.production.pk}/"
    petra = client_as(speaks(world.petra, language))
    assert_in(petra.get(url).content.decode(), PRODUCER_OVERVIEW, czech=czech)
    services.set_hold(world.petra, world.production, on=True)
    assert_in(petra.get(url).content.decode(), HELD, czech=czech)
    services.set_hold(world.petra, world.production, on=False)
    services.schedule(world.ines, world.scene, call_on(future_day(3)))
    called = petra.get(url).content.decode()
    assert ("sraz: " in called) is czech and ("called " in called) is not czech
    cora = client_as(speaks(world.cora, language))
    assert_in(cora.get(url).content.decode(), CUSTODIAN_OVERVIEW, czech=czech)
