"""`verify`: evidence spans must be found, short, and name the answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.banks.loader import load_bank_file
from bot.banks.verify import (
    MAX_EVIDENCE_WORDS,
    article_dir,
    normalise,
    verify_banks,
    verify_question,
)
from bot.engine.models import Bank, Question
from tests.banks.helpers import ARTICLES, FIXTURES, load

ARTICLE = "The keeper – Maud Trelawney – called it “the Candle”.\nIt was lit in 1887."


def q(**fields: object) -> Question:
    base: dict[str, object] = {
        "id": "q",
        "text": "Who kept the light?",
        "answers": ("Maud Trelawney", "Trelawney"),
        "distractors": ("A", "B", "C"),
        "source": "art",
        "evidence": "The keeper - Maud Trelawney - called it",
    }
    base.update(fields)
    return Question(**base)  # type: ignore[arg-type]


def check(question: Question) -> list[str]:
    return verify_question(question, lambda sid: normalise(ARTICLE) if sid == "art" else None)


def test_normalise_folds_quotes_dashes_and_spaces() -> None:
    assert normalise("  “A”  ‘b’\u00a0–\n—‐ c… ") == "\"A\" 'b' - -- c..."


def test_matching_span_with_straight_quotes_and_dashes_passes() -> None:
    assert check(q()) == []
    assert check(q(evidence='called it "the Candle". It  was lit', answers=("The Candle",))) == []


def test_span_is_case_sensitive_but_answer_is_not() -> None:
    assert check(q(evidence="the keeper - Maud Trelawney")) != []
    assert check(q(evidence="Maud Trelawney", answers=("MAUD TRELAWNEY",))) == []


def test_span_not_in_article() -> None:
    (message,) = check(q(evidence="The keeper - Maud Trelawney - named it"))
    assert message.startswith("evidence not found in article 'art'")


def test_span_over_twenty_words() -> None:
    long_article = " ".join(f"w{i}" for i in range(30)) + " Trelawney"
    span = " ".join(f"w{i}" for i in range(10, 30)) + " Trelawney"
    question = q(evidence=span)
    messages = verify_question(question, lambda _sid: long_article)
    assert messages == [f"evidence is 21 words; the limit is {MAX_EVIDENCE_WORDS}"]
    exactly = " ".join(f"w{i}" for i in range(11, 30)) + " Trelawney"
    assert verify_question(q(evidence=exactly), lambda _sid: long_article) == []


def test_span_without_an_answer() -> None:
    (message,) = check(q(evidence="It was lit in 1887."))
    assert message == (
        "evidence contains none of the accepted answers ('Maud Trelawney', 'Trelawney')"
    )


def test_true_false_questions_need_no_answer_in_the_span() -> None:
    tf = q(answers=("True",), distractors=("False",), evidence="It was lit in 1887.")
    assert check(tf) == []


def test_no_source_no_evidence_and_missing_article() -> None:
    assert check(q(source=None))[0].startswith("no 'source'")
    assert check(q(evidence=None))[0].startswith("no 'evidence'")
    assert check(q(source="gone")) == ["source article 'gone.txt' is missing or unreadable"]


def test_several_failures_are_all_reported() -> None:
    span = "Maud Penrose " + "word " * 25
    messages = check(q(evidence=span, answers=("Nobody",)))
    assert len(messages) == 3


def test_verify_banks_reports_file_line_and_id() -> None:
    bank = Bank(
        id="b",
        title="B",
        origin="b.yaml",
        questions=(q(id="one", line=7), q(id="two", line=12, source=None)),
    )
    problems = verify_banks([bank], {"art": ARTICLE}.get)
    assert [str(p) for p in problems] == [
        "b.yaml:12: question 'two': no 'source': every question must cite the article its "
        "evidence comes from"
    ]


def test_verify_banks_reads_each_article_once() -> None:
    calls: list[str] = []

    def articles(source_id: str) -> str | None:
        calls.append(source_id)
        return ARTICLE

    bank = Bank(id="b", title="B", questions=tuple(q(id=f"q{i}") for i in range(5)))
    assert verify_banks([bank], articles) == []
    assert calls == ["art"]


def test_fixture_bank_passes() -> None:
    bank = load(FIXTURES / "verify-good.yaml")
    assert verify_banks([bank], article_dir(ARTICLES)) == []


def test_fixture_bank_failures_with_lines() -> None:
    report = load_bank_file(FIXTURES / "verify-bad.yaml")
    assert report.bank is not None and not report.problems
    problems = verify_banks([report.bank], article_dir(ARTICLES))
    found = [(p.line, p.question_id, p.message.split(":")[0]) for p in problems]
    assert found == [
        (9, "not-in-article", "evidence not found in article 'harbour-light'"),
        (15, "too-long", "evidence is 22 words; the limit is 20"),
        (
            21,
            "no-answer-in-span",
            "evidence contains none of the accepted answers ('Owen Pascoe', 'Pascoe')",
        ),
        (27, "no-source", "no 'source'"),
        (32, "no-evidence", "no 'evidence'"),
        (37, "missing-article", "source article 'lost-article.txt' is missing or unreadable"),
    ]
    assert all(p.origin.endswith("verify-bad.yaml") for p in problems)


@pytest.mark.parametrize("source_id", ["../articles/harbour-light", "/etc/passwd", ".hidden", ""])
def test_article_ids_cannot_leave_the_folder(source_id: str) -> None:
    assert article_dir(ARTICLES)(source_id) is None


def test_article_that_is_not_utf8_counts_as_unreadable(tmp_path: Path) -> None:
    (tmp_path / "latin.txt").write_bytes("caf\xe9".encode("latin-1"))
    assert article_dir(tmp_path)("latin") is None
    (tmp_path / "bom.txt").write_bytes("\ufeffhello".encode())
    assert article_dir(tmp_path)("bom") == "hello"
