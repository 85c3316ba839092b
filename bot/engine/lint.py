"""Warnings about banks that load fine but play unfairly: twin questions, choice wording."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.engine.models import CHOICE_WORDING, Bank, Mode, Question
from bot.engine.normalize import compact, forms
from bot.engine.validation import Problem


def _answer_keys(q: Question) -> set[str]:
    return {compact(form) for answer in q.answers for form in forms(answer) if form}


def _where(q: Question, banks: dict[str, Bank]) -> str:
    bank = banks.get(q.bank_id)
    return bank.origin or q.bank_id if bank else q.bank_id


def _askable_twin(q: Question) -> bool:
    return len(q.distractors) >= 2 and not q.is_true_false


def _shared_distractors(earlier: Question, later: Question) -> int | None:
    """How many distractors two questions of one answer share, if that makes them twins."""
    if earlier.fact_key == later.fact_key:
        return None
    shared = {d.casefold() for d in earlier.distractors} & {d.casefold() for d in later.distractors}
    if 2 * len(shared) > min(len(earlier.distractors), len(later.distractors)):
        return len(shared)
    return None


def twin_of(q: Question, others: Iterable[Question]) -> tuple[Question, int] | None:
    """The first of `others` that is likely the same fact as `q`, with the distractors shared."""
    if not _askable_twin(q):
        return None
    keys = _answer_keys(q)
    for other in others:
        if _askable_twin(other) and keys & _answer_keys(other):
            shared = _shared_distractors(other, q)
            if shared is not None:
                return other, shared
    return None


def twin_questions(banks: Sequence[Bank]) -> list[Problem]:
    """Two facts with one answer and most distractors in common are likely one fact."""
    by_id = {b.id: b for b in banks}
    buckets: dict[str, list[Question]] = {}
    for bank in banks:
        for q in bank.questions:
            if _askable_twin(q):
                for key in _answer_keys(q):
                    buckets.setdefault(key, []).append(q)
    problems: list[Problem] = []
    reported: set[tuple[str, str]] = set()
    for group in buckets.values():
        for i, later in enumerate(group):
            for earlier in group[:i]:
                pair = (earlier.key, later.key)
                if pair in reported or (shared := _shared_distractors(earlier, later)) is None:
                    continue
                reported.add(pair)
                problems.append(
                    Problem(
                        _where(later, by_id),
                        later.line,
                        later.id,
                        f"{twin_text(later, earlier, shared)} ({_where(earlier, by_id)}:"
                        f"{earlier.line}) but another fact; give both one `fact:` "
                        "or tell them apart",
                    )
                )
    return problems


def twin_text(q: Question, twin: Question, shared: int) -> str:
    return f"same answer '{q.answers[0]}' and {shared} of the same distractors as '{twin.key}'"


def choice_wording(banks: Iterable[Bank]) -> list[Problem]:
    """A typed round shows no choices, so "which of these" has nothing to point at.

    The draw already keeps such questions out of typed rounds; the warning asks the author
    to say so (`modes: [buttons]`) or to reword.
    """
    problems: list[Problem] = []
    for bank in banks:
        for q in bank.questions:
            if Mode.TYPED not in q.modes or q.is_true_false:
                continue
            match = CHOICE_WORDING.search(q.text)
            if match:
                problems.append(
                    Problem(
                        bank.origin or bank.id,
                        q.line,
                        q.id,
                        f"'{match.group(0)}' needs the choices on screen, but the question is "
                        "open to typed rounds; reword it or add `modes: [buttons]`",
                    )
                )
    return problems


def bank_warnings(banks: Sequence[Bank]) -> list[Problem]:
    """Everything `banks check` warns about, across all the banks it was given."""
    return [*twin_questions(banks), *choice_wording(banks)]
