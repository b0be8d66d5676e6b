"""Reading YAML/JSON with line numbers, so errors can point at the line to fix."""

from __future__ import annotations

import re
from typing import Any

import yaml

from closedset.core.errors import BadInput, excerpt

# Aliases (`*name`) reuse an anchored part of the file, and a reused part may itself reuse
# others: 467 bytes of nested aliases ("billion laughs") stand for billions of values, and
# anything that walks them (an error message, a JSON response) never finishes. A real profile is
# about 90 acts of a few fields (a few thousand values written out) and a plan a few hundred
# beats (MAX_BEATS is 300, some 5,000 values), so 100,000 values added by aliases leaves room to
# spare while refusing exponential reuse long before it costs anything.
MAX_ALIAS_NODES = 100_000
# Plans and profiles nest four or five levels; 64 is far beyond any real file and well below
# Python's recursion limit in the parser and in the checks that walk the result.
MAX_DEPTH = 64
# The longest a parser's complaint may run in a message.
PROBLEM_LENGTH = 160

TOO_MANY_ALIASES = (
    "this file repeats parts of itself too many times (YAML aliases); "
    "write the values out or split the file"
)
SELF_ALIAS = (
    "this file repeats a part of itself inside that same part (a YAML alias to its own "
    "anchor), which never ends; write the values out"
)
TOO_DEEP = (
    f"this file nests lists or mappings more than {MAX_DEPTH} levels deep; "
    "plans and profiles need only a few levels"
)
ALIASES_TOO_DEEP = (
    f"this file's YAML aliases nest lists or mappings more than {MAX_DEPTH} levels deep; "
    "write the values out"
)


class Mapping(dict[str, Any]):
    """A YAML mapping that remembers its own line and the line of each key."""

    line: int | None = None
    key_lines: dict[str, int]


class Sequence(list[Any]):
    """A YAML sequence that remembers its own line and the line of each item."""

    line: int | None = None
    item_lines: list[int]


