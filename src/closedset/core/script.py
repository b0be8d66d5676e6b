"""Screenplays read into scenes: Fountain (plain text) and Final Draft (.fdx, XML).

`parse(data, name)` picks the format by the file's extension, or by its content when the
extension says nothing, and gives a `Script`: its title, and its scenes in script order, each
with its heading, its number, the characters who speak in it and its lines (action, dialogue
and the rest). Notes and the boneyard are kept apart from the text, so nothing in them is ever
read as part of a scene.

Line numbers:

- Fountain: `line` is the 1-based line of the file, counting title page lines and blank lines.
  A byte-order mark is not a line; CRLF and CR each end one line, like LF. A note spanning
  several lines has the line where it opens.
- Final Draft: `line` is the 1-based position of the paragraph among all `<Paragraph>` elements
  inside the script's `<Content>`, in document order. A `<DualDialogue>` holder paragraph counts
  as one; the paragraphs inside it follow it. A `<ScriptNote>` inside a paragraph has that
  paragraph's position; one kept apart from the text (under `<ScriptNotes>`) has line 0: its
  place in the script is not known.

Text before the first scene heading (a cold open's FADE IN:, a centered act title) belongs to no
scene. `Script.notes` holds every note in file order; `Scene.notes` those from its heading up to
the next heading. Anything that cannot be read raises `ScriptError`, whose message is written for
the person who uploaded the file; so does a file with more than MAX_SCENES scene headings.

No text the parser returns holds a control character (C0, DEL or C1) but tab, and a note's line
feeds: they are taken out, so a script cannot carry terminal escapes or line breaks into a
heading, a scene number or a line. A Final Draft scene number's whitespace becomes one space.

This module is pure Python: it must never import Django.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace
from xml.etree.ElementTree import Element, ParseError

import defusedxml
from defusedxml import ElementTree as SafeElementTree

from closedset.core.errors import BadInput

MAX_BYTES = 20_000_000
"""The largest script accepted: a feature is a few hundred kilobytes, even as Final Draft XML."""
MAX_SCENES = 2_000
"""The most scene headings accepted: a feature has one to three hundred, a long series block
maybe a thousand. More is not a screenplay, and each scene is a row to store and show."""

FOUNTAIN_SUFFIXES = (".fountain", ".spmd", ".txt")
FDX_SUFFIXES = (".fdx",)
LINE_KINDS = ("action", "dialogue", "parenthetical", "transition", "centered", "lyric")

_HEADING = re.compile(r"(?:INT\.?/EXT|EXT\.?/INT|I/E|E/I|INT|EXT|EST)[.\s]", re.IGNORECASE)
_SCENE_NUMBER = re.compile(r"[\w.\-]+")
_EXTENSIONS = re.compile(r"(?:\s*\([^()]*\))*\s*")
# Emphasis: ***bold italic***, **bold**, *italic*, _underline_. The inside of a pair never holds
# its own marker, so each pattern runs in time linear in the line, however long it is.
_UNDERLINE = re.compile(r"(?<![\w\\])_(?=[^\s_])([^_]*?[^\s\\_])?_(?!\w)")
_STARS = re.compile(r"(?<![\w\\*])(\*{1,3})(?=[^\s*])([^*]*?[^\s\\*])?\1(?![\w*])")
_ESCAPED = re.compile(r"\\([*_\\])")
_TITLE_KEYS = frozenset(
    {
        "title",
        "credit",
        "author",
        "authors",
        "source",
        "draft date",
        "date",
        "contact",
        "notes",
        "copyright",
        "revision",
        "episode",
        "series",
    }
)
# A title page key: only the part before a line's first colon is matched, without the spaces
# before the colon, so the pattern never runs over a long line (and cannot backtrack).
_TITLE_KEY = re.compile(r"[A-Za-z][A-Za-z ]*")
# C0 and C1 control characters, DEL included, tab kept: nothing the parser returns holds one,
# so no script can send a terminal escape or a line break where one line is expected.
_CONTROL = dict.fromkeys([c for c in range(0x20) if c != 0x09] + list(range(0x7F, 0xA0)), None)
_CONTROL_KEEP_LINES = {c: None for c in _CONTROL if c != 0x0A}
_EMPTY_LINE = re.compile(r"\n[ \t]?\n")  # a line of two spaces is not empty
_GONE = "\x00"  # put where a note or the boneyard was taken out, to tell such lines apart


# What a ScriptError can say, one stable code per kind of refusal: a page shows the message in
# its reader's language by the code (and `values`), since this module speaks English only.
ERROR_CODES = (
    "empty",  # nothing in the file
    "too-large",  # values: size, limit (whole megabytes, as text)
    "not-text",  # binary: a NUL byte or mostly control characters
    "not-utf8",
    "fdx-dtd",  # a DTD, refused for safety
    "fdx-entities",  # entity declarations, refused for safety
    "fdx-external",  # a reference to another file or address, refused for safety
    "fdx-broken",  # the XML is broken, where is unknown
    "fdx-broken-at",  # values: line
    "fdx-too-deep",
    "fdx-not-script",  # XML, but not a Final Draft document
    "fdx-no-content",  # a Final Draft document without <Content>
    "no-scenes",  # readable, but not one scene heading: not a screenplay, or not one we read
    "too-many-scenes",  # values: limit (as text): more scene headings than MAX_SCENES
)


class ScriptError(BadInput):
    """A file that cannot be read as a screenplay; the message says why, in plain words.

    `code` (one of ERROR_CODES) names the kind of refusal and `values` the parts that vary,
    as text, so a page can say the same in another language; the message is always English.
    """

    def __init__(self, message: str, *, code: str, values: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.values = dict(values or {})


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a scene: `kind` is one of LINE_KINDS.

    Dialogue, parentheticals (and lyrics sung in dialogue) carry the speaking character's name
    as written, without extensions such as (V.O.) or (CONT'D).
    """

    number: int
    kind: str
    text: str
    character: str = ""


