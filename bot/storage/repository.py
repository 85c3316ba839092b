"""The storage contract: every backend (SQLite now, PostgreSQL later) implements this."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from bot.shards import ShardRange
from bot.storage.records import (
    AnswerRow,
    AuditEntry,
    BoardPage,
    BoardRow,
    CustomQuestionRow,
    DailyAnswer,
    DailyRow,
    DailySchedule,
    GameEnd,
    GameRow,
    GameStatus,
    GuildSettingsRow,
    Miss,
    NewDaily,
    NewGame,
    Participant,
    Period,
    PlayerStats,
    ReportedQuestion,
    ReportRow,
    SeasonRow,
    ServerChange,
    ServerChanged,
    StreakRow,
)


class Repository(Protocol):
    """Boards take `bank_guild` with `bank_id`: the server whose custom bank it is, 0 for a
    shipped one (two servers' custom banks may share an id). Names: `AnswerRow.player_name`
    is kept per server, `global_name` for all-servers boards."""

    async def close(self) -> None: ...

    # games
    async def create_game(self, game: NewGame) -> int: ...
    async def get_game(self, game_id: int) -> GameRow | None: ...
    async def running_game(self, channel_id: int) -> GameRow | None: ...
    async def record_question(
        self,
        game_id: int,
        number: int,
        bank_id: str,
        question_id: str,
        asked_at: float,
        fact: str | None = None,
    ) -> None: ...
    async def set_question_message(self, game_id: int, number: int, message_id: int) -> None: ...
    async def record_answers(
        self, rows: Sequence[AnswerRow], saved: Callable[[], None] | None = None
    ) -> int:
        """Store new answers; returns how many were new.

        `saved`, if given, is called on the loop once they are committed, before this
        returns: a backend may call it a loop iteration sooner (SQLite's thread does).
        """

    async def settle(self) -> None:
        """Wait until every answer this process committed is counted in the totals.

        A commit stores answers only; the totals follow within MAX_LAG_S (bot/storage/fold.py)
        and every board or stats read waits for them itself.
        """

    async def end_game(
        self,
        game_id: int,
        status: GameStatus,
        ended_at: float,
        participants: Sequence[Participant],
    ) -> bool: ...
    async def end_games(self, ends: Sequence[GameEnd]) -> list[bool]:
        """Many end_game calls in one transaction; whether each game was still running."""
        ...

    async def abandon_running_games(
        self, now: float, shards: ShardRange | None = None, *, guild_id: int | None = None
    ) -> list[GameRow]: ...
    async def recent_facts(self, channel_id: int, limit: int = 500) -> dict[str, float]:
        """Fact key (a question's fact, or `bank/question` without one) -> when last asked."""
        ...

    # boards
    async def leaderboard(
        self,
        guild_id: int | None,
        *,
        period: Period,
        now: float,
        bank_id: str | None = None,
        bank_guild: int = 0,
        limit: int = 10,
        offset: int = 0,
        season: str | None = None,
    ) -> list[BoardRow]: ...
    async def board_size(
        self,
        guild_id: int | None,
        *,
        period: Period,
        now: float,
        bank_id: str | None = None,
        bank_guild: int = 0,
        season: str | None = None,
    ) -> int: ...
    async def board_page(
        self,
        guild_id: int | None,
        *,
        viewer_id: int | None,
        period: Period,
        now: float,
        bank_id: str | None = None,
        bank_guild: int = 0,
        page: int = 0,
        per_page: int = 10,
        season: str | None = None,
    ) -> BoardPage: ...
    async def player_stats(
        self, guild_id: int | None, player_id: int, *, period: Period, now: float
    ) -> PlayerStats | None: ...
    async def weekly_points(
        self, guild_id: int, player_id: int, weeks: Sequence[str]
    ) -> dict[str, int]: ...
    async def recent_misses(self, guild_id: int, player_id: int, limit: int = 10) -> list[Miss]: ...
    async def reset_leaderboard(self, guild_id: int, audit: AuditEntry | None = None) -> int: ...

    # seasons: `season=None` on a season board means the one open now
    async def seasons(self, guild_id: int) -> list[SeasonRow]: ...
    async def season(self, guild_id: int, name: str | None = None) -> SeasonRow | None: ...
    async def start_season(self, guild_id: int, name: str, actor_id: int, now: float) -> bool: ...
    async def forget_member(self, guild_id: int, player_id: int) -> int: ...
    async def member_guilds(self, player_id: int) -> list[int]: ...

    # settings, custom questions, audit
    async def guild_settings(self, guild_id: int) -> GuildSettingsRow: ...
    async def change_server(
        self, change: ServerChange, audits: Callable[[ServerChanged], Sequence[AuditEntry]]
    ) -> ServerChanged:
        """An admin's settings, limits and channels with the audit rows `audits` makes of what
        was found, in one transaction: whole, or none of it."""
        ...

    async def round_channels(self, guild_id: int) -> frozenset[int]:
        """The channels rounds may start in; empty: any channel."""
        ...

    async def custom_questions(
        self, guild_id: int, bank_id: str | None = None
    ) -> list[CustomQuestionRow]: ...
    async def add_custom_questions(self, rows: Sequence[CustomQuestionRow]) -> None: ...
    async def remove_custom_question(
        self, guild_id: int, bank_id: str, question_id: str
    ) -> bool: ...
    async def guild_limits(self, guild_id: int) -> dict[str, float]: ...
    async def mark_guild_departed(self, guild_id: int, left_at: float | None) -> None: ...
    async def departed_guilds(self, left_before: float) -> list[int]: ...
    async def purge_guild(self, guild_id: int) -> None: ...
    async def audit(self, entry: AuditEntry) -> None: ...
    async def audit_log(self, guild_id: int, limit: int = 50) -> list[AuditEntry]: ...

    # question reports and disabled questions
    async def add_report(self, row: ReportRow) -> bool: ...
    async def has_reported(
        self, guild_id: int, bank_id: str, question_id: str, reporter_id: int
    ) -> bool: ...
    async def reported_questions(self, guild_id: int) -> list[ReportedQuestion]: ...
    async def question_reports(
        self, guild_id: int | None, bank_id: str, question_id: str
    ) -> list[ReportRow]: ...
    async def reports_on_banks(self, bank_ids: Sequence[str]) -> list[ReportRow]: ...
    async def set_question_disabled(
        self,
        guild_id: int,
        bank_id: str,
        question_id: str,
        *,
        disabled: bool,
        actor_id: int,
        at: float,
    ) -> bool: ...
    async def disabled_questions(self, guild_id: int) -> frozenset[str]: ...
    async def replace_custom_question(self, row: CustomQuestionRow) -> bool: ...

    # the question of the day: one claim per server and day; streaks counted at the reveal
    async def daily_schedule(self, guild_id: int) -> DailySchedule | None: ...
    async def daily_schedules(self) -> list[DailySchedule]: ...
    async def save_daily_schedule(self, row: DailySchedule, now: float) -> None: ...
    async def drop_daily_schedule(self, guild_id: int) -> bool: ...
    async def claim_daily(self, new: NewDaily) -> DailyRow | None: ...
    async def daily_on(self, guild_id: int, day: str) -> DailyRow | None: ...
    async def daily(self, daily_id: int) -> DailyRow | None: ...
    async def unrevealed_dailies(self) -> list[DailyRow]: ...
    async def set_daily_message(self, daily_id: int, message_id: int) -> None: ...
    async def record_daily_answer(self, answer: DailyAnswer) -> bool: ...
    async def daily_answers(self, daily_id: int) -> list[DailyAnswer]: ...
    async def reveal_daily(self, daily_id: int, now: float) -> bool: ...
    async def daily_streak(self, guild_id: int, player_id: int) -> tuple[int, int]: ...
    async def streak_board(
        self, guild_id: int, *, viewer_id: int | None, page: int = 0, per_page: int = 10
    ) -> tuple[list[StreakRow], int, StreakRow | None, int]: ...

    # operations
    async def check_consistency(self) -> list[str]: ...
    async def backup(self, target: Path) -> None: ...