class _Loader(yaml.SafeLoader):
    """SafeLoader where a plain scalar is text unless it is true, false or null.

    YAML 1.1 reads `answer: no` as False, `performer: 007` as 7 and `scene: 12:30` as 750; in
    these files every one of them is text (an answer, an id), so only true/false/null resolve.

    While composing it refuses nesting deeper than MAX_DEPTH and notes the line of each alias,
    by its place in the parent node, so a refusal can point at the alias to write out.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0
        # (id of the parent node, position in it, 0 for an item or key / 1 for a value) -> line
        self.alias_lines: dict[tuple[int, int, int], int] = {}

    def compose_node(self, parent: yaml.Node | None, index: int | yaml.Node | None) -> Any:
        event: yaml.Event = self.peek_event()  # type: ignore[no-untyped-call]
        mark = event.start_mark
        line = mark.line + 1 if mark is not None else None
        if isinstance(event, yaml.AliasEvent):
            if parent is not None:
                slot = 1 if isinstance(parent, yaml.MappingNode) and index is not None else 0
                self.alias_lines[(id(parent), len(parent.value), slot)] = line or 0
            return super().compose_node(parent, index)  # type: ignore[arg-type]
        if isinstance(event, yaml.ScalarEvent):
            return super().compose_node(parent, index)  # type: ignore[arg-type]
        # A list or mapping: self.depth of them are open around it.
        if self.depth >= MAX_DEPTH:
            raise BadInput(TOO_DEEP, line=line, code="yaml.too_deep", values={"levels": MAX_DEPTH})
        self.depth += 1
        try:
            return super().compose_node(parent, index)  # type: ignore[arg-type]
        finally:
            self.depth -= 1


_KEEP = {"tag:yaml.org,2002:null", "tag:yaml.org,2002:merge"}
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag in _KEEP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Mapping:
    own = sum(1 for key, _ in node.value if key.tag != "tag:yaml.org,2002:merge")
    loader.flatten_mapping(node)  # YAML merge keys (<<: *anchor) come first, own keys last
    merged = len(node.value) - own
    result = Mapping()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    own_keys: set[str] = set()
    for index, (key_node, value_node) in enumerate(node.value):
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, str | int | float | bool) or key is None:
            raise BadInput(
                f"a key must be plain text, not {excerpt(key, quote=True)}",
                line=line,
                code="yaml.key_not_text",
                values={"key": excerpt(key, quote=True)},
            )
        key = str(key) if not isinstance(key, bool) else ("true" if key else "false")
        if index >= merged:
            # A key written here overrides a merged one, but may not be written twice.
            if key in own_keys:
                raise BadInput(
                    f"key '{excerpt(key)}' is given twice",
                    line=line,
                    code="yaml.key_twice",
                    values={"key": excerpt(key)},
                )
            own_keys.add(key)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> Sequence:
    result = Sequence(loader.construct_object(item, deep=True) for item in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [item.start_mark.line + 1 for item in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def _check_expansion(root: yaml.Node, alias_lines: dict[tuple[int, int, int], int]) -> None:
    """Refuse a node graph whose aliases, written out, add too many values or nest too deep.

    Each node's expanded size and height are worked out once and remembered, so an alias costs
    one look-up however much it stands for: the count itself cannot blow up. Composing visits
    the file in order and an alias can only name an anchor above it, so the first visit of a
    node is where it is written and every later one is an alias.
    """
    # id(node) -> (values it stands for written out, levels of lists and mappings in it)
    measured: dict[int, tuple[int, int]] = {}
    unfinished: set[int] = set()
    added = 0  # values that aliases add to the document

    def measure(node: yaml.Node, depth: int, alias_line: int | None) -> tuple[int, int]:
        nonlocal added
        key = id(node)
        if key in unfinished:
            raise BadInput(SELF_ALIAS, line=alias_line, code="yaml.self_alias")
        if key in measured:
            # An alias: it adds all it stands for, as deep below it as the anchored part goes.
            size, height = measured[key]
            line = alias_line or node.start_mark.line + 1
            added += size
            if added > MAX_ALIAS_NODES:
                raise BadInput(TOO_MANY_ALIASES, line=line, code="yaml.too_many_aliases")
            if depth + height > MAX_DEPTH:
                raise BadInput(
                    ALIASES_TOO_DEEP,
                    line=line,
                    code="yaml.aliases_too_deep",
                    values={"levels": MAX_DEPTH},
                )
            return size, height
        if isinstance(node, yaml.SequenceNode):
            children = [(child, (key, i, 0)) for i, child in enumerate(node.value)]
        elif isinstance(node, yaml.MappingNode):
            children = [
                (child, (key, i, slot))
                for i, pair in enumerate(node.value)
                for slot, child in enumerate(pair)
            ]
        else:
            children = []
        unfinished.add(key)
        size, height = 1, 0
        for child, place in children:
            child_size, child_height = measure(child, depth + 1, alias_lines.get(place))
            size += child_size
            height = max(height, child_height)
        if isinstance(node, yaml.CollectionNode):
            height += 1
        unfinished.discard(key)
        measured[key] = size, height
        return size, height

    measure(root, 0, None)


def _load(text: str) -> Any:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if loader.alias_lines:
            _check_expansion(node, loader.alias_lines)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def load(text: str, source: str | None = None) -> Any:
    """Parse YAML or JSON text; any syntax problem becomes BadInput with its line.

    Aliases that stand for more than MAX_ALIAS_NODES values, or nesting deeper than MAX_DEPTH,
    are refused before anything is built from the file.
    """
    try:
        return _load(text)
    except BadInput as error:
        raise error.located(source) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        problem = error.problem or error.context or "not valid YAML"
        raise BadInput(_invalid(problem), source=source, line=line, code="yaml.invalid") from None
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as error:
        raise BadInput(_invalid(str(error)), source=source, code="yaml.invalid") from None


def _invalid(problem: str) -> str:
    # The parser's own words can quote the file (an alias name, a tag): keep only their start.
    return f"not valid YAML or JSON: {excerpt(problem, PROBLEM_LENGTH)}"


def line_of(container: object, key: str | int | None = None) -> int | None:
    """The line of a key (mapping) or item (sequence), else of the container itself."""
    if isinstance(container, Mapping):
        if isinstance(key, str) and key in container.key_lines:
            return container.key_lines[key]
        return container.line
    if isinstance(container, Sequence):
        if isinstance(key, int) and 0 <= key < len(container.item_lines):
            return container.item_lines[key]
        return container.line
    return None
