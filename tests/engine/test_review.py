"""Replaying missed questions: judged like a round, in order, each answered once."""

import random
from dataclasses import replace

import pytest

from bot.engine.errors import TriviaError
from bot.engine.review import Review
from tests.engine.helpers import make_question


def test_choices_are_judged_then_next_moves_on_and_the_end_is_the_end():
    review = Review([make_question(1), make_question(2, tf=True)], random.Random(4))
    first = review.current
    assert first is not None and len(first.choices) == 4
    assert first.choices[first.correct_index] == "answer 1"
    wrong = (first.correct_index + 1) % 4
    verdict = review.choose(wrong)
    assert not verdict.right and verdict.guess == first.choices[wrong]
    with pytest.raises(TriviaError, match="already answered"):
        review.choose(first.correct_index)
    second = review.next()
    assert second is not None and second.choices == ("True", "False")
    with pytest.raises(TriviaError, match="Answer this one first"):
        review.next()
    assert review.choose(0).right
    assert review.next() is None and review.right == 1
    with pytest.raises(TriviaError, match="over"):
        review.reveal()


def test_a_typed_only_question_is_judged_by_the_judge_or_shown():
    typed = replace(make_question(1), answers=("Leonardo da Vinci",), distractors=())
    review = Review([typed, typed])
    assert review.current is not None and review.current.choices == ()
    assert review.guess("leonardo da vinchi").right  # the round's tolerance for typos
    review.next()
    shown = review.reveal()
    assert not shown.right and shown.guess == ""
    with pytest.raises(TriviaError):
        review.choose(0)


def test_nothing_to_review_is_an_error_the_front_end_can_say():
    with pytest.raises(TriviaError, match="nothing to review"):
        Review([])
