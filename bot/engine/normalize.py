"""Chat text folded to comparable tokens: no case, accents, markdown, punctuation or spacing."""

from __future__ import annotations

import re
import unicodedata

from bot.engine.dates import canonical_dates
from bot.engine.numbers import canonical_numbers

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


def _strip_marks(text: str) -> str:
    """Decompose and drop accents, so "Penélope" = "Penelope" and "Ｒｏｍｅ" = "rome"."""
    text = unicodedata.normalize("NFKD", text).casefold()
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).translate(_SPELL_OUT)


def fold(text: str) -> str:
    """Lower-case, accent-free text with Discord tokens and masked links reduced to words."""
    if "<" in text:
        text = _DISCORD_TOKENS.sub(" ", text)
    if "](" in text:
        text = _MASKED_LINK.sub(r"\1", text)
    text = text.lower() if text.isascii() else _strip_marks(text)
    text = _INNER_APOSTROPHE.sub("", text)
    return text.replace("&", " and ")


def _tokens(text: str) -> tuple[str, ...]:
    """Words and numbers of folded text; "1,000" is one number and "-5" is "minus 5"."""
    if "," in text:
        text = _THOUSANDS.sub("", text)
    if "-" in text:
        text = _MINUS.sub(" minus ", text)
    return canonical_numbers(_TOKEN.findall(text))


def forms(text: str) -> tuple[Form, ...]:
    """Token forms of `text`: one, or one per reading of an ambiguous date such as 01/02/2025."""
    return tuple(_tokens(reading) for reading in canonical_dates(fold(text)))


def has_digit(token: str) -> bool:
    """Tokens holding a digit (numbers, years, dates) must match exactly; tokens are alnum."""
    return not token.isalpha()


def compact(form: Form) -> str:
    """Tokens joined without spaces ("spider man" = "spiderman"), except between numbers."""
    parts: list[str] = []
    previous_number = False
    for token in form:
        number = has_digit(token)
        if number and previous_number:
            parts.append(" ")
        parts.append(token)
        previous_number = number
    return "".join(parts)
