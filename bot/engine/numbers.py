"""Number words, ordinals and sequel numerals rewritten as digits, so "eighth" = "8th" = "8"."""

from __future__ import annotations

import re
from collections.abc import Sequence

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
}
_TEENS = {
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}

# Ordinal word -> the cardinal word it stands for (plus a few common misspellings).
_ORDINALS = {
    "first": "one",
    "second": "two",
    "third": "three",
    "fourth": "four",
    "fifth": "five",
    "sixth": "six",
    "seventh": "seven",
    "eighth": "eight",
    "eigth": "eight",
    "ninth": "nine",
    "nineth": "nine",
    "tenth": "ten",
    "eleventh": "eleven",
    "twelfth": "twelve",
    "twelveth": "twelve",
    "thirteenth": "thirteen",
    "fourteenth": "fourteen",
    "fifteenth": "fifteen",
    "sixteenth": "sixteen",
    "seventeenth": "seventeen",
    "eighteenth": "eighteen",
    "nineteenth": "nineteen",
    "twentieth": "twenty",
    "thirtieth": "thirty",
    "fortieth": "forty",
    "fiftieth": "fifty",
    "sixtieth": "sixty",
    "seventieth": "seventy",
    "eightieth": "eighty",
    "ninetieth": "ninety",
    "hundredth": "hundred",
    "thousandth": "thousand",
    "millionth": "million",
    "billionth": "billion",
}

# Which kind of number word may follow which ("twenty one" yes, "one twenty" no).
_MAY_FOLLOW: dict[str, frozenset[str | None]] = {
    "zero": frozenset({None}),
    "unit": frozenset({None, "tens", "hundred", "scale"}),
    "teen": frozenset({None, "hundred", "scale"}),
    "tens": frozenset({None, "hundred", "scale"}),
    "hundred": frozenset({"unit", "teen"}),
    "scale": frozenset({"unit", "teen", "tens", "hundred"}),
}

_DIGIT_ORDINAL = re.compile(r"([0-9]+)(?:st|nd|rd|th)")
# An ordinal as written: "7th", "seventh", "twenty-first" (the judge folds these into numbers).
_ORDINAL_TEXT = re.compile(r"\b(?:[0-9]+\s*(?:st|nd|rd|th)|" + "|".join(_ORDINALS) + r")\b")
_NUMBER_WORDS = frozenset((*_UNITS, *_TEENS, *_TENS, *_SCALES, "hundred", *_ORDINALS))


def _roman(value: int) -> str:
    """Canonical lower-case Roman numeral, used to build the lookup table once."""
    out = ""
    for size, glyph in ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        count, value = divmod(value, size)
        out += glyph * count
    return out


# Only multi-letter numerals: a lone "i", "v" or "x" is far more often a word or a letter.
_ROMANS = {_roman(n): str(n) for n in range(2, 40) if len(_roman(n)) > 1}
_ROMAN_WORDS = frozenset(_ROMANS)
# Every word canonical_numbers may rewrite: words free of these (and of digits) stay as they are.
SPELLED = _NUMBER_WORDS | _ROMAN_WORDS


def _classify(word: str) -> tuple[str, int] | None:
    """The kind and value of a cardinal number word, or None for any other word."""
    if word in _UNITS:
        return ("zero" if word == "zero" else "unit", _UNITS[word])
    if word in _TEENS:
        return ("teen", _TEENS[word])
    if word in _TENS:
        return ("tens", _TENS[word])
    if word == "hundred":
        return ("hundred", 100)
    if word in _SCALES:
        return ("scale", _SCALES[word])
    return None


