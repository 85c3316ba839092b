"""Export -> import gives back the same questions, for YAML and for CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bot.banks.exporters import export_csv, export_yaml
from bot.banks.importers import import_questions
from bot.banks.loader import parse_bank_text
from bot.banks.verify import normalise
from bot.engine.models import Bank, Difficulty, Question, Source
from bot.engine.validation import build_question
from tests.banks.helpers import FIXTURES, IMPORTS, load

REPO_FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "banks" / "geo.yaml"
BANK_FILES = [REPO_FIXTURE, FIXTURES / "verify-good.yaml", FIXTURES / "verify-bad.yaml"]

TRICKY = Bank(
    id="tricky",
    title="Tricky: values YAML and CSV like to mangle",
    description="# not a comment, and 'quotes' \"both\" kinds",
    sources=(Source("src-1", "A source: with a colon", "Outlet", "2024-01-02"),),
    questions=(
        Question(
            id="tf",
            text="True or false: yes is no?",
            answers=("False",),
            distractors=("True",),
            difficulty=Difficulty.EASY,
        ),
        Question(
            id="numbers",
            text="What year, as digits?",
            answers=("2017", "1.0", "0x10"),
            distractors=("null", "~", "yes"),
            category="Numbers & nulls",
        ),
        Question(
            id="bars",
            text="Which strings hold separators?",
            answers=("a|b", "c\\d"),
            distractors=("e\\|f", "|", "\\"),
            difficulty=Difficulty.HARD,
            explanation="Line one.\nLine two, with a tab\there.",
        ),
        Question(
            id="formula",
            text="=1+1, - dash, @at, \"quoted\", 'single'?",
            answers=("- two",),
            source="src-1",
            evidence="ev: idence",
            hint="# hash",
            explanation="Über naïve café — “curly” ‘quotes’.",
        ),
        Question(
            id="long",
            text="A long question " * 40 + "end?",
            answers=("Long",),
            distractors=("Short", "Medium", "Tiny"),
        ),
        Question(id="typed", text="Only typed?", answers=("Typed",)),
    ),
)


def yaml_fields(q: Question) -> tuple[Any, ...]:
    return (
        q.id,
        q.text,
        q.answers,
        q.distractors,
        q.difficulty,
        q.category,
        q.source,
        q.evidence,
        q.explanation,
        q.hint,
    )


def csv_fields(q: Question) -> tuple[Any, ...]:
    return (q.text, q.answers, q.distractors, q.difficulty, q.category, q.explanation)


def via_yaml(bank: Bank) -> Bank:
    report = import_questions(export_yaml(bank).encode(), "yaml", bank_id=bank.id)
    assert report.problems == (), [str(p) for p in report.problems]
    assert report.bank is not None
    return report.bank


def via_csv(bank: Bank) -> Bank:
    report = import_questions(export_csv(bank).encode(), "csv", bank_id=bank.id, title=bank.title)
    assert report.problems == (), [str(p) for p in report.problems]
    assert report.bank is not None
    return report.bank


def all_banks() -> list[Bank]:
    return [TRICKY, *(load(p) for p in BANK_FILES)]


@pytest.mark.parametrize("bank", all_banks(), ids=lambda b: b.id)
def test_yaml_round_trip_keeps_everything(bank: Bank) -> None:
    back = via_yaml(bank)
    assert (back.id, back.title, back.description, back.sources) == (
        bank.id,
        bank.title,
        bank.description,
        bank.sources,
    )
    assert [yaml_fields(q) for q in back.questions] == [yaml_fields(q) for q in bank.questions]


@pytest.mark.parametrize("bank", all_banks(), ids=lambda b: b.id)
def test_csv_round_trip_keeps_the_csv_columns(bank: Bank) -> None:
    back = via_csv(bank)
    assert [csv_fields(q) for q in back.questions] == [csv_fields(q) for q in bank.questions]


def test_yaml_export_is_a_valid_bank_file() -> None:
    report = parse_bank_text(export_yaml(TRICKY), "tricky.yaml")
    assert report.ok, [str(p) for p in report.problems]
    assert report.bank is not None
    assert [yaml_fields(q) for q in report.bank.questions] == [
        yaml_fields(q) for q in TRICKY.questions
    ]


def test_yaml_export_leaves_out_empty_fields() -> None:
    text = export_yaml(Bank(id="b", title="B", questions=(Question("q", "Q?", ("A",)),)))
    assert text == (
        "id: b\ntitle: B\nquestions:\n- id: q\n  question: Q?\n  answers:\n  - A\n"
        "  difficulty: medium\n"
    )


def test_csv_export_layout() -> None:
    bank = Bank(
        id="b",
        title="B",
        questions=(
            Question(
                "q",
                "Q, with comma?",
                ("A", "B|C"),
                ("D", "E"),
                Difficulty.EASY,
                "Cat",
                explanation="Why",
            ),
        ),
    )
    assert export_csv(bank) == (
        "question,answer,alternates,distractors,difficulty,category,explanation\n"
        '"Q, with comma?",A,B\\|C,D|E,easy,Cat,Why\n'
    )


def test_imported_fixture_survives_export_and_reimport() -> None:
    first = import_questions((IMPORTS / "questions.csv").read_bytes(), "csv", bank_id="csv")
    assert first.bank is not None
    assert [csv_fields(q) for q in via_csv(first.bank).questions] == [
        csv_fields(q) for q in first.bank.questions
    ]
    assert [yaml_fields(q) for q in via_yaml(first.bank).questions] == [
        yaml_fields(q) for q in first.bank.questions
    ]


# Property: any bank the validator accepts survives both round trips.
_chars = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x85")
_text = st.text(_chars, min_size=1, max_size=60)
_short = st.text(_chars, min_size=1, max_size=20)


@st.composite
def questions(draw: st.DrawFn, n: int) -> Question:
    data = {
        "id": f"q{n}",
        "question": draw(_text),
        "answers": draw(st.lists(_short, min_size=1, max_size=3)),
        "distractors": draw(st.lists(_short, max_size=3)),
        "difficulty": draw(st.sampled_from(["easy", "medium", "hard"])),
        "category": draw(st.none() | _short),
        "explanation": draw(st.none() | _text),
        "hint": draw(st.none() | _short),
    }
    question, problems = build_question(data, bank_id="prop", source_ids=frozenset())
    assume(question is not None and not problems)
    assert question is not None
    return question


@st.composite
def banks(draw: st.DrawFn) -> Bank:
    qs = [draw(questions(n)) for n in range(draw(st.integers(1, 3)))]
    texts = [normalise(q.text).casefold() for q in qs]
    assume(len(set(texts)) == len(texts))
    return Bank(id="prop", title="Property bank", questions=tuple(qs))


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)
@given(banks())
def test_round_trips_hold_for_any_valid_bank(bank: Bank) -> None:
    assert [yaml_fields(q) for q in via_yaml(bank).questions] == [
        yaml_fields(q) for q in bank.questions
    ]
    assert [csv_fields(q) for q in via_csv(bank).questions] == [
        csv_fields(q) for q in bank.questions
    ]
