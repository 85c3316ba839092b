"""Red-DiscordBot trivia lists: `question: [answers...]` plus AUTHOR, DESCRIPTION and CONFIG.

Answers are read as Red plays them: Red compares in lower case, so answers that differ only
in case are one answer; a YAML boolean (`yes`, `off`) stands for True/Yes/On or False/No/Off;
and a value YAML reads as a number keeps the text written (`07`) beside the form Red shows
(`7`). Questions repeated apart from case or spacing become one question with both answer
lists, since Red plays each copy.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from bot.banks.importers.base import (
    BankImportError,
    Entry,
    ImportProblem,
    Parsed,
    compose,
    read_yaml,
)
from bot.banks.verify import normalise
from bot.engine.validation import LineOf

RESERVED = frozenset({"AUTHOR", "DESCRIPTION", "CONFIG", "$schema"})
OUTLET = "Red-DiscordBot trivia list"
RED_TRUE = ("True", "Yes", "On")
RED_FALSE = ("False", "No", "Off")
_BOOL = "tag:yaml.org,2002:bool"
_NUMBERS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
_NULL = "tag:yaml.org,2002:null"


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
    parsed = Parsed(
        title=list_title(data.get("DESCRIPTION")),
        description=_description(data),
        line_of=line_of,
        outlet=OUTLET,
    )
    root = compose(text)
    assert isinstance(root, yaml.MappingNode)  # read_yaml gave a mapping
    parsed.problems.extend(_repeats(root))
    build = SafeConstructor()
    last: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    odd: list[yaml.Node] = []
    for key, value in root.value:
        if isinstance(key, yaml.ScalarNode):
            last.pop(key.value, None)  # a repeated key keeps its last copy, in its place
            last[key.value] = (key, value)
        else:
            odd.append(key)
    by_text: dict[str, Entry] = {}
    number = 0
    for text_, (key, value) in last.items():
        if text_ in RESERVED:
            continue  # CONFIG (timeouts, payouts, ...) has no counterpart in a bank
        number += 1
        key_line = _line(key)
        answers, lines = _answers(value, build)
        if answers is None or answers == []:
            parsed.problems.append(ImportProblem(number, key_line, "no answer"))
            continue
        same = by_text.get(_fold(text_))
        if same is not None and isinstance(answers, list):
            same.data["answers"] = _unique([*same.data["answers"], *answers])
            message = (
                f"the same question as entry {same.number} apart from case or spacing; "
                "its answers were added to that entry"
            )
            parsed.problems.append(ImportProblem(number, key_line, message))
            continue
        entry = Entry(number, {"question": text_, "answers": answers}, _at(key_line, lines))
        parsed.entries.append(entry)
        if isinstance(answers, list):
            by_text[_fold(text_)] = entry
    for key in odd:
        number += 1
        parsed.problems.append(ImportProblem(number, _line(key), "the question must be text"))
    return parsed


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _repeats(root: yaml.MappingNode) -> list[ImportProblem]:
    """Repeated keys, which YAML would otherwise drop without a word."""
    lines: dict[str, int] = {}
    problems: list[ImportProblem] = []
    for key, _value in root.value:
        if not isinstance(key, yaml.ScalarNode):
            continue
        line = _line(key)
        if key.value in lines:
            message = (
                f"question '{key.value}' is repeated (first on line {lines[key.value]}); "
                "only the last copy's answers are kept"
            )
            problems.append(ImportProblem(None, line, message))
        lines[key.value] = line
    return problems


def _answers(node: yaml.Node, build: SafeConstructor) -> tuple[Any, list[int]]:
    """Answer texts as Red plays them, with each one's line; odd shapes go to validation."""
    if isinstance(node, yaml.ScalarNode):
        items = [node]
    elif isinstance(node, yaml.SequenceNode):
        items = node.value
    else:
        return _data(node, build), []  # a mapping: validation names it
    texts: list[str] = []
    lines: list[int] = []
    for item in items:
        if not isinstance(item, yaml.ScalarNode):  # a nested list: validation names it
            return _data(node, build), [_line(i) for i in items]
        for text in _readings(item, build):
            texts.append(text)
            lines.append(_line(item))
    keep = _unique(texts)
    return keep, [lines[texts.index(t)] for t in keep]


def _data(node: yaml.Node, build: SafeConstructor) -> Any:
    return build.construct_object(node, deep=True)


def _readings(node: yaml.ScalarNode, build: SafeConstructor) -> list[str]:
    """The texts one YAML scalar stands for in Red."""
    # explicit tags are refused, so a bool, number or null tag means plain text YAML resolved
    if node.tag == _NULL:
        return []  # `- ~` or a bare `-` is no answer at all
    value = _data(node, build)
    if isinstance(value, str):
        return [value]
    if node.tag == _BOOL:
        return [node.value, *(RED_TRUE if value else RED_FALSE)]
    if node.tag in _NUMBERS:
        return [node.value, str(value)]
    return [node.value]  # a date keeps the text written


def _unique(texts: list[str]) -> list[str]:
    """Red compares answers in lower case: the first spelling of each stays."""
    seen: set[str] = set()
    out: list[str] = []
    for text in texts:
        folded = text.strip().casefold()
        if folded not in seen:
            seen.add(folded)
            out.append(text)
    return out


def _fold(text: str) -> str:
    return normalise(text).casefold()


_TOPIC = re.compile(
    r"^(?:an? (?:general knowledge )?trivia (?:about|on|based around) |in this trivia, |"
    r"a trivia where you have to )",
    re.IGNORECASE,
)


def list_title(description: Any) -> str | None:
    """A title from Red's usual blurb: "A trivia about Anime." -> "Anime"; else None."""
    if not isinstance(description, str):
        return None
    sentence = " ".join(description.split()).split(". ")[0].rstrip(".")
    topic = _TOPIC.sub("", sentence, count=1)
    if topic == sentence or not topic:
        return None
    topic = re.split(r": |, | - ", topic, maxsplit=1)[0]  # "Clash Royale: a free-to-play..."
    return topic[:1].upper() + topic[1:]


def _description(data: Mapping[Any, Any]) -> str:
    """Keep the list's own blurb and credit its author."""
    description = data.get("DESCRIPTION")
    author = data.get("AUTHOR")
    parts = [str(description).strip()] if isinstance(description, str | int | float) else []
    if isinstance(author, str) and author.strip():
        parts.append(f"By {author.strip()}.")
    return " ".join(p for p in parts if p)


def _at(key_line: int, answer_lines: list[int]) -> LineOf:
    """Red paths are `question -> answer index`; map our `answers[i]` onto them."""

    def locate(path: tuple[str | int, ...]) -> int:
        if path[:1] == ("answers",) and len(path) > 1:
            i = path[1]
            if isinstance(i, int) and 0 <= i < len(answer_lines):
                return answer_lines[i]
        return key_line

    return locate
