"""B3: how many answers the judge can rule on per second, on one core.

"First sight" is the honest figure: in a live round every guess is new, so the guess-side
memos are emptied before every single call. A question's accepted answers, though, are the
same for every guess at it, so the accepted-side memo is kept, as it is in a running bot; the
generated bank's guesses come grouped per question, four at a time, as players send them.
"""

from __future__ import annotations

import gc
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import _lru_cache_wrapper
from types import ModuleType
from typing import Any

from bench import corpus
from bench.common import Outcome, Row

TARGET = 100_000
Pair = tuple[str, tuple[str, ...]]
Judge = Callable[[str, Sequence[str]], bool]
# Memos keyed by a question's accepted answers: kept between guesses, like a running bot.
ANSWERS_MEMO = "bot.engine.judge._answers"
ACCEPTED_SIDE = frozenset({ANSWERS_MEMO})


def _judge_modules() -> list[ModuleType]:
    from bot.engine import judge as _  # noqa: F401  (make sure the modules are loaded)

    return [m for name, m in sys.modules.items() if name.startswith("bot.engine.") and m]


def engine_memos() -> dict[str, _lru_cache_wrapper[Any]]:
    """Every lru_cache in the engine by qualified name, so each side can be cleared alone."""
    memos: dict[str, _lru_cache_wrapper[Any]] = {}
    for module in _judge_modules():
        for name, value in vars(module).items():
            if isinstance(value, _lru_cache_wrapper):
                memos[f"{module.__name__}.{name}"] = value
    missing = ACCEPTED_SIDE - memos.keys()
    if missing:  # a renamed memo would silently turn "kept" into "cleared": fail instead
        raise RuntimeError(f"accepted-side memos not found: {sorted(missing)}")
    return memos


def clear_judge_caches() -> None:
    """Forget every memo in the engine, guess and accepted side alike."""
    for memo in engine_memos().values():
        memo.cache_clear()


def guess_side_clearers() -> list[Callable[[], None]]:
    """cache_clear of every memo not keyed by accepted answers: what a new guess cannot hit."""
    return [m.cache_clear for name, m in engine_memos().items() if name not in ACCEPTED_SIDE]


def table_pairs() -> tuple[list[Pair], list[bool], str]:
    """The labelled table of tests/engine/test_judge.py, if importable, with its verdicts."""
    try:
        from tests.engine.test_judge import CASES
    except Exception as exc:  # the bench must still run where tests are not shipped
        return [], [], f"table not importable: {exc}"
    pairs = [(guess, tuple(accepted)) for guess, accepted, _, _ in CASES]
    return pairs, [expected for _, _, expected, _ in CASES], "tests/engine/test_judge.py CASES"


def bank_pairs(questions: int, seed: int = 3) -> tuple[list[Pair], list[str]]:
    """Four guesses (right, typo, wrong, near-miss) per generated question, grouped per question."""
    rng = random.Random(seed)
    items = corpus.generate(questions, seed)
    pairs: list[Pair] = []
    kinds: list[str] = []
    for item in items:
        guesses = corpus.mixed_guesses(item, items, rng)
        rng.shuffle(guesses)  # players do not answer in a fixed order
        for kind, text in guesses:
            pairs.append((text, item.answers))
            kinds.append(kind)
    return pairs, kinds


@dataclass(frozen=True, slots=True)
class Rate:
    """Calls per second of CPU time (one core) and of wall-clock time, median over passes."""

    cpu: float
    wall: float


def timed_pass(
    judge: Judge, pairs: Sequence[Pair], before_each: Sequence[Callable[[], None]]
) -> tuple[float, float]:
    """CPU and wall seconds of one pass; `before_each` runs before every call, timed too."""
    cpu, wall = time.process_time(), time.perf_counter()
    if before_each:
        for guess, accepted in pairs:
            for clear in before_each:
                clear()
            judge(guess, accepted)
    else:
        for guess, accepted in pairs:
            judge(guess, accepted)
    return time.process_time() - cpu, time.perf_counter() - wall


def rate(
    judge: Judge,
    pairs: Sequence[Pair],
    *,
    passes: int,
    before_each: Sequence[Callable[[], None]] = (),
    before_pass: Callable[[], None] | None = None,
) -> Rate:
    """Calls per second over `passes` passes, clearing what the caller says before each."""
    # The median pass, not the total: a burst of load on a shared machine moves one pass only.
    cpu: list[float] = []
    wall: list[float] = []
    for _ in range(passes):
        if before_pass is not None:
            before_pass()
        gc.collect()
        spent = timed_pass(judge, pairs, before_each)
        cpu.append(len(pairs) / spent[0])
        wall.append(len(pairs) / spent[1])
    return Rate(statistics.median(cpu), statistics.median(wall))


