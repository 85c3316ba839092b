"""Our own bank YAML: validated like a shipped file, then given the new bank id."""

from __future__ import annotations

from collections.abc import Mapping

from bot.banks.importers.base import BankImportError, Entry, ImportProblem, Parsed, read_yaml, under
from bot.engine.validation import BANK_KEYS


def parse_ours(text: str) -> Parsed:
    """Question ids, sources and evidence are kept; only the bank id is replaced."""
    data, line_of = read_yaml(text)
    if not isinstance(data, Mapping) or "questions" not in data:
        raise BankImportError("not a trivia-bot bank: expected a mapping with a 'questions' list")
    questions = data["questions"]
    if not isinstance(questions, list):
        raise BankImportError(f"line {line_of(('questions',))}: 'questions' must be a list")
    parsed = Parsed(
        title=data.get("title"),
        description=data.get("description") or "",
        sources=data.get("sources"),
        line_of=line_of,
    )
    for key in data:
        if key not in BANK_KEYS:
            parsed.problems.append(
                ImportProblem(None, line_of((str(key),)), f"unknown key '{key}' was ignored")
            )
    parsed.entries = [
        Entry(i + 1, raw, under(line_of, "questions", i)) for i, raw in enumerate(questions)
    ]
    return parsed