@dataclass(frozen=True, slots=True)
class Note:
    """A writer's note (or a boneyard passage): never part of the script's text."""

    line: int
    text: str


@dataclass(frozen=True, slots=True)
class Scene:
    """A scene: `index` counts headings from 1; `number` is the script's own or the index.

    `characters` are the speaking characters, in order of first appearance, in upper case and
    without extensions.
    """

    index: int
    number: str
    heading: str
    line: int
    characters: tuple[str, ...]
    lines: tuple[Line, ...]
    notes: tuple[Note, ...]


@dataclass(frozen=True, slots=True)
class Script:
    """A whole screenplay. `format` is "fountain" or "fdx"; `title` is "" when there is none."""

    title: str
    scenes: tuple[Scene, ...]
    notes: tuple[Note, ...]
    boneyard: tuple[Note, ...]
    format: str


# ---------------------------------------------------------------------------------------------
# Choosing the format


def parse(data: bytes, name: str = "") -> Script:
    """The script in `data`: Fountain or Final Draft, by the extension of `name` or the content.

    A file with not one scene heading is refused: a breakdown of it would say nothing, and it
    is far more often not a screenplay (or headings we do not read) than a script without
    scenes. `parse_fountain` and `parse_fdx` themselves return such a script with no scenes."""
    script = _parse(data, name)
    if not script.scenes:
        raise ScriptError(
            "This file has no scene headings (lines such as INT. KITCHEN - NIGHT), so there is "
            "nothing to break down. Check that it is the screenplay, exported as Fountain or "
            "Final Draft.",
            code="no-scenes",
        )
    return script


def _parse(data: bytes, name: str) -> Script:
    _check_size(len(data))
    if not data.removeprefix(b"\xef\xbb\xbf").strip():
        raise ScriptError("This file is empty: there is no script in it.", code="empty")
    suffix = name.lower()
    if suffix.endswith(FDX_SUFFIXES):
        return parse_fdx(data)
    if suffix.endswith(FOUNTAIN_SUFFIXES):
        return parse_fountain(_decode(data))
    start = data.removeprefix(b"\xef\xbb\xbf").lstrip()[:32]
    if start.startswith((b"<?xml", b"<FinalDraft")):
        return parse_fdx(data)
    return parse_fountain(_decode(data))


