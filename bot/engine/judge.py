"""The answer judge: would a fair quizmaster accept this chat message as one of the answers?

Rules (each pinned by tests/engine/test_judge.py):
- Case, accents, Unicode variants, punctuation, Discord markdown, spacing, hyphens, "&"/"and",
  one leading article and number spellings ("eighth" = "8th" = "8") never matter.
- Dates written any common way are one date; 01/02/2025 may be read US or UK style.
- The whole message must be one accepted answer: lists ("Rome or Paris"), repeats
  ("rome rome") and extra words ("Hayley Atwell" when only "Atwell" is listed) are refused,
  except harmless framing such as "it's", "I think", "maybe" or a trailing "?", and a run of
  words from one listed answer that holds another listed answer whole.
- Typos: none in answers up to 4 letters, 1 up to 9, 2 beyond ("Austria" is not "Australia");
  within that, none in a word up to 4 letters, 1 up to 8, 2 beyond; each word keeps its first
  letter, and a missing or extra word is never a typo.
- Anything holding a digit (numbers, years, dates, sequels) must match exactly.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import DamerauLevenshtein

from bot.engine.normalize import Form, compact, forms, has_digit

_ARTICLES = frozenset({"the", "a", "an"})
_LEADING_FRAMES: tuple[Form, ...] = tuple(
    tuple(phrase.split())
    for phrase in (
        "im pretty sure",
        "pretty sure",
        "im guessing",
        "the answer is",
        "my answer is",
        "my guess is",
        "i think",
        "i believe",
        "i guess",
        "i reckon",
        "it must be",
        "it has to be",
        "must be",
        "has to be",
        "answer is",
        "id say",
        "it is",
        "is it",
        "its",
        "answer",
        "maybe",
        "perhaps",
        "probably",
        "definitely",
        "surely",
    )
)
_TRAILING_FRAMES: tuple[Form, ...] = tuple(
    tuple(phrase.split())
    for phrase in ("final answer", "i think", "i guess", "i believe", "maybe", "probably")
)
_MAX_FRAMES = 3


def _by_edge_word(frames: tuple[Form, ...], edge: int) -> dict[str, tuple[Form, ...]]:
    """Frames grouped by their first (or last) word, longest first, so lookups stay cheap."""
    index: dict[str, list[Form]] = {}
    for frame in sorted(frames, key=len, reverse=True):
        index.setdefault(frame[edge], []).append(frame)
    return {word: tuple(group) for word, group in index.items()}


_LEADING_BY_WORD = _by_edge_word(_LEADING_FRAMES, 0)
_TRAILING_BY_WORD = _by_edge_word(_TRAILING_FRAMES, -1)
_NUMBER = re.compile(r"\d+(?:\.\d+)*")
# Longest sensible message for an answer: room for framing and markdown, never a wall of text.
_LENGTH_FACTOR = 4
_LENGTH_SLACK = 64


@dataclass(frozen=True, slots=True)
class _Shape:
    """One normalised reading of a text, with what the fuzzy comparison needs precomputed."""

    form: Form
    key: str
    numbers: tuple[str, ...]
    budget: int
    spaced: str


@dataclass(frozen=True, slots=True)
class _Answers:
    """Every accepted answer of a question, normalised once and cached."""

    keys: frozenset[str]
    shapes: tuple[_Shape, ...]
    max_guess: int


def _allowance(letters: int) -> int:
    """Typos forgiven in a whole answer: none up to 4 letters, 1 up to 9, 2 beyond."""
    return 0 if letters <= 4 else 1 if letters <= 9 else 2


def _word_allowance(letters: int) -> int:
    """Typos forgiven in one word: none up to 4 letters, 1 up to 8, 2 beyond."""
    return 0 if letters <= 4 else 1 if letters <= 8 else 2


def _shape(form: Form) -> _Shape:
    """Precompute the exact-match key, the numbers and the typo budget of one form."""
    key = compact(form)
    letters = sum(len(token) for token in form if token.isalpha())
    spaced = f" {' '.join(form)} "
    return _Shape(form, key, tuple(_NUMBER.findall(key)), _allowance(letters), spaced)


def _article_variants(form: Form) -> tuple[Form, ...]:
    """The form with and without one leading "the"/"a"/"an" ("The A-Team" keeps its "a")."""
    if len(form) > 1 and form[0] in _ARTICLES:
        return (form, form[1:])
    return (form,)


def _strip_frames(form: Form) -> Form:
    """Drop harmless framing around a guess ("I think it's Rome maybe") without emptying it."""
    if not form:
        return form
    for _ in range(_MAX_FRAMES):
        for frame in _LEADING_BY_WORD.get(form[0], ()):
            if len(form) > len(frame) and form[: len(frame)] == frame:
                form = form[len(frame) :]
                break
        else:
            break
    for frame in _TRAILING_BY_WORD.get(form[-1], ()):
        if len(form) > len(frame) and form[-len(frame) :] == frame:
            return form[: -len(frame)]
    return form


def _unique_shapes(candidates: Sequence[Form]) -> tuple[_Shape, ...]:
    """Shapes of the non-empty candidates, each form once, in order."""
    seen: dict[Form, None] = {}
    for form in candidates:
        if form:
            for variant in _article_variants(form):
                seen.setdefault(variant, None)
    return tuple(_shape(form) for form in seen)


@lru_cache(maxsize=4096)
def _answers(accepted: tuple[str, ...]) -> _Answers:
    """Normalise a question's accepted answers once; rounds ask the same question many times."""
    shapes = _unique_shapes([form for answer in accepted for form in forms(answer)])
    longest = max((len(answer) for answer in accepted), default=0)
    return _Answers(
        frozenset(s.key for s in shapes), shapes, _LENGTH_FACTOR * longest + _LENGTH_SLACK
    )


