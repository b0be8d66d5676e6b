"""Reading screenplays: Fountain rules one by one, Final Draft, hostile files, the corpus."""

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from closedset.core.errors import BadInput
from closedset.core.script import (
    ERROR_CODES,
    LINE_KINDS,
    MAX_BYTES,
    MAX_SCENES,
    Line,
    Note,
    Script,
    ScriptError,
    parse,
    parse_fdx,
    parse_fountain,
)

CORPUS = Path(__file__).resolve().parents[2] / "breakdown" / "tests" / "corpus"
LABELS = json.loads((CORPUS / "labels.json").read_text("utf-8"))["scripts"]


def fountain(text: str) -> Script:
    return parse_fountain(text)


def only_scene(text: str):
    script = fountain(text)
    assert len(script.scenes) == 1, script.scenes
    return script.scenes[0]


def kinds(scene) -> list[tuple[int, str, str, str]]:
    return [(line.number, line.kind, line.text, line.character) for line in scene.lines]


# --- Fountain: title page ------------------------------------------------------------------


def test_title_page_gives_the_title_and_is_no_scene():
    script = fountain("Title: NIGHT SHIFT\nAuthor: A. Writer\n\nINT. HOUSE - DAY\n\nHello.\n")
    assert script.title == "NIGHT SHIFT"
    assert script.format == "fountain"
    assert [(s.heading, s.line) for s in script.scenes] == [("INT. HOUSE - DAY", 4)]


def test_title_over_several_indented_lines_is_joined_without_emphasis():
    text = (
        'Title:\n    _**FLAT SHARE**_\n    Episode 2: "The Neighbour"\nCredit: by\n\n'
        "EXT. ROOF - NIGHT\n"
    )
    script = fountain(text)
    assert script.title == 'FLAT SHARE Episode 2: "The Neighbour"'
    assert script.scenes[0].line == 6


def test_no_title_page():
    script = fountain("EXT. FIELD - DAY\n\nWheat.\n")
    assert script.title == ""
    assert script.scenes[0].line == 1


def test_a_line_with_a_colon_is_not_a_title_page():
    script = fountain("FADE IN:\n\nINT. HOUSE - DAY\n\nHello.\n")
    assert script.title == ""
    assert script.scenes[0].line == 3


# --- Fountain: scene headings ---------------------------------------------------------------


@pytest.mark.parametrize(
    "heading",
    [
        "INT. HOUSE - DAY",
        "EXT. HOUSE - DAY",
        "EST. CITY - NIGHT",
        "INT./EXT. CAR - MOVING",
        "INT/EXT. CAR - MOVING",
        "I/E CAR - DAY",
        "int. house - day",
        "ext house - day",
        "Int. House - Day",
    ],
)
def test_scene_heading_prefixes(heading):
    scene = only_scene(f"Some action.\n\n{heading}\n\nMore action.\n")
    assert scene.heading == heading
    assert scene.line == 3


@pytest.mark.parametrize(
    "line", ["INTERIOR DESIGN IS HARD.", "Internal bleeding.", "EXTRA! EXTRA!"]
)
def test_words_starting_like_a_heading_are_not_headings(line):
    script = fountain(f"INT. A - DAY\n\n{line}\n\nMore.\n")
    assert len(script.scenes) == 1
    assert script.scenes[0].lines[0].text == line


def test_heading_needs_a_blank_line_before():
    script = fountain("INT. A - DAY\n\nShe says\nINT. B - DAY is on the sign.\n")
    assert len(script.scenes) == 1


def test_forced_heading_and_not_an_ellipsis():
    script = fountain("INT. A - DAY\n\n...and then.\n\n.THE LIFT\n\nCramped.\n")
    assert [s.heading for s in script.scenes] == ["INT. A - DAY", "THE LIFT"]
    assert script.scenes[0].lines[0].text == "...and then."


def test_double_dot_is_not_a_forced_heading():
    assert len(fountain("INT. A - DAY\n\n..THE LIFT\n\nCramped.\n").scenes) == 1