def _check_size(size: int) -> None:
    if size > MAX_BYTES:
        values = {"size": f"{size / 1_000_000:.0f}", "limit": f"{MAX_BYTES // 1_000_000}"}
        raise ScriptError(
            f"This file is too large to be a screenplay ({values['size']} MB; "
            f"the limit is {values['limit']} MB).",
            code="too-large",
            values=values,
        )


def _decode(data: bytes) -> str:
    if b"\x00" in data:
        raise ScriptError(
            "This file is not a screenplay: it is not text. "
            "Export the script as Fountain (.fountain) or Final Draft (.fdx).",
            code="not-text",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ScriptError(
            "This file is not a screenplay: it is not UTF-8 text. "
            "Export the script as Fountain (.fountain, UTF-8) or Final Draft (.fdx).",
            code="not-utf8",
        ) from None
    sample = text[:8192]
    control = sum(1 for c in sample if (c < " " and c not in "\t\n\r\f\v") or c == "\x7f")
    if control * 20 > len(sample):
        raise ScriptError(
            "This file is not a screenplay: it is not text. "
            "Export the script as Fountain (.fountain) or Final Draft (.fdx).",
            code="not-text",
        )
    return text


# ---------------------------------------------------------------------------------------------
# Shared building


@dataclass(slots=True)
class _OpenScene:
    index: int
    number: str
    heading: str
    line: int
    characters: dict[str, None] = field(default_factory=dict)  # an ordered set
    lines: list[Line] = field(default_factory=list)


class _Builder:
    """Collects lines into scenes as a parser meets them."""

    def __init__(self) -> None:
        self.scenes: list[Scene] = []
        self._open: _OpenScene | None = None

    def heading(self, line: int, heading: str, number: str) -> None:
        self._close()
        index = len(self.scenes) + 1
        if index > MAX_SCENES:
            limit = f"{MAX_SCENES:,}"
            raise ScriptError(
                f"This file has more than {limit} scene headings, far more than a screenplay "
                "has, so it cannot be broken down. Check that it is the screenplay, exported "
                "as Fountain or Final Draft.",
                code="too-many-scenes",
                values={"limit": limit},
            )
        number = _clean(" ".join(number.split()))
        self._open = _OpenScene(index, number or str(index), _clean(heading), line)

    def add(self, line: Line) -> None:
        if self._open is None:
            return  # before the first heading: not part of any scene
        line = replace(line, text=_clean(line.text), character=_clean(line.character))
        self._open.lines.append(line)
        if line.character:
            self.speaker(line.character)

    def speaker(self, name: str) -> None:
        key = _normal_name(_clean(name))
        if self._open is not None and key:
            self._open.characters.setdefault(key, None)

    def _close(self) -> None:
        if self._open is not None:
            o = self._open
            self.scenes.append(
                Scene(o.index, o.number, o.heading, o.line, tuple(o.characters), tuple(o.lines), ())
            )
            self._open = None

    def script(self, title: str, notes: list[Note], boneyard: list[Note], fmt: str) -> Script:
        self._close()
        notes = [_clean_note(note) for note in notes]
        boneyard = [_clean_note(note) for note in boneyard]
        scenes = self.scenes
        starts = [scene.line for scene in scenes]
        held: dict[int, list[Note]] = {}
        for note in notes:  # each note goes to the scene whose heading is at or before it
            position = bisect.bisect_right(starts, note.line) - 1
            if position >= 0:
                held.setdefault(position, []).append(note)
        for position, inside in held.items():
            scenes[position] = replace(scenes[position], notes=tuple(inside))
        return Script(_clean(title), tuple(scenes), tuple(notes), tuple(boneyard), fmt)


def _clean(text: str) -> str:
    """`text` without control characters (tab kept)."""
    return text.translate(_CONTROL) if text and not text.isprintable() else text


def _clean_note(note: Note) -> Note:
    """A note without control characters; a note may span lines, so line feeds are kept."""
    if note.text.isprintable():
        return note
    return replace(note, text=note.text.translate(_CONTROL_KEEP_LINES))


def _cue_name(cue: str) -> str:
    """A character cue without its extensions and dual-dialogue mark, as written."""
    cue = cue.strip().removesuffix("^").strip()
    return cue.split("(", 1)[0].strip()


def _normal_name(name: str) -> str:
    return " ".join(_cue_name(name).upper().split())


# ---------------------------------------------------------------------------------------------
# Fountain


def parse_fountain(text: str) -> Script:
    """A Fountain screenplay (https://fountain.io/syntax)."""
    _check_size(len(text))
    text = text.removeprefix("\ufeff").replace(_GONE, "")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_CONTROL_KEEP_LINES)  # before reading, so none hides a heading
    boneyard: list[Note] = []
    notes: list[Note] = []
    text = _take_out(text, "/*", "*/", boneyard)
    text = _take_out(text, "[[", "]]", notes, blank_ends=True)

    live: list[tuple[int, str]] = []  # (file line, text) of the lines still there
    for number, raw in enumerate(text.split("\n"), start=1):
        if _GONE in raw:
            raw = raw.replace(_GONE, "")
            if not raw.strip():
                continue  # held only a note or boneyard: as if it were not there
        live.append((number, raw))

    title, start = _title_page(live)
    body = live[start:]
    builder = _Builder()
    speaker = ""  # the character whose dialogue block is open

    def separator(position: int) -> bool:
        if position < 0 or position >= len(body):
            return True
        s = body[position][1].strip()
        return not s or s[0] in "#="  # blank, section, synopsis or page break

    for position, (number, raw) in enumerate(body):
        s = raw.strip()
        if speaker:
            if not s:
                # A line of two spaces keeps a dialogue block going; a blank line ends it.
                if len(raw) < 2 or separator(position + 1):
                    speaker = ""
                continue
            if s.startswith("(") and s.endswith(")"):
                builder.add(Line(number, "parenthetical", _plain(s), speaker))
            elif s.startswith("~"):
                builder.add(Line(number, "lyric", _plain(s[1:].strip()), speaker))
            else:
                builder.add(Line(number, "dialogue", _plain(s), speaker))
            continue
        if not s or s[0] in "#=":
            continue  # blank, section, synopsis, page break
        before = separator(position - 1)
        after = separator(position + 1)
        if before and _is_heading(s):
            heading, scene_number = _split_number(s[1:] if s.startswith(".") else s)
            builder.heading(number, _plain(heading), scene_number)
        elif s.startswith(">"):
            if s.endswith("<") and len(s) > 1:
                builder.add(Line(number, "centered", _plain(s[1:-1].strip())))
            else:
                builder.add(Line(number, "transition", _plain(s[1:].strip())))
        elif s.startswith("~"):
            builder.add(Line(number, "lyric", _plain(s[1:].strip())))
        elif s.startswith("!"):
            builder.add(Line(number, "action", _plain(s[1:].strip())))
        elif before and after and s.endswith("TO:") and s == s.upper():
            builder.add(Line(number, "transition", _plain(s)))
        elif before and not after and (_cue_name(s[1:]) if s[0] == "@" else _is_cue(s)):
            speaker = _cue_name(s.removeprefix("@"))
            builder.speaker(speaker)
        else:
            builder.add(Line(number, "action", _plain(s)))
    return builder.script(title, notes, boneyard, "fountain")


