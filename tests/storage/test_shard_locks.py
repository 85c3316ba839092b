"""Shard processes coordinate through PostgreSQL advisory locks: ownership and IDENTIFY turns."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.shards import ShardRange
from bot.storage.postgres import PostgresRepository
from bot.storage.shard_locks import ShardLocks, ShardsTaken, claimed

SPACING = 0.25  # Discord's is 5 s; the rule is the same at any spacing


async def test_a_shard_is_run_by_one_process_at_a_time(pg_target):
    dsn = pg_target.dsn
    async with claimed(dsn, ShardRange(4, 0, 1)):
        with pytest.raises(ShardsTaken, match="shard 1 of 4 is already run by another") as e:
            await ShardLocks.claim(dsn, ShardRange(4, 1, 3))
        assert "trivia-bot shards 0-1 of 4" in str(e.value)  # who holds it, by name
        async with claimed(dsn, ShardRange(4, 2, 3)):  # the rest of the bot is free
            pass
    async with claimed(dsn, ShardRange(4, 1, 3)):  # freed when its holder ended
        pass


async def test_every_process_must_agree_on_the_count(pg_target):
    dsn = pg_target.dsn
    async with claimed(dsn, ShardRange(2, 0, 0)):
        with pytest.raises(ShardsTaken, match="in 2 shards on this database"):
            await ShardLocks.claim(dsn, ShardRange(3, 2, 2))
        with pytest.raises(ShardsTaken, match=r"in 2 shards.*TRIVIA_SHARD_COUNT"):
            await ShardLocks.claim(dsn, ShardRange())  # one process for every shard
    async with claimed(dsn, ShardRange()):
        with pytest.raises(ShardsTaken, match="in the number of shards Discord suggests"):
            await ShardLocks.claim(dsn, ShardRange(2, 1, 1))


async def test_a_dead_process_frees_its_shards(pg_target):
    locks = await ShardLocks.claim(pg_target.dsn, ShardRange(2, 0, 0))
    locks._conn.terminate()  # what SIGKILL does to its session
    for _ in range(50):  # the server notices the dropped socket within moments
        try:
            async with claimed(pg_target.dsn, ShardRange(2, 0, 0)):
                return
        except ShardsTaken:
            await asyncio.sleep(0.05)
    pytest.fail("shard 0 stayed taken after its process died")


@pytest.fixture
async def migrated(pg_target):
    """identify_turns is a table of the schema; the repository's migrations make it."""
    await (await PostgresRepository.open(pg_target, pool_size=1)).close()
    return pg_target.dsn


async def test_identify_turns_of_one_bucket_are_spaced_across_processes(migrated):
    async with (
        claimed(migrated, ShardRange(4, 0, 1)) as a,
        claimed(migrated, ShardRange(4, 2, 3)) as b,
    ):
        started = time.monotonic()
        granted: dict[int, list[float]] = {0: [], 1: []}

        async def turn(locks, bucket):
            await locks.identify_turn(bucket, SPACING)
            granted[bucket].append(time.monotonic() - started)

        await turn(a, 0)
        await asyncio.gather(turn(b, 0), turn(b, 1), turn(a, 0))
    first, second, third = sorted(granted[0])
    # nobody went before the first turn of each bucket, and bucket 1 waits for nobody in 0
    # (bounds relative to the turns, not to the clock: a loaded machine slows every round trip)
    assert first < SPACING * 0.9 and granted[1][0] < second
    assert second >= first + SPACING * 0.95 and third >= second + SPACING * 0.95
    assert third < first + 4 * SPACING  # waits are computed, not padded


async def test_a_turn_taken_by_a_process_that_died_still_counts(migrated):
    async with claimed(migrated, ShardRange(2, 1, 1)) as before_the_crash:
        await before_the_crash.identify_turn(0, SPACING)
        taken = time.monotonic()
    async with claimed(migrated, ShardRange(2, 1, 1)) as restarted:
        await restarted.identify_turn(0, SPACING)
    assert time.monotonic() - taken >= SPACING * 0.95


async def test_no_server_is_one_line(unused_tcp_port):
    from bot.storage.errors import DatabaseUnavailable

    with pytest.raises(DatabaseUnavailable, match="cannot reach PostgreSQL at here") as e:
        dsn = f"postgresql://postgres@127.0.0.1:{unused_tcp_port}/x"
        await ShardLocks.claim(dsn, ShardRange(2, 0, 0), where="here")
    assert e.value.exit_code == 75  # a service manager tries again
