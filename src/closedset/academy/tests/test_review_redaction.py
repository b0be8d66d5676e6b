"""redact(): every identifying value of an application, however it is written in the answers,
becomes "[removed]"; the rest of the text stays as it was."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from closedset.academy.models import Application
from closedset.academy.review import REMOVED, identity_of, redact
from closedset.accounts.models import User

R = REMOVED


def _identity(**fields):
    user = User(
        email=fields.pop("user_email", "zoe.k@example.org"),
        display_name=fields.pop("display_name", "Zoë Kowalczyk"),
        handle=fields.pop("handle", "zoek"),
    )
    values = {
        "full_name": "Zoë Kowalczyk-Ortiz",
        "email": "zoe.kowalczyk@mailbox.example",
        "phone": "+48 601 234 567",
        "location": "Kraków, Poland",
        "links": "https://www.zoe-films.example/reel\nhttp://vimeo.example/zkortiz",
    }
    values.update(fields)
    return identity_of(Application(applicant=user, **values))


@pytest.mark.parametrize(
    "text,expected",
    [
        # The whole name, any case, accents or not, spaces however many.
        ("I am Zoë Kowalczyk-Ortiz.", f"I am {R}."),
        ("I am ZOE   kowalczyk-ortiz.", f"I am {R}."),
        # Each word of the name alone, with punctuation around it kept.
        ("Ask (Zoe) about it!", f"Ask ({R}) about it!"),
        ("Kowalczyk's set; ortiz, too", f"{R}'s set; {R}, too"),
        ("“Zoë”", f"“{R}”"),
        # Not inside other words.
        ("Zoetrope and Ortizan are words.", "Zoetrope and Ortizan are words."),
        # The e-mail address, and its local part alone.
        ("Mail ZOE.Kowalczyk@Mailbox.example now", f"Mail {R} now"),
        ("my handle is zoe.kowalczyk.", f"my handle is {R}."),
        # The account's address, name and handle too.
        ("write zoe.k@example.org or ask @zoek", f"write {R} or ask @{R}"),
        # Links and their hosts, with or without scheme or www.
        ("See https://www.zoe-films.example/reel for my work", f"See {R} for my work"),
        ("See zoe-films.example/other.", f"See {R}/other."),
        ("vimeo.example/zkortiz", f"{R}"),
        # The place, by each of its parts.
        ("I grew up in krakow, in POLAND.", f"I grew up in {R}, in {R}."),
    ],
)
def test_identifying_values_are_removed(text, expected):
    assert redact(text, _identity()) == expected


@pytest.mark.parametrize(
    "text",
    [
        "call +48 601 234 567",
        "call 48601234567",
        "call 601-234-567",
        "call 601 234 567",
        "call (0048) 601.234.567",
        "call +48/601/234/567 any time",
        "call 601234567.",
        "call 234 567 (the last six)",
    ],
)
def test_a_phone_number_is_removed_however_it_is_written(text):
    result = redact(text, _identity())
    digits = "".join(c for c in result if c.isdigit())
    assert "234567" not in digits, result
    assert R in result
    assert result.startswith("call ")


def test_other_numbers_stay():
    text = "Since 2019 I worked 12 years on 40 sets; call 112 in need."
    assert redact(text, _identity()) == text


def test_text_without_identifying_values_is_unchanged():
    text = "Six years as a stage manager; first-aid trained.\nI want everyone safe."
    assert redact(text, _identity()) == text
    assert redact("", _identity()) == ""


def test_overlapping_values_become_one_mark():
    # The name inside the link inside the sentence: one "[removed]", no leftovers.
    text = "https://www.zoe-films.example/reel (Zoë Kowalczyk-Ortiz)"
    assert redact(text, _identity()) == f"{R} ({R})"


def test_short_name_words_are_only_removed_as_the_whole_name():
    identity = _identity(full_name="Li Na", display_name="Li Na", handle="lna")
    assert redact("Li Na wrote this; li is a word here", identity) == (
        f"{R} wrote this; li is a word here"
    )


def test_an_application_without_optional_values(db):
    identity = _identity(phone="", location="", links="")
    assert redact("call 601 234 567 in Poland", identity) == "call 601 234 567 in Poland"


def test_lookalike_punctuation_and_case_folding():
    identity = _identity(full_name="Seán O’Brien-Straße", display_name="Seán")
    text = "SEAN O'BRIEN-STRASSE and o’brien and strasse"
    assert redact(text, identity) == f"{R} and {R} and {R}"


def test_letters_without_accents_to_drop_are_matched_written_plainly():
    identity = _identity(full_name="Tomás Ødegård", display_name="Tom", location="Tromsø")
    text = "ODEGARD, Odegård and ødegard from TROMSO"
    assert redact(text, identity) == f"{R}, {R} and {R} from {R}"


# --- property: however an applicant writes their details, none survive --------------------------

_ACCENTS = {"a": "á", "e": "é", "i": "í", "o": "ö", "u": "ü", "c": "ç", "n": "ñ"}
_FILLER = ["I", "worked", "on", "sets", "for", "years", "and", "call", "me", "at", "2019"]


@st.composite
def _written(draw, value: str) -> str:
    """`value` as a person might type it: any case, accents added, odd spacing."""
    out = []
    for char in value:
        if char.isalpha():
            if draw(st.booleans()):
                char = char.upper()
            if char.lower() in _ACCENTS and draw(st.integers(0, 4)) == 0:
                char = _ACCENTS[char.lower()]
        elif char == " ":
            char = draw(st.sampled_from([" ", "  ", "\n", "\u00a0"]))
        out.append(char)
    return "".join(out)


@st.composite
def _phone_written(draw) -> str:
    national = "601234567"
    prefix = draw(st.sampled_from(["+48", "0048", "(+48)", "", "0"]))
    separators = st.sampled_from(["", " ", "-", ".", "/"])
    body = national[0]
    for digit in national[1:]:
        body += draw(separators) + digit
    return (prefix + draw(st.sampled_from(["", " "])) + body).strip()


@st.composite
def _answer(draw) -> str:
    pieces = st.one_of(
        st.sampled_from(_FILLER),
        _written("Zoë Kowalczyk-Ortiz"),
        _written("Zoe"),
        _written("Kowalczyk"),
        _written("zoe.kowalczyk@mailbox.example"),
        _written("Kraków"),
        _written("zoe-films.example"),
        _phone_written(),
    )
    words = draw(st.lists(pieces, min_size=1, max_size=12))
    marks = st.sampled_from(["", ",", ".", ";", "!", "?", ")", "'s", ":"])
    return " ".join(draw(st.sampled_from(["", "(", '"'])) + w + draw(marks) for w in words)


@settings(max_examples=300, deadline=None)
@given(_answer())
def test_no_identifying_value_survives_redaction(text):
    from closedset.academy.tests.test_review_blind import leaks

    application = Application(
        applicant=User(email="zoe.k@example.org", display_name="Zoë K", handle="zoek"),
        full_name="Zoë Kowalczyk-Ortiz",
        email="zoe.kowalczyk@mailbox.example",
        phone="+48 601 234 567",
        location="Kraków, Poland",
        links="https://www.zoe-films.example/reel",
    )
    result = redact(text, identity_of(application))
    assert not leaks(result.encode(), application), (text, result)
