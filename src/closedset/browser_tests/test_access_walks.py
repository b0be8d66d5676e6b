"""Access walks: every page each persona reaches from home, at phone and desktop sizes, with
its labels and descriptions linked to elements that exist, tap targets of at least 44 px and no
serious axe finding; and, keyboard only, focus staying where an htmx update happened, with the
change read out."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin, urlparse

import pytest
from playwright.sync_api import expect

from closedset.boundaries import services as boundaries
from closedset.browser_tests.conftest import LAPTOP, PHONE, wired
from closedset.plans.tests.scenario import JONAS, MARA
from closedset.productions import services as productions

pytestmark = pytest.mark.django_db(transaction=True)

# Pages a walk does not open: leaving, downloads, the admin and the API.
SKIP = re.compile(r"^/(admin|api)/|/logout/|\.(pdf|yaml|yml|json|csv|zip)$|/export")
MAX_PAGES = 40

# Every id a label, a description or a name points at must exist on the page.
BROKEN_REFERENCES = """() => {
  const missing = [];
  for (const el of document.querySelectorAll("[aria-describedby], [aria-labelledby], label[for]")) {
    for (const attr of ["aria-describedby", "aria-labelledby", "for"]) {
      const value = el.getAttribute(attr);
      if (value === null || (attr === "for" && el.tagName !== "LABEL")) continue;
      for (const id of value.split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) {
          missing.push(`${el.outerHTML.slice(0, 120)} ${attr}=${id}`);
        }
      }
    }
  }
  return missing;
}"""

# Links in the navigation, buttons, fields, and boxes and round choices with their labels (the
# whole area that ticks them): at least 44 by 44 px, half a pixel allowed for rounding. Links
# inside running text are exempt, as in WCAG.
SMALL_TARGETS = """() => {
  const visible = (el) =>
    el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  const area = (els) => {
    const boxes = els.filter(visible).map((el) => el.getBoundingClientRect());
    const edge = (side, pick) => pick(...boxes.map((b) => b[side]));
    return {
      width: edge("right", Math.max) - edge("left", Math.min),
      height: edge("bottom", Math.max) - edge("top", Math.min),
    };
  };
  const selector = "nav a, nav button, button, a.button, select, textarea, summary, " +
    "input:not([type=hidden])";
  const small = [];
  for (const el of document.querySelectorAll(selector)) {
    if (!visible(el) || el.closest(".skip, template")) continue;
    const box = el.matches("[type=radio], [type=checkbox]") ? area([el, ...el.labels]) :
      el.getBoundingClientRect();
    if (box.width < 43.5 || box.height < 43.5) {
      const size = `${Math.round(box.width)}x${Math.round(box.height)}`;
      small.push(`${el.outerHTML.slice(0, 100)} ${size}`);
    }
  }
  return small;
}"""


def crawl(who: Any, start: str = "/") -> tuple[list[str], list[str]]:
    """The pages reachable from `start` by following links, breadth first, and the links that
    lead to an error page instead."""
    seen, queue, pages, broken = {start}, [start], [], []
    while queue and len(pages) < MAX_PAGES:
        path = queue.pop(0)
        response = who.page.goto(who.base_url + path)
        who.page.wait_for_load_state()
        if response is None or response.status >= 400:
            broken.append(f"{path} ({response.status if response else 'no answer'})")
            continue
        if urlparse(who.page.url).path.startswith("/login/"):
            continue
        pages.append(path)
        hrefs = who.page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        for href in hrefs:
            url = urlparse(urljoin(who.page.url, href))
            if url.netloc != urlparse(who.base_url).netloc:
                continue
            target = url.path + (f"?{url.query}" if url.query else "")
            if target not in seen and not SKIP.search(url.path):
                seen.add(target)
                queue.append(target)
    return pages, broken


def check_page(who: Any, path: str, axe: bool = True) -> None:
    who.go(path)
    who.page.wait_for_load_state()
    missing = who.page.evaluate(BROKEN_REFERENCES)
    assert not missing, f"{path}: references to missing ids: {missing}"
    small = who.page.evaluate(SMALL_TARGETS)
    assert not small, f"{path}: tap targets under 44 px: {small}"
    if axe:
        who.assert_accessible()


@pytest.mark.parametrize("persona", ["mara", "ines", "dario", "petra", "cora", "oscar"])
def test_every_page_of_each_persona_is_linked_and_tappable(
    staff_devices: Any, navigator: Any, persona_password: str, persona: str
) -> None:
    world = staff_devices
    phone = navigator(PHONE)
    phone.log_in(world.users[persona], persona_password)
    pages, broken = crawl(phone)
    assert "/" in pages and "/account/" in pages
    for path in pages:
        check_page(phone, path)
    # A link the person is offered never ends on "Not allowed" or "Not found".
    assert not broken, f"links to error pages: {broken}"
    phone.screenshot(f"access-{persona}-phone-last")
    desktop = navigator(LAPTOP)
    desktop.log_in(world.users[persona], persona_password)
    for path in pages:
        # axe judges the markup, the same at both sizes; sizes and references are re-measured.
        check_page(desktop, path, axe=False)
    desktop.go("/")
    desktop.screenshot(f"access-{persona}-desktop-home")
    phone.assert_no_script_errors()
    desktop.assert_no_script_errors()


def test_a_performer_nav_has_her_pages_and_no_tokens(
    world: Any, navigator: Any, persona_password: str
) -> None:
    mara = navigator(PHONE)
    mara.log_in(world.mara, persona_password)
    nav = mara.page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="My boundaries")).to_be_visible()
    expect(nav.get_by_role("link", name="Account")).to_be_visible()
    expect(nav.get_by_role("link", name="Sessions & tokens")).to_have_count(0)
    mara.go("/account/")
    expect(mara.page.get_by_role("link", name="API tokens")).to_have_count(0)
    expect(nav.get_by_role("link", name="Account")).to_have_attribute("aria-current", "page")
    mara.screenshot("access-mara-account-phone")


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "desktop"])
def test_the_invitation_form_links_its_help_and_errors(
    world: Any, navigator: Any, viewport: dict[str, int]
) -> None:
    _, key = productions.invite(
        world.ines, world.production, email="nadia@example.org", role="performer"
    )
    nadia = navigator(viewport)
    nadia.go(f"/invite/{key}/")
    handle = nadia.page.get_by_label("Handle")
    described = handle.get_attribute("aria-describedby")
    assert described
    expect(nadia.page.locator(f"#{described}")).to_contain_text("Lower-case letters")
    check_page(nadia, f"/invite/{key}/")
    # Sent with a handle no file could use: the error is linked to the field as well.
    nadia.page.get_by_label("Your name").fill("Nadia")
    nadia.page.get_by_label("Handle").fill("Nadia K")
    nadia.page.get_by_label("Password").fill("short")
    nadia.page.get_by_role("button", name="Accept").click()
    nadia.page.wait_for_load_state()
    invalid = nadia.page.locator("[aria-invalid=true]")
    assert invalid.count() >= 1
    for i in range(invalid.count()):
        ids = (invalid.nth(i).get_attribute("aria-describedby") or "").split()
        errors = [i for i in ids if i.endswith("_error")]
        assert errors, invalid.nth(i).evaluate("e => e.outerHTML")
        expect(nadia.page.locator(f"#{errors[0]}")).not_to_be_empty()
    assert not nadia.page.evaluate(BROKEN_REFERENCES)
    nadia.assert_accessible()
    nadia.screenshot(f"access-invitation-errors-{'phone' if viewport == PHONE else 'desktop'}")


# A page with htmx and closedset/focus.js (every page has both), given small fixtures: the
# answers come from the browser's own router, so no server route exists only for a test.
FIXTURE = """
<section id="fx" aria-label="Fixture">
  <div id="card"><p>Beat 1: a kiss</p>
    <button id="edit" hx-get="/fixture/edit" hx-target="#card"
            hx-swap="outerHTML">Edit beat 1</button></div>
  <div id="plain"><button hx-get="/fixture/plain" hx-target="#plain"
                          hx-swap="outerHTML">Change beat 2</button></div>
  <div><button id="more" hx-get="/fixture/more" hx-target="#out"
               hx-swap="innerHTML">Load more</button></div>
  <div id="out"></div>
  <button id="broken" hx-get="/fixture/broken" hx-target="#out">Break</button>
  <button id="slow" hx-get="/fixture/slow" hx-target="#slow-out" hx-swap="outerHTML">Slow</button>
  <div id="slow-out"></div>
  <label for="elsewhere">Elsewhere</label><input id="elsewhere">
  <ol id="beats">
    <li>b1 <button aria-label="Move b1 down">Down</button></li>
    <li>b2 <button aria-label="Move b2 up">Up</button>
      <button aria-label="Move b2 down" hx-get="/fixture/moved" hx-target="#beats"
              hx-swap="outerHTML">Down</button></li>
    <li>b3 <button aria-label="Move b3 up">Up</button></li>
  </ol>
