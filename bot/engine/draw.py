"""Choosing a round's questions: one per fact, and fresh facts before recent ones."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

from bot.engine.errors import NotEnoughQuestions
from bot.engine.models import Bank, Mode, Question


def playable(question: Question, mode: Mode) -> bool:
    """Buttons need something to click besides the answer; typed needs no choices on screen."""
    if mode not in question.modes:
        return False
    if mode is Mode.TYPED:
        return not question.is_true_false and not question.choice_worded
    return bool(question.distractors)


def draw_questions(
    banks: Sequence[Bank],
    count: int,
    *,
    mode: Mode,
    recent: Mapping[str, float],
    rng: random.Random,
) -> list[Question]:
    """Unseen facts first (shuffled), then the ones seen longest ago; one question per fact.

    `recent` maps a fact key (`Question.fact_key`) to when it was last asked in the channel,
    by any of its questions.
    """
    pool: dict[str, Question] = {}
    for bank in banks:
        for q in bank.questions:
            if playable(q, mode):
                pool.setdefault(q.key, q)
    if not pool:
        names = ", ".join(b.id for b in banks)
        others = [m for m in Mode if m is not mode]
        fits = [m for m in others if any(playable(q, m) for b in banks for q in b.questions)]
        tip = f"; try {fits[0]} mode" if fits else ""
        raise NotEnoughQuestions(f"Bank {names} has no questions playable in {mode} mode{tip}.")
    by_fact: dict[str, list[Question]] = {}
    for q in pool.values():
        by_fact.setdefault(q.fact_key, []).append(q)
    fresh = [fact for fact in by_fact if fact not in recent]
    rng.shuffle(fresh)
    seen = sorted((fact for fact in by_fact if fact in recent), key=lambda fact: recent[fact])
    return [rng.choice(by_fact[fact]) for fact in (fresh + seen)[:count]]
