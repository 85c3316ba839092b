import random
from dataclasses import replace

import pytest

from bot.engine.clock import FakeClock
from bot.engine.errors import (
    AlreadyAnswered,
    InvalidSetting,
    OutOfGuesses,
    QuestionClosed,
    RoundOver,
)
from bot.engine.hints import mask_answer
from bot.engine.models import Difficulty, Mode, Question
from bot.engine.round import CloseReason, Round, RoundStatus
from bot.engine.rules import RoundSettings
from tests.engine.helpers import ALICE, BOB, CAROL, ROBOT, make_question


def buttons_round(n: int = 5, seconds: float = 20.0) -> tuple[Round, FakeClock]:
    clock = FakeClock()
    qs = [make_question(i) for i in range(n)]
    return Round(qs, mode=Mode.BUTTONS, seconds=seconds, clock=clock, rng=random.Random(7)), clock


def typed_round(n: int = 5, seconds: float = 30.0) -> tuple[Round, FakeClock]:
    clock = FakeClock()
    qs = [make_question(i) for i in range(n)]
    return Round(qs, mode=Mode.TYPED, seconds=seconds, clock=clock), clock


def test_buttons_show_answer_and_three_distractors_shuffled():
    r, _ = buttons_round()
    asked = r.ask_next()
    assert len(asked.choices) == 4
    assert asked.choices[asked.correct_index] == "answer 0"
    assert len(set(asked.choices)) == 4


def test_true_false_shows_two_choices():
    clock = FakeClock()
    r = Round([make_question(1, tf=True)], mode=Mode.BUTTONS, seconds=10, clock=clock)
    asked = r.ask_next()
    assert asked.choices == ("True", "False")
    assert asked.correct_index == 0


def test_speed_points_fall_from_1000_to_500_over_the_time_limit():
    r, clock = buttons_round(seconds=20)
    asked = r.ask_next()
    assert r.choose(ALICE, asked.correct_index).points == 1000
    clock.advance(10)
    assert r.choose(BOB, asked.correct_index).points == 750
    clock.advance(10)
    assert r.choose(CAROL, asked.correct_index).points == 500


def test_harder_questions_pay_more_streak_included():
    clock = FakeClock()
    qs = [
        replace(make_question(0), difficulty=Difficulty.MEDIUM),
        replace(make_question(1), difficulty=Difficulty.HARD),
    ]
    r = Round(qs, mode=Mode.BUTTONS, seconds=20, clock=clock, rng=random.Random(1))
    asked = r.ask_next()
    assert r.choose(ALICE, asked.correct_index).points == 1250
    r.close()
    asked = r.ask_next()
    assert r.choose(ALICE, asked.correct_index).points == round((1000 + 100) * 1.5)
    typed = Round(qs[1:], mode=Mode.TYPED, seconds=30, clock=clock)
    typed.ask_next()
    clock.advance(10)  # one hint shown: 750 before the weight
    assert typed.guess(BOB, "answer 1").points == 1125


def test_wrong_answer_scores_nothing():
    r, _ = buttons_round()
    asked = r.ask_next()
    wrong = (asked.correct_index + 1) % 4
    answer = r.choose(ALICE, wrong)
    assert (answer.correct, answer.points, answer.streak) == (False, 0, 0)


def test_streak_bonus_grows_by_100_and_caps_at_500():
    r, _ = buttons_round(n=8)
    bonuses = []
    for _ in range(8):
        asked = r.ask_next()
        bonuses.append(r.choose(ALICE, asked.correct_index).points - 1000)
        r.close()
    assert bonuses == [0, 100, 200, 300, 400, 500, 500, 500]


def test_a_missed_question_breaks_the_streak():
    r, clock = buttons_round(n=4)
    a = r.ask_next()
    r.choose(ALICE, a.correct_index)
    r.choose(BOB, a.correct_index)
    r.close()
    a = r.ask_next()
    r.choose(BOB, a.correct_index)  # Alice misses this one
    clock.advance(21)
    r.close()
    a = r.ask_next()
    assert r.choose(ALICE, a.correct_index).streak == 1
    assert r.choose(BOB, a.correct_index).streak == 3


def test_each_player_answers_once():
    r, _ = buttons_round()
    asked = r.ask_next()
    r.choose(ALICE, 0)
    with pytest.raises(AlreadyAnswered):
        r.choose(ALICE, asked.correct_index)


