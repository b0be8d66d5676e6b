"""Tereza reads Czech, on her phone (390 x 844): she accepts her invitation to Harbour Lights
choosing Čeština, answers and shares her boundary profile, reads her scene, consents and signs,
and presses PAUSE on the shoot day. No page on the way shows an English string of its own:
the English msgids of the templates the server rendered for it, and of its apps' Python code
(found by the Czech catalogs' references), are absent from its visible text, and the Czech of
its headings and buttons is there.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test.signals import template_rendered
from django.utils import timezone
from playwright.sync_api import expect

from closedset.browser_tests.conftest import PHONE
from closedset.browser_tests.helpers import NO_SOCKET, assert_no_other_errors
from closedset.compliance import services as compliance
from closedset.compliance.tests.helpers import clear, consent_all, verified_record
from closedset.conftest import PERSONA_PASSWORD
from closedset.consent import services as consent
from closedset.consent.tests.conftest import save_version
from closedset.core.taxonomy import load_taxonomy
from closedset.onset import services as onset
from closedset.productions import services as productions
from closedset.rider.tests.terms import seed_rider_terms

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

APP = Path(__file__).resolve().parents[1]
CZECH_CATALOGS = sorted(APP.glob("*/locale/cs/LC_MESSAGES/django.po")) + [
    APP / "locale/cs/LC_MESSAGES/django.po"
]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
TAG = re.compile(r"<[^>]+>")
# Allowed to read the same in any language: the brand, the STOP button's word (kept on purpose,
# everyone on a set knows it), and the language names the footer's picker shows in themselves.
NOT_ENGLISH = {"closedset", "STOP", "English", "Español", "Čeština", "Magyar"}
ACT_IDS = set(load_taxonomy().acts)
# English that Python code writes (the scene's heading, the production page's shoot-day doors):
# looked for on every page by name as well, beside the catalog check.
UNMARKED = (
    "Scene 12B",
    "Incidents: report one, or follow yours",
    "PAUSE and STOP for scene",
)

SCENE_PLAN = {
    "scene": "12B",
    "cast": {"A": "tereza", "B": "jonas"},
    "beats": [
        {"id": "b1", "act": "slap", "by": "B", "to": "A", "zone": "buttocks"},
        {"id": "b2", "act": "slap", "by": "B", "to": "A", "zone": "thighs"},
    ],
}


def _unquote(line: str) -> str:
    return line[line.index('"') + 1 : line.rindex('"')].replace('\\"', '"').replace("\\n", "\n")


def read_po(path: Path, app: str) -> list[dict[str, Any]]:
    """The entries of an app's .po file: msgid, msgid_plural, msgstr (all forms), referenced
    files."""
    entries: list[dict[str, Any]] = []
    entry: dict[str, Any] = {"refs": [], "msgstr": [], "app": app}
    field = ""
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            if entry.get("msgid"):
                entries.append(entry)
            entry, field = {"refs": [], "msgstr": [], "app": app}, ""
        elif line.startswith("#:"):
            entry["refs"] += [ref.rsplit(":", 1)[0] for ref in line[2:].split()]
        elif line.startswith("#"):
            continue
        elif line.startswith(("msgid_plural", "msgid", "msgctxt")):
            field = line.split()[0]
            entry[field] = _unquote(line)
        elif line.startswith("msgstr"):
            field = "msgstr"
            entry["msgstr"].append(_unquote(line))
        elif line.startswith('"'):
            if field == "msgstr":
                entry["msgstr"][-1] += _unquote(line)
            else:
                entry[field] += _unquote(line)
    return entries


def template_name(ref: str) -> str:
    """ "productions/templates/productions/x.html" or "templates/consent/x.html" -> the name
    the template loader knows ("productions/x.html")."""
    return ref.split("templates/", 1)[-1] if "templates/" in ref else ""


CATALOG = [entry for path in CZECH_CATALOGS for entry in read_po(path, path.parents[3].name)]
CS = {entry["msgid"]: entry["msgstr"][0] for entry in reversed(CATALOG)}


def cs(msgid: str, **values: str) -> str:
    """The Czech of one English msgid, placeholders filled in."""
    text = CS[msgid]
    for name, value in values.items():
        text = text.replace(f"%({name})s", value)
    return text


def as_pattern(text: str) -> re.Pattern[str] | None:
    """A msgid as it would read on the page: tags gone, spaces any, each placeholder some text
    on the same line; its words whole words."""
    parts = [p.strip() for p in PLACEHOLDER.split(TAG.sub("", text))]
    if not any(re.search(r"[A-Za-z]{3}", p) for p in parts):
        # Nothing English left to see ("%(name)s:"), or only a short word another language
        # writes too ("%(by)s to %(to)s": Czech "to" is "it").
        return None
    pieces = []
    for part in parts:
        piece = re.escape(part).replace(r"\ ", r"\s+")
        if re.match(r"\w", part):
            piece = r"\b" + piece
        if re.search(r"\w$", part):
            piece += r"\b"
        pieces.append(piece)
    return re.compile(r"[^\n]+?".join(pieces))


def english_on(text: str, templates: set[str]) -> list[str]:
    """The English msgids of these templates, and of the Python code (views, forms, words) of
    the apps they belong to, that show in the text."""
    return [msgid for msgid, _ in english_msgids_on(text, templates, CATALOG)]


def english_msgids_on(
    text: str,
    templates: set[str],
    entries: list[dict[str, Any]],
    skip: Callable[[str, dict[str, Any]], bool] = lambda msgid, entry: False,
) -> list[tuple[str, re.Match[str]]]:
    """Each English msgid of `entries` (one language's catalogs) that belongs to these
    templates or to their apps' Python code and shows in the text, with where it shows; a
    walk may `skip` more msgids it knows read the same in its language."""
    apps = {
        entry["app"]
        for entry in entries
        if {template_name(ref) for ref in entry["refs"]} & templates
    }
    found = []
    for entry in entries:
        in_templates = {template_name(ref) for ref in entry["refs"]} & templates
        # The command's own words (cli.py, webcli.py) never show on a page.
        in_code = entry["app"] in apps and any(
            ref.endswith(".py") and not ref.endswith("cli.py") for ref in entry["refs"]
        )
        if not (in_templates or in_code):
            continue
        for msgid in (entry["msgid"], entry.get("msgid_plural", "")):
            if not msgid or msgid in NOT_ENGLISH or msgid in ACT_IDS:
                continue
            # Words the language writes the same (e.g. "PDF") are not English on the page.
            if msgid in entry["msgstr"] or skip(msgid, entry):
                continue
            pattern = as_pattern(msgid)
            match = pattern.search(text) if pattern is not None else None
            if match is not None:
                found.append((msgid, match))
    return found


def lines(text: str) -> str:
    """Text with its spaces evened out and its blank lines gone, line breaks kept."""
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def visible_czech_text(page: Any) -> str:
    """The page's visible text, less what it marks as another language on purpose: the
    production's own language shown alongside her consent (issue 11's bilingual consent), and
    the footer picker's language names."""
    text = lines(page.inner_text("body"))
    others = page.locator("body [lang]:not([lang|=cs])").all()
    parts = [lines(o.inner_text()) for o in others if o.is_visible()]
    # Longest first: a beat's English line also sits inside the English rider.
    for part in sorted(parts, key=len, reverse=True):
        text = text.replace(part, " ")
    return text


