"""SQLite backend: WAL, foreign keys, numbered migrations, totals kept by triggers."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any

import aiosqlite

from bot.shards import ShardRange
from bot.storage.checkpoint import Checkpointer
from bot.storage.errors import DatabaseUnavailable, DuplicateRunningGame
from bot.storage.fold import QUEUE_SINCE, QUEUED, Folder
from bot.storage.migrations import MIGRATIONS_DIR, Migration, load_migrations
from bot.storage.portable import (
    ABANDON_ON_SHARDS,
    RUNNING_ON_SHARDS,
    PortableSql,
    Step,
    game_row,
    on_shards,
)
from bot.storage.records import (
    AnswerRow,
    GameEnd,
    GameRow,
    GameStatus,
    NewGame,
    Participant,
    iso_week,
)

# FULL: a commit is on disk before it returns; NORMAL: survives a killed process only
_SYNCHRONOUS = {"FULL": "PRAGMA synchronous = FULL", "NORMAL": "PRAGMA synchronous = NORMAL"}
SYNCHRONOUS = tuple(_SYNCHRONOUS)


# A new file's pages are 1 KiB, not SQLite's 4 KiB: an answer dirties one leaf in each of
# ~16 b-trees (answers, its indexes, six totals tables and their rank indexes), and every
# dirty page is written whole to the log, synced and copied back by the checkpoint; with
# 1 KiB pages that is a quarter of the bytes, and about 35% less CPU on the database thread
# per click (bench B1). Only an empty file takes it; an existing one keeps its size.
PAGE_SIZE = 1024
_PAGE_SIZE_PRAGMA = f"PRAGMA page_size = {PAGE_SIZE}"  # fixed text, built once at import


async def _configure(conn: aiosqlite.Connection, synchronous: str) -> None:
    # busy_timeout first: a second process switching a fresh file to WAL must wait, not fail
    await conn.execute("PRAGMA busy_timeout = 5000")
    await conn.execute(_PAGE_SIZE_PRAGMA)  # before WAL: a no-op once it's set
    await _switch_to_wal(conn)
    for pragma in (
        _SYNCHRONOUS[synchronous],
        "PRAGMA foreign_keys = ON",
        "PRAGMA wal_autocheckpoint = 0",  # the Checkpointer's thread does it, not a commit
        # 32 MiB of pages per connection, not SQLite's 2 MiB: an answer's commit touches six
        # totals tables and their rank indexes, which at 2M answers no longer fitted
        "PRAGMA cache_size = -32768",
        "PRAGMA temp_store = MEMORY",  # the fold's scratch table (FOLD) never touches disk
    ):
        await conn.execute(pragma)


async def _switch_to_wal(conn: aiosqlite.Connection, patience: float = 5.0) -> None:
    """Retry the switch: SQLite skips the busy handler when two fresh opens race for it."""
    deadline = time.monotonic() + patience
    while True:
        try:
            await conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.01)


async def _close_all(*conns: aiosqlite.Connection | None) -> None:
    for conn in dict.fromkeys(c for c in conns if c is not None):
        await conn.close()


def _create_private(path: Path) -> None:
    """Create the database file readable by its owner only, before SQLite opens it."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)


