"""Reading YAML/JSON with line numbers, so errors can point at the line to fix."""

from __future__ import annotations

import re
from typing import Any

import yaml

from closedset.core.errors import BadInput


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
    """


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
            raise BadInput(f"a key must be plain text, not {key!r}", line=line)
        key = str(key) if not isinstance(key, bool) else ("true" if key else "false")
        if index >= merged:
            # A key written here overrides a merged one, but may not be written twice.
            if key in own_keys:
                raise BadInput(f"key '{key}' is given twice", line=line)
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


def load(text: str, source: str | None = None) -> Any:
    """Parse YAML or JSON text; any syntax problem becomes BadInput with its line."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except BadInput as error:
        raise error.located(source) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        problem = error.problem or error.context or "not valid YAML"
        raise BadInput(f"not valid YAML or JSON: {problem}", source=source, line=line) from None
    except yaml.YAMLError as error:
        raise BadInput(f"not valid YAML or JSON: {error}", source=source) from None
    except (ValueError, TypeError, RecursionError) as error:
        raise BadInput(f"not valid YAML or JSON: {error}", source=source) from None


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