def test_click_after_time_limit_is_too_late():
    r, clock = buttons_round(seconds=20)
    asked = r.ask_next()
    clock.advance(20.01)
    with pytest.raises(QuestionClosed):
        r.choose(ALICE, asked.correct_index)


def test_click_on_an_earlier_question_is_too_late():
    r, _ = buttons_round()
    first = r.ask_next()
    r.close()
    r.ask_next()
    with pytest.raises(QuestionClosed):
        r.choose(ALICE, 0, number=first.number)


def test_first_question_waits_for_the_time_limit():
    r, clock = buttons_round()
    asked = r.ask_next()
    r.choose(ALICE, asked.correct_index)
    assert r.due_to_close() is None
    clock.advance(20)
    assert r.due_to_close() is CloseReason.TIME


def test_closes_early_once_everyone_in_the_round_answered():
    r, clock = buttons_round()
    a = r.ask_next()
    r.choose(ALICE, a.correct_index)
    r.choose(BOB, 0)
    clock.advance(20)
    r.close()
    a = r.ask_next()
    r.choose(ALICE, 1)
    assert r.due_to_close() is None
    r.choose(BOB, 2)
    assert r.due_to_close() is CloseReason.ALL_ANSWERED


def test_round_stops_itself_after_two_unanswered_questions():
    r, clock = buttons_round(n=5)
    a = r.ask_next()
    r.choose(ALICE, a.correct_index)
    r.close()
    for _ in range(2):
        r.ask_next()
        clock.advance(21)
        result = r.close()
    assert result.round_over
    assert r.status is RoundStatus.STOPPED
    assert r.stop_reason == "idle"
    with pytest.raises(RoundOver):
        r.ask_next()


def test_one_unanswered_question_does_not_stop_the_round():
    r, clock = buttons_round(n=4)
    r.ask_next()
    clock.advance(21)
    r.close()
    a = r.ask_next()
    r.choose(ALICE, a.correct_index)
    r.close()
    r.ask_next()
    clock.advance(21)
    assert not r.close().round_over


def test_round_finishes_after_last_question():
    r, _ = buttons_round(n=2)
    for _ in range(2):
        a = r.ask_next()
        r.choose(ALICE, a.correct_index)
        result = r.close()
    assert result.round_over and r.status is RoundStatus.FINISHED
    assert r.winner() == ALICE


def test_standings_and_tied_leaders_have_no_winner():
    r, _ = buttons_round(n=1)
    a = r.ask_next()
    r.choose(ALICE, a.correct_index)
    r.choose(BOB, a.correct_index)
    r.close()
    assert [s.player for s in r.standings()] == [ALICE, BOB]
    assert r.winner() is None


def test_typed_first_correct_answer_takes_the_question():
    r, clock = typed_round()
    r.ask_next()
    assert r.guess(ALICE, "wrong guess") is None
    clock.advance(1)
    won = r.guess(BOB, "Answer 0!")
    assert won is not None and won.points == 1000
    assert r.due_to_close() is CloseReason.SOLVED
    with pytest.raises(QuestionClosed):
        r.guess(CAROL, "answer 0")
    result = r.close()
    assert [a.player for a in result.correct] == [BOB]
    assert [(a.player, a.correct) for a in result.late_answers] == [(ALICE, False)]


def test_typed_points_fall_with_each_hint():
    for elapsed, points in ((0, 1000), (10, 750), (20, 500)):
        r, clock = typed_round(seconds=30)
        r.ask_next()
        clock.advance(elapsed)
        assert r.guess(ALICE, "answer 0").points == points


def test_hints_appear_at_one_and_two_thirds():
    r, clock = typed_round(seconds=30)
    r.ask_next()
    assert r.hints_shown() == 0
    clock.advance(9.99)
    assert r.hints_shown() == 0
    clock.advance(0.01)
    assert r.hints_shown() == 1
    assert r.hint_text() == "a_____ _"  # digits are never shown
    clock.advance(10)
    assert r.hints_shown() == 2


def test_bots_never_answer_typed_questions():
    r, _ = typed_round()
    r.ask_next()
    assert r.guess(ROBOT, "answer 0") is None
    assert r.due_to_close() is None


def test_stop_closes_the_open_question_and_keeps_points():
    r, _ = buttons_round()
    a = r.ask_next()
    r.choose(ALICE, a.correct_index)
    result = r.stop()
    assert result is not None and result.reason is CloseReason.STOPPED
    assert r.status is RoundStatus.STOPPED
    assert r.standings()[0].points == 1000


