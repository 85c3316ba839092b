"""PostgreSQL backend: an asyncpg pool, migrations under an advisory lock, upserted totals."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import logging
import os
import re
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import asyncpg
from asyncpg import Record
from asyncpg.pool import PoolConnectionProxy

from bot.shards import ShardRange
from bot.storage.errors import DatabaseUnavailable, DuplicateRunningGame
from bot.storage.fold import QUEUE_SINCE, QUEUED, Folder
from bot.storage.migrations import POSTGRES_MIGRATIONS_DIR, Migration, load_migrations
from bot.storage.portable import RUNNING_ON_SHARDS, PortableSql, Step, game_row, on_shards
from bot.storage.records import (
    AnswerRow,
    GameEnd,
    GameRow,
    GameStatus,
    NewGame,
    Participant,
    iso_week,
)
from bot.storage.target import PostgresTarget

log = logging.getLogger(__name__)

# Any constant every process agrees on; advisory locks are per database, so tests don't collide.
MIGRATION_LOCK = 0x7472_6976_6961_0001
DEFAULT_STATEMENT_TIMEOUT_S = 10.0
DEFAULT_ACQUIRE_TIMEOUT_S = 5.0

# The server ended our session or the link broke: the pool reconnects, the caller retries.
_LOST = (
    asyncpg.PostgresConnectionError,
    asyncpg.ConnectionDoesNotExistError,
    asyncpg.exceptions.OperatorInterventionError,  # pg_terminate_backend, shutdown, cancel
    asyncpg.exceptions.TransactionRollbackError,  # deadlock, serialization failure
    asyncpg.exceptions.InsufficientResourcesError,  # disk full, too many connections
    asyncpg.InterfaceError,
    # a pooled link the server dropped mid-statement is left in a state no call can use
    asyncpg.InternalClientError,
    OSError,
    TimeoutError,
)


@functools.lru_cache(maxsize=256)
def numbered(sql: str) -> str:
    """'?' placeholders as PostgreSQL's $1, $2, ...; our SQL has no '?' inside literals."""
    counter = iter(range(1, 1000))
    return re.sub(r"\?", lambda _: f"${next(counter)}", sql)


