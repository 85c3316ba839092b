"""The question of the day's SQL, shared by both backends (see portable.py), composed once
at import from literals; only bound parameters vary.

"Posted for day D" is the unique key (guild_id, day) of daily_questions: a process posts only
after its insert claimed the day, so two processes (or a restart) never post one day twice.
Streaks are counted once, by the statement that reveals a day (guarded by revealed_at).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.storage.records import DailyAnswer, DailyRow, DailySchedule, NewDaily, StreakRow

Step = tuple[str, Sequence[Any]]

_SCHEDULE_COLUMNS = "guild_id, channel_id, minute, timezone, open_hours, set_by"
_SCHEDULE = "SELECT " + _SCHEDULE_COLUMNS + " FROM daily_schedules WHERE guild_id = ?"
_SCHEDULES = "SELECT " + _SCHEDULE_COLUMNS + " FROM daily_schedules ORDER BY guild_id"
_SAVE_SCHEDULE = (
    "INSERT INTO daily_schedules ("
    + _SCHEDULE_COLUMNS
    + ", updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (guild_id) DO UPDATE SET channel_id = excluded.channel_id, "
    "minute = excluded.minute, timezone = excluded.timezone, open_hours = excluded.open_hours, "
    "set_by = excluded.set_by, updated_at = excluded.updated_at"
)
_DROP_SCHEDULE = "DELETE FROM daily_schedules WHERE guild_id = ?"
_DAILY_COLUMNS = (
    "id, guild_id, channel_id, day, bank_id, bank_guild, question_id, fact, choices, "
    "answer_index, posted_at, closes_at, message_id, revealed_at"
)
_CLAIM = (
    "INSERT INTO daily_questions (guild_id, channel_id, day, bank_id, bank_guild, question_id, "
    "fact, choices, answer_index, posted_at, closes_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (guild_id, day) DO NOTHING"
)
_DAILY_BY_DAY = "SELECT " + _DAILY_COLUMNS + " FROM daily_questions WHERE guild_id = ? AND day = ?"
_DAILY_BY_ID = "SELECT " + _DAILY_COLUMNS + " FROM daily_questions WHERE id = ?"
_UNREVEALED = (
    "SELECT "
    + _DAILY_COLUMNS
    + " FROM daily_questions WHERE revealed_at IS NULL ORDER BY closes_at"
)
_SET_MESSAGE = "UPDATE daily_questions SET message_id = ? WHERE id = ?"
# Taken only while the day is not revealed: an answer after the reveal is not stored.
# PostgreSQL (READ COMMITTED) would read the day's row as it was before a reveal still in
# flight and store an answer that reveal's streak count never sees: FOR SHARE waits for the
# reveal to commit and then reads its row again, so the answer is refused; and a reveal that
# starts while an answer holds the lock waits, then counts it. SQLite needs no lock: one
# writer at a time (BEGIN IMMEDIATE), and a write transaction reads the latest commit.
_ANSWER_INSERT = (
    "INSERT INTO daily_answers (daily_id, player_id, guild_id, player_name, choice, correct, "
    "answered_at) SELECT ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM daily_questions "
    "WHERE id = ? AND revealed_at IS NULL"
)
_ANSWER_CONFLICT = ") ON CONFLICT (daily_id, player_id) DO NOTHING"
ANSWER = {
    "sqlite": _ANSWER_INSERT + _ANSWER_CONFLICT,
    "postgresql": _ANSWER_INSERT + " FOR SHARE" + _ANSWER_CONFLICT,
}
# The name this server knows the player by, for the streak board, as answers in rounds keep
# it: written only if this call stored the answer (its row holds this name and time), never
# by a refused one (a second click, or one after the reveal).
_NAME_MEMBER = (
    "INSERT INTO members (guild_id, player_id, name, updated_at) SELECT ?, ?, ?, ? "
    "WHERE EXISTS (SELECT 1 FROM daily_answers WHERE daily_id = ? AND player_id = ? "
    "AND player_name = ? AND answered_at = ?) "
    "ON CONFLICT (guild_id, player_id) DO UPDATE SET name = excluded.name, "
    "updated_at = excluded.updated_at"
)
_ANSWERS = (
    "SELECT daily_id, player_id, guild_id, player_name, choice, correct, answered_at "
    "FROM daily_answers WHERE daily_id = ? ORDER BY answered_at, player_id"
)
_REVEAL = "UPDATE daily_questions SET revealed_at = ? WHERE id = ? AND revealed_at IS NULL"
# Run after _REVEAL in its transaction; `revealed_at = ?` (this reveal's time) makes a second,
# racing reveal count nothing. A streak runs on from the server's previous revealed day.
_COUNT_STREAKS = (
    "INSERT INTO daily_streaks (guild_id, player_id, streak, best, last_day) "
    "SELECT q.guild_id, a.player_id, 1, 1, q.day FROM daily_answers a "
    "JOIN daily_questions q ON q.id = a.daily_id "
    "WHERE a.daily_id = ? AND a.correct = 1 AND q.revealed_at = ? "
    "ON CONFLICT (guild_id, player_id) DO UPDATE SET streak = CASE WHEN daily_streaks.last_day = "
    "(SELECT MAX(p.day) FROM daily_questions p WHERE p.guild_id = excluded.guild_id "
    "AND p.day < excluded.last_day AND p.revealed_at IS NOT NULL) "
    "THEN daily_streaks.streak + 1 ELSE 1 END, last_day = excluded.last_day"
)
_BEST_STREAKS = (
    "UPDATE daily_streaks SET best = streak WHERE guild_id = ? AND last_day = ? AND streak > best"
)
# a streak is alive while its last day is the server's latest revealed day
_LATEST = "(SELECT MAX(day) FROM daily_questions WHERE guild_id = ? AND revealed_at IS NOT NULL)"
_STREAK_BOARD = (
    "SELECT s.player_id, COALESCE(m.name, p.name, 'Player ' || s.player_id), s.streak, s.best "
    "FROM daily_streaks s LEFT JOIN members m ON m.guild_id = s.guild_id "
    "AND m.player_id = s.player_id LEFT JOIN players p ON p.id = s.player_id "
    "WHERE s.guild_id = ? AND s.last_day = " + _LATEST + " "
    "ORDER BY s.streak DESC, s.player_id LIMIT ? OFFSET ?"
)
_STREAK_SIZE = "SELECT COUNT(*) FROM daily_streaks WHERE guild_id = ? AND last_day = " + _LATEST
_STREAK_OF = (
    "SELECT CASE WHEN last_day = " + _LATEST + " THEN streak ELSE 0 END, best FROM daily_streaks "
    "WHERE guild_id = ? AND player_id = ?"
)
# the boards' rank rule: one more than the players with a strictly longer streak
_STREAK_AHEAD = (
    "SELECT COUNT(*) FROM daily_streaks WHERE guild_id = ? AND last_day = "
    + _LATEST
    + " AND streak > ?"
)
# what reset-leaderboard, forget and purge delete (a server's; a member's there)
RESET_DAILY = ("DELETE FROM daily_streaks WHERE guild_id = ?",)
FORGET_DAILY = (
    "DELETE FROM daily_answers WHERE guild_id = ? AND player_id = ?",
    "DELETE FROM daily_streaks WHERE guild_id = ? AND player_id = ?",
)
PURGE_DAILY = tuple(
    "DELETE FROM " + table + " WHERE guild_id = ?"
    for table in ("daily_answers", "daily_streaks", "daily_questions", "daily_schedules")
)


def _daily(row: Any) -> DailyRow:
    return DailyRow(
        id=int(row[0]),
        guild_id=int(row[1]),
        channel_id=int(row[2]),
        day=row[3],
        bank_id=row[4],
        bank_guild=int(row[5]),
        question_id=row[6],
        fact=row[7],
        choices=tuple(json.loads(row[8])),
        answer_index=int(row[9]),
        posted_at=float(row[10]),
        closes_at=float(row[11]),
        message_id=None if row[12] is None else int(row[12]),
        revealed_at=None if row[13] is None else float(row[13]),
    )


class DailySql:
    """The Repository's question-of-the-day methods, over the backend's primitives."""

    dialect = "sqlite"  # or "postgresql": the answer's lock (ANSWER)

    async def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        raise NotImplementedError

    async def _all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        raise NotImplementedError

    async def _execute(self, steps: Sequence[Step]) -> list[int]:
        raise NotImplementedError

    async def _board_all(self, sql: str, params: Sequence[Any]) -> list[Any]:
        raise NotImplementedError

    async def daily_schedule(self, guild_id: int) -> DailySchedule | None:
        row = await self._one(_SCHEDULE, (guild_id,))
        return DailySchedule(*row) if row else None

    async def daily_schedules(self) -> list[DailySchedule]:
        """Every server's schedule; each process keeps the servers it owns."""
        return [DailySchedule(*r) for r in await self._all(_SCHEDULES)]

    async def save_daily_schedule(self, row: DailySchedule, now: float) -> None:
        params = (row.guild_id, row.channel_id, row.minute, row.timezone, row.open_hours)
        await self._execute([(_SAVE_SCHEDULE, (*params, row.set_by, now))])

    async def drop_daily_schedule(self, guild_id: int) -> bool:
        (dropped,) = await self._execute([(_DROP_SCHEDULE, (guild_id,))])
        return dropped > 0

    async def claim_daily(self, new: NewDaily) -> DailyRow | None:
        """The day's row if this call claimed it; None if the day was already claimed."""
        (claimed,) = await self._execute(
            [
                (
                    _CLAIM,
                    (
                        new.guild_id,
                        new.channel_id,
                        new.day,
                        new.bank_id,
                        new.bank_guild,
                        new.question_id,
                        new.fact,
                        json.dumps(list(new.choices)),
                        new.answer_index,
                        new.posted_at,
                        new.closes_at,
                    ),
                )
            ]
        )
        if claimed != 1:
            return None
        return _daily(await self._one(_DAILY_BY_DAY, (new.guild_id, new.day)))

    async def daily_on(self, guild_id: int, day: str) -> DailyRow | None:
        row = await self._one(_DAILY_BY_DAY, (guild_id, day))
        return _daily(row) if row else None

    async def daily(self, daily_id: int) -> DailyRow | None:
        row = await self._one(_DAILY_BY_ID, (daily_id,))
        return _daily(row) if row else None

    async def unrevealed_dailies(self) -> list[DailyRow]:
        """Posted questions not yet revealed, the first to close first."""
        return [_daily(r) for r in await self._all(_UNREVEALED)]

    async def set_daily_message(self, daily_id: int, message_id: int) -> None:
        await self._execute([(_SET_MESSAGE, (message_id, daily_id))])

    async def record_daily_answer(self, answer: DailyAnswer) -> bool:
        """False if the player already answered, or the day is revealed: nothing stored."""
        added, _ = await self._execute(
            [
                (
                    ANSWER[self.dialect],
                    (
                        answer.daily_id,
                        answer.player_id,
                        answer.guild_id,
                        answer.player_name,
                        answer.choice,
                        int(answer.correct),
                        answer.answered_at,
                        answer.daily_id,
                    ),
                ),
                (
                    _NAME_MEMBER,
                    (
                        answer.guild_id,
                        answer.player_id,
                        answer.player_name,
                        answer.answered_at,
                        answer.daily_id,
                        answer.player_id,
                        answer.player_name,
                        answer.answered_at,
                    ),
                ),
            ]
        )
        return added == 1

    async def daily_answers(self, daily_id: int) -> list[DailyAnswer]:
        return [
            DailyAnswer(int(r[0]), int(r[1]), int(r[2]), r[3], int(r[4]), bool(r[5]), float(r[6]))
            for r in await self._all(_ANSWERS, (daily_id,))
        ]

    async def reveal_daily(self, daily_id: int, now: float) -> bool:
        """Close a day's question and count its streaks, once: False if it was revealed already."""
        found = await self.daily(daily_id)
        if found is None or found.revealed_at is not None:
            return False
        revealed, _, _ = await self._execute(
            [
                (_REVEAL, (now, daily_id)),
                (_COUNT_STREAKS, (daily_id, now)),
                (_BEST_STREAKS, (found.guild_id, found.day)),
            ]
        )
        return revealed == 1

    async def daily_streak(self, guild_id: int, player_id: int) -> tuple[int, int]:
        """A player's streak now (0 once broken) and their best."""
        rows = await self._board_all(_STREAK_OF, (guild_id, guild_id, player_id))
        return (int(rows[0][0]), int(rows[0][1])) if rows else (0, 0)

    async def streak_board(
        self, guild_id: int, *, viewer_id: int | None, page: int = 0, per_page: int = 10
    ) -> tuple[list[StreakRow], int, StreakRow | None, int]:
        """A page of the live streaks (clamped), the board's size, the viewer's row, the page."""
        size = int((await self._board_all(_STREAK_SIZE, (guild_id, guild_id)))[0][0])
        page = min(max(page, 0), max((size - 1) // per_page, 0))
        rows = await self._board_all(_STREAK_BOARD, (guild_id, guild_id, per_page, page * per_page))
        shown = [
            StreakRow(page * per_page + i + 1, int(r[0]), r[1], int(r[2]), int(r[3]))
            for i, r in enumerate(rows)
        ]
        me = None
        if viewer_id is not None:
            streak, best = await self.daily_streak(guild_id, viewer_id)
            if streak:
                ahead = await self._board_all(_STREAK_AHEAD, (guild_id, guild_id, streak))
                me = StreakRow(int(ahead[0][0]) + 1, viewer_id, "", streak, best)
        return shown, size, me, page
