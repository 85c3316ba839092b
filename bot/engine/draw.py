"""Choosing a round's questions: one per fact, and fresh facts before recent ones."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from bot.engine.errors import NotEnoughQuestions
from bot.engine.models import Bank, Difficulty, Mode, Question

MAX_CATEGORIES_LISTED = 15


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
    difficulty: Difficulty | None = None,
    category: str | None = None,
) -> list[Question]:
    """Unseen facts first (shuffled), then the ones seen longest ago; one question per fact.

    `recent` maps a fact key (`Question.fact_key`) to when it was last asked in the channel,
    by any of its questions. A difficulty or category filter that leaves fewer facts than
    `count` is refused, saying what the banks hold, rather than playing a shorter round.
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
    if difficulty is not None or category is not None:
        chosen = {k: q for k, q in pool.items() if matches(q, difficulty, category)}
        facts = len({q.fact_key for q in chosen.values()})
        if facts < count:
            raise NotEnoughQuestions(
                too_few(pool.values(), facts, count, mode, difficulty, category)
            )
        pool = chosen
    by_fact: dict[str, list[Question]] = {}
    for q in pool.values():
        by_fact.setdefault(q.fact_key, []).append(q)
    fresh = [fact for fact in by_fact if fact not in recent]
    rng.shuffle(fresh)
    seen = sorted((fact for fact in by_fact if fact in recent), key=lambda fact: recent[fact])
    return [rng.choice(by_fact[fact]) for fact in (fresh + seen)[:count]]


def matches(question: Question, difficulty: Difficulty | None, category: str | None) -> bool:
    """A question's own `difficulty:` and `category:` (ignoring case); None matches all."""
    if difficulty is not None and question.difficulty is not difficulty:
        return False
    if category is None:
        return True
    return (question.category or "").casefold() == category.strip().casefold()


def categories(questions: Iterable[Question]) -> Counter[str]:
    """Facts per category (a round asks a fact once), by the category's first spelling."""
    spelled: dict[str, str] = {}
    facts: dict[str, set[str]] = {}
    for q in questions:
        if q.category:
            name = spelled.setdefault(q.category.casefold(), q.category)
            facts.setdefault(name, set()).add(q.fact_key)
    return Counter({name: len(keys) for name, keys in facts.items()})


def too_few(
    pool: Iterable[Question],
    found: int,
    count: int,
    mode: Mode,
    difficulty: Difficulty | None,
    category: str | None,
) -> str:
    """Which filter left how many, and what the banks hold in this mode."""
    questions = list(pool)
    wanted = " ".join(
        x for x in (difficulty.value if difficulty else None, category and f"'{category}'") if x
    )
    by_level = Counter(d for d, _ in {(q.difficulty, q.fact_key) for q in questions})
    levels = ", ".join(f"{d.value} {by_level[d]}" for d in Difficulty)
    named = categories(questions).most_common()
    shown = ", ".join(f"{name} {n}" for name, n in named[:MAX_CATEGORIES_LISTED]) or "none"
    more = (
        f" and {len(named) - MAX_CATEGORIES_LISTED} more"
        if len(named) > MAX_CATEGORIES_LISTED
        else ""
    )
    ask = f"ask for {found} or fewer, or " if found else ""
    return (
        f"Only {found} {wanted} question{'s' if found != 1 else ''} can be played in {mode} mode, "
        f"and the round needs {count}: {ask}widen the filter. "
        f"Available in {mode} mode: {levels}; categories: {shown}{more}."
    )
