import random
from dataclasses import replace

import pytest

from bot.engine.draw import categories, draw_questions, matches
from bot.engine.errors import NotEnoughQuestions
from bot.engine.models import Bank, Difficulty, Mode, Question
from tests.engine.helpers import make_bank


def test_no_repeats_within_a_round():
    picked = draw_questions([make_bank(10)], 10, mode=Mode.BUTTONS, recent={}, rng=random.Random(1))
    assert len({q.key for q in picked}) == 10


def test_unseen_questions_come_before_recent_ones():
    bank = make_bank(10)
    recent = {q.key: 100.0 + i for i, q in enumerate(bank.questions[:6])}
    picked = draw_questions([bank], 6, mode=Mode.BUTTONS, recent=recent, rng=random.Random(2))
    assert {q.id for q in picked[:4]} == {"q6", "q7", "q8", "q9"}
    # once the bank runs out, the ones seen longest ago come back first
    assert [q.id for q in picked[4:]] == ["q0", "q1"]


def test_several_banks_draw_from_all():
    picked = draw_questions(
        [make_bank(3, "a"), make_bank(3, "b")],
        6,
        mode=Mode.BUTTONS,
        recent={},
        rng=random.Random(3),
    )
    assert {q.bank_id for q in picked} == {"a", "b"}


def test_typed_only_questions_are_skipped_in_buttons_mode():
    typed_only = Question(id="t", text="?", answers=("x",), bank_id="b")
    bank = Bank(id="b", title="B", questions=(typed_only,))
    assert draw_questions([bank], 1, mode=Mode.TYPED, recent={}, rng=random.Random())
    with pytest.raises(NotEnoughQuestions):
        draw_questions([bank], 1, mode=Mode.BUTTONS, recent={}, rng=random.Random())


def _fact_bank(bank_id: str, facts: list[str]) -> Bank:
    questions = tuple(
        Question(
            id=f"q{i}",
            text=f"Question {i}?",
            answers=(f"a{i}",),
            distractors=("x", "y", "z"),
            fact=fact,
            bank_id=bank_id,
        )
        for i, fact in enumerate(facts)
    )
    return Bank(id=bank_id, title=bank_id, questions=questions)


def test_a_round_asks_each_fact_once_even_across_banks():
    banks = [_fact_bank("a", ["f1", "f1", "f2"]), _fact_bank("b", ["f1", "f2", "f3"])]
    for seed in range(50):
        picked = draw_questions(banks, 10, mode=Mode.BUTTONS, recent={}, rng=random.Random(seed))
        assert sorted(q.fact_key for q in picked) == ["f1", "f2", "f3"]


def test_a_fact_seen_through_any_question_is_recent():
    bank = _fact_bank("a", ["f1", "f1", "f2"])
    picked = draw_questions([bank], 1, mode=Mode.BUTTONS, recent={"f1": 5.0}, rng=random.Random(4))
    assert [q.fact for q in picked] == ["f2"]


def test_questions_without_a_fact_are_their_own_fact():
    picked = draw_questions([make_bank(4)], 4, mode=Mode.BUTTONS, recent={}, rng=random.Random(5))
    assert {q.fact_key for q in picked} == {f"t/q{i}" for i in range(4)}


def test_modes_and_true_false_decide_what_typed_rounds_draw():
    both = Question(id="both", text="?", answers=("x",), distractors=("y",), bank_id="b")
    buttons = Question(
        id="buttons",
        text="Which of these?",
        answers=("x",),
        distractors=("y",),
        modes=frozenset({Mode.BUTTONS}),
        bank_id="b",
    )
    typed = Question(
        id="typed", text="?", answers=("x",), distractors=("y",), modes=frozenset({Mode.TYPED})
    )
    tf = Question(id="tf", text="True or false: x.", answers=("True",), distractors=("False",))
    worded = Question(id="worded", text="Which of the following?", answers=("x",), bank_id="b")
    bank = Bank(id="b", title="B", questions=(both, buttons, typed, tf, worded))
    rng = random.Random(6)
    typed_ids = {q.id for q in draw_questions([bank], 9, mode=Mode.TYPED, recent={}, rng=rng)}
    button_ids = {q.id for q in draw_questions([bank], 9, mode=Mode.BUTTONS, recent={}, rng=rng)}
    assert typed_ids == {"both", "typed"}
    assert button_ids == {"both", "buttons", "tf"}


def _graded_bank() -> Bank:
    levels = [Difficulty.EASY, Difficulty.MEDIUM, Difficulty.HARD]
    return Bank(
        id="g",
        title="G",
        questions=tuple(
            replace(q, difficulty=levels[i % 3], category=("Cast", "Plot", None)[i % 3])
            for i, q in enumerate(make_bank(9, "g").questions)
        ),
    )


def test_difficulty_and_category_filter_the_draw():
    bank = _graded_bank()
    hard = draw_questions(
        [bank], 3, mode=Mode.BUTTONS, recent={}, rng=random.Random(4), difficulty=Difficulty.HARD
    )
    assert {q.difficulty for q in hard} == {Difficulty.HARD} and len(hard) == 3
    cast = draw_questions(
        [bank], 2, mode=Mode.BUTTONS, recent={}, rng=random.Random(5), category=" cAST "
    )
    assert {q.category for q in cast} == {"Cast"}


def test_a_filter_leaving_too_few_says_what_is_available():
    bank = _graded_bank()
    with pytest.raises(NotEnoughQuestions) as caught:
        draw_questions(
            [bank],
            5,
            mode=Mode.BUTTONS,
            recent={},
            rng=random.Random(6),
            difficulty=Difficulty.EASY,
            category="cast",
        )
    text = str(caught.value)
    found = sum(matches(q, Difficulty.EASY, "cast") for q in bank.questions)
    assert f"Only {found} easy 'cast' question" in text and f"ask for {found} or fewer" in text
    assert "easy 3, medium 3, hard 3" in text
    counts = categories(bank.questions)
    assert f"Cast {counts['Cast']}" in text and f"Plot {counts['Plot']}" in text
    with pytest.raises(NotEnoughQuestions, match=r"Only 0 .*'Songs'.*widen the filter"):
        draw_questions(
            [bank], 1, mode=Mode.BUTTONS, recent={}, rng=random.Random(7), category="Songs"
        )


def test_categories_count_facts_and_ignore_case():
    a = Question(id="a", text="?", answers=("x",), category="Cast", fact="f", bank_id="b")
    b = replace(a, id="b", category="cast")
    c = replace(a, id="c", fact="g", category="CAST")
    assert categories([a, b, c]) == {"Cast": 2}
