"""Reading YAML/JSON with line numbers, so errors can point at the line to fix."""

from __future__ import annotations

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
    """SafeLoader with YAML 1.2 booleans: only true/false are booleans.

    YAML 1.1 reads `answer: no` as False; in a boundary file `no` is an answer, not a boolean.
    """


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    __import__("re").compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Mapping:
    result = Mapping()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool) or key is None:
            raise BadInput(
                f"a key must be plain text, not {key!r}", line=key_node.start_mark.line + 1
            )
        key = str(key) if not isinstance(key, bool) else ("true" if key else "false")
        if key in result:
            raise BadInput(f"key '{key}' is given twice", line=key_node.start_mark.line + 1)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
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
