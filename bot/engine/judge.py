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
- Anything holding a digit (numbers, years, dates, sequels) must match exactly; "about",
  "almost", "nearly" and the like before the number are a hedge, not a different answer.
- A common short form of a first name ("Chris") stands for the listed one ("Christopher")
  when the rest of the name matches exactly.
- A question asking for a count ("How many ...?") refuses an ordinal ("seventh") unless an
  accepted answer is one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import DamerauLevenshtein

from bot.engine.names import has_short_form, short_for
from bot.engine.normalize import Form, compact, forms, has_digit
from bot.engine.numbers import has_ordinal

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
# Hedges before a number: "about 40 years" answers "40 years".
_APPROXIMATE = frozenset({"about", "around", "almost", "nearly", "roughly", "approximately"})


def _by_edge_word(frames: tuple[Form, ...], edge: int) -> dict[str, tuple[Form, ...]]:
    """Frames grouped by their first (or last) word, longest first, so lookups stay cheap."""
    index: dict[str, list[Form]] = {}
    for frame in sorted(frames, key=len, reverse=True):
        index.setdefault(frame[edge], []).append(frame)
    return {word: tuple(group) for word, group in index.items()}


_LEADING_BY_WORD = _by_edge_word(_LEADING_FRAMES, 0)
_TRAILING_BY_WORD = _by_edge_word(_TRAILING_FRAMES, -1)
# First words that a frame or an article may start with.
_OPENERS = frozenset(_LEADING_BY_WORD) | _ARTICLES
_NUMBER = re.compile(r"\d+(?:\.\d+)*")
# Longest sensible message for an answer: room for framing and markdown, never a wall of text.
_LENGTH_FACTOR = 4
_LENGTH_SLACK = 64


@dataclass(frozen=True, slots=True)
class _Shape:
    """One normalised reading of an accepted answer, with what the comparisons need precomputed."""

    form: Form
    key: str
    numbers: tuple[str, ...]
    budget: int
    spaced: str
    short_word: bool
    # len(form) and len(key), read on every comparison: builtin calls are dear in a hot loop.
    words: int
    size: int


@dataclass(frozen=True, slots=True)
class _Answers:
    """Every accepted answer of a question, normalised once and cached."""

    # Plain ASCII answers lower-cased: a guess typed as one of them needs no normalising.
    as_typed: frozenset[str]
    keys: frozenset[str]
    shapes: tuple[_Shape, ...]
    # Every spaced form on its own line, so one `in` asks whether a guess sits inside any.
    listed: str | None
    # Every word of every form: a guess inside a listed answer starts with one of them.
    words: frozenset[str]
    fuzzy: tuple[_Shape, ...]
    # First letters of the forms that forgive typos: a typo never changes the first letter.
    initials: str
    max_guess: int
    # Keys of the answers holding a number, without a leading hedge ("nearly 40 years").
    approximate: frozenset[str]
    ordinal: bool


# A guess reading: its tokens and its exact-match key; the rest is worked out only if needed.
_Reading = tuple[Form, str]


def _plain(text: str) -> bool:
    """ASCII without Discord markup, whose forms depend on nothing but its lower-case text."""
    return "<" not in text and text.isascii()


def _allowance(letters: int) -> int:
    """Typos forgiven in a whole answer: none up to 4 letters, 1 up to 9, 2 beyond."""
    return 0 if letters <= 4 else 1 if letters <= 9 else 2


def _word_allowance(letters: int) -> int:
    """Typos forgiven in one word: none up to 4 letters, 1 up to 8, 2 beyond."""
    return 0 if letters <= 4 else 1 if letters <= 8 else 2


def _numbers(key: str) -> tuple[str, ...]:
    """The numbers in a key, which a typo may never change; letters-only keys have none."""
    return () if key.isalpha() else tuple(_NUMBER.findall(key))


def _has_short_word(form: Form) -> bool:
    """Short words ("of", "a") make a differently split reading too loose to forgive."""
    return any(len(word) < 3 and not has_digit(word) for word in form)


def _spaced(form: Form) -> str:
    """The tokens with a space around each, so `in` finds whole runs of words only."""
    return f" {' '.join(form)} "


def _shape(form: Form) -> _Shape:
    """Precompute the exact-match key, the numbers and the typo budget of one form."""
    key = compact(form)
    letters = sum(len(token) for token in form if token.isalpha())
    return _Shape(
        form=form,
        key=key,
        numbers=_numbers(key),
        budget=_allowance(letters),
        spaced=_spaced(form),
        short_word=_has_short_word(form),
        words=len(form),
        size=len(key),
    )


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


def _unique_forms(candidates: Sequence[Form]) -> dict[Form, None]:
    """The non-empty candidates with and without a leading article, each form once, in order."""
    seen: dict[Form, None] = {}
    for form in candidates:
        if form:
            for variant in _article_variants(form):
                seen[variant] = None
    return seen


@lru_cache(maxsize=4096)
def _answers(accepted: tuple[str, ...]) -> _Answers:
    """Normalise a question's accepted answers once; rounds ask the same question many times."""
    readings = [(answer, forms(answer)) for answer in accepted]
    candidates = [form for _, found in readings for form in found]
    shapes = tuple(_shape(form) for form in _unique_forms(candidates))
    fuzzy = tuple(s for s in shapes if s.budget)
    longest = max((len(answer) for answer in accepted), default=0)
    return _Answers(
        as_typed=frozenset(
            answer.lower() for answer, found in readings if _plain(answer) and any(found)
        ),
        keys=frozenset(s.key for s in shapes),
        shapes=shapes,
        listed="\n".join(s.spaced for s in shapes) if len(shapes) > 1 else None,
        words=frozenset(word for s in shapes for word in s.form),
        fuzzy=fuzzy,
        initials="".join(s.key[0] for s in fuzzy),
        max_guess=_LENGTH_FACTOR * longest + _LENGTH_SLACK,
        approximate=frozenset(_unhedged(s.form) for s in shapes if s.numbers),
        ordinal=any(has_ordinal(answer) for answer in accepted),
    )