# The totals an answer counts in, with the keys that name a row of each.
_TOTALS = (
    ("player_totals", "guild_id, player_id"),
    ("player_week_totals", "guild_id, week, player_id"),
    ("player_month_totals", "guild_id, month, player_id"),
    ("global_totals", "player_id"),
    ("global_week_totals", "week, player_id"),
    ("bank_totals", "bank_guild, bank_id, player_id"),
    ("bank_week_totals", "bank_guild, bank_id, week, player_id"),
)
_ADD = (
    "ON CONFLICT ({keys}) DO UPDATE SET points = points + excluded.points, "
    "correct = correct + excluded.correct, answered = answered + excluded.answered"
)
# The queued answers' keys, then the answers, once into scratch tables in memory, then summed
# into each total in key order (`WHERE true`: SQLite's upsert after a SELECT needs a WHERE);
# a queued row whose answer is gone adds nothing. Every statement runs in the same write
# transaction. FOLD takes the whole queue (a reset's or forget's transaction); a background
# fold takes a chunk a transaction, so an answer commit waiting for the writer waits for one
# chunk only. A chunk is sized from the last one's time to hold the writer about
# FOLD_CHUNK_S: at 2M answers an answer costs 57-170 us to fold (bench B4), and 100 of them
# held it 8-15 ms, the paced commits' tail; on a small file a chunk stays at FOLD_CHUNK.
FOLD_CHUNK = 100
FOLD_CHUNK_S = 0.003
MIN_FOLD_CHUNK = 10
_SCRATCH = (
    "CREATE TEMP TABLE IF NOT EXISTS fold_keys (game_id INTEGER, number INTEGER, "
    "player_id INTEGER, PRIMARY KEY (game_id, number, player_id)) WITHOUT ROWID",
    "CREATE TEMP TABLE IF NOT EXISTS folding (guild_id INTEGER, player_id INTEGER, "
    "week TEXT, month TEXT, bank_guild INTEGER, bank_id TEXT, points INTEGER, correct INTEGER)",
)
_TAKE = "INSERT INTO temp.fold_keys SELECT game_id, number, player_id FROM answers_to_count"
_COUNT_TAKEN = (
    "INSERT INTO temp.folding SELECT a.guild_id, a.player_id, a.week, "
    "strftime('%Y-%m', a.answered_at, 'unixepoch'), a.bank_guild, a.bank_id, a.points, "
    "a.correct FROM temp.fold_keys c JOIN answers a ON a.game_id = c.game_id "
    "AND a.number = c.number AND a.player_id = c.player_id",
    *(
        f"INSERT INTO {table} ({keys}, points, correct, answered) "  # noqa: S608 - ours
        f"SELECT {keys}, SUM(points), SUM(correct), COUNT(*) FROM temp.folding WHERE true "
        f"GROUP BY {keys} " + _ADD.format(keys=keys)
        for table, keys in _TOTALS
    ),
    # in the season open in the answer's server when it is counted; a new season folds first
    "INSERT INTO player_season_totals (guild_id, season, player_id, points, correct, answered) "
    "SELECT f.guild_id, s.name, f.player_id, SUM(f.points), SUM(f.correct), COUNT(*) "
    "FROM temp.folding f JOIN seasons s ON s.guild_id = f.guild_id AND s.ended_at IS NULL "
    "WHERE true GROUP BY f.guild_id, s.name, f.player_id "
    + _ADD.format(keys="guild_id, season, player_id"),
    "DELETE FROM temp.folding",
    "DELETE FROM answers_to_count WHERE (game_id, number, player_id) IN "
    "(SELECT game_id, number, player_id FROM temp.fold_keys)",
    "DELETE FROM temp.fold_keys",
)
FOLD = (*_SCRATCH, _TAKE, *_COUNT_TAKEN)


@functools.cache
def _fold_chunk(rows: int) -> tuple[str, ...]:
    return (*_SCRATCH, f"{_TAKE} LIMIT {int(rows)}", *_COUNT_TAKEN)


