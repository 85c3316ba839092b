"""Time as a dependency, so rounds can be tested in milliseconds.

Two readings: wall time for what is stored or shown (timestamps), a monotonic clock for
durations (deadlines, hints, speed points), which a step of the wall clock must not move.
"""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Seconds since the Unix epoch."""
        ...

    def monotonic(self) -> float:
        """Seconds from an arbitrary start that only ever go forward, at a steady rate."""
        ...


class SystemClock:
    """The real clocks."""

    def now(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()


class FakeClock:
    """Clocks that only move when told to."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self._now = start
        self._tick = 1_000.0

    def now(self) -> float:
        return self._now

    def monotonic(self) -> float:
        return self._tick

    def advance(self, seconds: float) -> None:
        """Time passes: both clocks move."""
        self._now += seconds
        self._tick += seconds

    def step_wall(self, seconds: float) -> None:
        """The wall clock is set (an NTP step, an operator): durations must not notice."""
        self._now += seconds
