"""Whatever arrives, importers answer with a report or a BankImportError, never a crash."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.banks.importers import BankImportError, ImportReport, detect_format, import_questions
from bot.banks.importers.opentdb import ENCODINGS
from bot.engine.validation import SLUG

FORMATS = st.sampled_from(["red", "opentdb", "csv", "yaml", "auto"])
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Inputs that look a little like each format reach deeper than uniform noise does.
_yamlish = st.lists(
    st.sampled_from(
        [
            "q?: [a, b]",
            "- x",
            "id: b",
            "questions:",
            "  - question: q",
            "    answers:",
            "      - 1",
            "AUTHOR: me",
            "CONFIG: {a: 1}",
            "&a",
            "*a",
            "!!binary x",
            ": ",
            "'",
            '"',
            "{",
            "[",
            "#",
            "\t",
            "~",
            "yes",
            "2020-01-01",
            "? ",
        ]
    ),
    max_size=12,
).map("\n".join)
_csvish = st.lists(
    st.sampled_from(
        [
            "question,answer",
            "q,a",
            '"',
            ",",
            "|",
            "\\",
            ";",
            "\t",
            "a|b",
            "easy",
            "question;answer;distractors",
            "x,y,z,w",
            "\r",
            "",
        ]
    ),
    max_size=12,
).map("\n".join)
_scalar = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
_result = st.dictionaries(
    st.sampled_from(
        [
            "type",
            "difficulty",
            "category",
            "question",
            "correct_answer",
            "incorrect_answers",
            "other",
        ]
    ),
    _scalar | st.lists(_scalar, max_size=4),
)
_jsonish = st.builds(
    lambda code, results: json.dumps({"response_code": code, "results": results}),
    st.sampled_from([0, 0, 0, 1, "0", None]),
    st.lists(_result | _scalar, max_size=5),
)


def _import(data: bytes | str, fmt: str, encoding: str = "auto") -> None:
    try:
        report = import_questions(data, fmt, bank_id="fuzz", filename="fuzz", encoding=encoding)
    except BankImportError as exc:
        assert str(exc)
        return
    assert isinstance(report, ImportReport)
    for q in report.questions:
        assert SLUG.match(q.id) and len(q.id) <= 40
    assert len({q.id for q in report.questions}) == len(report.questions)
    assert all(str(p) for p in report.problems)


@SETTINGS
@given(st.binary(max_size=400), FORMATS)
def test_arbitrary_bytes(data: bytes, fmt: str) -> None:
    _import(data, fmt)


@SETTINGS
@given(st.text(max_size=400), FORMATS)
def test_arbitrary_text(text: str, fmt: str) -> None:
    _import(text, fmt)


@SETTINGS
@given(_yamlish, st.sampled_from(["red", "yaml"]))
def test_yaml_like_text(text: str, fmt: str) -> None:
    _import(text, fmt)


@SETTINGS
@given(_csvish)
def test_csv_like_text(text: str) -> None:
    _import(text, "csv")


@SETTINGS
@given(_jsonish, st.sampled_from(ENCODINGS))
def test_opentdb_like_json(text: str, encoding: str) -> None:
    _import(text, "opentdb", encoding)


@SETTINGS
@given(st.text(max_size=30), st.binary(max_size=200))
def test_detect_format_always_names_a_format(filename: str, data: bytes) -> None:
    assert detect_format(filename, data) in {"red", "opentdb", "csv", "yaml"}
