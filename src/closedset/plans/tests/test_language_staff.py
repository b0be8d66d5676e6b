"""The coordinator's and the director's plan pages in their language: the editor and its HTMX
partials, history, compare, restore, import, versions, changes, amend and propose, with the
taxonomy's labels in the reader's language; notices in the recipient's; the same pages in
English read as before."""

from __future__ import annotations

from typing import Any

import pytest

from closedset.conftest import speaks
from closedset.notices.models import Notice
from closedset.plans import services
from closedset.plans.models import Beat, Proposal
from closedset.plans.tests.test_performer_scenes import visible_text
from closedset.plans.tests.test_views import url

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def ids(world: Any) -> tuple[int, int]:
    return world.production.pk, world.scene.pk


def text_of(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return " ".join(visible_text(response.content.decode()).split())


def read(client: Any, address: str, **headers: Any) -> str:
    return text_of(client.get(address, **headers))


def absent(text: str, *english: str) -> None:
    for words in english:
        assert words not in text, words


def present(text: str, *words: str) -> None:
    for said in words:
        assert said in text, said


def pk_of(world: Any, beat_id: str) -> int:
    return Beat.objects.get(plan__scene=world.scene, beat_id=beat_id).pk


@pytest.fixture
def versions(slap_plan: Any) -> Any:
    """Two saved versions (the slap plan; then b2 at medium), and b1 removed since (unsaved)."""
    world = slap_plan
    services.save_version(world.ines, *ids(world))
    beat = services.beat_input(world.ines, *ids(world), pk_of(world, "b2"))
    beat.intensity = "medium"
    services.update_beat(world.ines, *ids(world), beat, pk=pk_of(world, "b2"))
    services.save_version(world.ines, *ids(world))
    services.delete_beat(world.ines, *ids(world), pk=pk_of(world, "b1"))
    return world


# The editor's fixed English; none of it may be left on the Czech page.
EDITOR_ENGLISH = (
    "Not saved as a version yet",
    "The plan has changed since",
    "Proposals from the director",
    "No proposals yet",
    "Remove role",
    "New role name",
    "Add a beat",
    "Choose an act",
    "Done to (none",
    "Body zone",
    "Save this as a new version",
    "The director's view",
    "Release this plan",
    "The cast's profiles",
    "Last change:",
    "Export YAML",
    "Beat changes",
    "Plan: ",
    "removed (was:",
    # The check's findings, as the coordinator reads them.
    "is a hard limit",
    "is a yes",
)


def test_the_plan_editor_in_czech(versions, client_as):
    world = versions
    ines = client_as(speaks(world.ines, "cs"))
    response = ines.get(url(world))
    html = response.content.decode()
    text = text_of(response)
    absent(text, *EDITOR_ENGLISH)
    present(
        text,
        "Scéna 12B: The boathouse",
        "Zatím neuloženo jako verze",
        "Moment b1 odstraněn (dříve: Jonas → Mara: plácnutí (zadek), lehce)",
        "Plán: zablokováno",
        "poslední uložená verze 2",
        "Návrhy od režie",
        "Přidat moment",
        "Uložit jako novou verzi",
        "Profily obsazení",
        "Poslední změna: úprava (intenzita) – Ines",
        # The beat in the reader's words: the zone and the intensity, not the file's ids.
        "B → A · obličej · střední",
        # The findings in Czech, people in the fixed shape of docs/translation.md.
        "zablokováno: „partner/ka → Mara: plácnutí (obličej)“ je pevná hranice.",
        "„Jonas → partner/ka: plácnutí (obličej)“: ano.",
    )
    # The taxonomy in Czech: acts, their categories, intensities and barriers.
    assert ">Plácnutí<" in html and ">Slap<" not in html
    assert 'label="Údery"' in html and 'label="Impact"' not in html
    assert ">střední</option>" in html and ">medium</option>" not in html
    assert ">kondom</option>" in html and ">condom</option>" not in html
    # The values the form sends stay the file's ids.
    assert 'value="slap"' in html and 'value="medium"' in html


def test_the_editors_htmx_partials_in_czech(versions, client_as):
    world = versions
    ines = client_as(speaks(world.ines, "cs"))
    body = read(ines, url(world), **HTMX)
    absent(body, *EDITOR_ENGLISH)
    present(body, "Návrhy od režie", "Přidat moment")
    zones = ines.get(url(world, "plans:zones") + "?act=slap").content.decode()
    assert "Vyber část těla" in zones and ">Obličej<" in zones
    assert "Choose a zone" not in zones and ">Face<" not in zones
    edit = read(ines, url(world, "plans:edit_beat", pk_of(world, "b2")), **HTMX)
    present(edit, "Upravit moment b2", "Uložit moment", "Zrušit")
    absent(edit, "Edit beat", "Save beat", "Cancel")
    history = read(ines, url(world, "plans:beat_history", pk_of(world, "b2")), **HTMX)
    present(history, "Úprava (intenzita) – Ines")
    absent(history, "Edited", " by ")
    # A change answers with the body again, its notice in Czech too.
    added = ines.post(
        url(world, "plans:add_beat"),
        {"beat_id": "s1", "act": "slap", "by": "B", "to": ["A"], "zone": "buttocks"},
        **HTMX,
    )
    present(text_of(added), "Moment s1 přidán.")
    refused = ines.post(url(world, "plans:add_beat"), {"beat_id": "s2", "by": "B"}, **HTMX)
    present(text_of(refused), "Nepřidáno: oprav prosím označené pole níže.", "vyber úkon")
    absent(text_of(refused), "choose an act", "Not added")


def test_history_compare_restore_and_import_in_czech(versions, client_as):
    world = versions
    ines = client_as(speaks(world.ines, "cs"))
    listed = read(ines, url(world, "plans:versions"))
    present(
        listed,
        "Scéna 12B: verze",
        "Moment b2: intenzita změněna z „lehká“ na „střední“",
        "Role A obsazena: Mara",
        "Přidán moment b1: Jonas → Mara: plácnutí (zadek), lehce",
        "Obnovit verzi 1",
        "Uložit současný plán jako novou verzi",
    )
    absent(listed, "intensity changed", "Role A cast", "Beat b1 added", "Save the current plan")
    compared = read(ines, url(world, "plan_history:compare"))
    present(
        compared,
        "Scéna 12B: porovnání verzí",
        "Od verze 1 po verzi 2",
        "Obsazení",
        "Moment b1 beze změny",
        "Jonas → Mara: plácnutí (obličej), středně",
    )
    absent(compared, "compare versions", "From version", "unchanged", "Jonas slaps")
    wrong = ines.get(url(world, "plan_history:compare") + "?a=9&b=1")
    assert wrong.status_code == 422
    present(
        " ".join(visible_text(wrong.content.decode()).split()),
        "Tento plán nemá verzi „9“; vyber z těchto: verze 1 až 2.",
    )
    restore = read(ines, url(world, "plan_history:restore", 1))
    present(
        restore,
        "Obnovit verzi 1 scény 12B?",
        "Tvoje neuložené změny zůstanou",
        "Moment b2: intenzita změněna z „střední“ na „lehká“",
    )
    absent(restore, "Restore version", "Your unsaved changes", "What changes")
    done = ines.post(url(world, "plan_history:restore", 1), follow=True)
    present(text_of(done), "Verze 1 je obnovená jako verze 4.", "nejdřív uložily jako verze 3")
    imported = read(ines, url(world, "plans:import"))
    present(imported, "Importovat plán pro scénu 12B", "Nebo ho vlož sem", "Importovat soubor")
    absent(imported, "Import a plan", "Or paste it here", "Import file")
    refused = ines.post(url(world, "plans:import"), {"text": "  "})
    assert refused.status_code == 422
    present(text_of_422(refused), "Neimportováno. Nic se nezměnilo.", "soubor je prázdný")
    changes = read(ines, url(world, "plans:changes"))
    present(changes, "Scéna 12B: kdo měnil momenty", "změn, nejnovější nahoře", "odstranění – Ines")
    absent(changes, "who changed", "newest first", "removed by")


def text_of_422(response: Any) -> str:
    return " ".join(visible_text(response.content.decode()).split())


def test_the_directors_pages_in_czech(versions, client_as):
    world = versions
    services.release(world.ines, *ids(world))
    dario = client_as(speaks(world.dario, "cs"))
    page = read(dario, url(world))
    present(
        page,
        "Zveřejněné verze",
        "Zveřejněná verze 3",
        "nepřipraveno k natáčení (promluv si s koordinací intimity)",
        "B → A · obličej · střední",
        "Tvoje návrhy",
        "Navrhnout moment",
        "Navrhnout obsazení",
    )
    absent(
        page,
        "Released versions",
        "not cleared",
        "Your proposals",
        "Propose a beat",
        "You propose;",
        " to A ",
    )
    sent = dario.post(
        url(world, "plans:add_beat"),
        {"beat_id": "s1", "act": "slap", "by": "B", "to": ["A"], "zone": "face"},
        follow=True,
    )
    present(
        text_of(sent),
        "Odesláno koordinaci intimity jako návrh.",
        "Plácnutí · B (Jonas) → A (Mara) · obličej · lehká",
        "čeká na koordinaci intimity",
    )
    absent(text_of(sent), "Sent to the coordinator", "waiting for the coordinator")
    propose = read(dario, url(world, "plans:propose") + "?beat=b2")
    present(propose, "Navrhnout změnu momentu b2", "Koordinace intimity ho přijme")
    absent(propose, "Propose a change", "The coordinator will")
    versions_page = read(dario, url(world, "plans:versions"))
    present(versions_page, "Scéna 12B: verze, které ti byly zveřejněny")
    imported = read(dario, url(world, "plans:import"))
    present(imported, "Navrhnout celý plán pro scénu 12B", "Navrhnout tento soubor")
    # The coordinator reads the proposal, and amends it, in her language.
    ines = client_as(speaks(world.ines, "cs"))
    desk = read(ines, url(world))
    present(
        desk,
        "návrh od: Dario",
        "Po přijetí: zablokováno — „partner/ka → Mara: plácnutí (obličej)“ je pevná hranice.",
        "Přijmout",
        "Odmítnout",
    )
    absent(desk, "proposed by", "If accepted", "is a hard limit")
    amend = read(ines, url(world, "plans:amend", Proposal.objects.get().pk))
    present(amend, "Upravit navržený moment", "Přijmout s těmito změnami")
    absent(amend, "Amend the proposed beat", "Accept with these changes")


def test_notices_go_out_in_the_recipients_language(versions, client_as):
    world = versions
    speaks(world.ines, "cs")
    speaks(world.mara, "hu")
    services.release(world.ines, *ids(world))
    # Dario, in English, proposes: Ines reads of it in Czech.
    beat = services.BeatInput("s1", "slap", "B", ["A"], "face")
    services.add_beat(world.dario, *ids(world), beat)
    notice = Notice.objects.get(recipient=world.ines, kind="proposal")
    assert notice.subject == (
        "Nový návrh změny od Dario: scéna 12B (The boathouse) z produkce Harbour Lights"
    )
    assert "přidat moment" in notice.body and "proposed" not in notice.body
    # Ines saves a version that changes Mara's beats: Mara reads of it in Hungarian.
    client_as(world.ines).post(url(world, "plans:versions"))
    changed = Notice.objects.filter(recipient=world.mara, kind="plan_changed").latest("pk")
    assert changed.subject == "Változott a terv: Harbour Lights, 12B jelenet (The boathouse)"
    assert "Something you are in" not in changed.body


def test_my_scenes_for_a_czech_performer(slap_plan, client_as):
    from django.urls import reverse

    mara = client_as(speaks(slap_plan.mara, "cs"))
    text = read(mara, reverse("scenes:mine"))
    present(text, "Moje scény", "Všechny scény, ve kterých máš roli", "Jonas → ty: plácnutí")
    absent(text, "My scenes", "Every scene you are cast in", "Jonas slaps", "Open Scene")


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("es", ("Propuestas de la dirección", "Añadir un momento", ">Palmada<")),
        ("hu", ("A rendező javaslatai", "Mozzanat hozzáadása", "B → A · arc · közepes")),
    ],
)
def test_the_editor_in_spanish_and_hungarian(versions, client_as, lang, words):
    html = client_as(speaks(versions.ines, lang)).get(url(versions)).content.decode()
    text = " ".join(visible_text(html).split())
    for said in words:
        assert said in (html if said.startswith(">") else text), said
    absent(text, "Proposals from the director", "Add a beat", "Save this as a new version")


