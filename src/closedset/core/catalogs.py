"""Translation catalogs: the taxonomy and its plain-words sentences in the performer's language.

Catalogs are gettext `.po` files under `closedset/**/locale/<lang>/LC_MESSAGES/`. Only the
`.po` source is kept; `compile_catalogs()` writes each `.mo` beside it at install time, and
`translation(lang)` loads it with the standard library's `gettext`. Standard library only:
a `.po` is parsed here in a few lines rather than with a dependency.

Every message has a context (`msgctxt`) naming what it is, "act-label:slap" or
"words:you", so two equal English texts never share one translation.
"""

from __future__ import annotations

import ast
import gettext
import io
import os
import re
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from closedset.core.errors import BadInput, excerpt

DOMAIN = "taxonomy"
SOURCE_LANGUAGE = "en"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
PACKAGE_DIR = Path(__file__).resolve().parents[1]
# gettext joins a context and its message with this byte in a compiled catalog.
_CONTEXT_GLUE = "\x04"
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


@dataclass
class Message:
    context: str | None
    msgid: str
    plural: str | None = None
    # One string, or one per plural form.
    strings: list[str] = field(default_factory=list)
    fuzzy: bool = False
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.context, self.msgid)

    @property
    def translated(self) -> bool:
        return bool(self.strings) and all(self.strings) and not self.fuzzy


# ---------------------------------------------------------------- reading a .po


def _unquote(text: str, where: str) -> str:
    text = text.strip()
    if not (len(text) >= 2 and text[0] == '"' and text[-1] == '"'):
        raise BadInput(f"expected a quoted string, found {text[:40]!r}", source=where)
    # A .po string is a C string; Python's literal rules read the escapes it uses (\n \" \\).
    value = ast.literal_eval(text)
    assert isinstance(value, str)
    return value


def parse_po(text: str, source: str = "catalog") -> list[Message]:
    """The messages of one .po file, header included (msgid "")."""
    messages: list[Message] = []
    current: Message | None = None
    target: tuple[str, int] | None = None  # which field continuation lines extend
    fuzzy = False

    def finish() -> None:
        nonlocal current
        if current is not None:
            messages.append(current)
        current = None

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        where = f"{source}:{number}"
        if not line:
            continue
        if line.startswith("#"):
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            if current is None or target is None:
                raise BadInput("a continued string with nothing before it", source=where)
            value = _unquote(line, where)
            name, index = target
            if name == "msgctxt":
                current.context = (current.context or "") + value
            elif name == "msgid":
                current.msgid += value
            elif name == "msgid_plural":
                current.plural = (current.plural or "") + value
            else:
                current.strings[index] += value
            continue
        if keyword == "msgctxt" or (keyword == "msgid" and (current is None or current.strings)):
            finish()
            current = Message(context=None, msgid="", fuzzy=fuzzy, line=number)
            fuzzy = False
        if current is None:
            raise BadInput(f"{keyword} before any msgid", source=where)
        value = _unquote(rest, where)
        if keyword == "msgctxt":
            current.context = value
            target = ("msgctxt", 0)
        elif keyword == "msgid":
            current.msgid = value
            target = ("msgid", 0)
        elif keyword == "msgid_plural":
            current.plural = value
            target = ("msgid_plural", 0)
        elif keyword == "msgstr":
            current.strings = [value]
            target = ("msgstr", 0)
        elif keyword.startswith("msgstr[") and keyword.endswith("]"):
            index = int(keyword[7:-1])
            if index != len(current.strings):
                raise BadInput(f"{keyword} out of order", source=where)
            current.strings.append(value)
            target = ("msgstr", index)
        else:
            raise BadInput(f"unknown keyword {keyword!r}", source=where)
    finish()
    return messages


def read_po(path: Path) -> list[Message]:
    return parse_po(path.read_text("utf-8"), source=str(path))


# ---------------------------------------------------------------- writing a .mo


