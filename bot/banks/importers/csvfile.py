"""Spreadsheet CSV: one question per row, alternates and distractors separated by `|`.

Columns (header row, any order, case-insensitive): question and answer are required;
alternates, distractors, difficulty, category and explanation are optional. In alternates and
distractors, `|` separates items; write `\\|` for a literal bar and `\\\\` for a backslash.
The delimiter is `,` (or `;` or a tab, recognised from the header row).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from bot.banks.importers.base import BankImportError, Entry, ImportProblem, Parsed
from bot.engine.validation import LineOf

COLUMNS = (
    "question",
    "answer",
    "alternates",
    "distractors",
    "difficulty",
    "category",
    "explanation",
)
REQUIRED = ("question", "answer")
SEPARATOR = "|"
DELIMITERS = (",", ";", "\t")


def parse_csv(text: str) -> Parsed:
    """Rows become questions; the row's line number is kept for every problem."""
    delimiter = _delimiter(text)
    rows = _rows(text, delimiter)
    first = next(rows, None)
    if first is None:
        raise BankImportError("the CSV file is empty; it needs a header row")
    header = _header(first[1])
    parsed = Parsed()
    parsed.problems.extend(
        ImportProblem(None, 1, f"column '{name}' is not used (known: {', '.join(COLUMNS)})")
        for name in header
        if name not in COLUMNS
    )
    number = 0
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        number += 1
        if len(row) > len(header):
            parsed.problems.append(
                ImportProblem(
                    number,
                    line,
                    f"{len(row)} cells, but the header has {len(header)} columns "
                    "(quote cells that contain the delimiter)",
                )
            )
            continue
        # a quoted cell keeps the line breaks typed in it, and Windows writes them as CRLF
        cells = dict(zip(header, (_lines(c) for c in row), strict=False))
        question, problem = _question(cells)
        if problem:
            parsed.problems.append(ImportProblem(number, line, problem))
        else:
            parsed.entries.append(Entry(number, question, _at(line)))
    return parsed


def _delimiter(text: str) -> str:
    """Spreadsheets in some locales save `;`-separated "CSV"; the header row tells us which."""
    first_line = text.split("\n", 1)[0]
    for delimiter in DELIMITERS:
        names = first_line.lower().split(delimiter)
        if any(name.strip().strip('"') == "question" for name in names):
            return delimiter
    return ","


def _rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """Rows with the line each starts on; malformed CSV stops the import with its line."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise BankImportError(f"line {reader.line_num}: not valid CSV: {exc}") from None
        yield start, row
        start = reader.line_num + 1


def _lines(cell: str) -> str:
    return cell.replace("\r\n", "\n").replace("\r", "\n") if "\r" in cell else cell


def _header(cells: list[str]) -> list[str]:
    """Column names, checked once, so a bad header fails fast and names the column."""
    names = [cell.strip().lower() for cell in cells]
    for name in names:
        if name and names.count(name) > 1:
            raise BankImportError(f"line 1: column '{name}' appears twice in the header")
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        quoted = " and ".join(f"'{m}'" for m in missing)
        raise BankImportError(
            f"line 1: the header row has no {quoted} column (found: {', '.join(names) or 'none'};"
            f" required: {', '.join(REQUIRED)})"
        )
    return names


def _question(cells: dict[str, str]) -> tuple[dict[str, Any], str | None]:
    """One row in bank-file shape, or why it cannot be one (in the spreadsheet's terms)."""
    question = cells.get("question", "").strip()
    answer = cells.get("answer", "").strip()
    if not question:
        return {}, "the 'question' cell is empty"
    if not answer:
        return {}, "no answer (the 'answer' cell is empty)"
    data: dict[str, Any] = {
        "question": question,
        "answers": [answer, *split_items(cells.get("alternates", ""))],
        "distractors": split_items(cells.get("distractors", "")),
    }
    for key in ("difficulty", "category", "explanation"):
        value = cells.get(key, "").strip()
        if value:
            data[key] = value
    return data, None


def split_items(cell: str) -> list[str]:
    """`a | b\\|c` -> ["a", "b|c"]: blank items are dropped, each item is trimmed."""
    items: list[str] = []
    current: list[str] = []
    chars = iter(cell)
    for ch in chars:
        if ch == "\\":
            escaped = next(chars, "")
            current.append(escaped if escaped in ("|", "\\") else ch + escaped)
        elif ch == SEPARATOR:
            items.append("".join(current))
            current = []
        else:
            current.append(ch)
    items.append("".join(current))
    return [item.strip() for item in items if item.strip()]


def join_items(items: Iterable[str]) -> str:
    """The inverse of `split_items`, for export."""
    return SEPARATOR.join(i.replace("\\", "\\\\").replace(SEPARATOR, "\\|") for i in items)


def _at(line: int) -> LineOf:
    """Every path inside a row is on the row's line."""

    def locate(_path: tuple[str | int, ...]) -> int:
        return line

    return locate