def test_the_same_pages_in_english_read_as_before(versions, client_as):
    world = versions
    ines = client_as(world.ines)
    page = ines.get(url(world))
    html = page.content.decode()
    text = text_of(page)
    present(
        text,
        "Scene 12B: The boathouse",
        "Not saved as a version yet",
        "Beat b1 removed (was: Jonas slaps Mara's buttocks, lightly)",
        "Plan: blocked",
        "last saved version 2",
        "B to A · face · medium",
        "Last change: edited (intensity) by Ines,",
        "Proposals from the director",
        "The cast's profiles",
        "Mara: slap to face is a hard limit",
        "Jonas: giving slap to face is a yes",
    )
    assert ">Slap<" in html and 'label="Impact"' in html and ">medium</option>" in html
    absent(text, "Návrhy od režie", "Plácnutí")
    listed = read(ines, url(world, "plans:versions"))
    present(listed, "Beat b2: intensity changed from light to medium", "Role A cast: Mara")
    compared = read(ines, url(world, "plan_history:compare"))
    present(compared, "From version 1 to version 2", "Beat b1 unchanged")
    changes = read(ines, url(world, "plans:changes"))
    present(changes, "4 changes, newest first.", "removed by Ines")
    services.release(world.ines, *ids(world))
    director = read(client_as(world.dario), url(world))
    present(director, "Released version 3", "not cleared (talk to the coordinator)", "B to A")


