"""The `closedset` command speaks the reader's language: --lang, else the environment (as
gettext reads it), else English. JSON, ids and exit codes never change with the language."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from closedset import cli, webcli
from closedset.cli import language_from_environment, main
from closedset.core.errors import BadInput

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
SLAP = EXAMPLES / "unplanned-slap"
VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


@pytest.fixture
def speaking(monkeypatch):
    """Sets the environment's language for the runs that follow (None: nothing set)."""

    def speak(lang: str | None = None, variable: str = "LANG") -> None:
        for name in VARIABLES:
            monkeypatch.delenv(name, raising=False)
        if lang is not None:
            monkeypatch.setenv(variable, lang)

    speak()
    return speak


def run(capsys, *args):
    code = main([str(arg) for arg in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def flat(text: str) -> str:
    return " ".join(text.split())


def check_slap(capsys, *extra):
    return run(capsys, "check", SLAP / "plan.yaml", SLAP, *extra)


def test_english_by_default(capsys, speaking):
    code, out, _ = check_slap(capsys)
    assert code == 4
    assert "Scene 12B: blocked" in flat(out)
    assert "b2: blocked - mara: slap to face is a hard limit" in flat(out)
    assert "Scéna" not in out


def test_czech_from_lang(capsys, speaking):
    speaking("cs_CZ.UTF-8")
    code, out, _ = check_slap(capsys)
    assert code == 4
    text = flat(out)
    assert "Scéna 12B: zablokováno" in text
    assert "moment" in text and "kdo" in text and "stav" in text
    assert "Scene 12B" not in text and "blocked" not in text
    # Ids in the table stay as they are; the reason is said as the plan pages say it.
    assert "slap (face), light" in text
    assert "b2: zablokováno - „partner/ka → mara: plácnutí (obličej)“ je pevná hranice." in text
    assert "is a hard limit" not in text


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("es", "es un límite absoluto"),
        ("hu", "áthághatatlan határ"),
    ],
)
def test_the_reason_in_other_languages(capsys, speaking, lang, said):
    code, out, _ = check_slap(capsys, "--lang", lang)
    assert code == 4
    assert said in flat(out) and "is a hard limit" not in out


def test_lang_option_wins_over_the_environment(capsys, speaking):
    speaking("hu_HU.UTF-8")
    _, out, _ = check_slap(capsys, "--lang", "cs")
    assert "Scéna 12B: zablokováno" in flat(out)
    _, out, _ = check_slap(capsys, "--lang", "en")
    assert "Scene 12B: blocked" in flat(out)


def test_an_unknown_lang_option_is_a_one_line_error(capsys, speaking):
    code, out, err = check_slap(capsys, "--lang", "xx")
    assert (code, out) == (2, "") and err.count("\n") == 1 and "Available: en" in err


@pytest.mark.parametrize(
    "environ,expected",
    [
        ({}, "en"),
        ({"LANG": "cs_CZ.UTF-8"}, "cs"),
        ({"LANG": "es_MX.UTF-8"}, "es"),
        ({"LC_ALL": "hu_HU.UTF-8", "LANG": "cs_CZ.UTF-8"}, "hu"),
        ({"LC_MESSAGES": "hu_HU", "LANG": "es_ES.UTF-8"}, "hu"),
        ({"LANGUAGE": "de:cs:es", "LANG": "de_DE.UTF-8"}, "cs"),
        ({"LANGUAGE": "", "LANG": "cs_CZ@euro"}, "cs"),
        # Unknown languages and the C locale fall back to English, silently.
        ({"LANG": "fr_FR.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANGUAGE": "C:cs"}, "en"),
        ({"LANG": "POSIX"}, "en"),
    ],
)
def test_the_language_is_read_from_the_environment_as_gettext_does(environ, expected):
    assert language_from_environment(environ) == expected


def test_an_unknown_environment_language_is_english_without_a_word(capsys, speaking):
    speaking("fr_FR.UTF-8")
    code, out, err = check_slap(capsys)
    assert code == 4 and err == "" and "Scene 12B: blocked" in flat(out)


def test_json_is_the_same_in_every_language(capsys, speaking):
    outputs = set()
    for lang in ("en_GB.UTF-8", "cs_CZ.UTF-8", "es_ES.UTF-8", "hu_HU.UTF-8"):
        speaking(lang)
        code, out, _ = check_slap(capsys, "--json")
        outputs.add((code, out))
        code, out, _ = check_slap(capsys, "--json", "--lang", lang[:2])
        outputs.add((code, out))
    assert len(outputs) == 1
    code, out = outputs.pop()
    assert code == 4 and json.loads(out)["status"] == "blocked"