def test_mask_answer_keeps_punctuation_and_reveals_more_each_level():
    assert mask_answer("Mission: Impossible", 0) == "_______: __________"
    assert mask_answer("Mission: Impossible", 1) == "M______: I_________"
    assert mask_answer("Mission: Impossible", 2).count("_") < 16


def test_a_count_question_refuses_an_ordinal_guess():
    clock = FakeClock()
    q = Question(id="c", text="How many films came before it?", answers=("Seven", "7"), bank_id="t")
    r = Round([q], mode=Mode.TYPED, seconds=30, clock=clock)
    r.ask_next()
    assert r.guess(ALICE, "seventh") is None
    assert r.guess(BOB, "7") is not None


def test_typed_guesses_are_capped_per_player_and_question():
    clock = FakeClock()
    qs = [make_question(0), make_question(1)]
    r = Round(qs, mode=Mode.TYPED, seconds=30, clock=clock, guesses=2)
    r.ask_next()
    assert r.guess(ALICE, "wrong 0a") is None
    assert r.guess(ALICE, "wrong 0b") is None
    with pytest.raises(OutOfGuesses, match="your 2 guesses"):
        r.guess(ALICE, "answer 0")  # right, but too late: guessing every option doesn't pay
    assert r.guess(BOB, "wrong 0a") is None  # one player's guesses are not another's
    assert r.guess(BOB, "answer 0") is not None
    r.close()
    r.ask_next()  # a new question, new guesses
    assert r.guess(ALICE, "wrong 1a") is None
    assert r.guess(ALICE, "answer 1") is not None


def test_rounds_default_to_three_guesses_and_settings_bound_them():
    r, _ = typed_round()
    r.ask_next()
    for _ in range(3):
        r.guess(ALICE, "nope")
    with pytest.raises(OutOfGuesses):
        r.guess(ALICE, "nope")
    assert RoundSettings().guesses == 3
    with pytest.raises(InvalidSetting):
        RoundSettings(guesses=0)


@pytest.mark.parametrize("step", [-3600.0, 3600.0])
def test_a_wall_clock_step_moves_no_deadline_hint_or_speed_points(step):
    """An NTP step back kept a question open an hour; a step forward closed it at once."""
    r, clock = typed_round(seconds=30.0)
    asked = r.ask_next()
    clock.step_wall(step)
    assert r.due_to_close() is None and r.hints_shown() == 0
    clock.advance(10)
    assert r.hints_shown() == 1  # a third of the way, by the monotonic clock
    answer = r.guess(ALICE, "answer 0")
    assert answer is not None and answer.response_time == pytest.approx(10.0)
    assert answer.answered_at == pytest.approx(asked.opened_at + step + 10)  # stored: wall
    b, clock = buttons_round(seconds=5.0)
    b.ask_next()
    clock.step_wall(step)
    clock.advance(1)
    early = b.choose(ALICE, b.current.correct_index)
    assert early.response_time == pytest.approx(1.0) and early.points > 0
    clock.advance(4.01)
    assert b.due_to_close() is CloseReason.TIME
    with pytest.raises(QuestionClosed):
        b.choose(BOB, 0)


def test_a_player_dropped_mid_round_leaves_its_reveal_and_standings_and_cannot_answer():
    """A member forgotten while the round runs: nothing of theirs shows or counts from then."""
    from bot.engine.errors import ForgottenInRound

    r, _ = buttons_round(3)
    asked = r.ask_next()
    right = asked.correct_index
    r.choose(ALICE, right)
    r.choose(BOB, right)
    r.close()
    asked = r.ask_next()
    r.choose(BOB, asked.correct_index)
    r.drop_player(BOB.id)
    assert r.due_to_close() is None  # Bob no longer expected; Alice still is
    with pytest.raises(ForgottenInRound):
        r.choose(BOB, 0)
    with pytest.raises(ForgottenInRound):
        r.vote_skip(BOB, force=True)
    r.choose(ALICE, asked.correct_index)
    assert r.due_to_close() is CloseReason.ALL_ANSWERED
    result = r.close()
    assert [a.player for a in result.answers] == [ALICE]
    assert [s.player for s in r.standings()] == [ALICE] and r.winner() == ALICE
    assert r.participants() == [ALICE]
