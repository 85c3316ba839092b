"""The question of the day's rules: which day a moment falls in, its window, its choices."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.engine.errors import InvalidSetting
from bot.engine.models import Question
from bot.engine.round import CHOICES

DEFAULT_OPEN_HOURS = 12.0
_CLOCK_TIME = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")


@dataclass(frozen=True, slots=True)
class Window:
    """One day's question: its local date, when it is posted and when it closes (epoch s)."""

    day: str
    opens: float
    closes: float

    def holds(self, now: float) -> bool:
        return self.opens <= now < self.closes


def parse_clock(text: str) -> int:
    """'HH:MM' (24 h) as minutes after midnight."""
    found = _CLOCK_TIME.fullmatch(text.strip())
    if found is None:
        raise InvalidSetting(
            f"'{text[:20]}' is not a time of day: write HH:MM, e.g. 09:30 or 18:00."
        )
    return int(found[1]) * 60 + int(found[2])


def zone(name: str) -> ZoneInfo:
    """An IANA time zone by name, or one line saying it is not one."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidSetting(
            f"'{name[:40]}' is not an IANA time zone: pick one from the list, e.g. Europe/Paris."
        ) from None


def zone_names(needle: str, limit: int = 25) -> list[str]:
    """Time zones containing `needle` (any case), the shortest names first."""
    low = needle.casefold().replace(" ", "_")
    found = sorted(
        (z for z in available_timezones() if low in z.casefold()), key=lambda z: (len(z), z)
    )
    return found[:limit]


def window_at(minute: int, tz: ZoneInfo, open_hours: float, now: float) -> Window:
    """The latest day whose post time is at or before `now` (local wall time, DST-aware)."""
    local_day = datetime.fromtimestamp(now, tz).date()
    at = time(minute // 60, minute % 60)
    for back in (0, 1):
        day = local_day - timedelta(days=back)
        opens = datetime.combine(day, at, tzinfo=tz).timestamp()
        if opens <= now:
            return Window(day.isoformat(), opens, opens + open_hours * 3600)
    day = local_day - timedelta(days=2)  # only reached across a time zone's skipped day
    opens = datetime.combine(day, at, tzinfo=tz).timestamp()
    return Window(day.isoformat(), opens, opens + open_hours * 3600)


def next_post(minute: int, tz: ZoneInfo, open_hours: float, now: float) -> float:
    """When the next day's question is posted, after `now`."""
    current = window_at(minute, tz, open_hours, now)
    day = datetime.fromisoformat(current.day).date() + timedelta(days=1)
    return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=tz).timestamp()


def choices_for(question: Question, rng: random.Random) -> tuple[tuple[str, ...], int]:
    """The buttons' labels in shown order and where the answer is, as a round shows them."""
    if question.is_true_false:
        labels = sorted(
            (question.answers[0], question.distractors[0]), key=str.casefold, reverse=True
        )
        return tuple(labels), labels.index(question.answers[0])
    shown = [
        question.answers[0],
        *rng.sample(question.distractors, min(CHOICES - 1, len(question.distractors))),
    ]
    rng.shuffle(shown)
    return tuple(shown), shown.index(question.answers[0])