class SQLiteRepository(PortableSql):
    """SQLite's SQL lives here and in portable.py; callers see records, never cursors.

    Two connections: every write goes through one, in order; boards and stats read on the
    other (WAL lets a reader work beside the writer), so a slow board never queues a click.
    """

    def __init__(
        self, conn: aiosqlite.Connection, path: Path, reader: aiosqlite.Connection | None = None
    ) -> None:
        self._conn = conn
        self._reader = reader or conn
        self.path = path
        self._write_lock = asyncio.Lock()
        self._checkpointer = Checkpointer(path, self._restart_from_thread)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._folder = Folder(self._fold)
        self._fold_rows = FOLD_CHUNK  # the next background fold chunk's size

    @classmethod
    async def open(
        cls,
        path: str | Path,
        *,
        migrations: Path = MIGRATIONS_DIR,
        synchronous: str = "FULL",
    ) -> SQLiteRepository:
        """Open (creating if needed) and migrate; errors say what to fix.

        `synchronous` FULL (the default) syncs the log at every commit, so an answer
        acknowledged as saved survives a power loss or an OS crash, not only a killed
        process; NORMAL is faster and survives only the latter (docs/operations.md).
        """
        path = Path(path)
        if synchronous not in SYNCHRONOUS:
            raise ValueError(f"synchronous must be one of {', '.join(SYNCHRONOUS)}")
        known = load_migrations(migrations)  # before creating anything: no schema-less file
        _refuse_folder(path)
        for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            # a read-only -shm left by another user makes every write fail later
            if file.exists() and not os.access(file, os.R_OK | os.W_OK):
                raise _read_only(file)
        try:
            _create_private(path)
        except OSError as exc:
            raise DatabaseUnavailable(
                f"cannot create the database file {path}: {exc.strerror}. "
                "Set TRIVIA_DB to a writable location."
            ) from exc
        conn = await _connect(path, str(path))
        reader: aiosqlite.Connection | None = None
        try:
            await _configure(conn, synchronous)
            await cls(conn, path)._migrate(known)
            reader = await _connect(path, str(path))
            await _configure(reader, synchronous)
            await reader.execute("PRAGMA query_only = ON")
        except sqlite3.DatabaseError as exc:
            await _close_all(conn, reader)
            raise _unusable(path, exc) from exc
        except BaseException:
            await _close_all(conn, reader)
            raise
        repo = cls(conn, path, reader)
        repo._loop = asyncio.get_running_loop()
        repo._checkpointer.start()
        if len(known) >= QUEUE_SINCE:  # answers a crash left queued are counted first
            repo._folder.committed(int((await repo._one(QUEUED))[0]))
        return repo

    @classmethod
    async def open_readonly(
        cls, path: str | Path, *, migrations: Path = MIGRATIONS_DIR
    ) -> SQLiteRepository:
        """For checks: never creates, migrates or writes; a missing file is an error."""
        path = Path(path)
        known = load_migrations(migrations)
        _refuse_folder(path)
        if not path.exists():
            raise DatabaseUnavailable(f"no database at {path}; check TRIVIA_DB")
        conn = await _connect(path, f"{path.resolve().as_uri()}?mode=ro", uri=True)
        repo = cls(conn, path)
        try:
            await conn.execute("PRAGMA busy_timeout = 5000")
            async with conn.execute("PRAGMA user_version") as cur:
                row = await cur.fetchone()
            version = int(row[0]) if row else 0
        except sqlite3.DatabaseError as exc:
            await conn.close()
            raise _unusable(path, exc) from exc
        if version != len(known):
            await conn.close()
            raise DatabaseUnavailable(
                f"{path} is at schema version {version}, this program's is {len(known)}: "
                + (
                    "upgrade trivia-bot."
                    if version > len(known)
                    else "start the bot once to migrate it, then check again."
                )
            )
        return repo

    async def _migrate(self, migrations: list[Migration]) -> None:
        """Read the version and migrate in one write transaction.

        Two processes opening a fresh file at once must not both see version 0: the
        second then failed midway ("table games already exists").
        """
        async with self._transaction() as db:
            async with db.execute("PRAGMA user_version") as cur:
                row = await cur.fetchone()
            current = int(row[0]) if row else 0
            if current > len(migrations):
                raise DatabaseUnavailable(
                    f"the database {self.path} is at schema version {current}, newer than "
                    f"this program knows ({len(migrations)}); upgrade trivia-bot."
                )
            for migration in migrations[current:]:
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
        await self._folder.close()
        await asyncio.to_thread(self._checkpointer.stop)
        # the last connection to close folds the rest of the log in
        await _close_all(self._reader, self._conn)

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

    async def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        async with self._conn.execute(sql, tuple(params)) as cur:
            return await cur.fetchone()

    async def _all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        async with self._conn.execute(sql, tuple(params)) as cur:
            return list(await cur.fetchall())

    async def _board_all(self, sql: str, params: Sequence[Any]) -> list[Any]:
        async with self._reader.execute(sql, tuple(params)) as cur:
            return list(await cur.fetchall())

    unique_violation = sqlite3.IntegrityError

    async def _execute(
        self, steps: Sequence[Step], then: Callable[[list[int]], Sequence[Step]] | None = None
    ) -> list[int]:
        counts: list[int] = []
        async with self._transaction() as db:
            for sql, params in steps:
                cur = await db.execute(sql, tuple(params))
                counts.append(cur.rowcount)
            for sql, params in then(counts) if then is not None else ():
                cur = await db.execute(sql, tuple(params))
                counts.append(cur.rowcount)
        return counts

    async def _execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        async with self._transaction() as db:
            await db.executemany(sql, rows)

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

    async def record_answers(
        self, rows: Sequence[AnswerRow], saved: Callable[[], None] | None = None
    ) -> int:
        """Store answers idempotently; returns how many were new.

        The whole transaction is one call on aiosqlite's thread, not four (BEGIN, two
        statements, COMMIT): each hop between threads cost about 40 us of CPU, and a
        click burst at 1,000/s commits about once per click (bench B1, CPU per click).
        The thread itself schedules `saved` once COMMIT returns, a loop iteration before
        this coroutine resumes: under load each iteration waits for other clicks' work.
        """
        if not rows:
            if saved is not None:
                saved()
            return 0
        with self._folder.writing():  # from here: no fold slips in before this commit
            return await self._record(rows, saved)

    async def _record(self, rows: Sequence[AnswerRow], saved: Callable[[], None] | None) -> int:
        players = list(
            {
                r.player_id: (r.player_id, r.global_name or r.player_name, r.answered_at)
                for r in rows
            }.values()
        )
        members = list(
            {
                (r.guild_id, r.player_id): (r.guild_id, r.player_id, r.player_name, r.answered_at)
                for r in rows
            }.values()
        )
        answers = [
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
                r.bank_guild,
            )
            for r in rows
        ]
        told = None
        if saved is not None:
            told = functools.partial(asyncio.get_running_loop().call_soon_threadsafe, saved)
        async with self._write_lock:
            try:
                # aiosqlite has no public "run this on the connection's thread"
                inserted: int = await self._conn._execute(  # type: ignore[no-untyped-call]
                    _write_answers, self._conn._conn, players, members, answers, told
                )
            except sqlite3.OperationalError as exc:  # locked, read-only, disk full, I/O
                raise DatabaseUnavailable(f"cannot write to {self.path}: {exc}") from exc
            self._checkpointer.poke()
        self._folder.committed(inserted)
        return inserted

    # run first in a reset's, forget's, purge's or new season's transaction: what they
    # change must see every stored answer counted
    fold_first = FOLD

    def _restart_from_thread(self, wait: bool, commits: int) -> bool:
        """The checkpoint thread's RESTART, run by the writer between two of its commits."""
        if self._loop is None or self._loop.is_closed():
            return True
        done = asyncio.run_coroutine_threadsafe(self._restart_log(wait, commits), self._loop)
        try:
            return done.result(timeout=10.0)
        except Exception:  # closing, or the loop is gone: the last close folds the log in
            done.cancel()
            return True

    async def _restart_log(self, wait: bool, commits: int) -> bool:
        """Start the log over once readers are off it; under the write lock, so no commit
        meets the checkpoint's lock and sleeps in its busy handler.

        Unless told to wait, only if no commit came since the checkpoint that caught up:
        a RESTART that still has frames to copy syncs the log and the file while it holds
        the lock (12-15 ms at 2M answers, the paced commits' tail in bench B4); the
        thread catches up again and asks anew instead.
        """
        async with self._write_lock:
            if not wait and self._checkpointer.commits != commits:
                return True
            busy: bool = await self._conn._execute(  # type: ignore[no-untyped-call]
                _restart_log, self._conn._conn, wait
            )
        return busy

    async def _fold(self) -> int:
        """Count the queued answers in every total (fold.py says when), a chunk a transaction:
        between two chunks the write lock lets waiting answer commits go first."""
        folded = 0
        while True:
            size = self._fold_rows
            async with self._write_lock:
                started = time.perf_counter()
                try:
                    chunk: int = await self._conn._execute(  # type: ignore[no-untyped-call]
                        _fold_queue, self._conn._conn, _fold_chunk(size)
                    )
                except sqlite3.OperationalError as exc:
                    raise DatabaseUnavailable(f"cannot write to {self.path}: {exc}") from exc
                took = time.perf_counter() - started
                self._checkpointer.poke()
            folded += chunk
            if chunk:
                fits = int(FOLD_CHUNK_S * chunk / max(took, 1e-6))
                self._fold_rows = max(MIN_FOLD_CHUNK, min(FOLD_CHUNK, fits))
            if chunk < size:
                return folded

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
        """Every end in one transaction on the connection's thread: one commit, one hop.

        A shutdown with 10,000 rounds open ended them one transaction each and saved 23
        within its 10 s (bench B5); the rest went to the recovery file.
        """
        if not ends:
            return []
        async with self._write_lock:
            try:
                counted: list[bool] = await self._conn._execute(  # type: ignore[no-untyped-call]
                    _end_games, self._conn._conn, ends
                )
            except sqlite3.OperationalError as exc:
                raise DatabaseUnavailable(f"cannot write to {self.path}: {exc}") from exc
            self._checkpointer.poke()
        return counted

    async def abandon_running_games(
        self, now: float, shards: ShardRange | None = None, *, guild_id: int | None = None
    ) -> list[GameRow]:
        """Games a crash left running: their answers stay, the channel is freed.

        With a partial shard range, only the games of guilds on those shards: the other
        shards' rounds belong to other live processes. With a guild, only its games.
        """
        params = on_shards(shards, guild_id)
        async with self._transaction() as db:
            rows = await self._all(RUNNING_ON_SHARDS, params)
            await db.execute(ABANDON_ON_SHARDS, (now, *params))
        return [game_row(r) for r in rows]

    # -- operations -----------------------------------------------------------

    async def check_consistency(self) -> list[str]:
        """The shared checks of totals against answers, then SQLite's own integrity check."""
        await self.settle()
        problems = await self._consistency_problems()
        integrity = await self._one("PRAGMA integrity_check")
        if integrity[0] != "ok":
            problems.append(f"integrity check: {integrity[0]}")
        return problems

    async def backup(self, target: Path) -> None:
        """SQLite's online backup: consistent even while rounds are being written.

        Written to a private temporary file beside the target, then renamed over it: the
        backup is 0600 even where a file stood, and never left half-written.
        """
        partial = target.with_name(f".{target.name}.partial")
        try:
            partial.unlink(missing_ok=True)
            _create_private(partial)
            async with aiosqlite.connect(partial) as dest:
                await self._conn.backup(dest)
            os.replace(partial, target)
        except (OSError, sqlite3.Error) as exc:
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise DatabaseUnavailable(f"cannot write the backup {target}: {reason}") from exc


