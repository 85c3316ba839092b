"""Choosing a round's questions: no repeats, and fresh ones before recent ones."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

from bot.engine.errors import NotEnoughQuestions
from bot.engine.models import Bank, Mode, Question


def playable(question: Question, mode: Mode) -> bool:
    """Buttons need something to click besides the answer; typed needs nothing more."""
    return mode is Mode.TYPED or bool(question.distractors)


def draw_questions(
    banks: Sequence[Bank],
    count: int,
    *,
    mode: Mode,
    recent: Mapping[str, float],
    rng: random.Random,
) -> list[Question]:
    """Unseen questions first (shuffled), then the ones seen longest ago."""
    pool: dict[str, Question] = {}
    for bank in banks:
        for q in bank.questions:
            if playable(q, mode):
                pool.setdefault(q.key, q)
    if not pool:
        names = ", ".join(b.id for b in banks)
        raise NotEnoughQuestions(f"Bank {names} has no questions playable in {mode} mode.")
    fresh = [q for key, q in pool.items() if key not in recent]
    rng.shuffle(fresh)
    seen = sorted((q for key, q in pool.items() if key in recent), key=lambda q: recent[q.key])
    return (fresh + seen)[:count]
