"""Every translation catalog is complete, keeps the source's placeholders, and is up to date.

A performer must never meet an English sentence in the middle of their own language, nor a
sentence whose name or number went missing in translation. The catalogs are the Django ones
(`closedset/locale` for the site-wide templates, `closedset/<app>/locale` for each app) and
the taxonomy's (`closedset/core/locale`).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from closedset.core.catalogs import Message, read_po

PACKAGE = Path(__file__).resolve().parents[1]
LANGUAGES = ("es", "cs", "hu")
# How the catalogs are made (docs/translation.md): from closedset/, leaving out what is not
# shown through Django (the taxonomy has its own catalog; tests and scripts are never shown).
MAKEMESSAGES_IGNORE = ["core", "tests", "browser_tests", "static", "__pycache__"]

# %(name)s, %s, %d (not %%), and {name}; {to's} counts as {to}, as in the taxonomy's rules.
_PERCENT = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifrx]")
_BRACES = re.compile(r"\{[^{}]*\}")


def _catalogs() -> list[Path]:
    found = [
        path
        for path in sorted(PACKAGE.rglob("*.po"))
        if "locale" in path.relative_to(PACKAGE).parts and path.parts[-3] in LANGUAGES
    ]
    return [p for p in found if p.name in ("django.po", "taxonomy.po")]


CATALOGS = _catalogs()


def _name(path: Path) -> str:
    return str(path.relative_to(PACKAGE))


def _placeholders(text: str) -> list[str]:
    text = text.replace("%%", "")
    braces = [found.replace("{to's}", "{to}") for found in _BRACES.findall(text)]
    return sorted(_PERCENT.findall(text) + braces)


def _header(messages: list[Message]) -> Message:
    header = next((m for m in messages if m.context is None and not m.msgid), None)
    assert header is not None, 'no header (msgid "")'
    return header


def _plural_count(header: Message) -> int:
    found = re.search(r"nplurals\s*=\s*(\d+)", "".join(header.strings))
    assert found, "the header has no Plural-Forms: nplurals=…"
    return int(found.group(1))


def _label(message: Message) -> str:
    where = f"line {message.line}"
    context = f" [{message.context}]" if message.context else ""
    return f"{where}{context}: {message.msgid!r}"


def test_there_are_catalogs_in_every_language() -> None:
    roots = {path.parents[2] for path in CATALOGS}
    assert PACKAGE / "locale" in roots and PACKAGE / "core" / "locale" in roots
    missing = [
        f"{root.relative_to(PACKAGE)}/{lang}/LC_MESSAGES/{domain}.po"
        for root in roots
        for domain in {p.stem for p in CATALOGS if p.parents[2] == root}
        for lang in LANGUAGES
        if not (root / lang / "LC_MESSAGES" / f"{domain}.po").exists()
    ]
    assert not missing, "catalogs missing:\n  " + "\n  ".join(missing)


@pytest.mark.parametrize("path", CATALOGS, ids=_name)
def test_every_message_is_translated(path: Path) -> None:
    messages = read_po(path)
    header = _header(messages)
    assert not header.fuzzy, "the header is marked fuzzy: remove the '#, fuzzy' line above it"
    assert "charset=utf-8" in "".join(header.strings).lower()
    forms = _plural_count(header)
    wrong = []
    for message in messages:
        if not message.msgid:
            continue
        if message.fuzzy:
            wrong.append(f"{_label(message)} is marked fuzzy (check it, then remove the mark)")
        elif not all(message.strings) or not message.strings:
            wrong.append(f"{_label(message)} has no translation")
        elif message.plural is not None and len(message.strings) != forms:
            wrong.append(f"{_label(message)} has {len(message.strings)} plural forms, not {forms}")
    assert not wrong, f"{_name(path)}:\n  " + "\n  ".join(wrong)


@pytest.mark.parametrize("path", CATALOGS, ids=_name)
def test_translations_keep_the_placeholders(path: Path) -> None:
    wrong = []
    for message in read_po(path):
        if not message.msgid:
            continue
        for index, text in enumerate(message.strings):
            if not text:
                continue  # reported by the completeness test
            source = message.msgid if index == 0 or message.plural is None else message.plural
            if _placeholders(text) != _placeholders(source):
                wrong.append(
                    f"{_label(message)}: {_placeholders(source)} in the source, "
                    f"{_placeholders(text)} in {text!r}"
                )
    assert not wrong, f"{_name(path)}:\n  " + "\n  ".join(wrong)


def test_placeholders_are_read_as_translators_write_them() -> None:
    assert _placeholders("%(brand)s — 100%% %s {n} {to's}") == ["%(brand)s", "%s", "{n}", "{to}"]


def _source_copy(target: Path) -> None:
    """The sources makemessages reads, and the locale folders that say where each app's
    messages go; nothing else (a copy of the whole package would take far longer)."""

    def skip(folder: str, names: list[str]) -> list[str]:
        here = Path(folder)
        return [
            name
            for name in names
            if name in MAKEMESSAGES_IGNORE
            or ((here / name).is_file() and Path(name).suffix not in (".py", ".html", ".txt"))
        ]

    shutil.copytree(PACKAGE, target, ignore=skip)
    for locale in PACKAGE.rglob("locale"):
        relative = locale.relative_to(PACKAGE)
        if relative.parts[0] not in MAKEMESSAGES_IGNORE:
            (target / relative).mkdir(parents=True, exist_ok=True)


def test_catalogs_hold_every_message_of_the_sources(tmp_path: Path, monkeypatch) -> None:
    """makemessages on a copy of the sources: every message it finds must already be in the
    committed catalogs of every language (run makemessages and translate when this fails)."""
    missing_tools = [tool for tool in ("xgettext", "msguniq") if shutil.which(tool) is None]
    if missing_tools:
        pytest.fail(
            f"{' and '.join(missing_tools)} not found: install GNU gettext (apt-get install "
            "gettext) to check that the catalogs are up to date."
        )
    copy = tmp_path / "closedset"
    _source_copy(copy)
    monkeypatch.chdir(copy)
    # The copy's own site-wide catalog, never the checkout's.
    with override_settings(LOCALE_PATHS=[copy / "locale"]):
        call_command(
            "makemessages",
            locale=["es"],
            ignore_patterns=MAKEMESSAGES_IGNORE,
            keep_pot=True,
            verbosity=0,
        )
    pots = sorted(copy.rglob("django.pot"))
    assert pots, "makemessages found no message at all"
    missing = []
    for pot in pots:
        folder = pot.parent.relative_to(copy)
        wanted = {m.key for m in read_po(pot) if m.msgid}
        for lang in LANGUAGES:
            committed = PACKAGE / folder / lang / "LC_MESSAGES" / "django.po"
            have = {m.key for m in read_po(committed)} if committed.exists() else set()
            missing += [
                f"{folder}/{lang}: [{context}] {msgid!r}"
                if context
                else f"{folder}/{lang}: {msgid!r}"
                for context, msgid in sorted(wanted - have, key=lambda key: (key[0] or "", key[1]))
            ]
    assert not missing, (
        "messages in the sources but not in the catalogs (see 'How to translate a page' in "
        "docs/translation.md):\n  " + "\n  ".join(missing)
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_one_message_reads_the_same_in_every_catalog(lang: str) -> None:
    """Django merges the catalogs and the first in LOCALE_PATHS wins: a message translated
    differently in a later one would never show there. The same English in two places means
    the same thing, or it gets a context (pgettext) of its own."""
    from django.conf import settings

    first: dict[tuple[str | None, str, str | None], tuple[str, tuple[str, ...]]] = {}
    differ = []
    for root in settings.LOCALE_PATHS:
        path = Path(root) / lang / "LC_MESSAGES" / "django.po"
        if not path.exists():
            continue
        for message in read_po(path):
            if not message.msgid or not all(message.strings):
                continue
            key = (message.context, message.msgid, message.plural)
            strings = tuple(message.strings)
            if key not in first:
                first[key] = (_name(path), strings)
            elif first[key][1] != strings:
                differ.append(
                    f"{_label(message)}: {first[key][0]} says {first[key][1]}, "
                    f"{_name(path)} says {strings}"
                )
    assert not differ, "translated differently:\n  " + "\n  ".join(differ)