def _refuse_folder(path: Path) -> None:
    if path.is_dir():
        raise DatabaseUnavailable(
            f"{path} is a folder, not a database file; set TRIVIA_DB to a file such as "
            f"{path / 'trivia.db'}"
        )


async def _connect(path: Path, target: str, *, uri: bool = False) -> aiosqlite.Connection:
    try:
        # room for every size of _insert_rows's statements beside the rest
        return await aiosqlite.connect(target, isolation_level=None, uri=uri, cached_statements=256)
    except sqlite3.Error as exc:
        raise _unusable(path, exc) from exc


def _read_only(path: Path) -> DatabaseUnavailable:
    return DatabaseUnavailable(
        f"cannot write to the database file {path}: it or its folder is read-only for this "
        "user (a permissions problem, not damage). Fix the permissions or set TRIVIA_DB to "
        "a writable file."
    )


def _unusable(path: Path, exc: sqlite3.Error) -> DatabaseUnavailable:
    """Permissions are not damage: only a damaged file needs a backup restored."""
    name = getattr(exc, "sqlite_errorname", "")
    if name.startswith("SQLITE_READONLY") or "readonly" in str(exc):
        return _read_only(path)
    if name.startswith("SQLITE_CANTOPEN"):
        return DatabaseUnavailable(
            f"cannot open the database file {path}: {exc}. Check that this user may read "
            "and write it and its folder, or set TRIVIA_DB."
        )
    return DatabaseUnavailable(
        f"cannot use the database file {path}: {exc}. If it is damaged, restore a "
        "backup (trivia-bot db backup) or move it aside to start afresh."
    )


