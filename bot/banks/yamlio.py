"""Safe YAML with line numbers: the C loader when present, no tags, no aliases."""

from __future__ import annotations

import re
from typing import Any

import yaml

from bot.engine.validation import LineOf, Path

try:
    from yaml import CSafeDumper as SafeDumper
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeDumper  # type: ignore[assignment]
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

# Tags a bank never needs: they turn text into bytes, sets or ordered pairs.
_REFUSED_TAGS = ("binary", "set", "omap", "pairs")


class LenientLoader(_BaseLoader):
    """The safe loader without exotic tags; a repeated key keeps its last value."""


class SafeLoader(LenientLoader):
    """For bank files: a key written twice is an error, not a silent overwrite."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else id(key_node)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"the key '{key}' appears twice in one mapping",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _refuse(loader: SafeLoader, node: yaml.Node) -> Any:
    raise yaml.constructor.ConstructorError(
        None, None, f"the tag {node.tag} is not allowed in bank files", node.start_mark
    )


for _tag in _REFUSED_TAGS:
    LenientLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _refuse)

_MAYBE_ALIAS = re.compile(r"(?:^|[\s\[{,:-])[&*][^\s&*]", re.MULTILINE)


class YamlProblem(ValueError):
    """The text is not YAML we accept; `line` says where."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def parse(text: str, *, repeated_keys: bool = False) -> tuple[Any, LineOf]:
    """Parse one YAML document and return its data and a path-to-line locator.

    `repeated_keys` is for formats (Red's lists) whose importer reports repeats itself.
    """
    loader = LenientLoader(text) if repeated_keys else SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, lambda _p: 1
        if _MAYBE_ALIAS.search(text):
            _reject_aliases(node)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlProblem(line, f"{exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise YamlProblem(1, str(exc)) from None
    finally:
        loader.dispose()
    return data, lambda path: _line_of(node, path)


def _reject_aliases(root: yaml.Node) -> None:
    """Anchors and aliases can multiply a small file into a huge one; bank files need neither."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise yaml.MarkedYAMLError(
                problem="anchors and aliases (& and *) are not allowed in bank files",
                problem_mark=node.start_mark,
            )
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def _line_of(node: yaml.Node, path: Path) -> int:
    """Walk the node tree along `path`; the nearest line found is good enough."""
    line = node.start_mark.line + 1
    for step in path:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode) and isinstance(step, str):
            child = next((v for k, v in node.value if k.value == step), None)
            if child is None:
                break
            if not isinstance(child, yaml.ScalarNode):
                line = child.start_mark.line + 1
            else:
                key = next(k for k, v in node.value if k.value == step)
                line = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
            if not 0 <= step < len(node.value):
                break
            child = node.value[step]
            line = child.start_mark.line + 1
        else:
            break
        node = child
    return line


def dump(data: Any) -> str:
    """Readable YAML: keys in the order given, unicode kept, long lines left alone."""
    return yaml.dump(data, Dumper=SafeDumper, sort_keys=False, allow_unicode=True, width=100)