def test_taxonomy_json_stays_english_unless_lang_asks(capsys, speaking):
    _, english, _ = run(capsys, "taxonomy", "--json")
    speaking("cs_CZ.UTF-8")
    assert run(capsys, "taxonomy", "--json")[1] == english
    # Asked for, the labels are Czech and every id is kept.
    _, czech, _ = run(capsys, "taxonomy", "--json", "--lang", "cs")
    assert czech != english
    ids = lambda text: [act["id"] for act in json.loads(text)["acts"]]  # noqa: E731
    assert ids(czech) == ids(english)


def test_taxonomy_table_in_czech_from_the_environment(capsys, speaking):
    speaking("cs_CZ.UTF-8")
    code, out, _ = run(capsys, "taxonomy")
    assert code == 0
    assert "úkonů" in out and "zóny: " in out and "face (Obličej)" in flat(out)


PLAN = """scene: 1
cast: {A: ada, B: bea}
beats:
  - {id: b1, act: kiss, by: A, to: B, zone: mouth}
"""
PROFILES = {
    "ada": "performer: ada\nboundaries:\n  - {act: kiss, direction: give, answer: yes}\n",
    "bea": "performer: bea\nboundaries:\n  - {act: kiss, direction: receive, answer: yes}\n",
    "cy": "performer: cy\nboundaries:\n  - {act: kiss, direction: receive, answer: yes}\n",
}


def cast_folder(tmp_path: Path, plan: str) -> Path:
    for name, text in PROFILES.items():
        (tmp_path / f"{name}.yaml").write_text(text)
    (tmp_path / "plan.yaml").write_text(plan)
    return tmp_path


def test_cast_in_czech_and_its_json_unchanged(capsys, speaking, tmp_path):
    folder = cast_folder(tmp_path, PLAN)
    args = ("cast", folder / "plan.yaml", "--pool", folder)
    code, out, _ = run(capsys, *args)
    assert code == 0 and "Scene 1 has no open roles; as cast it is acceptable." in flat(out)
    speaking("cs_CZ.UTF-8")
    code, out, _ = run(capsys, *args)
    assert code == 0 and "Scéna 1 nemá volné role" in flat(out)

    (folder / "plan.yaml").write_text(PLAN.replace("B: bea", "B: null"))
    code, out, _ = run(capsys, *args, "--lang", "cs")
    # The title wraps to the narrow table's width.
    assert code == 0 and "Scéna1:2možnáobsazení" in "".join(out.split())
    json_runs = {run(capsys, *args, "--json", "--lang", lang)[:2] for lang in ("en", "cs", "hu")}
    assert len(json_runs) == 1


def test_errors_speak_the_language_and_keep_their_exit_code(capsys, speaking, tmp_path):
    speaking("cs_CZ.UTF-8")
    code, out, err = run(capsys, "check", tmp_path / "missing.yaml", tmp_path)
    assert (code, out) == (2, "") and err.startswith("closedset: chyba: ")
    code, _, err = run(capsys)
    assert code == 2 and err == "closedset: chyba použití: zadej příkaz (viz closedset --help)\n"
    code, _, err = run(capsys, "verify", tmp_path / "r.json", "--previous", tmp_path / "p.json")
    assert code == 2 and "--previous a --log patří k sobě" in err


def test_help_in_the_environment_language_or_the_asked_one(capsys, speaking):
    speaking("cs_CZ.UTF-8")
    code, out, _ = run(capsys, "check", "--help")
    assert code == 0 and "Zkontrolovat plán podle profilů hranic" in flat(out)
    code, out, _ = run(capsys, "check", "--lang", "es", "--help")
    assert code == 0 and "Comprobar un plan con los perfiles de límites" in flat(out)
    speaking()
    code, out, _ = run(capsys, "check", "--help")
    assert "Check a plan against boundary profiles" in flat(out)


def test_one_run_s_language_never_carries_over(capsys, speaking):
    check_slap(capsys, "--lang", "cs")
    assert cli.current_language() == "en"
    assert "Scene 12B: blocked" in flat(check_slap(capsys)[1])


def test_the_web_commands_speak_it_too(settings):
    settings.DEV = False
    cli.use_language("cs")
    try:
        with pytest.raises(BadInput, match="jen pro vývoj"):
            webcli.demo()
    finally:
        cli.use_language("en")


def test_the_pure_commands_still_never_load_django():
    code = (
        "import sys\n"
        "from closedset.cli import main\n"
        "main(['check', '--help'])\n"
        "main(['taxonomy'])\n"
        "print('django' in sys.modules, file=sys.stderr)\n"
    )
    environ = {**os.environ, "LANG": "cs_CZ.UTF-8"}
    environ.pop("LANGUAGE", None), environ.pop("LC_ALL", None), environ.pop("LC_MESSAGES", None)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environ, check=False
    )
    assert "Zkontrolovat plán" in " ".join(result.stdout.split())
    assert result.stderr.strip().splitlines()[-1] == "False"