def _unhedged(form: Form) -> str:
    """The key of a form holding a number, without a leading "about"/"nearly"."""
    if len(form) > 1 and form[0] in _APPROXIMATE:
        form = form[1:]
    return compact(form)


def _short_first_name(form: Form, shapes: Sequence[_Shape]) -> bool:
    """ "Chris McQuarrie" for "Christopher McQuarrie": the surname must match exactly."""
    rest = form[1:]
    for answer in shapes:
        if answer.words == len(form) and answer.form[1:] == rest:
            if short_for(form[0], answer.form[0]):
                return True
    return False


@lru_cache(maxsize=16384)
def _guess_readings(guess: str) -> tuple[_Reading, ...]:
    """Normalise a guess, as written and with its framing stripped, with each reading's key."""
    found = forms(guess)
    if len(found) == 1:  # the usual: one reading, and often nothing to strip from it
        form = found[0]
        if not form:
            return ()
        if len(form) == 1:  # no frame or article goes without leaving a word behind
            return ((form, form[0]),)
        if form[0] not in _OPENERS and form[-1] not in _TRAILING_BY_WORD:
            return ((form, compact(form)),)
    candidates: list[Form] = []
    for form in found:
        candidates += [form, _strip_frames(form)]
    return tuple((form, compact(form)) for form in _unique_forms(candidates))


def _close_word(guess: str, answer: str, allowed: int) -> int | None:
    """Edits between two words, or None if they differ in first letter, digits or too much."""
    if guess[0] != answer[0] or has_digit(guess) or has_digit(answer):
        return None
    cap = _word_allowance(len(answer))
    if cap < allowed:
        allowed = cap
    gap = len(guess) - len(answer)
    if allowed == 0 or gap > allowed or -gap > allowed:  # edits >= the length difference
        return None
    distance = DamerauLevenshtein.distance(guess, answer, score_cutoff=allowed)
    return distance if distance <= allowed else None


def _close_by_words(guess: Form, answer: Form, budget: int) -> bool:
    """Same number of words: each word may hold its own few typos, within the whole budget."""
    if len(guess) == 1:  # the usual case, without the cost of zip
        return guess[0] == answer[0] or _close_word(guess[0], answer[0], budget) is not None
    spent = 0
    for guess_word, answer_word in zip(guess, answer, strict=True):
        if guess_word != answer_word:
            distance = _close_word(guess_word, answer_word, budget - spent)
            if distance is None:
                return False
            spent += distance
    return True


def _close_joined(form: Form, key: str, answer: _Shape) -> bool:
    """Words split or joined differently ("spidr man"): compare without spaces, no short words."""
    if _has_short_word(form) if len(form) > answer.words else answer.short_word:
        return False
    if key[0] != answer.key[0]:
        return False
    distance = DamerauLevenshtein.distance(key, answer.key, score_cutoff=answer.budget)
    return distance <= answer.budget


def _close(form: Form, key: str, fuzzy: Sequence[_Shape]) -> bool:
    """A typo-level difference that cannot change a number, a word's start or a word count."""
    numbers: tuple[str, ...] | None = None
    size = len(key)
    words = len(form)
    for answer in fuzzy:
        gap = size - answer.size
        if gap > answer.budget or -gap > answer.budget:  # more letters apart than forgiven
            continue
        if numbers is None:
            numbers = _numbers(key)
        if numbers != answer.numbers:
            continue
        if words == answer.words:
            if _close_by_words(form, answer.form, answer.budget):
                return True
        elif _close_joined(form, key, answer):
            return True
    return False


def _within_listed(form: Form, shapes: Sequence[_Shape], listed: str) -> bool:
    """Words cut from one listed answer around another ("Mission Impossible Dead Reckoning")."""
    spaced = _spaced(form)
    if spaced not in listed:
        return False
    for answer in shapes:
        if answer.spaced in spaced:
            return True
    return False


def judge(guess: str, accepted: Sequence[str], *, count: bool = False) -> bool:
    """True when a fair quizmaster would accept `guess` as one of the `accepted` answers.

    `count`: the question asks how many, so an ordinal guess names the wrong thing.
    """
    if isinstance(accepted, str):
        accepted = (accepted,)
    if not guess or not accepted:
        return False
    answers = _answers(tuple(accepted))
    if not answers.shapes or len(guess) > answers.max_guess:
        return False
    if count and not answers.ordinal and has_ordinal(guess):
        return False
    if "<" not in guess and guess.isascii() and guess.lower() in answers.as_typed:
        return True  # typed as listed: the same text, so the same forms (see _plain)
    readings = _guess_readings(guess)
    keys = answers.keys
    for _, key in readings:
        if key in keys:
            return True
    listed = answers.listed
    if listed is not None:
        words = answers.words
        for form, _ in readings:
            if form[0] in words and _within_listed(form, answers.shapes, listed):
                return True
    for form, _ in readings:
        if len(form) < 2:
            continue
        if has_short_form(form[0]) and _short_first_name(form, answers.shapes):
            return True
        if form[0] in _APPROXIMATE and has_digit(form[1]):
            if _unhedged(form) in answers.approximate:
                return True
    fuzzy = answers.fuzzy
    if fuzzy:
        initials = answers.initials
        for form, key in readings:
            if key[0] in initials and _close(form, key, fuzzy):
                return True
    return False
