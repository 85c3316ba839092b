"""SQLite backend: WAL, foreign keys, numbered migrations, totals kept by triggers."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from pathlib import Path
from typing import Any

import aiosqlite

from bot.shards import ShardRange
from bot.storage import board_sql
from bot.storage.checkpoint import Checkpointer
from bot.storage.errors import DatabaseUnavailable, DuplicateRunningGame
from bot.storage.migrations import MIGRATIONS_DIR, Migration, load_migrations
from bot.storage.records import (
    AnswerRow,
    AuditEntry,
    BoardRow,
    CustomQuestionRow,
    GameRow,
    GameStatus,
    GuildSettingsRow,
    NewGame,
    Participant,
    Period,
    PlayerStats,
    iso_week,
)

_SELECT_GAMES = (
    "SELECT id, guild_id, channel_id, banks, mode, starter_id, question_count, seconds, "
    "started_at, ended_at, status FROM games "
)
_GAME_BY_ID = _SELECT_GAMES + "WHERE id = ?"
_RUNNING_IN_CHANNEL = _SELECT_GAMES + "WHERE channel_id = ? AND status = 'running'"
# Games on shards first..last of count (Discord: a guild is on (guild_id >> 22) % count).
_RUNNING_ON_SHARDS = (
    _SELECT_GAMES + "WHERE status = 'running' AND ((guild_id >> 22) % ?) BETWEEN ? AND ?"
)
_ABANDON_ON_SHARDS = (
    "UPDATE games SET status = 'abandoned', ended_at = ? "
    "WHERE status = 'running' AND ((guild_id >> 22) % ?) BETWEEN ? AND ?"
)


_PLAYER_TOTALS = (
    "SELECT points, correct, answered, games, wins, best_streak FROM player_totals "
    "WHERE player_id = ? AND guild_id = ?"
)
_PLAYER_TOTALS_GLOBAL = (
    "SELECT SUM(points), SUM(correct), SUM(answered), SUM(games), SUM(wins), "
    "MAX(best_streak) FROM player_totals WHERE player_id = ?"
)
_PLAYER_WEEK = (
    "SELECT points, correct, answered FROM player_week_totals "
    "WHERE player_id = ? AND guild_id = ? AND week = ?"
)
_PLAYER_WEEK_GLOBAL = (
    "SELECT SUM(points), SUM(correct), SUM(answered) FROM player_week_totals "
    "WHERE player_id = ? AND week = ?"
)
_CONSISTENCY = {
    "player_totals": (
        "WITH a AS (SELECT guild_id, player_id, SUM(points) AS points, SUM(correct) AS correct, "
        "COUNT(*) AS answered FROM answers GROUP BY guild_id, player_id) "
        "SELECT t.guild_id, t.player_id, t.points, t.correct, t.answered, a.points, a.correct, "
        "a.answered FROM player_totals t LEFT JOIN a ON a.guild_id = t.guild_id "
        "AND a.player_id = t.player_id "
        "WHERE t.answered != COALESCE(a.answered, 0) OR t.points != COALESCE(a.points, 0) "
        "OR t.correct != COALESCE(a.correct, 0)"
    ),
    "player_week_totals": (
        "WITH a AS (SELECT guild_id, week, player_id, SUM(points) AS points, "
        "SUM(correct) AS correct, COUNT(*) AS answered FROM answers "
        "GROUP BY guild_id, week, player_id) "
        "SELECT t.guild_id, t.player_id, t.points, t.correct, t.answered, a.points, a.correct, "
        "a.answered FROM player_week_totals t LEFT JOIN a ON a.guild_id = t.guild_id "
        "AND a.week = t.week AND a.player_id = t.player_id "
        "WHERE t.answered != COALESCE(a.answered, 0) OR t.points != COALESCE(a.points, 0) "
        "OR t.correct != COALESCE(a.correct, 0)"
    ),
}


def _game(row: Sequence[Any]) -> GameRow:
    return GameRow(
        id=row[0],
        guild_id=row[1],
        channel_id=row[2],
        banks=tuple(row[3].split(",")),
        mode=row[4],
        starter_id=row[5],
        question_count=row[6],
        seconds=row[7],
        started_at=row[8],
        ended_at=row[9],
        status=GameStatus(row[10]),
    )


def _on_shards(shards: ShardRange | None) -> tuple[int, int, int]:
    """Parameters of the shard filter; (1, 0, 0) keeps every game."""
    if shards is None or not shards.partial or shards.count is None or shards.last is None:
        return (1, 0, 0)
    return (shards.count, shards.first, shards.last)


def _create_private(path: Path) -> None:
    """Create the database file readable by its owner only, before SQLite opens it."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)