# A name is written only when it changed (updated_at: when it last did): rewriting the same
# name at every answer dirtied two more pages per answer in each commit (bench B4).
_UPSERT_PLAYER = (
    "INSERT INTO players (id, name, updated_at) VALUES (?, ?, ?) "
    "ON CONFLICT (id) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at "
    "WHERE name IS NOT excluded.name"
)
_UPSERT_MEMBER = (
    "INSERT INTO members (guild_id, player_id, name, updated_at) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (guild_id, player_id) DO UPDATE SET name = excluded.name, "
    "updated_at = excluded.updated_at WHERE name IS NOT excluded.name"
)
# (game, player) pairs a forget took out of a running round; a handful at most
_FORGOTTEN = "SELECT game_id, player_id FROM forgotten_players"
_FORGET_GAME = "DELETE FROM forgotten_players WHERE game_id = ? RETURNING player_id"
_INSERT_ANSWER = (
    "INSERT INTO answers (game_id, number, player_id, guild_id, bank_id, question_id, correct, "
    "points, response_ms, answered_at, week, bank_guild) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"
)


def _write_answers(
    db: sqlite3.Connection,
    players: list[tuple[Any, ...]],
    members: list[tuple[Any, ...]],
    answers: list[tuple[Any, ...]],
    told: Callable[[], object] | None = None,
) -> int:
    """One answer transaction, run on the connection's own thread; returns answers inserted.

    `told`, if given, is called once COMMIT has returned (it schedules the caller's
    `saved` on the loop).
    """
    db.execute("BEGIN IMMEDIATE")
    try:
        forgotten = db.execute(_FORGOTTEN).fetchall()
        if forgotten:  # a member forgotten while this round ran: none of it comes back
            players, members, answers = _without(set(forgotten), players, members, answers)
        _insert_rows(db, _UPSERT_PLAYER, players)
        _insert_rows(db, _UPSERT_MEMBER, members)
        # rows the statement itself inserted: what its triggers changed is not counted
        inserted = _insert_rows(db, _INSERT_ANSWER, answers)
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:  # SQLite already rolled back after SQLITE_FULL or I/O errors
            db.execute("ROLLBACK")
        raise
    if told is not None:
        with contextlib.suppress(RuntimeError):  # the loop closed: no one waits for replies
            told()
    return inserted


