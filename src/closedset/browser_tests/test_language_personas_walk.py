"""Four people, three languages (issue 11): each walks their own pages and none of them reads
an English sentence of ours.

- Mara reads Hungarian, on her phone (390 x 844); Harbour Lights is in English, so her consent
  and rider are bilingual: her scenes, a consent request, the rider, PAUSE, her notices and her
  account.
- Ines coordinates in Spanish, on a laptop: the production page (where she sets the production's
  language), the plan editor, the consent board, the shoot day and its console, the incidents,
  the day's report as a PDF (in Spanish and, by its link, in Czech), the script and the calendar.
- Dario directs in Czech: the production page and his screen, where he asks for a change.
- Petra produces in Hungarian: the production page and today's screen.

At every stop: a screenshot (under SHOTS), the page's language, no English msgid of the
templates it rendered (the approach of test_czech_performer_walk.py, with each language's
catalogs), and on the phone no sideways scrolling.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test.signals import template_rendered
from django.utils import timezone
from playwright.sync_api import expect

from closedset.breakdown import services as breakdown
from closedset.breakdown.tests.scripts import NIGHT
from closedset.browser_tests.conftest import LAPTOP, PHONE
from closedset.browser_tests.test_czech_performer_walk import (
    APP,
    PLACEHOLDER,
    english_msgids_on,
    lines,
    read_po,
)
from closedset.compliance import services as compliance
from closedset.compliance.tests.helpers import (
    clear,
    consent_all,
    mark_final,
    plan_scene,
    verified_record,
)
from closedset.conftest import PERSONA_PASSWORD, speaks
from closedset.onset import incidents
from closedset.onset import services as onset
from closedset.onset.models import Run
from closedset.onset.tests.test_day import PLAN, ready
from closedset.rider.tests.terms import EXPECTED_LENGTH, PAY

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

SHOTS = Path("/tmp/walk-i18n/personas")  # noqa: S108 (the lead looks at them here)
LANGUAGE_NAMES = {"en": "English", "es": "Español", "cs": "Čeština", "hu": "Magyar"}
# English written by Python code outside the catalogs, looked for by name on every page.
UNMARKED = ("Scene 12B", "PAUSE and STOP for scene", "The day for scene")
# English state words and choices a page prints as they are stored (never a word of these
# languages): the consent state, the director's word, a change's outcome, a production's kind.
RAW_WORDS = re.compile(r"\b(?:agreed|not agreed|continue|on hold|waiting|approved|Adult)\b")
# A date written day-month-year: Hungarian writes the year first ("2026. november 26.").
DAY_MONTH_YEAR = re.compile(r"\b\d{1,2}\.? [A-Za-zé]{3,}\.? \d{4}\b")
# Translations that read wrong to a speaker (see the findings below).
MISREAD = {
    "cs": ("navrhni koordinaci momenty", "Ničeho: nový moment"),
    "es": (),
    "hu": (),
}


def catalog(lang: str) -> list[dict[str, Any]]:
    paths = sorted(APP.glob(f"*/locale/{lang}/LC_MESSAGES/django.po")) + [
        APP / f"locale/{lang}/LC_MESSAGES/django.po"
    ]
    return [entry for path in paths for entry in read_po(path, path.parents[3].name)]


CATALOGS = {lang: catalog(lang) for lang in ("es", "cs", "hu")}
WORDS = {
    lang: {e["msgid"]: e["msgstr"][0] for e in reversed(entries) if "msgctxt" not in e}
    for lang, entries in CATALOGS.items()
}


def tr(lang: str, msgid: str, **values: str) -> str:
    """The translation of one English msgid, placeholders filled in."""
    text = WORDS[lang][msgid]
    for name, value in values.items():
        text = text.replace(f"%({name})s", value)
    return text


def english_on(text: str, templates: set[str], lang: str) -> list[str]:
    """The English msgids of these templates, and of their apps' Python code, in the text."""
    found = english_msgids_on(text, templates, CATALOGS[lang], skip=_reads_the_same)
    return sorted({f"{msgid!r} in {match.group(0)[:90]!r}" for msgid, match in found})


def _reads_the_same(msgid: str, entry: dict[str, Any]) -> bool:
    english = PLACEHOLDER.sub("", msgid)
    if len(re.sub(r"[^A-Za-z]", "", english)) < 3:
        return True  # "%(act)s to %(zone)s": "to" is a Czech word too
    # One word its translation keeps ("director" in "director/a").
    return bool(re.fullmatch(r"\s*[A-Za-z]+\s*", english)) and any(
        re.search(rf"\b{re.escape(english.strip())}\b", t) for t in entry["msgstr"]
    )


