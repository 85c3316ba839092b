"""Typed-round hints: letters of the answer uncovered without ever handing it over.

A mask never shows a whole accepted answer, even one sitting inside the shown answer
("F-18" in "An F-18 fighter jet", "X" in "Twitter/X"): every place an accepted answer (or its
normalised form) occurs keeps at most a third of its letters at hint 1 and two thirds at
hint 2, and so does the shown answer itself. Digits and words of one or two characters are
never shown, so "F/A-18", "M:I" and "2017" stay hidden.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Sequence

from bot.engine.judge import judge
from bot.engine.normalize import compact, forms

HIDDEN = "_"
SHORT = 2  # words this long or shorter are never shown
SEPARATOR = " · "


def _fold(char: str) -> str:
    """One character as the judge compares it: no case, no accents."""
    decomposed = unicodedata.normalize("NFKD", char.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _words(answer: str) -> list[list[int]]:
    """Positions of each run of letters and digits."""
    words: list[list[int]] = []
    for i, ch in enumerate(answer):
        if ch.isalnum():
            if i and answer[i - 1].isalnum():
                words[-1].append(i)
            else:
                words.append([i])
    return words


def _spans(answer: str, accepted: Sequence[str]) -> list[list[int]]:
    """Where the shown answer and each accepted answer (as written or normalised) occur in it."""
    stream: list[tuple[int, str]] = [
        (i, f) for i, ch in enumerate(answer) if ch.isalnum() for f in _fold(ch)
    ]
    text = "".join(f for _, f in stream)
    needles = {text}
    for other in accepted:
        needles.add("".join(_fold(ch) for ch in other if ch.isalnum()))
        needles.update(compact(form).replace(" ", "") for form in forms(other) if form)
    spans: list[list[int]] = []
    for needle in needles:
        if not needle:
            continue
        start = text.find(needle)
        while start != -1:
            spans.append(sorted({stream[j][0] for j in range(start, start + len(needle))}))
            start = text.find(needle, start + 1)
    return spans


def _allowed(shown: set[int], spans: list[list[int]], level: int) -> bool:
    """No span shows more than level/3 of its letters (so never all of them)."""
    return all(3 * sum(1 for i in span if i in shown) <= level * len(span) for span in spans)


_RUNS = re.compile(f"{HIDDEN}+")


def gives_away(mask: str, accepted: Sequence[str]) -> bool:
    """Would typing the mask, its visible letters run together, or any piece of it score?

    Initials are the usual leak: "T__ H________ R_______" spells THR.
    """
    if judge(mask, accepted):
        return True
    pieces = [p for p in _RUNS.split(mask) if any(c.isalnum() for c in p)]
    return judge("".join(pieces), accepted) or any(judge(p, accepted) for p in pieces)


def _render(answer: str, shown: set[int]) -> str:
    return "".join(ch if not ch.isalnum() or i in shown else HIDDEN for i, ch in enumerate(answer))


def reveal_order(answer: str, accepted: Sequence[str] = (), *, seed: int = 0) -> list[set[int]]:
    """The positions shown at hint 0, 1 and 2; each level shows what the one before did."""
    words = [
        w for w in _words(answer) if len(w) > SHORT and not any(answer[i].isdigit() for i in w)
    ]
    spans = _spans(answer, accepted)
    judged = tuple(accepted) or (answer,)
    letters = sum(len(w) for w in _words(answer))
    levels: list[set[int]] = [set()]
    shown: set[int] = set()
    initials = [w[0] for w in words]
    rest = [i for w in words for i in w[1:]]
    random.Random(seed).shuffle(rest)
    for level, candidates, target in ((1, initials, letters), (2, rest, letters // 2)):
        for i in candidates:
            if len(shown) >= target:
                break
            more = shown | {i}
            if _allowed(more, spans, level) and not gives_away(_render(answer, more), judged):
                shown = more
        levels.append(set(shown))
    return levels


def mask_answer(answer: str, level: int, *, accepted: Sequence[str] = (), seed: int = 0) -> str:
    """The answer with hidden letters as underscores; punctuation and spaces stay."""
    if level <= 0:
        shown: set[int] = set()
    else:
        shown = reveal_order(answer, accepted, seed=seed)[min(level, 2)]
    return _render(answer, shown)


def hint_text(answers: Sequence[str], written: str | None, level: int, *, seed: int = 0) -> str:
    """A written hint is shown instead of letters; the second hint adds the initials to it."""
    if level <= 0 or not answers:
        return ""
    if written:
        if level == 1:
            return written
        return written + SEPARATOR + mask_answer(answers[0], 1, accepted=answers, seed=seed)
    return mask_answer(answers[0], level, accepted=answers, seed=seed)
