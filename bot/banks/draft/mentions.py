"""Finding what a sentence can be asked about: people, titles, places, dates, numbers, quotes.

Names are recognised by rule (capitalised runs, the shipped vocabulary), since no English
NER model installs here; dates go through dateparser and amounts through quantulum3.
"""

from __future__ import annotations

import itertools
import re
import warnings
from dataclasses import dataclass
from datetime import date

from bot.banks.draft.vocabulary import vocabulary

MONTHS = (
    "January February March April May June July August September October November December"
).split()
_MONTH = "|".join(MONTHS)
_END = re.compile(r"[.!?]+[”\"’']*(?=\s|$)|\n(?=\s*[^a-z\s])")
_ABBREVIATIONS = ("Mr.", "Mrs.", "Ms.", "Dr.", "St.", "Jr.", "vs.", "U.S.")
_SERIES = re.compile(
    r"Mission: Impossible(?:\s*[–—-]\s*(?:[A-Z][\w']*)(?:\s+(?:[A-Z][\w']*))*|\s+(?:\d+|III|II)\b)?"
)
_CAPS = re.compile(
    r"\b(?:(?:[A-Z]\.){2,}|[A-Z][a-zA-Z'’-]+)(?:\s+(?:De\s+)?[A-Z][a-zA-Z'’-]+){1,2}\b"
)
_YEAR = re.compile(r"(?<![\d-])(?:19|20)\d\d(?![\d-])")
_DATE = re.compile(rf"\b(?:{_MONTH})\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,\s+\d{{4}})?\b")
_RELATIVE = re.compile(rf"\b(?:(?:{_MONTH})\s+)?(?:last|next|this)\s+(?:year|{_MONTH})\b")
_QUOTE = re.compile(r"[“\"]([^”\"]{12,160})[”\"]")
_SAID = re.compile(r"\b(said|told|recalled|added|says|explained)\b")
_NOT_NAME = frozenset(
    """The A An In On At But And Or So If As It Its It’s This That These Those Here There When
    Where What Who Why How Whether Yes No Now Still Look Love Yet Over After Before From With
    For Honestly Years Following Several Fans Hollywood Mission Impossible Dead Reckoning Part
    One Two Action Leave Your Actors Hunt Agent Cruise’s Mr Movie Running Man OPINION
    Twitter Paramount Pictures Academy IMF Entity Release Released Sharing Initially However
    Mr Mr. Mrs. Dr. Watching Confronted Whether Sharing Following Hollywood’s""".split()
)
ORDINALS = "first second third fourth fifth sixth seventh eighth ninth tenth".split()
_ORDINAL = re.compile(
    rf"\b({'|'.join(ORDINALS)})(?=\s+(?:installment|film|movie|instalment|entry|time|part))"
)
_AGE = re.compile(r"\b(\d{1,3})(?=-year-old\b)")
_MODEL = re.compile(r"\b[A-Z]{1,2}-\d{1,3}\b")
_WORD_NUMBERS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve".split()
    )
}


@dataclass(frozen=True)
class Mention:
    """A span of one sentence and what kind of thing it names."""

    kind: str  # person, title, place, year, date, relative, amount, quote
    text: str
    start: int
    end: int
    answers: tuple[str, ...] = ()
    value: float | None = None
    unit: str = ""
    note: str = ""  # how a relative date was resolved


@dataclass(frozen=True)
class Sentence:
    text: str
    index: int


def sentences(text: str) -> list[Sentence]:
    """Sentences in reading order; headings and list fragments come out as short ones."""
    found: list[str] = []
    start = 0
    for m in _END.finditer(text):
        if text[: m.end()].endswith(_ABBREVIATIONS):
            continue
        found.append(text[start : m.end()].strip().lstrip("•*- ").strip())
        start = m.end()
    found.append(text[start:].strip())
    return [Sentence(s, i) for i, s in enumerate(s for s in found if s)]


def is_heading(sentence: str) -> bool:
    """Title Case Lines are headlines and subheads, not statements to ask about."""
    words = [w for w in sentence.split() if w[:1].isalpha()]
    capital = sum(1 for w in words if w[0].isupper())
    return not words or capital / len(words) > 0.6 or sentence[-1:] not in ".!?”\"’'"


def _free(spans: list[Mention], start: int, end: int) -> bool:
    return all(end <= m.start or start >= m.end for m in spans)