def test_the_production_overview_in_czech(slap_plan, client_as):
    from django.urls import reverse

    address = reverse("productions:production", args=[slap_plan.production.pk])
    coordinator = read(client_as(speaks(slap_plan.ines, "cs")), address)
    present(coordinator, "potřebuje tebe", "1 zablokovaný moment", "nepřipraveno")
    absent(coordinator, "needs you", "beat blocked", "not cleared")
    producer = read(client_as(speaks(slap_plan.petra, "cs")), address)
    present(producer, "potřebuje koordinaci intimity", "u koordinace intimity")
    absent(producer, "needs the coordinator", "with the intimacy coordinator")
    english = read(client_as(speaks(slap_plan.ines, "en")), address)
    present(english, "needs you", "1 beat blocked", "not cleared")


@pytest.mark.parametrize(
    ("reason", "czech"),
    [
        ("mara: slap to face is a soft limit; talk it through one-on-one", "měkká hranice"),
        ("mara: slap to face is a maybe; talk it through one-on-one", "“: možná;"),
        ("mara: slap to face was not discussed", "zatím neprobráno"),
        (
            "mara: slap to face at hard is above their limit of light",
            "jen do intenzity: lehká; tento moment má intenzitu: silná.",
        ),
        ("mara: slap to face only with jonas, not with theo", "jen s: Jonas R.; tento moment"),
        (
            "mara: slap to face needs a condom; the beat has none",
            "vyžaduje kondom; tento moment má: bez bariéry.",
        ),
        ("role A is not cast yet", "Role A zatím není obsazená."),
        ("mara: profile not shared with this production", "Mara K. zatím nesdílí profil"),
        ("real sex is not permitted on a mainstream production", "mainstream"),
    ],
)
def test_every_kind_of_finding_reads_in_czech(reason, czech):
    from closedset.core.check import Finding, Status
    from closedset.core.taxonomy import load_taxonomy
    from closedset.core.words import words_in
    from closedset.plans.reasons import finding_line

    finding = Finding("b1", "A", "mara", "receive", "slap", "face", "hard", Status.blocked, reason)
    names = {"mara": "Mara K.", "jonas": "Jonas R."}
    line = finding_line(finding, names, load_taxonomy("cs"))
    if czech == "mainstream":
        assert line == words_in("cs")("mainstream")
    else:
        assert czech in line, line
    assert (
        "partner/ka → Mara K.: plácnutí (obličej)" in line
        or "Role A" in line
        or ("profil" in line or czech == "mainstream")
    )
    # English keeps the page's own words; an unknown reason falls back to them too.
    assert finding_line(finding, names, load_taxonomy()) == ""
    odd = Finding("b1", "A", "mara", "receive", "slap", "face", "hard", Status.blocked, "mara: ?")
    assert finding_line(odd, names, load_taxonomy("cs")) == ""