def test_scene_numbers_are_read_and_removed_from_the_heading():
    script = fountain(
        "INT. A - DAY #11#\n\nx\n\nINT. B - DAY\n\ny\n\n.THE LIFT #12B#\n\nz\n\n"
        "EXT. C - NIGHT #I-1-A#\n"
    )
    assert [(s.index, s.number, s.heading) for s in script.scenes] == [
        (1, "11", "INT. A - DAY"),
        (2, "2", "INT. B - DAY"),
        (3, "12B", "THE LIFT"),
        (4, "I-1-A", "EXT. C - NIGHT"),
    ]


def test_forced_action_is_not_a_heading():
    scene = only_scene("INT. A - DAY\n\n!INT. ROOMS ONLY. NO SMOKING.\n")
    assert kinds(scene) == [(3, "action", "INT. ROOMS ONLY. NO SMOKING.", "")]


def test_text_before_the_first_heading_is_no_scene():
    script = fountain("FADE IN:\n\nA title card.\n\nBOB\nHello.\n\nINT. A - DAY\n\nx\n")
    assert len(script.scenes) == 1
    assert script.scenes[0].characters == ()


def test_no_headings_means_no_scenes_and_no_error():
    script = fountain("Just some prose.\n\nAnd more.\n")
    assert script.scenes == ()


# --- Fountain: characters, dialogue ---------------------------------------------------------


def test_character_dialogue_and_parenthetical():
    scene = only_scene("INT. A - DAY\n\nDANI\n(quietly)\nHello.\nStill me.\n\nAction.\n")
    assert kinds(scene) == [
        (4, "parenthetical", "(quietly)", "DANI"),
        (5, "dialogue", "Hello.", "DANI"),
        (6, "dialogue", "Still me.", "DANI"),
        (8, "action", "Action.", ""),
    ]
    assert scene.characters == ("DANI",)


def test_extensions_are_left_out_of_names():
    scene = only_scene(
        "INT. A - DAY\n\nRADIO DJ (V.O.)\nHi.\n\nTOM (CONT'D)\nFine.\n\n"
        "HANS (on the radio)\nJa.\n\nTOM (O.S.) (CONT'D)\nAgain.\n"
    )
    assert scene.characters == ("RADIO DJ", "TOM", "HANS")
    assert [line.character for line in scene.lines] == ["RADIO DJ", "TOM", "HANS", "TOM"]


def test_forced_character_keeps_its_case_as_written():
    scene = only_scene("INT. A - DAY\n\n@McCLANE\nYippee.\n")
    assert kinds(scene) == [(4, "dialogue", "Yippee.", "McCLANE")]
    assert scene.characters == ("MCCLANE",)


def test_a_bare_at_sign_is_no_character():
    scene = only_scene("INT. A - DAY\n\n@\nHello.\n")
    assert scene.characters == ()
    assert [line.kind for line in scene.lines] == ["action", "action"]


def test_dual_dialogue_mark_is_removed():
    scene = only_scene("INT. A - DAY\n\nJO\nHi.\n\nMARCUS ^\nHi.\n\nMARCUS (CONT'D) ^\nBye.\n")
    assert scene.characters == ("JO", "MARCUS")


def test_capitals_followed_by_a_blank_line_are_action():
    scene = only_scene("INT. A - DAY\n\nBANG!\n\nThe door flies open.\n")
    assert scene.characters == ()
    assert [line.kind for line in scene.lines] == ["action", "action"]


def test_a_name_introduced_in_action_is_not_a_character():
    scene = only_scene("INT. A - DAY\n\nELIZA HARTE (19, quick) runs in.\nShe stops.\n")
    assert scene.characters == ()


def test_two_spaces_keep_a_dialogue_block_going():
    scene = only_scene("INT. A - DAY\n\nBOB\nOne.\n  \nTwo.\n")
    assert kinds(scene) == [(4, "dialogue", "One.", "BOB"), (6, "dialogue", "Two.", "BOB")]