# Rows go in a statement per table, not per row: each statement takes the GIL back from the
# event loop twice (reset, step), and a loop that never waits gives it up only every switch
# interval (5 ms). A 10-answer commit beside such a loop took 38-114 ms at p50 row by row,
# 10-33 ms so; beside an idle one 0.4-0.5 ms either way (`python -m bench.gil_commit`).
ROWS_A_STATEMENT = 32


@functools.cache
def _rows_sql(sql: str, rows: int) -> str:
    """`sql`, an INSERT with one VALUES tuple, with `rows` of them."""
    head, values = sql.split(" VALUES ", 1)
    end = values.index(")") + 1
    return f"{head} VALUES {', '.join([values[:end]] * rows)}{values[end:]}"


def _insert_rows(db: sqlite3.Connection, sql: str, rows: Sequence[tuple[Any, ...]]) -> int:
    """Insert `rows` by `sql`, ROWS_A_STATEMENT a statement; returns the rows they changed."""
    changed = 0
    for start in range(0, len(rows), ROWS_A_STATEMENT):
        chunk = rows[start : start + ROWS_A_STATEMENT]
        params = [value for row in chunk for value in row]
        changed += db.execute(_rows_sql(sql, len(chunk)), params).rowcount
    return changed


def _restart_log(db: sqlite3.Connection, wait: bool) -> bool:
    """RESTART from the writing connection, waiting for readers 2 s at most, or not at all."""
    db.execute("PRAGMA busy_timeout = 2000" if wait else "PRAGMA busy_timeout = 0")
    try:
        return bool(db.execute("PRAGMA wal_checkpoint(RESTART)").fetchone()[0])
    finally:
        db.execute("PRAGMA busy_timeout = 5000")  # as _configure set it


