"""`closedset breakdown SCRIPT [--json] [--adult]`: the contract's JSON on Fountain and Final
Draft, exit 2 and one line for unreadable input, the reader's language for the table only."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from closedset.cli import main

FOUNTAIN = """Title: Night Shift
Author: A. Writer

EXT. HOSPITAL CAR PARK - NIGHT #1#

Rain. ANA (30s) locks her bike.

DANI
You're late.

ANA
Always.

INT. DANI'S APARTMENT - LIVING ROOM - NIGHT

Dani pours two glasses of wine. [[Maybe they kiss here?]]

INT. DANI'S APARTMENT - KITCHEN - LATER #3B#

Ana sets her glass down.

Ana leans in and kisses Dani, slow and open-mouthed.

DANI
Stay.
"""

FDX = """<?xml version="1.0" encoding="UTF-8" standalone="no" ?>
<FinalDraft DocumentType="Script" Template="No" Version="5">
  <Content>
    <Paragraph Type="Scene Heading" Number="7"><Text>INT. BAR - NIGHT</Text></Paragraph>
    <Paragraph Type="Action"><Text>Mo wipes the counter.</Text></Paragraph>
    <Paragraph Type="Character"><Text>MO</Text></Paragraph>
    <Paragraph Type="Dialogue"><Text>We're closed.</Text></Paragraph>
    <Paragraph Type="Scene Heading" Number="7A"><Text>INT. BAR - BACK ROOM</Text></Paragraph>
    <Paragraph Type="Action"><Text>Mo pulls Lee close and kisses him, mouth open.</Text></Paragraph>
    <Paragraph Type="Character"><Text>LEE</Text></Paragraph>
    <Paragraph Type="Dialogue"><Text>Finally.</Text></Paragraph>
  </Content>
  <TitlePage>
    <Content><Paragraph Type="Text"><Text>Last Orders</Text></Paragraph></Content>
  </TitlePage>
</FinalDraft>
"""

BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<FinalDraft><Content>
  <Paragraph Type="Scene Heading"><Text>INT. ROOM - &lol3;</Text></Paragraph>
</Content></FinalDraft>
"""

SCENE_KEYS = ["index", "number", "heading", "line", "characters", "intimate", "acts", "evidence"]