def visible_text(page: Any, lang: str) -> str:
    """The page's visible text less what it marks as another language on purpose (the
    production's language beside a bilingual consent, the picker's language names)."""
    text = lines(page.inner_text("body"))
    others = page.locator(f"body [lang]:not([lang|={lang}])").all()
    parts = [lines(o.inner_text()) for o in others if o.is_visible()]
    for part in sorted(parts, key=len, reverse=True):
        text = text.replace(part, " ")
    return text


@pytest.fixture
def rendered() -> Iterator[list[str]]:
    names: list[str] = []

    def keep(sender: Any, template: Any, **kwargs: Any) -> None:
        if template.name:
            names.append(template.name)

    template_rendered.connect(keep, dispatch_uid="language-personas-walk")
    yield names
    template_rendered.disconnect(dispatch_uid="language-personas-walk")


class Stops:
    """Each stop: wait, screenshot, and note what reads wrong. Problems are gathered per stop,
    so a walk goes on past a known finding and ends by naming every one."""

    def __init__(self, person: Any, who: str, lang: str, rendered: list[str]) -> None:
        self.person = person
        self.who = who
        self.lang = lang
        self.rendered = rendered
        self.last: set[str] = set()
        self.problems: dict[str, list[str]] = {}

    def start(self) -> None:
        self.rendered.clear()

    def go(self, path: str) -> None:
        self.start()
        self.person.go(path)

    def shot(self, name: str) -> Path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{self.who}-{name}.png"
        self.person.page.screenshot(path=str(path), full_page=True, caret="initial")
        return path

    def check(self, name: str, *expected: str) -> list[str]:
        page = self.person.page
        page.wait_for_load_state("networkidle")
        self.shot(name)
        found: list[str] = []
        templates = set(self.rendered) or self.last
        if not templates:
            found.append("no template rendered")
        if page.locator("html").get_attribute("lang") != self.lang:
            found.append(f"html lang is {page.locator('html').get_attribute('lang')}")
        text = visible_text(page, self.lang)
        # What the coordinator typed for the rider's terms is hers to word, in any language.
        for typed in (EXPECTED_LENGTH, PAY):
            text = text.replace(typed, " ")
        found += [f"English: {m}" for m in english_on(text, templates, self.lang)]
        found += [f"English: {e!r}" for e in UNMARKED if e in text]
        found += [f"English word: {m.group(0)!r}" for m in RAW_WORDS.finditer(text)]
        if self.lang == "hu":
            found += [f"day-month-year: {m.group(0)!r}" for m in DAY_MONTH_YEAR.finditer(text)]
        found += [f"reads wrong: {phrase!r}" for phrase in MISREAD[self.lang] if phrase in text]
        found += [f"missing: {phrase!r}" for phrase in expected if phrase not in text]
        if page.viewport_size == PHONE:
            wide = page.evaluate("document.documentElement.scrollWidth")
            if wide > page.evaluate("window.innerWidth"):
                found.append(f"scrolls sideways: {wide}px wide")
        if found:
            self.problems[name] = found
        self.last = templates
        self.start()
        return found

    def assert_clean(self) -> None:
        """Every stop clean: no English, no raw stored word, dates as the language writes them."""
        assert not self.problems, self.problems


def pdf_page_one(person: Any, url: str, name: str) -> tuple[str, Path]:
    """The PDF at this address (fetched with the person's cookies): its text, and page 1
    rendered to PNG at 60 dpi beside the screenshots."""
    response = person.page.request.get(person.base_url + url)
    assert response.ok, (url, response.status)
    assert response.headers["content-type"] == "application/pdf"
    SHOTS.mkdir(parents=True, exist_ok=True)
    pdf = SHOTS / f"{name}.pdf"
    pdf.write_bytes(response.body())
    subprocess.run(  # noqa: S603 (our own file)
        [
            "/usr/bin/pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            pdf,
            SHOTS / name,
        ],
        check=True,
    )
    text = subprocess.run(  # noqa: S603 (our own file)
        ["/usr/bin/pdftotext", "-layout", pdf, "-"], check=True, capture_output=True, text=True
    ).stdout
    return lines(text), SHOTS / f"{name}.png"