@pytest.fixture
def rendered() -> Iterator[list[str]]:
    """The names of the templates the live server renders (pytest-django instruments
    rendering for the whole process, the server's thread included)."""
    names: list[str] = []

    def keep(sender: Any, template: Any, **kwargs: Any) -> None:
        if template.name:
            names.append(template.name)

    template_rendered.connect(keep, dispatch_uid="czech-walk")
    yield names
    template_rendered.disconnect(dispatch_uid="czech-walk")


class Stops:
    """Each stop of the walk: wait for the page, screenshot, and check it reads in Czech."""

    def __init__(self, person: Any, rendered: list[str]) -> None:
        self.person = person
        self.rendered = rendered
        self.last: set[str] = set()

    def start(self) -> None:
        """Forget what was rendered before: what comes next is the next page."""
        self.rendered.clear()

    def check(self, name: str, *czech: str) -> None:
        page = self.person.page
        page.wait_for_load_state("networkidle")
        self.person.screenshot(f"czech-{name}")
        text = visible_czech_text(page)
        # A press answered by the script renders nothing new: the page's templates still hold.
        templates = set(self.rendered) or self.last
        assert templates, f"{name}: no template rendered"
        assert page.locator("html").get_attribute("lang") == "cs", name
        assert english_on(text, templates) == [], (name, sorted(templates))
        for english in UNMARKED:
            assert english not in text, (name, english)
        for phrase in czech:
            assert phrase in text, (name, phrase)
        self.last = templates
        self.start()