@lru_cache(maxsize=16384)
def _guess_shapes(guess: str) -> tuple[_Shape, ...]:
    """Normalise a guess, as written and with its framing stripped."""
    candidates: list[Form] = []
    for form in forms(guess):
        candidates += [form, _strip_frames(form)]
    return _unique_shapes(candidates)


def _close_word(guess: str, answer: str, allowed: int) -> int | None:
    """Edits between two words, or None if they differ in first letter, digits or too much."""
    if has_digit(guess) or has_digit(answer) or guess[0] != answer[0]:
        return None
    allowed = min(allowed, _word_allowance(len(answer)))
    if allowed == 0:
        return None
    distance = DamerauLevenshtein.distance(guess, answer, score_cutoff=allowed)
    return distance if distance <= allowed else None


def _close_by_words(guess: Form, answer: Form, budget: int) -> bool:
    """Same number of words: each word may hold its own few typos, within the whole budget."""
    spent = 0
    for guess_word, answer_word in zip(guess, answer, strict=True):
        if guess_word != answer_word:
            distance = _close_word(guess_word, answer_word, budget - spent)
            if distance is None:
                return False
            spent += distance
    return True


def _close_joined(guess: _Shape, answer: _Shape) -> bool:
    """Words split or joined differently ("spidr man"): compare without spaces, no short words."""
    longer = guess.form if len(guess.form) > len(answer.form) else answer.form
    if any(len(word) < 3 and not has_digit(word) for word in longer):
        return False
    if guess.key[0] != answer.key[0]:
        return False
    distance = DamerauLevenshtein.distance(guess.key, answer.key, score_cutoff=answer.budget)
    return distance <= answer.budget


def _close(guess: _Shape, answer: _Shape) -> bool:
    """A typo-level difference that cannot change a number, a word's start or a word count."""
    if answer.budget == 0 or guess.numbers != answer.numbers:
        return False
    if abs(len(guess.key) - len(answer.key)) > answer.budget:
        return False
    if len(guess.form) == len(answer.form):
        return _close_by_words(guess.form, answer.form, answer.budget)
    return _close_joined(guess, answer)


def _within_listed(guess: _Shape, shapes: Sequence[_Shape]) -> bool:
    """Words cut from one listed answer around another ("Mission Impossible Dead Reckoning")."""
    if not any(guess.spaced in a.spaced for a in shapes):
        return False
    return any(a.spaced in guess.spaced for a in shapes)


def judge(guess: str, accepted: Sequence[str]) -> bool:
    """True when a fair quizmaster would accept `guess` as one of the `accepted` answers."""
    if isinstance(accepted, str):
        accepted = (accepted,)
    if not guess or not accepted:
        return False
    answers = _answers(tuple(accepted))
    if not answers.shapes or len(guess) > answers.max_guess:
        return False
    shapes = _guess_shapes(guess)
    if any(shape.key in answers.keys for shape in shapes):
        return True
    if len(answers.shapes) > 1 and any(_within_listed(g, answers.shapes) for g in shapes):
        return True
    return any(_close(g, a) for g in shapes for a in answers.shapes)
