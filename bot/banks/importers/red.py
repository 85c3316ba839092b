"""Red-DiscordBot trivia lists: `question: [answers...]` plus AUTHOR, DESCRIPTION and CONFIG."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

from bot.banks.importers.base import (
    BankImportError,
    Entry,
    ImportProblem,
    Parsed,
    compose,
    read_yaml,
)
from bot.engine.validation import LineOf

RESERVED = frozenset({"AUTHOR", "DESCRIPTION", "CONFIG"})


def parse_red(text: str) -> Parsed:
    """Red lists have no distractors, so every question imports as typed-only."""
    data, line_of = read_yaml(text, repeated_keys=True)
    if data is None:
        raise BankImportError("the file is empty")
    if not isinstance(data, Mapping):
        raise BankImportError("a Red trivia list must be a mapping of questions to answer lists")
    if isinstance(data.get("questions"), list) and "title" in data:
        raise BankImportError(
            "this looks like a trivia-bot bank, not a Red list; use --format yaml"
        )
    parsed = Parsed(description=_description(data), line_of=line_of)
    key_lines, parsed.problems = _key_lines(text)
    number = 0
    for key, value in data.items():
        if key in RESERVED:
            continue  # CONFIG (timeouts, payouts, ...) has no counterpart in a bank
        number += 1
        locate = _locator(line_of, str(key), key_lines.get(str(key)))
        answers = _answers(value)
        if answers is None:
            parsed.problems.append(ImportProblem(number, locate(()), "no answer"))
            continue
        parsed.entries.append(Entry(number, {"question": key, "answers": answers}, locate))
    return parsed


def _key_lines(text: str) -> tuple[dict[str, int], list[ImportProblem]]:
    """Each question's own line, and the repeats YAML would otherwise drop without a word."""
    root = compose(text)
    lines: dict[str, int] = {}
    problems: list[ImportProblem] = []
    if not isinstance(root, yaml.MappingNode):
        return lines, problems
    for key, _value in root.value:
        if not isinstance(key, yaml.ScalarNode):
            continue
        line = key.start_mark.line + 1
        if key.value in lines:
            message = (
                f"question '{key.value}' is repeated (first on line {lines[key.value]}); "
                "only the last copy's answers are kept"
            )
            problems.append(ImportProblem(None, line, message))
        lines[key.value] = line
    return lines, problems


def _answers(value: Any) -> Any:
    """Red wants a list, but a lone answer written without brackets is unambiguous."""
    if value is None or value == []:
        return None
    if isinstance(value, str | int | float):
        return [value]
    return value


def _description(data: Mapping[Any, Any]) -> str:
    """Keep the list's own blurb and credit its author."""
    description = data.get("DESCRIPTION")
    author = data.get("AUTHOR")
    parts = [str(description).strip()] if isinstance(description, str | int | float) else []
    if isinstance(author, str) and author.strip():
        parts.append(f"By {author.strip()}.")
    return " ".join(p for p in parts if p)


def _locator(line_of: LineOf, key: str, key_line: int | None) -> LineOf:
    """Red paths are `question -> answer index`; map our `answers[i]` onto them."""

    def locate(path: tuple[str | int, ...]) -> int:
        if path[:1] == ("answers",) and len(path) > 1:
            return line_of((key, *path[1:]))
        return key_line or line_of((key,))

    return locate
