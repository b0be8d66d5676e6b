"""Core errors carry a stable code and the values of their message (for pages that say them in
the reader's language); the English message stays exactly as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from closedset.core.errors import BadInput
from closedset.core.files import read_text
from closedset.core.profile import parse_profile
from closedset.core.yamlio import MAX_DEPTH, SELF_ALIAS, TOO_DEEP, TOO_MANY_ALIASES, load


def _error(text: str) -> BadInput:
    with pytest.raises(BadInput) as caught:
        load(text, "p.yaml")
    return caught.value


def test_a_key_given_twice():
    error = _error("a: 1\na: 2\n")
    assert str(error) == "p.yaml:2: key 'a' is given twice"
    assert (error.code, error.values, error.line) == ("yaml.key_twice", {"key": "a"}, 2)


def test_a_key_that_is_not_text():
    error = _error("? [1, 2]\n: x\n")
    assert error.message == "a key must be plain text, not a list"
    assert error.code == "yaml.key_not_text" and error.values == {"key": "a list"}


def test_nesting_and_aliases():
    deep = _error("a: " + "[" * (MAX_DEPTH + 2) + "]" * (MAX_DEPTH + 2))
    assert deep.message == TOO_DEEP
    assert deep.code == "yaml.too_deep" and deep.values == {"levels": MAX_DEPTH}
    many = (
        "a: &a ["
        + ", ".join(["x"] * 10)
        + "]\n"
        + "".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 10) + "]\n"
            for i in range(6)
        )
    )
    error = _error(many)
    assert error.message == TOO_MANY_ALIASES and error.code == "yaml.too_many_aliases"
    assert SELF_ALIAS.startswith("this file repeats a part of itself")


def test_not_yaml():
    error = _error("a: [1, 2\n")
    assert error.message.startswith("not valid YAML or JSON: ")
    assert error.code == "yaml.invalid"


def test_profile_errors():
    with pytest.raises(BadInput) as caught:
        parse_profile(None)
    assert caught.value.message == (
        "the file is empty; a boundary profile needs 'performer' and 'boundaries'"
    )
    assert caught.value.code == "profile.empty"
    entry = {"act": "kiss", "direction": "give", "answer": "yes"}
    with pytest.raises(BadInput) as caught:
        parse_profile({"performer": "mara", "boundaries": [entry, entry]})
    assert caught.value.code == "profile.answered_twice"
    assert caught.value.values == {"index": 1, "act": "kiss", "direction": "give"}
    assert "is answered twice; keep one entry per act and direction" in caught.value.message


def test_file_errors(tmp_path: Path):
    with pytest.raises(BadInput) as caught:
        read_text(tmp_path / "missing.yaml")
    assert caught.value.message == "no such file" and caught.value.code == "file.missing"
    with pytest.raises(BadInput) as caught:
        read_text(tmp_path)
    assert caught.value.code == "file.folder"


def test_an_error_without_a_code_is_as_before():
    error = BadInput("plain", line=3)
    assert (error.code, error.values, str(error)) == (None, {}, "plain")