class SQLiteRepository:
    """All SQL lives here; callers see records, never cursors."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._write_lock = asyncio.Lock()
        self._checkpointer = Checkpointer(path)

    @classmethod
    async def open(cls, path: str | Path, *, migrations: Path = MIGRATIONS_DIR) -> SQLiteRepository:
        """Open (creating if needed) and migrate; errors say what to fix."""
        path = Path(path)
        known = load_migrations(migrations)  # before creating anything: no schema-less file
        try:
            _create_private(path)
        except OSError as exc:
            raise DatabaseUnavailable(
                f"cannot create the database file {path}: {exc.strerror}. "
                "Set TRIVIA_DB to a writable location."
            ) from exc
        conn = await aiosqlite.connect(path, isolation_level=None)
        repo = cls(conn, path)
        try:
            await repo._configure()
            await repo._migrate(known)
            repo._checkpointer.start()
        except sqlite3.DatabaseError as exc:
            await conn.close()
            raise DatabaseUnavailable(
                f"cannot use the database file {path}: {exc}. If it is damaged, restore a "
                "backup (trivia-bot db backup) or move it aside to start afresh."
            ) from exc
        except BaseException:
            await conn.close()
            raise
        return repo

    async def _configure(self) -> None:
        for pragma in (
            "PRAGMA journal_mode = WAL",
            "PRAGMA synchronous = NORMAL",
            "PRAGMA foreign_keys = ON",
            "PRAGMA busy_timeout = 5000",
            "PRAGMA wal_autocheckpoint = 0",  # the Checkpointer's thread does it, not a commit
        ):
            await self._conn.execute(pragma)

    async def _migrate(self, migrations: list[Migration]) -> None:
        async with self._conn.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        current = int(row[0]) if row else 0
        pending = [m for m in migrations if m.version > current]
        if current > len(migrations):
            raise DatabaseUnavailable(
                f"the database {self.path} is at schema version {current}, newer than this "
                f"program knows ({len(migrations)}); upgrade trivia-bot."
            )
        if not pending:
            return
        async with self._transaction() as db:
            for migration in pending:
                for statement in _split_sql(migration.sql):
                    await db.execute(statement)
                # each file ends by setting its own version: PRAGMA takes no parameters
                async with db.execute("PRAGMA user_version") as cur:
                    version = await cur.fetchone()
                if version is None or version[0] != migration.version:
                    raise ValueError(
                        f"{migration.name} must end by setting user_version to {migration.version}"
                    )

    async def close(self) -> None:
        await asyncio.to_thread(self._checkpointer.stop)
        await self._conn.close()  # the last connection to close folds the rest of the log in

    @contextlib.asynccontextmanager
    async def _transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """One writer at a time, all or nothing; a write the file refuses is DatabaseUnavailable."""
        async with self._write_lock:
            try:
                await self._conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self._conn
                    await self._conn.execute("COMMIT")
                    self._checkpointer.poke()
                except BaseException:
                    # SQLite has already rolled back after SQLITE_FULL or an I/O error; a
                    # second ROLLBACK would fail and hide the error that matters.
                    if self._conn.in_transaction:
                        await self._conn.execute("ROLLBACK")
                    raise
            except sqlite3.OperationalError as exc:  # locked, read-only, disk full, I/O
                raise DatabaseUnavailable(f"cannot write to {self.path}: {exc}") from exc

    async def _one(self, sql: str, params: Iterable[Any] = ()) -> Any:
        async with self._conn.execute(sql, tuple(params)) as cur:
            return await cur.fetchone()

    async def _all(self, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        async with self._conn.execute(sql, tuple(params)) as cur:
            return list(await cur.fetchall())

    # -- games ---------------------------------------------------------------

    async def create_game(self, game: NewGame) -> int:
        try:
            async with self._transaction() as db:
                cur = await db.execute(
                    "INSERT INTO games (guild_id, channel_id, banks, mode, starter_id, "
                    "question_count, seconds, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        game.guild_id,
                        game.channel_id,
                        ",".join(game.banks),
                        game.mode,
                        game.starter_id,
                        game.question_count,
                        game.seconds,
                        game.started_at,
                    ),
                )
                game_id = cur.lastrowid
        except sqlite3.IntegrityError as exc:
            if "games.channel_id" in str(exc) or "UNIQUE" in str(exc):
                raise DuplicateRunningGame(str(game.channel_id)) from exc
            raise
        assert game_id is not None
        return game_id

    async def get_game(self, game_id: int) -> GameRow | None:
        row = await self._one(_GAME_BY_ID, (game_id,))
        return _game(row) if row else None

    async def running_game(self, channel_id: int) -> GameRow | None:
        row = await self._one(
            _RUNNING_IN_CHANNEL,
            (channel_id,),
        )
        return _game(row) if row else None

    async def record_question(
        self, game_id: int, number: int, bank_id: str, question_id: str, asked_at: float
    ) -> None:
        async with self._transaction() as db:
            await db.execute(
                "INSERT OR IGNORE INTO game_questions (game_id, number, bank_id, question_id, "
                "asked_at) VALUES (?, ?, ?, ?, ?)",
                (game_id, number, bank_id, question_id, asked_at),
            )

    async def set_question_message(self, game_id: int, number: int, message_id: int) -> None:
        async with self._transaction() as db:
            await db.execute(
                "UPDATE game_questions SET message_id = ? WHERE game_id = ? AND number = ?",
                (message_id, game_id, number),
            )

    async def record_answers(self, rows: Sequence[AnswerRow]) -> int:
        """Store answers idempotently; returns how many were new."""
        if not rows:
            return 0
        async with self._transaction() as db:
            await db.executemany(
                "INSERT INTO players (id, name, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET name = excluded.name, "
                "updated_at = excluded.updated_at",
                {r.player_id: (r.player_id, r.player_name, r.answered_at) for r in rows}.values(),
            )
            before = self._conn.total_changes
            await db.executemany(
                "INSERT INTO answers (game_id, number, player_id, guild_id, bank_id, "
                "question_id, correct, points, response_ms, answered_at, week) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [
                    (
                        r.game_id,
                        r.number,
                        r.player_id,
                        r.guild_id,
                        r.bank_id,
                        r.question_id,
                        int(r.correct),
                        r.points,
                        r.response_ms,
                        r.answered_at,
                        iso_week(r.answered_at),
                    )
                    for r in rows
                ],
            )
            changed = self._conn.total_changes - before
        # each new answer changes itself plus two totals rows through the trigger
        return changed // 3

    async def end_game(
        self,
        game_id: int,
        status: GameStatus,
        ended_at: float,
        participants: Sequence[Participant],
    ) -> bool:
        """Close a running game and count it in its players' totals, exactly once."""
        async with self._transaction() as db:
            cur = await db.execute(
                "UPDATE games SET status = ?, ended_at = ? WHERE id = ? AND status = 'running'",
                (status.value, ended_at, game_id),
            )
            if cur.rowcount != 1:
                return False
            guild = await self._one("SELECT guild_id FROM games WHERE id = ?", (game_id,))
            await db.executemany(
                "INSERT INTO player_totals (guild_id, player_id, games, wins, best_streak) "
                "VALUES (?, ?, 1, ?, ?) ON CONFLICT (guild_id, player_id) DO UPDATE SET "
                "games = games + 1, wins = wins + excluded.wins, "
                "best_streak = MAX(best_streak, excluded.best_streak)",
                [(guild[0], p.player_id, int(p.won), p.best_streak) for p in participants],
            )
        return True

    async def abandon_running_games(
        self, now: float, shards: ShardRange | None = None
    ) -> list[GameRow]:
        """Games a crash left running: their answers stay, the channel is freed.

        With a partial shard range, only the games of guilds on those shards: the other
        shards' rounds belong to other live processes.
        """
        params = _on_shards(shards)
        async with self._transaction() as db:
            rows = await self._all(_RUNNING_ON_SHARDS, params)
            await db.execute(_ABANDON_ON_SHARDS, (now, *params))
        return [_game(r) for r in rows]

    async def recent_questions(self, channel_id: int, limit: int = 500) -> dict[str, float]:
        rows = await self._all(
            "SELECT gq.bank_id || '/' || gq.question_id, MAX(gq.asked_at) FROM game_questions gq "
            "JOIN games g ON g.id = gq.game_id WHERE g.channel_id = ? "
            "GROUP BY gq.bank_id, gq.question_id ORDER BY 2 DESC LIMIT ?",
            (channel_id, limit),
        )
        return {key: asked for key, asked in rows}

    # -- boards --------------------------------------------------------------

    @staticmethod
    def _board(
        guild_id: int | None, period: Period, now: float, bank_id: str | None
    ) -> tuple[tuple[bool, Period, bool], list[Any]]:
        """Which prepared board query applies, and its parameters in order."""
        params: list[Any] = []
        if guild_id is not None:
            params.append(guild_id)
        if bank_id is not None:
            params.append(bank_id)
        if period is Period.WEEK:
            params.append(iso_week(now))
        return (guild_id is not None, period, bank_id is not None), params

    async def leaderboard(
        self,
        guild_id: int | None,
        *,
        period: Period,
        now: float,
        bank_id: str | None = None,
        limit: int = 10,
        offset: int = 0,
    ) -> list[BoardRow]:
        key, params = self._board(guild_id, period, now, bank_id)
        rows = await self._all(board_sql.LEADERBOARD[key], (*params, limit, offset))
        return [
            BoardRow(offset + i + 1, pid, name, points, correct, answered)
            for i, (pid, name, points, correct, answered) in enumerate(rows)
        ]

    async def board_size(
        self, guild_id: int | None, *, period: Period, now: float, bank_id: str | None = None
    ) -> int:
        key, params = self._board(guild_id, period, now, bank_id)
        row = await self._one(board_sql.SIZE[key], params)
        return int(row[0])

    async def player_stats(
        self, guild_id: int | None, player_id: int, *, period: Period, now: float
    ) -> PlayerStats | None:
        if guild_id is None:
            row = await self._one(_PLAYER_TOTALS_GLOBAL, (player_id,))
        else:
            row = await self._one(_PLAYER_TOTALS, (player_id, guild_id))
        if row is None or row[0] is None:
            return None
        points, correct, answered, games, wins, best = row
        if period is Period.WEEK:
            if guild_id is None:
                week = await self._one(_PLAYER_WEEK_GLOBAL, (player_id, iso_week(now)))
            else:
                week = await self._one(_PLAYER_WEEK, (player_id, guild_id, iso_week(now)))
            points, correct, answered = (v or 0 for v in (week or (0, 0, 0)))
        key, params = self._board(guild_id, period, now, None)
        ahead = await self._one(board_sql.AHEAD[key], (*params, points))
        name_row = await self._one("SELECT name FROM players WHERE id = ?", (player_id,))
        return PlayerStats(
            player_id=player_id,
            name=name_row[0] if name_row else f"Player {player_id}",
            points=points,
            correct=correct,
            answered=answered,
            games=games,
            wins=wins,
            best_streak=best,
            rank=int(ahead[0]) + 1,
        )

    async def reset_leaderboard(self, guild_id: int) -> int:
        """Clear a server's boards and the answers they are summed from."""
        async with self._transaction() as db:
            cur = await db.execute("DELETE FROM player_totals WHERE guild_id = ?", (guild_id,))
            cleared = cur.rowcount
            await db.execute("DELETE FROM player_week_totals WHERE guild_id = ?", (guild_id,))
            await db.execute("DELETE FROM answers WHERE guild_id = ?", (guild_id,))
        return cleared

    async def forget_member(self, guild_id: int, player_id: int) -> int:
        """Delete what one server holds about one member; returns answers removed."""
        async with self._transaction() as db:
            cur = await db.execute(
                "DELETE FROM answers WHERE guild_id = ? AND player_id = ?", (guild_id, player_id)
            )
            removed = cur.rowcount
            await db.execute(
                "DELETE FROM player_totals WHERE guild_id = ? AND player_id = ?",
                (guild_id, player_id),
            )
            await db.execute(
                "DELETE FROM player_week_totals WHERE guild_id = ? AND player_id = ?",
                (guild_id, player_id),
            )
            await db.execute(
                "DELETE FROM players WHERE id = ? AND NOT EXISTS "
                "(SELECT 1 FROM player_totals WHERE player_id = ?)",
                (player_id, player_id),
            )
        return removed

    # -- settings, custom questions, audit ------------------------------------

    async def guild_settings(self, guild_id: int) -> GuildSettingsRow:
        row = await self._one(
            "SELECT questions, seconds, mode, manager_role_id FROM guild_settings "
            "WHERE guild_id = ?",
            (guild_id,),
        )
        if row is None:
            return GuildSettingsRow(guild_id)
        return GuildSettingsRow(guild_id, row[0], row[1], row[2], row[3])

    async def save_guild_settings(self, row: GuildSettingsRow, now: float) -> None:
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO guild_settings (guild_id, questions, seconds, mode, "
                "manager_role_id, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (guild_id) DO UPDATE SET questions = excluded.questions, "
                "seconds = excluded.seconds, mode = excluded.mode, "
                "manager_role_id = excluded.manager_role_id, updated_at = excluded.updated_at",
                (row.guild_id, row.questions, row.seconds, row.mode, row.manager_role_id, now),
            )

    async def custom_questions(
        self, guild_id: int, bank_id: str | None = None
    ) -> list[CustomQuestionRow]:
        sql = (
            "SELECT guild_id, bank_id, question_id, data, created_by, created_at "
            "FROM custom_questions WHERE guild_id = ?"
        )
        params: list[Any] = [guild_id]
        if bank_id is not None:
            sql += " AND bank_id = ?"
            params.append(bank_id)
        rows = await self._all(sql + " ORDER BY bank_id, created_at, question_id", params)
        return [CustomQuestionRow(*r) for r in rows]

    async def add_custom_questions(self, rows: Sequence[CustomQuestionRow]) -> None:
        """All or nothing: one clashing id rolls back the whole batch."""
        async with self._transaction() as db:
            await db.executemany(
                "INSERT INTO custom_questions (guild_id, bank_id, question_id, data, "
                "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (r.guild_id, r.bank_id, r.question_id, r.data, r.created_by, r.created_at)
                    for r in rows
                ],
            )

    async def remove_custom_question(self, guild_id: int, bank_id: str, question_id: str) -> bool:
        async with self._transaction() as db:
            cur = await db.execute(
                "DELETE FROM custom_questions WHERE guild_id = ? AND bank_id = ? "
                "AND question_id = ?",
                (guild_id, bank_id, question_id),
            )
            return cur.rowcount == 1

    async def audit(self, entry: AuditEntry) -> None:
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO audit_log (guild_id, actor_id, action, detail, at) "
                "VALUES (?, ?, ?, ?, ?)",
                (entry.guild_id, entry.actor_id, entry.action, entry.detail, entry.at),
            )

    async def audit_log(self, guild_id: int, limit: int = 50) -> list[AuditEntry]:
        rows = await self._all(
            "SELECT guild_id, actor_id, action, detail, at FROM audit_log WHERE guild_id = ? "
            "ORDER BY at DESC, id DESC LIMIT ?",
            (guild_id, limit),
        )
        return [AuditEntry(*r) for r in rows]

    # -- operations -----------------------------------------------------------

    async def check_consistency(self) -> list[str]:
        """Totals must equal the sum of answers, and every answer must have its game."""
        problems: list[str] = []
        for table, query in _CONSISTENCY.items():
            for r in await self._all(query):
                problems.append(
                    f"{table} for guild {r[0]} player {r[1]}: stored {r[2]} points/{r[3]} "
                    f"correct/{r[4]} answered, answers sum to {r[5] or 0}/{r[6] or 0}/"
                    f"{r[7] or 0}"
                )
        orphans = await self._one(
            "SELECT COUNT(*) FROM answers a LEFT JOIN games g ON g.id = a.game_id "
            "WHERE g.id IS NULL"
        )
        if orphans[0]:
            problems.append(f"{orphans[0]} answers belong to no game")
        missing = await self._one(
            "SELECT COUNT(*) FROM (SELECT a.guild_id, a.player_id FROM answers a "
            "LEFT JOIN player_totals t ON t.guild_id = a.guild_id AND t.player_id = a.player_id "
            "WHERE t.player_id IS NULL GROUP BY a.guild_id, a.player_id)"
        )
        if missing[0]:
            problems.append(f"{missing[0]} players have answers but no totals")
        integrity = await self._one("PRAGMA integrity_check")
        if integrity[0] != "ok":
            problems.append(f"integrity check: {integrity[0]}")
        return problems

    async def backup(self, target: Path) -> None:
        """SQLite's online backup: consistent even while rounds are being written."""
        target.parent.mkdir(parents=True, exist_ok=True)
        _create_private(target)
        async with aiosqlite.connect(target) as dest:
            await self._conn.backup(dest)


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies whole."""
    statements: list[str] = []
    buffer: list[str] = []
    for line in script.splitlines():
        if line.strip().startswith("--") or not line.strip():
            continue
        buffer.append(line)
        chunk = "\n".join(buffer)
        if sqlite3.complete_statement(chunk):
            statements.append(chunk.strip())
            buffer.clear()
    if buffer and "".join(buffer).strip():
        raise ValueError("migration ends inside a statement: " + "\n".join(buffer)[:80])
    return statements