def test_lyrics_in_dialogue_are_sung_by_the_character():
    scene = only_scene("INT. A - DAY\n\nBOB\n~La la la.\n")
    assert kinds(scene) == [(4, "lyric", "La la la.", "BOB")]
    assert scene.characters == ("BOB",)


# --- Fountain: transitions, centered, lyrics, action ----------------------------------------


def test_transitions_centered_and_lyrics():
    scene = only_scene(
        "INT. A - DAY\n\nx\n\nCUT TO:\n\n> FADE OUT.\n\n> THE END <\n\n~Sing, sing.\n\n"
        "SMASH CUT TO:\n"
    )
    assert kinds(scene) == [
        (3, "action", "x", ""),
        (5, "transition", "CUT TO:", ""),
        (7, "transition", "FADE OUT.", ""),
        (9, "centered", "THE END", ""),
        (11, "lyric", "Sing, sing.", ""),
        (13, "transition", "SMASH CUT TO:", ""),
    ]


def test_transition_needs_capitals_and_blank_lines():
    scene = only_scene("INT. A - DAY\n\nHe walks to:\n\nNothing.\n")
    assert scene.lines[0].kind == "action"


def test_sections_synopses_and_page_breaks_are_not_text():
    script = fountain("# ACT ONE\n\n= Jo meets Marcus.\n\n===\n\nINT. A - DAY\n\n## Part\n\nx\n")
    assert len(script.scenes) == 1
    assert kinds(script.scenes[0]) == [(11, "action", "x", "")]


def test_action_lines_each_keep_their_line_number():
    scene = only_scene("INT. A - DAY\n\nOne.\nTwo.\n\nThree.\n")
    assert [(line.number, line.text) for line in scene.lines] == [
        (3, "One."),
        (4, "Two."),
        (6, "Three."),
    ]


# --- Fountain: emphasis ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "plain"),
    [
        ("The *ironing board*, Jo.", "The ironing board, Jo."),
        ("A **bold** move.", "A bold move."),
        ("***Both*** at once.", "Both at once."),
        ("An _underlined_ word.", "An underlined word."),
        ("_**FLAT SHARE**_", "FLAT SHARE"),
        ("*italic with **bold** inside*", "italic with bold inside"),
        ("Five \\* three is not *emphasis*.", "Five * three is not emphasis."),
        ("snake_case_name stays", "snake_case_name stays"),
        ("2 * 3 * 4", "2 * 3 * 4"),
    ],
)
def test_emphasis_markers_are_removed(written, plain):
    assert only_scene(f"INT. A - DAY\n\n{written}\n").lines[0].text == plain


# --- Fountain: notes and boneyard -----------------------------------------------------------


def test_inline_note_is_taken_out_of_the_text_and_kept():
    script = fountain("INT. A - DAY\n\nShe kisses him [[check with IC]] on the cheek.\n")
    scene = script.scenes[0]
    assert scene.lines[0].text == "She kisses him  on the cheek."
    assert scene.notes == (Note(3, "check with IC"),)
    assert script.notes == scene.notes


def test_multi_line_note_keeps_its_opening_line_and_later_lines_do_not_move():
    script = fountain("INT. A - DAY\n\n[[First line\nsecond line]]\n\nAction.\n")
    assert script.notes == (Note(3, "First line\nsecond line"),)
    assert kinds(script.scenes[0]) == [(6, "action", "Action.", "")]


def test_a_note_between_a_cue_and_its_dialogue_does_not_break_the_block():
    scene = only_scene("INT. A - DAY\n\nBOB\n[[louder?]]\nHello.\n")
    assert kinds(scene) == [(5, "dialogue", "Hello.", "BOB")]


def test_a_note_may_hold_a_line_of_two_spaces_but_no_empty_line():
    script = fountain("INT. A - DAY\n\n[[One\n  \nTwo]]\n\nx\n")
    assert script.notes == (Note(3, "One\n  \nTwo"),)
    script = fountain("INT. A - DAY\n\n[[TODO fix\n\nINT. B - DAY\n\nx [[a]] y ]]\n")
    assert [s.heading for s in script.scenes] == ["INT. A - DAY", "INT. B - DAY"]
    assert script.notes == (Note(7, "a"),)
    assert script.scenes[0].lines[0].text == "[[TODO fix"