def _take_out(
    text: str, opening: str, closing: str, sink: list[Note], *, blank_ends: bool = False
) -> str:
    """`text` without each `opening`…`closing` passage, kept in `sink` with its line.

    Each line a passage covered is marked, so it can be told apart from a blank line; an
    opening never closed is left in the text. With `blank_ends` (notes), a passage cannot hold
    an empty line, only a line of two spaces: so a forgotten `[[` cannot swallow the pages up
    to some later `]]`.
    """
    parts: list[str] = []
    position = search = 0
    counted, line = 0, 1
    end = -1
    while True:
        start = text.find(opening, search)
        if start < 0:
            break
        if end < start + len(opening):  # else the closing found last time is still the next
            end = text.find(closing, start + len(opening))
        if end < 0:
            break
        if blank_ends:
            blank = _EMPTY_LINE.search(text, start, end)
            if blank:
                search = blank.end() - 1  # every opening before the empty line spans it too
                continue
        line += text.count("\n", counted, start)
        counted = start
        inside = text[start + len(opening) : end]
        sink.append(Note(line, inside.strip()))
        parts.append(text[position:start])
        parts.append(_GONE + ("\n" + _GONE) * inside.count("\n"))
        position = search = end + len(closing)
    parts.append(text[position:])
    return "".join(parts)


