"""Wrong answers of the same kind and shape as the right one, never one the judge accepts."""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence

from bot.banks.draft.mentions import MONTHS, ORDINALS, Mention
from bot.banks.draft.vocabulary import RENAMED, film_of, films, vocabulary
from bot.engine.judge import judge
from bot.engine.validation import MAX_CHOICE

WANTED = 3
SERIES = "Mission: Impossible"
_WORDS = "zero one two three four five six seven eight nine ten eleven twelve".split()


_WOMEN = frozenset(vocabulary()["women"])
_KNOWN = frozenset(vocabulary()["people"]) | frozenset(vocabulary()["characters"])


class Pool:
    """Names and titles seen in the article and the other banks, beside the vocabulary."""

    def __init__(self, people: Iterable[str] = (), titles: Iterable[str] = ()) -> None:
        self.titles = _unique([*titles, *vocabulary()["titles"]])
        # "The Last Samurai" read as a name: "Last Samurai" is no person
        named = [p for p in people if not any(p in t for t in self.titles)]
        self.people = _unique([*named, *vocabulary()["people"]])
        self.places = _unique(vocabulary()["places"])
        self.characters = set(vocabulary()["characters"])

    def add_characters(self, names: Iterable[str]) -> None:
        """Roles named in the article ('X as Y'): characters are asked against characters."""
        self.characters.update(names)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def distractors(
    mention: Mention,
    pool: Pool,
    answers: Sequence[str],
    seed: str = "",
    shown: str = "",
    used: Iterable[str] = (),
) -> list[str]:
    """Up to three fitting wrong answers, none named in `shown` (the question's own text).

    `used`: those another draft of the same answer shows, taken last, so two questions with
    one answer do not look alike (`banks check` warns of such twins).
    """
    rng = random.Random(f"{seed}/{answers[0]}")
    if mention.kind == "person":
        role = answers[0] in pool.characters
        same = [p for p in [*pool.people, *pool.characters] if (p in pool.characters) == role]
        if answers[0] in _KNOWN:  # a woman against women, a man against men
            woman = answers[0] in _WOMEN
            same = [p for p in same if p not in _KNOWN or (p in _WOMEN) == woman]
        near = _unique(same)[:12]
        rng.shuffle(near)
        candidates = near + _unique(same)[12:]
    elif mention.kind == "title" and answers[0] in vocabulary()["franchises"]:
        candidates = list(vocabulary()["franchises"])
        rng.shuffle(candidates)
    elif mention.kind == "title" and answers[0].startswith(SERIES):
        candidates = _other_films(answers[0])
        rng.shuffle(candidates)
    elif mention.kind == "title":
        candidates = [t for t in pool.titles if not t.startswith(SERIES)]
        rng.shuffle(candidates)
    elif mention.kind == "place":
        candidates = list(pool.places)
        rng.shuffle(candidates)
    elif mention.kind == "year":
        year = int(answers[0])
        candidates = [str(year + d) for d in rng.sample([-3, -2, -1, 1, 2, 3], 6)]
    elif mention.kind in ("date", "relative"):
        candidates = _near_dates(answers[0], rng)
    elif mention.kind == "ordinal":
        n = ORDINALS.index(answers[0].lower())
        candidates = [o for i, o in enumerate(ORDINALS) if i != n and abs(i - n) <= 2]
        rng.shuffle(candidates)
    elif mention.kind == "thing":
        candidates = list(vocabulary()["things"])
        rng.shuffle(candidates)
    elif mention.kind == "amount":
        candidates = _near_amounts(mention, rng)
    else:
        candidates = []
    seen = set(used)
    candidates = sorted((c for c in candidates if c not in shown), key=lambda c: c in seen)
    return _fitting(candidates, answers, person=mention.kind == "person")


def _other_films(title: str) -> list[str]:
    """Films of the series other than the one asked, each by its shown name.

    A title the vocabulary does not know might be any film, so the two that changed names
    are left out for it: 'Mission: Impossible 8' is 'The Final Reckoning'.
    """
    own = film_of(title)
    skip = RENAMED if own is None else {own}
    return [names[0] for i, names in enumerate(films()) if i not in skip]


def _fitting(candidates: Iterable[str], answers: Sequence[str], *, person: bool) -> list[str]:
    folded = {a.casefold() for a in answers}
    surnames = {a.split()[-1].casefold() for a in answers} if person else set()
    out: list[str] = []
    for c in candidates:
        if c.casefold() in folded or len(c) > MAX_CHOICE or c in out:
            continue
        if (person and c.split()[-1].casefold() in surnames) or judge(c, answers):
            continue
        out.append(c)
        if len(out) == WANTED:
            break
    return out


def _near_dates(text: str, rng: random.Random) -> list[str]:
    """Same format as the answer: 'May 23, 2025', 'July 12th', 'July 2023' or '2023'."""
    m = re.fullmatch(
        rf"({'|'.join(MONTHS)})(?:\s+(\d{{1,2}})(st|nd|rd|th)?)?(?:,?\s+(\d{{4}}))?", text
    )
    if m is None:
        return [str(int(text) + d) for d in (-1, 1, 2)] if text.isdigit() else []
    month = MONTHS.index(m.group(1))
    out = []
    for shift in rng.sample([-2, -1, 1, 2, 3], 5):
        name = MONTHS[(month + shift) % 12]
        year = m.group(4)
        if year and not m.group(2):
            year = str(int(year) + (month + shift) // 12)
        day = f" {m.group(2)}{m.group(3) or ''}" if m.group(2) else ""
        out.append(f"{name}{day}{',' if m.group(2) and year else ''}{' ' + year if year else ''}")
    return out


def _near_amounts(mention: Mention, rng: random.Random) -> list[str]:
    """The same unit, the number moved by about a quarter; word numbers stay words."""
    surface = mention.text
    first = surface.split()[0].lower()
    if first in _WORDS:
        n = _WORDS.index(first)
        options = [w for i, w in enumerate(_WORDS) if i != n and abs(i - n) <= 3 and i > 0]
        rng.shuffle(options)
        return [surface.replace(surface.split()[0], w, 1) for w in options]
    value = mention.value or 0
    number = re.search(r"\d[\d,.]*", surface)
    if number is None or value <= 0:
        return []
    step = max(1, round(value * 0.25))
    values = [value + k * step for k in rng.sample([-2, -1, 1, 2], 4) if value + k * step > 0]
    return [surface.replace(number.group(0), f"{v:g}", 1) for v in values]