def test_a_heading_inside_a_note_is_no_scene():
    script = fountain("INT. A - DAY\n\n[[\n  \nINT. B - NIGHT\n  \n]]\n\nx\n")
    assert len(script.scenes) == 1


def test_boneyard_is_kept_apart_and_never_makes_a_scene():
    text = (
        "INT. A - DAY\n\nx\n\n/*\nINT. B - NIGHT #14A#\n\nThey kiss. [[a note]]\n*/\n\n"
        "y\n\nINT. C - DAY\n"
    )
    script = fountain(text)
    assert [s.heading for s in script.scenes] == ["INT. A - DAY", "INT. C - DAY"]
    assert script.boneyard == (Note(5, "INT. B - NIGHT #14A#\n\nThey kiss. [[a note]]"),)
    assert script.notes == ()
    assert kinds(script.scenes[0]) == [(3, "action", "x", ""), (11, "action", "y", "")]
    assert script.scenes[1].line == 13


def test_inline_boneyard():
    scene = only_scene("INT. A - DAY\n\nShe /* kisses him and */ leaves.\n")
    assert scene.lines[0].text == "She  leaves."


def test_an_unclosed_note_or_boneyard_stays_in_the_text():
    scene = only_scene("INT. A - DAY\n\nHe says [[ and /* then.\n")
    assert scene.lines[0].text == "He says [[ and /* then."


# --- Fountain: line endings -----------------------------------------------------------------


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_line_endings_and_byte_order_mark_do_not_move_lines(ending):
    lines = ["Title: T", "", "INT. A - DAY", "", "BOB", "Hi.", "", "EXT. B - NIGHT"]
    for text in (ending.join(lines), "\ufeff" + ending.join(lines)):
        script = fountain(text)
        assert script.title == "T"
        assert [s.line for s in script.scenes] == [3, 8]
        assert script.scenes[0].lines == (Line(6, "dialogue", "Hi.", "BOB"),)
    data = b"\xef\xbb\xbf" + ending.join(lines).encode()
    assert [s.line for s in parse(data, "x.fountain").scenes] == [3, 8]


def test_other_unicode_line_separators_are_not_line_breaks():
    script = fountain("INT. A - DAY\n\nOne\u2028still one\x0cand one.\n\nEXT. B - DAY\n")
    assert script.scenes[1].line == 5


# --- Final Draft ----------------------------------------------------------------------------


def fdx(body: str, extra: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n'
        f'<FinalDraft DocumentType="Script" Version="5"><Content>{body}</Content>{extra}'
        "</FinalDraft>"
    ).encode()


def para(kind: str, *runs: str, number: str = "") -> str:
    attrs = f' Type="{kind}"' + (f' Number="{number}"' if number else "")
    return f"<Paragraph{attrs}>" + "".join(f"<Text>{r}</Text>" for r in runs) + "</Paragraph>"


def test_fdx_scenes_numbers_runs_and_lines():
    data = fdx(
        para("Action", "Before any scene.")
        + para("Scene Heading", "INT. NADIA'S APARTMENT - ", "NIGHT", number="2A")
        + para("Action", "She pulls him in and ", "kisses him", ", mouth open.")
        + para("Character", "NADIA (CONT'D)")
        + para("Parenthetical", "(beat)")
        + para("Dialogue", "Dinner &amp; a story.")
        + para("Shot", "INT. CLOSE ON HANDS")
        + para("Transition", "CUT TO:")
        + para("Scene Heading", "EXT. MARINA - DAWN")
    )
    script = parse_fdx(data)
    assert script.format == "fdx"
    assert [(s.index, s.number, s.heading, s.line) for s in script.scenes] == [
        (1, "2A", "INT. NADIA'S APARTMENT - NIGHT", 2),
        (2, "2", "EXT. MARINA - DAWN", 9),
    ]
    first = script.scenes[0]
    assert first.characters == ("NADIA",)
    assert kinds(first) == [
        (3, "action", "She pulls him in and kisses him, mouth open.", ""),
        (5, "parenthetical", "(beat)", "NADIA"),
        (6, "dialogue", "Dinner & a story.", "NADIA"),
        (7, "action", "INT. CLOSE ON HANDS", ""),
        (8, "transition", "CUT TO:", ""),
    ]


