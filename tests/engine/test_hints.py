"""Hints uncover letters but never an answer the judge would take (newcomer trial item 3)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.banks.importers import import_questions
from bot.banks.loader import load_banks
from bot.engine.hints import gives_away, hint_text, mask_answer, reveal_order
from bot.engine.judge import judge
from bot.engine.models import Question

ROOT = Path(__file__).resolve().parents[2]
RED_SAMPLE = ROOT / "tests" / "banks" / "fixtures" / "import" / "red-hints.yaml"
SEEDS = range(1, 11)  # the question numbers a round seeds its masks with


def shipped() -> list[Question]:
    return [q for r in load_banks([ROOT / "questions"]) if r.bank for q in r.bank.questions]


def red_sample() -> list[Question]:
    report = import_questions(RED_SAMPLE.read_bytes(), "red", bank_id="red-hints")
    assert report.problems == (), [str(p) for p in report.problems]
    return list(report.questions)


def assert_fair(answers: Sequence[str], written: str | None = None) -> None:
    """Every hint level of every seed: not accepted, digits hidden, letters within budget."""
    shown_answer = answers[0]
    letters = sum(ch.isalnum() for ch in shown_answer)
    for seed in SEEDS:
        levels = reveal_order(shown_answer, answers, seed=seed)
        assert levels[0] <= levels[1] <= levels[2]
        for level in (1, 2):
            shown = levels[level]
            assert 3 * len(shown) <= level * letters, (shown_answer, level)
            assert not any(shown_answer[i].isdigit() for i in shown), shown_answer
            mask = mask_answer(shown_answer, level, accepted=answers, seed=seed)
            assert not gives_away(mask, answers), (mask, answers)
            text = hint_text(answers, written, level, seed=seed)
            assert not judge(text, answers), (text, answers)
            for other in answers:  # an accepted answer inside the shown one: within budget
                for span in occurrences(shown_answer, other):
                    seen = sum(1 for i in span if i in shown)
                    assert 3 * seen <= level * len(span), (mask, other)


def occurrences(shown_answer: str, other: str) -> list[list[int]]:
    """Positions of each place `other`'s letters and digits occur in `shown_answer`."""
    where = [i for i, ch in enumerate(shown_answer) if ch.isalnum()]
    text = "".join(shown_answer[i] for i in where).casefold()
    core = "".join(ch for ch in other if ch.isalnum()).casefold()
    found = []
    start = text.find(core) if core and len(text) == len(where) else -1
    while start != -1:
        found.append(where[start : start + len(core)])
        start = text.find(core, start + 1)
    return found


def test_the_trials_leaks_are_closed():
    f18 = ["An F-18 fighter jet", "F-18", "F/A-18"]
    assert mask_answer(f18[0], 1, accepted=f18) == "__ _-__ f______ j__"
    assert "F-18" not in mask_answer(f18[0], 2, accepted=f18, seed=3)
    twitter = ["Twitter/X", "Twitter", "X"]
    assert mask_answer(twitter[0], 1, accepted=twitter) == "T______/_"
    assert mask_answer(twitter[0], 2, accepted=twitter).endswith("/_")
    assert mask_answer("F/A-18", 2) == "_/_-__"
    assert mask_answer("M:I", 2) == "_:_"
    assert mask_answer("2017", 2) == "____"
    # initials that spell an accepted acronym stay hidden
    thr = ["The Hollywood Reporter", "Hollywood Reporter", "THR"]
    assert mask_answer(thr[0], 1, accepted=thr) == "T__ H________ ________"


def test_levels_build_on_each_other_and_keep_punctuation():
    assert mask_answer("Mission: Impossible", 0) == "_______: __________"
    one = mask_answer("Annabelle Wallis", 1, accepted=["Annabelle Wallis", "Wallis"])
    assert one == "A________ W_____"
    two = mask_answer("Annabelle Wallis", 2, accepted=["Annabelle Wallis", "Wallis"], seed=5)
    assert all(a == b or a == "_" for a, b in zip(one, two, strict=True))
    assert two.count("_") > 0 and two.count("_") < one.count("_")


def test_a_written_hint_is_shown_instead_and_the_second_adds_initials():
    answers = ["Wade Eastwood", "Eastwood"]
    assert hint_text(answers, "A Western star's surname.", 0) == ""
    assert hint_text(answers, "A Western star's surname.", 1) == "A Western star's surname."
    assert hint_text(answers, "A Western star's surname.", 2) == (
        "A Western star's surname. · W___ E_______"
    )
    assert hint_text(answers, None, 1) == "W___ E_______"


@pytest.mark.parametrize("source", ["shipped", "red-sample"])
def test_no_hint_of_a_shipped_or_imported_answer_is_accepted(source: str) -> None:
    questions = shipped() if source == "shipped" else red_sample()
    assert questions
    for q in questions:
        assert_fair(q.answers, q.hint)


WORD = st.text(st.characters(categories=("Lu", "Ll", "Nd")), min_size=1, max_size=9)
ANSWER = st.lists(WORD, min_size=1, max_size=4).flatmap(
    lambda words: st.tuples(
        st.just(words), st.lists(st.sampled_from([" ", "-", "/", ":", " & "]), min_size=3)
    )
)


@settings(max_examples=150, deadline=None)
@given(ANSWER, st.data())
def test_any_answer_with_answers_inside_it_is_never_given_away(parts, data) -> None:
    words, seps = parts
    answer = words[0] + "".join(sep + word for sep, word in zip(seps, words[1:], strict=False))
    inner = data.draw(st.lists(st.sampled_from(words), max_size=2, unique=True))
    assert_fair([answer, *inner])
