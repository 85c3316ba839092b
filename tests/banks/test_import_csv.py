"""Spreadsheet CSV: header names the columns, `|` separates alternates and distractors."""

from __future__ import annotations

import pytest

from bot.banks.importers import BankImportError, ImportReport, import_questions
from bot.banks.importers.csvfile import join_items, split_items
from bot.engine.models import Difficulty
from tests.banks.helpers import IMPORTS


def csv_import(text: str | bytes) -> ImportReport:
    data = text.encode() if isinstance(text, str) else text
    return import_questions(data, "csv", bank_id="mixed", filename="q.csv")


def test_fixture() -> None:
    report = csv_import((IMPORTS / "questions.csv").read_bytes())
    assert report.entries == 8
    assert [
        (q.id, q.line, q.answers, q.distractors, q.difficulty, q.category) for q in report.questions
    ] == [
        (
            "what-colour-do-you-get-by-mixing-blue",
            2,
            ("Green",),
            ("Purple", "Orange", "Brown"),
            Difficulty.EASY,
            "Art",
        ),
        (
            "how-many-strings-does-a-standard-violin",
            3,
            ("4", "four"),
            ("5", "6", "3"),
            Difficulty.MEDIUM,
            "Music",
        ),
        (
            "which-punctuation-mark-is-also-called-a",
            4,
            ("Period", "Full stop", "Dot"),
            ("Comma", "Colon", "Semicolon"),
            Difficulty.MEDIUM,
            "Language",
        ),
        (
            "which-symbol-separates-items-in-this-csv",
            8,
            ("Pipe", "Vertical bar", "|"),
            ("Comma", "Slash", "Backslash \\"),
            Difficulty.HARD,
            "Meta",
        ),
    ]
    third = report.questions[2]
    assert third.text == 'Which punctuation mark is also called a "full stop"?'
    assert third.explanation == "In US English it is a period; in UK English, a full stop."
    assert report.questions[1].explanation is None
    assert [str(p) for p in report.problems] == [
        "entry 4 (line 5): the 'question' cell is empty",
        "entry 5 (line 6): no answer (the 'answer' cell is empty)",
        "entry 6 (line 7): duplicate of entry 1",
        "entry 8 (line 9): distractor 'Blue whales' would be judged correct (too close to an "
        "answer)",
    ]


def test_only_required_columns_in_any_order() -> None:
    report = csv_import("Answer,QUESTION\nOslo,Capital of Norway?\n")
    (q,) = report.questions
    assert (q.text, q.answers, q.distractors, q.difficulty) == (
        "Capital of Norway?",
        ("Oslo",),
        (),
        Difficulty.MEDIUM,
    )


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        ("question,alternates", "'answer'"),
        ("answer,category", "'question'"),
        ("prompt,reply", "'question' and 'answer'"),
    ],
)
def test_missing_required_column_is_named(header: str, missing: str) -> None:
    with pytest.raises(BankImportError, match=f"line 1: the header row has no {missing} column"):
        csv_import(f"{header}\nx,y\n")


def test_unknown_and_repeated_columns() -> None:
    report = csv_import("question,answer,notes\nCapital of Chile?,Santiago,easy one\n")
    assert [str(p) for p in report.problems] == [
        "line 1: column 'notes' is not used (known: question, answer, alternates, distractors, "
        "difficulty, category, explanation)"
    ]
    assert len(report.questions) == 1
    with pytest.raises(BankImportError, match="column 'answer' appears twice"):
        csv_import("question,answer,Answer\nq,a,b\n")


def test_multiline_cells_keep_row_lines() -> None:
    text = 'question,answer\n"A question\nacross two lines?",yes\nShort?,\n'
    report = csv_import(text)
    assert report.questions[0].text == "A question\nacross two lines?"
    assert [str(p) for p in report.problems] == [
        "entry 2 (line 4): no answer (the 'answer' cell is empty)"
    ]


def test_too_many_cells_and_blank_rows() -> None:
    report = csv_import("question,answer\n\n,,\nWhat is 1, 2?,3\n")
    assert [str(p) for p in report.problems] == [
        "entry 1 (line 4): 3 cells, but the header has 2 columns (quote cells that contain the "
        "delimiter)"
    ]
    assert report.bank is None


def test_invalid_difficulty_is_reported() -> None:
    report = csv_import("question,answer,difficulty\nHow far?,Far,extreme\n")
    assert [str(p) for p in report.problems] == [
        "entry 1 (line 2): difficulty 'extreme' must be easy, medium or hard"
    ]


def test_semicolon_and_tab_delimiters() -> None:
    for sep in (";", "\t"):
        report = csv_import(
            f"question{sep}answer{sep}distractors\nBest, really?{sep}Yes{sep}No|Maybe|Later\n"
        )
        assert report.questions[0].distractors == ("No", "Maybe", "Later")


def test_a_windows_line_break_in_a_quoted_cell_is_text() -> None:
    report = csv_import(b'question,answer,explanation\r\n"Two\r\nlines?",yes,"one\r\ntwo"\r\n')
    assert report.ok
    assert (report.questions[0].text, report.questions[0].explanation) == (
        "Two\nlines?",
        "one\ntwo",
    )


def test_utf8_bom_from_excel_is_accepted() -> None:
    report = csv_import("\ufeffquestion,answer\nCafé?,Oui\n".encode())
    assert report.questions[0].text == "Café?"


def test_not_utf8_is_a_clear_error() -> None:
    with pytest.raises(BankImportError, match=r"line 2: not UTF-8 text; save the file as UTF-8"):
        csv_import("question,answer\nCafé?,Oui\n".encode("cp1252"))
    with pytest.raises(BankImportError, match="UTF-16"):
        csv_import("question,answer\nq,a\n".encode("utf-16"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the CSV file is empty"),
        ('question,answer\n"q\0",a\n', r"line 2: the file contains a NUL character"),
        ("question,answer\n" + "q" * 200_000 + ",a\n", r"line 2: not valid CSV: field larger"),
    ],
)
def test_unusable_csv(text: str, message: str) -> None:
    with pytest.raises(BankImportError, match=message):
        csv_import(text)


@pytest.mark.parametrize(
    ("cell", "items"),
    [
        ("", []),
        ("a", ["a"]),
        (" a | b ||c ", ["a", "b", "c"]),
        (r"a\|b|c", ["a|b", "c"]),
        (r"C:\Windows|back\\slash", ["C:\\Windows", "back\\slash"]),
        ("trailing\\", ["trailing\\"]),
    ],
)
def test_split_items(cell: str, items: list[str]) -> None:
    assert split_items(cell) == items


def test_join_items_is_split_items_inverse() -> None:
    items = ["a|b", "c\\", "\\|", "plain"]
    assert split_items(join_items(items)) == items
