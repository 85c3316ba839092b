"""Migration 0010 counts the answers stored before it into the month totals, on both dialects."""

import shutil
import sqlite3
from datetime import UTC, datetime

import asyncpg

from bot.storage.migrations import MIGRATIONS_DIR, POSTGRES_MIGRATIONS_DIR
from bot.storage.postgres import PostgresRepository
from bot.storage.records import Period
from bot.storage.sqlite import SQLiteRepository

NOV = datetime(2026, 11, 30, 23, 0, tzinfo=UTC).timestamp()
DEC = datetime(2026, 12, 1, 1, 0, tzinfo=UTC).timestamp()
OLD = [
    # (number, player, points, correct, answered_at)
    (1, 1, 500, 1, NOV),
    (2, 1, 200, 1, DEC),
    (2, 2, 0, 0, DEC),
    (3, 2, 900, 1, DEC),
]
GAME = (
    "INSERT INTO games (id, guild_id, channel_id, banks, mode, starter_id, question_count, "
    "seconds, started_at, status) VALUES (1, 10, 100, 'geo', 'buttons', 1, 3, 20, 0, 'finished')"
)
ANSWER = (
    "INSERT INTO answers (game_id, number, player_id, guild_id, bank_id, question_id, correct, "
    "points, response_ms, answered_at, week) VALUES (1, {0}, {1}, 10, 'geo', 'q{0}', {3}, {2}, "
    "1000, {4}, 'w')"
)


def before_0010(tmp_path, source):
    """The migrations as they were before month totals."""
    folder = tmp_path / source.name
    folder.mkdir()
    for path in sorted(source.glob("*.sql")):
        if int(path.name[:4]) < 10:
            shutil.copy(path, folder)
    return folder


async def check_months(repo):
    november = await repo.leaderboard(10, period=Period.MONTH, now=NOV)
    december = await repo.leaderboard(10, period=Period.MONTH, now=DEC)
    assert [(r.player_id, r.points, r.answered) for r in november] == [(1, 500, 1)]
    assert [(r.player_id, r.points, r.answered) for r in december] == [(2, 900, 2), (1, 200, 1)]
    # raw inserts leave PostgreSQL's other totals unkept (it has no triggers): months only
    assert [p for p in await repo.check_consistency() if "month" in p] == []


async def test_sqlite_backfills_month_totals(tmp_path):
    path = tmp_path / "trivia.db"
    old = await SQLiteRepository.open(path, migrations=before_0010(tmp_path, MIGRATIONS_DIR))
    await old.close()
    con = sqlite3.connect(path)
    con.execute(GAME)
    for row in OLD:
        con.execute(ANSWER.format(*row))
    con.commit()
    con.close()
    repo = await SQLiteRepository.open(path)
    try:
        await check_months(repo)
    finally:
        await repo.close()


async def test_postgresql_backfills_month_totals(tmp_path, pg_target):
    folder = before_0010(tmp_path, POSTGRES_MIGRATIONS_DIR)
    old = await PostgresRepository.open(pg_target, pool_size=1, migrations=folder)
    await old.close()
    conn = await asyncpg.connect(pg_target.dsn)
    try:
        await conn.execute(GAME)
        for row in OLD:
            await conn.execute(ANSWER.format(*row))
    finally:
        await conn.close()
    repo = await PostgresRepository.open(pg_target, pool_size=2)
    try:
        await check_months(repo)
    finally:
        await repo.close()