</section>
"""
ANSWERS = {
    "edit": (
        200,
        '<form id="card" data-announce="Editing beat 1"><label for="what">What</label>'
        '<input id="what" data-focus value="a kiss"><button>Save</button></form>',
    ),
    "plain": (200, '<div id="plain2"><h3>Beat 2</h3><p>A hug, lightly.</p></div>'),
    "more": (200, '<p role="status">3 more beats</p>'),
    "broken": (500, "<p>boom</p>"),
    "slow": (200, '<div id="slow-out"><p>Late answer</p></div>'),
    "moved": (
        200,
        '<ol id="beats"><li>b1 <button aria-label="Move b1 down">Down</button></li>'
        '<li>b3 <button aria-label="Move b3 up">Up</button>'
        '<button aria-label="Move b3 down">Down</button></li>'
        '<li>b2 <button aria-label="Move b2 up">Up</button>'
        '<button aria-label="Move b2 down">Down</button></li>'
        '<li>b4 <button aria-label="Move b4 up">Up</button></li>'
        '<li role="status" data-announce="b2 moved down.">b2 moved down.</li></ol>',
    ),
}


def test_focus_returns_to_the_change_and_it_is_read_out(world: Any, navigator: Any) -> None:
    who = navigator(LAPTOP)
    page = who.page
    held: list[Any] = []

    def answer(route: Any) -> None:
        name = urlparse(route.request.url).path.rsplit("/", 1)[-1]
        if name == "slow":
            held.append(route)  # answered later, after the person has moved on
            return
        status, body = ANSWERS[name]
        route.fulfill(status=status, body=body, content_type="text/html")

    page.route("**/fixture/*", answer)
    who.go("/login/")
    page.wait_for_function("() => window.htmx !== undefined")
    page.evaluate(
        "html => { const main = document.querySelector('main');"
        " main.insertAdjacentHTML('beforeend', html); htmx.process(main.lastElementChild); }",
        FIXTURE,
    )
    live = page.locator("#live-announce")

    # The edited element is replaced: focus goes to the field marked data-focus.
    page.locator("#edit").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#what")).to_be_focused()
    expect(live).to_have_text("Editing beat 1")

    # Nothing marked: the new content itself takes focus (not a tab stop), its name is read.
    page.locator("#plain button").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#plain2")).to_be_focused()
    assert page.locator("#plain2").get_attribute("tabindex") == "-1"
    expect(live).to_have_text("Beat 2: updated.")

    # The button survives the update: focus stays on it; the status text is read.
    page.locator("#more").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#out")).to_have_text("3 more beats")
    expect(page.locator("#more")).to_be_focused()
    expect(live).to_have_text("3 more beats")

    # A failed update changes nothing and says so in plain words.
    page.locator("#broken").focus()
    page.keyboard.press("Enter")
    expect(live).to_contain_text("That did not work")
    expect(page.locator("#broken")).to_be_focused()

    # The person moved on before the answer came: focus is not taken from where they are.
    page.locator("#slow").focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('#slow').classList.contains('htmx-request')"
    )
    page.keyboard.press("Tab")
    expect(page.locator("#elsewhere")).to_be_focused()
    page.keyboard.type("typing")
    assert held, "the slow request was not sent"
    status, body = ANSWERS["slow"]
    held[0].fulfill(status=status, body=body, content_type="text/html")
    expect(page.locator("#slow-out")).to_have_text("Late answer")
    expect(page.locator("#elsewhere")).to_be_focused()
    expect(page.locator("#elsewhere")).to_have_value("typing")

    # The list is redrawn: focus finds the same control, in the beat's new place.
    page.locator("#beats button[aria-label='Move b2 down']").focus()
    page.keyboard.press("Enter")
    expect(live).to_have_text("b2 moved down.")
    expect(
        page.locator("#beats li").nth(2).get_by_role("button", name="Move b2 down")
    ).to_be_focused()

    # The only errors are the browser's and htmx's own lines about the failure we made.
    assert all("/fixture/broken" in error or "500" in error for error in page.js_errors)


def test_mara_answers_with_the_keyboard_and_keeps_her_place(
    world: Any, navigator: Any, persona_password: str
) -> None:
    mara = navigator(PHONE)
    mara.log_in(world.mara, persona_password)
    page = mara.page
    mara.go("/boundaries/")
    live = page.locator("#live-announce")
    summary = page.locator("#cat-impact > summary")
    summary.focus()
    page.keyboard.press("Enter")
    row = page.locator("#row-slap-receive")
    expect(row).to_be_visible()
    expect(summary).to_be_focused()
    # The group arrives by htmx; its forms answer keys only once htmx has bound them.
    wired(page, "#row-slap-receive")
    # Tab on into the slap's answers, as a keyboard user does.
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.closest('#row-slap-receive') !== null"):
            break
    focused = page.evaluate("() => document.activeElement.type")
    assert focused == "radio", "Tab never reached the slap's answers"
    before = page.evaluate("() => document.activeElement.id")
    page.keyboard.press("ArrowRight")  # the next answer: chosen, and saved by htmx
    expect(row.locator(".row-status")).to_contain_text("Saved")
    chosen = page.evaluate("() => document.activeElement.id")
    assert chosen != before and chosen.startswith("answer-slap-receive-")
    expect(page.locator(f"#{chosen}")).to_be_checked()
    expect(live).to_contain_text("Saved")
    mara.screenshot("access-mara-keyboard-answer")
    mara.assert_no_script_errors()


def test_ines_casts_with_the_keyboard_and_focus_stays_on_the_role(
    staff_devices: Any, navigator: Any, persona_password: str
) -> None:
    world = staff_devices
    for user, data in ((world.mara, MARA), (world.jonas, JONAS)):
        boundaries.replace_profile(user, data)
        boundaries.share(user, world.production.pk)
    ines = navigator(LAPTOP)
    ines.log_in(world.ines, persona_password)
    page = ines.page
    ines.go(f"/plans/{world.production.pk}/scenes/{world.scene.pk}/")
    page.wait_for_function(
        "() => document.querySelector('#role-A .cast-form')?.['htmx-internal-data']?.initHash"
    )
    role_a = page.locator("#cast-A")
    role_a.focus()
    page.keyboard.press("ArrowDown")  # the first performer in the list
    chosen = role_a.input_value()
    assert chosen
    page.keyboard.press("Tab")
    cast = page.locator("#role-A").get_by_role("button", name="Cast")
    expect(cast).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#plan-notice")).to_contain_text(f"Role A: {chosen}")
    # The whole plan was redrawn; the keyboard is still on role A's Cast button.
    expect(page.locator("#role-A").get_by_role("button", name="Cast")).to_be_focused()
    expect(page.locator("#live-announce")).to_contain_text(f"Role A: {chosen}")
    # And goes on from there, to role A's next control.
    page.keyboard.press("Tab")
    expect(page.locator("#role-A").get_by_role("button", name="Remove role A")).to_be_focused()
    ines.screenshot("access-ines-keyboard-cast")
    ines.assert_no_script_errors()


def test_on_paper_the_page_has_no_navigation_or_controls(
    world: Any, navigator: Any, persona_password: str
) -> None:
    mara = navigator(LAPTOP)
    mara.log_in(world.mara, persona_password)
    page = mara.page
    mara.go("/account/sessions/")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.get_by_role("heading", name="Where you are signed in")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.get_by_role("button")).to_have_count(0)  # hidden buttons leave the tree
    expect(page.locator(".site-footer")).to_be_hidden()
    mara.screenshot("access-print-sessions")