def log_in(person: Any, user: Any) -> None:
    """Email, password and (for staff) the second factor, by the fields' names: the pages
    speak the person's language already."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    page = person.page
    person.go("/login/")
    page.locator("main input[name=username]").fill(user.email)
    page.locator("main input[name=password]").fill(PERSONA_PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
        page.locator("main input[name=code]").fill(f"{code:0{device.digits}d}")
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
    assert "/login/" not in page.url and "second-factor" not in page.url, page.url


def report_in(person: Any, stops: Stops, production: Any, lang: str) -> None:
    """The day's report as a PDF by its link in `lang`: page 1 as PNG, its text in `lang`."""
    stops.rendered.clear()
    # The shoot day: the scene's call day, which is tomorrow when the walk runs late at night.
    day = Run.objects.filter(scene__production=production).latest("started_at").day.isoformat()
    name = f"09-report-{lang}"
    text, _ = pdf_page_one(
        person, f"/onset/{production.pk}/days/{day}/report/?lang={lang}", f"{stops.who}-{name}"
    )
    found = [f"English: {m}" for m in english_on(text, set(stops.rendered), lang)]
    if tr(lang, "The day at a glance") not in text:
        found.append(f"not printed in {LANGUAGE_NAMES[lang]}: {text[:60]!r}")
    if found:
        stops.problems[name] = found
    stops.start()


def consent_ready(world: Any) -> None:
    """The rest of the day's gate once Mara has signed: Jonas consents, records and
    clearances are in, the scene is called in an hour."""
    consent_all(world, ("jonas",))
    for handle in ("mara", "jonas"):
        verified_record(world, handle, date(1995, 5, 17))
        clear(world, handle, timezone.localdate())
    compliance.schedule(world.ines, world.scene, timezone.now() + timedelta(hours=1))


# --- Mara, Hungarian, on her phone ----------------------------------------------------------


def walk_mara(world: Any, navigator: Any, rendered: list[str]) -> Stops:
    production = world.production
    assert production.language == "en"
    speaks(world.mara, "hu")
    mark_final(world, plan_scene(world, PLAN))
    mara = navigator(PHONE)
    log_in(mara, world.mara)
    page = mara.page
    stops = Stops(mara, "mara-hu", "hu", rendered)

    stops.go("/scenes/")
    stops.check("01-my-scenes", tr("hu", "My scenes"))
    stops.start()
    page.locator("main a.button").first.click()
    stops.check("02-scene", "12B")

    stops.go("/consent/")
    stops.check("03-consent-list", tr("hu", "Read and answer"))
    stops.start()
    page.get_by_role("link", name=tr("hu", "Read and answer")).first.click()
    stops.check("04-consent-request", tr("hu", "Continue to sign"))
    # Bilingual: the production's English beside her Hungarian.
    expect(page.locator("main [lang|=en]").first).to_be_visible()
    for radio in page.locator("input[type=radio][value=consent]").all():
        radio.check()
    stops.start()
    page.get_by_role("button", name=tr("hu", "Continue to sign"), exact=True).click()
    stops.check("05-consent-sign", tr("hu", "Your password"))
    page.get_by_label(tr("hu", "Your password"), exact=True).fill(PERSONA_PASSWORD)
    stops.start()
    page.locator("main form button[type=submit].big").click()
    stops.check("06-consent-signed")

    stops.go(f"/rider/{production.pk}/{world.scene.pk}/mara/")
    stops.check("07-rider")

    consent_ready(world)
    run = onset.start(world.ines, world.scene)
    stops.go(f"/p/{production.pk}/")
    stops.check("08-production", "Harbour Lights")
    stops.go(f"/onset/runs/{run.pk}/")
    stops.check("09-phone", tr("hu", "PAUSE"))
    page.get_by_role("button", name=tr("hu", "PAUSE"), exact=True).click()
    expect(page.locator("#phone-status")).to_contain_text(
        tr("hu", "Sent — waiting for the coordinator")
    )
    stops.check("10-phone-pause-sent")

    stops.go("/notices/")
    stops.check("11-notices")
    stops.go("/account/")
    stops.check("12-account")
    return stops


# --- Ines, Spanish, on a laptop -------------------------------------------------------------


