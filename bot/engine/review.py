"""Replaying questions a player missed: judged as in a round, scored never, stored never."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from bot.engine.errors import TriviaError
from bot.engine.judge import judge
from bot.engine.models import Question
from bot.engine.round import shuffled_choices


@dataclass(frozen=True, slots=True)
class Replay:
    """One missed question as shown again: its choices (none for a typed-only question)."""

    question: Question
    choices: tuple[str, ...]
    correct_index: int  # -1 without choices


@dataclass(frozen=True, slots=True)
class Verdict:
    replay: Replay
    guess: str  # the choice's label or the typed text; "" when the answer was only shown
    right: bool


class Review:
    """The questions in order, one open at a time; each answered once, then the next."""

    def __init__(self, questions: Sequence[Question], rng: random.Random | None = None) -> None:
        if not questions:
            raise TriviaError("There is nothing to review.")
        rng = rng or random.Random()
        self.replays = tuple(self._replay(q, rng) for q in questions)
        self.position = 0
        self.verdicts: list[Verdict] = []

    @staticmethod
    def _replay(question: Question, rng: random.Random) -> Replay:
        if not question.distractors:
            return Replay(question, (), -1)
        choices, correct = shuffled_choices(question, rng)
        return Replay(question, choices, correct)

    @property
    def current(self) -> Replay | None:
        return self.replays[self.position] if self.position < len(self.replays) else None

    @property
    def answered(self) -> bool:
        """Whether the current question has its verdict and waits for Next."""
        return len(self.verdicts) > self.position

    @property
    def right(self) -> int:
        return sum(v.right for v in self.verdicts)

    def _open(self) -> Replay:
        replay = self.current
        if replay is None:
            raise TriviaError("This review is over.")
        if self.answered:
            raise TriviaError("You already answered this one; press Next.")
        return replay

    def choose(self, index: int) -> Verdict:
        replay = self._open()
        if not 0 <= index < len(replay.choices):
            raise TriviaError("That choice is not on this question.")
        return self._record(Verdict(replay, replay.choices[index], index == replay.correct_index))

    def guess(self, text: str) -> Verdict:
        """A typed answer, judged as a typed round would judge it."""
        replay = self._open()
        question = replay.question
        right = judge(text, question.answers, count=question.asks_count)
        return self._record(Verdict(replay, text, right))

    def reveal(self) -> Verdict:
        """Show the answer without guessing: counted as not right."""
        return self._record(Verdict(self._open(), "", False))

    def _record(self, verdict: Verdict) -> Verdict:
        self.verdicts.append(verdict)
        return verdict

    def next(self) -> Replay | None:
        if not self.answered:
            raise TriviaError("Answer this one first (or show its answer).")
        self.position += 1
        return self.current
