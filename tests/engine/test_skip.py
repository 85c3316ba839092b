"""Skipping a question: by a majority of the round's players, or at once by the starter."""

import pytest

from bot.engine.errors import NotInRound, QuestionClosed, QuestionSkipped, TooLateToSkip
from bot.engine.models import Player
from bot.engine.round import CloseReason, RoundStatus
from tests.engine.helpers import ALICE, BOB, CAROL
from tests.engine.test_round import buttons_round, typed_round

DAVE = Player(4, "Dave")


def three_players_one_question_in():
    """A buttons round where Alice, Bob and Carol answered question 1 right."""
    r, clock = buttons_round(n=4)
    a = r.ask_next()
    for p in (ALICE, BOB, CAROL):
        r.choose(p, a.correct_index)
    r.close()
    return r, clock


def test_more_than_half_of_the_players_skip_and_votes_count_once():
    r, _ = three_players_one_question_in()
    asked = r.ask_next()
    first = r.vote_skip(ALICE, number=asked.number)
    assert (first.votes, first.needed, first.skipped, first.counted) == (1, 2, False, True)
    again = r.vote_skip(ALICE)
    assert (again.votes, again.skipped, again.counted) == (1, False, False)
    assert r.due_to_close() is None
    second = r.vote_skip(BOB)
    assert (second.votes, second.needed, second.skipped) == (2, 2, True)
    assert r.due_to_close() is CloseReason.SKIPPED
    with pytest.raises(QuestionSkipped):  # a click that comes after the skip gets no points
        r.choose(CAROL, asked.correct_index)
    result = r.close()
    assert result.reason is CloseReason.SKIPPED and result.answers == ()
    assert result.skip is not None and result.skip.votes == 2 and result.skip.by is None


def test_a_skipped_question_scores_nothing_and_leaves_streaks_as_they_were():
    r, _ = three_players_one_question_in()
    before = {s.player.id: (s.points, s.answered) for s in r.standings()}
    r.ask_next()
    r.vote_skip(ALICE)
    r.vote_skip(BOB)
    r.close()
    assert {s.player.id: (s.points, s.answered) for s in r.standings()} == before
    a = r.ask_next()
    assert r.choose(ALICE, a.correct_index).streak == 2  # the skip neither broke nor grew it


def test_a_non_players_vote_does_not_count_but_the_starters_skips_at_once():
    r, _ = three_players_one_question_in()
    r.ask_next()
    with pytest.raises(NotInRound):
        r.vote_skip(DAVE)
    assert r.vote_skip(ALICE).votes == 1
    forced = r.vote_skip(DAVE, force=True)  # Dave started the round, or is an admin
    assert forced.skipped and forced.by == DAVE and forced.votes == 1
    assert r.close().skip == forced
    assert DAVE not in r.participants()


def test_once_an_answer_is_locked_in_the_question_cannot_be_skipped():
    r, _ = three_players_one_question_in()
    a = r.ask_next()
    r.choose(CAROL, a.correct_index)
    with pytest.raises(TooLateToSkip):
        r.vote_skip(ALICE, force=True)
    assert r.standings()[0].points > 0


def test_a_vote_for_an_earlier_question_is_too_late():
    r, _ = three_players_one_question_in()
    r.ask_next()
    with pytest.raises(QuestionClosed):
        r.vote_skip(ALICE, number=1)


def test_typed_wrong_guesses_on_a_skipped_question_are_void():
    r, _ = typed_round(n=3)
    r.ask_next()
    r.guess(BOB, "answer 0")
    r.close()
    r.ask_next()
    assert r.guess(ALICE, "nope") is None  # Alice is a player now: she guessed
    tally = r.vote_skip(ALICE)
    assert (tally.votes, tally.needed, tally.skipped) == (1, 2, False)
    assert r.vote_skip(BOB).skipped
    with pytest.raises(QuestionSkipped):
        r.guess(CAROL, "answer 1")
    result = r.close()
    assert result.late_answers == () and result.reason is CloseReason.SKIPPED
    assert {s.player.id for s in r.standings()} == {BOB.id}  # Alice's miss is not recorded
    r.ask_next()
    assert r.guess(BOB, "answer 2").streak == 2


def test_skipped_questions_do_not_count_towards_the_idle_stop():
    r, clock = three_players_one_question_in()
    r.ask_next()
    clock.advance(21)
    r.close()  # unanswered: one towards the idle stop
    r.ask_next()
    r.vote_skip(ALICE, force=True)
    assert not r.close().round_over  # someone was there to vote
    r.ask_next()
    clock.advance(21)
    r.close()  # the last question: without the skip's reset, the second idle one
    assert r.status is RoundStatus.FINISHED and r.stop_reason is None
