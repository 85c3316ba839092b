"""One round of trivia as a state machine that front-ends drive and stores record."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from bot.engine.clock import Clock
from bot.engine.errors import (
    AlreadyAnswered,
    ForgottenInRound,
    NoQuestionYet,
    NotInRound,
    OutOfGuesses,
    QuestionClosed,
    QuestionSkipped,
    RoundOver,
    TooLateToSkip,
    TriviaError,
)
from bot.engine.hints import hint_text
from bot.engine.judge import judge
from bot.engine.models import Mode, Player, Question
from bot.engine.rules import DEFAULT_GUESSES
from bot.engine.scoring import speed_points, streak_bonus, typed_points, weighted
from bot.engine.teams import Teams, TeamStanding

CHOICES = 4


def shuffled_choices(question: Question, rng: random.Random) -> tuple[tuple[str, ...], int]:
    """The button labels of a question and which one is right: True before False, else the
    answer among up to three distractors, shuffled."""
    if question.is_true_false:
        labels = sorted(
            (question.answers[0], question.distractors[0]), key=str.casefold, reverse=True
        )
        return tuple(labels), labels.index(question.answers[0])
    distractors = rng.sample(question.distractors, min(CHOICES - 1, len(question.distractors)))
    labels = [question.answers[0], *distractors]
    rng.shuffle(labels)
    return tuple(labels), labels.index(question.answers[0])


NOBODY: frozenset[int] = frozenset()  # shared: an empty frozenset is 216 B per round (bench B5)
IDLE_LIMIT = 2


class RoundStatus(StrEnum):
    RUNNING = "running"
    FINISHED = "finished"
    STOPPED = "stopped"


class CloseReason(StrEnum):
    TIME = "time"
    ALL_ANSWERED = "all-answered"
    SOLVED = "solved"
    STOPPED = "stopped"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class AskedQuestion:
    """A question as put to the players: numbered, timed, choices in shown order."""

    number: int
    total: int
    question: Question
    choices: tuple[str, ...]
    correct_index: int | None
    opened_at: float  # wall clock: stored, and shown as a Discord countdown
    closes_at: float
    # the monotonic clock: what the deadline, hints and speed points are measured by, so a
    # step of the wall clock (NTP) neither holds a question open nor closes it early
    started: float = 0.0
    deadline: float = 0.0


@dataclass(frozen=True, slots=True)
class Answer:
    """One player's answer to one question, final when it is made."""

    number: int
    question: Question
    player: Player
    correct: bool
    points: int
    response_time: float
    answered_at: float
    streak: int
    choice: int | None = None


@dataclass(frozen=True, slots=True)
class SkipTally:
    """Where a question's skip vote stands: `by` is the starter or admin who skipped it."""

    votes: int
    needed: int
    skipped: bool
    counted: bool = True  # False: this player had voted already
    by: Player | None = None


@dataclass(frozen=True, slots=True)
class QuestionResult:
    """What the reveal shows and the store records when a question closes."""

    asked: AskedQuestion
    answers: tuple[Answer, ...]
    late_answers: tuple[Answer, ...]
    reason: CloseReason
    round_over: bool
    skip: SkipTally | None = None  # set when the question was skipped

    @property
    def correct(self) -> tuple[Answer, ...]:
        return tuple(a for a in self.answers if a.correct)


@dataclass(slots=True)
class Standing:
    """A player's running totals within one round."""

    player: Player
    points: int = 0
    correct: int = 0
    answered: int = 0
    best_streak: int = 0


@dataclass(slots=True)
class _Open:
    asked: AskedQuestion
    answers: dict[int, Answer] = field(default_factory=dict)
    # player id -> (player, time of the first wrong guess, wrong guesses so far)
    wrong_guessers: dict[int, tuple[Player, float, int]] = field(default_factory=dict)
    expected: frozenset[int] = frozenset()
    solved: bool = False
    skip_votes: frozenset[int] = NOBODY
    skipped: SkipTally | None = None


