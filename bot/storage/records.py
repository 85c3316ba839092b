"""Plain rows that cross the storage boundary, whatever the database behind it."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum


class Period(StrEnum):
    ALL_TIME = "all-time"
    WEEK = "week"
    MONTH = "month"  # calendar month, UTC; one server's boards only
    SEASON = "season"  # a server's named season


class GameStatus(StrEnum):
    RUNNING = "running"
    FINISHED = "finished"
    STOPPED = "stopped"
    ABANDONED = "abandoned"


def iso_week(timestamp: float) -> str:
    """The ISO week (UTC) a moment belongs to, e.g. '2026-W48'."""
    return _week_of_day(int(timestamp // 86_400))


@functools.lru_cache(maxsize=64)
def _week_of_day(day: int) -> str:
    """Per UTC day, remembered: every stored answer asks, and a burst's all share one day."""
    year, week, _ = datetime.fromtimestamp(day * 86_400, UTC).isocalendar()
    return f"{year}-W{week:02d}"


def month_of(timestamp: float) -> str:
    """The calendar month (UTC) a moment belongs to, e.g. '2026-11'."""
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m")


def month_span(timestamp: float) -> tuple[float, float]:
    """Where the UTC calendar month holding a moment starts and ends (end excluded)."""
    start = datetime.fromtimestamp(timestamp, UTC).replace(
        day=1, hour=0, minute=0, second=0, microsecond=0
    )
    end = (
        start.replace(year=start.year + 1, month=1)
        if start.month == 12
        else start.replace(month=start.month + 1)
    )
    return start.timestamp(), end.timestamp()


@dataclass(frozen=True, slots=True)
class SeasonRow:
    """A server's season: open while `ended_at` is None."""

    guild_id: int
    name: str
    started_at: float
    ended_at: float | None
    started_by: int


@dataclass(frozen=True, slots=True)
class NewGame:
    guild_id: int
    channel_id: int
    banks: tuple[str, ...]
    mode: str
    starter_id: int
    question_count: int
    seconds: float
    started_at: float


@dataclass(frozen=True, slots=True)
class AnswerRow:
    """One answer as stored; (game_id, number, player_id) identifies it."""

    game_id: int
    number: int
    player_id: int
    player_name: str
    guild_id: int
    bank_id: str
    question_id: str
    correct: bool
    points: int
    response_ms: int
    answered_at: float
    # the name on all-servers boards (player_name is the one this server knows them by)
    global_name: str = ""
    # the server whose custom bank the question came from; 0 for a shipped bank
    bank_guild: int = 0


@dataclass(frozen=True, slots=True)
class GameRow:
    id: int
    guild_id: int
    channel_id: int
    banks: tuple[str, ...]
    mode: str
    starter_id: int
    question_count: int
    seconds: float
    started_at: float
    ended_at: float | None
    status: GameStatus


@dataclass(frozen=True, slots=True)
class Participant:
    """What a finished game adds to a player's totals beyond their answers."""

    player_id: int
    best_streak: int
    won: bool


@dataclass(frozen=True, slots=True)
class GameEnd:
    """One game's end, for `end_games`: a shutdown saves thousands in one transaction."""

    game_id: int
    status: GameStatus
    ended_at: float
    participants: tuple[Participant, ...]


@dataclass(frozen=True, slots=True)
class BoardRow:
    rank: int
    player_id: int
    name: str
    points: int
    correct: int
    answered: int


@dataclass(frozen=True, slots=True)
class BoardPage:
    """One page of a board with its size and the viewer's own row, read from one snapshot."""

    rows: list[BoardRow]
    size: int
    me: BoardRow | None
    page: int  # the page asked for, or the last one if the board has fewer


@dataclass(frozen=True, slots=True)
class PlayerStats:
    player_id: int
    name: str
    points: int
    correct: int
    answered: int
    games: int
    wins: int
    best_streak: int
    rank: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


@dataclass(frozen=True, slots=True)
class Miss:
    """A question a member answered wrong in a server, and when they last did."""

    bank_id: str
    question_id: str
    answered_at: float


@dataclass(frozen=True, slots=True)
class GuildSettingsRow:
    guild_id: int
    questions: int | None = None
    seconds: float | None = None
    mode: str | None = None
    manager_role_id: int | None = None
    guesses: int | None = None
    starter_role_id: int | None = None  # the role that may start rounds; None: everyone


@dataclass(frozen=True, slots=True)
class CustomQuestionRow:
    guild_id: int
    bank_id: str
    question_id: str
    data: str
    created_by: int
    created_at: float


@dataclass(frozen=True, slots=True)
class AuditEntry:
    guild_id: int
    actor_id: int
    action: str
    detail: str
    at: float


@dataclass(frozen=True, slots=True)
class ServerChange:
    """One admin's change to a server's settings, limits and round channels, made whole."""

    guild_id: int
    at: float
    settings: Mapping[str, object] = field(default_factory=dict)  # SETTINGS_COLUMNS
    limits: Mapping[str, float | None] = field(default_factory=dict)  # None: the default
    clear_channels: bool = False
    add_channel: int | None = None
    remove_channel: int | None = None


@dataclass(frozen=True, slots=True)
class ServerChanged:
    """What a ServerChange found: channels listed before a clear, and whether the list moved."""

    cleared: int = 0
    added: bool = False
    removed: bool = False


REPORT_REASONS = ("wrong-answer", "unclear", "typo", "offensive", "other")


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One player's report of one question in one server."""

    guild_id: int
    bank_id: str
    question_id: str
    reporter_id: int
    reason: str
    note: str
    question_text: str
    created_at: float


@dataclass(frozen=True, slots=True)
class ReportedQuestion:
    """A question with reports in a server: how many, and when the latest came."""

    bank_id: str
    question_id: str
    reports: int
    last_at: float
    disabled: bool


@dataclass(frozen=True, slots=True)
class DailySchedule:
    """When a server's question of the day is posted, where, and for how long it is open."""

    guild_id: int
    channel_id: int
    minute: int  # minutes after local midnight
    timezone: str  # an IANA name
    open_hours: float
    set_by: int


@dataclass(frozen=True, slots=True)
class NewDaily:
    """A day's question as claimed, before its message is posted."""

    guild_id: int
    channel_id: int
    day: str  # 'YYYY-MM-DD' in the schedule's timezone
    bank_id: str
    bank_guild: int
    question_id: str
    fact: str | None
    choices: tuple[str, ...]
    answer_index: int
    posted_at: float
    closes_at: float


@dataclass(frozen=True, slots=True)
class DailyRow:
    id: int
    guild_id: int
    channel_id: int
    day: str
    bank_id: str
    bank_guild: int
    question_id: str
    fact: str | None
    choices: tuple[str, ...]
    answer_index: int
    posted_at: float
    closes_at: float
    message_id: int | None
    revealed_at: float | None


@dataclass(frozen=True, slots=True)
class DailyAnswer:
    daily_id: int
    player_id: int
    guild_id: int
    player_name: str
    choice: int
    correct: bool
    answered_at: float


@dataclass(frozen=True, slots=True)
class StreakRow:
    """A player's run of days answered right: `streak` now (0 once broken), `best` ever."""

    rank: int
    player_id: int
    name: str
    streak: int
    best: int