class _Reading:
    """One number being read word by word: "two thousand and twenty three" -> 2023."""

    def __init__(self) -> None:
        self.total = 0
        self.group = 0
        self.last: str | None = None
        self.last_scale = 10**12
        self.plain = True  # no "hundred"/"thousand": may pair up as a spoken year

    def take(self, kind: str, value: int) -> bool:
        """Add one word if it may follow the words read so far."""
        if self.last not in _MAY_FOLLOW[kind]:
            return False
        if kind == "scale" and value >= self.last_scale:
            return False
        if kind == "hundred":
            self.group *= 100
            self.plain = False
        elif kind == "scale":
            self.total += self.group * value
            self.group = 0
            self.last_scale = value
            self.plain = False
        else:
            self.group += value
        self.last = kind
        return True

    @property
    def value(self) -> int:
        """The number read so far."""
        return self.total + self.group


_Cardinal = tuple[tuple[str, int] | None, bool]
# Every number word -> its kind and value, and whether it was an ordinal: one lookup per token.
_CARDINALS: dict[str, _Cardinal] = {
    **{word: (_classify(word), False) for word in _NUMBER_WORDS - _ORDINALS.keys()},
    **{word: (_classify(base), True) for word, base in _ORDINALS.items()},
}
_NOT_A_NUMBER: _Cardinal = (None, False)


def _cardinal(token: str) -> _Cardinal:
    """Classify a token, reading an ordinal as its cardinal; says whether it was an ordinal."""
    return _CARDINALS.get(token, _NOT_A_NUMBER)


def _read_number(tokens: Sequence[str], start: int) -> tuple[int, int, bool] | None:
    """Read the number words starting at `start`: (value, end index, plain) or None."""
    reading = _Reading()
    i = start
    while i < len(tokens):
        found, ordinal = _cardinal(tokens[i])
        if found is None:
            if tokens[i] == "and" and reading.last in ("hundred", "scale") and i + 1 < len(tokens):
                nxt, _ = _cardinal(tokens[i + 1])
                if nxt is not None and nxt[0] in ("unit", "teen", "tens"):
                    i += 1
                    continue
            break
        if not reading.take(*found):
            break
        i += 1
        if ordinal or found[0] == "zero":
            return reading.value, i, False
    if reading.last is None:
        return None
    return reading.value, i, reading.plain


def _words_to_digits(tokens: Sequence[str]) -> list[str]:
    """Replace each run of number words by its digits; "nineteen eighty four" is 1984."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        if tokens[i] not in _NUMBER_WORDS:
            out.append(tokens[i])
            i += 1
            continue
        read = _read_number(tokens, i)
        if read is None:
            out.append(tokens[i])
            i += 1
            continue
        value, end, plain = read
        if plain and 11 <= value <= 99 and end < len(tokens):
            pair = _read_number(tokens, end)
            if pair is not None and pair[2] and 10 <= pair[0] <= 99:
                value, end = value * 100 + pair[0], pair[1]
        out.append(str(value))
        i = end
    return out


def _plain_digits(token: str) -> str:
    """Read "8th" as "8", so digit ordinals match plain numbers."""
    if not token[0].isdigit() or token.isdigit():
        return token
    match = _DIGIT_ORDINAL.fullmatch(token)
    return match.group(1) if match else token


def canonical_numbers(tokens: Sequence[str], *, digits: bool = True) -> tuple[str, ...]:
    """Digits for number words, ordinals and (in titles of 2+ words) Roman numerals II-XXXIX."""
    # digits=False: the caller knows no token holds an ASCII digit, so no "8th" to read.
    if digits:
        words = [_plain_digits(t) if t[0].isdigit() else t for t in tokens]
    else:
        words = list(tokens)
    if not _NUMBER_WORDS.isdisjoint(words):
        words = _words_to_digits(words)
    if len(words) > 1 and not _ROMAN_WORDS.isdisjoint(words):
        words = [_ROMANS.get(t, t) for t in words]
    return tuple(words)


def has_ordinal(text: str) -> bool:
    """Whether text names a position ("7th", "seventh") rather than a count."""
    return _ORDINAL_TEXT.search(text.casefold()) is not None
