"""Shard processes agree through PostgreSQL advisory locks: who runs which shard, who identifies.

Each process holds, on one session for its whole life, an exclusive lock per shard it runs
and a shared lock on the shard count; a second process claiming one of those shards, or
another count, is refused before it touches a game. The locks go with the session, so a
process that dies frees its shards at once and its restart can claim them again.

IDENTIFY turns: Discord lets each bucket (shard_id % max_concurrency) start one session per
5 s, across every process of the bot. A turn locks the bucket for one transaction, waits
until IDENTIFY_SPACING_S after the bucket's last IDENTIFY (a row in identify_turns),
records the new one and commits; the next process in the bucket queues on the lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import asyncpg

from bot.shards import ShardRange
from bot.storage.errors import DatabaseUnavailable

log = logging.getLogger(__name__)

# Two-key advisory locks (key1 = what, key2 = which); the one-key migration lock can't clash.
SHARD_KEY = 0x7472_6976  # key2 = shard id
COUNT_KEY = 0x7472_6977  # key2 = shard count, 0 for "as many as Discord suggests"
BUCKET_KEY = 0x7472_6978  # key2 = identify bucket
# Discord allows one IDENTIFY per bucket per 5 s, counted as they arrive; the half second
# covers an IDENTIFY that reaches Discord later after its turn than the next one does
IDENTIFY_SPACING_S = 5.5
CONNECT_TIMEOUT_S = 10.0

_HOLDERS = """
SELECT l.objid::bigint, a.pid, coalesce(a.application_name, ''),
       coalesce(host(a.client_addr), 'local')
FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2 AND l.classid = $1::bigint::oid
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND l.pid <> pg_backend_pid()
"""


_WAIT_FOR_TURN = (
    "SELECT greatest(0, extract(epoch FROM at - clock_timestamp()) + $2::float8)::float8 "
    "FROM identify_turns WHERE bucket = $1"
)
_TAKE_TURN = (
    "INSERT INTO identify_turns (bucket, at) VALUES ($1, clock_timestamp()) "
    "ON CONFLICT (bucket) DO UPDATE SET at = excluded.at"
)


class ShardsTaken(DatabaseUnavailable):
    """Another live process runs one of our shards, or the bot with another shard count."""


class CoordinationUnreachable(DatabaseUnavailable):
    """PostgreSQL did not answer; a service manager should try again."""

    exit_code = 75  # EX_TEMPFAIL


async def _connect(dsn: str, where: str, purpose: str) -> asyncpg.Connection:
    try:
        return await asyncpg.connect(
            dsn,
            timeout=CONNECT_TIMEOUT_S,
            server_settings={"application_name": f"trivia-bot {purpose}"[:63]},
        )
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        raise CoordinationUnreachable(
            f"cannot reach PostgreSQL at {where} (TRIVIA_DB) to coordinate shards: "
            f"{type(exc).__name__}: {exc}"
        ) from None


class ShardLocks:
    """This process's claim on its shards, and its IDENTIFY turns."""

    def __init__(self, dsn: str, where: str, conn: asyncpg.Connection, shards: ShardRange):
        self._dsn = dsn
        self._where = where
        self._conn = conn
        self.shards = shards

    @classmethod
    async def claim(cls, dsn: str, shards: ShardRange, *, where: str = "") -> ShardLocks:
        """Lock our shards (and the count) for as long as we live, or say who has them."""
        conn = await _connect(dsn, where, str(shards))
        try:
            await _claim(conn, shards)
        except BaseException:
            await conn.close()
            raise
        conn.add_termination_listener(_lost)
        return cls(dsn, where, conn, shards)

    async def identify_turn(self, bucket: int, spacing: float = IDENTIFY_SPACING_S) -> None:
        """Return once this bucket may IDENTIFY: `spacing` s after its last one, anywhere.

        The last time is a row on the server (its clock, so machines' clocks don't matter),
        so a process restarting right after a crash still waits for its predecessor's turn.
        """
        conn = await _connect(self._dsn, self._where, f"identify bucket {bucket}")
        try:
            async with conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock($1, $2)", BUCKET_KEY, bucket)
                wait = await conn.fetchval(_WAIT_FOR_TURN, bucket, spacing)
                if wait:
                    await asyncio.sleep(wait)  # the others of the bucket queue on the lock
                await conn.execute(_TAKE_TURN, bucket)
        finally:
            await conn.close()

    async def close(self) -> None:
        """Let go of the shards."""
        self._conn.remove_termination_listener(_lost)
        await self._conn.close()


def _lost(conn: object) -> None:
    log.error(
        "lost the PostgreSQL session holding this process's shard locks; another process "
        "could now claim its shards. Restart this process once the database is back."
    )


async def _claim(conn: asyncpg.Connection, shards: ShardRange) -> None:
    count = shards.count or 0
    others = await _holders(conn, COUNT_KEY)
    if count == 0:
        got = await conn.fetchval("SELECT pg_try_advisory_lock($1, 0)", COUNT_KEY)
    else:
        got = await conn.fetchval("SELECT pg_try_advisory_lock_shared($1, $2)", COUNT_KEY, count)
    clash = [h for h in others if h[0] != count or count == 0]
    if not got or clash:
        who = clash[0] if clash else None
        other = who[0] if who else count
        theirs = "the number of shards Discord suggests" if other == 0 else f"{other} shards"
        raise ShardsTaken(
            f"another trivia-bot process runs the bot in {theirs} on this database "
            f"({_describe(who)}); every process needs the same TRIVIA_SHARD_COUNT"
            + ("" if count else " (set it to run several processes)")
        )
    if shards.count is None or shards.last is None:
        return
    for shard in range(shards.first, shards.last + 1):
        if not await conn.fetchval("SELECT pg_try_advisory_lock($1, $2)", SHARD_KEY, shard):
            holder = next((h for h in await _holders(conn, SHARD_KEY) if h[0] == shard), None)
            raise ShardsTaken(
                f"shard {shard} of {shards.count} is already run by another process "
                f"({_describe(holder)}); TRIVIA_SHARDS ranges must not overlap"
            )


async def _holders(conn: asyncpg.Connection, key: int) -> list[tuple[int, int, str, str]]:
    return [(r[0], r[1], r[2], r[3]) for r in await conn.fetch(_HOLDERS, key)]


def _describe(holder: tuple[int, int, str, str] | None) -> str:
    if holder is None:
        return "it has just let go; try again"
    _, pid, name, host = holder
    return f"{name or 'a session'} at {host}, server pid {pid}"


@contextlib.asynccontextmanager
async def claimed(dsn: str, shards: ShardRange, *, where: str = "") -> AsyncIterator[ShardLocks]:
    """Hold the shards for the block; freed however it ends."""
    locks = await ShardLocks.claim(dsn, shards, where=where)
    try:
        yield locks
    finally:
        await locks.close()