# names are written only when they changed: a returning player's commit touches no players
# or members row (bench B4); the totals are the fold's (_FOLD)
_RECORD_ANSWERS = """
WITH input AS (
    SELECT * FROM unnest($1::bigint[], $2::int[], $3::bigint[], $4::text[], $5::bigint[],
        $6::text[], $7::text[], $8::int[], $9::int[], $10::int[], $11::float8[], $12::text[],
        $13::text[], $14::bigint[])
        AS t(game_id, number, player_id, player_name, guild_id, bank_id, question_id,
             correct, points, response_ms, answered_at, week, global_name, bank_guild)
    -- a member forgotten while this round ran: none of it comes back
    WHERE NOT EXISTS (SELECT 1 FROM forgotten_players f
                      WHERE f.game_id = t.game_id AND f.player_id = t.player_id)
), named AS (
    INSERT INTO players (id, name, updated_at)
    SELECT DISTINCT ON (player_id) player_id, global_name, answered_at FROM input
    ORDER BY player_id, answered_at DESC
    ON CONFLICT (id) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at
    WHERE players.name IS DISTINCT FROM excluded.name
), membered AS (
    INSERT INTO members (guild_id, player_id, name, updated_at)
    SELECT DISTINCT ON (guild_id, player_id) guild_id, player_id, player_name, answered_at
    FROM input ORDER BY guild_id, player_id, answered_at DESC
    ON CONFLICT (guild_id, player_id) DO UPDATE SET name = excluded.name,
        updated_at = excluded.updated_at WHERE members.name IS DISTINCT FROM excluded.name
), new AS (
    INSERT INTO answers (game_id, number, player_id, guild_id, bank_id, question_id, correct,
        points, response_ms, answered_at, week, bank_guild)
    SELECT game_id, number, player_id, guild_id, bank_id, question_id, correct, points,
        response_ms, answered_at, week, bank_guild FROM input
    ON CONFLICT DO NOTHING
    RETURNING game_id, number, player_id
), queued AS (
    -- counted in the totals by the fold (_FOLD), not in this commit
    INSERT INTO answers_to_count (game_id, number, player_id)
    SELECT game_id, number, player_id FROM new
)
SELECT COUNT(*) FROM new
"""
# The queued answers counted in every total, and their queue rows deleted, in one statement
# (one snapshot): rows queued after it began wait for the next fold. The advisory lock before
# it keeps folds, resets and forgets of any process from interleaving. A queue row whose
# answer is gone (deleted by a reset or forget) adds nothing.
FOLD_LOCK = 0x7472_6976_6961_0002
_FOLD = """
WITH gone AS (
    DELETE FROM answers_to_count RETURNING game_id, number, player_id
), new AS (
    SELECT a.guild_id, a.player_id, a.week, a.points, a.correct, a.bank_guild, a.bank_id,
        a.answered_at
    FROM gone g JOIN answers a
        ON a.game_id = g.game_id AND a.number = g.number AND a.player_id = g.player_id
), totals AS (
    INSERT INTO player_totals AS t (guild_id, player_id, points, correct, answered)
    SELECT guild_id, player_id, SUM(points), SUM(correct), COUNT(*) FROM new
    GROUP BY guild_id, player_id ORDER BY guild_id, player_id
    ON CONFLICT (guild_id, player_id) DO UPDATE SET points = t.points + excluded.points,
        correct = t.correct + excluded.correct, answered = t.answered + excluded.answered
), week_totals AS (
    INSERT INTO player_week_totals AS t (guild_id, week, player_id, points, correct, answered)
    SELECT guild_id, week, player_id, SUM(points), SUM(correct), COUNT(*) FROM new
    GROUP BY guild_id, week, player_id ORDER BY guild_id, week, player_id
    ON CONFLICT (guild_id, week, player_id) DO UPDATE SET points = t.points + excluded.points,
        correct = t.correct + excluded.correct, answered = t.answered + excluded.answered
), global AS (
    INSERT INTO global_totals AS t (player_id, points, correct, answered)
    SELECT player_id, SUM(points), SUM(correct), COUNT(*) FROM new
    GROUP BY player_id ORDER BY player_id
    ON CONFLICT (player_id) DO UPDATE SET points = t.points + excluded.points,
        correct = t.correct + excluded.correct, answered = t.answered + excluded.answered
), global_week AS (
    INSERT INTO global_week_totals AS t (week, player_id, points, correct, answered)
    SELECT week, player_id, SUM(points), SUM(correct), COUNT(*) FROM new
    GROUP BY week, player_id ORDER BY week, player_id
    ON CONFLICT (week, player_id) DO UPDATE SET points = t.points + excluded.points,
        correct = t.correct + excluded.correct, answered = t.answered + excluded.answered
), bank AS (
    INSERT INTO bank_totals AS t (bank_guild, bank_id, player_id, points, correct, answered)
    SELECT bank_guild, bank_id, player_id, SUM(points), SUM(correct), COUNT(*) FROM new
    GROUP BY bank_guild, bank_id, player_id ORDER BY bank_guild, bank_id, player_id
    ON CONFLICT (bank_guild, bank_id, player_id) DO UPDATE SET
        points = t.points + excluded.points, correct = t.correct + excluded.correct,
        answered = t.answered + excluded.answered
), bank_week AS (
    INSERT INTO bank_week_totals AS t (bank_guild, bank_id, week, player_id, points, correct,
        answered)
    SELECT bank_guild, bank_id, week, player_id, SUM(points), SUM(correct), COUNT(*) FROM new
    GROUP BY bank_guild, bank_id, week, player_id
    ORDER BY bank_guild, bank_id, week, player_id
    ON CONFLICT (bank_guild, bank_id, week, player_id) DO UPDATE SET
        points = t.points + excluded.points, correct = t.correct + excluded.correct,
        answered = t.answered + excluded.answered
), month_totals AS (
    INSERT INTO player_month_totals AS t (guild_id, month, player_id, points, correct, answered)
    SELECT guild_id, to_char(to_timestamp(answered_at) AT TIME ZONE 'UTC', 'YYYY-MM') AS month,
        player_id, SUM(points), SUM(correct), COUNT(*) FROM new
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (guild_id, month, player_id) DO UPDATE SET points = t.points + excluded.points,
        correct = t.correct + excluded.correct, answered = t.answered + excluded.answered
), season_totals AS (
    -- the season open in the answer's server, if one is
    INSERT INTO player_season_totals AS t (guild_id, season, player_id, points, correct,
        answered)
    SELECT n.guild_id, s.name, n.player_id, SUM(n.points), SUM(n.correct), COUNT(*) FROM new n
    JOIN seasons s ON s.guild_id = n.guild_id AND s.ended_at IS NULL
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (guild_id, season, player_id) DO UPDATE SET
        points = t.points + excluded.points, correct = t.correct + excluded.correct,
        answered = t.answered + excluded.answered
)
SELECT COUNT(*) FROM gone
"""
# Every end's players at once, summed per player and upserted in (guild, player) order: the
# order the fold locks player_totals rows in, so the two never deadlock (review 4, M1)
_COUNT_GAMES = """
INSERT INTO player_totals AS t (guild_id, player_id, games, wins, best_streak)
SELECT guild_id, player_id, COUNT(*), SUM(won), MAX(streak)
FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::int[])
    AS p(guild_id, player_id, won, streak)
GROUP BY guild_id, player_id
ORDER BY guild_id, player_id
ON CONFLICT (guild_id, player_id) DO UPDATE SET games = t.games + excluded.games,
    wins = t.wins + excluded.wins, best_streak = GREATEST(t.best_streak, excluded.best_streak)
"""
_RUNNING_ON_SHARDS_LOCKED = numbered(RUNNING_ON_SHARDS + " FOR UPDATE")
_MIGRATIONS_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
    "name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
)


