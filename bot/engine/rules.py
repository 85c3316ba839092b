"""Limits on round settings, checked the same way by every front-end."""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine.errors import InvalidSetting
from bot.engine.models import Difficulty, Mode
from bot.engine.teams import JOIN_SECONDS, check_team_count

MIN_QUESTIONS, MAX_QUESTIONS = 1, 50
MIN_SECONDS, MAX_SECONDS = 5.0, 120.0
MIN_GUESSES, MAX_GUESSES = 1, 10
MIN_JOIN_SECONDS, MAX_JOIN_SECONDS = 10.0, 300.0  # a team round's join window
DEFAULT_GUESSES = 3


@dataclass(frozen=True, slots=True)
class RoundSettings:
    """How a round is played; a server's defaults are one of these."""

    questions: int = 10
    seconds: float = 20.0
    mode: Mode = Mode.BUTTONS
    guesses: int = DEFAULT_GUESSES  # typed rounds: wrong guesses a player may make on one question
    difficulty: Difficulty | None = None  # None: mixed, every difficulty
    category: str | None = None  # a question's `category:`, matched ignoring case; None: any
    teams: int = 0  # a team round's number of teams (2-4); 0: every player for themselves
    join_seconds: float = JOIN_SECONDS  # a team round's join window before the first question

    def __post_init__(self) -> None:
        if not MIN_QUESTIONS <= self.questions <= MAX_QUESTIONS:
            raise InvalidSetting(
                f"questions must be between {MIN_QUESTIONS} and {MAX_QUESTIONS}, "
                f"not {self.questions}."
            )
        if not MIN_SECONDS <= self.seconds <= MAX_SECONDS:
            raise InvalidSetting(
                f"seconds must be between {MIN_SECONDS:g} and {MAX_SECONDS:g}, "
                f"not {self.seconds:g}."
            )
        if self.teams:
            check_team_count(self.teams)
        if not MIN_JOIN_SECONDS <= self.join_seconds <= MAX_JOIN_SECONDS:
            raise InvalidSetting(
                f"team join seconds must be between {MIN_JOIN_SECONDS:g} and "
                f"{MAX_JOIN_SECONDS:g}, not {self.join_seconds:g}."
            )
        if not MIN_GUESSES <= self.guesses <= MAX_GUESSES:
            raise InvalidSetting(
                f"guesses must be between {MIN_GUESSES} and {MAX_GUESSES}, not {self.guesses}."
            )


def parse_mode(value: str) -> Mode:
    """Turn user text into a mode, with an error that lists the choices."""
    try:
        return Mode(value.strip().lower())
    except ValueError:
        raise InvalidSetting(f"mode must be 'buttons' or 'typed', not '{value}'.") from None


MIXED = "mixed"


def parse_difficulty(value: str) -> Difficulty | None:
    """Easy, medium or hard; "mixed" (no filter) is None."""
    text = value.strip().lower()
    if text == MIXED:
        return None
    try:
        return Difficulty(text)
    except ValueError:
        raise InvalidSetting(
            f"difficulty must be easy, medium, hard or mixed, not '{value}'."
        ) from None
