"""Safe YAML with line numbers: the C loader when present, no tags, no aliases.

Two parsers give the same answers. The fast one reads libyaml's events and builds the data in
one loop, resolving plain scalars with PyYAML's own YAML 1.1 rules (`yes` is true, `1_000` is
1000); it keeps only the line of each question, which every question needs. Anything unusual
(a tag, an anchor, a repeated or non-text key, several documents, any error) and any other
line asked for go to the full parser: libyaml's node tree plus PyYAML's safe constructor,
which refuses repeated keys, exotic tags and aliases with the line they are on.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import (
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from bot.engine.validation import LineOf, Path

try:
    from yaml import CSafeDumper as SafeDumper
    from yaml import CSafeLoader as _BaseLoader
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeDumper  # type: ignore[assignment]
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

    _CParser = None  # type: ignore[assignment,misc]

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
    if _CParser is not None:
        try:
            fast = _parse_fast(text)
        except Exception:  # whatever it is, the full parser words it (or accepts it) as before
            fast = None
        if fast is not None:
            data, root_line, item_lines = fast
            return data, _fast_lines(text, repeated_keys, root_line, item_lines)
    return _parse_full(text, repeated_keys=repeated_keys)


class _Unusual(Exception):
    """Something the fast parser leaves to the full one."""


# Plain scalars are resolved by the loader's own implicit resolvers (looked up by first
# character, as PyYAML does) and built by its own constructors; only these tags need no node
# tree. Any other tag a plain scalar resolves to (merge keys, `=`) goes to the full parser.
_SCALAR_TAGS = tuple(
    f"tag:yaml.org,2002:{t}" for t in ("null", "bool", "int", "float", "timestamp")
)
_CONSTRUCTOR = SafeConstructor()
_MAX_DEPTH = 50  # deeper goes to the full parser, which refuses it as it always has
_NO_KEY: Any = object()
_Resolvers = dict[Any, list[tuple[str, re.Pattern[str]]]]


def _resolve_plain(value: str, implicit: _Resolvers, build: dict[str, Any]) -> Any:
    """A plain scalar as the full parser reads it: the same regexes, the same constructors."""
    for tag, regexp in implicit.get(value[:1], []):
        if regexp.match(value):
            if tag not in build:
                raise _Unusual(tag)
            return build[tag](_CONSTRUCTOR, yaml.ScalarNode(tag, value))
    return value


def _parse_fast(text: str) -> tuple[dict[str, Any], int, list[int] | None] | None:
    """The data of a plain one-mapping document, its line and each of its questions' lines.

    None (or an exception) means: leave this text to the full parser.
    """
    implicit: _Resolvers = LenientLoader.yaml_implicit_resolvers
    if implicit.get(None):  # a wildcard resolver: the first-character test below would miss it
        return None
    first = frozenset(implicit)
    build = {t: LenientLoader.yaml_constructors[t] for t in _SCALAR_TAGS}
    get: Callable[[], Any] = _CParser(text).get_event
    get()  # StreamStartEvent
    if get().__class__ is not DocumentStartEvent:
        return None  # an empty text
    event: Any = get()
    if event.__class__ is not MappingStartEvent or event.tag or event.anchor:
        return None
    mark: Any = event.start_mark
    root_line: int = mark.line + 1
    root: dict[str, Any] = {}
    item_lines: list[int] | None = None
    stack: list[tuple[Any, bool, list[int] | None]] = []
    # the open container, whether it is a mapping, the key awaiting its value, and where to
    # note the lines of a sequence's items (only for the top-level `questions`)
    node: Any = root
    in_map = True
    key: Any = _NO_KEY
    track: list[int] | None = None
    while True:
        event = get()
        kind = event.__class__
        if kind is ScalarEvent:
            if event.tag is not None or event.anchor is not None:
                raise _Unusual("tag or anchor")
            value = event.value
            if event.implicit[0] and value[:1] in first:
                value = _resolve_plain(value, implicit, build)
            if not in_map:
                if track is not None:
                    track.append(event.start_mark.line + 1)
                node.append(value)
            elif key is _NO_KEY:
                if value.__class__ is not str or value in node:
                    raise _Unusual("repeated or non-text key")
                key = value
            else:
                node[key] = value
                key = _NO_KEY
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if event.tag is not None or event.anchor is not None or len(stack) >= _MAX_DEPTH:
                raise _Unusual("tag, anchor or depth")
            child: Any = {} if kind is MappingStartEvent else []
            if not in_map:
                if track is not None:
                    track.append(event.start_mark.line + 1)
                node.append(child)
            elif key is _NO_KEY:
                raise _Unusual("a mapping or list as a key")
            else:
                node[key] = child
            stack.append((node, in_map, track))
            track = None
            if node is root and key == "questions" and kind is SequenceStartEvent:
                track = item_lines = []
            node = child
            in_map = kind is MappingStartEvent
            key = _NO_KEY
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            if not stack:
                break
            node, in_map, track = stack.pop()
            key = _NO_KEY
        else:  # an alias
            raise _Unusual(kind.__name__)
    if get().__class__ is not DocumentEndEvent or get().__class__ is not StreamEndEvent:
        return None  # a second document: the full parser refuses it
    return root, root_line, item_lines


def _fast_lines(
    text: str, repeated_keys: bool, root_line: int, item_lines: list[int] | None
) -> LineOf:
    """Lines for the fast parser's data: questions' own lines at once, the rest on demand.

    Any other line (a problem's) comes from the full parser's node tree, built the first
    time one is asked for; its lines are the ones the full parser alone would give.
    """
    full: list[LineOf] = []

    def line_of(path: Path) -> int:
        if len(path) == 2 and item_lines is not None and path[0] == "questions":
            i = path[1]
            if isinstance(i, int) and 0 <= i < len(item_lines):
                return item_lines[i]
        elif not path:
            return root_line
        if not full:
            try:
                full.append(_parse_full(text, repeated_keys=repeated_keys)[1])
            except YamlProblem:  # cannot happen: both parsers accepted this text
                full.append(lambda _p: root_line)
        return full[0](path)

    return line_of


def _parse_full(text: str, *, repeated_keys: bool) -> tuple[Any, LineOf]:
    """The full parser: every rule checked on the node tree, every line kept."""
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
    except (ValueError, OverflowError) as exc:  # a date like 2023-02-30 that has the form only
        line, value = _unreadable_scalar(node)
        raise YamlProblem(line, f"'{value}' cannot be read as a value: {exc}") from None
    finally:
        loader.dispose()
    return data, lambda path: _line_of(node, path)


def _unreadable_scalar(root: yaml.Node) -> tuple[int, str]:
    """The first scalar whose constructor fails, for an error that names its line."""
    constructor = SafeConstructor()
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            try:
                constructor.construct_object(node)
            except (ValueError, OverflowError):
                return node.start_mark.line + 1, node.value[:40]
        elif isinstance(node, yaml.MappingNode):
            stack.extend(v for pair in reversed(node.value) for v in reversed(pair))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
    return 1, "?"


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