# the connection `db check` runs its reads on, with no statement timeout: at 2M answers
# its sums take longer than the timeout that guards the bot's own statements (bench B4's
# `db copy`, which checks before it commits, failed on it)
_CHECKING: contextvars.ContextVar[PoolConnectionProxy[Record] | None] = contextvars.ContextVar(
    "checking", default=None
)


def _affected(status: str) -> int:
    """Rows a command touched, from asyncpg's status text such as 'DELETE 3' ('LOCK TABLE': 0)."""
    count = status.rsplit(" ", 1)[-1]
    return int(count) if count.isdigit() else 0


def describe_connect_error(
    target: PostgresTarget, exc: BaseException, setting: str = "TRIVIA_DB"
) -> str:
    """One line for a failure to connect or migrate, naming the setting, never the password."""
    user = target.user or "(default user)"
    where = f"PostgreSQL at {target.host}:{target.port}"
    if isinstance(exc, asyncpg.InvalidCatalogNameError):
        return (
            f"database '{target.database}' does not exist on {where}: create it "
            f"(createdb {target.database}) or fix {setting}"
        )
    if isinstance(
        exc, asyncpg.InvalidPasswordError | asyncpg.InvalidAuthorizationSpecificationError
    ):
        return f"{where} refused user '{user}' (wrong user or password?): fix {setting}"
    if isinstance(exc, asyncpg.InsufficientPrivilegeError):
        return (
            f"user '{user}' lacks a permission it needs in database '{target.database}' on "
            f"{target.host}:{target.port} ({exc}): grant it (it must be able to create tables "
            f"there) or point {setting} at a database it owns"
        )
    if isinstance(exc, TimeoutError):
        return f"cannot reach {where}: no answer within the timeout; check {setting}"
    if isinstance(exc, OSError):
        reason = exc.strerror or str(exc) or type(exc).__name__
        return f"cannot reach {where}: {reason}; check {setting} and that the server runs"
    if isinstance(exc, asyncpg.PostgresError):
        return f"{where} refused database '{target.database}': {exc}; check {setting}"
    return f"cannot use {where}: {exc}; check {setting}"


def _server_settings(target: PostgresTarget, statement_timeout: float) -> dict[str, str]:
    """Ours, unless the URL sets one itself (e.g. ?statement_timeout=30000): the URL wins."""
    ours = {
        "application_name": "trivia-bot",
        "jit": "off",  # JIT compiling a board query costs more than running it
        "statement_timeout": str(int(statement_timeout * 1000)),
    }
    given = {key for key, _ in parse_qsl(urlsplit(target.dsn).query)}
    return {key: value for key, value in ours.items() if key not in given}