def mo_bytes(messages: Iterable[Message]) -> bytes:
    """A compiled catalog (GNU .mo, little-endian, no hash table) from parsed messages.
    Untranslated and fuzzy messages are left out, so gettext falls back to the source."""
    messages = list(messages)
    header = next((m for m in messages if m.context is None and not m.msgid), None)
    # Without it gettext reads the catalog as ASCII and fails on the first accented letter.
    if header is None or "charset=utf-8" not in "".join(header.strings).lower():
        raise BadInput('a catalog must declare "Content-Type: text/plain; charset=UTF-8"')
    entries: dict[bytes, bytes] = {}
    for message in messages:
        if message.msgid and not message.translated:
            continue
        name = message.msgid
        if message.plural is not None:
            name += "\0" + message.plural
        if message.context is not None:
            name = message.context + _CONTEXT_GLUE + name
        entries[name.encode("utf-8")] = "\0".join(message.strings).encode("utf-8")
    # Originals sorted, as the format asks: a reader may look them up by bisection.
    keys = sorted(entries)
    header_size = 7 * 4
    ids_table = header_size
    strs_table = ids_table + len(keys) * 8
    data_start = strs_table + len(keys) * 8
    ids: list[tuple[int, int]] = []
    strs: list[tuple[int, int]] = []
    data = io.BytesIO()
    for key in keys:
        ids.append((len(key), data_start + data.tell()))
        data.write(key + b"\0")
    for key in keys:
        value = entries[key]
        strs.append((len(value), data_start + data.tell()))
        data.write(value + b"\0")
    out = io.BytesIO()
    out.write(struct.pack("<7I", 0x950412DE, 0, len(keys), ids_table, strs_table, 0, 0))
    for length, offset in ids + strs:
        out.write(struct.pack("<2I", length, offset))
    out.write(data.getvalue())
    return out.getvalue()


def po_files(root: Path = PACKAGE_DIR) -> Iterator[Path]:
    """Every .po file under closedset/**/locale."""
    for path in sorted(root.rglob("*.po")):
        if "locale" in path.relative_to(root).parts:
            yield path


def compile_catalogs(root: Path = PACKAGE_DIR, *, stale_only: bool = False) -> list[Path]:
    """Compile every .po under closedset/**/locale into the .mo beside it (with `stale_only`,
    only those older than their .po); the written paths. Run at install (`python -c "from
    closedset.core.catalogs import compile_catalogs; compile_catalogs()"`)."""
    written = []
    for po in po_files(root):
        mo = po.with_suffix(".mo")
        if stale_only and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        # Written whole, then moved into place: a process reading it meanwhile (tests run in
        # parallel) finds the old catalog or the new one, never half of one.
        partial = mo.with_name(f".{mo.name}.{os.getpid()}.partial")
        partial.write_bytes(mo_bytes(read_po(po)))
        os.replace(partial, mo)
        written.append(mo)
    translation.cache_clear()
    return written


# ---------------------------------------------------------------- loading


def languages() -> list[str]:
    """The languages the taxonomy can be read in, English (the source) first."""
    found = LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")
    return [SOURCE_LANGUAGE, *sorted(po.parents[1].name for po in found)]


def check_language(lang: str) -> str:
    """The language code as given, or a plain error naming the ones there are."""
    available = languages()
    if lang not in available:
        # Cut short and made printable: the code may come from a command line or a form.
        raise BadInput(
            f"There is no translation for the language {excerpt(lang, 20, quote=True)}. "
            f"Available: {', '.join(available)}."
        )
    return lang


@cache
def translation(lang: str = SOURCE_LANGUAGE) -> gettext.NullTranslations:
    """The taxonomy catalog for one language; English (the source) is the text itself."""
    if lang == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    check_language(lang)
    po = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    mo = po.with_suffix(".mo")
    # Missing or older than its source (a checkout not yet installed): read the source,
    # never a stale compiled catalog.
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        return gettext.GNUTranslations(io.BytesIO(mo_bytes(read_po(po))))
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang])


# ---------------------------------------------------------------- completeness


def placeholders(text: str) -> list[str]:
    """The {placeholders} of a text, sorted; {to's} counts as {to}, since a language without an
    English possessive names the receiver once, however it does so."""
    return sorted(p.replace("{to's}", "{to}") for p in _PLACEHOLDER.findall(text))


def source_messages() -> list[Message]:
    """Every message the catalogs must translate, from the taxonomy and core.words."""
    from closedset.core import words
    from closedset.core.taxonomy import load_taxonomy

    tax = load_taxonomy()
    found: list[Message] = []
    for zone in tax.zones.values():
        found.append(Message(f"zone-label:{zone.id}", zone.label))
    for category in tax.categories():
        found.append(Message(f"category:{category}", category))
    for act in tax.acts.values():
        found.append(Message(f"act-label:{act.id}", act.label))
        found.append(Message(f"act-gloss:{act.id}", act.gloss))
        if act.phrase is not None:
            found.append(Message(f"act-phrase:{act.id}", act.phrase))
    for key, text in words.SENTENCES.items():
        found.append(Message(f"words:{key}", text))
    for key, (one, many) in words.PLURALS.items():
        found.append(Message(f"words:{key}", one, plural=many))
    return found


__all__ = [
    "DOMAIN",
    "Message",
    "check_language",
    "compile_catalogs",
    "languages",
    "mo_bytes",
    "parse_po",
    "placeholders",
    "read_po",
    "source_messages",
    "translation",
]
