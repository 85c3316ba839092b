import random

import pytest

from bot.engine.draw import draw_questions
from bot.engine.errors import NotEnoughQuestions
from bot.engine.models import Bank, Mode, Question
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