def test_tereza_walks_from_invitation_to_pause_in_czech(
    world: Any, navigator: Any, rendered: list[str]
) -> None:
    _, key = productions.invite(
        world.petra, world.production, email="tereza@example.org", role="performer"
    )
    tereza = navigator(PHONE)
    page = tereza.page
    stops = Stops(tereza, rendered)
    # Her phone speaks Czech: until she chooses, the browser's language decides.
    page.set_extra_http_headers({"Accept-Language": "cs-CZ,cs;q=0.9,en;q=0.5"})

    # 1. Sign-up: the invitation, in Czech; she chooses Čeština for her account.
    stops.start()
    tereza.go(f"/invite/{key}/")
    stops.check(
        "1-invitation",
        cs("Join %(production)s", production="Harbour Lights"),
        cs("Your name"),
        cs("Accept"),
    )
    form = page.locator("main form")
    form.get_by_label(cs("Your name")).fill("Tereza")
    form.get_by_label(cs("Handle")).fill("tereza")
    form.get_by_label(cs("Password")).fill(PERSONA_PASSWORD)
    form.get_by_label(cs("Language")).select_option("cs")
    form.get_by_role("button", name=cs("Accept")).click()
    stops.check("2-joined", "Harbour Lights")
    from closedset.accounts.models import User

    user = User.objects.get(handle="tereza")
    assert user.language == "cs"
    world.users["tereza"] = user
    # From here her account decides, whatever the browser says.
    page.set_extra_http_headers({"Accept-Language": "en"})

    # 2. Her boundary profile: a yes to being slapped, then review and share.
    tereza.go("/boundaries/?open=impact")
    row = page.locator("#row-slap-receive")
    expect(row).to_be_visible()
    page.wait_for_load_state("networkidle")
    row.locator("input[value=yes]").check()
    expect(row.locator(".row-status")).to_have_text(cs("Saved: %(answer)s.", answer=cs("Yes")))
    stops.start()
    tereza.go("/boundaries/?open=impact")
    stops.check("3-profile", cs("Yes"))
    tereza.go("/boundaries/review/")
    stops.check("4-profile-review")
    tereza.go("/boundaries/sharing/")
    stops.check("5-profile-sharing")
    page.get_by_role(
        "button", name=cs("Share with %(production)s", production="Harbour Lights")
    ).click()
    stops.check("6-profile-shared")

    # Ines plans the scene: Jonas slaps Tereza's buttocks and thighs; she marks it final.
    seed_rider_terms(world, ("tereza", "jonas"))
    consent.mark_final(world.ines, save_version(world, SCENE_PLAN))

    # 3. Her scene, in plain Czech words.
    tereza.go("/scenes/")
    stops.check("7-my-scenes", cs("My scenes"))
    page.locator("main a.button").first.click()
    stops.check("8-scene", "12B")

    # 4. Consent: both beats, then sign with her password.
    tereza.go("/consent/")
    stops.check("9-consent-list", cs("Read and answer"))
    page.get_by_role("link", name=cs("Read and answer")).click()
    stops.check("10-consent-request", cs("Continue to sign"))
    for radio in page.locator("input[type=radio][value=consent]").all():
        radio.check()
    page.get_by_role("button", name=cs("Continue to sign"), exact=True).click()
    stops.check("11-consent-sign", cs("Your password"))
    page.get_by_label(cs("Your password"), exact=True).fill(PERSONA_PASSWORD)
    page.locator("main form button[type=submit].big").click()
    stops.check(
        "12-consent-signed", cs("Signed. Your answers are recorded; your receipts are below.")
    )
    assert consent.beat_ids_for(consent.current_final(world.scene).plan_version.data, "tereza")

    # The shoot day: Jonas consents too, records and clearances are in, Ines starts the scene.
    consent_all(world, ("jonas",))
    for handle in ("tereza", "jonas"):
        verified_record(world, handle, date(1995, 5, 17))
        clear(world, handle, timezone.localdate())
    compliance.schedule(world.ines, world.scene, timezone.now() + timedelta(hours=1))
    run = onset.start(world.ines, world.scene)

    # 5. PAUSE on her phone, through the production page's door to it.
    tereza.go(f"/p/{world.production.pk}/")
    stops.check("13-production-on-the-day", "Harbour Lights")
    page.locator(f'main a[href="/onset/runs/{run.pk}/"]').click()
    stops.check("14-phone", cs("PAUSE"))
    page.get_by_role("button", name=cs("PAUSE"), exact=True).click()
    expect(page.locator("#phone-status")).to_contain_text(cs("Sent — waiting for the coordinator"))
    stops.check("15-phone-pause-sent", cs("Sent — waiting for the coordinator"))
    from closedset.onset.models import Signal

    assert Signal.objects.filter(kind="pause").count() == 1
    assert_no_other_errors(page, NO_SOCKET)
