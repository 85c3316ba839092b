"""Dates written any common way become one token, so "May 23rd 2025" = "2025-05-23"."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Sequence

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?:the\s+)?(?P<day>[0-9]{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>[0-9]{4})"
_COMMA = r"(?:\s*,\s*|\s+)"
_START = r"(?<!\w)"
_END = r"(?!\w)"

# Full dates first, then month + year, then day + month: each rewrite leaves no month name.
_WITH_NAMES = (
    re.compile(_START + _MONTH + r"\s+" + _DAY + _COMMA + _YEAR + _END),
    re.compile(_START + _DAY + r"\s+(?:of\s+)?" + _MONTH + _COMMA + _YEAR + _END),
    re.compile(_START + _MONTH + r"(?:\s*,\s*|\s+)(?:of\s+)?" + _YEAR + _END),
    re.compile(_START + _MONTH + r"\s+" + _DAY + _END),
    re.compile(_START + _DAY + r"\s+(?:of\s+)?" + _MONTH + _END),
)
_NUMERIC_EDGE_BEFORE = r"(?<![\w./-])"
_NUMERIC_EDGE_AFTER = r"(?![\w/-]|\.[0-9])"
_ISO = re.compile(
    _NUMERIC_EDGE_BEFORE
    + r"(?P<year>[0-9]{4})(?P<sep>[-/.])(?P<month>[0-9]{1,2})(?P=sep)(?P<day>[0-9]{1,2})"
    + _NUMERIC_EDGE_AFTER
)
_DAY_MONTH_YEAR = re.compile(
    _NUMERIC_EDGE_BEFORE
    + r"(?P<first>[0-9]{1,2})(?P<sep>[-/.])(?P<second>[0-9]{1,2})(?P=sep)(?P<year>[0-9]{4})"
    + _NUMERIC_EDGE_AFTER
)
_WEEKDAY = re.compile(r"(?<!\w)(?:mon|tues|wednes|thurs|fri|satur|sun)day\s*,?(?=\s+d[tm][x0-9])")
_EITHER = re.compile(r"dtx([0-9]{4})([0-9]{2})([0-9]{2})")
_ANY_DIGIT = re.compile(r"[0-9]")
_MONTH_START = re.compile(r"(?<!\w)(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)")
_DIGIT_SEPARATOR = re.compile(r"[0-9][-/.][0-9]")
_MAX_AMBIGUOUS = 3
_LEAP_YEAR = 2000
# Days and months are one or two digits in the text; a lookup beats a format spec per date
# (years are padded with zfill for the same reason).
_TWO_DIGITS = tuple(f"{n:02d}" for n in range(100))


def _token(year: int | None, month: int, day: int | None) -> str | None:
    """The placeholder for a valid date, or None when no such day exists."""
    try:
        dt.date(year or _LEAP_YEAR, month, day or 1)
    except ValueError:
        return None
    if year is None:
        return f" dm{_TWO_DIGITS[month]}{_TWO_DIGITS[day or 0]} "
    if day is None:
        return f" dt{str(year).zfill(4)}{_TWO_DIGITS[month]} "
    return f" dt{str(year).zfill(4)}{_TWO_DIGITS[month]}{_TWO_DIGITS[day]} "


def _named(match: re.Match[str]) -> str:
    """Rewrite one date written with a month name."""
    parts = match.groupdict()
    month = _MONTHS[parts["month"][:3]]
    year = int(parts["year"]) if parts.get("year") else None
    day = int(parts["day"]) if parts.get("day") else None
    return _token(year, month, day) or match.group(0)


def _iso(match: re.Match[str]) -> str:
    """Rewrite one year-month-day date."""
    year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
    return _token(year, month, day) or match.group(0)


def _numeric(match: re.Match[str]) -> str:
    """Rewrite 23/05/2025 or 05/23/2025; when both readings are valid, mark it as either."""
    first, second, year = int(match["first"]), int(match["second"]), int(match["year"])
    day_first = _token(year, second, first)
    month_first = _token(year, first, second)
    if day_first and month_first and first != second:
        return f" dtx{str(year).zfill(4)}{_TWO_DIGITS[first]}{_TWO_DIGITS[second]} "
    return day_first or month_first or match.group(0)


def _readings(text: str) -> tuple[str, ...]:
    """Each way to read the ambiguous numeric dates left in `text` (US and UK order)."""
    found = _EITHER.findall(text)[:_MAX_AMBIGUOUS] if "dtx" in text else []
    if not found:
        return (text,)
    pieces = _EITHER.split(text, maxsplit=len(found))
    choices = [(f"dt{y}{a}{b}", f"dt{y}{b}{a}") for y, a, b in found]
    out: list[str] = []
    for picked in itertools.product(*choices):
        text_parts = [pieces[0]]
        for index, token in enumerate(picked):
            text_parts += [token, pieces[4 * index + 4]]
        out.append("".join(text_parts))
    return tuple(out)


def may_hold_date(text: str, words: Sequence[str]) -> bool:
    """Whether canonical_dates might rewrite folded text, so plain text can skip it cheaply."""
    # `words` are the text's runs of letters and digits. Each check is a superset of what
    # canonical_dates acts on, and cheaper than a regex scan: a month name starts a word.
    if "day" in text or "dtx" in text:
        return True
    if ("-" in text or "/" in text or "." in text) and _DIGIT_SEPARATOR.search(text):
        return True
    return not _MONTHS.keys().isdisjoint([word[:3] for word in words])


def canonical_dates(text: str) -> tuple[str, ...]:
    """Rewrite every date in folded text as a token; one result per reading of 01/02/2025."""
    if _ANY_DIGIT.search(text) is None:
        return (text,)
    return rewrite_dates(text)


def rewrite_dates(text: str) -> tuple[str, ...]:
    """canonical_dates for text known to hold a digit, which the caller has checked already."""
    if _MONTH_START.search(text):
        for pattern in _WITH_NAMES:
            text, rewrites = pattern.subn(_named, text)
            # Every pattern needs a month name; once the last one is rewritten, stop scanning.
            if rewrites and _MONTH_START.search(text) is None:
                break
    if ("-" in text or "/" in text or "." in text) and _DIGIT_SEPARATOR.search(text):
        text = _ISO.sub(_iso, text)
        text = _DAY_MONTH_YEAR.sub(_numeric, text)
    if "day" in text:
        text = _WEEKDAY.sub(" ", text)
    return _readings(text)