def _title_page(live: list[tuple[int, str]]) -> tuple[str, int]:
    """The title and the position of the first line after the title page (0 without one)."""
    first = 0
    while first < len(live) and not live[first][1].strip():
        first += 1
    if first == len(live):
        return "", 0
    found = _title_key(live[first][1].strip())
    if found is None or found[0].lower() not in _TITLE_KEYS:
        return "", 0
    values: dict[str, list[str]] = {}
    key = ""
    position = first
    while position < len(live) and live[position][1].strip():
        raw = live[position][1]
        found = _title_key(raw.strip())
        if raw[:1] in (" ", "\t") and key or found is None:
            values.setdefault(key, []).append(raw.strip())
        else:
            key = found[0].lower()
            values.setdefault(key, [])
            if found[1].strip():
                values[key].append(found[1].strip())
        position += 1
    title = " ".join(_plain(v) for v in values.get("title", []) if _plain(v))
    return title, position


def _title_key(line: str) -> tuple[str, str] | None:
    """A title page line's key and value ("Title: X" -> ("Title", " X")), or None.

    The key is the part before the first colon, without the spaces before it: letters and
    spaces, starting with a letter. A line without a colon is never matched at all."""
    key, colon, value = line.partition(":")
    if not colon:
        return None
    key = key.rstrip()
    if not _TITLE_KEY.fullmatch(key):
        return None
    return key, value


def _is_heading(s: str) -> bool:
    if s.startswith("."):
        return len(s) > 1 and s[1].isalnum()
    return bool(_HEADING.match(s))


def _split_number(s: str) -> tuple[str, str]:
    """A heading without its trailing `#12B#` scene number, and the number ("" if none)."""
    s = s.strip()
    if s.endswith("#") and len(s) > 1:
        opening = s.rfind("#", 0, len(s) - 1)
        if opening >= 0 and _SCENE_NUMBER.fullmatch(s[opening + 1 : -1]):
            return s[:opening].rstrip(), s[opening + 1 : -1]
    return s, ""


def _is_cue(s: str) -> bool:
    """An all-capitals character name, perhaps with extensions: (V.O.), (cont'd), ^."""
    s = s.removesuffix("^").rstrip()
    name, _, rest = s.partition("(")
    if rest and not _EXTENSIONS.fullmatch("(" + rest):
        return False
    name = name.strip()
    return any(c.isupper() for c in name) and name == name.upper()


def _plain(text: str) -> str:
    """Text without emphasis markers (`*`, `**`, `***`, `_`) or their escapes."""
    if "_" in text:
        text = _UNDERLINE.sub(lambda m: m.group(1) or "", text)
    if "*" in text:
        for _ in range(3):  # nested emphasis, one level per pass
            changed = _STARS.sub(lambda m: m.group(2) or "", text)
            if changed == text:
                break
            text = changed
    if "\\" in text:
        text = _ESCAPED.sub(r"\1", text)
    return text.strip()


# ---------------------------------------------------------------------------------------------
# Final Draft


