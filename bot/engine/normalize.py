"""Chat text folded to comparable tokens: no case, accents, markdown, punctuation or spacing."""

from __future__ import annotations

import re
import unicodedata

from bot.engine.dates import may_hold_date, rewrite_dates
from bot.engine.numbers import SPELLED, canonical_numbers

Form = tuple[str, ...]

# Mentions, channels, roles, custom emoji and timestamps carry digits that are not the guess.
_DISCORD_TOKENS = re.compile(r"<a?:\w+:[0-9]+>|<(?:@[!&]?|#)[0-9]+>|<t:[0-9]+(?::\w)?>")
_MASKED_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_APOSTROPHES = "\u2018\u2019\u201a\u201b\u2032"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
# Letters that Unicode does not decompose into a base letter plus accents.
_SPELL_OUT = str.maketrans(
    {
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
        "ħ": "h",
        "ŧ": "t",
        "ŀ": "l",
        **{c: "'" for c in _APOSTROPHES},
        **{c: "-" for c in _DASHES},
    }
)
# U+02BC is a letter to Unicode: dropped inside words only, so a lone one still counts.
_INNER_APOSTROPHE = re.compile(r"(?<=\w)['\u02bc](?=\w)")
_THOUSANDS = re.compile(r"(?<=[0-9]),(?=[0-9]{3}(?![0-9]))")
_MINUS = re.compile(r"(?<![\w.])-(?=[0-9])")
_TOKEN = re.compile(r"[0-9]+(?:\.[0-9]+)+|[^\W_]+")
_ANY_DIGIT = re.compile(r"[0-9]")
# ASCII letters and digits kept, everything else a space: what _TOKEN finds, without a regex.
_ASCII_WORDS = bytes(code if chr(code).isalnum() and code < 0x80 else 0x20 for code in range(256))
# Blocks folded once at import (Latin, Greek, Cyrillic, punctuation, ligatures, fullwidth forms).
_TABLE_BLOCKS = (
    (0x0080, 0x0530),
    (0x1E00, 0x2190),
    (0xFB00, 0xFB50),
    (0xFE50, 0xFE70),
    (0xFF00, 0xFFF0),
)


def _fold_char(char: str) -> str:
    """One character decomposed, case-folded and unaccented, so "é" = "e" and "Ｒ" = "r"."""
    text = unicodedata.normalize("NFKD", char).casefold()
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).translate(_SPELL_OUT)


class _FoldTable(dict[int, str]):
    """Code point -> folded text for str.translate, so folding a guess is one C-level pass."""

    def __missing__(self, code: int) -> str:
        """Fold a rare character (emoji, CJK) outside the prebuilt blocks, without keeping it."""
        return _fold_char(chr(code))  # not stored: the table never grows with what is typed


def _fold_table() -> _FoldTable:
    """ASCII lower-cased plus the common non-ASCII blocks, built once so folding is one pass."""
    table = _FoldTable({code: chr(code).lower() for code in range(0x80)})
    for start, stop in _TABLE_BLOCKS:
        table.update((code, _fold_char(chr(code))) for code in range(start, stop))
    return table


# Folding the whole text equals folding it character by character: canonical reordering only
# moves combining marks, which are dropped, and U+0345 (the one mark that case-folds to a
# letter, iota) stays between the same two base letters either way.
_FOLD = _fold_table()


def _strip_marks(text: str) -> str:
    """Decompose and drop accents, so "Penélope" = "Penelope" and "Ｒｏｍｅ" = "rome"."""
    return text.translate(_FOLD)


def _join_words(text: str) -> str:
    """Inner apostrophes dropped and "&" spelled out, once case and accents are folded."""
    if "'" in text or "\u02bc" in text:
        text = _INNER_APOSTROPHE.sub("", text)
    if "&" in text:
        text = text.replace("&", " and ")
    return text


def _tokens(text: str, digits: bool = True) -> tuple[str, ...]:
    """Words and numbers of folded text; "1,000" is one number and "-5" is "minus 5"."""
    if digits:
        if "," in text:
            text = _THOUSANDS.sub("", text)
        if "-" in text:
            text = _MINUS.sub(" minus ", text)
    return canonical_numbers(_TOKEN.findall(text), digits=digits)


def _plain_words(words: list[str]) -> Form:
    """The form of words holding no digit: only number words and Roman numerals can change."""
    return tuple(words) if SPELLED.isdisjoint(words) else canonical_numbers(words, digits=False)


def _dated_forms(folded: str) -> tuple[Form, ...]:
    """The forms of folded text holding a digit: dates read first, then the numbers."""
    readings = rewrite_dates(folded)
    if len(readings) == 1:
        return (_tokens(readings[0]),)
    return tuple(_tokens(reading) for reading in readings)


def forms(text: str) -> tuple[Form, ...]:
    """Token forms of `text`: one, or one per reading of an ambiguous date such as 01/02/2025."""
    if "<" in text:
        text = _DISCORD_TOKENS.sub(" ", text)
    if "](" in text:
        text = _MASKED_LINK.sub(r"\1", text)
    text = text.lower() if text.isascii() else _strip_marks(text)
    if text.isascii():
        # Most chat is a plain word or two, read without a regex or a translate.
        if text.isalpha():
            return ((text,),) if text not in SPELLED else (_plain_words([text]),)
        if text.replace(" ", "").isalpha():
            return (_plain_words(text.split()),)
        # Other ASCII is read by one translate and split instead of the regexes below. With no
        # doubled apostrophe, dropping every apostrophe joins two runs of letters exactly where
        # the inner-apostrophe rule would, and only ever adds to what the date check sees.
        if "''" not in text:
            plain = text.replace("&", " and ") if "&" in text else text
            words = plain.encode("ascii").translate(_ASCII_WORDS, b"'").decode("ascii").split()
            joined = "".join(words)
            if not joined or joined.isalpha():  # no digit: no date, number or "8th" to read
                return (_plain_words(words),)
            # "1,000", "-5", "3.5" and dates are left to the regexes.
            flat = plain.replace("'", "") if "'" in plain else plain
            if "," not in flat and "-" not in flat and not may_hold_date(flat, words):
                return (canonical_numbers(words),)
            return _dated_forms(_join_words(text))
    folded = _join_words(text)
    if _ANY_DIGIT.search(folded) is None:  # no date, thousands, minus or digit ordinal to read
        return (_tokens(folded, digits=False),)
    return _dated_forms(folded)


def has_digit(token: str) -> bool:
    """Tokens holding a digit (numbers, years, dates) must match exactly; tokens are alnum."""
    return not token.isalpha()


def compact(form: Form) -> str:
    """Tokens joined without spaces ("spider man" = "spiderman"), except between numbers."""
    joined = "".join(form)
    if len(form) < 2 or joined.isalpha():  # no two numbers in a row to keep apart
        return joined
    parts: list[str] = []
    previous_number = False
    for token in form:
        number = has_digit(token)
        if number and previous_number:
            parts.append(" ")
        parts.append(token)
        previous_number = number
    return "".join(parts)
