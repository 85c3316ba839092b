"""PostgreSQL outages mid-round, as test_database.py does for SQLite: nothing accepted is lost.

Each test has a database of its own on the machine's server and breaks it from outside the
bot (another connection), never by restarting the shared server.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import asyncpg
import pytest

from bot.settings import Settings
from bot.storage.postgres import PostgresRepository
from bot.storage.target import PostgresTarget, parse_target
from tests.fakediscord import FakeDiscord
from tests.faults.conftest import TALLY, Running, assert_db_check, settings_for
from tests.faults.test_database import _fifty_rounds, _outage_round
from tests.postgres import ADMIN_URL, fresh_database

pytestmark = pytest.mark.slow


@contextlib.asynccontextmanager
async def _on_postgres(tmp_path: Path, token: str, query: str = "") -> AsyncIterator[Settings]:
    """The faults' usual settings, with TRIVIA_DB a fresh PostgreSQL database (URL + query)."""
    async with fresh_database("trivia_fault") as target:
        database = parse_target(target.dsn + query)
        yield dataclasses.replace(settings_for(tmp_path, token), database=database)


def _target(run: Running) -> PostgresTarget:
    repo = run.app.repo
    assert isinstance(repo, PostgresRepository)
    return repo.target


async def test_connections_dropped_mid_round_answers_wait_and_are_saved(
    fake: FakeDiscord, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Every bot connection is terminated and the database refuses new ones until it heals."""

    async def drop(run: Running) -> Callable[[], Awaitable[None]]:
        name = _target(run).database
        admin = await asyncpg.connect(ADMIN_URL)
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        ended = await admin.fetchval(
            "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = $1 AND application_name = 'trivia-bot'",
            name,
        )
        assert ended >= 1
        TALLY["faults injected: PostgreSQL connections dropped"] += ended

        async def heal() -> None:
            await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
            await admin.close()

        return heal

    async with _on_postgres(tmp_path, fake.token) as settings:
        await _outage_round(fake, tmp_path, caplog, drop, settings=settings)
    assert "not currently accepting connections" in caplog.text


async def test_a_statement_timeout_answers_wait_and_are_saved(
    fake: FakeDiscord, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Another session locks the answers against writes: the server cancels the bot's inserts."""

    async def lock(run: Running) -> Callable[[], Awaitable[None]]:
        conn = await asyncpg.connect(_target(run).dsn)
        transaction = conn.transaction()
        await transaction.start()
        await conn.execute("LOCK TABLE answers IN EXCLUSIVE MODE")  # reads go on, writes wait
        TALLY["faults injected: PostgreSQL statement timeout"] += 1

        async def release() -> None:
            await transaction.rollback()
            await conn.close()

        return release

    # the URL's own statement_timeout (ms) wins over the bot's default of 10 s
    async with _on_postgres(tmp_path, fake.token, "?statement_timeout=300") as settings:
        await _outage_round(
            fake, tmp_path, caplog, lock, settings=settings, refuses_new_rounds=False
        )
    assert "canceling statement due to statement timeout" in caplog.text


async def test_an_exhausted_pool_answers_wait_and_are_saved(
    fake: FakeDiscord, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Every connection of the bot's pool is taken; its calls time out, are retried, then land."""

    async def exhaust(run: Running) -> Callable[[], Awaitable[None]]:
        repo = run.app.repo
        assert isinstance(repo, PostgresRepository)
        repo._acquire_timeout = 0.5  # the bot's own pool, as test_database.py's PRAGMAs are
        taken = [await repo._pool.acquire() for _ in range(repo._pool.get_max_size())]
        TALLY["faults injected: PostgreSQL pool exhausted"] += 1

        async def give_back() -> None:
            for conn in taken:
                await repo._pool.release(conn)

        return give_back

    async with _on_postgres(tmp_path, fake.token) as settings:
        settings = dataclasses.replace(settings, db_pool_size=2)
        await _outage_round(fake, tmp_path, caplog, exhaust, settings=settings)
    assert "all 2 database connections stayed busy for 0.5s (TRIVIA_DB_POOL_SIZE" in caplog.text


async def test_fifty_rounds_on_postgresql_stay_consistent(pg_target: PostgresTarget) -> None:
    """Group commit under load on PostgreSQL: 50 rounds at once, totals equal their answers."""
    await _fifty_rounds(await PostgresRepository.open(pg_target, pool_size=4))
    assert_db_check(pg_target)