def find_mentions(sentence: str, people: dict[str, str], published: date | None) -> list[Mention]:
    """Non-overlapping mentions, longest kinds first; `people` maps a surname to a full name."""
    vocab = vocabulary()
    found: list[Mention] = []

    def add(kind: str, start: int, end: int, **extra: object) -> None:
        if _free(found, start, end):
            text = sentence[start:end]
            answers = extra.pop("answers", None) or (text,)
            found.append(Mention(kind, text, start, end, tuple(answers), **extra))  # type: ignore[arg-type]

    for m in _SERIES.finditer(sentence):
        add("title", m.start(), m.end())
    for kind, key in (("title", "titles"), ("place", "places"), ("outlet", "outlets")):
        for entry in sorted(vocab[key], key=len, reverse=True):
            for m in re.finditer(rf"(?<!\w){re.escape(entry)}(?!\w)", sentence):
                add(kind, m.start(), m.end())
    for m in _RELATIVE.finditer(sentence):
        resolved = resolve_relative(m.group(0), published)
        if resolved:
            add("relative", m.start(), m.end(), answers=(resolved[0], m.group(0)), note=resolved[1])
    for m in _DATE.finditer(sentence):
        add("date", m.start(), m.end())
    for m in _YEAR.finditer(sentence):
        add("year", m.start(), m.end(), value=float(m.group(0)))
    for m in _CAPS.finditer(sentence):
        words = m.group(0).split()
        while words and words[0] in _NOT_NAME:
            words = words[1:]
        if len(words) < 2 or any(w in _NOT_NAME for w in words):
            continue
        if words[-1].endswith(("’s", "'s")):
            continue
        name = " ".join(words)
        start = m.start() + m.group(0).index(name)
        add("person", start, start + len(name), answers=(name, words[-1]))
    for surname, full in people.items():
        for m in re.finditer(rf"(?<![\w’']){re.escape(surname)}(?![\w])", sentence):
            add("person", m.start(), m.end(), answers=(full, surname))
    for m in _ORDINAL.finditer(sentence):
        add("ordinal", m.start(), m.end())
    for m in _AGE.finditer(sentence):
        add("amount", m.start(), m.end(), value=float(m.group(1)), unit="years of age")
    for m in _MODEL.finditer(sentence):
        add("thing", m.start(), m.end())
    for amount in _amounts(sentence):
        add("amount", amount.start, amount.end, **_amount_extra(amount))
    found.sort(key=lambda m: m.start)
    return found


def _amount_extra(m: Mention) -> dict[str, object]:
    return {"answers": m.answers, "value": m.value, "unit": m.unit}


def _amounts(sentence: str) -> list[Mention]:
    """Numbers with a unit, or a counted noun after a small number ('three cameras')."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from quantulum3 import parser

        quantities = parser.parse(sentence)
    out: list[Mention] = []
    for q in quantities:
        start, end = q.span
        surface = sentence[start:end]
        unit = q.unit.name
        if unit == "dimensionless":
            after = re.match(r"\s+([a-z]+s)\b", sentence[end:])
            if after is None or _YEAR.fullmatch(surface):
                continue
            unit = after.group(1)
        elif unit not in ("year", "percentage", "minute", "second", "hour", "day", "mile", "metre"):
            continue
        if re.search(r"\d-year|\d0s\b", sentence[start : end + 6]):
            continue  # ages are found whole above; decades ("60s") are not amounts
        answers = [surface]
        word = surface.lower().split()[0]
        if word in _WORD_NUMBERS:
            answers.append(str(_WORD_NUMBERS[word]))
        out.append(
            Mention("amount", surface, start, end, tuple(answers), value=float(q.value), unit=unit)
        )
    return out


def resolve_relative(phrase: str, published: date | None) -> tuple[str, str] | None:
    """'July last year' against the article's date -> ('July 2022', why); None without a date."""
    if published is None:
        return None
    import dateparser

    words = phrase.split()
    month = words[0] if words[0] in MONTHS else None
    rest = " ".join(words[1:] if month else words)
    base = dateparser.parse(
        rest,
        settings={"RELATIVE_BASE": _midnight(published), "PREFER_DATES_FROM": "current_period"},
    )
    if base is None:
        return None
    if rest.endswith("year"):
        text = f"{month} {base.year}" if month else str(base.year)
    else:
        text = f"{base.strftime('%B')} {base.year}"
    why = f"'{phrase}' is read against the article's date, {published.isoformat()}: {text}."
    return text, why


def _midnight(day: date):  # type: ignore[no-untyped-def]
    from datetime import datetime

    return datetime(day.year, day.month, day.day)


def quotes(sentence: str) -> list[tuple[str, int, int]]:
    """Quoted speech in a sentence that also names who said it (said, told, added ...)."""
    if not _SAID.search(sentence):
        return []
    return [(m.group(1), m.start(), m.end()) for m in _QUOTE.finditer(sentence)]


def known_people(text: str) -> dict[str, str]:
    """Surname -> full name, for every two-word name the article spells out in full."""
    out: dict[str, str] = {}
    body = " ".join(s.text for s in sentences(text) if not is_heading(s.text))
    for m in _CAPS.finditer(body):
        words = m.group(0).split()
        while words and words[0] in _NOT_NAME:
            words = words[1:]
        if words and words[-1].endswith(("’s", "'s")):
            continue
        if len(words) == 2 and not any(w in _NOT_NAME for w in words):
            vocab = vocabulary()
            if any(" ".join(words) in vocab[k] for k in ("titles", "places", "outlets")):
                continue
            out.setdefault(words[1], " ".join(words))
    return out


def roles(text: str, people: dict[str, str]) -> list[str]:
    """Characters: the Y of 'X as Y' and of 'Y (X)' where both are names."""
    out: list[str] = []
    for sentence in sentences(text):
        found = [m for m in find_mentions(sentence.text, people, None) if m.kind == "person"]
        for a, b in itertools.pairwise(found):
            between = sentence.text[a.end : b.start]
            if between == " as ":
                out.append(b.answers[0])
            elif between == " (":
                out.append(a.answers[0])
    return out