def test_fdx_dual_dialogue():
    data = fdx(
        para("Scene Heading", "INT. ROOM - NIGHT")
        + "<Paragraph><DualDialogue>"
        + para("Character", "REYES")
        + para("Dialogue", "Where?")
        + para("Character", "NADIA")
        + para("Dialogue", "Lawyer.")
        + "</DualDialogue></Paragraph>"
        + para("Action", "Silence.")
    )
    scene = parse_fdx(data).scenes[0]
    assert scene.characters == ("REYES", "NADIA")
    assert kinds(scene) == [
        (4, "dialogue", "Where?", "REYES"),
        (6, "dialogue", "Lawyer.", "NADIA"),
        (7, "action", "Silence.", ""),
    ]


def test_fdx_script_notes_are_kept_apart_from_the_text():
    inline = (
        '<Paragraph Type="Action"><Text>He leaves.</Text>'
        "<ScriptNote><Paragraph><Text>Sex here?</Text></Paragraph></ScriptNote></Paragraph>"
    )
    apart = (
        '<ScriptNotes><ScriptNote ID="1" Range="1,0-1,4">'
        "<Paragraph><Text>Full nudity?</Text></Paragraph></ScriptNote></ScriptNotes>"
    )
    script = parse_fdx(fdx(para("Scene Heading", "INT. A - DAY") + inline, apart))
    scene = script.scenes[0]
    assert kinds(scene) == [(2, "action", "He leaves.", "")]
    assert scene.notes == (Note(2, "Sex here?"),)
    assert set(script.notes) == {Note(2, "Sex here?"), Note(0, "Full nudity?")}
    assert all("nudity" not in line.text and "Sex" not in line.text for line in scene.lines)


def test_fdx_empty_heading_paragraph_is_no_scene():
    data = fdx(para("Scene Heading", "INT. A - DAY") + para("Scene Heading") + para("Action", "x"))
    script = parse_fdx(data)
    assert [(s.index, s.heading) for s in script.scenes] == [(1, "INT. A - DAY")]
    assert kinds(script.scenes[0]) == [(3, "action", "x", "")]


def test_fdx_title_from_the_title_page():
    page = (
        '<TitlePage><Content><Paragraph Type="Title"><Text>UNDER</Text><Text>TOW</Text>'
        "</Paragraph><Paragraph><Text>by someone</Text></Paragraph></Content></TitlePage>"
    )
    assert parse_fdx(fdx("", page)).title == "UNDERTOW"
    assert parse_fdx(fdx("")).title == ""
    assert parse_fdx(fdx("")).scenes == ()


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<FinalDraft><Content><Paragraph Type="Action"><Text>&lol3;</Text></Paragraph></Content>
</FinalDraft>"""

EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE FinalDraft [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<FinalDraft><Content><Paragraph Type="Action"><Text>&secret;</Text></Paragraph></Content>
</FinalDraft>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE FinalDraft SYSTEM "http://example.invalid/evil.dtd">
<FinalDraft><Content/></FinalDraft>"""


@pytest.mark.parametrize("data", [BOMB, EXTERNAL, EXTERNAL_DTD])
def test_fdx_with_entities_or_a_dtd_is_refused(data):
    with pytest.raises(ScriptError, match="refused") as caught:
        parse(data, "bomb.fdx")
    assert "This Final Draft file contains" in str(caught.value)
    with pytest.raises(ScriptError, match="refused"):
        parse(data, "no-extension")


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"<?xml version='1.0'?><FinalDraft><Content><Paragraph>", "broken near line 1"),
        (b"<FinalDraft><Other/></FinalDraft>", "no script content"),
        (b"not xml at all", "broken"),
    ],
)
def test_broken_fdx(data, words):
    with pytest.raises(ScriptError, match=words):
        parse(data, "script.fdx")


