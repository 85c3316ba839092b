"""What every input format is turned into before the shared validation runs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

try:
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader  # type: ignore[assignment]

from bot.banks.yamlio import LenientLoader, YamlProblem, parse
from bot.engine.errors import TriviaError
from bot.engine.validation import LineOf, no_lines


class BankImportError(TriviaError):
    """The whole input is unusable (too big, wrong encoding, not the format); safe to show."""


ImportError_ = BankImportError
"""Short alias used by the Discord admin cog."""


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """One skipped entry (or a note about the whole file), named the way the input counts."""

    entry: int | None
    line: int
    message: str

    def __str__(self) -> str:
        if self.entry is None:
            return f"line {self.line}: {self.message}" if self.line else self.message
        where = f"entry {self.entry} (line {self.line})" if self.line else f"entry {self.entry}"
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class Entry:
    """One question read from the input, in bank-file shape but not yet validated."""

    number: int
    data: Any
    line_of: LineOf = no_lines

    @property
    def line(self) -> int:
        return self.line_of(())


@dataclass(slots=True)
class Parsed:
    """A format reader's output: entries plus the bank-level fields the format carries."""

    entries: list[Entry] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    title: str | None = None
    description: str = ""
    sources: Any = None
    line_of: LineOf = no_lines
    outlet: str | None = None
    """Where the questions were published; with `source_title`, the bank's one source."""
    source_title: str | None = None


def under(line_of: LineOf, *prefix: str | int) -> LineOf:
    """A locator for paths inside one entry, given where the entry sits in the document."""

    def locate(path: tuple[str | int, ...]) -> int:
        return line_of((*prefix, *path))

    return locate


def read_yaml(text: str, *, repeated_keys: bool = False) -> tuple[Any, LineOf]:
    """Safe YAML for imports: yamlio's rules plus no explicit tags at all (`!!binary`, `!!set`)."""
    try:
        data, line_of = parse(text, repeated_keys=repeated_keys)
    except YamlProblem as exc:
        raise BankImportError(f"line {exc.line}: not valid YAML: {exc}") from None
    except RecursionError:
        raise BankImportError("not valid YAML: nested too deeply") from None
    if _MAYBE_TAG.search(text):
        _reject_tags(text)
    return data, line_of


def compose(text: str) -> yaml.Node | None:
    """The node tree, for the few checks the constructed data can no longer answer."""
    return yaml.compose(text, Loader=LenientLoader)


_MAYBE_TAG = re.compile(r"(?:^|[\s\[{,:?-])![^\s]", re.MULTILINE)


def _reject_tags(text: str) -> None:
    """Tags change what a value is; imported text only ever needs plain strings and numbers."""
    for token in yaml.scan(text, Loader=SafeLoader):
        if isinstance(token, yaml.TagToken):
            line = token.start_mark.line + 1
            raise BankImportError(
                f"line {line}: YAML tags (like !!binary or !custom) are not allowed in imports"
            )