class PostgresRepository(PortableSql):
    """PostgreSQL's SQL lives here and in portable.py; every call borrows a pooled connection."""

    dialect = "postgresql"

    # A forget's transaction waits for answer writes and game ends that read the forgotten
    # list before it, and those after it wait until it commits, so they see it (a statement's
    # snapshot is taken once it holds its locks).
    forget_first = ("LOCK TABLE forgotten_players IN ACCESS EXCLUSIVE MODE",)
    fold_first = (f"SELECT pg_advisory_xact_lock({FOLD_LOCK})", _FOLD)

    def __init__(
        self, pool: asyncpg.Pool[Record], target: PostgresTarget, acquire_timeout: float
    ) -> None:
        self._pool = pool
        self.target = target
        self._acquire_timeout = acquire_timeout
        self.applied: list[str] = []  # migrations this process applied when it opened
        self._folder = Folder(self._fold)

    @classmethod
    async def open(
        cls,
        target: PostgresTarget,
        *,
        pool_size: int = 10,
        statement_timeout: float = DEFAULT_STATEMENT_TIMEOUT_S,
        acquire_timeout: float = DEFAULT_ACQUIRE_TIMEOUT_S,
        migrations: Path = POSTGRES_MIGRATIONS_DIR,
        setting: str = "TRIVIA_DB",
    ) -> PostgresRepository:
        """Connect, migrate once under the advisory lock; errors are one line naming TRIVIA_DB."""
        try:
            pool = await asyncpg.create_pool(
                target.dsn,
                min_size=min(2, pool_size),
                max_size=pool_size,
                timeout=acquire_timeout,
                max_inactive_connection_lifetime=300.0,
                server_settings=_server_settings(target, statement_timeout),
            )
        except (asyncpg.PostgresError, OSError, TimeoutError, asyncpg.InterfaceError) as exc:
            raise DatabaseUnavailable(describe_connect_error(target, exc, setting)) from None
        except ValueError as exc:  # asyncpg's own reading of the URL
            raise DatabaseUnavailable(f"{setting}: {exc}") from None
        repo = cls(pool, target, acquire_timeout)
        try:
            known = load_migrations(migrations)
            repo.applied = await repo._migrate(known)
            if len(known) >= QUEUE_SINCE:  # answers a crash left queued are counted first
                async with pool.acquire() as conn:
                    repo._folder.committed(await conn.fetchval(QUEUED))
        except (asyncpg.PostgresError, OSError, TimeoutError, asyncpg.InterfaceError) as exc:
            await pool.close()
            raise DatabaseUnavailable(describe_connect_error(target, exc, setting)) from None
        except BaseException:
            await pool.close()
            raise
        return repo

    async def _migrate(self, migrations: list[Migration]) -> list[str]:
        """All pending files in one transaction; the lock makes N starting processes take turns."""
        applied: list[str] = []
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("SET LOCAL statement_timeout = 0")
            await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
            await conn.execute(_MIGRATIONS_TABLE)
            current = await conn.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
            if current > len(migrations):
                raise DatabaseUnavailable(
                    f"the database at {self.target.where} is at schema version {current}, newer "
                    f"than this program knows ({len(migrations)}); upgrade trivia-bot."
                )
            for migration in migrations[current:]:
                await conn.execute(migration.sql)
                await conn.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                    migration.version,
                    migration.name,
                )
                applied.append(migration.name)
        for name in applied:
            log.info("applied migration %s to %s", name, self.target.where)
        return applied

    async def close(self) -> None:
        await self._folder.close()
        await self._pool.close()

    @contextlib.asynccontextmanager
    async def _connection(self) -> AsyncIterator[PoolConnectionProxy[Record]]:
        """A pooled connection; a lost link, a timeout or a full pool is DatabaseUnavailable."""
        try:
            conn = await self._pool.acquire(timeout=self._acquire_timeout)
        except TimeoutError:
            raise DatabaseUnavailable(
                f"all {self._pool.get_max_size()} database connections stayed busy for "
                f"{self._acquire_timeout:g}s (TRIVIA_DB_POOL_SIZE sets how many)"
            ) from None
        except (*_LOST, asyncpg.PostgresError) as exc:  # refused, not accepting connections...
            raise DatabaseUnavailable(
                f"cannot connect to PostgreSQL at {self.target.where}: {exc}"
            ) from exc
        try:
            yield conn
        except asyncpg.QueryCanceledError as exc:
            raise DatabaseUnavailable(f"PostgreSQL cancelled a statement: {exc}") from exc
        except _LOST as exc:
            raise DatabaseUnavailable(
                f"lost the connection to PostgreSQL at {self.target.where}: "
                f"{exc or type(exc).__name__}"
            ) from exc
        finally:
            with contextlib.suppress(Exception):
                await self._pool.release(conn)

    @contextlib.asynccontextmanager
    async def _transaction(self) -> AsyncIterator[PoolConnectionProxy[Record]]:
        async with self._connection() as conn, conn.transaction():
            yield conn

    async def _read(self, method: str, sql: str, params: Sequence[Any]) -> Any:
        """Reads are idempotent: one retry on a fresh connection when the first one was dead."""
        text = numbered(sql)
        checking = _CHECKING.get()
        if checking is not None:
            return await getattr(checking, method)(text, *params)
        for attempt in (1, 2):
            try:
                async with self._connection() as conn:
                    return await getattr(conn, method)(text, *params)
            except DatabaseUnavailable as exc:
                cause = exc.__cause__
                if (
                    attempt == 2
                    or not isinstance(cause, _LOST)
                    or isinstance(cause, asyncpg.QueryCanceledError)
                ):
                    raise
                log.info("retrying a read once on a new connection: %s", exc)
        raise AssertionError("unreachable")

    async def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return await self._read("fetchrow", sql, params)

    async def _all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return list(await self._read("fetch", sql, params))

    unique_violation = asyncpg.UniqueViolationError

    async def _execute(
        self, steps: Sequence[Step], then: Callable[[list[int]], Sequence[Step]] | None = None
    ) -> list[int]:
        if len(steps) == 1 and then is None:  # its own transaction: no BEGIN/COMMIT trips
            sql, params = steps[0]
            async with self._connection() as conn:
                return [_affected(await conn.execute(numbered(sql), *params))]
        async with self._transaction() as conn:
            counts: list[int] = []
            for sql, params in steps:
                counts.append(_affected(await conn.execute(numbered(sql), *params)))
            for sql, params in then(counts) if then is not None else ():
                counts.append(_affected(await conn.execute(numbered(sql), *params)))
            return counts

    async def _execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        async with self._transaction() as conn:
            await conn.executemany(numbered(sql), rows)

    # -- games ---------------------------------------------------------------

    async def create_game(self, game: NewGame) -> int:
        try:
            async with self._connection() as conn:
                game_id = await conn.fetchval(
                    "INSERT INTO games (guild_id, channel_id, banks, mode, starter_id, "
                    "question_count, seconds, started_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
                    "RETURNING id",
                    game.guild_id,
                    game.channel_id,
                    ",".join(game.banks),
                    game.mode,
                    game.starter_id,
                    game.question_count,
                    game.seconds,
                    game.started_at,
                )
        except asyncpg.UniqueViolationError as exc:
            raise DuplicateRunningGame(str(game.channel_id)) from exc
        return int(game_id)

    async def record_answers(
        self, rows: Sequence[AnswerRow], saved: Callable[[], None] | None = None
    ) -> int:
        """One statement: new answers, their players' names and their queue rows, or none."""
        if not rows:
            if saved is not None:
                saved()
            return 0
        columns: tuple[list[Any], ...] = tuple([] for _ in range(14))
        for r in rows:
            for column, value in zip(
                columns,
                (
                    r.game_id,
                    r.number,
                    r.player_id,
                    r.player_name,
                    r.guild_id,
                    r.bank_id,
                    r.question_id,
                    int(r.correct),
                    r.points,
                    r.response_ms,
                    r.answered_at,
                    iso_week(r.answered_at),
                    r.global_name or r.player_name,
                    r.bank_guild,
                ),
                strict=True,
            ):
                column.append(value)
        with self._folder.writing():
            async with self._connection() as conn:
                inserted = int(await conn.fetchval(_RECORD_ANSWERS, *columns))
                if saved is not None:  # committed: before the pool's reset round trip
                    saved()
        self._folder.committed(inserted)
        return inserted

    async def _fold(self) -> int:
        """Count the queued answers in every total (fold.py says when)."""
        async with self._transaction() as conn:
            await conn.execute(self.fold_first[0])
            return int(await conn.fetchval(_FOLD))

    async def end_game(
        self,
        game_id: int,
        status: GameStatus,
        ended_at: float,
        participants: Sequence[Participant],
    ) -> bool:
        """Close a running game and count it in its players' totals, exactly once."""
        (counted,) = await self.end_games([GameEnd(game_id, status, ended_at, tuple(participants))])
        return counted

    async def end_games(self, ends: Sequence[GameEnd]) -> list[bool]:
        """Every end in one transaction: a shutdown's thousands of rounds, one commit."""
        counted: list[bool] = []
        if not ends:
            return counted
        counting: list[tuple[int, int, int, int]] = []  # (guild, player, won, streak)
        async with self._transaction() as conn:
            for end in ends:
                guild_id = await conn.fetchval(
                    "UPDATE games SET status = $1, ended_at = $2 WHERE id = $3 "
                    "AND status = 'running' RETURNING guild_id",
                    end.status.value,
                    end.ended_at,
                    end.game_id,
                )
                counted.append(guild_id is not None)
                if guild_id is None:
                    continue
                gone = await conn.fetch(
                    "DELETE FROM forgotten_players WHERE game_id = $1 RETURNING player_id",
                    end.game_id,
                )
                # forgotten during this round: no game or win counted for them
                left = {row[0] for row in gone}
                counting += [
                    (guild_id, p.player_id, int(p.won), p.best_streak)
                    for p in end.participants
                    if p.player_id not in left
                ]
            if counting:
                columns = (list(column) for column in zip(*counting, strict=True))
                await conn.execute(_COUNT_GAMES, *columns)
        return counted

    async def abandon_running_games(
        self, now: float, shards: ShardRange | None = None, *, guild_id: int | None = None
    ) -> list[GameRow]:
        """Games a crash left running: their answers stay, the channel is freed.

        With a partial shard range, only the games of guilds on those shards: the other
        shards' rounds belong to other live processes. With a guild, only its games.
        """
        async with self._transaction() as conn:
            rows = await conn.fetch(_RUNNING_ON_SHARDS_LOCKED, *on_shards(shards, guild_id))
            await conn.execute(
                "UPDATE games SET status = 'abandoned', ended_at = $1 WHERE id = ANY($2::bigint[])",
                now,
                [r[0] for r in rows],
            )
        return [game_row(r) for r in rows]

    # -- operations -----------------------------------------------------------

    async def check_consistency(self) -> list[str]:
        """The shared checks of totals against answers (PostgreSQL checks pages itself).

        They sum every answer: one read-only transaction without the statement timeout.
        """
        await self.settle()  # first: the fold needs a connection of its own
        async with self._connection() as conn, conn.transaction(readonly=True):
            await conn.execute("SET LOCAL statement_timeout = 0")
            token = _CHECKING.set(conn)
            try:
                return await self._consistency_problems()
            finally:
                _CHECKING.reset(token)

    async def backup(self, target: Path) -> None:
        """pg_dump's custom format (restore with pg_restore); the password goes by environment."""
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(target, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        os.close(fd)
        env = dict(os.environ)
        if self.target.password is not None:
            env["PGPASSWORD"] = self.target.password
        try:
            proc = await asyncio.create_subprocess_exec(
                "pg_dump",
                "--format=custom",
                "--no-owner",
                f"--file={target}",
                f"--dbname={self.target.without_password()}",
                env=env,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
            )
        except FileNotFoundError:
            raise DatabaseUnavailable(
                "pg_dump is not installed: install PostgreSQL's client tools "
                "(apt install postgresql-client) to back up a PostgreSQL database"
            ) from None
        _, err = await proc.communicate()
        if proc.returncode != 0:
            first = err.decode("utf-8", "replace").strip().splitlines()[:1]
            raise DatabaseUnavailable(f"pg_dump failed: {first[0] if first else proc.returncode}")