def test_deeply_nested_fdx_is_read_without_crashing():
    depth = 200_000
    data = fdx(para("Scene Heading", "INT. A - DAY") + "<X>" * depth + "</X>" * depth)
    try:
        script = parse_fdx(data)
    except ScriptError:
        return  # refusing is fine too; crashing is not
    assert len(script.scenes) == 1


# --- Choosing the format; hostile and broken files ------------------------------------------


def test_format_by_extension_and_by_content():
    text = b"INT. A - DAY\n\nx\n"
    assert parse(text, "a.fountain").format == "fountain"
    assert parse(text, "A.SPMD").format == "fountain"
    assert parse(text, "notes.txt").format == "fountain"
    assert parse(text).format == "fountain"
    data = fdx(para("Scene Heading", "INT. A - DAY"))
    assert parse(data, "a.fdx").format == "fdx"
    assert parse(data, "upload").format == "fdx"
    assert parse(b"\xef\xbb\xbf  " + data, "upload").format == "fdx"
    with pytest.raises(ScriptError, match="no scene headings") as refused:
        parse(b"<FinalDraft><Content/></FinalDraft>", "")
    assert refused.value.code == "no-scenes"


@pytest.mark.parametrize("data", [b"Just words.\n", b"Title: Notes\n\nNo headings here.\n"])
def test_a_file_without_scene_headings_is_refused(data):
    with pytest.raises(ScriptError, match="has no scene headings") as refused:
        parse(data, "notes.fountain")
    assert refused.value.code == "no-scenes"
    # The format readers themselves still read such text: it is parse() that refuses it.
    assert parse_fountain(data.decode()).scenes == ()


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n\x00\x01\x02\xff\xfe binary",
        bytes(range(256)) * 4,
        "INT. CAFÉ - DAY".encode("latin-1"),
        b"\x01\x02\x03\x04\x05\x06\x07\x08 mostly control characters\x0e\x0f\x10\x11\x12\x13",
    ],
)
def test_binary_or_not_utf8_is_not_a_screenplay(data):
    for name in ("script.fountain", "script.pdf", ""):
        with pytest.raises(ScriptError, match="This file is not a screenplay"):
            parse(data, name)


@pytest.mark.parametrize("data", [b"", b"  \n\n\t", b"\xef\xbb\xbf"])
def test_empty_file(data):
    with pytest.raises(ScriptError, match="empty"):
        parse(data, "script.fountain")


def test_too_large_is_refused():
    with pytest.raises(ScriptError, match="too large"):
        parse(b"x" * (MAX_BYTES + 1), "big.fountain")


def test_script_error_is_a_bad_input_and_a_value_error():
    assert issubclass(ScriptError, BadInput)
    assert issubclass(ScriptError, ValueError)


@pytest.mark.parametrize(
    "line",
    [
        "*a " * 300_000,
        "_a " * 300_000,
        "INT. " + " " * 1_000_000 + "#",
        "#" * 1_000_000,
        "[[" * 300_000,
        "[[\n\n" * 200_000 + "]]",
        "/*" * 300_000,
        "a\\" * 300_000,
        ("**x" + " " * 1000) * 1000,
    ],
)
def test_huge_lines_are_read_quickly(line):
    start = time.perf_counter()
    parse_fountain("INT. A - DAY\n\n" + line + "\n\nBOB\n" + line + "\n")
    assert time.perf_counter() - start < 20  # a guard against a runaway, not a benchmark


# --- Invariants -----------------------------------------------------------------------------

FOUNTAINISH = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "",
                "  ",
                "INT. HOUSE - DAY",
                "ext. yard #3A#",
                ".FORCED",
                "BOB",
                "BOB (V.O.) ^",
                "@bob",
                "(beat)",
                "Hello.",
                "CUT TO:",
                "> FADE OUT.",
                "> THE END <",
                "~la",
                "!INT. NOT A HEADING",
                "# Act",
                "= synopsis",
                "===",
                "[[note",
                "]]",
                "/*",
                "*/",
                "Title: X",
                "    indented",
                "*bold* _under_",
            ]
        ),
        st.text(max_size=30),
    ),
    max_size=40,
)