def _fold_queue(db: sqlite3.Connection, statements: Sequence[str]) -> int:
    """One fold transaction on the connection's own thread; returns the queue rows counted."""
    db.execute("BEGIN IMMEDIATE")
    try:
        folded = 0
        for sql in statements:
            count = db.execute(sql).rowcount
            if sql.startswith("DELETE FROM answers_to_count"):
                folded = count
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    return folded


_END_GAME = "UPDATE games SET status = ?, ended_at = ? WHERE id = ? AND status = 'running'"
_COUNT_GAME = (
    "INSERT INTO player_totals (guild_id, player_id, games, wins, best_streak) "
    "VALUES (?, ?, 1, ?, ?) ON CONFLICT (guild_id, player_id) DO UPDATE SET "
    "games = games + 1, wins = wins + excluded.wins, "
    "best_streak = MAX(best_streak, excluded.best_streak)"
)


def _end_games(db: sqlite3.Connection, ends: Sequence[GameEnd]) -> list[bool]:
    """One transaction of game ends on the connection's thread; which games were running."""
    counted: list[bool] = []
    db.execute("BEGIN IMMEDIATE")
    try:
        for end in ends:
            cur = db.execute(_END_GAME, (end.status.value, end.ended_at, end.game_id))
            if cur.rowcount != 1:
                counted.append(False)
                continue
            guild = db.execute("SELECT guild_id FROM games WHERE id = ?", (end.game_id,))
            guild_id = guild.fetchone()[0]
            # forgotten during this round: no game or win counted for them
            left = {row[0] for row in db.execute(_FORGET_GAME, (end.game_id,)).fetchall()}
            db.executemany(
                _COUNT_GAME,
                [
                    (guild_id, p.player_id, int(p.won), p.best_streak)
                    for p in end.participants
                    if p.player_id not in left
                ],
            )
            counted.append(True)
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    return counted


def _without(
    forgotten: set[tuple[int, int]],
    players: list[tuple[Any, ...]],
    members: list[tuple[Any, ...]],
    answers: list[tuple[Any, ...]],
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The batch without the answers of forgotten (game, player) pairs, nor their names."""
    answers = [a for a in answers if (a[0], a[2]) not in forgotten]
    kept = {(a[3], a[2]) for a in answers}
    players_kept = {a[2] for a in answers}
    return (
        [p for p in players if p[0] in players_kept],
        [m for m in members if (m[0], m[1]) in kept],
        answers,
    )


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