def run(capsys, *args):
    code = main([str(arg) for arg in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def flat(text: str) -> str:
    return " ".join(text.split())


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, "utf-8")
    return path


def breakdown_json(capsys, path: Path, *extra: str) -> dict:
    code, out, err = run(capsys, "breakdown", path, "--json", *extra)
    assert (code, err) == (0, "")
    return json.loads(out)


def test_fountain_as_the_contract_says(capsys, tmp_path):
    data = breakdown_json(capsys, write(tmp_path, "night.fountain", FOUNTAIN))
    assert data["title"] == "Night Shift"
    first, second, third = data["scenes"]
    assert first == {
        "index": 1,
        "number": "1",
        "heading": "EXT. HOSPITAL CAR PARK - NIGHT",
        "line": 4,
        "characters": ["DANI", "ANA"],
        "intimate": False,
        "acts": [],
        "evidence": [],
    }
    # No number of its own: the index; a note proposing a kiss is never read as the script.
    assert (second["index"], second["number"], second["intimate"]) == (2, "2", False)
    assert third["index"] == 3 and third["number"] == "3B"
    assert third["heading"] == "INT. DANI'S APARTMENT - KITCHEN - LATER"
    assert third["line"] == 18 and third["characters"] == ["DANI"]
    assert third["intimate"] is True
    assert {"kiss", "open-mouth-kiss"} <= set(third["acts"])
    assert third["evidence"] == [
        {
            "line": 22,
            "text": "Ana leans in and kisses Dani, slow and open-mouthed.",
            "acts": ["kiss", "open-mouth-kiss"],
        }
    ]


def test_final_draft_as_the_contract_says(capsys, tmp_path):
    data = breakdown_json(capsys, write(tmp_path, "orders.fdx", FDX))
    assert data["title"] == "Last Orders"
    bar, back = data["scenes"]
    assert (bar["index"], bar["number"], bar["heading"], bar["line"]) == (
        1,
        "7",
        "INT. BAR - NIGHT",
        1,
    )
    assert bar["characters"] == ["MO"] and bar["intimate"] is False
    assert (back["index"], back["number"], back["line"]) == (2, "7A", 5)
    assert back["intimate"] is True and "kiss" in back["acts"]
    assert back["evidence"][0]["line"] == 6
    assert back["evidence"][0]["text"] == "Mo pulls Lee close and kisses him, mouth open."


def test_json_keys_in_the_contract_s_order(capsys, tmp_path):
    _, out, _ = run(capsys, "breakdown", write(tmp_path, "night.fountain", FOUNTAIN), "--json")
    data = json.loads(out)
    assert list(data) == ["title", "scenes"]
    for scene in data["scenes"]:
        assert list(scene) == SCENE_KEYS
        for item in scene["evidence"]:
            assert list(item) == ["line", "text", "acts"]
    # The order is in the text itself, not only in the parsed object.
    assert out.index('"title"') < out.index('"scenes"')
    positions = [out.index(f'"{key}"') for key in SCENE_KEYS]
    assert positions == sorted(positions)


def test_json_is_utf8_and_keeps_the_script_s_letters(capsys, tmp_path):
    script = "INT. CAFÉ ŽÁBA - NOC\n\nÉva kisses Zoë, mouth open.\n"
    data = breakdown_json(capsys, write(tmp_path, "cafe.fountain", script))
    scene = data["scenes"][0]
    assert scene["heading"] == "INT. CAFÉ ŽÁBA - NOC"
    assert scene["evidence"][0]["text"] == "Éva kisses Zoë, mouth open."


@pytest.mark.parametrize("name", ["night", "night.script"])
def test_a_file_without_a_known_extension_is_read_by_its_content(capsys, tmp_path, name):
    fdx = breakdown_json(capsys, write(tmp_path, name, FDX))
    assert fdx["title"] == "Last Orders" and [s["number"] for s in fdx["scenes"]] == ["7", "7A"]
    fountain = breakdown_json(capsys, write(tmp_path, name, FOUNTAIN))
    assert fountain["title"] == "Night Shift" and len(fountain["scenes"]) == 3


def test_adult_suggests_real_acts_and_mainstream_their_simulated_ones(capsys, tmp_path):
    path = write(tmp_path, "studio.fountain", "INT. STUDIO - DAY\n\nKai performs oral sex.\n")
    mainstream = breakdown_json(capsys, path)["scenes"][0]
    adult = breakdown_json(capsys, path, "--adult")["scenes"][0]
    assert mainstream["acts"] == ["simulated-oral"] and adult["acts"] == ["oral"]
    assert mainstream["intimate"] and adult["intimate"]


def test_the_table(capsys, tmp_path):
    code, out, err = run(capsys, "breakdown", write(tmp_path, "night.fountain", FOUNTAIN))
    assert (code, err) == (0, "")
    text = flat(out)
    assert "Night Shift" in text
    for heading in ("number", "heading", "characters", "intimate", "acts"):
        assert heading in text
    assert "3B" in out and "open-mouth-kiss" in out and "yes" in out and "no" in out
    assert "Scene 3B: INT. DANI'S APARTMENT - KITCHEN - LATER" in text
    assert (
        "line 22: Ana leans in and kisses Dani, slow and open-mouthed. [kiss, open-mouth-kiss]"
        in (text)
    )
    assert "scenes: 3, flagged intimate: 1" in text


@pytest.mark.parametrize("json_flag", [[], ["--json"]])
def test_text_without_scene_headings_is_not_a_screenplay(capsys, tmp_path, json_flag):
    """Garbage that happens to be text: nothing to break down, said plainly (exit 2)."""
    path = write(tmp_path, "notes.fountain", "Just some words.\nasdf qwer zxcv\n")
    code, out, err = run(capsys, "breakdown", path, *json_flag)
    assert (code, out) == (2, "")
    assert "has no scene headings" in flat(err) and "Traceback" not in err


BINARY = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4

UNREADABLE = [
    ("binary.fountain", BINARY, "not text"),
    ("binary", BINARY, "not text"),
    ("bomb.fdx", BOMB, "refused for safety"),
    ("bomb", BOMB, "refused for safety"),
    ("empty.fountain", b"", "empty"),
    ("blank.fdx", b"  \n\n", "empty"),
    ("latin1.fountain", "INT. CAFÉ - DAY\n".encode("latin-1"), "not UTF-8 text"),
    ("broken.fdx", "<FinalDraft><Content><Paragraph>", "XML is broken"),
    ("hollow.fdx", "<FinalDraft></FinalDraft>", "not a Final Draft script"),
    ("words.txt", b"Just some words, no screenplay.\n", "no scene headings"),
    ("noheadings.fdx", "<FinalDraft><Content/></FinalDraft>", "no scene headings"),
]


@pytest.mark.parametrize("as_json", [True, False], ids=["json", "table"])
@pytest.mark.parametrize("name,content,words", UNREADABLE, ids=[name for name, _, _ in UNREADABLE])
def test_unreadable_input_exits_2_with_one_line(capsys, tmp_path, name, content, words, as_json):
    path = write(tmp_path, name, content)
    code, out, err = run(capsys, "breakdown", path, *(["--json"] if as_json else []))
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith(f"closedset: error: {path}: ")
    assert words in err and "Traceback" not in err


def test_a_missing_file_or_a_folder_exits_2(capsys, tmp_path):
    code, out, err = run(capsys, "breakdown", tmp_path / "missing.fdx", "--json")
    assert (code, out) == (2, "")
    assert err == f"closedset: error: {tmp_path / 'missing.fdx'}: no such file\n"
    code, out, err = run(capsys, "breakdown", tmp_path, "--json")
    assert (code, out) == (2, "") and "is a folder" in err and err.count("\n") == 1


def test_a_file_too_large_is_refused_before_it_is_read_whole(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr("closedset.core.script.MAX_BYTES", 100)
    path = write(tmp_path, "long.fountain", FOUNTAIN)
    code, out, err = run(capsys, "breakdown", path, "--json")
    assert (code, out) == (2, "") and "too large to be a screenplay" in err


def test_czech_from_the_option_or_the_environment(capsys, tmp_path, monkeypatch):
    path = write(tmp_path, "night.fountain", FOUNTAIN)
    code, out, _ = run(capsys, "breakdown", path, "--lang", "cs")
    text = flat(out)
    assert code == 0
    assert "záhlaví" in text and "postavy" in text and "úkony" in text and "ano" in text
    assert "Scéna 3B: INT. DANI'S APARTMENT - KITCHEN - LATER" in text
    assert "řádek 22: Ana leans in" in text and "scény: 3, označené jako intimní: 1" in text
    # Ids stay; each act has its Czech label beside it.
    assert "open-mouth-kiss (" in out
    monkeypatch.setenv("LANG", "cs_CZ.UTF-8")
    assert flat(run(capsys, "breakdown", path)[1]) == text
    code, out, err = run(capsys, "breakdown", tmp_path / "missing.fdx")
    assert (code, out) == (2, "") and err.startswith("closedset: chyba: ")
    assert "takový soubor neexistuje" in err


def test_json_is_the_same_in_every_language(capsys, tmp_path, monkeypatch):
    path = write(tmp_path, "night.fountain", FOUNTAIN)
    outputs = {run(capsys, "breakdown", path, "--json")}
    for lang in ("cs", "es", "hu"):
        outputs.add(run(capsys, "breakdown", path, "--json", "--lang", lang))
        monkeypatch.setenv("LANG", f"{lang}_XX.UTF-8")
        outputs.add(run(capsys, "breakdown", path, "--json"))
        monkeypatch.delenv("LANG")
    assert len(outputs) == 1 and outputs.pop()[0] == 0


def test_help_names_the_adult_option_and_its_default(capsys):
    code, out, _ = run(capsys, "breakdown", "--help")
    text = flat(out)
    assert code == 0 and "--adult" in text and "--json" in text
    assert "real sex acts" in text and "simulated counterparts are suggested" in text
    code, out, _ = run(capsys, "breakdown", "--help", "--lang", "cs")
    assert "Produkce pro dospělé" in flat(out)


def test_breakdown_never_loads_django(tmp_path):
    path = write(tmp_path, "night.fountain", FOUNTAIN)
    code = (
        "import sys\n"
        "from closedset.cli import main\n"
        f"main(['breakdown', {str(path)!r}, '--json'])\n"
        f"main(['breakdown', {str(path)!r}])\n"
        f"main(['breakdown', {str(tmp_path / 'missing')!r}])\n"
        "print('django' in sys.modules, file=sys.stderr)\n"
    )
    environ = {**os.environ, "LANG": "cs_CZ.UTF-8"}
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        environ.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environ, check=False
    )
    assert '"title": "Night Shift"' in result.stdout and "Scéna 3B" in result.stdout
    assert result.stderr.strip().splitlines()[-1] == "False"


@pytest.mark.parametrize("how", ["option", "environment"])
def test_a_refusal_is_said_in_czech(capsys, tmp_path, monkeypatch, how):
    """The reader's refusal comes from the same table as the pages' (breakdown.refusals)."""
    path = write(tmp_path, "words.fountain", "Just some words.\n")
    extra = ["--lang", "cs"] if how == "option" else []
    if how == "environment":
        monkeypatch.setenv("LANG", "cs_CZ.UTF-8")
    code, out, err = run(capsys, "breakdown", path, *extra)
    assert (code, out) == (2, "")
    assert "nemá žádná záhlaví scén" in flat(err) and "has no scene headings" not in err
    assert str(path) in flat(err)