FDX_PARAGRAPHS = st.lists(
    st.tuples(
        st.sampled_from(
            ["Scene Heading", "Action", "Character", "Dialogue", "Parenthetical", "Shot", "X"]
        ),
        st.text(st.characters(blacklist_categories=["Cs", "Cc", "Cn"]), max_size=12),
        st.booleans(),
    ),
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(FDX_PARAGRAPHS)
def test_any_fdx_paragraphs_parse_with_lines_in_order(paragraphs):
    from xml.sax.saxutils import escape

    body = "".join(
        ("<Paragraph><DualDialogue>{}</DualDialogue></Paragraph>" if dual else "{}").format(
            para(kind, escape(text))
        )
        for kind, text, dual in paragraphs
    )
    script = parse_fdx(fdx(body))
    check_lines(script, 2 * len(paragraphs))
    headings = [text for kind, text, _ in paragraphs if kind == "Scene Heading" and text.strip()]
    assert len(script.scenes) == len(headings)


def test_the_parser_does_not_load_django():
    code = "import sys, closedset.core.script; sys.exit('django' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def check_lines(script: Script, total: int) -> None:
    numbers: list[int] = []
    for scene in script.scenes:
        numbers.append(scene.line)
        numbers.extend(line.number for line in scene.lines)
        assert all(line.kind in LINE_KINDS for line in scene.lines)
        assert [s.index for s in script.scenes] == list(range(1, len(script.scenes) + 1))
    assert numbers == sorted(set(numbers))
    assert all(1 <= n <= total for n in numbers)
    assert all(0 <= note.line <= total for note in script.notes + script.boneyard)


@settings(max_examples=300, deadline=None)
@given(FOUNTAINISH, st.sampled_from(["\n", "\r\n", "\r"]))
def test_any_fountain_text_parses_with_lines_in_order(lines, ending):
    text = ending.join(lines)
    script = parse_fountain(text)
    total = max(1, text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1)
    check_lines(script, total)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_any_bytes_parse_or_raise_script_error(data):
    for name in ("", "x.fdx", "x.fountain"):
        try:
            parse(data, name)
        except ScriptError as error:
            assert str(error) and len(str(error)) < 300


# --- The labelled corpus --------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(LABELS))
def test_corpus_scenes_match_the_labels(name):
    labels = LABELS[name]
    script = parse((CORPUS / name).read_bytes(), name)
    assert script.format == labels["format"]
    # labels.json gives the first line of a title; a title over several lines is joined here.
    assert script.title.startswith(labels["title"] or "")
    assert len(script.scenes) == len(labels["scenes"])
    for scene, label in zip(script.scenes, labels["scenes"], strict=True):
        assert scene.index == label["index"]
        assert scene.number == label["number"]
        assert scene.heading == label["heading"]
        if label.get("line") is not None:
            assert scene.line == label["line"], scene.heading
        assert sorted(scene.characters) == sorted(label["speakers"]), scene.heading
    text = " ".join(line.text for scene in script.scenes for line in scene.lines)
    for note in script.notes + script.boneyard:
        assert note.text not in text


def test_corpus_covers_every_labelled_script():
    on_disk = {p.name for p in CORPUS.iterdir() if p.suffix in (".fountain", ".fdx")}
    assert on_disk == set(LABELS)


def test_a_feature_length_script_parses(capsys):
    """Prints the time for a 120-page feature (about 7,000 lines); asserts nothing of it."""
    parts = [(CORPUS / n).read_text("utf-8-sig") for n in sorted(LABELS) if n.endswith("fountain")]
    body = "\n\n".join(parts)
    text = body
    while text.count("\n") < 7000:
        text += "\n\n" + body
    start = time.perf_counter()
    script = parse(text.encode(), "feature.fountain")
    took = time.perf_counter() - start
    with capsys.disabled():
        lines = text.count("\n") + 1
        print(f"\nfeature: {lines} lines, {len(script.scenes)} scenes, {took:.3f} s")
    assert len(script.scenes) > 100


# ---------------------------------------------------------------- control characters


def _controls(script) -> list[str]:
    """Every text the parser returned that holds a control character other than tab (and,
    in notes, line feed)."""
    texts = [script.title]
    for scene in script.scenes:
        texts += [scene.number, scene.heading, *scene.characters]
        texts += [t for line in scene.lines for t in (line.text, line.character)]
    bad = [t for t in texts if any(c != "\t" and not c.isprintable() for c in t)]
    notes = [n.text for n in (*script.notes, *script.boneyard)]
    return bad + [t for t in notes if any(c not in "\t\n" and not c.isprintable() for c in t)]


def test_fountain_text_holds_no_control_characters() -> None:
    esc = "\x1b]0;owned\x07\x1b[2K\x9b1A\x7f"
    data = (
        f"Title: The{esc} Night\n\nINT. ROOM{esc} - NIGHT #4{esc}#\n\n"
        f"Ana kisses{esc} Dani.\t Tab kept.\n\nANA\x1b[2K\x9b\nHi{esc}.\n\n"
        f"[[note{esc}\n  two]]\n\n/* bone{esc} */\n\n" + "They talk for a long time. " * 40
    ).encode()
    script = parse(data, "x.fountain")
    assert _controls(script) == []
    scene = script.scenes[0]
    assert script.title == "The]0;owned[2K1A Night"
    assert scene.heading.startswith("INT. ROOM]0;owned")
    assert scene.lines[0].text == "Ana kisses]0;owned[2K1A Dani.\t Tab kept."
    assert scene.characters == ("ANA[2K",)
    assert scene.lines[1].character == "ANA[2K"
    assert script.notes[0].text.startswith("note]0;owned") and "\n" in script.notes[0].text


def test_fdx_text_holds_no_control_characters_and_numbers_one_line() -> None:
    """XML refuses C0 references but &#9; &#10; &#13;; C1 ones (&#155; is CSI) it takes."""
    data = (
        b'<?xml version="1.0"?><FinalDraft><TitlePage><Content><Paragraph><Text>T&#155;2Kitle'
        b"</Text></Paragraph></Content></TitlePage><Content>"
        b'<Paragraph Type="Scene Heading" Number=" 4&#10;&#13;&#9;B&#133; ">'
        b"<Text>INT. ROOM&#155;1A - NIGHT</Text></Paragraph>"
        b'<Paragraph Type="Character"><Text>ANA&#150;</Text></Paragraph>'
        b'<Paragraph Type="Dialogue"><Text>Hi&#157;0;x&#156;.</Text></Paragraph>'
        b'<Paragraph Type="Action"><Text>She waits.</Text>'
        b"<ScriptNote><Paragraph><Text>n&#155;1</Text></Paragraph>"
        b"<Paragraph><Text>n2</Text></Paragraph></ScriptNote></Paragraph>"
        b"</Content></FinalDraft>"
    )
    script = parse(data, "x.fdx")
    assert _controls(script) == []
    scene = script.scenes[0]
    assert (scene.number, scene.heading) == ("4 B", "INT. ROOM1A - NIGHT")
    assert script.title == "T2Kitle"
    assert scene.characters == ("ANA",)
    assert scene.lines[0].text == "Hi0;x."
    assert script.notes[0].text == "n1\nn2"


def test_more_than_the_most_scene_headings_is_refused() -> None:
    assert len(parse(b"INT. A - DAY\n\n" * MAX_SCENES, "x.fountain").scenes) == MAX_SCENES
    with pytest.raises(ScriptError) as refused:
        parse(b"INT. A - DAY\n\n" * (MAX_SCENES + 1), "x.fountain")
    assert refused.value.code == "too-many-scenes" and refused.value.code in ERROR_CODES
    assert refused.value.values == {"limit": "2,000"}
    assert "more than 2,000 scene headings" in str(refused.value)
