"""The performer's pages read in plain words, load light, and link what they describe."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from closedset.boundaries import services
from closedset.boundaries.tests.test_services import end_sitting
from closedset.core.taxonomy import load_taxonomy

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


class _Text(HTMLParser):
    """What a person reads: text and the attributes read aloud, not the markup around them.
    A textarea's content is the person's own typing and is left out."""

    SPOKEN = ("aria-label", "title", "placeholder", "alt")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0
        self.ids: set[str] = set()
        self.described: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "textarea"):
            self.skip += 1
        for name, value in attrs:
            if name in self.SPOKEN and value:
                self.parts.append(value)
            if name == "id" and value:
                self.ids.add(value)
            if name in ("aria-describedby", "aria-labelledby") and value:
                self.described.extend(value.split())

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "textarea"):
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def read(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    return parser


def _id_patterns() -> list[re.Pattern[str]]:
    taxonomy = load_taxonomy()
    # Act ids that are not also plain words (e.g. "nudity-topless", "hair-pull").
    ids = sorted((a for a in taxonomy.acts if "-" in a), key=len, reverse=True)
    return [
        re.compile(r"boundaries\["),
        re.compile(r"\[\d+\]"),
        re.compile(r"\[[a-z0-9]-[a-z0-9]"),  # a regex character class
        re.compile(r"a-z, 0-9"),
        re.compile(r"performer id"),
        re.compile(r"\b(mara|jonas)\b"),  # people's ids; their names are capitalised
        re.compile(r"\b(give|receive)\b"),  # the file's direction words
        re.compile("|".join(re.escape(a) for a in ids)),
    ]


def assert_plain(html: str, where: str) -> None:
    text = " ".join(read(html).parts)
    for pattern in _id_patterns():
        found = pattern.search(text)
        assert found is None, f"{where}: {found.group(0)!r} in {text[found.start() - 80 :][:200]!r}"


def assert_descriptions_exist(html: str, where: str) -> None:
    page = read(html)
    missing = [ref for ref in page.described if ref not in page.ids]
    assert not missing, f"{where}: aria references to missing ids {missing}"


MARA = {
    "performer": "mara",
    "name": "Mara",
    "barrier": "condom",
    "boundaries": [
        {
            "act": "slap",
            "direction": "receive",
            "answer": "yes",
            "zones": {"face": "no"},
            "max_intensity": "light",
            "note": "left ear",
        },
        {"act": "nudity-topless", "direction": "self", "answer": "no"},
        {"act": "hair-pull", "direction": "receive", "answer": "maybe", "limit": "soft"},
        {"act": "kiss", "direction": "give", "answer": "yes", "partners": ["jonas"]},
    ],
}


def performer_pages(world, client):
    """Every page a performer reads about their profile, and its error states."""
    mara = world.mara
    share = reverse("boundaries:share", args=[world.production.pk])
    yield "share, nothing answered", client.post(share)
    yield "review, nothing answered", client.get(reverse("boundaries:review"))
    yield "history, nothing answered", client.get(reverse("boundaries:history"))
    yield "compare, nothing answered", client.get(reverse("boundaries:compare"))
    services.replace_profile(mara, MARA)
    end_sitting(mara)
    services.set_answer(mara, "hair-pull", "receive", "no")
    services.set_answer(mara, "kiss", "receive", "yes")
    get = client.get
    yield "profile", get(reverse("boundaries:mine"))
    for category in load_taxonomy().categories():
        yield f"group {category}", get(reverse("boundaries:mine") + f"?open={category}")
        yield f"fragment {category}", get(reverse("boundaries:group", args=[category]), **HTMX)
    for act in load_taxonomy().acts.values():
        for direction in act.directions:
            yield f"detail {act.id}", get(reverse("boundaries:detail", args=[act.id, direction]))
    detail = reverse("boundaries:detail", args=["slap", "receive"])
    yield (
        "detail, unknown partner",
        client.post(detail, {"answer": "yes", "partners": ["Jonas R."], "note": "x"}),
    )
    yield "detail, bad zone answer", client.post(detail, {"answer": "yes", "zone-face": "often"})
    yield "detail, bad intensity", client.post(detail, {"answer": "yes", "max_intensity": "x"})
    answer = reverse("boundaries:answer", args=["slap", "receive"])
    yield "answer, htmx", client.post(answer, {"answer": "maybe"}, **HTMX)
    yield "answer, bad", client.post(answer, {"answer": "often"})
    yield "answer, bad, htmx", client.post(answer, {"answer": "often"}, **HTMX)
    yield "barrier, bad", client.post(reverse("boundaries:barrier"), {"barrier": "gloves"})
    yield "review", get(reverse("boundaries:review"))
    yield "history", get(reverse("boundaries:history"))
    yield "version", get(reverse("boundaries:version", args=[1]))
    yield "version, current", get(reverse("boundaries:version", args=[2]))
    yield "compare", get(reverse("boundaries:compare") + "?from=2&to=1")
    yield "sharing", get(reverse("boundaries:sharing"))
    yield "looks", get(reverse("boundaries:looks"))
    yield "import", get(reverse("boundaries:import"))
    for name, text in IMPORTS.items():
        yield f"import, {name}", client.post(reverse("boundaries:import"), {"text": text})
    services.set_answer(world.jonas, "kiss", "give", "yes")


ENTRY = (
    "performer: mara\nboundaries:\n"
    "  - act: {act}\n    direction: {direction}\n    answer: {answer}\n"
)
IMPORTS = {
    "unknown partner": ENTRY.format(act="kiss", direction="give", answer="yes")
    + "    partners: [Jonas R.]\n",
    "unknown act": ENTRY.format(act="hair-pul", direction="receive", answer="yes"),
    "bad direction": ENTRY.format(act="hair-pull", direction="sideways", answer="yes"),
    "bad answer": ENTRY.format(act="hair-pull", direction="receive", answer="often"),
    "bad zone": ENTRY.format(act="slap", direction="receive", answer="yes")
    + "    zones: {elbow: no}\n",
    "zone on an act without zones": ENTRY.format(
        act="nudity-topless", direction="self", answer="no"
    )
    + "    zones: {face: no}\n",
    "twice": ENTRY.format(act="hair-pull", direction="receive", answer="yes")
    + "  - act: hair-pull\n    direction: receive\n    answer: no\n",
    "unknown field": ENTRY.format(act="hair-pull", direction="receive", answer="yes")
    + "    colour: red\n",
    "someone else's": ENTRY.format(act="kiss", direction="give", answer="yes").replace(
        "mara", "jonas"
    ),
    "not a profile": "- just\n- a list\n",
    "broken": "boundaries: [unclosed\n",
    "empty": "   \n",
    "entry not a mapping": "performer: mara\nboundaries:\n  - kiss\n",
    "bad limit": ENTRY.format(act="hair-pull", direction="receive", answer="no")
    + "    limit: firm\n",
}


def test_no_id_index_or_pattern_reaches_a_performers_page(world, client_as):
    client = client_as("mara")
    seen = 0
    for where, response in performer_pages(world, client):
        assert response.status_code in (200, 422), f"{where}: {response.status_code}"
        html = response.content.decode()
        assert_plain(html, where)
        if where.startswith("answer,") and "htmx" in where:
            # The row lands in the open group, where the act's description is.
            html += client.get(reverse("boundaries:mine") + "?open=impact").content.decode()
        assert_descriptions_exist(html, where)
        seen += 1
    assert seen > 100


def test_the_check_finds_what_it_looks_for():
    """The plain-words check above would catch each of the leaks it is for."""
    for leak in (
        "boundaries[41]: partner 'Jonas' is not a performer id (a-z, 0-9, '_', '-')",
        "mara: nudity-topless is a yes",
        "direction give",
        "must use [a-z0-9_-]",
    ):
        with pytest.raises(AssertionError):
            assert_plain(f"<p>{leak}</p>", "example")
    with pytest.raises(AssertionError):
        assert_descriptions_exist('<input aria-describedby="handle-help">', "example")


def test_import_errors_say_where_and_what_to_do(mara, client_as):
    client = client_as("mara")
    html = client.post(
        reverse("boundaries:import"), {"text": IMPORTS["unknown partner"]}
    ).content.decode()
    assert (
        "On line 6, Kiss, done by you to a partner: &#x27;Jonas R.&#x27; is not one of the "
        "performers you share a production with." in html
    )
    html = client.post(reverse("boundaries:import"), {"text": IMPORTS["twice"]}).content.decode()
    assert "Hair pull, done to you: this act and direction are answered twice" in html


def test_a_file_may_name_partners_as_people_do(mara, client_as):
    text = ENTRY.format(act="kiss", direction="give", answer="yes") + "    partners: [Jonas]\n"
    response = client_as("mara").post(reverse("boundaries:import"), {"text": text})
    assert response.status_code == 302
    assert services.my_profile(mara)[0].boundary("kiss", "give").partners == ("jonas",)


def test_partners_are_chosen_from_the_people_mara_works_with(world, mara, client_as):
    client = client_as("mara")
    url = reverse("boundaries:detail", args=["kiss", "give"])
    html = client.get(url).content.decode()
    assert '<input type="checkbox" name="partners" value="jonas"> <span>Jonas</span>' in html
    # Only performers: the coordinator, director and the outsider are not offered.
    for name in ("Ines", "Dario", "Oscar"):
        assert f"<span>{name}</span>" not in html
    response = client.post(url, {"answer": "yes", "partners": ["jonas"]})
    assert response.status_code == 302
    assert services.my_profile(mara)[0].boundary("kiss", "give").partners == ("jonas",)
    html = client.get(reverse("boundaries:mine") + "?open=kissing").content.decode()
    assert "only with Jonas" in html
    # Someone Mara does not work with cannot be slipped in.
    response = client.post(url, {"answer": "yes", "partners": ["oscar"]})
    assert response.status_code == 422


def test_the_first_load_of_the_profile_page_is_small(mara, client_as):
    services.replace_profile(mara, MARA)
    response = client_as("mara").get(reverse("boundaries:mine"))
    # Was 311 KB with every act of the taxonomy in it.
    assert len(response.content) < 30_000
    assert response.content.count(b'class="answer-row"') == 0


def test_sharing_an_empty_profile_asks_first(world, mara, client_as):
    client = client_as("mara")
    url = reverse("boundaries:share", args=[world.production.pk])
    response = client.post(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "You have not answered anything yet. If you share now, Ines will see" in html
    assert not services.is_shared(mara, world.production)
    response = client.post(url, {"empty": "yes"})
    assert response.status_code == 302
    assert services.is_shared(mara, world.production)


def test_the_performers_path_shows_progress(world, mara, client_as):
    services.replace_profile(mara, MARA)
    html = client_as("mara").get(reverse("boundaries:review")).content.decode()
    assert 'aria-current="step"' in html
    assert "4 of " in html and "shared with 0 of 1 production" in html
    assert "You say no to topless nudity. Your no is a hard limit (never negotiable)." in html
    assert "You say yes to kiss, done by you to a partner. Only with Jonas." in html
    assert "<strong>Slap, done to you:</strong> left ear" in html


def test_the_pdf_is_the_persons_own_and_never_cached(world, client_as, rf):
    from closedset.boundaries.views import pdf_html

    services.replace_profile(world.mara, MARA)
    response = client_as("mara").get(reverse("boundaries:pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF")
    assert len(response.content) > 5_000
    assert client_as("anonymous").get(reverse("boundaries:pdf")).status_code == 302
    # What the PDF is made of: the asker's own profile, in sentences.
    request = rf.get("/")
    request.user = world.mara
    html = pdf_html(request)
    assert "Boundary profile of Mara" in html and "You say no to topless nudity." in html
    assert_plain(html, "pdf")
    request.user = world.jonas
    html = pdf_html(request)
    assert "Boundary profile of Jonas" in html and "topless" not in html


def test_history_compare_and_restore_pages(mara, client_as):
    client = client_as("mara")
    services.set_answer(mara, "slap", "receive", "yes")
    end_sitting(mara)
    services.set_answer(mara, "slap", "receive", "no")
    html = client.get(reverse("boundaries:history")).content.decode()
    assert "You now say no to slap, done to you." in html
    assert "Bring back version 1" in html
    html = client.get(reverse("boundaries:compare") + "?from=1&to=2").content.decode()
    assert "From version 1 to version 2" in html and "You now say no to slap" in html
    # Nonsense numbers fall back to the two newest versions.
    assert client.get(reverse("boundaries:compare") + "?from=x&to=99").status_code == 200
    response = client.post(reverse("boundaries:restore", args=[1]))
    assert response.status_code == 302 and response["Location"].endswith("#v3")
    assert services.my_profile(mara)[0].boundary("slap", "receive").answer == "yes"
    html = client.get(reverse("boundaries:history")).content.decode()
    assert "brought back from version 1" in html
