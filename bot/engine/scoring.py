"""Points: fast right answers and streaks win, but nobody is out of reach."""

from __future__ import annotations

from bot.engine.models import Difficulty

SPEED_BASE = 1000
STREAK_STEP = 100
STREAK_CAP = 500
TYPED_POINTS = (1000, 750, 500)
# a harder question pays more, so a hard filter is not a handicap on the boards
DIFFICULTY_WEIGHT = {Difficulty.EASY: 1.0, Difficulty.MEDIUM: 1.25, Difficulty.HARD: 1.5}


def speed_points(elapsed: float, limit: float) -> int:
    """1000 at once, falling linearly to 500 at the time limit."""
    fraction = min(max(elapsed / limit, 0.0), 1.0)
    return round(SPEED_BASE * (1 - fraction / 2))


def streak_bonus(streak: int) -> int:
    """+100 for each correct answer in a row before this one, capped at +500."""
    return min(STREAK_STEP * max(streak - 1, 0), STREAK_CAP)


def typed_points(hints_shown: int) -> int:
    """Each hint shown lowers the prize a typed answer can win."""
    return TYPED_POINTS[min(hints_shown, len(TYPED_POINTS) - 1)]


def weighted(points: int, difficulty: Difficulty) -> int:
    """A right answer's points times its difficulty's weight (easy x1, medium x1.25, hard x1.5)."""
    return round(points * DIFFICULTY_WEIGHT[difficulty])