def walk_ines(world: Any, navigator: Any, rendered: list[str]) -> Stops:
    production = world.production
    speaks(world.ines, "es")
    ready(world)
    breakdown.upload(world.ines, production.pk, NIGHT, "night.fountain")
    incidents.report(world.mara, production.pk, "A köntös nem volt ott a jelenet után.")
    ines = navigator(LAPTOP)
    log_in(ines, world.ines)
    page = ines.page
    stops = Stops(ines, "ines-es", "es", rendered)

    stops.go(f"/p/{production.pk}/")
    stops.check("01-production", tr("es", "Language of the production's documents"))
    page.locator("main select[name=language]").select_option("es")
    stops.start()
    page.get_by_role("button", name=tr("es", "Save language")).click()
    stops.check("02-production-language-set")
    production.refresh_from_db()
    assert production.language == "es"

    scene = f"{production.pk}/scenes/{world.scene.pk}/"
    stops.go(f"/plans/{scene}")
    stops.check("03-plan-editor")
    stops.go(f"/consent/{scene}")
    stops.check("04-consent-board")
    stops.go(f"/onset/{scene}day/")
    stops.check("05-day")
    run = onset.start(world.ines, world.scene)
    stops.go(f"/onset/runs/{run.pk}/console/")
    stops.check("06-console")
    stops.go(f"/onset/{production.pk}/incidents/")
    stops.check("07-incidents")
    stops.start()
    page.locator("main a[href*='/incidents/']").last.click()
    stops.check("08-incident")

    for lang in ("es", "cs"):
        report_in(ines, stops, production, lang)

    stops.go(f"/breakdown/{production.pk}/")
    stops.check("10-breakdown")
    stops.go("/calendar/")
    stops.check("11-calendar")
    return stops


# --- Dario, Czech, the director ---------------------------------------------------------------


def walk_dario(world: Any, navigator: Any, rendered: list[str]) -> Stops:
    production = world.production
    speaks(world.dario, "cs")
    ready(world)
    run = onset.start(world.ines, world.scene)
    dario = navigator(LAPTOP)
    log_in(dario, world.dario)
    page = dario.page
    stops = Stops(dario, "dario-cs", "cs", rendered)

    stops.go(f"/p/{production.pk}/")
    stops.check("01-production", "Harbour Lights")
    stops.go(f"/onset/runs/{run.pk}/director/")
    stops.check("02-director")
    form = page.locator("#change-form")
    form.locator("select[name=act]").select_option("slap")
    form.locator("select[name=by]").select_option("B")
    form.locator("input[name=to][value=A]").check()
    form.locator("select[name=zone]").select_option("buttocks")
    form.locator("select[name=intensity]").select_option("light")
    stops.shot("03-change-form-filled")
    stops.start()
    form.locator("button[type=submit]").last.click()
    page.wait_for_load_state()
    stops.check("04-change-asked")
    return stops


# --- Petra, Hungarian, the producer ---------------------------------------------------------


def walk_petra(world: Any, navigator: Any, rendered: list[str]) -> Stops:
    production = world.production
    speaks(world.petra, "hu")
    ready(world)
    run = onset.start(world.ines, world.scene)
    incidents.report(world.jonas, production.pk, "Valaki telefonnal filmezett.", anonymous=True)
    petra = navigator(LAPTOP)
    log_in(petra, world.petra)
    stops = Stops(petra, "petra-hu", "hu", rendered)

    stops.go(f"/p/{production.pk}/")
    stops.check("01-production", "Harbour Lights")
    stops.go(f"/onset/{production.pk}/today/")
    stops.check("02-today")
    assert run.pk
    return stops


# --- the walks as tests ---------------------------------------------------------------------


def test_mara_reads_her_scene_consent_rider_and_pause_in_hungarian(
    world: Any, navigator: Any, rendered: list[str]
) -> None:
    walk_mara(world, navigator, rendered).assert_clean()


def test_ines_coordinates_the_day_in_spanish_and_prints_the_report_in_czech(
    staff_devices: Any, navigator: Any, rendered: list[str]
) -> None:
    walk_ines(staff_devices, navigator, rendered).assert_clean()


def test_dario_asks_for_a_change_in_czech(
    staff_devices: Any, navigator: Any, rendered: list[str]
) -> None:
    walk_dario(staff_devices, navigator, rendered).assert_clean()


def test_petra_sees_today_in_hungarian(
    staff_devices: Any, navigator: Any, rendered: list[str]
) -> None:
    walk_petra(staff_devices, navigator, rendered).assert_clean()