def _hits(memo: _lru_cache_wrapper[Any], work: Callable[[], Rate]) -> tuple[Rate, str]:
    """Run `work` and say how often `memo` answered from its store meanwhile."""
    before = memo.cache_info()
    result = work()
    after = memo.cache_info()
    hits, misses = after.hits - before.hits, after.misses - before.misses
    return result, f"{hits / max(1, hits + misses):.0%} of {hits + misses:,} lookups hit"


def run(quick: bool) -> Outcome:
    """Judge the labelled table and a generated bank, first sight and memo warm."""
    from bot.engine.judge import judge

    out = Outcome()
    passes = 3 if quick else 5
    memos = engine_memos()
    clearers = guess_side_clearers()
    accepted_memo = memos[ANSWERS_MEMO]
    guess_room = max(
        (m.cache_info().maxsize or 0 for n, m in memos.items() if n not in ACCEPTED_SIDE),
        default=0,
    )
    first_sight = (
        f"median pass, CPU time of one core; {len(clearers)} guess-side memo(s) emptied before "
        "every call, inside the timing; accepted-side memo kept"
    )
    pairs, expected, origin = table_pairs()
    if pairs:
        clear_judge_caches()
        verdicts = [judge(g, a) for g, a in pairs]  # also analyses each accepted list once
        agree = sum(v == e for v, e in zip(verdicts, expected, strict=True))
        cold, answers = _hits(
            accepted_memo, lambda: rate(judge, pairs, passes=passes * 40, before_each=clearers)
        )
        warm = rate(judge, pairs, passes=passes * 40)
        out.add(
            Row(
                "B3",
                f"judge, test table ({len(pairs)} cases), first sight",
                "calls/s",
                cold.cpu,
                target=f">= {TARGET:,}",
                passed=cold.cpu >= TARGET,
                note=f"{origin}; {agree}/{len(pairs)} verdicts match the labels; {first_sight}, "
                f"accepted answers: {answers}; wall clock {cold.wall:,.0f}/s",
            )
        )
        out.add(
            Row(
                "B3",
                "judge, test table, memo warm",
                "calls/s",
                warm.cpu,
                note=f"the same calls repeated: lru_cache hits; wall clock {warm.wall:,.0f}/s",
            )
        )
    else:
        out.add(Row("B3", "judge, test table", "calls/s", None, note=origin))
    questions = 500 if quick else 10_000
    pairs, kinds = bank_pairs(questions)
    clear_judge_caches()
    verdicts = [judge(g, a) for g, a in pairs]
    accepted = Counter(k for k, v in zip(kinds, verdicts, strict=True) if v)
    totals = Counter(kinds)
    mix = ", ".join(f"{k} {accepted[k] / totals[k]:.0%}" for k in sorted(totals))
    cold, answers = _hits(
        accepted_memo, lambda: rate(judge, pairs, passes=passes, before_each=clearers)
    )
    fresh = rate(judge, pairs, passes=passes, before_each=clearers, before_pass=clear_judge_caches)
    warm = rate(judge, pairs, passes=passes)
    out.add(
        Row(
            "B3",
            f"judge, generated bank ({questions:,} q x 4 guesses), first sight",
            "calls/s",
            cold.cpu,
            target=f">= {TARGET:,}",
            passed=cold.cpu >= TARGET,
            note=f"accepted by kind: {mix}; {first_sight}, accepted answers: {answers}; "
            f"wall clock {cold.wall:,.0f}/s",
        )
    )
    out.add(
        Row(
            "B3",
            "judge, generated bank, first sight, every question new",
            "calls/s",
            fresh.cpu,
            note="as first sight, but the accepted-side memo is emptied before each pass too, "
            "so each question's answers are analysed at its first guess and shared by its "
            f"other three; wall clock {fresh.wall:,.0f}/s",
        )
    )
    out.add(
        Row(
            "B3",
            "judge, generated bank, memo warm",
            "calls/s",
            warm.cpu,
            note=f"second and later passes; the guess memo holds at most {guess_room:,} of the "
            f"{len({g for g, _ in pairs}):,} distinct guesses; wall clock {warm.wall:,.0f}/s",
        )
    )
    return out