def parse_fdx(data: bytes) -> Script:
    """A Final Draft (.fdx) screenplay, read with entity expansion and DTDs refused."""
    _check_size(len(data))
    if not data.removeprefix(b"\xef\xbb\xbf").strip():
        raise ScriptError("This file is empty: there is no script in it.", code="empty")
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ScriptError(
            "This file is not a screenplay: it is not text. "
            "Export the script as Fountain (.fountain) or Final Draft (.fdx).",
            code="not-text",
        )
    if data.removeprefix(b"\xef\xbb\xbf")[:1].isspace():  # blank lines before the declaration
        data = data.removeprefix(b"\xef\xbb\xbf").lstrip()
    root = _read_xml(data)
    content = root.find("Content")
    if content is None:
        raise ScriptError(
            "This file is not a Final Draft script: it has no script content in it.",
            code="fdx-no-content",
        )

    builder = _Builder()
    notes: list[Note] = []
    position = 0
    speaker = ""
    # Walked without recursion, in document order, so deep nesting cannot exhaust the stack.
    stack: list[Element] = list(reversed(content))
    while stack:
        element = stack.pop()
        if element.tag == "ScriptNote":
            notes.append(Note(position, _all_text(element)))
            continue
        if element.tag != "Paragraph":
            stack.extend(reversed(element))
            continue
        position += 1
        kind = (element.get("Type") or "").strip()
        text = _clean("".join(run.text or "" for run in element if run.tag == "Text")).strip()
        # Inner paragraphs (DualDialogue) and notes come after this one.
        stack.extend(reversed([child for child in element if child.tag != "Text"]))
        if kind == "Scene Heading":
            if not text:
                continue  # an empty heading paragraph left in the file: no scene
            builder.heading(position, " ".join(text.split()), (element.get("Number") or "").strip())
            speaker = ""
        elif kind == "Character":
            speaker = _cue_name(text)
            builder.speaker(speaker)
        elif not text:
            continue
        elif kind in ("Dialogue", "Parenthetical"):
            builder.add(Line(position, kind.lower(), text, speaker))
        elif kind == "Transition":
            builder.add(Line(position, "transition", text))
            speaker = ""
        elif kind in ("Lyric", "Lyrics"):
            builder.add(Line(position, "lyric", text, speaker))
        else:  # Action, Shot, General and any other: action, never a heading
            builder.add(Line(position, "action", text))
            speaker = ""
    for holder in root.findall("ScriptNotes"):
        for note in holder.iter("ScriptNote"):
            notes.append(Note(0, _all_text(note)))
    notes.sort(key=lambda n: n.line)
    return builder.script(_fdx_title(root), notes, [], "fdx")


def _read_xml(data: bytes) -> Element:
    try:
        root = SafeElementTree.fromstring(data, forbid_dtd=True)
    except defusedxml.DTDForbidden:
        raise ScriptError(
            "This Final Draft file contains a document type declaration (DTD), which is "
            "refused for safety. Export the script again from Final Draft.",
            code="fdx-dtd",
        ) from None
    except defusedxml.EntitiesForbidden:
        raise ScriptError(
            "This Final Draft file contains entity declarations, which are refused for "
            "safety. Export the script again from Final Draft.",
            code="fdx-entities",
        ) from None
    except defusedxml.DefusedXmlException:
        raise ScriptError(
            "This Final Draft file contains a reference to another file or address, which "
            "is refused for safety. Export the script again from Final Draft.",
            code="fdx-external",
        ) from None
    except ParseError as error:
        line = error.position[0] if error.position else 0
        where = f" near line {line}" if line else ""
        raise ScriptError(
            f"This Final Draft file cannot be read: its XML is broken{where}.",
            code="fdx-broken-at" if line else "fdx-broken",
            values={"line": str(line)} if line else None,
        ) from None
    except RecursionError:  # pragma: no cover - expat does not recurse; kept as a guard
        raise ScriptError(
            "This Final Draft file is nested too deeply to read.", code="fdx-too-deep"
        ) from None
    if not isinstance(root, Element):  # pragma: no cover
        raise ScriptError("This file is not a Final Draft script.", code="fdx-not-script")
    return root


def _all_text(element: Element) -> str:
    """The text of every paragraph under `element` (a note), one paragraph a line."""
    paragraphs = [
        "".join(run.text or "" for run in paragraph if run.tag == "Text").strip()
        for paragraph in element.iter("Paragraph")
    ]
    text = "\n".join(p for p in paragraphs if p)
    return text or " ".join("".join(element.itertext()).split())


def _fdx_title(root: Element) -> str:
    page = root.find("TitlePage")
    if page is not None:
        for paragraph in page.iter("Paragraph"):
            text = " ".join(
                "".join(run.text or "" for run in paragraph if run.tag == "Text").split()
            )
            if text:
                return text
    for element in root.iter("Title"):
        text = " ".join("".join(element.itertext()).split())
        if text:
            return text
    return ""