class Round:
    """Questions asked one at a time; time comes only from the injected clock."""

    # no __dict__: thousands are open at once (bench B5)
    __slots__ = (
        "_asked",
        "_dropped",
        "_idle_run",
        "_open",
        "_participants",
        "_standings",
        "_streaks",
        "clock",
        "guesses",
        "history",
        "idle_limit",
        "mode",
        "questions",
        "rng",
        "seconds",
        "started_at",
        "status",
        "stop_reason",
        "teams",
    )

    def __init__(
        self,
        questions: Sequence[Question],
        *,
        mode: Mode,
        seconds: float,
        clock: Clock,
        rng: random.Random | None = None,
        idle_limit: int = IDLE_LIMIT,
        guesses: int = DEFAULT_GUESSES,
        teams: Teams | None = None,
    ) -> None:
        if not questions:
            raise TriviaError("A round needs at least one question.")
        self.questions = tuple(questions)
        self.mode = mode
        self.seconds = seconds
        self.clock = clock
        self.rng = rng or random.Random()
        self.idle_limit = idle_limit
        self.guesses = guesses
        self.teams = teams
        self.status = RoundStatus.RUNNING
        self.started_at = clock.now()
        self.stop_reason: str | None = None
        self._asked = 0
        self._open: _Open | None = None
        self._idle_run = 0
        self._participants: dict[int, Player] = {}
        self._streaks: dict[int, int] = {}
        self._standings: dict[int, Standing] = {}
        self._dropped: frozenset[int] = NOBODY  # members forgotten while this round ran
        self.history: list[QuestionResult] = []

    # -- state -------------------------------------------------------------

    @property
    def is_over(self) -> bool:
        return self.status is not RoundStatus.RUNNING

    @property
    def current(self) -> AskedQuestion | None:
        return self._open.asked if self._open else None

    @property
    def asked_count(self) -> int:
        return self._asked

    @property
    def has_next(self) -> bool:
        return not self.is_over and self._asked < len(self.questions)

    def participants(self) -> list[Player]:
        return list(self._participants.values())

    def join(self, player: Player) -> None:
        """Count a player as in the round, so questions can close once they answered.

        In a team round, one who has no team yet is put on the smallest.
        """
        self._participants.setdefault(player.id, player)
        if self.teams is not None:
            self.teams.assign(player)

    def join_team(self, player: Player, team: int | None) -> int:
        """A team round's join window: pick a team, or None for the smallest."""
        if self.teams is None:
            raise TriviaError("This round has no teams.")
        if self.is_over:
            raise RoundOver()
        if player.id in self._dropped:
            raise ForgottenInRound()
        chosen = self.teams.join(player, team)
        self.join(player)
        return chosen

    # -- asking ------------------------------------------------------------

    def ask_next(self) -> AskedQuestion:
        """Open the next question; the previous one must be closed first."""
        if self.is_over or self._asked >= len(self.questions):
            raise RoundOver()
        if self._open is not None:
            raise TriviaError("The current question is still open.")
        if self.teams is not None:
            self.teams.locked = True
        question = self.questions[self._asked]
        self._asked += 1
        choices: tuple[str, ...] = ()
        correct_index: int | None = None
        if self.mode is Mode.BUTTONS:
            choices, correct_index = self._choices(question)
        now, tick = self.clock.now(), self.clock.monotonic()
        asked = AskedQuestion(
            self._asked,
            len(self.questions),
            question,
            choices,
            correct_index,
            now,
            now + self.seconds,
            tick,
            tick + self.seconds,
        )
        # only players already in the round before this question can close it early
        expected = frozenset(self._participants) if self._participants else NOBODY
        self._open = _Open(asked, expected=expected)
        return asked

    def _choices(self, question: Question) -> tuple[tuple[str, ...], int]:
        return shuffled_choices(question, self.rng)

    def _require_open(self, tick: float) -> _Open:
        if self.is_over:
            raise RoundOver()
        if self._open is None and self._asked == 0:
            raise NoQuestionYet()
        if self._open is None or tick > self._open.asked.deadline:
            raise QuestionClosed()
        if self._open.skipped is not None:
            raise QuestionSkipped()
        return self._open

    def elapsed(self) -> float:
        """Seconds since the open question was asked."""
        return self.clock.monotonic() - self._open.asked.started if self._open else 0.0

    # -- answering ---------------------------------------------------------

    def choose(self, player: Player, index: int, *, number: int | None = None) -> Answer:
        """Lock in a button answer; a second click by the same player is refused."""
        tick, now = self.clock.monotonic(), self.clock.now()
        current = self._require_open(tick)
        if number is not None and number != current.asked.number:
            raise QuestionClosed()
        if self.mode is not Mode.BUTTONS:
            raise TriviaError("This round takes typed answers.")
        if player.id in current.answers:
            raise AlreadyAnswered()
        if player.id in self._dropped:
            raise ForgottenInRound()
        if not 0 <= index < len(current.asked.choices):
            raise TriviaError("That is not one of the choices.")
        elapsed = tick - current.asked.started
        correct = index == current.asked.correct_index
        streak = self._streaks.get(player.id, 0) + 1 if correct else 0
        question = current.asked.question
        points = (
            weighted(
                speed_points(elapsed, self.seconds) + streak_bonus(streak), question.difficulty
            )
            if correct
            else 0
        )
        answer = Answer(
            current.asked.number,
            current.asked.question,
            player,
            correct,
            points,
            elapsed,
            now,
            streak,
            index,
        )
        self._record(current, answer)
        return answer

    def guess(self, player: Player, text: str) -> Answer | None:
        """Judge a typed guess; the first right one takes the question.

        Each player has `guesses` tries per question, so typing every option doesn't pay.
        """
        tick, now = self.clock.monotonic(), self.clock.now()
        current = self._require_open(tick)
        if current.solved:
            raise QuestionClosed()
        if player.is_bot or player.id in current.answers:
            return None
        if player.id in self._dropped:
            raise ForgottenInRound()
        missed = current.wrong_guessers.get(player.id)
        if missed is not None and missed[2] >= self.guesses:
            raise OutOfGuesses(self.guesses)
        elapsed = tick - current.asked.started
        question = current.asked.question
        if not judge(text, question.answers, count=question.asks_count):
            first, count = (missed[1], missed[2]) if missed else (elapsed, 0)
            current.wrong_guessers[player.id] = (player, first, count + 1)
            self.join(player)
            return None
        streak = self._streaks.get(player.id, 0) + 1
        answer = Answer(
            current.asked.number,
            current.asked.question,
            player,
            True,
            weighted(typed_points(self.hints_shown()), question.difficulty),
            elapsed,
            now,
            streak,
        )
        current.wrong_guessers.pop(player.id, None)
        current.solved = True
        self._record(current, answer)
        return answer

    def _record(self, current: _Open, answer: Answer) -> None:
        current.answers[answer.player.id] = answer
        self._streaks[answer.player.id] = answer.streak
        self.join(answer.player)
        s = self._standings.setdefault(answer.player.id, Standing(answer.player))
        s.points += answer.points
        s.correct += answer.correct
        s.answered += 1
        s.best_streak = max(s.best_streak, answer.streak)

    def drop_player(self, player_id: int) -> None:
        """A member forgotten while the round runs: their answers, points and team leave the
        reveals and standings still to come, and they may not answer again in this round
        (the store keeps nothing more of it)."""
        self._dropped = self._dropped | {player_id}
        self._participants.pop(player_id, None)
        self._streaks.pop(player_id, None)
        self._standings.pop(player_id, None)
        if self.teams is not None:
            self.teams.drop(player_id)
        current = self._open
        if current is not None:
            current.answers.pop(player_id, None)
            current.wrong_guessers.pop(player_id, None)
            current.expected = current.expected - {player_id}
            current.skip_votes = current.skip_votes - {player_id}

    # -- skipping ----------------------------------------------------------

    def skip_needed(self) -> int:
        """More than half of the round's players: those who answered, or joined."""
        return len(self._participants) // 2 + 1

    def vote_skip(
        self, player: Player, *, number: int | None = None, force: bool = False
    ) -> SkipTally:
        """Count a player's vote to skip the open question; `force` (starter, admin) skips it.

        Only before anyone's answer is locked in: answers are saved, and their points
        acknowledged, the moment they are made, so a skip never takes points back.
        """
        current = self._require_open(self.clock.monotonic())
        if number is not None and number != current.asked.number:
            raise QuestionClosed()
        if current.answers:
            raise TooLateToSkip()
        if player.id in self._dropped:
            raise ForgottenInRound()
        counted = player.id not in current.skip_votes
        if not force and player.id not in self._participants:
            raise NotInRound()
        if counted and player.id in self._participants:
            current.skip_votes = current.skip_votes | {player.id}
        votes = len(current.skip_votes)  # only players' votes are kept
        needed = self.skip_needed()
        tally = SkipTally(
            votes, needed, force or votes >= needed, counted, player if force else None
        )
        if tally.skipped:
            current.skipped = tally
        return tally

    # -- hints (typed) -----------------------------------------------------

    def hints_shown(self) -> int:
        """Hints appear at one third and two thirds of the time."""
        if self._open is None:
            return 0
        fraction = self.elapsed() / self.seconds
        return 2 if fraction >= 2 / 3 else 1 if fraction >= 1 / 3 else 0

    def hint_text(self, level: int | None = None) -> str:
        """The question's written hint, or its answer with letters hidden (bot.engine.hints)."""
        if self._open is None:
            return ""
        level = self.hints_shown() if level is None else level
        q = self._open.asked.question
        return hint_text(q.answers, q.hint, level, seed=self._open.asked.number)

    # -- closing -----------------------------------------------------------

    def due_to_close(self) -> CloseReason | None:
        """Why the open question should close now, if it should."""
        if self._open is None:
            return None
        if self._open.skipped is not None:
            return CloseReason.SKIPPED
        if self._open.solved:
            return CloseReason.SOLVED
        if self.clock.monotonic() >= self._open.asked.deadline:
            return CloseReason.TIME
        if (
            self.mode is Mode.BUTTONS
            and self._open.expected
            and self._open.expected <= self._open.answers.keys()
        ):
            return CloseReason.ALL_ANSWERED
        return None

    def close(self, reason: CloseReason | None = None) -> QuestionResult:
        """Close the open question, settle streaks and decide whether the round goes on."""
        if self._open is None:
            raise QuestionClosed()
        reason = reason or self.due_to_close() or CloseReason.TIME
        current, self._open = self._open, None
        late: list[Answer] = []
        if current.skipped is not None:
            # a skipped question counts for nobody: no misses, streaks as they were
            self._idle_run = 0
            return self._settle(current, reason, late)
        for player, elapsed, _ in current.wrong_guessers.values():
            miss = Answer(
                current.asked.number,
                current.asked.question,
                player,
                False,
                0,
                elapsed,
                current.asked.opened_at + elapsed,
                0,
            )
            late.append(miss)
            self._record(current, miss)
        for pid in self._participants:
            if pid not in current.answers:
                self._streaks[pid] = 0
        self._idle_run = 0 if current.answers else self._idle_run + 1
        return self._settle(current, reason, late)

    def _settle(self, current: _Open, reason: CloseReason, late: list[Answer]) -> QuestionResult:
        if reason is CloseReason.STOPPED:
            self.status = RoundStatus.STOPPED
        elif self._idle_run >= self.idle_limit:
            self.status = RoundStatus.STOPPED
            self.stop_reason = "idle"
        elif self._asked >= len(self.questions):
            self.status = RoundStatus.FINISHED
        answers = tuple(sorted(current.answers.values(), key=lambda a: a.answered_at))
        result = QuestionResult(
            current.asked, answers, tuple(late), reason, self.is_over, current.skipped
        )
        self.history.append(result)
        return result

    def stop(self, reason: str = "stopped") -> QuestionResult | None:
        """End the round early; an open question closes without a winner."""
        self.stop_reason = reason
        if self._open is not None:
            return self.close(CloseReason.STOPPED)
        self.status = RoundStatus.STOPPED
        return None

    # -- results -----------------------------------------------------------

    def standings(self) -> list[Standing]:
        """Best first: points, then correct answers, then who got there first."""
        return sorted(self._standings.values(), key=lambda s: (-s.points, -s.correct))

    def team_standings(self) -> list[TeamStanding]:
        """A team round's teams, best first; empty for a round without teams."""
        if self.teams is None:
            return []
        return self.teams.standings(
            (s.player.id, s.points, s.correct) for s in self._standings.values()
        )

    def winner(self) -> Player | None:
        """The sole leader with points; a tie at the top has no winner."""
        table = self.standings()
        if not table or table[0].points <= 0:
            return None
        if len(table) > 1 and table[1].points == table[0].points:
            return None
        return table[0].player
